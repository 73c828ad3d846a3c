"""MinHash signatures (``article_minhash``) and near-duplicate groups (``near_duplicate``)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sqlalchemy import Select, delete, select
from sqlmodel import Session

from annotator.storage import dialect
from annotator.storage import tables as t

DUPLICATE = "duplicate"


def signatures(session: Session) -> Iterator[tuple[int, bytes]]:
    """(article id, signature bytes) of every article that has one."""
    for aid, data in session.execute(
        select(t.article_minhash.c.article_id, t.article_minhash.c.signature)
    ):
        yield int(aid), bytes(data)


def unsigned_ids(session: Session, article_ids: Sequence[int] | None) -> list[int]:
    """Ids of the articles (all if None) that have no signature yet, in id order."""
    stmt = (
        select(t.article.c.id)
        .where(t.article.c.id.not_in(select(t.article_minhash.c.article_id)))
        .order_by(t.article.c.id)
    )
    ids = [int(x) for x in session.execute(stmt).scalars()]
    if article_ids is not None:
        wanted = set(article_ids)
        ids = [a for a in ids if a in wanted]
    return ids


def texts_of(session: Session, article_ids: Sequence[int]) -> list[tuple[int, str]]:
    """(id, text) of these articles (at most ~900 ids per call), in id order."""
    rows = session.execute(
        select(t.article.c.id, t.article.c.text)
        .where(t.article.c.id.in_(list(article_ids)))
        .order_by(t.article.c.id)
    )
    return [(int(a), str(text)) for a, text in rows]


def save_signatures(session: Session, rows: Sequence[tuple[int, bytes]]) -> None:
    if rows:
        session.execute(
            dialect.insert(session, t.article_minhash).on_conflict_do_nothing(),
            [{"article_id": a, "signature": s} for a, s in rows],
        )


def memberships(session: Session) -> dict[int, tuple[int, float, str]]:
    """article id -> (group id, similarity, mark) of every grouped article."""
    nd = t.near_duplicate.c
    return {
        int(a): (int(g), float(s), str(m))
        for a, g, s, m in session.execute(
            select(nd.article_id, nd.group_id, nd.similarity, nd.mark)
        )
    }


def save_members(session: Session, rows: Sequence[tuple[int, int, float, str]]) -> None:
    """Write (article id, group id, similarity, mark) rows, replacing an article's old row."""
    if not rows:
        return
    stmt = dialect.insert(session, t.near_duplicate)
    stmt = stmt.on_conflict_do_update(
        index_elements=[t.near_duplicate.c.article_id],
        set_={
            "group_id": stmt.excluded.group_id,
            "similarity": stmt.excluded.similarity,
            "mark": stmt.excluded.mark,
        },
    )
    session.execute(
        stmt, [{"article_id": a, "group_id": g, "similarity": s, "mark": m} for a, g, s, m in rows]
    )


def set_marks(session: Session, marks: dict[int, str]) -> None:
    nd = t.near_duplicate.c
    for mark in set(marks.values()):
        ids = [a for a, m in marks.items() if m == mark]
        session.execute(t.near_duplicate.update().where(nd.article_id.in_(ids)).values(mark=mark))


def clear_groups(session: Session) -> None:
    session.execute(delete(t.near_duplicate))


def duplicate_ids_select() -> Select[tuple[int]]:
    """The ids of articles marked duplicate: left out of agreement and exports."""
    nd = t.near_duplicate.c
    return select(nd.article_id).where(nd.mark == DUPLICATE)


def duplicate_ids(session: Session) -> set[int]:
    return {int(a) for a in session.execute(duplicate_ids_select()).scalars()}
