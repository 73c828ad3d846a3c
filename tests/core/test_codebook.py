"""The codebook model and its YAML form: what loads, what is refused, and how errors read."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from annotator.codebook import (
    MAX_CODEBOOK_BYTES,
    OKABE_ITO,
    Code,
    Codebook,
    CodebookError,
    CodeGroup,
    default_codebook,
    dump_codebook_yaml,
    generated_id,
    load_codebook,
    parse_codebook_yaml,
)
from annotator.paths import default_codebook_path


def yaml_text(body: str) -> str:
    return textwrap.dedent(body).lstrip("\n")


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line of the n-th line containing needle: tests find lines, they don't hard-code."""
    hits = [n for n, line in enumerate(text.splitlines(), 1) if needle in line]
    return hits[occurrence - 1]


TWO_GROUPS = yaml_text(
    """
    name: Test book
    groups:
      - name: Statement type
        codes:
          - name: Military action
            key: m
          - name: Diplomatic claim
            key: d
      - name: Tone
        choice: multiple
        codes:
          - name: Denial
            key: x
    """
)


# --- the shipped codebook --------------------------------------------------------------------


def test_shipped_codebook_has_the_four_statement_types() -> None:
    cb = default_codebook()
    assert [c.name for c in cb.codes] == [
        "Military action",
        "Diplomatic claim",
        "Denial",
        "Analyst opinion",
    ]


def test_shipped_codebook_is_one_single_choice_group() -> None:
    cb = default_codebook()
    assert len(cb.groups) == 1
    assert cb.groups[0].multiple is False


def test_shipped_codebook_keys_are_unique_and_present() -> None:
    keys = [c.key for c in default_codebook().codes]
    assert all(keys)
    assert len(set(keys)) == len(keys)


def test_shipped_codebook_codes_are_fully_documented() -> None:
    for code in default_codebook().codes:
        assert code.definition and code.include and code.exclude, code.name
        assert 3 <= len(code.examples) <= 4, code.name
        assert code.color in OKABE_ITO, code.name


def test_shipped_codebook_carries_explicit_ids() -> None:
    raw = yaml.safe_load(default_codebook_path().read_text(encoding="utf-8"))
    for group in raw["groups"]:
        assert group.get("id")
        assert all(code.get("id") for code in group["codes"])


def test_shipped_codebook_says_what_to_do_with_sentences_that_fit_no_code() -> None:
    assert "none" in default_codebook().groups[0].description


# --- the model -------------------------------------------------------------------------------


def test_code_key_is_lower_cased() -> None:
    assert Code(id="c1", name="A", key="M", color="#000000").key == "m"


@pytest.mark.parametrize("key", ["ab", " ", "\t", "\x07"])
def test_code_key_must_be_one_visible_character(key: str) -> None:
    with pytest.raises(ValidationError):
        Code(id="c1", name="A", key=key, color="#000000")


def test_code_key_may_be_empty_for_no_shortcut() -> None:
    assert Code(id="c1", name="A", key="", color="#000000").key == ""


@pytest.mark.parametrize("color", ["red", "#12345", "#1234567", "0072b2"])
def test_code_colour_must_be_hex_rgb(color: str) -> None:
    with pytest.raises(ValidationError):
        Code(id="c1", name="A", color=color)


def test_guid_ids_have_one_spelling() -> None:
    code = Code(id="{2C402736-746D-4889-B867-1E173A0DDFDB}", name="A", color="#000000")
    assert code.id == "2c402736-746d-4889-b867-1e173a0ddfdb"


def test_codebook_refuses_a_key_used_twice_even_across_groups() -> None:
    a = Code(id="a", name="A", key="k", color="#000000")
    b = Code(id="b", name="B", key="K", color="#000000")
    with pytest.raises(ValidationError, match="key 'k' is already used by 'A'"):
        Codebook(
            name="x",
            groups=(
                CodeGroup(id="g1", name="G1", codes=(a,)),
                CodeGroup(id="g2", name="G2", codes=(b,)),
            ),
        )


def test_group_refuses_two_codes_of_the_same_name() -> None:
    a = Code(id="a", name="Denial", color="#000000")
    b = Code(id="b", name="denial", color="#000000")
    with pytest.raises(ValidationError, match="already has a code of that name"):
        CodeGroup(id="g", name="G", codes=(a, b))


def test_codes_lists_every_group_in_order() -> None:
    cb = parse_codebook_yaml(TWO_GROUPS)
    assert [c.name for c in cb.codes] == ["Military action", "Diplomatic claim", "Denial"]


def test_code_by_name_ignores_case() -> None:
    cb = parse_codebook_yaml(TWO_GROUPS)
    assert cb.code_by_name("denial").key == "x"


def test_code_by_name_asks_for_the_group_when_the_name_is_ambiguous() -> None:
    text = TWO_GROUPS.replace("name: Denial", "name: Military action")
    cb = parse_codebook_yaml(text)
    with pytest.raises(KeyError, match="ambiguous"):
        cb.code_by_name("Military action")
    assert cb.code_by_name("Tone / Military action").key == "x"


def test_code_by_id_and_group_of_find_the_code_and_its_group() -> None:
    cb = parse_codebook_yaml(TWO_GROUPS)
    denial = cb.code_by_name("Denial")
    assert cb.code_by_id(denial.id) == denial
    assert cb.group_of(denial.id).name == "Tone"


def test_unknown_code_id_raises_key_error() -> None:
    with pytest.raises(KeyError):
        parse_codebook_yaml(TWO_GROUPS).code_by_id("nope")


# --- YAML reading ----------------------------------------------------------------------------


def test_choice_single_and_multiple_set_the_group_mode() -> None:
    cb = parse_codebook_yaml(TWO_GROUPS)
    assert [g.multiple for g in cb.groups] == [False, True]


def test_multiple_flag_is_accepted_instead_of_choice() -> None:
    text = TWO_GROUPS.replace("choice: multiple", "multiple: true")
    assert parse_codebook_yaml(text).groups[1].multiple is True


def test_missing_ids_are_generated_the_same_way_on_every_load() -> None:
    first = parse_codebook_yaml(TWO_GROUPS)
    second = parse_codebook_yaml(TWO_GROUPS)
    assert [c.id for c in first.codes] == [c.id for c in second.codes]
    assert [g.id for g in first.groups] == [g.id for g in second.groups]
    assert len({c.id for c in first.codes}) == 3


def test_generated_ids_follow_the_names_on_the_path() -> None:
    cb = parse_codebook_yaml(TWO_GROUPS)
    code = cb.code_by_name("Denial")
    assert code.id == generated_id("Test book", "Tone", "Denial")


def test_codes_without_colour_get_unused_okabe_ito_colours() -> None:
    text = TWO_GROUPS.replace("key: m", 'key: m\n        color: "#e69f00"')
    colors = [c.color for c in parse_codebook_yaml(text).codes]
    assert colors[0] == "#e69f00"
    assert colors[1:] == [c for c in OKABE_ITO if c != "#e69f00"][:2]


def test_text_values_keep_their_spelling() -> None:
    text = TWO_GROUPS.replace("name: Test book", "name: Test book\nversion: 1.10").replace(
        "key: x", "key: y"
    )
    cb = parse_codebook_yaml(text)
    assert cb.version == "1.10"
    assert cb.code_by_name("Denial").key == "y"


def test_examples_are_read_as_a_list() -> None:
    text = TWO_GROUPS.replace(
        "key: x", "key: x\n        examples:\n          - One.\n          - Two."
    )
    assert parse_codebook_yaml(text).code_by_name("Denial").examples == ("One.", "Two.")


def test_colour_spelling_is_accepted() -> None:
    text = TWO_GROUPS.replace("key: x", 'key: x\n        colour: "#0072B2"')
    assert parse_codebook_yaml(text).code_by_name("Denial").color == "#0072b2"


# --- YAML errors -----------------------------------------------------------------------------


def test_duplicate_key_names_the_line_and_the_other_code() -> None:
    text = TWO_GROUPS.replace("key: x", "key: d")
    with pytest.raises(CodebookError) as err:
        parse_codebook_yaml(text, "book.yaml")
    line = line_of(text, "key: d", 2)
    assert str(err.value) == (
        f"book.yaml line {line}: code 'Denial': key 'd' is already used by 'Diplomatic claim'"
    )
    assert err.value.line == line


def test_duplicate_key_ignores_case() -> None:
    with pytest.raises(CodebookError, match="key 'd' is already used"):
        parse_codebook_yaml(TWO_GROUPS.replace("key: x", "key: D"))


def test_duplicate_code_name_in_a_group_names_the_line() -> None:
    text = TWO_GROUPS.replace("name: Diplomatic claim", "name: Military action")
    with pytest.raises(CodebookError) as err:
        parse_codebook_yaml(text, "book.yaml")
    assert str(err.value).startswith(f"book.yaml line {line_of(text, 'Military action', 2)}:")
    assert "already has a code of that name" in str(err.value)


def test_duplicate_ids_name_the_line() -> None:
    text = TWO_GROUPS.replace(
        "- name: Military action", "- id: same\n        name: Military action"
    )
    text = text.replace("- name: Denial", "- id: same\n        name: Denial")
    with pytest.raises(CodebookError) as err:
        parse_codebook_yaml(text, "book.yaml")
    assert str(err.value) == (
        f"book.yaml line {line_of(text, 'id: same', 2)}: code 'Denial': "
        "id 'same' is already used by code 'Military action'"
    )


def test_invalid_key_names_line_group_code_and_field() -> None:
    text = TWO_GROUPS.replace("key: d", "key: dd")
    with pytest.raises(CodebookError) as err:
        parse_codebook_yaml(text, "book.yaml")
    assert str(err.value) == (
        f"book.yaml line {line_of(text, 'key: dd')}: code 'Diplomatic claim': field 'key': "
        "must be one character (or empty for no shortcut)"
    )


def test_code_without_a_name_is_numbered_within_its_group() -> None:
    text = TWO_GROUPS.replace("- name: Diplomatic claim\n", "- definition: text\n")
    with pytest.raises(CodebookError) as err:
        parse_codebook_yaml(text, "book.yaml")
    assert str(err.value) == (
        f"book.yaml line {line_of(text, 'definition: text')}: group 'Statement type', code #2: "
        "field 'name': is missing"
    )


def test_unquoted_colour_is_explained() -> None:
    text = TWO_GROUPS.replace("key: x", "key: x\n        color: #0072b2")
    with pytest.raises(CodebookError, match="put colours in quotes") as err:
        parse_codebook_yaml(text)
    assert err.value.line == line_of(text, "color: #0072b2")


def test_invalid_colour_names_the_line() -> None:
    text = TWO_GROUPS.replace("key: x", "key: x\n        color: blue")
    with pytest.raises(CodebookError, match="field 'color'") as err:
        parse_codebook_yaml(text)
    assert err.value.line == line_of(text, "color: blue")


def test_unknown_field_suggests_the_near_spelling() -> None:
    text = TWO_GROUPS.replace("key: x", "key: x\n        defintion: oops")
    with pytest.raises(CodebookError, match="did you mean 'definition'") as err:
        parse_codebook_yaml(text)
    assert err.value.line == line_of(text, "defintion")


def test_field_given_twice_is_refused() -> None:
    text = TWO_GROUPS.replace("key: x", "key: x\n        key: y")
    with pytest.raises(CodebookError, match="field 'key' is given twice"):
        parse_codebook_yaml(text)


def test_invalid_choice_is_refused() -> None:
    with pytest.raises(CodebookError, match="single or multiple"):
        parse_codebook_yaml(TWO_GROUPS.replace("choice: multiple", "choice: many"))


def test_missing_codebook_name_is_refused() -> None:
    with pytest.raises(CodebookError, match="'name' is missing"):
        parse_codebook_yaml(TWO_GROUPS.replace("name: Test book\n", ""))


def test_malformed_yaml_gives_line_and_column() -> None:
    text = TWO_GROUPS.replace("key: d", "key: [d")
    with pytest.raises(CodebookError) as err:
        parse_codebook_yaml(text, "book.yaml")
    assert err.value.line is not None
    assert str(err.value).startswith(f"book.yaml line {err.value.line}, column ")


def test_python_object_tag_is_refused_with_its_line() -> None:
    text = TWO_GROUPS.replace(
        "key: x", "key: x\n        definition: !!python/object/apply:os.system ['true']"
    )
    with pytest.raises(
        CodebookError, match=re.escape("tag 'tag:yaml.org,2002:python/object/apply:os.system'")
    ) as err:
        parse_codebook_yaml(text)
    assert err.value.line == line_of(text, "python/object")


def test_local_tag_is_refused() -> None:
    with pytest.raises(CodebookError, match="tag '!secret' is not allowed"):
        parse_codebook_yaml(TWO_GROUPS.replace("key: x", "key: !secret x"))


def test_billion_laughs_is_refused_before_expansion() -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    text = "\n".join(lines) + "\nname: bomb\ngroups: []\n"
    with pytest.raises(CodebookError, match="aliases") as err:
        parse_codebook_yaml(text)
    assert err.value.line == 2


def test_even_a_harmless_alias_is_refused() -> None:
    text = TWO_GROUPS.replace("name: Test book", "name: &n Test book\ndescription: *n")
    with pytest.raises(CodebookError, match="aliases"):
        parse_codebook_yaml(text)


def test_text_over_the_size_limit_is_refused() -> None:
    text = "name: big\ndescription: " + "x" * (MAX_CODEBOOK_BYTES + 1) + "\ngroups: []\n"
    with pytest.raises(CodebookError, match="larger than 5 MB"):
        parse_codebook_yaml(text)


def test_deep_nesting_is_refused() -> None:
    text = "name: deep\ngroups: " + "[" * 2000 + "]" * 2000 + "\n"
    with pytest.raises(CodebookError, match="nested too deeply"):
        parse_codebook_yaml(text)


def test_empty_file_is_refused() -> None:
    with pytest.raises(CodebookError, match="empty"):
        parse_codebook_yaml("# only a comment\n")


# --- round trip ------------------------------------------------------------------------------


def test_dump_then_parse_gives_the_shipped_codebook_back() -> None:
    cb = default_codebook()
    assert parse_codebook_yaml(dump_codebook_yaml(cb)) == cb


def test_dump_writes_explicit_ids() -> None:
    cb = parse_codebook_yaml(TWO_GROUPS)
    raw = yaml.safe_load(dump_codebook_yaml(cb))
    assert raw["groups"][1]["codes"][0]["id"] == cb.code_by_name("Denial").id


_TEXT = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc"), blacklist_characters="\x85\u2028\u2029"
    )
    | st.sampled_from(["\n", "\t", " ", "#", ":", "-", "'", '"', "|", ">"]),
    max_size=120,
)


@settings(max_examples=60, deadline=None)
@given(
    definition=_TEXT,
    example=_TEXT,
    # names refuse control characters (tab included): annotator/names.py
    name=_TEXT.filter(lambda s: s.strip() and "\n" not in s and "\t" not in s),
)
def test_dump_then_parse_round_trips_arbitrary_text(
    definition: str, example: str, name: str
) -> None:
    code = Code(
        id="c1", name=name, key="k", color="#000000", definition=definition, examples=(example,)
    )
    cb = Codebook(
        name="Round trip", version="2", groups=(CodeGroup(id="g1", name="G", codes=(code,)),)
    )
    assert parse_codebook_yaml(dump_codebook_yaml(cb)) == cb


# --- files -----------------------------------------------------------------------------------


def test_load_codebook_reads_a_yml_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.yml"
    path.write_text(TWO_GROUPS, encoding="utf-8")
    assert load_codebook(path) == parse_codebook_yaml(TWO_GROUPS)


def test_load_codebook_accepts_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + TWO_GROUPS.encode())
    assert load_codebook(path).name == "Test book"


def test_load_codebook_errors_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(TWO_GROUPS.replace("key: x", "key: d"), encoding="utf-8")
    with pytest.raises(CodebookError, match=r"^broken\.yaml line \d+: "):
        load_codebook(path)


def test_load_codebook_refuses_unknown_formats(tmp_path: Path) -> None:
    path = tmp_path / "codes.txt"
    path.write_text("x", encoding="utf-8")
    with pytest.raises(CodebookError, match=re.escape("unknown codebook format '.txt'")):
        load_codebook(path)


def test_load_codebook_reports_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CodebookError, match="cannot read"):
        load_codebook(tmp_path / "absent.yaml")


def test_load_codebook_refuses_files_over_the_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    with path.open("wb") as fh:
        fh.truncate(MAX_CODEBOOK_BYTES + 1)
    with pytest.raises(CodebookError, match="larger than"):
        load_codebook(path)


def test_load_codebook_refuses_text_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin.yaml"
    path.write_bytes(b"name: Caf\xe9\ngroups: []\n")
    with pytest.raises(CodebookError, match="line 1: not UTF-8"):
        load_codebook(path)


def test_lookups_follow_a_copy_with_new_groups() -> None:
    cb = parse_codebook_yaml(TWO_GROUPS)
    assert len(cb.codes) == 3
    copy = cb.model_copy(update={"groups": cb.groups[1:]})
    assert [c.name for c in copy.codes] == ["Denial"]
    with pytest.raises(KeyError):
        copy.code_by_id(cb.code_by_name("Military action").id)


def test_using_lookups_does_not_change_equality() -> None:
    used = parse_codebook_yaml(TWO_GROUPS)
    assert used.codes
    assert used == parse_codebook_yaml(TWO_GROUPS)
