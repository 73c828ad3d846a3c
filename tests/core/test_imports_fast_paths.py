"""The fast paths for plain ASCII give exactly what the general decoding and clean-up give."""

from __future__ import annotations

import dataclasses
import json
import os
import unicodedata
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from annotator.imports import base, decoding, reading
from annotator.imports.base import UnreadableFile, normalise_text
from annotator.imports.decoding import decode_text
from annotator.storage.article_writes import meta_json

# Mostly the characters that matter: controls, line breaks, spaces, a little non-ASCII.
_CHARS = st.sampled_from(
    [*"ab .\t\n\r\x0b\x0c\x00\x1b\x1f\x7f\x85\u2028\ufeffé", "e\u0301", "  \n"]
)
_TEXTS = st.lists(_CHARS, max_size=60).map("".join)


def _general_normalise(text: str) -> str:
    text = base._clean_up(text)
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


@given(_TEXTS)
@example("Headline  \n\nBody text.\t\n")
def test_normalising_clean_ascii_matches_the_general_clean_up(text: str) -> None:
    assert normalise_text(text) == _general_normalise(text)


def test_normalised_text_is_nfc() -> None:
    assert normalise_text("Cafe\u0301") == unicodedata.normalize("NFC", "Café")


def _general_decode(data: bytes) -> decoding.DecodedText | str:
    if b"\x00" in data:
        return decoding.BINARY
    try:
        return decoding._checked(decoding.DecodedText(data.decode("utf-8"), "utf-8"))
    except UnreadableFile as problem:
        return problem.message


@given(st.binary(max_size=80).filter(bytes.isascii))
@example(b"Plain text.\r\n\tIndented.\x0c")
@example(b"\x1b" * 20)
def test_decoding_ascii_matches_the_general_decoding(data: bytes) -> None:
    try:
        fast: decoding.DecodedText | str = decode_text(data)
    except UnreadableFile as problem:
        fast = problem.message
    if isinstance(fast, decoding.DecodedText):  # the fast path also says what it checked
        assert fast.plain_ascii == (not data.translate(None, decoding._PLAIN_ASCII))
        fast = dataclasses.replace(fast, plain_ascii=False)
    assert fast == _general_decode(data)


@given(st.lists(st.sampled_from([*"ab .\t\n\r\x0c", "  \n", " \t"]), max_size=60).map("".join))
@example("Headline \r\n\r\nBody text.\x0c")
def test_normalising_text_known_to_be_plain_ascii_matches_the_general_clean_up(text: str) -> None:
    decoded = decode_text(text.encode("ascii")) if text.strip() else None
    if decoded is not None:
        assert decoded.plain_ascii
        assert normalise_text(decoded.text, plain_ascii=True) == _general_normalise(text)


def _general_normalise_field(value: str) -> str:
    text = base._CONTROL_CHARS.sub("", value)
    return unicodedata.normalize("NFC", base._SPACE_RUNS.sub(" ", text)).strip()


@given(
    st.lists(st.sampled_from([*"aB. \t\n\x1b\x7f\xa0é", "  ", "e\u0301"]), max_size=30).map("".join)
)
def test_a_plain_field_fast_path_matches_the_general_clean_up(value: str) -> None:
    assert base.normalise_field(value) == _general_normalise_field(value)


@given(st.dictionaries(st.text(max_size=8), st.text(max_size=12), max_size=4))
@example({"file": 'say "no"\\é\n.txt'})
def test_meta_json_is_what_json_dumps_writes(meta: dict[str, str]) -> None:
    assert meta_json(meta) == json.dumps(meta)


def test_meta_json_of_other_values_falls_back_to_json_dumps() -> None:
    assert meta_json({"n": 3}) == '{"n": 3}'  # type: ignore[dict-item]


@pytest.mark.parametrize(
    ("size_seen", "size_now"),
    [(10, 10), (20, 10), (5, 10)],
    ids=["unchanged", "shrank", "grew"],
)
def test_a_file_is_read_whole_whatever_its_size_did_since_it_was_seen(
    tmp_path: Path, size_seen: int, size_now: int
) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"x" * size_now)
    fd = os.open(path, os.O_RDONLY)
    try:
        assert reading._read_all(fd, size_seen, 1000) == b"x" * size_now
    finally:
        os.close(fd)


_PATH_PARTS = st.sampled_from(
    ["a", "B", ".", "..", "/", "\\", ":", "C:", "txt", "TxT", "x.y", " ", "é", "~$"]
)


def _splitext_suffix(path: str) -> str:
    suffix = os.path.splitext(path)[1].lower()
    return "" if suffix == "." else suffix


@given(st.lists(_PATH_PARTS, max_size=8).map("".join))
@example("dir.v2/name")
@example("archive/.bashrc")
@example("notes.")
@example("a..txt")
@example("folder/A.TXT")
def test_the_suffix_of_a_path_is_what_splitext_gives_in_lower_case(path: str) -> None:
    from annotator.imports.discovery import suffix_of

    assert suffix_of(path) == _splitext_suffix(path)
