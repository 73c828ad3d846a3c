"""A JSON Lines file cut into parts for worker processes reads exactly as the whole file does."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.imports import TableOptions
from annotator.imports.base import UnreadableFile
from annotator.imports.tables import read_jsonl, read_jsonl_part, split_jsonl

_LINES = st.sampled_from(
    [
        '{"text": "Troops moved. Officials denied it.", "title": "A"}',
        '{"body": "Shelling resumed at dawn."}',
        '{"text": "", "title": "empty text"}',
        '{"title": "no text key"}',
        "[1, 2, 3]",
        "{not json",
        "",
        "   ",
        '{"text": "Talks \\u00e9chou\\u00e8rent.", "date": "2026-01-05"}',
        '{"text": "A line written on Windows."}\r',
    ]
)


def _whole(data: bytes, options: TableOptions) -> list[object]:
    try:
        return list(read_jsonl(data, "t.jsonl", options))
    except UnreadableFile as problem:
        return [problem.message]


def _in_parts(
    data: bytes, options: TableOptions, chars: int | Callable[[int], int]
) -> list[object]:
    try:
        parts = split_jsonl(data, "t.jsonl", options, chars)
    except UnreadableFile as problem:
        return [problem.message]
    return [item for part in parts for item in read_jsonl_part(part, options)]


@settings(max_examples=200)
@given(
    st.lists(_LINES, min_size=1, max_size=30),
    st.integers(min_value=1, max_value=200),
    st.booleans(),
)
def test_parts_read_in_order_give_what_the_whole_file_gives(
    lines: list[str], chars: int, shrinking: bool
) -> None:
    data = "\n".join(lines).encode("utf-8")
    whole = _whole(data, TableOptions())
    # Parts of one size, or parts that shrink with what is left to cut (as an import cuts them).
    size = (lambda left: min(chars, left // 3)) if shrinking else chars
    parts = _in_parts(data, TableOptions(), size)
    if whole and isinstance(whole[-1], str):
        # Refused part-way (its first object has no text key): split_jsonl refuses it with the
        # same message, and the import then reads it whole as before.
        assert parts == [whole[-1]]
    else:
        assert parts == whole


def test_every_line_lands_in_exactly_one_part() -> None:
    lines = [f'{{"text": "Line {i} says troops moved."}}' for i in range(50)]
    parts = split_jsonl("\n".join(lines).encode(), "t.jsonl", TableOptions(), 300)
    assert len(parts) > 3
    in_parts = [part.text.split("\n") for part in parts]
    assert [line for part_lines in in_parts for line in part_lines] == lines
    assert [part.first_line for part in parts] == [
        1 + sum(map(len, in_parts[:i])) for i in range(len(parts))
    ]


def test_a_file_whose_first_object_lacks_the_named_text_key_is_refused_whole() -> None:
    data = b'{"body": "x"}\n{"text": "y"}\n'
    with pytest.raises(UnreadableFile, match="no text column 'text'"):
        split_jsonl(data, "t.jsonl", TableOptions(text_column="text"), 100)
