"""The codebook's schema: what coders may assign, how to tell codes apart, and which key
applies each (pydantic models and their consistency checks).

Read and written as YAML by ``yaml_format`` and as REFI-QDA ``.qdc`` by ``refi_format``; every
error names the file and the line, because the person reading it is editing that file.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator, Sequence

from pydantic import BaseModel, ConfigDict, PrivateAttr, field_validator
from pydantic import model_validator as _model_validator

from annotator.errors import AnnotatorError
from annotator.names import name_problem

__all__ = [
    "MAX_CODEBOOK_BYTES",
    "OKABE_ITO",
    "Code",
    "CodeGroup",
    "Codebook",
    "CodebookError",
    "assign_colors",
    "canonical_id",
    "codebook_problems",
    "generated_id",
    "group_problems",
]

MAX_CODEBOOK_BYTES = 5 * 1024 * 1024
"""Larger files are refused: real codebooks are kilobytes; a huge one is a mistake or hostile."""

# Okabe & Ito (2008), "Color Universal Design": distinguishable under the common colour-vision
# deficiencies. Black is left out: a sentence highlighted in black cannot be read.
OKABE_ITO: tuple[str, ...] = (
    "#e69f00",  # orange
    "#56b4e9",  # sky blue
    "#009e73",  # bluish green
    "#f0e442",  # yellow
    "#0072b2",  # blue
    "#d55e00",  # vermillion
    "#cc79a7",  # reddish purple
)

# Namespace of generated ids. Fixed forever: changing it would change every generated id.
_ID_NAMESPACE = uuid.UUID("1fbbc9ba-0977-4cd0-95e7-a0ca0d53df21")

_COLOR = re.compile(r"#[0-9a-fA-F]{6}")
_GUID = re.compile(
    r"\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?"
)


class CodebookError(AnnotatorError, ValueError):
    """A codebook that cannot be used, with a message that says where and why."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


def generated_id(*names: str) -> str:
    """A stable id for an element that has none, from the names on its path.

    Loading the same file twice gives the same ids; renaming changes them, which is why shipped
    codebooks carry explicit ids.
    """
    return str(uuid.uuid5(_ID_NAMESPACE, json.dumps(list(names), ensure_ascii=False)))


def canonical_id(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must not be empty")
    if any(ch.isspace() for ch in value):
        raise ValueError("must not contain spaces")
    if len(value) > 100:
        raise ValueError("must be at most 100 characters")
    match = _GUID.fullmatch(value)
    # One spelling per GUID ("{ABC-...}" and "abc-..." are the same code in REFI files).
    return str(uuid.UUID(match.group(1))) if match else value


def _one_line_name(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must not be empty")
    if "\n" in value or "\r" in value:
        raise ValueError("must be on one line")
    problem = name_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


class Code(BaseModel):
    """One code: what a coder applies to a sentence."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    name: str
    key: str = ""
    color: str
    definition: str = ""
    include: str = ""
    exclude: str = ""
    examples: tuple[str, ...] = ()

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        return canonical_id(value)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return _one_line_name(value)

    @field_validator("key")
    @classmethod
    def _key(cls, value: str) -> str:
        if value == "":
            return ""
        lowered = value.lower()
        if len(lowered) != 1:
            raise ValueError("must be one character (or empty for no shortcut)")
        if lowered.isspace() or not lowered.isprintable():
            raise ValueError("must be a visible character, not a space or control character")
        return lowered

    @field_validator("color")
    @classmethod
    def _color(cls, value: str) -> str:
        value = value.strip()
        if not _COLOR.fullmatch(value):
            raise ValueError(f"'{value}' is not a colour like \"#0072b2\"")
        return value.lower()

    @field_validator("definition", "include", "exclude")
    @classmethod
    def _text(cls, value: str) -> str:
        return value.strip()

    @field_validator("examples")
    @classmethod
    def _examples(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(s for s in (e.strip() for e in value) if s)


class CodeGroup(BaseModel):
    """Codes that answer one question; ``multiple=False`` means one code per sentence."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    name: str
    multiple: bool = False
    # the codes are a scale in codebook order (tone: negative < neutral < positive): agreement
    # then uses the ordinal level and weighted coefficients by default; single choice only
    ordered: bool = False
    description: str = ""
    codes: tuple[Code, ...] = ()

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        return canonical_id(value)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return _one_line_name(value)

    @field_validator("description")
    @classmethod
    def _text(cls, value: str) -> str:
        return value.strip()

    @_model_validator(mode="after")
    def _unique_names(self) -> CodeGroup:
        for _index, message in group_problems(self.name, self.codes):
            raise ValueError(message)
        if self.ordered and self.multiple:
            raise ValueError(f"group '{self.name}': an ordered group must be single choice")
        return self


class Codebook(BaseModel):
    """A named, versioned list of code groups; the unit a project adopts and coders share."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    version: str = ""
    description: str = ""
    groups: tuple[CodeGroup, ...] = ()

    _lookup: _Lookup = PrivateAttr(default_factory=lambda: _Lookup(None))

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return _one_line_name(value)

    @field_validator("version")
    @classmethod
    def _version(cls, value: str) -> str:
        value = value.strip()
        if "\n" in value or "\r" in value:
            raise ValueError("must be on one line")
        return value

    @field_validator("description")
    @classmethod
    def _text(cls, value: str) -> str:
        return value.strip()

    @_model_validator(mode="after")
    def _consistent(self) -> Codebook:
        for _gi, _ci, _field, message in codebook_problems(self.groups):
            raise ValueError(message)
        return self

    def _index(self) -> _Lookup:
        # Lookups run on every repaint of a sentence list, so index once; rebuild if the groups
        # were swapped by model_copy(update=...), which copies private attributes as they are.
        lookup = self._lookup
        if lookup.groups is not self.groups:
            lookup = self._lookup = _Lookup(self.groups)
        return lookup

    @property
    def codes(self) -> tuple[Code, ...]:
        """All codes of all groups, in codebook order."""
        return self._index().codes

    def code_by_id(self, code_id: str) -> Code:
        """The code with this id (GUID spellings with braces or capitals are accepted)."""
        try:
            return self._index().by_id[canonical_id(code_id)]
        except (KeyError, ValueError):
            raise KeyError(f"no code with id '{code_id}' in codebook '{self.name}'") from None

    def code_by_name(self, name: str) -> Code:
        """The code with this name, case-insensitive; ``"Group / Code"`` picks among groups."""
        wanted = name.strip().casefold()
        found = [
            code
            for group in self.groups
            for code in group.codes
            if wanted in (code.name.casefold(), f"{group.name} / {code.name}".casefold())
        ]
        if len(found) == 1:
            return found[0]
        if not found:
            raise KeyError(f"no code named '{name}' in codebook '{self.name}'")
        groups = ", ".join(f"'{self.group_of(c.id).name} / {c.name}'" for c in found)
        raise KeyError(f"code name '{name}' is ambiguous: write one of {groups}")

    def group_of(self, code_id: str) -> CodeGroup:
        """The group a code belongs to (decides single or multiple choice)."""
        try:
            return self._index().group_by_code[canonical_id(code_id)]
        except (KeyError, ValueError):
            raise KeyError(f"no code with id '{code_id}' in codebook '{self.name}'") from None


class _Lookup:
    """Id indexes of one codebook; always equal to another, so model equality ignores it."""

    __slots__ = ("by_id", "codes", "group_by_code", "groups")

    def __init__(self, groups: tuple[CodeGroup, ...] | None) -> None:
        self.groups = groups  # None: not built yet
        self.codes = tuple(code for group in groups or () for code in group.codes)
        self.by_id = {code.id: code for code in self.codes}
        self.group_by_code = {code.id: group for group in groups or () for code in group.codes}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Lookup)

    def __hash__(self) -> int:
        return 0


# --- consistency checks shared by the models and the YAML reader (which adds line numbers) ---


def group_problems(group_name: str, codes: Sequence[Code]) -> Iterator[tuple[int, str]]:
    seen: dict[str, Code] = {}
    for index, code in enumerate(codes):
        folded = code.name.casefold()
        if folded in seen:
            yield index, f"code '{code.name}': group '{group_name}' already has a code of that name"
        else:
            seen[folded] = code


def codebook_problems(
    groups: Sequence[CodeGroup],
) -> Iterator[tuple[int, int | None, str, str]]:
    """(group index, code index or None, field, message) for each conflict across groups."""
    ids: dict[str, str] = {}
    keys: dict[str, Code] = {}
    group_names: set[str] = set()
    for gi, group in enumerate(groups):
        if group.name.casefold() in group_names:
            yield gi, None, "name", f"group '{group.name}': another group has that name"
        group_names.add(group.name.casefold())
        if group.id in ids:
            yield (
                gi,
                None,
                "id",
                f"group '{group.name}': id '{group.id}' is already used by {ids[group.id]}",
            )
        ids.setdefault(group.id, f"group '{group.name}'")
        for ci, code in enumerate(group.codes):
            if code.id in ids:
                yield (
                    gi,
                    ci,
                    "id",
                    f"code '{code.name}': id '{code.id}' is already used by {ids[code.id]}",
                )
            ids.setdefault(code.id, f"code '{code.name}'")
            if code.key:
                if code.key in keys:
                    other = keys[code.key].name
                    yield (
                        gi,
                        ci,
                        "key",
                        f"code '{code.name}': key '{code.key}' is already used by '{other}'",
                    )
                keys.setdefault(code.key, code)


def assign_colors(explicit: Sequence[str], count: int) -> list[str]:
    """Colours for ``count`` codes that have none: unused Okabe-Ito colours first, then cycling."""
    used = {c.lower() for c in explicit}
    unused = [c for c in OKABE_ITO if c not in used]
    return [
        unused[i] if i < len(unused) else OKABE_ITO[(i - len(unused)) % len(OKABE_ITO)]
        for i in range(count)
    ]
