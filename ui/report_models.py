"""Table models of the agreement report: coefficients, a matrix, pairwise kappas, disagreements.

Each is a thin read-only adapter over what the core computed (an ``AgreementReport`` or a list of
``DisagreementRow``); none touches the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from annotator.agreement import AgreementReport
from annotator.agreement.coefficients import Coefficient
from annotator.agreement.formatting import interpret_alpha
from annotator.agreement.report import code_membership
from annotator.reliability import NONE_VALUE, DisagreementRow
from ui.table_model import RIGHT, ROOT, SENTENCE_NUMBER, Index, RowTableModel, sentence_cell

#: (article id, sentence id) of a disagreement row
JUMP_ROLE = Qt.ItemDataRole.UserRole + 1
#: the raw number behind a formatted cell (None where undefined)
VALUE_ROLE = Qt.ItemDataRole.UserRole + 2

#: verdict -> (text colour, background): colour backs up the words, never replaces them
VERDICT_COLORS = {
    "reliable": ("#17692e", "#e3f4e8"),
    "tentative": ("#7a4f00", "#fdf1d8"),
    "unreliable": ("#a11111", "#fbe4e4"),
    "undefined": ("#555555", "#eeeeee"),
}
VERDICT_TEXT = {
    "reliable": "reliable (α ≥ .800)",
    "tentative": "tentative only (α ≥ .667)",
    "unreliable": "unreliable (α < .667)",
    "undefined": "undefined",
}
ALPHA_RELIABLE = 0.800
ALPHA_TENTATIVE = 0.667


def verdict(alpha: float | None) -> str:
    """One word for Krippendorff's (2004) thresholds: reliable, tentative, unreliable, undefined."""
    return interpret_alpha(alpha).split(" ")[0]


def _num(v: float | None) -> str:
    return "—" if v is None else f"{v:.3f}"


class CoefficientModel(RowTableModel):
    """Overall figures in the first row, then one row per code (present vs absent)."""

    HEADERS = (
        "Scope", "% agreement", "Cohen's κ", "Scott's π", "Fleiss' κ", "Krippendorff's α",
        "α 95% CI", "Gwet's AC1", "Brennan–Prediger", "Units", "Interpretation (α)",
    )  # fmt: skip
    KEYS = (
        None, "percent_agreement", "cohen_kappa", "scott_pi", "fleiss_kappa",
        "krippendorff_alpha", None, "gwet_ac1", "brennan_prediger", None, None,
    )  # fmt: skip
    ALPHA, CI, UNITS, VERDICT = 5, 6, 9, 10

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ci: tuple[float, float] | None = None

    def set_report(self, report: AgreementReport | None) -> None:
        self._ci = None if report is None else report.alpha_ci95
        rows: list[tuple[str, dict[str, Coefficient]]] = (
            []
            if report is None
            else [
                ("Overall", report.coefficients),
                *((value_text(code), c) for code, c in report.per_code.items()),
            ]
        )
        self.set_rows(rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_of(index)
        if row is None:
            return None
        scope, coefs = row
        col = index.column()
        key = self.KEYS[col] if 0 <= col < len(self.KEYS) else None
        alpha = coefs["krippendorff_alpha"]
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return scope
            if key is not None:
                return _num(coefs[key].value)
            if col == self.CI:
                ci = self._ci if index.row() == 0 else None
                return "—" if ci is None else f"[{ci[0]:.3f}, {ci[1]:.3f}]"
            if col == self.UNITS:
                return f"{alpha.n_units:,}"
            if col == self.VERDICT:
                return VERDICT_TEXT[verdict(alpha.value)]
            return None
        if role == VALUE_ROLE:
            if key is not None:
                return coefs[key].value
            if col == self.UNITS:
                return alpha.n_units
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if key is not None and coefs[key].note:
                return coefs[key].note
            if col == self.VERDICT:
                return f"Krippendorff (2004): {interpret_alpha(alpha.value)}"
        if role == Qt.ItemDataRole.TextAlignmentRole and col > 0 and col != self.VERDICT:
            return RIGHT
        if col in (self.ALPHA, self.VERDICT):
            fg, bg = VERDICT_COLORS[verdict(alpha.value)]
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor(fg))
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(QColor(bg))
        if role == Qt.ItemDataRole.FontRole and index.row() == 0:
            f = QFont()
            f.setBold(True)
            return f
        return None


#: what a coder who gave no code is shown as, everywhere in the window ("none" in the data)
NO_CODE = "(no code)"
TOTAL = "Total"


def value_text(value: str) -> str:
    """A value as the window shows it: the data's "none" reads "(no code)", as elsewhere."""
    return NO_CODE if value == NONE_VALUE else value


class MatrixModel(RowTableModel):
    """A square matrix over the value labels (confusion or coincidence); rows are the labels.

    With totals, a last row and column hold the sums: how often each coder gave each value, which
    is what a reader checks first (is one coder simply using a code more?).
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._m: npt.NDArray[Any] = np.zeros((0, 0))
        self._fmt = "g"
        self._totals = False

    def headers(self) -> Sequence[str]:
        return self._rows

    def set_matrix(
        self,
        labels: Sequence[str],
        matrix: npt.NDArray[Any],
        fmt: str = "g",
        *,
        totals: bool = False,
    ) -> None:
        shown = [value_text(label) for label in labels]
        if totals and len(shown):
            m = np.asarray(matrix, dtype=np.float64)
            matrix = np.block(
                [[m, m.sum(axis=1, keepdims=True)], [m.sum(axis=0, keepdims=True), m.sum()]]
            )
            shown.append(TOTAL)
        self._m, self._fmt, self._totals = matrix, fmt, totals and bool(len(shown))
        self.set_rows(shown)

    def _is_total(self, row: int, column: int) -> bool:
        last = len(self._rows) - 1
        return self._totals and (row == last or column == last)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self._rows):
            return self._rows[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self.row_of(index) is None:
            return None
        v = float(self._m[index.row(), index.column()])
        total = self._is_total(index.row(), index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return format(v, self._fmt)
        if role == VALUE_ROLE:
            return v
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT
        if role == Qt.ItemDataRole.FontRole and total:
            f = QFont()
            f.setBold(True)
            return f
        if (
            role == Qt.ItemDataRole.BackgroundRole
            and index.row() == index.column()
            and v
            and not total
        ):
            return QBrush(QColor("#e3f4e8"))
        return None


class PairwiseModel(RowTableModel):
    """Cohen's kappa for every pair of coders (the overall Cohen needs exactly two)."""

    HEADERS = ("Coder A", "Coder B", "Units", "Cohen's κ", "Percent agreement")

    def set_report(self, report: AgreementReport | None) -> None:
        self.set_rows(
            []
            if report is None
            else [
                (str(p.coder_a), str(p.coder_b), p.n_units, p.cohen_kappa, p.percent_agreement)
                for p in report.pairwise
            ]
        )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_of(index)
        if row is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            v = row[col]
            if col == 2:
                return f"{v:,}"
            return _num(v) if col >= 3 else v  # type: ignore[arg-type]
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= 2:
            return RIGHT
        return None


class DisagreementModel(RowTableModel):
    """Article, sentence number, text and each coder's codes; rows are fetched in pages."""

    PAGE = 2000
    FIXED = ("Article", SENTENCE_NUMBER, "Text")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._coders: tuple[str, ...] = ()
        self._shown = 0

    def headers(self) -> Sequence[str]:
        return (*self.FIXED, *self._coders)

    def set_rows(self, rows: Sequence[DisagreementRow], coders: Sequence[str] = ()) -> None:
        self._coders = tuple(coders)
        self._shown = min(len(rows), self.PAGE)
        super().set_rows(rows)

    @property
    def total(self) -> int:
        return len(self._rows)

    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else self._shown

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and self._shown < len(self._rows)

    def fetchMore(self, parent: Index) -> None:
        if parent.isValid():
            return
        more = min(self.PAGE, len(self._rows) - self._shown)
        if more <= 0:
            return
        self.beginInsertRows(ROOT, self._shown, self._shown + more - 1)
        self._shown += more
        self.endInsertRows()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        r = self.row_of(index)
        if r is None:
            return None
        col = index.column()
        if role == JUMP_ROLE:
            return (r.article_id, r.sentence_id)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if col < 2:
                return sentence_cell(r, col)
            if col == 2:
                return r.sentence_text
            coder = self._coders[col - len(self.FIXED)]
            return " + ".join(r.codes.get(coder, ())) or NO_CODE
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 1:
            return RIGHT
        return None


def code_frequencies(report: AgreementReport) -> tuple[list[str], dict[str, list[int]]]:
    """(codes, {coder: how many units the coder gave each code}); "none" is not a code."""
    data = report.data
    mem = code_membership(data)
    if mem is None:
        return [], {}
    codes = [str(c) for c in data.categories]
    keep = [j for j, c in enumerate(codes) if not (data.level == "nominal" and c == NONE_VALUE)]
    out: dict[str, list[int]] = {}
    for j, coder in enumerate(data.coders):
        col = data.codes[:, j]
        counts = np.bincount(col[col >= 0], minlength=len(data.domain)).astype(np.float64)
        per_code = counts @ mem
        out[str(coder)] = [int(per_code[k]) for k in keep]
    return [codes[k] for k in keep], out


class ChanceModel(RowTableModel):
    """Every coefficient with the terms behind it: observed and expected (chance) agreement, or
    for alpha the observed and expected disagreement D_o and D_e; the note says why a value is
    undefined."""

    HEADERS = ("Coefficient", "Value", "Observed", "Expected", "Units", "Note")

    def headers(self) -> Sequence[str]:
        return self.HEADERS

    def set_report(self, report: AgreementReport | None) -> None:
        from annotator.agreement.report import COEFFICIENT_KEYS, COEFFICIENT_NAMES

        rows = (
            []
            if report is None
            else [(COEFFICIENT_NAMES[k], report.coefficients[k]) for k in COEFFICIENT_KEYS]
        )
        self.set_rows(rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_of(index)
        if row is None:
            return None
        name, c = row
        col = index.column()
        values = (None, c.value, c.observed, c.expected)
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return name
            if col in (1, 2, 3):
                return _num(values[col])
            if col == 4:
                return f"{c.n_units:,}"
            return c.note
        if role == VALUE_ROLE and col in (1, 2, 3):
            return values[col]
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (1, 2, 3, 4):
            return RIGHT
        return None
