"""The project's codebook as a file: YAML (ours) or REFI-QDA ``.qdc`` (other QDA programs)."""

from __future__ import annotations

from pathlib import Path

from annotator.codebook import Code, Codebook, CodeGroup, dump_codebook_yaml
from annotator.codebook.refi_format import write_qdc
from annotator.exports.common import ExportError, atomic_target
from annotator.names import visible_name
from annotator.records import ProjectCodebook
from annotator.spreadsheet_safety import clean

CODEBOOK_SUFFIXES = (".yaml", ".yml", ".qdc")


def codebook_model(pcb: ProjectCodebook, version: int | None = None) -> Codebook:
    """The stored codebook (active codes) as a ``Codebook``; ids are the stable uids.
    ``version``: the project's published codebook version, written as the file's version (the
    number labels record), in place of the free text a loaded file carried.

    Names a file from before names were checked may hold control characters: they are shown
    as visible names, and texts lose what XML cannot hold, so the model validates and its
    ``.qdc``/``.qdpx`` is well-formed.
    """
    return Codebook(
        name=visible_name(pcb.name or "Codebook", "Codebook"),
        version=str(version) if version is not None else clean(pcb.version),
        description=clean(pcb.description),
        groups=tuple(
            CodeGroup(
                id=g.uid,
                name=visible_name(g.name),
                multiple=g.multiple,
                ordered=g.ordered,
                description=clean(g.description),
                codes=tuple(
                    Code(
                        id=c.uid,
                        name=visible_name(c.name),
                        key=c.key,
                        color=c.color,
                        definition=clean(c.definition),
                        include=clean(c.include),
                        exclude=clean(c.exclude),
                        examples=tuple(clean(e) for e in c.examples),
                    )
                    for c in g.codes
                ),
            )
            for g in pcb.groups
        ),
    )


def lead_codebook(pcb: ProjectCodebook) -> Codebook | None:
    """The project's codebook as a Codebook, or None while it has no groups (what a merge or a
    REFI-QDA import combines the incoming codebook with)."""
    if not pcb.groups:
        return None
    return codebook_model(pcb)


def write_codebook(
    pcb: ProjectCodebook, path: Path, *, force: bool = False, version: int | None = None
) -> None:
    suffix = path.suffix.lower()
    if suffix not in CODEBOOK_SUFFIXES:
        raise ExportError(f"{path.name}: a codebook is written as .yaml or .qdc, not '{suffix}'")
    cb = codebook_model(pcb, version)
    with atomic_target(path, force=force) as tmp:
        if suffix == ".qdc":
            tmp.write_bytes(write_qdc(cb))
        else:
            tmp.write_text(dump_codebook_yaml(cb), encoding="utf-8")
