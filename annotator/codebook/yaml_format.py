"""Codebooks as researchers write them: YAML (see docs/codebook.md), read with the line of every
value kept so that each error names it, and written back in the same shape.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Any

import yaml
from pydantic import ValidationError

from annotator.codebook.schema import (
    MAX_CODEBOOK_BYTES,
    Code,
    Codebook,
    CodebookError,
    CodeGroup,
    assign_colors,
    codebook_problems,
    generated_id,
    group_problems,
)
from annotator.names import name_problem

__all__ = ["dump_codebook_yaml", "parse_codebook_yaml"]

_YAML = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_YAML + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_STRUCTURE_TAGS = {_YAML + "seq", _YAML + "map"}

_CODEBOOK_FIELDS = ("name", "version", "description", "groups")
_GROUP_FIELDS = ("id", "name", "choice", "multiple", "ordered", "description", "codes")
_CODE_FIELDS = (
    "id",
    "name",
    "key",
    "color",
    "colour",
    "definition",
    "include",
    "exclude",
    "examples",
)


class _AliasFound(Exception):
    def __init__(self, mark: yaml.Mark | None) -> None:
        super().__init__()
        self.mark = mark


class _Loader(yaml.SafeLoader):
    """SafeLoader's scanner and composer, with aliases refused before anything is expanded.

    A codebook never needs ``*alias`` references, and refusing them removes the "billion laughs"
    expansion at its root. Nodes are composed, not constructed, so every value keeps its line.
    """

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            raise _AliasFound(getattr(self.current_event, "start_mark", None))
        return super().compose_node(parent, index)


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


class _YamlReader:
    """Walks the composed node tree of one codebook file, keeping the line of every value."""

    def __init__(self, origin: str) -> None:
        self.origin = origin

    def fail(self, node: yaml.Node | int, message: str) -> CodebookError:
        line = node if isinstance(node, int) else _line(node)
        return CodebookError(f"{self.origin} line {line}: {message}", line=line)

    def check_tags(self, root: yaml.Node) -> None:
        """Refuse explicit tags such as ``!!python/object`` anywhere, even in unknown fields."""
        stack = [root]
        while stack:
            node = stack.pop()
            allowed = _SCALAR_TAGS if isinstance(node, yaml.ScalarNode) else _STRUCTURE_TAGS
            if node.tag not in allowed:
                raise self.fail(node, f"tag '{node.tag}' is not allowed in a codebook")
            if isinstance(node, yaml.SequenceNode):
                stack.extend(node.value)
            elif isinstance(node, yaml.MappingNode):
                for key, value in node.value:
                    stack.extend((key, value))

    def mapping(self, node: yaml.Node, what: str, fields: Sequence[str]) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, f"{what} must be a mapping of 'field: value' lines")
        result: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.fail(key_node, f"{what}: field names must be plain words")
            key = str(key_node.value)
            if key not in fields:
                hint = difflib.get_close_matches(key, fields, n=1)
                did_you_mean = f" — did you mean '{hint[0]}'?" if hint else ""
                raise self.fail(
                    key_node,
                    f"{what}: unknown field '{key}'{did_you_mean} "
                    f"(fields: {', '.join(f for f in fields if f != 'colour')})",
                )
            if key in result:
                raise self.fail(key_node, f"{what}: field '{key}' is given twice")
            result[key] = value_node
        return result

    def text(self, node: yaml.Node, what: str, field: str) -> str:
        if not isinstance(node, yaml.ScalarNode):
            raise self.fail(node, f"{what}: field '{field}' must be text")
        if node.tag == _YAML + "null":
            return ""
        # The source text, not the resolved value: "1.10" stays "1.10" and `key: y` stays "y".
        return str(node.value)

    def flag(self, node: yaml.Node, what: str, field: str) -> bool:
        if isinstance(node, yaml.ScalarNode) and node.tag == _YAML + "bool":
            return str(node.value).lower() in ("true", "yes", "on")
        raise self.fail(node, f"{what}: field '{field}' must be true or false")

    def sequence(self, node: yaml.Node, what: str, field: str) -> list[yaml.Node]:
        if isinstance(node, yaml.ScalarNode) and node.tag == _YAML + "null":
            return []
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, f"{what}: field '{field}' must be a list of '- ' items")
        return list(node.value)


def _pydantic_message(error: ValidationError) -> tuple[str, str]:
    """(field, message) of the first problem, worded for a person editing YAML."""
    first = error.errors()[0]
    field = ".".join(str(part) for part in first["loc"]) or "?"
    message = str(first["msg"]).removeprefix("Value error, ")
    if first["type"] == "missing":
        message = "is missing"
    return field, message


def parse_codebook_yaml(text: str, origin: str = "<string>") -> Codebook:
    """Read a codebook from YAML text; ``origin`` (usually the file name) prefixes every error."""
    if len(text) > MAX_CODEBOOK_BYTES or len(text.encode("utf-8")) > MAX_CODEBOOK_BYTES:
        raise CodebookError(
            f"{origin}: larger than {MAX_CODEBOOK_BYTES // (1024 * 1024)} MB; not a codebook"
        )
    reader = _YamlReader(origin)
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as exc:
        raise CodebookError(
            f"{origin}: character #x{int(exc.character):04x} at position {exc.position} is not "
            "allowed in YAML: this is not a codebook text file"
        ) from None
    try:
        root = loader.get_single_node()
    except _AliasFound as found:
        line = found.mark.line + 1 if found.mark else 0
        raise reader.fail(
            line, "YAML aliases (*name) are not allowed in a codebook; write the value out"
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "not valid YAML"
        if mark is None:
            raise CodebookError(f"{origin}: {problem}") from None
        raise CodebookError(
            f"{origin} line {mark.line + 1}, column {mark.column + 1}: {problem}",
            line=mark.line + 1,
        ) from None
    except yaml.YAMLError as exc:
        raise CodebookError(f"{origin}: not valid YAML ({exc})") from None
    except RecursionError:
        raise CodebookError(f"{origin}: nested too deeply to be a codebook") from None
    finally:
        loader.dispose()
    if root is None:
        raise CodebookError(f"{origin}: the file is empty")
    reader.check_tags(root)
    return _codebook_from_nodes(reader, root)


def _codebook_from_nodes(reader: _YamlReader, root: yaml.Node) -> Codebook:
    top = reader.mapping(root, "codebook", _CODEBOOK_FIELDS)
    if "name" not in top:
        raise reader.fail(root, "codebook: field 'name' is missing")
    name = reader.text(top["name"], "codebook", "name").strip()
    if not name:
        raise reader.fail(top["name"], "codebook: field 'name' is empty")
    header = {f: reader.text(top[f], "codebook", f) for f in ("version", "description") if f in top}
    if "groups" not in top:
        raise reader.fail(root, "codebook: field 'groups' is missing (a list of code groups)")

    # First pass: raw field values and their lines; colours are filled in across the whole book.
    raw_groups: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
    group_lines: list[dict[str, int]] = []
    code_lines: list[list[dict[str, int]]] = []
    for gi, group_node in enumerate(reader.sequence(top["groups"], "codebook", "groups"), 1):
        group_raw, codes_raw, g_lines, c_lines = _read_group(reader, group_node, gi, name)
        raw_groups.append((group_raw, codes_raw))
        group_lines.append(g_lines)
        code_lines.append(c_lines)

    explicit = [c["color"] for _, codes in raw_groups for c in codes if "color" in c]
    missing = [c for _, codes in raw_groups for c in codes if "color" not in c]
    for code_raw, color in zip(missing, assign_colors(explicit, len(missing)), strict=True):
        code_raw["color"] = color

    groups: list[CodeGroup] = []
    for gi, (group_raw, codes_raw) in enumerate(raw_groups):
        codes: list[Code] = []
        for ci, code_raw in enumerate(codes_raw):
            lines = code_lines[gi][ci]
            try:
                codes.append(Code.model_validate(code_raw))
            except ValidationError as exc:
                field, message = _pydantic_message(exc)
                where = _code_where(code_raw, group_raw["name"], ci)
                raise reader.fail(
                    lines.get(field, lines["."]), f"{where}: field '{field}': {message}"
                ) from None
        for ci, message in group_problems(group_raw["name"], codes):
            raise reader.fail(code_lines[gi][ci].get("name", code_lines[gi][ci]["."]), message)
        try:
            groups.append(CodeGroup.model_validate({**group_raw, "codes": tuple(codes)}))
        except ValidationError as exc:
            field, message = _pydantic_message(exc)
            lines = group_lines[gi]
            raise reader.fail(
                lines.get(field, lines["."]), f"group #{gi + 1}: field '{field}': {message}"
            ) from None

    for g_index, c_index, field, message in codebook_problems(groups):
        lines = group_lines[g_index] if c_index is None else code_lines[g_index][c_index]
        raise reader.fail(lines.get(field, lines["."]), message)
    try:
        return Codebook(name=name, groups=tuple(groups), **header)
    except ValidationError as exc:
        field, message = _pydantic_message(exc)
        node = top.get(field, root)
        raise reader.fail(node, f"codebook: field '{field}': {message}") from None


def _code_where(code_raw: dict[str, Any], group_name: str, index: int) -> str:
    name = code_raw.get("name")
    if isinstance(name, str) and name.strip() and "\n" not in name and not name_problem(name):
        return f"code '{name.strip()}'"
    shown = f"'{group_name}'" if name_problem(group_name) is None else repr(group_name)
    return f"group {shown}, code #{index + 1}"


def _read_group(
    reader: _YamlReader, node: yaml.Node, number: int, codebook_name: str
) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, int], list[dict[str, int]]]:
    fields = reader.mapping(node, f"group #{number}", _GROUP_FIELDS)
    lines = {".": _line(node)} | {f: _line(v) for f, v in fields.items()}
    if "name" not in fields:
        raise reader.fail(node, f"group #{number}: field 'name' is missing")
    name = reader.text(fields["name"], f"group #{number}", "name").strip()
    if not name:
        raise reader.fail(fields["name"], f"group #{number}: field 'name' is empty")
    what = f"group '{name}'"
    raw: dict[str, Any] = {"name": name}
    for field in ("id", "description"):
        if field in fields:
            raw[field] = reader.text(fields[field], what, field)
    if "multiple" in fields:
        raw["multiple"] = reader.flag(fields["multiple"], what, "multiple")
    if "choice" in fields:
        choice = reader.text(fields["choice"], what, "choice").strip().lower()
        if choice not in ("single", "multiple"):
            raise reader.fail(
                fields["choice"], f"{what}: field 'choice' must be single or multiple"
            )
        if "multiple" in raw and raw["multiple"] != (choice == "multiple"):
            raise reader.fail(fields["choice"], f"{what}: 'choice' and 'multiple' disagree")
        raw["multiple"] = choice == "multiple"
        lines["multiple"] = lines["choice"]
    if "ordered" in fields:
        raw["ordered"] = reader.flag(fields["ordered"], what, "ordered")
        if raw["ordered"] and raw.get("multiple"):
            raise reader.fail(fields["ordered"], f"{what}: an ordered group must be single choice")
    if not raw.get("id", "").strip():
        raw["id"] = generated_id(codebook_name, name)
    codes: list[dict[str, Any]] = []
    code_lines: list[dict[str, int]] = []
    code_nodes = reader.sequence(fields["codes"], what, "codes") if "codes" in fields else []
    for ci, code_node in enumerate(code_nodes, 1):
        code, c_lines = _read_code(reader, code_node, f"{what}, code #{ci}", codebook_name, name)
        codes.append(code)
        code_lines.append(c_lines)
    return raw, codes, lines, code_lines


def _read_code(
    reader: _YamlReader, node: yaml.Node, what: str, codebook_name: str, group_name: str
) -> tuple[dict[str, Any], dict[str, int]]:
    fields = reader.mapping(node, what, _CODE_FIELDS)
    if "colour" in fields:
        if "color" in fields:
            raise reader.fail(fields["colour"], f"{what}: give 'color' or 'colour', not both")
        fields["color"] = fields.pop("colour")
    lines = {".": _line(node)} | {f: _line(v) for f, v in fields.items()}
    raw: dict[str, Any] = {}
    for field in ("id", "name", "key", "color", "definition", "include", "exclude"):
        if field in fields:
            raw[field] = reader.text(fields[field], what, field)
    if "color" in raw and not raw["color"].strip():
        raise reader.fail(
            fields["color"],
            f"{what}: field 'color' is empty — put colours in quotes (color: \"#0072b2\"), "
            "an unquoted # starts a comment",
        )
    if "examples" in fields:
        items = fields["examples"]
        if isinstance(items, yaml.ScalarNode) and items.tag != _YAML + "null":
            raw["examples"] = (reader.text(items, what, "examples"),)
        else:
            raw["examples"] = tuple(
                reader.text(item, what, "examples")
                for item in reader.sequence(items, what, "examples")
            )
    if not raw.get("id", "").strip():
        # Without a name the id is a placeholder; validation then reports the missing name.
        raw["id"] = generated_id(codebook_name, group_name, raw.get("name", "").strip())
    return raw, lines


def dump_codebook_yaml(cb: Codebook) -> str:
    """YAML a researcher can read and edit; parsing it gives back an equal codebook."""
    doc: dict[str, Any] = {"name": cb.name}
    if cb.version:
        # a published version number is written as a number (version: 3); reading gives "3"
        number = cb.version.isdigit() and str(int(cb.version)) == cb.version
        doc["version"] = int(cb.version) if number else cb.version
    if cb.description:
        doc["description"] = cb.description
    doc["groups"] = [
        {
            "id": group.id,
            "name": group.name,
            "choice": "multiple" if group.multiple else "single",
            **({"ordered": True} if group.ordered else {}),
            **({"description": group.description} if group.description else {}),
            "codes": [_code_doc(code) for code in group.codes],
        }
        for group in cb.groups
    ]
    return yaml.dump(
        doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=88, default_flow_style=False
    )


def _code_doc(code: Code) -> dict[str, Any]:
    doc: dict[str, Any] = {"id": code.id, "name": code.name}
    if code.key:
        doc["key"] = code.key
    doc["color"] = code.color
    for field in ("definition", "include", "exclude"):
        if value := getattr(code, field):
            doc[field] = value
    if code.examples:
        doc["examples"] = list(code.examples)
    return doc


class _Dumper(yaml.SafeDumper):
    """Multi-line text as ``|`` blocks and long text folded, so definitions stay readable."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else ">" if len(value) > 72 else None
    return dumper.represent_scalar(_YAML + "str", value, style=style)


_Dumper.add_representer(str, _represent_str)
