"""Positioned text runs of PDF pages -> paragraphs in reading order.

A PDF holds no paragraphs, only runs of text at positions. This module rebuilds what a reader
sees: runs on one baseline make a line; a gutter that no run crosses splits a page into columns,
read one after the other; lines make a paragraph until a gap, a change of type size, an indent
or a short line ending a sentence; a word hyphenated at a line end is joined ("nego-" +
"tiations"); lines that repeat at the top or bottom of most pages (running headers, footers,
page numbers) are dropped; ligatures and odd spaces are normalised. See docs/pdf-extraction.md.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Run:
    """A run of text on one line; PDF coordinates (y grows upwards)."""

    left: float
    bottom: float
    right: float
    top: float
    text: str


@dataclass
class Line:
    left: float
    bottom: float
    right: float
    top: float
    text: str

    @property
    def height(self) -> float:
        return self.top - self.bottom


_ODD_SPACES = re.compile("[\t\u2000-\u200a\u202f\u205f\u3000]+")
_LIGATURES = re.compile("[\ufb00-\ufb06]")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_PAGE_NUMBER = re.compile(
    r"^(?:[-–—]\s*)?(?:(?:page|seite|p\.|s\.)\s*)?\d{1,4}(?:\s*(?:of|von|/|de|sur)\s*\d{1,4})?"
    r"(?:\s*[-–—])?$|^\d{1,4}\s*\|.*|.*\|\s*\d{1,4}$",
    re.IGNORECASE,
)
_SENTENCE_END = tuple('.!?:;"”’»)')
_HYPHENS = ("-", "\u00ad", "\u2010")
_MARGIN_LINES = 2  # lines at the top and at the bottom of a page that may be running heads
_DIGITS = re.compile(r"\d+")


def clean_run_text(text: str) -> str:
    text = _ZERO_WIDTH.sub("", text)
    text = _LIGATURES.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    text = _ODD_SPACES.sub(" ", text.replace("\r", " ").replace("\n", " "))
    return " ".join(text.split(" ")) if "  " not in text else re.sub(" {2,}", " ", text)


def page_lines(runs: Sequence[Run], page_width: float) -> list[Line]:
    """The page's lines in reading order: column by column between full-width lines."""
    runs = [r for r in runs if r.text.strip()]
    if not runs:
        return []
    gutter = _gutter(runs, page_width)
    if gutter is None:
        return _lines(runs)
    ordered: list[Line] = []
    band: list[Run] = []
    for run in sorted(runs, key=lambda r: -r.top):
        if run.left < gutter < run.right:  # spans both columns: a headline, a footer
            ordered.extend(_band_lines(band, gutter))
            band = []
            ordered.extend(_lines([run]))
        else:
            band.append(run)
    ordered.extend(_band_lines(band, gutter))
    return ordered


def _band_lines(runs: Sequence[Run], gutter: float) -> list[Line]:
    left = [r for r in runs if r.right <= gutter]
    right = [r for r in runs if r.left >= gutter]
    return _lines(left) + _lines(right)


def _gutter(runs: Sequence[Run], page_width: float) -> float | None:
    """The middle of the widest vertical strip no narrow run crosses, if there is text on both
    sides of it on enough lines to call the page two columns."""
    narrow = [r for r in runs if r.right - r.left < 0.6 * page_width]
    if len(narrow) < 6:
        return None
    spans = sorted((r.left, r.right) for r in narrow)
    lo, hi = spans[0][0], max(r for _, r in spans)
    best: tuple[float, float] | None = None
    reach = spans[0][1]
    for left, right in spans[1:]:
        if left > reach + 8 and (best is None or left - reach > best[1] - best[0]):
            best = (reach, left)
        reach = max(reach, right)
    if best is None:
        return None
    gutter = (best[0] + best[1]) / 2
    if not lo + 0.2 * (hi - lo) < gutter < hi - 0.2 * (hi - lo):
        return None
    left_count = sum(1 for r in narrow if r.right <= gutter)
    right_count = len(narrow) - left_count
    return gutter if min(left_count, right_count) >= 3 else None


def _lines(runs: Sequence[Run]) -> list[Line]:
    """Runs that share a baseline, left to right, make a line; lines top to bottom."""
    lines: list[Line] = []
    for run in sorted(runs, key=lambda r: (-r.top, r.left)):
        height = max(run.top - run.bottom, 1.0)
        for line in reversed(lines[-3:]):
            middle = (run.top + run.bottom) / 2
            if line.bottom - 0.2 * height <= middle <= line.top + 0.2 * height and (
                run.left >= line.right - 0.5 * height or run.right <= line.left
            ):
                _join_run(line, run, height)
                break
        else:
            lines.append(Line(run.left, run.bottom, run.right, run.top, clean_run_text(run.text)))
    for line in lines:
        line.text = line.text.strip()
    lines.sort(key=lambda line: -line.top)
    return lines


def _join_run(line: Line, run: Run, height: float) -> None:
    text = clean_run_text(run.text)
    if run.right <= line.left:  # came out of order: it goes first
        line.text = text + " " + line.text
        line.left = run.left
    else:
        gap = run.left - line.right
        glue = "" if gap < 0.12 * height or line.text.endswith(" ") or text.startswith(" ") else " "
        line.text = line.text + glue + text
        line.right = max(line.right, run.right)
    line.bottom, line.top = min(line.bottom, run.bottom), max(line.top, run.top)


def drop_running_heads(pages: list[list[Line]], heights: Sequence[float]) -> list[list[Line]]:
    """Drop, in the top and bottom tenth of a page, page numbers and lines that repeat (digits
    aside) on at least half of the pages (and two at least): running heads and footers."""

    def key(line: Line) -> str:
        return _DIGITS.sub("#", " ".join(line.text.casefold().split()))

    margins = [_margins(lines, height) for lines, height in zip(pages, heights, strict=True)]
    counts: Counter[str] = Counter()
    for found in margins:
        counts.update({key(line) for line in found})
    repeated = {k for k, n in counts.items() if n >= 2 and n >= len(pages) / 2}
    kept = []
    for lines, found in zip(pages, margins, strict=True):
        drop = {
            id(line)
            for line in found
            if key(line) in repeated or _PAGE_NUMBER.match(line.text.strip())
        }
        kept.append([line for line in lines if id(line) not in drop])
    return kept


def _margins(lines: Sequence[Line], height: float) -> list[Line]:
    """The first and last lines of a page, if they lie in its top or bottom tenth."""
    by_height = sorted(lines, key=lambda line: -line.top)
    top = [line for line in by_height[:_MARGIN_LINES] if line.bottom > 0.9 * height]
    bottom = [line for line in by_height[-_MARGIN_LINES:] if line.top < 0.1 * height]
    return top + [line for line in bottom if line not in top]


def paragraphs(pages: Sequence[Sequence[Line]]) -> list[str]:
    """Lines -> paragraphs, across pages: a paragraph cut by a page break is joined again."""
    result: list[str] = []
    open_paragraph = False  # the last paragraph may go on on the next page
    for lines in pages:
        if not lines:
            continue
        heights = [line.height for line in lines]
        typical = statistics.median(heights)
        left_margin = min(line.left for line in lines)
        width = max(line.right for line in lines) - left_margin
        previous: Line | None = None
        for line in lines:
            if previous is None:
                starts = not (open_paragraph and _continues(result[-1], line.text))
            else:
                starts = _starts_paragraph(previous, line, typical, width)
            if starts or not result:
                result.append(line.text)
            else:
                result[-1] = _join(result[-1], line.text)
            previous = line
        open_paragraph = previous is not None and not previous.text.endswith(_SENTENCE_END)
    return [p for p in result if p]


def _continues(paragraph: str, text: str) -> bool:
    return not paragraph.endswith(_SENTENCE_END) and text[:1].islower()


def _starts_paragraph(previous: Line, line: Line, typical: float, width: float) -> bool:
    gap = previous.bottom - line.top
    if gap > 0.7 * typical or gap < -0.5 * typical:
        return True  # a blank line's worth of space, or a jump back up (a new column)
    if abs(line.height - previous.height) > 0.25 * max(previous.height, line.height):
        return True  # type of another size: a headline, a caption
    if line.left - previous.left > 1.2 * typical and line.right - line.left < width:
        return True  # a first-line indent
    short = previous.right - previous.left < 0.8 * width
    if short and (
        previous.text.endswith(_SENTENCE_END) or previous.right - previous.left < 0.5 * width
    ):
        return not (previous.text.endswith(_HYPHENS) and line.text[:1].islower())
    return False


def _join(paragraph: str, text: str) -> str:
    """The next line of a paragraph; a word hyphenated at the line end is made whole."""
    if paragraph.endswith("\u00ad"):
        return paragraph[:-1] + text
    if (
        paragraph.endswith(_HYPHENS)
        and len(paragraph) > 1
        and paragraph[-2].isalpha()
        and text[:1].islower()
    ):
        return paragraph[:-1] + text
    return paragraph + " " + text
