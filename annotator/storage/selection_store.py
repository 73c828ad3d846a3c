"""Coded character ranges from other QDA programs (the ``selection`` table) and partial labels.

A REFI-QDA coding names a character range, our labels name sentences. The import writes both:
a label on every sentence the range touches, and the range itself here, so a .qdpx export can
give the range back as it came. ``partial_label`` flags the labels whose sentence the range (or
the ranges, taken together) covered only in part.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import and_, select, tuple_
from sqlmodel import Session

from annotator.storage import dialect
from annotator.storage import tables as t

CHUNK = 300  # row-value tuples per IN (...), well inside SQLite's variable limit


@dataclass(frozen=True)
class StoredSelection:
    """One coded range of one code by one coder, as the selection table holds it."""

    article_id: int
    coder_id: int
    code_id: int
    start: int
    end: int
    origin: str = ""
    source_guid: str = ""
    source_start: int = 0
    source_end: int = 0
    guid: str = ""
    created_at: str = ""


def add_selections(session: Session, rows: Sequence[StoredSelection]) -> int:
    """Insert the ranges not stored yet (same article, coder, code, start, end); returns how many
    were new. Importing a file twice stores each range once."""
    if not rows:
        return 0
    before = _count(session)
    stmt = dialect.insert(session, t.selection).on_conflict_do_nothing()
    session.execute(
        stmt,
        [
            {
                "article_id": r.article_id,
                "coder_id": r.coder_id,
                "code_id": r.code_id,
                "start": r.start,
                "end": r.end,
                "origin": r.origin,
                "source_guid": r.source_guid,
                "source_start": r.source_start,
                "source_end": r.source_end,
                "guid": r.guid,
                "created_at": r.created_at,
            }
            for r in rows
        ],
    )
    return _count(session) - before


def _count(session: Session) -> int:
    from sqlalchemy import func

    return int(session.execute(select(func.count()).select_from(t.selection)).scalar_one())


def selections_of(session: Session, article_ids: Sequence[int]) -> list[StoredSelection]:
    """The stored ranges of these articles, in article and text order."""
    out: list[StoredSelection] = []
    ids = sorted(set(article_ids))
    c = t.selection.c
    for i in range(0, len(ids), 900):
        for row in session.execute(
            select(
                c.article_id,
                c.coder_id,
                c.code_id,
                c.start,
                c.end,
                c.origin,
                c.source_guid,
                c.source_start,
                c.source_end,
                c.guid,
                c.created_at,
            )
            .where(c.article_id.in_(ids[i : i + 900]))
            .order_by(c.article_id, c.start, c.end, c.id)
        ):
            out.append(StoredSelection(*row))
    return out


def label_keys(session: Session, sentence_ids: Iterable[int]) -> set[tuple[int, int, int]]:
    """(sentence id, code id, coder id) of the labels on these sentences."""
    ids = sorted(set(sentence_ids))
    out: set[tuple[int, int, int]] = set()
    for i in range(0, len(ids), 900):
        out.update(
            (int(s), int(c), int(k))
            for s, c, k in session.execute(
                select(t.label.c.sentence_id, t.label.c.code_id, t.label.c.coder_id).where(
                    t.label.c.sentence_id.in_(ids[i : i + 900])
                )
            )
        )
    return out


def mark_partial(session: Session, keys: Iterable[tuple[int, int, int]]) -> int:
    """Flag the labels (sentence id, code id, coder id) as partly covered; returns how many."""
    wanted = sorted(set(keys))
    marked = 0
    lc = t.label.c
    for i in range(0, len(wanted), CHUNK):
        chunk = wanted[i : i + CHUNK]
        ids = [
            int(x)
            for x in session.execute(
                select(lc.id).where(tuple_(lc.sentence_id, lc.code_id, lc.coder_id).in_(chunk))
            ).scalars()
        ]
        if ids:
            session.execute(
                dialect.insert(session, t.partial_label).on_conflict_do_nothing(),
                [{"label_id": x} for x in ids],
            )
            marked += len(ids)
    return marked


def has_partial_labels(session: Session) -> bool:
    """Whether any label is flagged (most projects have none: exports skip the lookups)."""
    return session.execute(select(t.partial_label.c.label_id).limit(1)).first() is not None


def partial_of_article(session: Session, article_id: int) -> set[tuple[int, int, int]]:
    """(sentence id, coder id, code id) of the article's partial labels (the UI's key order)."""
    lc = t.label.c
    rows = session.execute(
        select(lc.sentence_id, lc.coder_id, lc.code_id)
        .join(t.partial_label, t.partial_label.c.label_id == lc.id)
        .join(t.sentence, and_(t.sentence.c.id == lc.sentence_id))
        .where(t.sentence.c.article_id == article_id)
    )
    return {(int(s), int(k), int(c)) for s, k, c in rows}


def partial_label_keys(session: Session, sentence_ids: Sequence[int]) -> set[tuple[int, int, int]]:
    """(sentence id, coder id, code id) of the partial labels among these sentences."""
    ids = sorted(set(sentence_ids))
    lc = t.label.c
    out: set[tuple[int, int, int]] = set()
    for i in range(0, len(ids), 900):
        out.update(
            (int(s), int(k), int(c))
            for s, k, c in session.execute(
                select(lc.sentence_id, lc.coder_id, lc.code_id)
                .join(t.partial_label, t.partial_label.c.label_id == lc.id)
                .where(lc.sentence_id.in_(ids[i : i + 900]))
            )
        )
    return out
