"""Paints one sentence as running text: colour bar, wrapped text, code chips, memo mark.

Row heights depend only on the text, the width and the font (chips live in a right-hand gutter),
so a label change never forces a relayout. Heights are cached per width.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QPen
from PySide6.QtWidgets import QListView, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from annotator.records import CodeRecord
from ui import icons
from ui.sentence_model import (
    LAYOUT_ROLE,
    MEMO_ROLE,
    OTHER_CODES_ROLE,
    OWN_CODES_ROLE,
    PARAGRAPH_ROLE,
)

Index = QModelIndex | QPersistentModelIndex

BAR_X = 4
BAR_W = 4
TEXT_LEFT = 16
PAD_V = 5
PARAGRAPH_GAP = 12
GUTTER_MIN = 110
GUTTER_MAX = 210
GUTTER_GAP = 10
MEMO_W = 16
_WRAP = int(Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)


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
        self._heights: dict[int, dict[int, int]] = {}  # text width -> sentence id -> height
        self._metrics: tuple[str, QFontMetrics] | None = None

    # -- geometry -------------------------------------------------------------------------
    def clear_cache(self) -> None:
        self._heights.clear()

    def _gutter(self, width: int) -> int:
        return max(GUTTER_MIN, min(GUTTER_MAX, int(width * 0.26)))

    def _text_width(self, width: int) -> int:
        return max(80, width - TEXT_LEFT - GUTTER_GAP - self._gutter(width) - 4)

    def _font_metrics(self, font: QFont) -> QFontMetrics:
        key = font.key()
        if self._metrics is None or self._metrics[0] != key:
            self._metrics = (key, QFontMetrics(font))
            self._heights.clear()
        return self._metrics[1]

    def _text_height(self, sid: int, text: str, fm: QFontMetrics, text_w: int) -> int:
        per_width = self._heights.get(text_w)
        if per_width is None:
            if len(self._heights) > 6:
                self._heights.clear()
            per_width = self._heights[text_w] = {}
        h = per_width.get(sid)
        if h is None:
            h = fm.boundingRect(QRect(0, 0, text_w, 1_000_000), _WRAP, text).height()
            per_width[sid] = h
        return h

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        width = self._view.viewport().width()
        fm = self._font_metrics(option.font)
        sid, text, paragraph = index.data(LAYOUT_ROLE) or (0, "", False)
        h = max(self._text_height(sid, text, fm, self._text_width(width)), fm.height())
        gap = PARAGRAPH_GAP if paragraph else 0
        return QSize(width, gap + PAD_V + h + PAD_V)

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
        others: list[tuple[str, CodeRecord]] = index.data(OTHER_CODES_ROLE) or []

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
        painter.drawText(text_rect, _WRAP, index.data(Qt.ItemDataRole.DisplayRole) or "")

        # gutter: chips, then the memo mark at the far right
        gutter_right = rect.right() - 4
        gutter_left = gutter_right - self._gutter(width)
        line_h = self._font_metrics(font).height()
        has_memo = bool(index.data(MEMO_ROLE))
        chips_right = gutter_right - (MEMO_W + 4 if has_memo else 0)
        if has_memo:
            pix = icons.icon("memo_mark").pixmap(14, 14)
            painter.drawPixmap(gutter_right - 14, rect.top() + PAD_V + (line_h - 14) // 2, pix)
        if own or others:
            self._paint_chips(
                painter, option, own, others, gutter_left, chips_right, rect.top() + PAD_V, line_h
            )
        painter.restore()

    def _paint_chips(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        own: list[CodeRecord],
        others: list[tuple[str, CodeRecord]],
        left: int,
        right: int,
        top: int,
        line_h: int,
    ) -> None:
        chip_font = QFont(option.font)
        chip_font.setPointSizeF(max(7.0, option.font.pointSizeF() * 0.82))
        fm = QFontMetrics(chip_font)
        chip_h = fm.height() + 4
        y = top + max(0, (line_h - chip_h) // 2)
        items: list[tuple[str, str, CodeRecord, bool]] = [("", c.name, c, True) for c in own]
        items += [(f"{ini} · ", c.name, c, False) for ini, c in others]
        pad = 6
        gap = 4
        available = right - left
        full = sum(fm.horizontalAdvance(p + n) + 2 * pad + gap for p, n, _c, _o in items)
        if full > available and items:
            # elide the code names evenly so every chip stays readable
            share = (available - len(items) * (2 * pad + gap)) // len(items)
            items = [
                (
                    p,
                    fm.elidedText(
                        n,
                        Qt.TextElideMode.ElideRight,
                        max(fm.horizontalAdvance("Mm…"), share - fm.horizontalAdvance(p)),
                    ),
                    c,
                    o,
                )
                for p, n, c, o in items
            ]
        painter.setFont(chip_font)
        x = left
        for i, (prefix, name, code, is_own) in enumerate(items):
            text = prefix + name
            w = fm.horizontalAdvance(text) + 2 * pad
            if x + w > right:
                rest = f"+{len(items) - i}"
                painter.setPen(option.palette.color(QPalette.ColorRole.PlaceholderText))
                painter.drawText(
                    QRect(x, y, right - x + 20, chip_h), int(Qt.AlignmentFlag.AlignVCenter), rest
                )
                break
            chip = QRectF(x, y, w, chip_h)
            color = QColor(code.color or "#888888")
            if is_own:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(color)
                painter.drawRoundedRect(chip, chip_h / 2, chip_h / 2)
                painter.setPen(contrast_text(color))
            else:
                pen = QPen(color)
                pen.setWidthF(1.4)
                painter.setPen(pen)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRoundedRect(chip.adjusted(0.7, 0.7, -0.7, -0.7), chip_h / 2, chip_h / 2)
                painter.setPen(option.palette.color(QPalette.ColorRole.Text))
            painter.drawText(chip, int(Qt.AlignmentFlag.AlignCenter), text)
            x += w + gap
