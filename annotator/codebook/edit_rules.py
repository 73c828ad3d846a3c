"""The rules a codebook edit must keep: the very checks a YAML codebook passes when it loads
(``schema``: one-line names, one-character keys, colours like "#0072b2", no two codes of a
group with one name, no two groups with one name, no key used twice), plus the keys the app
keeps for itself.

An edit is checked on the codebook as it would be after the edit, and refused only for a
problem the edit brings in: a file loaded before these rules existed may already break one
(two codes sharing a key, say), and that must not block an unrelated rename.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from pydantic import ValidationError

from annotator.codebook.schema import (
    Code,
    CodebookError,
    CodeGroup,
    codebook_problems,
    group_problems,
)
from annotator.records import ProjectCodebook

__all__ = ["APP_KEYS", "CodebookEditError", "Problem", "codebook_edit_problems", "first_new"]

#: Single-character keys the coding window uses itself (next / previous sentence). A code given
#: one of them would never fire; ``ui.actions.RESERVED_LETTERS`` is derived from the window's
#: own shortcuts and a UI test checks it stays within this set.
APP_KEYS: frozenset[str] = frozenset({"j", "k"})

#: (uid of the code or group, field, message)
Problem = tuple[str, str, str]


class CodebookEditError(CodebookError):
    """An edit refused because the codebook after it would break a rule; ``field`` names the
    form field the reason belongs beside ("name", "key", "color", "multiple", "labels", ...)."""

    def __init__(self, message: str, *, field: str = "", target_uid: str = "") -> None:
        super().__init__(message)
        self.field = field
        self.target_uid = target_uid


def _first_error(error: ValidationError) -> tuple[str, str]:
    first = error.errors()[0]
    field = ".".join(str(p) for p in first["loc"]) or "name"
    return field, str(first["msg"]).removeprefix("Value error, ")


def codebook_edit_problems(
    pcb: ProjectCodebook, reserved: Collection[str] = APP_KEYS
) -> list[Problem]:
    """Every rule the stored codebook breaks, in codebook order."""
    problems: list[Problem] = []
    groups: list[CodeGroup] = []
    for group in pcb.groups:
        try:
            CodeGroup.model_validate(
                {
                    "id": group.uid,
                    "name": group.name,
                    "multiple": group.multiple,
                    "ordered": group.ordered,
                }
            )
        except ValidationError as exc:
            field, message = _first_error(exc)
            field = "multiple" if "ordered" in message else field
            problems.append((group.uid, field, f"group '{group.name}': {message}"))
        codes: list[Code] = []
        for c in group.codes:
            try:
                code = Code(
                    id=c.uid,
                    name=c.name,
                    key=c.key,
                    color=c.color,
                    definition=c.definition,
                    include=c.include,
                    exclude=c.exclude,
                    examples=c.examples,
                )
            except ValidationError as exc:
                field, message = _first_error(exc)
                shown = c.name.strip() or "(no name)"
                problems.append((c.uid, field, f"code '{shown}': {field} {message}"))
                continue
            codes.append(code)
            if code.key and code.key in reserved:
                problems.append(
                    (
                        c.uid,
                        "key",
                        f"code '{code.name}': key '{code.key}' is one of the app's own keys "
                        f"({', '.join(sorted(reserved))}: next and previous sentence)",
                    )
                )
        for index, message in group_problems(group.name, codes):
            problems.append((codes[index].id, "name", message))
        groups.append(CodeGroup.model_construct(id=group.uid, name=group.name, codes=tuple(codes)))
    for gi, ci, field, message in codebook_problems(groups):
        if field == "key":
            continue  # below, worded for each code that shares the key
        uid = groups[gi].id if ci is None else groups[gi].codes[ci].id
        problems.append((uid, field, message))
    sharing: dict[str, list[Code]] = {}
    for code in (c for g in groups for c in g.codes if c.key):
        sharing.setdefault(code.key, []).append(code)
    for key, codes in sharing.items():
        for code in codes if len(codes) > 1 else ():
            others = ", ".join(f"'{o.name}'" for o in codes if o is not code)
            problems.append(
                (code.id, "key", f"code '{code.name}': key '{key}' is already used by {others}")
            )
    return problems


def first_new(
    before: Iterable[Problem], after: Iterable[Problem], prefer: str = ""
) -> Problem | None:
    """The first problem of ``after`` that ``before`` did not have (None: the edit is fine),
    one about ``prefer`` (the code or group edited) first: its form shows the reason."""
    old = {message for _uid, _field, message in before}
    new = [p for p in after if p[2] not in old]
    return next((p for p in new if p[0] == prefer), new[0] if new else None)
