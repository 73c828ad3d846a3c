"""The left pane: filter box, status filter and the article table."""

from __future__ import annotations

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QPainter, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.records import Status
from ui.article_list_model import (
    ARTICLE_ID_ROLE,
    HEADERS,
    PROGRESS_ROLE,
    ArticleFilterProxy,
    ArticleListModel,
    Column,
)

Index = QModelIndex | QPersistentModelIndex


#: the status filter's entry for "articles in a group of near-duplicates"
NEAR_DUPLICATES = "near-duplicates"
#: the bar of the progress column; the count beside it is sized from the font
PROGRESS_BAR_W = 44
#: the source column never takes more than this share of the table (titles matter more)
SOURCE_MAX_SHARE = 0.25
#: source and date columns are shown only while the title keeps at least this share
TITLE_MIN_SHARE = 0.45


class ProgressDelegate(QStyledItemDelegate):
    """A thin bar (coded / total for the current coder) with the count beside it."""

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        """Compact: a short bar plus the count, so the column never crowds out the title."""
        _coded, total = index.data(PROGRESS_ROLE) or (0, 0)
        text_w = option.fontMetrics.horizontalAdvance(f"{total}/{total}")
        return QSize(PROGRESS_BAR_W + text_w + 18, option.fontMetrics.height() + 6)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        coded, total = index.data(PROGRESS_ROLE) or (0, 0)
        frac = coded / total if total else 0.0
        rect = option.rect.adjusted(6, 0, -6, 0)
        pal = option.palette
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = option.fontMetrics
        label = f"{coded}/{total}"
        text_w = fm.horizontalAdvance(f"{total}/{total}")
        bar = QRect(rect.left(), rect.center().y() - 3, max(10, rect.width() - text_w - 6), 6)
        track = QColor(pal.color(QPalette.ColorRole.Mid))
        track.setAlpha(90)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(track)
        painter.drawRoundedRect(bar, 3, 3)
        if frac > 0:
            fill = QRect(bar)
            fill.setWidth(max(3, int(bar.width() * frac)))
            painter.setBrush(QColor("#009e73") if frac >= 1 else QColor("#0072b2"))
            painter.drawRoundedRect(fill, 3, 3)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.setPen(pal.color(role))
        text_rect = QRect(bar.right() + 6, rect.top(), text_w, rect.height())
        painter.drawText(
            text_rect, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight), label
        )
        painter.restore()


class ArticleListPanel(QWidget):
    """Emits article_chosen(article id) when the current row changes."""

    article_chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ArticleListModel(self)
        self.proxy = ArticleFilterProxy(self)
        self.proxy.setSourceModel(self.model)

        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText("Filter by title or source")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.proxy.set_text)
        self.status_combo = QComboBox(self)
        self.status_combo.addItem("All", None)
        for st in Status:
            self.status_combo.addItem(st.label.capitalize(), int(st))
        self.status_combo.addItem("Near-duplicates", NEAR_DUPLICATES)
        self.status_combo.setToolTip(
            "Show only articles with this status, or the groups of near-duplicate articles"
        )
        self.status_combo.currentIndexChanged.connect(self._status_changed)

        self.view = QTableView(self)
        self.view.setObjectName("articleView")
        self.view.setModel(self.proxy)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.view.setShowGrid(False)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.verticalHeader().hide()
        vh = self.view.verticalHeader()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(self.fontMetrics().height() + 10)
        hh = self.view.horizontalHeader()
        # the title takes whatever the short columns leave; they are only as wide as their text
        hh.setStretchLastSection(False)
        hh.setSectionResizeMode(Column.TITLE, QHeaderView.ResizeMode.Stretch)
        # Fixed, sized in _fit_columns from the rows in view: ResizeToContents would measure all
        # 100,000 rows again on every label change (each changes one row's progress).
        for col in (Column.DATE, Column.PROGRESS, Column.STATUS):
            hh.setSectionResizeMode(col, QHeaderView.ResizeMode.Fixed)
        self.view.setColumnHidden(Column.SOURCE, True)  # until hide_empty_columns finds one
        self.view.setColumnHidden(Column.DATE, True)
        hh.setSectionResizeMode(Column.SOURCE, QHeaderView.ResizeMode.Interactive)
        hh.resizeSection(Column.SOURCE, 80)
        hh.setHighlightSections(False)
        hh.setMinimumSectionSize(24)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setItemDelegateForColumn(Column.PROGRESS, ProgressDelegate(self.view))
        self.view.selectionModel().currentRowChanged.connect(self._current_changed)

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.filter_edit, 1)
        top.addWidget(self.status_combo)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 0, 6)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        self._quiet = False
        self._has_source = False
        self._has_date = False
        self._longest: dict[Column, str] = {}

    def hide_empty_columns(self) -> None:
        """Source and date are often empty (plain-text imports): give their room to the title.

        Also notes the longest text of each short column, so widths come from font metrics
        (asking the view to measure would visit every one of 100,000 rows)."""
        rows = [self.model.summary(r) for r in range(self.model.rowCount())]
        sources = [s.source for s in rows if s.source]
        dates = [s.date for s in rows if s.date]
        self._has_source = bool(sources)
        self._has_date = bool(dates)
        total = max((s.n_sentences for s in rows), default=0)
        self._longest = {
            Column.SOURCE: max(sources, key=len, default=""),
            Column.DATE: max(dates, key=len, default=""),
            Column.PROGRESS: f"{total}/{total}",
        }
        self._fit_columns()

    def _wanted(self, column: Column) -> int:
        header = self.view.horizontalHeader()
        label = header.fontMetrics().horizontalAdvance(HEADERS[column]) + 24  # + sort arrow
        metrics = self.view.fontMetrics()
        style = self.view.style()
        margin = 2 * (style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1)
        if column == Column.STATUS:
            content = style.pixelMetric(QStyle.PixelMetric.PM_SmallIconSize) + margin
        elif column == Column.PROGRESS:
            content = PROGRESS_BAR_W + metrics.horizontalAdvance(self._longest.get(column, "")) + 18
        else:
            content = metrics.horizontalAdvance(self._longest.get(column, "")) + margin
        return max(content, label)

    def _fit_columns(self) -> None:
        """Keep the title readable: source and date only while there is room for them.

        The source is fitted to its text but never past SOURCE_MAX_SHARE; in a narrow list the
        source goes first, then the date (both stay in the title's tooltip).
        """
        width = self.view.viewport().width()
        if width <= 0:
            return
        room = width - self._wanted(Column.PROGRESS) - self._wanted(Column.STATUS)
        room -= int(width * TITLE_MIN_SHARE)
        date_w = self._wanted(Column.DATE) if self._has_date else 0
        source_w = 0
        if self._has_source:
            source_w = min(self._wanted(Column.SOURCE), max(60, int(width * SOURCE_MAX_SHARE)))
        show_date = self._has_date and date_w <= room
        show_source = self._has_source and date_w * show_date + source_w <= room
        self.view.setColumnHidden(Column.DATE, not show_date)
        self.view.setColumnHidden(Column.SOURCE, not show_source)
        header = self.view.horizontalHeader()
        if show_source:
            header.resizeSection(Column.SOURCE, source_w)
        if show_date:
            header.resizeSection(Column.DATE, date_w)
        for col in (Column.PROGRESS, Column.STATUS):
            header.resizeSection(col, self._wanted(col))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_columns()

    def _status_changed(self, _i: int) -> None:
        value = self.status_combo.currentData()
        self.proxy.set_near_duplicates(value == NEAR_DUPLICATES)
        wanted = None if value in (None, NEAR_DUPLICATES) else Status(int(value))
        self.proxy.set_status(wanted)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._quiet or not current.isValid():
            return
        aid = current.data(ARTICLE_ID_ROLE)
        if aid is not None:
            self.article_chosen.emit(int(aid))

    def select_article(self, article_id: int) -> bool:
        """Make the article current without emitting article_chosen (the window shows it)."""
        row = self.model.row_of(article_id)
        if row is None:
            return False
        proxy_index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not proxy_index.isValid():
            return False
        self._quiet = True
        try:
            self.view.selectionModel().setCurrentIndex(
                proxy_index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
            self.view.scrollTo(proxy_index)
        finally:
            self._quiet = False
        return True

    def neighbour(self, article_id: int | None, step: int) -> int | None:
        """The article step rows away in the list as shown (filtered and sorted)."""
        n = self.proxy.rowCount()
        if n == 0:
            return None
        row: int | None = None
        if article_id is not None:
            src = self.model.row_of(article_id)
            if src is not None:
                idx = self.proxy.mapFromSource(self.model.index(src, 0))
                row = idx.row() if idx.isValid() else None
        target = (0 if step > 0 else n - 1) if row is None else row + step
        if not 0 <= target < n:
            return None
        return int(self.proxy.index(target, 0).data(ARTICLE_ID_ROLE))
