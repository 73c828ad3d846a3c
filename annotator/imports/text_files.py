"""Plain text and Markdown: one file, one article."""

from __future__ import annotations

import re

from annotator.imports.base import (
    ParsedArticle,
    UnreadableFile,
    guess_title,
    normalise_field,
    normalise_text,
)
from annotator.imports.decoding import decode_text

EMPTY = "empty file"


def read_plain_text(data: bytes, origin: str) -> ParsedArticle:
    """The whole file is the text; a headline-like first line is also the title."""
    decoded = decode_text(data)
    text = normalise_text(decoded.text, plain_ascii=decoded.plain_ascii)
    if not text or text.isspace():
        raise UnreadableFile(EMPTY)
    return ParsedArticle(text=text, origin=origin, title=guess_title(text))


# Front matter fields we map onto article fields; everything else goes to meta.
_FRONT_MATTER_FIELDS = {
    "title": "title",
    "date": "date",
    "published": "date",
    "source": "source",
    "outlet": "source",
    "publication": "source",
    "publisher": "source",
    "newspaper": "source",
    "url": "url",
    "link": "url",
    "language": "language",
    "lang": "language",
}
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_FENCE = re.compile(r"^[ \t]*(```|~~~).*$\n?", re.MULTILINE)
_ATX_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$", re.MULTILINE)
_SETEXT_UNDERLINE = re.compile(r"^[ \t]{0,3}(=+|-{2,})[ \t]*$\n?", re.MULTILINE)
_RULE = re.compile(r"^[ \t]{0,3}([-*_])([ \t]*\1){2,}[ \t]*$", re.MULTILINE)
_BLOCKQUOTE = re.compile(r"^[ \t]{0,3}>[ \t]?", re.MULTILINE)
_IMAGE = re.compile(r"!\[([^\]\n]*)\]\([^)\n]*\)")
_LINK = re.compile(r"\[([^\]\n]+)\]\([^)\n]*\)")
_REFERENCE_LINK = re.compile(r"\[([^\]\n]+)\]\[[^\]\n]*\]")
_LINK_DEFINITION = re.compile(r"^[ \t]{0,3}\[[^\]\n]+\]:[ \t]+\S+.*$\n?", re.MULTILINE)
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]+)>")
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>\n]*)?/?>")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPHASIS_STAR = re.compile(r"\*(?=\S)([^*\n]+?)(?<=\S)\*")
_EMPHASIS_UNDERSCORE = re.compile(r"(?<!\w)_(?=\S)([^_\n]+?)(?<=\S)_(?!\w)")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_CODE = re.compile(r"`([^`\n]+)`")


def read_markdown(data: bytes, origin: str) -> ParsedArticle:
    """Markdown minus its markup: coders read the words, not the asterisks."""
    raw = normalise_text(decode_text(data).text)
    fields: dict[str, str] = {}
    meta: dict[str, str] = {}
    front = _FRONT_MATTER.match(raw)
    if front:
        raw = raw[front.end() :]
        for key, value in _parse_front_matter(front.group(1)).items():
            target = _FRONT_MATTER_FIELDS.get(key.lower())
            if target and not fields.get(target):
                fields[target] = value
            else:
                meta[key] = value
    heading = _ATX_HEADING.search(raw.lstrip("\n"))
    text = normalise_text(strip_markdown(raw))
    if not text.strip():
        raise UnreadableFile(EMPTY)
    title = fields.pop("title", "")
    if not title and heading and heading.start() == 0:
        title = normalise_field(strip_markdown(heading.group(1)))
    return ParsedArticle(
        text=text,
        origin=origin,
        title=title or guess_title(text),
        source=fields.get("source", ""),
        date=fields.get("date", ""),
        url=fields.get("url", ""),
        language=fields.get("language", ""),
        meta=meta,
    )


def strip_markdown(text: str) -> str:
    """Keep the words of common Markdown; deliberately not a full CommonMark parser."""
    text = _FENCE.sub("", text)
    text = _LINK_DEFINITION.sub("", text)
    text = _RULE.sub("", text)
    text = _ATX_HEADING.sub(r"\1", text)
    text = _SETEXT_UNDERLINE.sub("", text)
    text = _BLOCKQUOTE.sub("", text)
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    text = _REFERENCE_LINK.sub(r"\1", text)
    text = _AUTOLINK.sub(r"\1", text)
    text = _HTML_TAG.sub("", text)
    text = _CODE.sub(r"\1", text)
    text = _STRONG.sub(r"\2", text)
    text = _STRIKE.sub(r"\1", text)
    text = _EMPHASIS_STAR.sub(r"\1", text)
    return _EMPHASIS_UNDERSCORE.sub(r"\1", text)


def _parse_front_matter(block: str) -> dict[str, str]:
    """Flat `key: value` lines only; nested YAML is kept out of the article fields."""
    values: dict[str, str] = {}
    for line in block.split("\n"):
        key, sep, value = line.partition(":")
        key = key.strip()
        if not sep or not key or line[:1].isspace() or not re.fullmatch(r"[\w-]+", key):
            continue
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[key] = normalise_field(value)
    return values
