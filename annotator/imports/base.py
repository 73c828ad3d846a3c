"""The records every reader produces, and the text clean-up they all share."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from annotator.imports.file_names import readable_name

MAX_FILE_BYTES = 256 * 1024 * 1024
"""Files larger than this are refused unread: no news article is that big, a hostile file may be."""

MAX_ARTICLE_FILE_BYTES = 32 * 1024 * 1024
"""A .txt/.md/.html file is one article: larger ones are refused unread (a book, a dump)."""

MAX_ARTICLE_CHARS = 16_000_000
"""Longest text one article may have, whatever its format (a .docx or .pdf, a table cell)."""


@dataclass(frozen=True)
class ParsedArticle:
    """One article read from a file, ready to be stored; `text` is already normalised."""

    text: str
    origin: str
    title: str = ""
    source: str = ""
    date: str = ""
    url: str = ""
    language: str = ""
    meta: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ImportProblem:
    """Why a file (or one row of it) was not imported, in one line a researcher can act on."""

    origin: str
    message: str

    def __post_init__(self) -> None:
        # One line, whatever went into it (a column name or a file name may hold a line break),
        # and text that can be printed and stored: a file name that is not valid UTF-8 is
        # repaired here, once for every reader (see file_names).
        object.__setattr__(self, "message", " ".join(self.message.split()))
        object.__setattr__(self, "origin", readable_name(self.origin))


@dataclass(frozen=True)
class TableOptions:
    """Which columns of a CSV/TSV/JSONL file hold what; None means detect by the usual names."""

    text_column: str | None = None
    title_column: str | None = None
    date_column: str | None = None
    source_column: str | None = None
    url_column: str | None = None
    id_column: str | None = None
    meta_columns: tuple[str, ...] | None = None


class UnreadableFile(Exception):
    """A whole file cannot be imported; the message is what the researcher reads."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# Line and page separators become newlines (so every reader and the segmenter agree on lines);
# C0/C1 controls other than tab and newline, and stray byte-order marks, are deleted.
_LINE_BREAKS = frozenset("\v\f\x85\u2028\u2029")
_JUNK = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]")
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff]")
_SPACE_RUNS = re.compile(r"\s+")
# Characters of ASCII text that need no clean-up: printable ones, tab and line feed.
_CLEAN_ASCII = bytes(range(0x20, 0x7F)) + b"\t\n"


def _clean(match: re.Match[str]) -> str:
    return "\n" if match.group() in _LINE_BREAKS else ""


def normalise_text(text: str, *, plain_ascii: bool = False) -> str:
    """Give every format the same line endings and no invisible junk, so offsets mean the same.

    ``plain_ascii``: the caller has checked that the text is printable ASCII, tab, line feed,
    carriage return and form feed only (``DecodedText.plain_ascii``), so it is not scanned again.
    """
    clean = ("\r" not in text and "\x0c" not in text) if plain_ascii else _is_clean_ascii(text)
    if not clean:
        text = _clean_up(text)
    elif " \n" not in text and "\t\n" not in text and not text.endswith((" ", "\t")):
        return text.strip("\n")  # the fast path: most articles have no line to strip
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


def _is_clean_ascii(text: str) -> bool:
    return text.isascii() and not text.encode("ascii").translate(None, _CLEAN_ASCII)


def _clean_up(text: str) -> str:
    """Line separators to newlines, invisible controls dropped, NFC."""
    text = _JUNK.sub(_clean, text.replace("\r\n", "\n").replace("\r", "\n"))
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


def normalise_field(value: object) -> str:
    """Metadata is one line of text: collapse whitespace, drop control characters."""
    if value is None:
        return ""
    text = str(value)
    if text.isascii() and text.isprintable() and "  " not in text:
        return text.strip(" ")  # the fast path: a plain one-line title needs nothing else
    text = _CONTROL_CHARS.sub("", text)
    return unicodedata.normalize("NFC", _SPACE_RUNS.sub(" ", text)).strip()


def guess_title(text: str) -> str:
    """The first line is the title when it reads like a headline: short, not ending like a
    sentence, and followed by a blank line or by the body (a line that starts afresh, not the
    rest of a sentence wrapped at a fixed width). Otherwise "" (the file name is used)."""
    stripped = text.lstrip()
    first, _, rest = stripped.partition("\n")
    first = first.strip()
    if not first or not rest or rest.isspace() or len(first) > HEADLINE_MAX_CHARS:
        return ""
    if first.endswith((".", ",", ";", ":")) and not first.endswith("..."):
        return ""
    following = rest.partition("\n")[0].strip()
    if following[:1].islower() or following[:1] in _CONTINUES_A_SENTENCE:
        return ""  # a wrapped paragraph: its first line goes on in the next
    if not any(ch.isalpha() for ch in first):
        return ""  # a date line or a rule of dashes
    return normalise_field(first)


HEADLINE_MAX_CHARS = 150
"""Headlines run to about 60-100 characters; a longer first line is the first paragraph."""
_CONTINUES_A_SENTENCE = frozenset(",;:)")


def describe_error(error: BaseException, limit: int = 160) -> str:
    """A library's exception as one short line: its text may span lines or quote a whole file."""
    detail = " ".join(str(error).split()) or type(error).__name__
    if len(detail) > limit:
        detail = detail[: limit - 1] + "…"
    return f"{type(error).__name__}: {detail}"
