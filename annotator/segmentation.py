"""Text -> sentence spans, and the checks behind a coder's manual split or merge.

Sentences are stored as ``(start, end)`` offsets into the unchanged article text, so labels
survive re-display and every coder codes exactly the same characters. The library sentencex (Rust,
everything inside its wheel, ~20 MB/s) finds sentence ends; the rules here only add what news text
needs and a generic segmenter lacks: line structure (headlines, bylines, list items, hard-wrapped
paragraphs) and a few abbreviation repairs. docs/segmentation.md has the comparison behind the
choice.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Callable, Iterable, Iterator, Sequence

import sentencex

from annotator.errors import AnnotatorError

logger = logging.getLogger(__name__)

Span = tuple[int, int]
#: A sentence splitter: text -> spans as the library reports them (only the starts are used).
Splitter = Callable[[str], Iterable[Span]]


class SegmentationError(AnnotatorError, ValueError):
    """A span, split or merge that would give an empty, overlapping or out-of-text sentence."""


# --- line structure ---------------------------------------------------------------------------

# A list item: bullet glyph, "1." / "1)" / "a)" marker, followed by a space.
_LIST_ITEM = re.compile(r"[-–—•*·▪◦‣●○■□➢►]\s|(?:\d{1,3}|[a-zA-Z])[.)]\s")
# Hard wrap detection: a line at least this share of the paragraph's longest line is "full".
_FULL_LINE_SHARE = 0.75
# Longest line of a hard-wrapped paragraph; beyond this a line is a paragraph of its own.
_MAX_WRAP_WIDTH = 110
_MIN_WRAP_WIDTH = 40


def _stripped(text: str, start: int, end: int) -> Span | None:
    """The span without surrounding whitespace, or None if nothing is left."""
    piece = text[start:end]
    core = piece.strip()
    if not core:
        return None
    left = start + (len(piece) - len(piece.lstrip()))
    return left, left + len(core)


def _blocks(text: str) -> list[Span]:
    """Stretches of text no sentence may cross: lines, re-joined where a line only wraps.

    A line continues the previous one when it starts in lower case (a wrapped sentence), or when
    the previous line is "full" in a listless paragraph of similar-length lines no wider than a
    typical hard wrap (text pasted from PDFs or e-mails). A list item, or a line after one ending
    in ":", always starts a new block.
    """
    blocks: list[Span] = []
    paragraph: list[Span] = []  # stripped lines since the last blank line
    pos = 0
    # Line ends are those of str.splitlines: \n, \r\n, \r, \v, \f, \x1c-\x1e, \x85, \u2028/9;
    # all of them are whitespace, so stripping a line also drops its end.
    for line in text.splitlines(keepends=True):
        rest = line.lstrip()
        if rest:
            left = pos + len(line) - len(rest)
            paragraph.append((left, left + len(rest.rstrip())))
        elif paragraph:  # a blank line ends the paragraph
            blocks.extend(_join_wrapped(text, paragraph) if len(paragraph) > 1 else paragraph)
            paragraph = []
        pos += len(line)
    if paragraph:
        blocks.extend(_join_wrapped(text, paragraph) if len(paragraph) > 1 else paragraph)
    return blocks


def _join_wrapped(text: str, lines: list[Span]) -> list[Span]:
    if len(lines) == 1:
        return lines
    widths = [end - start for start, end in lines]
    width = max(widths)
    wrapped = (
        len(lines) >= 3
        and not any(_LIST_ITEM.match(text, start) for start, _ in lines)
        and _MIN_WRAP_WIDTH <= width <= _MAX_WRAP_WIDTH
        and sum(w >= _FULL_LINE_SHARE * width for w in widths) >= 2
    )
    blocks = [lines[0]]
    for (start, end), prev_width in zip(lines[1:], widths, strict=False):
        prev_start, prev_end = blocks[-1]
        first = text[start]
        joins = (
            _LIST_ITEM.match(text, start) is None
            and text[prev_end - 1] != ":"
            and (first.islower() or (wrapped and prev_width >= _FULL_LINE_SHARE * width))
        )
        if joins:
            blocks[-1] = (prev_start, end)
        else:
            blocks.append((start, end))
    return blocks


# --- library boundaries and repairs -----------------------------------------------------------

# Abbreviations that precede a name and practically never end a news sentence.
_TITLES = frozenset(
    {
        *("mr", "mrs", "ms", "messrs", "dr", "prof", "rev", "fr", "hon", "st", "ft", "mt"),
        *("gen", "lt", "col", "maj", "capt", "cpt", "sgt", "cpl", "pvt", "adm", "cmdr", "cdr"),
        *("brig", "sen", "rep", "gov", "pres", "supt", "insp", "det"),
    }
)
# Abbreviations that precede a number ("No. 3", "approx. 4,000"); "no." alone may end a sentence.
_BEFORE_NUMBER = frozenset({"no", "nos", "approx", "est", "ca", "vol", "art", "fig", "pp"})
# A short abbreviation such as "hrs", "etc", "e.g", "U.S", "г" (the word before the final dot).
_SHORT_ABBREV = re.compile(r"[^\W\d_]{1,5}(?:\.[^\W\d_]{1,3})*")
# Sentence ends that sentencex misses before a capitalised word: ".)" closing a bracketed
# sentence, and a lower-case "no." (it reads every "no." as the abbreviation of "number").
_NEW_SENTENCE = re.compile(r"\s+[\"'“‘(]?[A-Z]")
# Opening brackets and quotes, removed from the word before a boundary.
_OPENERS = "([{\"'“‘«"


# Unicode spaces around which sentencex 1.0.32 can panic ("not a char boundary"); replaced by a
# plain space of the same length (one code point), so offsets are unchanged.
_ODD_SPACES = re.compile(r"[^\S\n\r\t ]")
# Last resort when the library fails: a sentence ends at . ! ? (and closing quotes or brackets)
# before white space and an upper-case letter, digit or opening quote.
_FALLBACK_END = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")


def _sentencex_spans(text: str, language: str = "en") -> list[Span]:
    """Sentence starts from sentencex; never raises (its Rust panics are BaseExceptions)."""
    for attempt in (text, _ODD_SPACES.sub(" ", text)):
        try:
            return [
                (b["start_index"], b["end_index"])
                for b in sentencex.get_sentence_boundaries(language, attempt)
            ]
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException:  # pyo3_runtime.PanicException derives from BaseException
            logger.warning("sentencex failed on a text of %d characters", len(text))
    starts = [0, *(m.end() for m in _FALLBACK_END.finditer(text))]
    return list(zip(starts, [*starts[1:], len(text)], strict=True))


def _missed_ends(text: str) -> Iterator[int]:
    """Offsets just after ".)" or a final "no." that start a new sentence.

    ``str.find`` over the rare marker beats one regex over the whole text by a factor of ~5.
    """
    for marker, is_end in ((")", _closes_sentence), ("no.", _is_word_no)):
        pos = text.find(marker)
        while pos >= 0:
            after = pos + len(marker)
            if is_end(text, pos) and _NEW_SENTENCE.match(text, after):
                yield after
            pos = text.find(marker, after)


def _closes_sentence(text: str, paren: int) -> bool:
    before = text[max(0, paren - 2) : paren]
    return before[-1:] in (".", "!", "?") or (
        before[-1:] in ('"', "'", "”", "’") and before[:1] in (".", "!", "?")
    )


def _is_word_no(text: str, pos: int) -> bool:
    return pos == 0 or not text[pos - 1].isalnum()


def _keeps_together(text: str, cut: int) -> bool:
    """True when the library's boundary at ``cut`` follows an abbreviation, not a sentence end."""
    before = text[max(0, cut - 40) : cut].rstrip()
    if not before.endswith("."):
        return False
    words = before.rsplit(None, 1)
    word = words[-1].lstrip(_OPENERS)[:-1] if words else ""
    lowered = word.lower()
    if lowered in _TITLES:
        return True
    after = text[cut : cut + 8].lstrip()
    if not after:
        return False
    if after[0].isdigit():
        return lowered in _BEFORE_NUMBER
    return after[0].islower() and _SHORT_ABBREV.fullmatch(word) is not None


def segment(text: str, *, language: str = "en", splitter: Splitter | None = None) -> list[Span]:
    """Sentence spans of ``text``: ordered, disjoint, stripped, covering every visible character.

    ``language`` is an ISO 639 code passed to sentencex (it knows ~300 languages). ``splitter``
    replaces sentencex, for comparing libraries under the same line rules (bench/).
    """
    if not text or text.isspace():
        return []
    blocks = _blocks(text)
    forced = {start for start, _ in blocks}
    library = splitter(text) if splitter is not None else _sentencex_spans(text, language)
    cuts = set(forced)
    for start, _ in library:
        if start not in forced and 0 < start < len(text) and not _keeps_together(text, start):
            cuts.add(start)
    cuts.update(_missed_ends(text))  # a cut never joins blocks
    cuts.update(end for _, end in blocks)
    ordered = sorted(cuts)
    spans: list[Span] = []
    for start, end in itertools.pairwise(ordered):
        piece = text[start:end]
        core = piece.strip()
        if core:
            left = start + len(piece) - len(piece.lstrip())
            spans.append((left, left + len(core)))
    logger.debug("segmented %d characters into %d sentences", len(text), len(spans))
    return spans


# --- manual edits -----------------------------------------------------------------------------


def validate_span(text: str, span: Span) -> None:
    """Refuse a span that is outside the text, empty, or not stripped."""
    start, end = span
    if not 0 <= start < end <= len(text):
        raise SegmentationError(
            f"sentence {start}–{end} is not inside the text (length {len(text)})"
        )
    piece = text[start:end]
    if piece != piece.strip():
        raise SegmentationError(
            f"sentence {start}–{end} starts or ends with whitespace: {piece[:40]!r}"
        )


def validate_spans(text: str, spans: Sequence[Span], *, cover: bool = True) -> None:
    """Refuse spans that are invalid, out of order, overlapping, or (``cover``) leave text out."""
    pos = 0
    for index, span in enumerate(spans):
        validate_span(text, span)
        start, end = span
        if start < pos:
            raise SegmentationError(
                f"sentence {index + 1} ({start}–{end}) overlaps or precedes the one before it"
            )
        if cover and text[pos:start].strip():
            raise SegmentationError(
                f"text {pos}–{start} belongs to no sentence: {text[pos:start].strip()[:40]!r}"
            )
        pos = end
    if cover and text[pos:].strip():
        raise SegmentationError(
            f"text after {pos} belongs to no sentence: {text[pos:].strip()[:40]!r}"
        )


def split_span(text: str, span: Span, at: int) -> tuple[Span, Span]:
    """The two sentences made by splitting ``span`` at offset ``at``, each stripped.

    ``span`` need not be stripped (a selection in the UI may hold spaces); both parts must keep
    some visible text.
    """
    start, end = span
    if not 0 <= start < end <= len(text):
        raise SegmentationError(
            f"sentence {start}–{end} is not inside the text (length {len(text)})"
        )
    if not start < at < end:
        raise SegmentationError(f"split point {at} is not strictly inside sentence {start}–{end}")
    first = _stripped(text, start, at)
    second = _stripped(text, at, end)
    if first is None or second is None:
        side = "first" if first is None else "second"
        raise SegmentationError(
            f"splitting sentence {start}–{end} at {at} leaves the {side} part empty"
        )
    return first, second


def merge_spans(text: str, first: Span, second: Span) -> Span:
    """One sentence from two adjacent ones: only whitespace may lie between them.

    Crossing a paragraph break is allowed on purpose: it repairs a sentence broken by a bad
    extraction, which only a coder can judge.
    """
    validate_span(text, first)
    validate_span(text, second)
    if first[1] > second[0]:
        raise SegmentationError(
            f"sentence {first[0]}–{first[1]} does not come before {second[0]}–{second[1]}"
        )
    between = text[first[1] : second[0]]
    if between.strip():
        raise SegmentationError(
            f"sentences {first[0]}–{first[1]} and {second[0]}–{second[1]} are not adjacent: "
            f"{between.strip()[:40]!r} lies between them"
        )
    return first[0], second[1]
