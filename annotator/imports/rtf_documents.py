"""Rich Text Format: the text via striprtf; a news export (Nexis, Factiva) gives its articles.

striprtf (maintained, pure Python) follows the code page the file declares (\\ansicpg and each
font's \\fcharset) and reads \\uN escapes; it writes the two halves of a character beyond
U+FFFF (an emoji) as two surrogates, which are joined here. It never raises on a damaged file,
so the checks that it is RTF at all and that its groups close are made first: a truncated
file is refused, not imported short.
"""

from __future__ import annotations

import logging
import re
import threading

import striprtf.striprtf as striprtf_module
from striprtf.striprtf import rtf_to_text

from annotator.imports.base import (
    ImportProblem,
    ParsedArticle,
    UnreadableFile,
    describe_error,
    guess_title,
    normalise_text,
)
from annotator.imports.news_exports import articles_from_lines

logger = logging.getLogger(__name__)

NOT_RTF = "not an RTF file (it does not start with {\\rtf): save it again as .rtf or .docx"
_ESCAPED = re.compile(rb"\\[\\{}]")
_SURROGATES = re.compile("[\ud800-\udfff]")

# striprtf matches plain text one character at a time (so that it can skip the fallback
# character after each \uN), which made it a third of a news export's import time. Its token
# pattern is taken with plain text matched in runs instead, and the fallbacks are removed
# first, each \uN preceded by \uc0 (skip nothing). Files with fallbacks of other lengths
# (\uc2 ...) are read with striprtf's own pattern.
_ORIGINAL_PATTERN = striprtf_module.PATTERN
_RUNS_PATTERN = re.compile(
    r"\\([a-z]{1,32})(-?\d{1,10})?[ ]?|\\'([0-9a-f]{2})|\\([^a-z])|([{}])|[\r\n]+|([^\\{}\r\n]+)",
    re.IGNORECASE,
)
_UNICODE_WITH_FALLBACK = re.compile(r"\\u(-?\d{1,5}) ?(?:\\'[0-9a-fA-F]{2}|[^\\{}\r\n])?")
_OTHER_FALLBACK_LENGTH = re.compile(r"\\uc(?!1(?!\d))\d")
_PATTERN_LOCK = threading.Lock()


def _rtf_to_text(raw: str) -> str:
    if _OTHER_FALLBACK_LENGTH.search(raw) or _ORIGINAL_PATTERN.groups != _RUNS_PATTERN.groups:
        pattern, source = _ORIGINAL_PATTERN, raw
    else:
        pattern, source = _RUNS_PATTERN, _UNICODE_WITH_FALLBACK.sub(r"\\uc0\\u\1 ", raw)
    with _PATTERN_LOCK:  # the pattern is striprtf's module global
        striprtf_module.PATTERN = pattern
        try:
            return str(rtf_to_text(source, errors="replace"))  # type: ignore[no-untyped-call]
        finally:
            striprtf_module.PATTERN = _ORIGINAL_PATTERN


def read_rtf_articles(data: bytes, origin: str) -> list[ParsedArticle | ImportProblem]:
    source = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not source.startswith(b"{\\rtf"):
        raise UnreadableFile(NOT_RTF)
    if b"\\bin" not in source:  # binary data may hold braces of its own
        plain = _ESCAPED.sub(b"", source)
        unclosed = plain.count(b"{") - plain.count(b"}")
        if unclosed > 0:
            raise UnreadableFile(
                f"damaged RTF file: {unclosed} group{'s' if unclosed > 1 else ''} never closed "
                "(a truncated download?): download or save it again"
            )
        # More closing braces than opening ones: Word ignores the excess, and so does striprtf.
    try:
        raw = source.decode("ascii") if source.isascii() else _decode_8bit(source)
        text = _rtf_to_text(raw)
    except (ValueError, LookupError, IndexError, RecursionError) as error:
        logger.info("striprtf cannot read %s", origin, exc_info=True)
        raise UnreadableFile(f"damaged RTF file ({describe_error(error)})") from None
    if _SURROGATES.search(text):
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    news = articles_from_lines(text.split("\n"), origin)
    if news is not None:
        return news
    text = normalise_text(text)
    if not text.strip():
        raise UnreadableFile("no text in the RTF file")
    return [ParsedArticle(text=text, origin=origin, title=guess_title(text))]


def _decode_8bit(data: bytes) -> str:
    """RTF is 7-bit by its spec; some writers put UTF-8 or Windows-1252 bytes in it raw."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")
