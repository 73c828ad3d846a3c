"""Invariants of segment() on arbitrary text: the store relies on them for every article."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from annotator.segmentation import merge_spans, segment, split_span

# Text built from news-like pieces and hazards (line ends of every kind, unicode spaces,
# abbreviations, quotes, bullets) mixed with arbitrary unicode.
PIECES = st.sampled_from(
    [
        "U.S.",
        "Jan. 5",
        "Gen.",
        " ",
        "  ",
        "\n",
        "\r\n",
        "\r",
        "\n\n",
        "\n \t\n",
        "\u2028",
        "\u2029",
        "\x0c",
        "\x85",
        "\u00a0",
        "\u3000",
        ".",
        "...",
        "…",
        "?",
        "!",
        '"',
        "“",
        "”",
        "(",
        ")",
        "- ",
        "• ",
        "1. ",
        "3.5",
        "No. 3",
        "he said.",
        "The ",
        "Київ. ",
        "a",
        "Z",
        "said\r\nthe",
        "told\nthe",
        "of\n\nthe",
        "of\r\n\r\nthe",
    ]
)
TEXT = st.lists(st.one_of(PIECES, st.text(max_size=12)), max_size=40).map("".join)
# A blank line: two line ends (any that str.splitlines knows) with only other spaces between.
_ENDS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
LINE_END = r"(?:\r\n|\r(?!\n)|[\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029])"
BLANK_LINE = re.compile(rf"{LINE_END}[^\S{_ENDS}]*{LINE_END}")


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_spans_are_ordered_disjoint_stripped_and_inside_the_text(text: str) -> None:
    pos = 0
    for start, end in segment(text):
        assert pos <= start < end <= len(text)
        assert text[start:end] == text[start:end].strip()
        pos = end


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_spans_cover_every_visible_character(text: str) -> None:
    covered = [False] * len(text)
    for start, end in segment(text):
        covered[start:end] = [True] * (end - start)
    assert all(covered[i] for i, char in enumerate(text) if not char.isspace())


@settings(max_examples=300, deadline=None)
@given(TEXT)
@example("The army said\r\nthe attack failed\r\n\r\nand so on")
@example("wrapped line\n\u3000\nlower case")
def test_no_span_crosses_a_blank_line(text: str) -> None:
    for start, end in segment(text):
        assert BLANK_LINE.search(text, start, end) is None, repr(text[start:end])


@given(st.text(alphabet=" \t\r\n\u00a0\u2028\u3000", max_size=20))
def test_whitespace_only_text_has_no_sentences(text: str) -> None:
    assert segment(text) == []


@settings(max_examples=200, deadline=None)
@given(TEXT, st.data())
def test_split_then_merge_restores_the_sentence(text: str, data: st.DataObject) -> None:
    for span in segment(text):
        at = data.draw(st.integers(span[0] + 1, span[1] - 1)) if span[1] - span[0] > 1 else None
        if at is None:
            continue
        first, second = split_span(text, span, at)  # a stripped span splits anywhere inside
        assert merge_spans(text, first, second) == span
