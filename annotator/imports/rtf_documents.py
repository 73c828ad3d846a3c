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
        text: str = rtf_to_text(raw, errors="replace")  # type: ignore[no-untyped-call]
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
