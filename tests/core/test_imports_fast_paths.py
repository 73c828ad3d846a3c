"""The fast paths for plain ASCII give exactly what the general decoding and clean-up give."""

from __future__ import annotations

import unicodedata

from hypothesis import example, given
from hypothesis import strategies as st

from annotator.imports import base, decoding
from annotator.imports.base import UnreadableFile, normalise_text
from annotator.imports.decoding import decode_text

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
    assert fast == _general_decode(data)
