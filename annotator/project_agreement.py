"""The part of ``Project`` that measures agreement: reliability data, reports, disagreements.

Reads only; the coefficients themselves live in ``annotator.agreement``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from annotator.project_base import ProjectBase
from annotator.storage.unit_of_work import read_session
from annotator.version_ranges import VersionFilter, version_set

if TYPE_CHECKING:
    from annotator.agreement import AgreementReport, ReliabilityData
    from annotator.storage.reliability_queries import DisagreementRow


class ProjectAgreement(ProjectBase):
    """Mixed into Project (its services: ``annotator.project_base``)."""

    # -- agreement ----------------------------------------------------------------------
    def reliability_data(
        self,
        coders: Sequence[str] | None = None,
        group: str | None = None,
        article_ids: Sequence[int] | None = None,
        codebook_version: VersionFilter = None,
        whole_project: bool = False,
    ) -> ReliabilityData:
        """Units: sentences of articles every compared coder marked done; uncoded = "none".
        ``codebook_version`` (a number or several): only labels made under it count.

        Where articles were assigned with a reliability sample (``annotator assign
        --overlap``), only the sample's articles are units unless ``article_ids`` names others
        or ``whole_project`` is set: the sample is what the team drew to measure agreement on,
        and an article outside it that two coders happened to finish would bias it."""
        from annotator.storage.assignment_store import overlap_article_ids
        from annotator.storage.reliability_queries import reliability_from_project

        with read_session(self.engine) as s:
            if article_ids is None and not whole_project:
                article_ids = overlap_article_ids(s) or None
            return reliability_from_project(
                s,
                coders=coders,
                group=group,
                article_ids=article_ids,
                codebook_versions=version_set(codebook_version),
            )

    def default_weights(self, group: str | None = None) -> str | None:
        """Gwet's "ordinal" weights for a group the codebook declares ordered, else None."""
        from annotator.storage.reliability_queries import resolve_group

        with read_session(self.engine) as s:
            return "ordinal" if resolve_group(s, group).ordered else None

    def agreement(
        self,
        coders: Sequence[str] | None = None,
        group: str | None = None,
        bootstrap: int = 1000,
        seed: int = 20110101,
        weights: str | None = None,
        codebook_version: VersionFilter = None,
        whole_project: bool = False,
    ) -> AgreementReport:
        """The full agreement report (coefficients overall and per code, interval, matrices).

        An ordered group (codebook ``ordered: true``) gives ordinal data and, unless ``weights``
        is given, Gwet's ordinal weights. ``codebook_version`` (a number or several): only
        labels made under it count; ``report.codebook_versions`` says which versions the
        labels span. Units come from the reliability sample where there is one (see
        ``reliability_data``; ``whole_project=True``: every article all coders finished)."""
        from annotator.agreement import compute_report

        data = self.reliability_data(
            coders, group, codebook_version=codebook_version, whole_project=whole_project
        )
        chosen = weights if weights is not None else self.default_weights(group)
        return compute_report(data, bootstrap=bootstrap, seed=seed, weights=chosen)

    def disagreements(
        self,
        coders: Sequence[str] | None = None,
        group: str | None = None,
        codebook_version: VersionFilter = None,
    ) -> list[DisagreementRow]:
        from annotator.storage.reliability_queries import disagreement_rows

        with read_session(self.engine) as s:
            return disagreement_rows(
                s, coders=coders, group=group, codebook_versions=version_set(codebook_version)
            )

    def sentence_names(self, sentence_ids: Sequence[int]) -> dict[int, str]:
        """Reports' names for sentences ("Title — sentence 4"), by sentence id."""
        from annotator.storage.reliability_queries import sentence_names

        with read_session(self.engine) as s:
            return sentence_names(s, sentence_ids)
