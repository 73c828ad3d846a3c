"""The centre pane: article header, sentence filter, sentence list and (when open) find bar."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import (
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from annotator.records import ArticleRecord, ProjectCodebook, Status
from ui.sentence_delegate import SentenceDelegate
from ui.sentence_model import SENTENCE_ID_ROLE, SentenceFilterProxy, SentenceModel

SF = QItemSelectionModel.SelectionFlag
TITLE_SCALE = 1.35


class SentenceView(QListView):
    """A plain QListView set up for thousands of variable-height rows (batched layout)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sentenceView")
        self.setViewMode(QListView.ViewMode.ListMode)
        self.setFlow(QListView.Flow.TopToBottom)
        self.setWrapping(False)
        self.setUniformItemSizes(False)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(150)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMouseTracking(True)
        self.setSpacing(0)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setTabKeyNavigation(False)
        self.delegate = SentenceDelegate(self)
        self.setItemDelegate(self.delegate)

    def sizeHint(self) -> QSize:
        return QSize(560, 400)

    def dataChanged(
        self,
        top_left: QModelIndex | QPersistentModelIndex,
        bottom_right: QModelIndex | QPersistentModelIndex,
        roles: Sequence[int] = (),
    ) -> None:
        """Repaint changed rows without QListView's relayout of every row (Qt 6 does one per
        change). Row heights depend on the text and the chip column; ArticlePanel re-lays out
        when that column or a row's chip lines change."""
        QAbstractItemView.dataChanged(self, top_left, bottom_right, list(roles))


class ArticlePanel(QWidget):
    """Shows one article; emits current_sentence_changed(sentence id or 0)."""

    current_sentence_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = SentenceModel(self)
        self.proxy = SentenceFilterProxy(self)
        self.proxy.setSourceModel(self.model)

        self.title_label = QLabel(self)
        self.title_label.setObjectName("articleTitle")
        self.title_label.setWordWrap(True)
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._style_title()
        self.meta_label = QLabel(self)
        self.meta_label.setObjectName("articleMeta")
        self.meta_label.setEnabled(False)  # muted colour from the palette
        self.meta_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        self.filter_combo = QComboBox(self)
        self.filter_combo.setToolTip("Show all sentences, only uncoded ones, or one code")
        self.filter_combo.currentIndexChanged.connect(self._filter_changed)
        filter_label = QLabel("Show:", self)

        self.view = SentenceView(self)
        self.view.delegate.set_source(self.model)
        self.model.modelReset.connect(lambda: self.view.delegate.measure_chips(None))
        self.model.dataChanged.connect(self._sentences_changed)
        # Connected before the view gets the proxy, so this runs before the selection model moves
        # the current index to the row *above* a row the filter drops (Qt's default).
        self.proxy.rowsAboutToBeRemoved.connect(self._rows_about_to_be_removed)
        self.view.setModel(self.proxy)
        self.proxy.rowsRemoved.connect(self._rows_removed)  # after the view's own handlers
        self.view.selectionModel().currentChanged.connect(self._current_changed)
        self._refiltering = False
        self._restore_row: int | None = None

        header = QVBoxLayout()
        header.setContentsMargins(14, 10, 14, 4)
        header.setSpacing(2)
        header.addWidget(self.title_label)
        row = QHBoxLayout()
        row.addWidget(self.meta_label, 1)
        row.addWidget(filter_label)
        row.addWidget(self.filter_combo)
        header.addLayout(row)
        line = QFrame(self)
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)

        self.bottom = QVBoxLayout()
        self.bottom.setContentsMargins(0, 0, 0, 0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(header)
        layout.addWidget(line)
        layout.addWidget(self.view, 1)
        layout.addLayout(self.bottom)
        self._pending_scroll: int | None = None
        self._scroll_tries = 0
        self.set_codebook(None)

    # -- header and filter ----------------------------------------------------------------
    def _style_title(self) -> None:
        """The title a third larger than the panel's text, so it follows the window's zoom."""
        tf = QFont(self.font())
        tf.setPointSizeF(tf.pointSizeF() * TITLE_SCALE)
        tf.setWeight(QFont.Weight.DemiBold)
        self.title_label.setFont(tf)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._style_title()
        super().changeEvent(event)

    def set_header(self, article: ArticleRecord | None, status: Status | None = None) -> None:
        if article is None:
            self.title_label.setText("No article")
            self.meta_label.setText(
                "Import articles with File › Import articles… or drop files here"
            )
            return
        self.title_label.setText(article.title or "(untitled)")
        parts = [p for p in (article.source, article.date) if p]
        n = self.model.rowCount()
        parts.append(f"{n} sentence{'s' if n != 1 else ''}")
        if status is not None:
            parts.append(status.label)
        self.meta_label.setText("  ·  ".join(parts))

    def set_codebook(self, codebook: ProjectCodebook | None) -> None:
        keep = self.proxy.mode
        self.filter_combo.blockSignals(True)
        self.filter_combo.clear()
        self.filter_combo.addItem("All sentences", None)
        self.filter_combo.addItem("Uncoded", SentenceFilterProxy.UNCODED)
        if codebook is not None:
            for code in codebook.codes:
                self.filter_combo.addItem(code.name, code.id)
        i = self.filter_combo.findData(keep)
        self.filter_combo.setCurrentIndex(max(0, i))
        self.filter_combo.blockSignals(False)
        self._filter_changed(self.filter_combo.currentIndex())

    def set_filter(self, mode: int | None) -> None:
        i = self.filter_combo.findData(mode)
        self.filter_combo.setCurrentIndex(max(0, i))

    def _filter_changed(self, _i: int) -> None:
        sid = self.current_sentence_id()
        src_row = self.model.row_of(sid) if sid is not None else None
        self._refiltering = True
        try:
            self.proxy.set_mode(self.filter_combo.currentData())
        finally:
            self._refiltering = False
        if sid is not None and self.proxy_row(sid) is not None:
            self.select_sentence(sid)
        elif src_row is not None and self.proxy.rowCount():
            # the current sentence is filtered out: go on from where it was, not back to the top
            self.select_row(self._first_proxy_row_at_or_after(src_row))

    def _first_proxy_row_at_or_after(self, source_row: int) -> int:
        """The first shown row at or below source_row (the last shown row if none is)."""
        lo, hi = 0, self.proxy.rowCount()
        while lo < hi:  # proxy rows keep article order, so bisect on their source rows
            mid = (lo + hi) // 2
            if self.proxy.mapToSource(self.proxy.index(mid, 0)).row() < source_row:
                lo = mid + 1
            else:
                hi = mid
        return min(lo, self.proxy.rowCount() - 1)

    # -- chips: re-lay out only when the chip column (or a wrapping row) changes ----------
    def _sentences_changed(self, top: QModelIndex, bottom: QModelIndex) -> None:
        delegate = self.view.delegate
        if top.row() == 0 and bottom.row() == self.model.rowCount() - 1 and bottom.row() > 0:
            delegate.measure_chips(None)  # shown coders or codebook changed: rare, re-lay out
            self.view.scheduleDelayedItemsLayout()
            return
        rows = list(range(top.row(), bottom.row() + 1))
        column = delegate.chip_column(self.view.viewport().width())

        def wraps() -> bool:
            return any(delegate.natural_width(self.model.sentence(r).id) > column for r in rows)

        wrapped_before = wraps()
        if delegate.measure_chips(rows):
            self.view.scheduleDelayedItemsLayout()  # the column width changed: once, all rows
        elif wrapped_before or wraps():
            self.view.scheduleDelayedItemsLayout()  # a row's chips take more or fewer lines

    # -- keeping the place when the filter drops the current row ---------------------------
    def _rows_about_to_be_removed(self, parent: QModelIndex, start: int, end: int) -> None:
        """Coding a sentence under "Uncoded" drops it: remember its row to stay there."""
        if self._refiltering or parent.isValid():
            return
        cur = self.view.currentIndex()
        if cur.isValid() and start <= cur.row() <= end:
            self._restore_row = start

    def _rows_removed(self, parent: QModelIndex, _start: int, _end: int) -> None:
        row = self._restore_row
        if row is None or parent.isValid():
            return
        n = self.proxy.rowCount()
        if n == 0:
            self._restore_row = None
            self.current_sentence_changed.emit(0)
            return
        # the sentence that took the removed one's place, so a coder keeps going down the page
        self.select_row(min(row, n - 1))
        self._restore_row = None
        self.current_sentence_changed.emit(self.current_sentence_id() or 0)

    # -- sentences ------------------------------------------------------------------------
    def proxy_row(self, sentence_id: int) -> int | None:
        row = self.model.row_of(sentence_id)
        if row is None:
            return None
        idx = self.proxy.mapFromSource(self.model.index(row, 0))
        return idx.row() if idx.isValid() else None

    def current_sentence_id(self) -> int | None:
        idx = self.view.currentIndex()
        return int(idx.data(SENTENCE_ID_ROLE)) if idx.isValid() else None

    def selected_sentence_ids(self) -> list[int]:
        """Selected sentences in article order; the current one when nothing is selected."""
        rows = sorted(
            self.proxy.mapToSource(i).row() for i in self.view.selectionModel().selectedRows()
        )
        if not rows:
            cur = self.view.currentIndex()
            if cur.isValid():
                rows = [self.proxy.mapToSource(cur).row()]
        return [self.model.sentence(r).id for r in rows]

    def select_sentence(self, sentence_id: int) -> bool:
        """Make the sentence current and selected, showing every sentence if a filter hides it."""
        if self.model.row_of(sentence_id) is None:
            return False
        row = self.proxy_row(sentence_id)
        if row is None:
            self.set_filter(None)
            row = self.proxy_row(sentence_id)
            if row is None:
                return False
        self.select_row(row)
        return True

    def select_row(self, row: int) -> None:
        idx = self.proxy.index(row, 0)
        if not idx.isValid():
            return
        self.view.selectionModel().setCurrentIndex(idx, SF.ClearAndSelect)
        self._scroll_to(row)

    def step_sentence(self, step: int) -> None:
        n = self.proxy.rowCount()
        if n == 0:
            return
        cur = self.view.currentIndex()
        row = 0 if not cur.isValid() else max(0, min(n - 1, cur.row() + step))
        self.select_row(row)

    def next_uncoded(self) -> bool:
        """Select the next sentence the coder has not coded (wrapping to the top)."""
        n = self.proxy.rowCount()
        if n == 0:
            return False
        cur = self.view.currentIndex()
        start = cur.row() + 1 if cur.isValid() else 0
        for k in range(n):
            r = (start + k) % n
            src = self.proxy.mapToSource(self.proxy.index(r, 0)).row()
            if not self.model.is_coded(src) and (cur.row() != r or not cur.isValid()):
                self.select_row(r)
                return True
        return False

    def find_text(self, text: str, forward: bool = True) -> tuple[int, int]:
        """Select the next (or previous) sentence containing text: (match number, matches).

        Every occurrence in the shown sentences is highlighted until clear_highlight().
        """
        self.view.delegate.set_highlight(text)
        needle = text.casefold().strip()
        n = self.proxy.rowCount()
        if not needle or n == 0:
            return 0, 0
        matches = [
            r
            for r in range(n)
            if needle
            in self.model.sentence(
                self.proxy.mapToSource(self.proxy.index(r, 0)).row()
            ).text.casefold()
        ]
        if not matches:
            return 0, 0
        cur = self.view.currentIndex().row() if self.view.currentIndex().isValid() else -1
        if forward:
            after = [r for r in matches if r > cur]
            target = after[0] if after else matches[0]
        else:
            before = [r for r in matches if r < cur]
            target = before[-1] if before else matches[-1]
        self.select_row(target)
        return matches.index(target) + 1, len(matches)

    def clear_highlight(self) -> None:
        """The find bar closed: no word is highlighted any more."""
        self.view.delegate.set_highlight("")

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._restore_row is not None:
            return  # a filtered-out row is being replaced; _rows_removed reports the result
        sid = current.data(SENTENCE_ID_ROLE) if current.isValid() else None
        self.current_sentence_changed.emit(int(sid) if sid is not None else 0)

    def selection(self) -> QItemSelection:
        return self.view.selectionModel().selection()

    # -- scrolling while the batched layout is still running ------------------------------
    def _scroll_to(self, row: int) -> None:
        self._pending_scroll = row
        self._scroll_tries = 0
        self._try_scroll()

    def _try_scroll(self) -> None:
        row = self._pending_scroll
        if row is None:
            return
        idx = self.proxy.index(row, 0)
        if not idx.isValid():
            self._pending_scroll = None
            return
        if self.view.visualRect(idx).isValid() or self._scroll_tries > 200:
            self.view.scrollTo(idx, QAbstractItemView.ScrollHint.EnsureVisible)
            self._pending_scroll = None
            return
        self._scroll_tries += 1
        QTimer.singleShot(5, self._try_scroll)
