"""The part of ``Project`` about imported coded ranges and near-duplicate articles.

Kept apart so project.py stays one screenful of concerns; ``Project`` inherits it. Every method
is a thin call into the core (``annotator.duplicate_review``, ``storage.selection_store``).
"""

from __future__ import annotations

from collections.abc import Sequence

from annotator.near_duplicates import Group as NearDuplicateGroup
from annotator.progress import CancelToken, ProgressCallback, no_progress
from annotator.project_base import ProjectBase
from annotator.project_refs import ArticleRef
from annotator.project_refs import article_id as _aid
from annotator.records import ImportReport, SelectionRecord
from annotator.storage import queries
from annotator.storage.unit_of_work import read_session


class RangesAndDuplicates(ProjectBase):
    """Mixed into Project (its services: ``annotator.project_base``)."""

    # -- coded ranges from other QDA programs (REFI-QDA) --------------------------------
    def partial_labels(self, article: ArticleRef) -> set[tuple[int, int, int]]:
        """(sentence id, coder id, code id) of the article's labels whose imported selection
        covered only part of the sentence (see annotator.selection_placing)."""
        from annotator.storage.selection_store import partial_of_article

        with read_session(self.engine) as s:
            return partial_of_article(s, _aid(article))

    def selections(self, article: ArticleRef) -> list[SelectionRecord]:
        """The coded character ranges imported from other QDA programs, as they came."""
        from annotator.storage.selection_store import selections_of

        with read_session(self.engine) as s:
            names = queries.coder_names(s)
            codes = queries.all_codes_by_id(s)
            return [
                SelectionRecord(
                    start=r.start,
                    end=r.end,
                    coder=names[r.coder_id],
                    code=codes[r.code_id][0],
                    source_start=r.source_start,
                    source_end=r.source_end,
                    origin=r.origin,
                )
                for r in selections_of(s, [_aid(article)])
            ]

    # -- near-duplicates (annotator.duplicate_review) -----------------------------------
    def _with_near_duplicates(
        self, report: ImportReport, wanted: bool, cancel: CancelToken | None
    ) -> ImportReport:
        """The import has committed: a cancel during the search keeps it and skips the search
        (``find_near_duplicates`` or ``annotator duplicates --find`` runs it later)."""
        if wanted and report.article_ids:
            from annotator.duplicate_review import find_near_duplicates
            from annotator.errors import Cancelled

            try:
                report.near_duplicates = find_near_duplicates(
                    self.engine, report.article_ids, cancel=cancel
                )
            except Cancelled:
                report.problems.append(
                    ("near-duplicates", "the search was cancelled; the articles were imported")
                )
        return report

    def find_near_duplicates(
        self,
        articles: Sequence[ArticleRef] | None = None,
        progress: ProgressCallback = no_progress,
        cancel: CancelToken | None = None,
    ) -> list[NearDuplicateGroup]:
        """Look for near-duplicates of these articles (None: all) and store the groups found."""
        from annotator.duplicate_review import find_near_duplicates

        self._writable()
        ids = None if articles is None else [_aid(a) for a in articles]
        return find_near_duplicates(self.engine, ids, progress, cancel)

    def near_duplicate_groups(self) -> list[NearDuplicateGroup]:
        """Every stored group of near-duplicates with its members and their marks."""
        from annotator.duplicate_review import near_duplicate_groups

        return near_duplicate_groups(self.engine)

    def resolve_near_duplicates(
        self, group_id: int, keep: Sequence[ArticleRef] | None = None
    ) -> dict[int, str]:
        """Keep all of a group (``keep`` None) or the articles in ``keep``, marking the rest
        "duplicate" (left out of agreement and exports). Returns article id -> mark."""
        from annotator.duplicate_review import resolve_group

        self._writable()
        ids = None if keep is None else [_aid(a) for a in keep]
        return resolve_group(self.engine, group_id, ids)

    def duplicate_article_ids(self) -> set[int]:
        """Articles marked "duplicate": agreement and exports leave them out."""
        from annotator.duplicate_review import duplicate_article_ids

        return duplicate_article_ids(self.engine)
