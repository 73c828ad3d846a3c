"""Positioned text runs of PDF pages -> paragraphs in reading order.

A PDF holds no paragraphs, only runs of text at positions. This module rebuilds what a reader
sees: runs on one baseline make a line; a gutter that no run crosses splits a page into columns,
read one after the other; lines make a paragraph until a gap, a change of type size, an indent
or a short line ending a sentence; a word hyphenated at a line end is joined ("nego-" +
"tiations"); lines that repeat at the top or bottom of most pages (running headers, footers,
page numbers) are dropped; ligatures and odd spaces are normalised. See docs/pdf-extraction.md.
"""

from __future__ import annotations

import itertools
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
    column: int = 0  # 0: the page's only column, or a line across both; 1 left, 2 right

    @property
    def height(self) -> float:
        return self.top - self.bottom


_ODD_SPACES = re.compile("[\t\u2000-\u200a\u202f\u205f\u3000]+")
_LIGATURES = re.compile("[\ufb00-\ufb06]")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
# PDFium marks a hyphen it takes for a word broken at the line end with U+0002 (U+FFFE in
# whole-page text): it becomes a soft hyphen, which joining the lines removes.
_LINE_END_HYPHEN = re.compile("[\x02\ufffe]")
_PAGE_NUMBER = re.compile(
    r"^(?:[-–—]\s*)?(?:(?:page|seite|p\.|s\.)\s*)?\d{1,4}(?:\s*(?:of|von|/|de|sur)\s*\d{1,4})?"
    r"(?:\s*[-–—])?$|^\d{1,4}\s*\|.*|.*\|\s*\d{1,4}$",
    re.IGNORECASE,
)
_SENTENCE_END = tuple('.!?:;"”’»)')
_HYPHENS = ("-", "\u00ad", "\u2010")
_MARGIN_LINES = 2  # lines at the top and at the bottom of a page that may be running heads
_DIGITS = re.compile(r"(?<!\d)\d{1,4}(?!\d)")  # page numbers, dates; not an article's id


_PLAIN = re.compile(r"[ -~]*")  # printable ASCII: nothing to normalise


def clean_run_text(text: str) -> str:
    if _PLAIN.fullmatch(text) and "  " not in text:
        return text
    text = _LINE_END_HYPHEN.sub("\u00ad", _ZERO_WIDTH.sub("", text))
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
    left = _lines([r for r in runs if r.right <= gutter])
    right = _lines([r for r in runs if r.left >= gutter])
    for line in left:
        line.column = 1
    for line in right:
        line.column = 2
    return left + right


def _gutter(runs: Sequence[Run], page_width: float) -> float | None:
    """Where a page of two columns divides: the x in the middle half of the text that the fewest
    runs cross (a headline or an author line across both columns may), with text on both sides
    of it side by side on several lines."""
    narrow = [r for r in runs if r.right - r.left < 0.6 * page_width]
    if len(narrow) < 6:
        return None
    lo = min(r.left for r in runs)
    hi = max(r.right for r in runs)
    if sum(1 for r in narrow if r.left > lo + 0.3 * (hi - lo)) < 3:
        return None  # nothing starts right of the middle: one column (the usual page)
    best: tuple[int, float] | None = None
    for step in range(26, 75, 2):
        x = lo + (hi - lo) * step / 100
        crossing = sum(1 for r in runs if r.left < x < r.right)
        if best is None or crossing < best[0]:
            best = (crossing, x)
    if best is None or best[0] > max(2, 0.15 * len(runs)):
        return None
    gutter = best[1]
    left = [r for r in narrow if r.right <= gutter]
    right = [r for r in narrow if r.left >= gutter]
    side_by_side = sum(1 for r in left if any(o.bottom < r.top and r.bottom < o.top for o in right))
    return gutter if side_by_side >= 3 else None


def _lines(runs: Sequence[Run]) -> list[Line]:
    """Runs that share a baseline make a line, left to right; lines top to bottom. Some writers
    (Qt) place every glyph on its own, so runs are grouped before they are ordered."""
    groups: list[tuple[float, float, list[Run]]] = []  # bottom, top, runs
    for run in sorted(runs, key=lambda r: -(r.top + r.bottom)):
        middle = (run.top + run.bottom) / 2
        for index in range(len(groups) - 1, max(len(groups) - 4, -1), -1):
            bottom, top, members = groups[index]
            slack = 0.25 * (top - bottom)
            if bottom - slack <= middle <= top + slack:
                members.append(run)
                groups[index] = (min(bottom, run.bottom), max(top, run.top), members)
                break
        else:
            groups.append((run.bottom, run.top, [run]))
    lines = [_line(sorted(members, key=lambda r: r.left)) for _, _, members in groups]
    lines.sort(key=lambda line: -line.top)
    return lines


def _line(runs: Sequence[Run]) -> Line:
    first = runs[0]
    if len(runs) == 1:
        text = clean_run_text(first.text)
        return Line(first.left, first.bottom, first.right, first.top, text.strip())
    text = clean_run_text(first.text)
    right = first.right
    # A word space is about half a character's advance; glyphs of a word are closer.
    advance = (max(r.right for r in runs) - first.left) / max(sum(len(r.text) for r in runs), 1)
    for run in runs[1:]:
        piece = clean_run_text(run.text)
        gap = run.left - right
        glue = "" if gap < 0.35 * advance or text.endswith(" ") or piece.startswith(" ") else " "
        text += glue + piece
        right = max(right, run.right)
    return Line(
        first.left,
        min(r.bottom for r in runs),
        right,
        max(r.top for r in runs),
        re.sub(" {2,}", " ", text).strip(),
    )


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
    # A page of one column is as wide as the widest of the document's (a short last page is
    # not narrower for being short).
    single = _column_widths([line for lines in pages for line in lines if line.column == 0])
    for lines in pages:
        if not lines:
            continue
        typical = statistics.median(line.height for line in lines)
        pitches = [
            a.bottom - b.bottom
            for a, b in itertools.pairwise(lines)
            if a.column == b.column and 0 < a.bottom - b.bottom < 3 * typical
        ]
        # The line pitch is the smallest step between lines of a column: a page of one-line
        # paragraphs has only the (larger) steps between paragraphs.
        pitch = min((p for p in pitches if p >= 0.8 * typical), default=1.5 * typical)
        widths = {**_column_widths(lines), **single}
        margins = _local_margins(lines, typical)
        previous: Line | None = None
        for index, line in enumerate(lines):
            if previous is None:
                starts = not (open_paragraph and _continues(result[-1], line.text))
            else:
                starts = _starts_paragraph(
                    previous, line, typical, pitch, widths, margins[index - 1]
                )
            if starts or not result:
                result.append(line.text)
            else:
                result[-1] = _join(result[-1], line.text)
            previous = line
        open_paragraph = previous is not None and not previous.text.endswith(_SENTENCE_END)
    return [p.replace("\u00ad", "") for p in result if p]


def _local_margins(lines: Sequence[Line], typical: float) -> list[float | None]:
    """For each line, the right edge its neighbours share, if at least three of them end
    within a point or two of each other (justified or full lines): an indented block (an
    abstract, a quotation) is narrower than its column. None where there is no such edge."""
    margins: list[float | None] = []
    for index, line in enumerate(lines):
        near = sorted(
            (
                other.right
                for other in lines[max(0, index - 3) : index + 4]
                if other.column == line.column and abs(other.left - line.left) < 2 * typical
            ),
            reverse=True,
        )
        margin = None
        for first, third in zip(near, near[2:], strict=False):
            if first - third <= 0.2 * typical:
                margin = first
                break
        margins.append(margin)
    return margins


def _column_widths(lines: Sequence[Line]) -> dict[int, tuple[float, float]]:
    """Each column's left edge and width, from its lines of body type: a headline in larger
    type may be wider than the column."""
    if not lines:
        return {}
    typical = statistics.median(line.height for line in lines)
    extents: dict[int, tuple[float, float]] = {}
    for line in lines:
        left, right = extents.get(line.column, (line.left, line.left))
        body = abs(line.height - typical) <= 0.15 * typical
        extents[line.column] = (min(left, line.left), max(right, line.right) if body else right)
    return {column: (left, right - left) for column, (left, right) in extents.items()}


def _continues(paragraph: str, text: str) -> bool:
    return not paragraph.endswith(_SENTENCE_END) and text[:1].islower()


def _starts_paragraph(
    previous: Line,
    line: Line,
    typical: float,
    pitch: float,
    widths: dict[int, tuple[float, float]],
    margin: float | None = None,
) -> bool:
    if line.column != previous.column:
        return (
            not (previous.text.endswith(_HYPHENS) or not previous.text.endswith(_SENTENCE_END))
            or not line.text[:1].islower()
        )
    step = previous.bottom - line.bottom
    # Larger type has a larger pitch: a two-line headline is not two paragraphs.
    if step > 1.3 * pitch * max(1.0, previous.height / typical) or step < -0.5 * typical:
        return True  # a blank line's worth of space, or a jump back up
    if abs(line.height - previous.height) > 0.1 * max(previous.height, line.height):
        return True  # type of another size (line heights come from the font): a headline
    left, width = widths[line.column]
    if line.left - previous.left > 1.2 * typical:
        return True  # a first-line indent
    # A line that ends where the next line's first word would still have fitted ends on
    # purpose: a paragraph's last line, a headline, a label. A wrapped line ends short only
    # by as much as the next word needs.
    first_word = line.text.split(" ", 1)[0]
    per_char = (line.right - line.left) / max(len(line.text), 1)
    right = left + width if margin is None else min(left + width, margin)
    room = right - previous.right
    if room > (len(first_word) + 1.5) * per_char:
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
