"""The main window's near-duplicate review: keep the open article alone or keep its whole group.

A mixin of MainWindow (it uses the window's project, article list model and status bar).
"""

from __future__ import annotations

from annotator.records import plural


class DuplicateActions:
    """Methods of MainWindow; they use its attributes (see ui.main_window)."""

    def resolve_near_duplicates(self, keep_all: bool) -> None:
        """Decide on the open article's group of near-duplicates: keep it alone (the others are
        marked duplicate) or keep all. A decision is changed by deciding again."""
        summary = (
            None
            if self._article_id is None
            else self.article_list_model.summary_of(self._article_id)
        )
        if self.project is None or summary is None or summary.duplicate_group is None:
            self.statusBar().showMessage("This article has no near-duplicates", 3000)
            return
        if self.project.read_only:
            self.statusBar().showMessage("This project is open read-only", 3000)
            return
        keep = None if keep_all else [summary.id]
        marks = self.project.resolve_near_duplicates(summary.duplicate_group, keep)
        for aid, mark in marks.items():
            self.article_list_model.update_summary(aid, duplicate_mark=mark)
        n = sum(m == "duplicate" for m in marks.values())
        self.statusBar().showMessage(
            f"Kept all {len(marks)} near-duplicates"
            if keep_all
            else f"Kept this article; {plural(n, 'near-duplicate')} marked duplicate (left out of "
            "agreement and exports)",
            10_000,
        )
