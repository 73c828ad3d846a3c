"""Paints one sentence as running text: colour bar, wrapped text, code chips, memo mark.

Chips live in a right-hand column whose width fits the chips actually shown in the article (within
CHIP_MIN..CHIP_MAX_SHARE of the width); the text takes the rest. A label change re-lays out the
rows only when that column width changes (once) or a row's chips wrap onto another line; text
heights are cached per text width and keyed by the text itself (sentence ids start at 1 in every
project, and a split or merge keeps an id for a new text: an id would hand out another's height).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QRect,
    QRectF,
    QSize,
    Qt,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QPainter,
    QPalette,
    QPen,
    QTextCharFormat,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolTip,
)

from annotator.records import CodeRecord
from ui import icons
from ui.sentence_model import (
    CODER_NAMES_ROLE,
    LAYOUT_ROLE,
    MEMO_ROLE,
    OTHER_CODES_ROLE,
    OWN_CODES_ROLE,
    PARAGRAPH_ROLE,
    PARTIAL_NOTE,
    PARTIAL_ROLE,
    SentenceModel,
)

Index = QModelIndex | QPersistentModelIndex

BAR_X = 4
BAR_W = 4
TEXT_LEFT = 16
PAD_V = 5
PARAGRAPH_GAP = 12
CHIP_MIN = 120  # the chip column never gets narrower (room for one code name)
CHIP_MAX_SHARE = 0.4  # ... nor wider than this share of the view: the text comes first
GUTTER_GAP = 12
RIGHT_PAD = 6
MEMO_W = 16
CHIP_PAD = 6
CHIP_GAP = 4
CHIP_LINE_GAP = 3
CHIP_FONT_SCALE = 0.82
HIGHLIGHT = "#ffd54f"  # find matches
_WRAP = int(Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)


@dataclass(frozen=True)
class Chip:
    """One chip as laid out: where, what it says, and what its tooltip says."""

    rect: QRectF
    text: str
    tip: str
    code: CodeRecord
    own: bool


def chip_font(font: QFont) -> QFont:
    f = QFont(font)
    f.setPointSizeF(max(7.0, font.pointSizeF() * CHIP_FONT_SCALE))
    return f


#: leads the chip of a label whose imported selection covered only part of the sentence
PARTIAL_MARK = "◐ "


def chip_label(short: str, code: CodeRecord, own: bool, partial: bool = False) -> str:
    """Own chips say the code; other coders' chips say who as well ("ben · Denial"); a label on
    part of the sentence (from another program's selection) is marked "◐"."""
    text = code.name if own else f"{short} · {code.name}"
    return PARTIAL_MARK + text if partial else text


def contrast_text(color: QColor) -> QColor:
    """Black or white, whichever reads better on color (WCAG relative luminance)."""

    def channel(v: float) -> float:
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    lum = (
        0.2126 * channel(color.redF())
        + 0.7152 * channel(color.greenF())
        + 0.0722 * channel(color.blueF())
    )
    return QColor("#000000") if lum > 0.179 else QColor("#ffffff")


class SentenceDelegate(QStyledItemDelegate):
    def __init__(self, view: QListView) -> None:
        super().__init__(view)
        self._view = view
        self._heights: dict[int, dict[str, int]] = {}  # text width -> text -> height
        self._metrics: tuple[str, QFontMetrics] | None = None
        self._source: SentenceModel | None = None
        self._natural: dict[int, int] = {}  # sentence id -> its chips on one line (+ memo mark)
        self._widest = 0
        self._chip_key = ""  # font the chip widths were measured with
        self._advance: dict[str, int] = {}
        self._needle = ""
        self._pattern: re.Pattern[str] | None = None

    # -- chip column ----------------------------------------------------------------------
    def set_source(self, model: SentenceModel) -> None:
        """The sentence model whose rows' chips size the column (not the filtered proxy)."""
        self._source = model
        self._natural.clear()
        self._chip_key = ""

    def _chip_metrics(self) -> QFontMetrics:
        return QFontMetrics(chip_font(self._view.font()))

    def _ensure_measured(self) -> None:
        if self._chip_key != self._view.font().key():
            self.measure_chips(None)  # which takes the new font's measures

    def _chip_width(self, text: str, fm: QFontMetrics) -> int:
        w = self._advance.get(text)
        if w is None:
            w = self._advance[text] = fm.horizontalAdvance(text) + 2 * CHIP_PAD
        return w

    def _row_natural(self, row: int, fm: QFontMetrics) -> int:
        model = self._source
        assert model is not None
        part = model.partial_keys(row)
        labels = [chip_label("", c, True, ("", c.id) in part) for c in model.own_codes(row)]
        if model.show_others:
            labels += [
                chip_label(s, c, False, (s, c.id) in part) for s, c in model.other_codes(row)
            ]
        width = sum(self._chip_width(t, fm) for t in labels)
        width += CHIP_GAP * max(0, len(labels) - 1)
        if model.has_memo(model.sentence(row).id):
            width += MEMO_W + 4
        return width

    def measure_chips(self, rows: list[int] | None) -> bool:
        """Re-measure the chips of rows (None: every row); True if the column width changed
        for the view as it is now.

        The caller re-lays out the view when this returns True; otherwise only the changed
        rows need repainting (unless their chips now wrap onto another line, see chip_lines).
        """
        model = self._source
        if model is None:
            return False
        view_width = self._view.viewport().width()
        before = self._clamp(view_width)
        fm = self._chip_metrics()
        if self._chip_key != self._view.font().key():
            self._chip_key = self._view.font().key()
            self._advance.clear()
            rows = None
        if rows is None:
            self._natural = {}
            rows = model.labelled_rows() + [
                r for sid in model.memo_sentence_ids() if (r := model.row_of(sid)) is not None
            ]
        for row in rows:
            sid = model.sentence(row).id
            natural = self._row_natural(row, fm)
            if natural:
                self._natural[sid] = natural
            else:
                self._natural.pop(sid, None)
        self._widest = max(self._natural.values(), default=0)
        return self._clamp(view_width) != before

    def _clamp(self, width: int) -> int:
        cap = max(CHIP_MIN, int(width * CHIP_MAX_SHARE))
        return max(CHIP_MIN, min(cap, self._widest))

    def natural_width(self, sentence_id: int) -> int:
        """The sentence's chips (and memo mark) on one line, as last measured."""
        return self._natural.get(sentence_id, 0)

    def chip_column(self, width: int) -> int:
        """Width of the chip column for a view this wide: fits the widest row, within limits."""
        self._ensure_measured()
        return self._clamp(width)

    def _text_width(self, width: int) -> int:
        return max(80, width - TEXT_LEFT - GUTTER_GAP - self.chip_column(width) - RIGHT_PAD)

    def text_width(self) -> int:
        """Where the sentence text wraps in the view as it is now."""
        return self._text_width(self._view.viewport().width())

    # -- geometry -------------------------------------------------------------------------
    def clear_cache(self) -> None:
        """After a font change: heights and chip widths are measured again."""
        self._heights.clear()
        self._chip_key = ""

    def _font_metrics(self, font: QFont) -> QFontMetrics:
        key = font.key()
        if self._metrics is None or self._metrics[0] != key:
            self._metrics = (key, QFontMetrics(font))
            self._heights.clear()
        return self._metrics[1]

    def _text_height(self, text: str, fm: QFontMetrics, text_w: int) -> int:
        per_width = self._heights.get(text_w)
        if per_width is None:
            if len(self._heights) > 6:
                self._heights.clear()
            per_width = self._heights[text_w] = {}
        h = per_width.get(text)
        if h is None:
            h = fm.boundingRect(QRect(0, 0, text_w, 1_000_000), _WRAP, text).height()
            per_width[text] = h
        return h

    def _chips_height(self, index: Index, sid: int, width: int) -> int:
        """Height of the row's chips: one line unless they are wider than the column."""
        natural = self._natural.get(sid, 0)
        column = self.chip_column(width)
        if natural <= column:
            return 0 if natural == 0 else self._chip_h()
        chips = self.chips(index, QRect(0, 0, width, 0))
        if not chips:
            return 0
        return int(max(c.rect.bottom() for c in chips) - min(c.rect.top() for c in chips) + 1)

    def _chip_h(self) -> int:
        return self._chip_metrics().height() + 4

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        width = self._view.viewport().width()
        fm = self._font_metrics(option.font)
        sid, text, paragraph = index.data(LAYOUT_ROLE) or (0, "", False)
        h = max(self._text_height(text, fm, self._text_width(width)), fm.height())
        h = max(h, self._chips_height(index, sid, width))
        gap = PARAGRAPH_GAP if paragraph else 0
        return QSize(width, gap + PAD_V + h + PAD_V)

    def chip_lines(self, index: Index) -> int:
        """How many lines the row's chips take in the view as it is now."""
        chips = self.chips(index, QRect(0, 0, self._view.viewport().width(), 0))
        return len({c.rect.top() for c in chips})

    # -- chips ----------------------------------------------------------------------------
    def chips(self, index: Index, rect: QRect) -> list[Chip]:
        """The row's chips laid out in the chip column of rect, wrapping onto more lines."""
        own: list[CodeRecord] = index.data(OWN_CODES_ROLE) or []
        others: list[tuple[str, CodeRecord]] = index.data(OTHER_CODES_ROLE) or []
        if not own and not others:
            return []
        names: dict[str, str] = index.data(CODER_NAMES_ROLE) or {}
        top = rect.top() + PAD_V
        if index.data(PARAGRAPH_ROLE):
            top += PARAGRAPH_GAP
        right = rect.left() + rect.width() - RIGHT_PAD
        left = right - self.chip_column(rect.width())
        if index.data(MEMO_ROLE):
            right -= MEMO_W + 4
        fm = self._chip_metrics()
        chip_h = fm.height() + 4
        part: set[tuple[str, int]] = index.data(PARTIAL_ROLE) or set()

        def tip(head: str, key: tuple[str, int]) -> str:
            return f"{head} ({PARTIAL_NOTE})" if key in part else head

        items = [
            (
                chip_label("", c, True, ("", c.id) in part),
                tip(f"Your code: {c.name}", ("", c.id)),
                c,
                True,
            )
            for c in own
        ]
        items += [
            (
                chip_label(s, c, False, (s, c.id) in part),
                tip(f"{names.get(s, s)}: {c.name}", (s, c.id)),
                c,
                False,
            )
            for s, c in others
        ]
        out: list[Chip] = []
        x, y = left, top
        for text, tip, code, is_own in items:
            w = self._chip_width(text, fm)
            if x > left and x + w > right:
                x, y = left, y + chip_h + CHIP_LINE_GAP
            if w > right - left:  # a single chip wider than the column: the only elision
                text = fm.elidedText(text, Qt.TextElideMode.ElideRight, right - left - 2 * CHIP_PAD)
                w = right - left
            out.append(Chip(QRectF(x, y, w, chip_h), text, tip, code, is_own))
            x += w + CHIP_GAP
        return out

    def helpEvent(
        self,
        event: QHelpEvent,
        view: QAbstractItemView,
        option: QStyleOptionViewItem,
        index: Index,
    ) -> bool:
        """A chip's tooltip names the coder and the code in full."""
        if event.type() == QEvent.Type.ToolTip and index.isValid():
            for chip in self.chips(index, option.rect):
                if chip.rect.contains(QPointF(event.pos())):
                    QToolTip.showText(event.globalPos(), chip.tip, view)
                    return True
        return super().helpEvent(event, view, option, index)

    # -- find highlight -------------------------------------------------------------------
    def set_highlight(self, text: str) -> None:
        """Mark every occurrence of text (any case) in the sentences; "" clears the marks."""
        needle = text.strip()
        if needle == self._needle:
            return
        self._needle = needle
        self._pattern = re.compile(re.escape(needle), re.IGNORECASE) if needle else None
        self._view.viewport().update()

    def matches(self, text: str) -> list[tuple[int, int]]:
        """(start, length) of each highlighted occurrence in text."""
        if self._pattern is None:
            return []
        return [(m.start(), m.end() - m.start()) for m in self._pattern.finditer(text)]

    def _draw_marked_text(
        self, painter: QPainter, rect: QRect, text: str, font: QFont, found: list[tuple[int, int]]
    ) -> None:
        """Text wrapped as drawText would, with the find matches on a highlight background."""
        layout = QTextLayout(text.replace("\n", "\u2028"), font)
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WordWrap)
        layout.setTextOption(option)
        leading = QFontMetrics(font).leading()
        y = 0.0
        layout.beginLayout()
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(rect.width())
            y += leading
            line.setPosition(QPointF(0, y))
            y += line.height()
        layout.endLayout()
        ranges = []
        for start, length in found:
            fr = QTextLayout.FormatRange()
            fr.start, fr.length = start, length
            fmt = QTextCharFormat()
            fmt.setBackground(QColor(HIGHLIGHT))
            fmt.setForeground(QColor("#000000"))
            fr.format = fmt
            ranges.append(fr)
        layout.draw(painter, QPointF(rect.topLeft()), ranges)

    # -- painting -------------------------------------------------------------------------
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = option.palette
        rect = QRect(option.rect)
        if index.data(PARAGRAPH_ROLE):
            rect.setTop(rect.top() + PARAGRAPH_GAP)
        width = rect.width()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        current = self._view.currentIndex() == index
        hover = bool(option.state & QStyle.StateFlag.State_MouseOver)
        highlight = QColor(pal.color(QPalette.ColorRole.Highlight))

        body = rect.adjusted(1, 0, -1, 0)
        if selected or current or hover:
            fill = QColor(highlight)
            fill.setAlpha(70 if selected else (28 if current else 14))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(fill)
            painter.drawRoundedRect(QRectF(body), 4, 4)
        if current:
            pen = QPen(highlight)
            pen.setWidthF(1.6)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(QRectF(body).adjusted(0.8, 0.8, -0.8, -0.8), 4, 4)

        own: list[CodeRecord] = index.data(OWN_CODES_ROLE) or []

        # colour bar: one segment per own code
        if own:
            bar_top = rect.top() + 3
            bar_h = rect.height() - 6
            seg = bar_h / len(own)
            painter.setPen(Qt.PenStyle.NoPen)
            for i, code in enumerate(own):
                painter.setBrush(QColor(code.color or "#888888"))
                painter.drawRoundedRect(
                    QRectF(rect.left() + BAR_X, bar_top + i * seg, BAR_W, seg - 1), 2, 2
                )

        # text
        font = option.font
        painter.setFont(font)
        painter.setPen(pal.color(QPalette.ColorRole.Text))
        text_w = self._text_width(width)
        text_rect = QRect(
            rect.left() + TEXT_LEFT, rect.top() + PAD_V, text_w, rect.height() - 2 * PAD_V
        )
        text = index.data(Qt.ItemDataRole.DisplayRole) or ""
        found = self.matches(text)
        if found:
            self._draw_marked_text(painter, text_rect, text, font, found)
        else:
            painter.drawText(text_rect, _WRAP, text)

        # chip column: chips (wrapping onto more lines), then the memo mark at the far right
        line_h = self._font_metrics(font).height()
        if index.data(MEMO_ROLE):
            pix = icons.icon("memo_mark").pixmap(14, 14)
            right = rect.left() + width - RIGHT_PAD
            painter.drawPixmap(right - 14, rect.top() + PAD_V + (line_h - 14) // 2, pix)
        chips = self.chips(index, option.rect)
        if chips:
            self._paint_chips(painter, option, chips, line_h)
        painter.restore()

    def _paint_chips(
        self, painter: QPainter, option: QStyleOptionViewItem, chips: list[Chip], line_h: int
    ) -> None:
        painter.setFont(chip_font(option.font))
        chip_h = chips[0].rect.height()
        dy = max(0, (line_h - chip_h) // 2)  # centre the first line on the text's first line
        for chip in chips:
            r = chip.rect.translated(0, dy)
            color = QColor(chip.code.color or "#888888")
            if chip.own:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(color)
                painter.drawRoundedRect(r, chip_h / 2, chip_h / 2)
                painter.setPen(contrast_text(color))
            else:
                pen = QPen(color)
                pen.setWidthF(1.4)
                painter.setPen(pen)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRoundedRect(r.adjusted(0.7, 0.7, -0.7, -0.7), chip_h / 2, chip_h / 2)
                painter.setPen(option.palette.color(QPalette.ColorRole.Text))
            painter.drawText(r, int(Qt.AlignmentFlag.AlignCenter), chip.text)
