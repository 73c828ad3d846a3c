"""Combining codebooks: the lead's codebook plus what another one adds, never overwriting it.

A merge and a REFI-QDA import both bring a codebook from another file; the rules (docs/exchange.md)
are the same for both: codes are matched by stable id, then by name within the matched group;
same id with another name or group keeps the lead's code (and says so); same name, different id
in a single-choice group is a conflict (its labels are skipped); new codes are added (a clashing
shortcut key is dropped and reported).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from annotator.codebook.schema import Codebook, CodeGroup
from annotator.errors import AnnotatorError


class CodebookCombineError(AnnotatorError):
    """The codebooks cannot be combined (the result would not be a valid codebook)."""


@dataclass
class CodebookMerge:
    codebook: Codebook
    code_map: dict[str, str]  # incoming code id -> lead code id (uid)
    added: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)


def merge_codebook(lead: Codebook | None, incoming: Codebook, origin: str) -> CodebookMerge:
    """The lead codebook plus what ``incoming`` adds; nothing of the lead is overwritten."""
    groups: list[dict[str, Any]] = []
    if lead is not None:
        for g in lead.groups:
            groups.append({"g": g, "codes": list(g.codes)})
    by_id = {c.id: (gi, c) for gi, entry in enumerate(groups) for c in entry["codes"]}
    group_ids = {entry["g"].id for entry in groups}
    keys = {c.key for entry in groups for c in entry["codes"] if c.key}
    out = CodebookMerge(codebook=lead or incoming, code_map={})
    for g in incoming.groups:
        gi = next((i for i, e in enumerate(groups) if e["g"].id == g.id), None)
        if gi is None:
            gi = next(
                (i for i, e in enumerate(groups) if e["g"].name.casefold() == g.name.casefold()),
                None,
            )
        if gi is None:
            if g.id in by_id:
                out.conflicts.append(
                    f"{origin}: group '{g.name}' has the id of a code in the lead; not added"
                )
                continue
            groups.append({"g": g.model_copy(update={"codes": ()}), "codes": []})
            group_ids.add(g.id)
            gi = len(groups) - 1
        lead_group: CodeGroup = groups[gi]["g"]
        for c in g.codes:
            if c.id in by_id:
                ggi, lc = by_id[c.id]
                if lc.name != c.name or ggi != gi:
                    out.conflicts.append(
                        f"{origin}: code '{g.name} / {c.name}' has the id of the lead's "
                        f"'{groups[ggi]['g'].name} / {lc.name}': kept the lead's name and group"
                    )
                out.code_map[c.id] = lc.id
                continue
            same = next(
                (x for x in groups[gi]["codes"] if x.name.casefold() == c.name.casefold()), None
            )
            if same is not None:
                if not lead_group.multiple:
                    out.conflicts.append(
                        f"{origin}: code '{g.name} / {c.name}' has another id than the lead's "
                        f"code of that name in single-choice group '{lead_group.name}': "
                        "not merged, its labels are skipped"
                    )
                else:
                    out.code_map[c.id] = same.id
                continue
            if c.id in group_ids:
                out.conflicts.append(f"{origin}: code '{c.name}' has the id of a group; not added")
                continue
            new = c
            if c.key and c.key in keys:
                out.conflicts.append(
                    f"{origin}: key '{c.key}' of new code '{c.name}' is taken in the lead; "
                    "added without a key"
                )
                new = c.model_copy(update={"key": ""})
            keys.add(new.key)
            groups[gi]["codes"].append(new)
            by_id[new.id] = (gi, new)
            out.code_map[c.id] = new.id
            out.added.append(f"{lead_group.name} / {new.name}")
    base = lead or incoming
    try:
        out.codebook = Codebook(
            name=base.name,
            version=base.version,
            description=base.description,
            groups=tuple(
                CodeGroup(
                    id=e["g"].id,
                    name=e["g"].name,
                    multiple=e["g"].multiple,
                    ordered=e["g"].ordered,
                    description=e["g"].description,
                    codes=tuple(e["codes"]),
                )
                for e in groups
            ),
        )
    except ValidationError as exc:
        raise CodebookCombineError(
            f"{origin}: the codebooks cannot be combined: {exc.errors()[0]['msg']}"
        ) from None
    return out
