"""The part of ``Project`` that keeps the gold standard and compares coders with it.

A lead marks articles as gold with a gold coder: "adjudicated" (the decisions of
``annotator.adjudication``) or a named expert. Marking needs the gold coder to have marked the
article *done*, not merely to have coded some of it: only a done article says that its uncoded
sentences are deliberately "none", so only then is the gold standard complete. (A gold coder who
later reopens an article takes it out of every comparison until they mark it done again; its
gold mark stays.) Coders in training code the gold articles blind; the app hides the gold
coder's labels of a gold article from a coder until that coder has marked it done
(``gold_hidden_coder``). The comparison itself is ``annotator.gold``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from annotator.errors import AnnotatorError
from annotator.gold import (
    GoldComparison,
    GoldSentence,
    code_scores,
    coefficients,
    stack,
    value_codes,
)
from annotator.project_base import ProjectBase
from annotator.project_refs import ArticleRef, article_id
from annotator.records import GoldArticleRecord
from annotator.storage import gold_store
from annotator.storage.reliability_queries import ADJUDICATED, reliability_from_project
from annotator.storage.reliability_queries import resolve_group as _resolve_group
from annotator.storage.unit_of_work import read_session, write_session


class GoldError(AnnotatorError):
    """A gold standard that cannot be marked or compared as asked."""


class ProjectGold(ProjectBase):
    """Mixed into Project (its services: ``annotator.project_base``)."""

    def gold_articles(self) -> list[GoldArticleRecord]:
        """The gold standard: every gold article with its gold coder, in article order."""
        with read_session(self.engine) as s:
            return gold_store.gold_articles(s)

    def mark_gold(
        self, articles: Sequence[ArticleRef], gold_coder: str = ADJUDICATED, by: str = ""
    ) -> list[int]:
        """Make the articles gold with ``gold_coder``'s labels as truth (re-marking one changes
        its gold coder). Refuses, changing nothing, if the gold coder has not marked every one of
        them done. Returns the article ids marked."""
        self._writable()
        ids = sorted({article_id(a) for a in articles})
        if not ids:
            raise GoldError("no articles given to mark as gold")
        with write_session(self.engine) as s:
            unknown = sorted(set(ids) - gold_store.existing_articles(s, ids))
            if unknown:
                raise GoldError(f"no article with id {unknown[0]}")
            not_done = sorted(set(ids) - gold_store.done_by(s, gold_coder, ids))
            if not_done:
                shown = ", ".join(str(a) for a in not_done[:10])
                more = f" and {len(not_done) - 10} more" if len(not_done) > 10 else ""
                raise GoldError(
                    f"{gold_coder!r} has not marked article{'s' if len(not_done) > 1 else ''} "
                    f"{shown}{more} done: gold needs the gold coder's finished coding"
                )
            gold_store.mark(s, ids, gold_coder, by, datetime.now(UTC))
        return ids

    def unmark_gold(self, articles: Sequence[ArticleRef]) -> int:
        """Take articles out of the gold standard (their labels stay); returns how many were."""
        self._writable()
        ids = sorted({article_id(a) for a in articles})
        with write_session(self.engine) as s:
            return gold_store.unmark(s, ids)

    def articles_done_by(self, coder: str) -> list[int]:
        """The ids of the articles ``coder`` has marked done (e.g. to mark them all gold)."""
        with read_session(self.engine) as s:
            return sorted(gold_store.done_by(s, coder))

    def gold_trainees(self) -> list[str]:
        """The coders a comparison with gold has something for: every coder but "adjudicated"
        who finished a gold article of which they are not the gold coder, by name."""
        with read_session(self.engine) as s:
            gold = gold_store.gold_coders(s)
            done = gold_store.coders_done_on_gold(s)
        return sorted({c for c, aid in done if c != ADJUDICATED and gold.get(aid) != c})

    def gold_hidden_coder(self, article: ArticleRef, coder: str | None) -> str | None:
        """The gold coder whose labels must stay hidden from ``coder`` on this article (it is
        gold and ``coder`` has not marked it done), else None: training stays blind."""
        aid = article_id(article)
        with read_session(self.engine) as s:
            gold = gold_store.gold_coders(s).get(aid)
            if gold is None or gold == coder:
                return None
            done = coder is not None and aid in gold_store.done_by(s, coder, [aid])
        return None if done else gold

    def compare_with_gold(self, coder: str, group: str | None = None) -> GoldComparison:
        """``coder`` against the gold standard in ``group`` (default: the first): every sentence
        of the gold articles both the coder and the gold coder marked done, with both codes,
        and alpha, kappa and per-code precision/recall/F1 (``annotator.gold``). Articles whose
        gold coder is ``coder`` are left out (nobody is compared with themselves)."""
        with read_session(self.engine) as s:
            grp = _resolve_group(s, group, GoldError)
            by_gold: dict[str, list[int]] = {}
            for aid, gold in sorted(gold_store.gold_coders(s).items()):
                if gold != coder:
                    by_gold.setdefault(gold, []).append(aid)
            if not by_gold:
                if gold_store.gold_coders(s):
                    raise GoldError(f"{coder!r} is the gold coder of every gold article")
                raise GoldError("the project has no gold standard: mark gold articles first")
            parts = [
                reliability_from_project(s, coders=[coder, gold], group=grp, article_ids=ids)
                for gold, ids in by_gold.items()
            ]
            data = stack(parts, coder)
            details = gold_store.sentence_details(s, [int(u) for u in data.units])  # type: ignore[call-overload]
        gold_of = {aid: g for g, ids in by_gold.items() for aid in ids}
        sentences = []
        for r, unit in enumerate(data.units):
            aid, title, index, text = details[int(unit)]  # type: ignore[call-overload]
            sentences.append(
                GoldSentence(
                    int(unit),  # type: ignore[call-overload]
                    aid,
                    title,
                    index,
                    text,
                    gold_of.get(aid, ""),
                    value_codes(data, int(data.codes[r, 1])),
                    value_codes(data, int(data.codes[r, 0])),
                )
            )
        sentences.sort(key=lambda s: (s.article_id, s.index))  # parts come per gold coder
        alpha, kappa = coefficients(data)
        names = [c for c in data.categories if c != "none"]
        return GoldComparison(
            coder, grp.name, tuple(sentences), alpha, kappa, code_scores(data, names)
        )
