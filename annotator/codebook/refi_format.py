"""REFI-QDA 1.5 codebook exchange (``.qdc``, and the ``<CodeBook>`` inside a ``project.qde``).

REFI codes form a tree and carry no shortcut keys; ours are groups of codes with keys. The
mapping both ways is set out in docs/codebook.md. In short:

reading
  * a top-level code with children becomes a group (its GUID is the group id); its descendants
    become the group's codes, deeper levels flattened to ``"Parent / Child"`` names. A codable
    parent itself is not a code: codings on it have no code to land on (an importer can detect
    them because their GUID is a group id).
  * top-level codes without children form one group named after the codebook;
    a top-level ``isCodable="false"`` code without children is an empty group.
  * ``<Description>`` is the definition; paragraphs starting ``Include:``, ``Exclude:`` and
    ``Examples:`` (with ``- `` items) fill those fields.
  * groups are multiple-choice (REFI codes never exclude each other) unless marked otherwise.

writing
  * each group is a top-level code with ``isCodable="false"``, its codes the children.
  * the structured fields go into ``<Description>`` in the form above, readable in any program.
  * what REFI has no place for is kept in a last description line that other programs show as
    text and keep when they export again: ``[annotator: choice=single]`` on a group,
    ``[annotator: key=m]`` on a code, and a ``<Set>`` named after the codebook whose description
    ends ``[annotator: codebook version=1.0]`` carries name, version and description.

XML is parsed with defusedxml: DTD entities and external references are refused, not expanded.
"""

from __future__ import annotations

import logging
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePath

import defusedxml
import defusedxml.ElementTree as SafeET
from pydantic import ValidationError

from annotator._version import read_version
from annotator.codebook.schema import (
    MAX_CODEBOOK_BYTES,
    Code,
    Codebook,
    CodebookError,
    CodeGroup,
    assign_colors,
    generated_id,
)

log = logging.getLogger(__name__)

__all__ = [
    "CODEBOOK_NS",
    "PROJECT_NS",
    "codebook_from_refi_element",
    "normalize_guid",
    "read_qdc",
    "write_qdc",
]

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NS = "urn:QDA-XML:project:1.0"
# Some NVivo exports write "1:0"; files without a namespace are accepted as well.
_ACCEPTED_NS = (CODEBOOK_NS, "urn:QDA-XML:codebook:1:0", PROJECT_NS, "")
_MAX_DEPTH = 64

_GUID = re.compile(
    r"\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?"
)
_COLOR6 = re.compile(r"#[0-9a-fA-F]{6}")
_COLOR3 = re.compile(r"#[0-9a-fA-F]{3}")
_MARKER = re.compile(r"\[annotator: (.*)\]")
_LINE_BREAKS = re.compile(r"[\r\n\t]+")
_HEADING = re.compile(r"(include|exclude|examples?):[ \t]*(.*)", re.IGNORECASE)


def normalize_guid(text: str) -> str:
    """The one spelling of a REFI GUID used as an id: lower case, no braces.

    A project importer passes ``<CodeRef targetGUID>`` through this to find the code.
    """
    match = _GUID.fullmatch(text.strip())
    if not match:
        raise ValueError(f"'{text}' is not a GUID")
    return str(uuid.UUID(match.group(1)))


def _guid_for(item_id: str) -> str:
    """Our id as a REFI GUID: UUID ids as they are, any other id hashed to a stable UUID."""
    try:
        return normalize_guid(item_id)
    except ValueError:
        return generated_id("refi-guid", item_id)


# --- reading ---------------------------------------------------------------------------------


def read_qdc(data: bytes, origin: str) -> Codebook:
    """Read a REFI-QDA codebook file (or the codebook of a bare ``project.qde``)."""
    if len(data) > MAX_CODEBOOK_BYTES:
        raise CodebookError(
            f"{origin}: larger than {MAX_CODEBOOK_BYTES // (1024 * 1024)} MB; not a codebook"
        )
    root = _parse_xml(data, origin)
    ns, tag = _split(root.tag)
    if tag == "Project" and ns in _ACCEPTED_NS:
        codebook = root.find(_q(ns, "CodeBook"))
        if codebook is None:
            raise CodebookError(f"{origin}: the project has no <CodeBook>")
        return codebook_from_refi_element(
            codebook, name=root.get("name"), origin=origin, sets=root.find(_q(ns, "Sets"))
        )
    return codebook_from_refi_element(root, origin=origin)


def _parse_xml(data: bytes, origin: str) -> ET.Element:
    try:
        root: ET.Element = SafeET.fromstring(
            data, forbid_dtd=False, forbid_entities=True, forbid_external=True
        )
    except defusedxml.EntitiesForbidden as exc:
        raise CodebookError(
            f"{origin}: refused: the file declares XML entities ('{exc.name}'), which a codebook "
            "never needs and which can expand without bound"
        ) from None
    except defusedxml.DefusedXmlException as exc:
        raise CodebookError(f"{origin}: refused: {exc}") from None
    except ET.ParseError as exc:
        line, column = exc.position
        reason = str(exc).split(":")[0]
        raise CodebookError(
            f"{origin} line {line}, column {column + 1}: not well-formed XML ({reason})",
            line=line,
        ) from None
    return root


def _split(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        ns, _, local = tag[1:].partition("}")
        return ns, local
    return "", tag


def _q(ns: str, local: str) -> str:
    return f"{{{ns}}}{local}" if ns else local


@dataclass
class _Node:
    guid: str
    name: str
    codable: bool
    color: str
    description: str
    children: list[_Node] = field(default_factory=list)


def codebook_from_refi_element(
    elem: ET.Element,
    *,
    name: str | None = None,
    origin: str = "<CodeBook>",
    sets: ET.Element | None = None,
) -> Codebook:
    """Map a parsed REFI ``<CodeBook>`` element to a Codebook.

    REFI has no codebook name: it comes from the ``<Set>`` that ``write_qdc`` adds, else from
    ``name`` (a project importer passes the project name), else from the file name in
    ``origin``. ``sets`` is the ``<Sets>`` element when it lives outside the CodeBook, as in a
    project file.
    """
    ns, tag = _split(elem.tag)
    if tag != "CodeBook" or ns not in _ACCEPTED_NS:
        raise CodebookError(
            f"{origin}: not a REFI-QDA codebook (root element is <{tag}>"
            + (f" in namespace '{ns}'" if ns else "")
            + ")"
        )
    codes_elem = elem.find(_q(ns, "Codes"))
    top = [] if codes_elem is None else _read_nodes(codes_elem, ns, origin, set(), 1)
    meta = _codebook_meta(sets if sets is not None else elem.find(_q(ns, "Sets")), ns)
    cb_name = meta.get("name") or (name or "").strip() or _name_from_origin(origin)
    return _build(top, cb_name, meta, origin)


def _read_nodes(
    parent: ET.Element, ns: str, origin: str, seen: set[str], depth: int
) -> list[_Node]:
    if depth > _MAX_DEPTH:
        raise CodebookError(f"{origin}: codes nested more than {_MAX_DEPTH} levels deep")
    nodes: list[_Node] = []
    for code in parent.findall(_q(ns, "Code")):
        name = _LINE_BREAKS.sub(" ", code.get("name") or "").strip()
        raw_guid = code.get("guid") or ""
        try:
            guid = normalize_guid(raw_guid)
        except ValueError:
            raise CodebookError(
                f"{origin}: code '{name or '?'}' has no valid guid ('{raw_guid}')"
            ) from None
        if guid in seen:
            raise CodebookError(f"{origin}: guid {raw_guid} is used by more than one code")
        seen.add(guid)
        if not name:
            raise CodebookError(f"{origin}: code {raw_guid} has no name")
        description_elem = code.find(_q(ns, "Description"))
        node = _Node(
            guid=guid,
            name=name,
            codable=(code.get("isCodable") or "true").strip().lower() in ("true", "1"),
            color=_color(code.get("color") or "", name, origin),
            description=(description_elem.text or "") if description_elem is not None else "",
        )
        node.children = _read_nodes(code, ns, origin, seen, depth + 1)
        nodes.append(node)
    return nodes


def _color(value: str, name: str, origin: str) -> str:
    value = value.strip()
    if _COLOR6.fullmatch(value):
        return value.lower()
    if _COLOR3.fullmatch(value):
        return "#" + "".join(ch * 2 for ch in value[1:]).lower()
    if value:
        log.warning(
            "%s: code '%s' has colour %r, not #RRGGBB; using a default", origin, name, value
        )
    return ""


def _codebook_meta(sets: ET.Element | None, ns: str) -> dict[str, str]:
    if sets is None:
        return {}
    for set_elem in sets.findall(_q(ns, "Set")):
        description_elem = set_elem.find(_q(ns, "Description"))
        text = (description_elem.text or "") if description_elem is not None else ""
        body, markers = _take_markers(text)
        for marker in markers:
            if marker.startswith("codebook version="):
                return {
                    "name": set_elem.get("name") or "",
                    "version": marker.removeprefix("codebook version="),
                    "description": body,
                }
    return {}


def _name_from_origin(origin: str) -> str:
    if origin.startswith("<"):
        return "Codes"
    return PurePath(origin).stem or "Codes"


def _take_markers(text: str) -> tuple[str, list[str]]:
    """(text without marker lines, marker payloads)."""
    kept: list[str] = []
    markers: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        match = _MARKER.fullmatch(line.strip())
        if match:
            markers.append(match.group(1))
        else:
            kept.append(line)
    return "\n".join(kept).strip(), markers


@dataclass
class _Fields:
    definition: str = ""
    include: str = ""
    exclude: str = ""
    examples: list[str] = field(default_factory=list)
    key: str = ""
    choice: str = ""


def _split_description(text: str) -> _Fields:
    body, markers = _take_markers(text)
    fields = _Fields()
    for marker in markers:
        if marker.startswith("key=") and len(marker) == 5:
            fields.key = marker[4]
        elif marker in ("choice=single", "choice=multiple"):
            fields.choice = marker.removeprefix("choice=")
    sections: dict[str, list[str]] = {
        "definition": [],
        "include": [],
        "exclude": [],
        "examples": [],
    }
    current = "definition"
    for line in body.split("\n"):
        heading = _HEADING.fullmatch(line)
        if heading:
            word = heading.group(1).lower()
            current = "examples" if word.startswith("example") else word
            line = heading.group(2)
        sections[current].append(line)
    fields.definition = "\n".join(sections["definition"]).strip()
    fields.include = "\n".join(sections["include"]).strip()
    fields.exclude = "\n".join(sections["exclude"]).strip()
    fields.examples = _examples(sections["examples"])
    return fields


def _examples(lines: list[str]) -> list[str]:
    items: list[list[str]] = []
    for line in lines:
        if line.startswith("- "):
            items.append([line[2:]])
        elif items:
            items[-1].append(line.removeprefix("  "))
        elif line.strip():
            items.append([line])
    return [text for text in ("\n".join(item).strip() for item in items) if text]


@dataclass
class _RawCode:
    guid: str
    name: str
    color: str
    fields: _Fields


@dataclass
class _RawGroup:
    guid: str
    name: str
    multiple: bool
    description: str
    codes: list[_RawCode]


def _flatten(nodes: list[_Node], prefix: str) -> Iterator[_RawCode]:
    for node in nodes:
        name = f"{prefix}{node.name}"
        if node.codable:
            yield _RawCode(node.guid, name, node.color, _split_description(node.description))
        yield from _flatten(node.children, f"{name} / ")


def _build(top: list[_Node], cb_name: str, meta: dict[str, str], origin: str) -> Codebook:
    groups: list[_RawGroup] = []
    loose: list[_RawCode] = []
    for node in top:
        if node.children or not node.codable:
            fields = _split_description(node.description)
            body, _ = _take_markers(node.description)
            groups.append(
                _RawGroup(
                    node.guid,
                    node.name,
                    multiple=fields.choice != "single",
                    description=body,
                    codes=list(_flatten(node.children, "")),
                )
            )
        else:
            loose.extend(_flatten([node], ""))
    if loose:
        groups.append(_RawGroup(generated_id("refi-ungrouped", cb_name), cb_name, True, "", loose))
    _disambiguate(groups, origin)

    raw_codes = [code for group in groups for code in group.codes]
    missing = [code for code in raw_codes if not code.color]
    explicit = [code.color for code in raw_codes if code.color]
    for code, color in zip(missing, assign_colors(explicit, len(missing)), strict=True):
        code.color = color

    seen_keys: set[str] = set()
    try:
        built = []
        for group in groups:
            codes = []
            for raw in group.codes:
                key = raw.fields.key.lower()
                if key in seen_keys:
                    log.warning(
                        "%s: key '%s' of code '%s' is already used; dropped", origin, key, raw.name
                    )
                    key = ""
                if key:
                    seen_keys.add(key)
                codes.append(
                    Code(
                        id=raw.guid,
                        name=raw.name,
                        key=key,
                        color=raw.color,
                        definition=raw.fields.definition,
                        include=raw.fields.include,
                        exclude=raw.fields.exclude,
                        examples=tuple(raw.fields.examples),
                    )
                )
            built.append(
                CodeGroup(
                    id=group.guid,
                    name=group.name,
                    multiple=group.multiple,
                    description=group.description,
                    codes=tuple(codes),
                )
            )
        return Codebook(
            name=cb_name,
            version=meta.get("version", ""),
            description=meta.get("description", ""),
            groups=tuple(built),
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        message = str(first["msg"]).removeprefix("Value error, ")
        raise CodebookError(f"{origin}: {exc.title.lower()} field '{where}': {message}") from None


def _disambiguate(groups: list[_RawGroup], origin: str) -> None:
    """Other programs allow duplicate names; ours must be unique, so number the repeats."""
    _number(groups, "group", origin)
    for group in groups:
        _number(group.codes, f"code in group '{group.name}'", origin)


def _number(items: list[_RawGroup] | list[_RawCode], what: str, origin: str) -> None:
    taken = {item.name.casefold() for item in items}
    seen: set[str] = set()
    for item in items:
        folded = item.name.casefold()
        if folded in seen:
            n = 2
            while f"{item.name} ({n})".casefold() in taken:
                n += 1
            new = f"{item.name} ({n})"
            log.warning("%s: %s '%s' appears twice; renamed to '%s'", origin, what, item.name, new)
            item.name = new
            taken.add(new.casefold())
            folded = new.casefold()
        seen.add(folded)


# --- writing ---------------------------------------------------------------------------------


def write_qdc(cb: Codebook) -> bytes:
    """A REFI-QDA 1.5 ``.qdc`` file that other QDA programs open and ``read_qdc`` reads back."""
    ET.register_namespace("", CODEBOOK_NS)
    root = ET.Element(_q(CODEBOOK_NS, "CodeBook"), {"origin": f"annotator {read_version()}"})
    codes_elem = ET.SubElement(root, _q(CODEBOOK_NS, "Codes"))
    for group in cb.groups:
        group_elem = ET.SubElement(
            codes_elem,
            _q(CODEBOOK_NS, "Code"),
            {"guid": _guid_for(group.id), "name": group.name, "isCodable": "false"},
        )
        marker = f"[annotator: choice={'multiple' if group.multiple else 'single'}]"
        _description(group_elem, _join(group.description, marker))
        for code in group.codes:
            code_elem = ET.SubElement(
                group_elem,
                _q(CODEBOOK_NS, "Code"),
                {
                    "guid": _guid_for(code.id),
                    "name": code.name,
                    "isCodable": "true",
                    "color": code.color,
                },
            )
            _description(code_elem, _code_description(code))
    sets = ET.SubElement(root, _q(CODEBOOK_NS, "Sets"))
    set_elem = ET.SubElement(
        sets,
        _q(CODEBOOK_NS, "Set"),
        {"guid": generated_id("refi-codebook-set", cb.name), "name": cb.name},
    )
    _description(set_elem, _join(cb.description, f"[annotator: codebook version={cb.version}]"))
    for code in cb.codes:
        ET.SubElement(set_elem, _q(CODEBOOK_NS, "MemberCode"), {"guid": _guid_for(code.id)})
    ET.indent(root, space="  ")
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return body + b"\n"


def _description(parent: ET.Element, text: str) -> None:
    if text:
        ET.SubElement(parent, _q(CODEBOOK_NS, "Description")).text = text


def _join(*parts: str) -> str:
    return "\n\n".join(part for part in parts if part)


def _code_description(code: Code) -> str:
    examples = ""
    if code.examples:
        items = ("- " + example.replace("\n", "\n  ") for example in code.examples)
        examples = "Examples:\n" + "\n".join(items)
    return _join(
        code.definition,
        f"Include: {code.include}" if code.include else "",
        f"Exclude: {code.exclude}" if code.exclude else "",
        examples,
        f"[annotator: key={code.key}]" if code.key else "",
    )
