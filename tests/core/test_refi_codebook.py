"""REFI-QDA codebook exchange: real files from other programs, our own round trip, hostile XML."""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import defusedxml.ElementTree as SafeET
import pytest

from annotator.codebook import (
    MAX_CODEBOOK_BYTES,
    OKABE_ITO,
    Code,
    Codebook,
    CodebookError,
    CodeGroup,
    default_codebook,
    load_codebook,
)
from annotator.codebook.refi_format import (
    CODEBOOK_NS,
    PROJECT_NS,
    codebook_from_refi_element,
    normalize_guid,
    read_qdc,
    write_qdc,
)

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
G1 = "1b4e28ba-2fa1-11d2-883f-0016d3cca427"
G2 = "2c402736-746d-4889-b867-1e173a0ddfdb"
G3 = "7c871dae-ffd9-49a2-beb3-d8a0a4695e75"
G4 = "dd447eb5-4389-483c-825a-e80db1b48908"


def sample(name: str) -> Path:
    path = SHARED / "samples" / "refi" / name
    if not path.exists():
        pytest.skip(f"{path} is absent (shared REFI samples live beside the repository)")
    return path


def qdc(codes: str, ns: str = CODEBOOK_NS) -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="{ns}"><Codes>{codes}</Codes>'
        "</CodeBook>"
    ).encode()


def children_by_name(elem: ET.Element, ns: str) -> dict[str, list[ET.Element]]:
    return {c.get("name", ""): c.findall(f"{{{ns}}}Code") for c in elem.findall(f"{{{ns}}}Code")}


# --- real files ------------------------------------------------------------------------------


def test_taguette_flat_codebook_becomes_one_group_of_its_codes() -> None:
    path = sample("taguette.qdc")
    tree = SafeET.parse(path)
    names = [c.get("name") for c in tree.getroot().iter(f"{{{CODEBOOK_NS}}}Code")]
    cb = load_codebook(path)
    assert [g.name for g in cb.groups] == ["taguette"]
    assert [c.name for c in cb.codes] == names


def test_taguette_guids_become_lower_case_ids() -> None:
    path = sample("taguette.qdc")
    tree = SafeET.parse(path)
    guids = [c.get("guid", "") for c in tree.getroot().iter(f"{{{CODEBOOK_NS}}}Code")]
    assert [c.id for c in load_codebook(path).codes] == [g.lower() for g in guids]


def test_foreign_codes_get_no_keys_and_multiple_choice_groups() -> None:
    cb = load_codebook(sample("taguette.qdc"))
    assert all(code.key == "" for code in cb.codes)
    assert all(group.multiple for group in cb.groups)


def test_foreign_codes_without_colour_get_okabe_ito_colours() -> None:
    cb = load_codebook(sample("taguette.qdc"))
    assert [c.color for c in cb.codes] == list(OKABE_ITO[: len(cb.codes)])


def test_maxqda_codebook_maps_parent_codes_to_groups() -> None:
    path = sample("maxqda24-project.qde")
    codebook_elem = SafeET.parse(path).getroot().find(f"{{{PROJECT_NS}}}CodeBook")
    assert codebook_elem is not None
    parents = children_by_name(codebook_elem.find(f"{{{PROJECT_NS}}}Codes"), PROJECT_NS)
    cb = codebook_from_refi_element(codebook_elem, origin=path.name)
    assert [g.name for g in cb.groups] == list(parents)
    for group in cb.groups:
        assert [c.name for c in group.codes] == [k.get("name") for k in parents[group.name]]


def test_maxqda_descriptions_become_definitions_and_colours_are_kept() -> None:
    path = sample("maxqda24-project.qde")
    codebook_elem = SafeET.parse(path).getroot().find(f"{{{PROJECT_NS}}}CodeBook")
    assert codebook_elem is not None
    cb = codebook_from_refi_element(codebook_elem, origin=path.name)
    leaves = [
        c
        for c in codebook_elem.iter(f"{{{PROJECT_NS}}}Code")
        if not c.findall(f"{{{PROJECT_NS}}}Code")
    ]
    assert len(cb.codes) == len(leaves)
    for elem in leaves:
        code = cb.code_by_id(elem.get("guid", ""))
        description = elem.find(f"{{{PROJECT_NS}}}Description")
        expected = "" if description is None else (description.text or "").strip()
        assert code.definition == expected
        assert code.color == elem.get("color", "").lower()


def test_project_file_is_read_through_load_codebook_and_named_after_the_project() -> None:
    path = sample("maxqda24-project.qde")
    project_name = SafeET.parse(path).getroot().get("name")
    assert load_codebook(path).name == project_name


def test_deeper_levels_are_flattened_with_parent_names() -> None:
    path = sample("qc-demo.qdpx")
    with zipfile.ZipFile(path) as archive:
        data = archive.read("project.qde")
    root = SafeET.fromstring(data)
    top = root.find(f"{{{PROJECT_NS}}}CodeBook/{{{PROJECT_NS}}}Codes/{{{PROJECT_NS}}}Code")
    assert top is not None
    middle = next(c for c in top.findall(f"{{{PROJECT_NS}}}Code") if len(c))
    leaf = middle.find(f"{{{PROJECT_NS}}}Code")
    assert leaf is not None
    cb = read_qdc(data, path.name)
    group = cb.groups[0]
    assert group.name == top.get("name")
    names = [c.name for c in group.codes]
    assert middle.get("name") in names  # codable intermediate codes stay codes
    assert f"{middle.get('name')} / {leaf.get('name')}" in names


# --- mapping rules on small files ------------------------------------------------------------


def test_nested_codes_three_levels_deep_keep_the_whole_path() -> None:
    data = qdc(
        f'<Code guid="{G1}" name="Actors" isCodable="false">'
        f'<Code guid="{G2}" name="State" isCodable="false">'
        f'<Code guid="{G3}" name="Army" isCodable="true"/></Code></Code>'
    )
    cb = read_qdc(data, "x.qdc")
    assert [c.name for c in cb.codes] == ["State / Army"]
    assert cb.groups[0].id == G1


def test_codes_with_and_without_children_are_separated() -> None:
    data = qdc(
        f'<Code guid="{G1}" name="Tone" isCodable="true">'
        f'<Code guid="{G2}" name="Hostile" isCodable="true"/></Code>'
        f'<Code guid="{G3}" name="Loose" isCodable="true"/>'
    )
    cb = read_qdc(data, "mybook.qdc")
    assert [(g.name, [c.name for c in g.codes]) for g in cb.groups] == [
        ("Tone", ["Hostile"]),
        ("mybook", ["Loose"]),
    ]


def test_structured_description_fills_include_exclude_and_examples() -> None:
    description = (
        "A refusal.\n\nInclude: denials by ministries.\n\nExclude: refusals of proposals.\n\n"
        "Examples:\n- The ministry denied it.\n- Kyiv dismissed the report."
    )
    data = qdc(
        f'<Code guid="{G1}" name="Denial" isCodable="true">'
        f"<Description>{description}</Description></Code>"
    )
    code = read_qdc(data, "x.qdc").codes[0]
    assert (code.definition, code.include, code.exclude) == (
        "A refusal.",
        "denials by ministries.",
        "refusals of proposals.",
    )
    assert code.examples == ("The ministry denied it.", "Kyiv dismissed the report.")


def test_short_colours_are_expanded_and_bad_colours_replaced() -> None:
    data = qdc(
        f'<Code guid="{G1}" name="A" isCodable="true" color="#F0A"/>'
        f'<Code guid="{G2}" name="B" isCodable="true" color="red"/>'
    )
    colors = [c.color for c in read_qdc(data, "x.qdc").codes]
    assert colors == ["#ff00aa", OKABE_ITO[0]]


def test_repeated_names_are_numbered_not_refused() -> None:
    data = qdc(
        f'<Code guid="{G1}" name="Same" isCodable="true"/>'
        f'<Code guid="{G2}" name="Same" isCodable="true"/>'
    )
    assert [c.name for c in read_qdc(data, "x.qdc").codes] == ["Same", "Same (2)"]


def test_repeated_guid_is_refused() -> None:
    data = qdc(
        f'<Code guid="{G1}" name="A" isCodable="true"/>'
        f'<Code guid="{G1}" name="B" isCodable="true"/>'
    )
    with pytest.raises(CodebookError, match="more than one code"):
        read_qdc(data, "x.qdc")


def test_missing_guid_is_refused_with_the_code_name() -> None:
    with pytest.raises(CodebookError, match="code 'A' has no valid guid"):
        read_qdc(qdc('<Code name="A" isCodable="true"/>'), "x.qdc")


# --- namespaces and GUID spellings -----------------------------------------------------------


@pytest.mark.parametrize(
    "ns", [CODEBOOK_NS, "urn:QDA-XML:codebook:1:0", PROJECT_NS], ids=["1.0", "1:0", "project"]
)
def test_accepted_namespaces_read_the_same(ns: str) -> None:
    data = qdc(f'<Code guid="{G1}" name="A" isCodable="true"/>', ns=ns)
    cb = read_qdc(data, "x.qdc")
    assert [(c.id, c.name) for c in cb.codes] == [(G1, "A")]


def test_unknown_namespace_is_refused() -> None:
    data = qdc(f'<Code guid="{G1}" name="A" isCodable="true"/>', ns="urn:other")
    with pytest.raises(CodebookError, match="not a REFI-QDA codebook"):
        read_qdc(data, "x.qdc")


def test_guid_with_braces_and_capitals_is_the_same_id() -> None:
    data = qdc(f'<Code guid="{{{G1.upper()}}}" name="A" isCodable="true"/>')
    assert read_qdc(data, "x.qdc").codes[0].id == G1
    assert normalize_guid("{" + G1.upper() + "}") == G1


# --- hostile and broken input ----------------------------------------------------------------


def test_entity_bomb_is_refused_without_expansion() -> None:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">'
        for i in range(1, 10)
    )
    data = (
        f'<?xml version="1.0"?><!DOCTYPE CodeBook [{entities}]>'
        f'<CodeBook xmlns="{CODEBOOK_NS}"><Codes><Code guid="{G1}" name="&lol9;" isCodable="true"/>'
        "</Codes></CodeBook>"
    ).encode()
    with pytest.raises(CodebookError, match="entities"):
        read_qdc(data, "bomb.qdc")


def test_external_entity_is_refused() -> None:
    data = (
        '<?xml version="1.0"?><!DOCTYPE CodeBook [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        f'<CodeBook xmlns="{CODEBOOK_NS}"><Codes><Code guid="{G1}" name="&x;" isCodable="true"/>'
        "</Codes></CodeBook>"
    ).encode()
    with pytest.raises(CodebookError, match="refused"):
        read_qdc(data, "xxe.qdc")


def test_malformed_xml_names_the_line() -> None:
    data = (
        f'<CodeBook xmlns="{CODEBOOK_NS}">\n<Codes>\n<Code guid="{G1}" name="A">\n</Codes>'.encode()
    )
    with pytest.raises(
        CodebookError, match=r"^broken\.qdc line 4, column \d+: not well-formed XML"
    ):
        read_qdc(data, "broken.qdc")


def test_oversized_file_is_refused() -> None:
    with pytest.raises(CodebookError, match="larger than"):
        read_qdc(b" " * (MAX_CODEBOOK_BYTES + 1), "huge.qdc")


def test_excessive_nesting_is_refused() -> None:
    depth = 100
    opening = "".join(
        f'<Code guid="{i:08x}-0000-0000-0000-000000000000" name="c{i}" isCodable="true">'
        for i in range(depth)
    )
    with pytest.raises(CodebookError, match="nested more than"):
        read_qdc(qdc(opening + "</Code>" * depth), "deep.qdc")


# --- writing and the round trip --------------------------------------------------------------


def test_shipped_codebook_round_trips_through_qdc() -> None:
    cb = default_codebook()
    assert read_qdc(write_qdc(cb), "conflict-news.qdc") == cb


def test_round_trip_keeps_multiple_choice_empty_groups_and_multiline_examples() -> None:
    cb = Codebook(
        name="Mixed",
        version="0.3",
        description="Two groups.",
        groups=(
            CodeGroup(
                id=G1,
                name="Topics",
                multiple=True,
                codes=(
                    Code(id=G2, name="Economy", color="#56b4e9", examples=("line one\nline two",)),
                    Code(id=G3, name="Sub / Part", key="]", color="#000000", include="Include: x"),
                ),
            ),
            CodeGroup(id=G4, name="Still empty"),
        ),
    )
    assert read_qdc(write_qdc(cb), "mixed.qdc") == cb


def test_written_file_nests_codes_under_non_codable_group_codes() -> None:
    cb = default_codebook()
    root = ET.fromstring(write_qdc(cb))
    codes = root.find(f"{{{CODEBOOK_NS}}}Codes")
    assert codes is not None
    groups = codes.findall(f"{{{CODEBOOK_NS}}}Code")
    assert [(g.get("name"), g.get("isCodable")) for g in groups] == [("Statement type", "false")]
    children = groups[0].findall(f"{{{CODEBOOK_NS}}}Code")
    assert [(c.get("name"), c.get("isCodable"), c.get("color")) for c in children] == [
        (c.name, "true", c.color) for c in cb.codes
    ]


def test_non_uuid_ids_are_written_as_stable_guids() -> None:
    cb = Codebook(
        name="Ids",
        groups=(
            CodeGroup(id="g", name="G", codes=(Code(id="my-code", name="A", color="#000000"),)),
        ),
    )
    first = write_qdc(cb)
    assert first == write_qdc(cb)
    guid = read_qdc(first, "ids.qdc").codes[0].id
    assert normalize_guid(guid) == guid


def test_written_file_loads_from_disk(tmp_path: Path) -> None:
    path = tmp_path / "book.qdc"
    path.write_bytes(write_qdc(default_codebook()))
    assert load_codebook(path) == default_codebook()
