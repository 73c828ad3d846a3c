"""SQL of the gold standard: which articles are gold, whose labels are their truth, and the
sentence details a comparison with gold lists.

The comparison itself (coefficients, precision and recall) is in ``annotator.gold``; the units
come from ``reliability_queries`` like every other agreement.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlmodel import Session

from annotator.records import GoldArticleRecord, Status
from annotator.storage import tables as t

_CHUNK = 500


def gold_articles(session: Session) -> list[GoldArticleRecord]:
    """Every gold article, in article order."""
    g, a = t.gold_article.c, t.article.c
    rows = session.execute(
        select(g.article_id, a.uid, a.title, g.gold_coder, g.marked_by, g.marked_at)
        .join(t.article, a.id == g.article_id)
        .order_by(g.article_id)
    ).all()
    return [
        GoldArticleRecord(int(aid), str(uid), str(title or ""), str(coder), str(by), at)
        for aid, uid, title, coder, by, at in rows
    ]


def gold_coders(session: Session) -> dict[int, str]:
    """article id -> its gold coder, for every gold article."""
    g = t.gold_article.c
    return {int(a): str(c) for a, c in session.execute(select(g.article_id, g.gold_coder))}


def existing_articles(session: Session, article_ids: Sequence[int]) -> set[int]:
    a = t.article.c
    out: set[int] = set()
    ids = list(article_ids)
    for i in range(0, len(ids), _CHUNK):
        out.update(
            int(x)
            for x in session.execute(select(a.id).where(a.id.in_(ids[i : i + _CHUNK]))).scalars()
        )
    return out


def done_by(session: Session, coder: str, article_ids: Sequence[int] | None = None) -> set[int]:
    """The articles (of ``article_ids``, else all) that ``coder`` has marked done."""
    st, c = t.article_status.c, t.coder.c
    stmt = (
        select(st.article_id)
        .join(t.coder, c.id == st.coder_id)
        .where(c.name == coder, st.status == int(Status.DONE))
    )
    if article_ids is None:
        return {int(x) for x in session.execute(stmt).scalars()}
    out: set[int] = set()
    ids = list(article_ids)
    for i in range(0, len(ids), _CHUNK):
        chunk = stmt.where(st.article_id.in_(ids[i : i + _CHUNK]))
        out.update(int(x) for x in session.execute(chunk).scalars())
    return out


def coders_done_on_gold(session: Session) -> list[tuple[str, int]]:
    """(coder name, article id) for every gold article each coder has marked done."""
    st, c, g = t.article_status.c, t.coder.c, t.gold_article.c
    rows = session.execute(
        select(c.name, st.article_id)
        .join(t.coder, c.id == st.coder_id)
        .join(t.gold_article, g.article_id == st.article_id)
        .where(st.status == int(Status.DONE))
        .order_by(c.name, st.article_id)
    ).all()
    return [(str(name), int(aid)) for name, aid in rows]


def mark(
    session: Session, article_ids: Sequence[int], gold_coder: str, by: str, at: datetime
) -> None:
    """Make the articles gold with ``gold_coder``'s labels as truth (replacing an earlier mark)."""
    if not article_ids:
        return
    unmark(session, article_ids)
    session.execute(
        t.gold_article.insert(),
        [
            {"article_id": aid, "gold_coder": gold_coder, "marked_by": by, "marked_at": at}
            for aid in article_ids
        ],
    )


def unmark(session: Session, article_ids: Sequence[int]) -> int:
    """Take the articles out of the gold standard; returns how many were gold."""
    g = t.gold_article.c
    removed = 0
    ids = list(article_ids)
    for i in range(0, len(ids), _CHUNK):
        chunk = ids[i : i + _CHUNK]
        n = session.execute(
            select(func.count()).select_from(t.gold_article).where(g.article_id.in_(chunk))
        ).scalar()
        removed += int(n or 0)
        session.execute(delete(t.gold_article).where(g.article_id.in_(chunk)))
    return removed


def sentence_details(
    session: Session, sentence_ids: Sequence[int]
) -> dict[int, tuple[int, str, int, str]]:
    """sentence id -> (article id, article title (else uid), 0-based index, text)."""
    s, a = t.sentence.c, t.article.c
    out: dict[int, tuple[int, str, int, str]] = {}
    ids = list(sentence_ids)
    for i in range(0, len(ids), _CHUNK):
        stmt = (
            select(
                s.id,
                a.id,
                a.title,
                a.uid,
                s.index,
                func.substr(a.text, s.start + 1, s.end - s.start),
            )
            .join(t.article, a.id == s.article_id)
            .where(s.id.in_(ids[i : i + _CHUNK]))
        )
        for sid, aid, title, uid, index, text in session.execute(stmt):
            out[int(sid)] = (int(aid), str(title or uid), int(index), str(text))
    return out


__all__ = [
    "coders_done_on_gold",
    "done_by",
    "existing_articles",
    "gold_articles",
    "gold_coders",
    "mark",
    "sentence_details",
    "unmark",
]
