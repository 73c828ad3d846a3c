"""Table models of the training view and the report's Against gold tab: the sentences of the
gold articles a coder has finished (gold's code beside theirs), their per-code precision and
recall, and one row per coder compared with gold.

Thin read-only adapters over ``annotator.gold.GoldComparison`` (``Project.compare_with_gold``);
the figures are the core's, the models only format them.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from annotator.gold import CodeScore, GoldComparison, GoldSentence
from ui.table_model import RIGHT, SENTENCE_NUMBER, Index, RowTableModel

#: True on a sentence row where the coder's codes differ from gold's
DIFFERS_ROLE = int(Qt.ItemDataRole.UserRole) + 40
#: what an undefined figure shows
MISSING = "—"
#: the highlight of a differing sentence: Okabe-Ito vermillion, translucent so it reads on a
#: light and a dark palette
DIFFERS_COLOR = QColor(213, 94, 0, 70)
NO_CODE = "(no code)"


def codes_text(codes: tuple[str, ...]) -> str:
    return ", ".join(codes) if codes else NO_CODE


def number(value: float | None) -> str:
    return MISSING if value is None else f"{value:.3f}"


class GoldSentenceModel(RowTableModel):
    """One row per compared sentence; differing rows highlighted and flagged (DIFFERS_ROLE)."""

    HEADERS = ("Article", SENTENCE_NUMBER, "Sentence", "Your code", "Gold code")

    def sentence(self, row: int) -> GoldSentence:
        return self.row_at(row)  # type: ignore[no-any-return]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        s: GoldSentence | None = self.row_of(index)
        if s is None:
            return None
        col = index.column()
        if role == DIFFERS_ROLE:
            return s.differs
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            cells = (s.article_title, str(s.index + 1), s.text, codes_text(s.coded),
                     codes_text(s.gold))  # fmt: skip
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{s.text}\n\nYou: {cells[3]}\nGold ({s.gold_coder}): {cells[4]}"
            return cells[col]
        if role == Qt.ItemDataRole.BackgroundRole and s.differs:
            return QBrush(DIFFERS_COLOR)
        if role == Qt.ItemDataRole.FontRole and s.differs and col >= 3:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 1:
            return RIGHT
        return None


class DifferencesFilter(QSortFilterProxyModel):
    """Shows every sentence, or only those that differ from gold."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._only = False

    def set_only_differences(self, only: bool) -> None:
        if only != self._only:
            self.beginFilterChange()
            self._only = only
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    @property
    def only_differences(self) -> bool:
        return self._only

    def filterAcceptsRow(self, row: int, parent: QModelIndex | QPersistentModelIndex) -> bool:
        if not self._only:
            return True
        return bool(self.sourceModel().index(row, 0, parent).data(DIFFERS_ROLE))


class CodeScoreModel(RowTableModel):
    """Per code: precision, recall and F1 against gold, and how often each gave the code."""

    def __init__(self, parent: QObject | None = None, coder: str = "You") -> None:
        """``coder``: how the compared coder's column is headed ("You" in the training view)."""
        super().__init__(parent)
        self._coder = coder
        who = "you" if coder == "You" else "the coder"
        self.TIPS = (
            "",
            f"Of the sentences {who} gave this code, the share gold gave it too",
            f"Of the sentences gold gave this code, the share {who} gave it too",
            "The harmonic mean of precision and recall",
            "Sentences gold gave this code",
            f"Sentences {who} gave this code",
        )

    def headers(self) -> tuple[str, ...]:
        return ("Code", "Precision", "Recall", "F1", "Gold", self._coder)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        s: CodeScore | None = self.row_of(index)
        if s is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            given = s.true_positives + s.false_positives
            return (s.code, number(s.precision), number(s.recall), number(s.f1),
                    str(s.support), str(given))[col]  # fmt: skip
        if role == Qt.ItemDataRole.TextAlignmentRole and col > 0:
            return RIGHT
        return None


class GoldCoderModel(RowTableModel):
    """One row per coder compared with gold (the report's Against gold tab)."""

    HEADERS = ("Coder", "Krippendorff's α", "Cohen's κ", "Sentences", "Articles", "Differ")

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        c: GoldComparison | None = self.row_of(index)
        if c is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (c.coder, number(c.alpha.value), number(c.kappa.value), str(c.n_sentences),
                    str(c.n_articles), str(c.n_differences))[col]  # fmt: skip
        if role == Qt.ItemDataRole.TextAlignmentRole and col > 0:
            return RIGHT
        return None
