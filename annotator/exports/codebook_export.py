"""The project's codebook as a file: YAML (ours) or REFI-QDA ``.qdc`` (other QDA programs)."""

from __future__ import annotations

from pathlib import Path

from annotator.codebook import Code, Codebook, CodeGroup, dump_codebook_yaml
from annotator.exports.common import ExportError, atomic_target
from annotator.records import ProjectCodebook
from annotator.refi_codebook import write_qdc

CODEBOOK_SUFFIXES = (".yaml", ".yml", ".qdc")


def codebook_model(pcb: ProjectCodebook) -> Codebook:
    """The stored codebook (active codes) as a ``Codebook``; ids are the stable uids."""
    return Codebook(
        name=pcb.name or "Codebook",
        version=pcb.version,
        description=pcb.description,
        groups=tuple(
            CodeGroup(
                id=g.uid,
                name=g.name,
                multiple=g.multiple,
                ordered=g.ordered,
                description=g.description,
                codes=tuple(
                    Code(
                        id=c.uid,
                        name=c.name,
                        key=c.key,
                        color=c.color,
                        definition=c.definition,
                        include=c.include,
                        exclude=c.exclude,
                        examples=c.examples,
                    )
                    for c in g.codes
                ),
            )
            for g in pcb.groups
        ),
    )


def write_codebook(pcb: ProjectCodebook, path: Path, *, force: bool = False) -> None:
    suffix = path.suffix.lower()
    if suffix not in CODEBOOK_SUFFIXES:
        raise ExportError(f"{path.name}: a codebook is written as .yaml or .qdc, not '{suffix}'")
    cb = codebook_model(pcb)
    with atomic_target(path, force=force) as tmp:
        if suffix == ".qdc":
            tmp.write_bytes(write_qdc(cb))
        else:
            tmp.write_text(dump_codebook_yaml(cb), encoding="utf-8")
