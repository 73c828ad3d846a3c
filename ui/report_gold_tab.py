"""The report's Against gold tab: every coder who finished a gold article against the gold
standard (alpha, kappa, sentences), and the chosen coder's per-code precision and recall.

Shown only when the project has a gold standard. It computes in its own background job for the
report's code group (``Project.compare_with_gold`` per coder of ``Project.gold_trainees``);
the coders it lists are not the report's selection, since each is compared with gold, not with
the others.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from annotator.errors import AnnotatorError
from annotator.gold import GoldComparison
from annotator.progress import CancelToken
from annotator.project import Project
from ui.report_table_view import report_table
from ui.training_models import CodeScoreModel, GoldCoderModel
from ui.workers import start_job

log = logging.getLogger(__name__)

NOTE = (
    "Each coder against the gold standard, on the sentences of the gold articles they have "
    "marked done: Krippendorff's α (nominal) and Cohen's κ, and per code precision (of the "
    "sentences the coder gave the code, the share gold gave it too) and recall (of gold's, the "
    "share the coder found). Choose a coder to see their codes."
)


class GoldTab(QWidget):
    """Per-coder agreement with gold, and the selected coder's per-code scores."""

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("goldTab")
        self.project = project
        self.comparisons: list[GoldComparison] = []
        self.loaded = False
        self._generation = 0
        self.message = QLabel(NOTE)
        self.message.setWordWrap(True)
        self.coder_model = GoldCoderModel(self)
        self.coder_view = report_table(self.coder_model)
        self.coder_view.setObjectName("goldCoders")
        self.code_model = CodeScoreModel(self, coder="Coder")
        self.code_view = report_table(self.code_model)
        self.code_view.setObjectName("goldCodes")
        self.code_label = QLabel()
        self.coder_view.selectionModel().currentRowChanged.connect(self._coder_chosen)
        lower = QWidget()
        low = QVBoxLayout(lower)
        low.setContentsMargins(0, 0, 0, 0)
        low.addWidget(self.code_label)
        low.addWidget(self.code_view)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.coder_view)
        split.addWidget(lower)
        lay = QVBoxLayout(self)
        lay.addWidget(self.message)
        lay.addWidget(split, 1)

    def compute(self, group: str | None) -> None:
        """Compare every coder who finished a gold article with gold, off the GUI thread."""
        self._generation += 1
        generation = self._generation
        project = self.project
        self.loaded = False

        def work(progress: Callable[[int, int], None], cancel: CancelToken) -> list[GoldComparison]:
            coders = project.gold_trainees()
            out = []
            for i, coder in enumerate(coders):
                cancel.check()
                out.append(project.compare_with_gold(coder, group))
                progress(i + 1, len(coders))
            return out

        def done(result: list[GoldComparison]) -> None:
            if generation == self._generation:
                self._show(result, "" if result else "No coder has finished a gold article yet.")

        def failed(exc: BaseException, details: str) -> None:
            if generation != self._generation:
                return
            if isinstance(exc, AnnotatorError):
                self._show([], str(exc))
            else:
                from ui.errors import show_error

                show_error(self, "Against gold", exc, details)

        start_job(self, "Comparing with gold", work, done, on_error=failed, show_dialog=False)

    def _show(self, comparisons: list[GoldComparison], message: str) -> None:
        self.comparisons = comparisons
        self.message.setText(message or NOTE)
        self.coder_model.set_rows(comparisons)
        self.code_model.set_rows([])
        self.code_label.setText("")
        if comparisons:
            self.coder_view.selectRow(0)
        self.loaded = True

    def _coder_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        c = self.coder_model.row_of(current)
        if c is None:
            return
        self.code_label.setText(f"{c.coder}, per code (gold is the truth):")
        self.code_model.set_rows(c.per_code)
