"""What an export reads about articles and coders besides the labels: metadata, statuses, memos,
coder names and counts, and the per-batch reads of the REFI-QDA project export.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, type_coerce
from sqlmodel import Session

from annotator.records import Status
from annotator.storage import dialect
from annotator.storage import tables as t
from annotator.storage.dialect import StoredTime


def metadata_keys(session: Session) -> list[str]:
    """Every custom metadata key of the project's articles, sorted, so that every export of the
    same project has the same columns whatever its filters."""
    return sorted(dialect.metadata_keys(session))


def _meta_value(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def article_metadata(
    session: Session, article_ids: Sequence[int], keys: Sequence[str]
) -> dict[int, tuple[str, ...]]:
    """article id -> (source, date, url, language, value of each key; '' where absent)."""
    a = t.article.c
    out: dict[int, tuple[str, ...]] = {}
    for aid, source, date, url, language, meta in session.execute(
        select(a.id, a.source, a.date, a.url, a.language, a.meta_json).where(a.id.in_(article_ids))
    ):
        try:
            extra = json.loads(meta or "{}")
        except ValueError:
            extra = {}
        if not isinstance(extra, dict):
            extra = {}
        out[int(aid)] = (
            str(source or ""),
            str(date or ""),
            str(url or ""),
            str(language or ""),
            *(_meta_value(extra.get(k)) for k in keys),
        )
    return out


def coder_statuses(session: Session, article_ids: Sequence[int]) -> dict[tuple[int, int], int]:
    """(article id, coder id) -> stored status, for the rows that exist."""
    s = t.article_status.c
    return {
        (int(a), int(c)): int(v)
        for a, c, v in session.execute(
            select(s.article_id, s.coder_id, s.status).where(s.article_id.in_(article_ids))
        )
    }


@dataclass(frozen=True)
class MemoRow:
    """One memo: on an article (``sentence_id`` None) or on one sentence."""

    article_id: int
    sentence_id: int | None
    coder_id: int
    text: str
    updated_at: str  # stored naive UTC text


def memos(session: Session, article_ids: Sequence[int]) -> list[MemoRow]:
    m = t.memo.c
    return [
        MemoRow(int(a), None if s is None else int(s), int(c), str(text), str(at or ""))
        for a, s, c, text, at in session.execute(
            select(
                m.article_id,
                m.sentence_id,
                m.coder_id,
                m.text,
                type_coerce(m.updated_at, StoredTime()),
            ).where(m.article_id.in_(article_ids))
        )
    ]


def coder_name_map(session: Session) -> dict[int, str]:
    """coder id -> name."""
    return {int(i): str(n) for i, n in session.execute(select(t.coder.c.id, t.coder.c.name))}


def coder_ranks(session: Session) -> dict[int, int]:
    """coder id -> position when coders are sorted by name (the order of every export)."""
    return {
        int(i): n
        for n, (i, _name) in enumerate(
            session.execute(select(t.coder.c.id, t.coder.c.name).order_by(t.coder.c.name))
        )
    }


def coder_ids_in_scope(session: Session, coders: Sequence[str] | None) -> set[int]:
    """The ids of the coders an export covers (all when ``coders`` is None)."""
    rows = session.execute(select(t.coder.c.id, t.coder.c.name)).all()
    if coders is None:
        return {int(i) for i, _n in rows}
    wanted = set(coders)
    return {int(i) for i, n in rows if n in wanted}


def labels_per_coder(session: Session) -> dict[int, int]:
    """coder id -> number of labels (coders without labels are absent)."""
    return {
        int(c): int(n)
        for c, n in session.execute(
            select(t.label.c.coder_id, func.count()).group_by(t.label.c.coder_id)
        )
    }


def done_per_coder(session: Session) -> dict[int, int]:
    """coder id -> number of articles marked done (coders with none are absent)."""
    return {
        int(c): int(n)
        for c, n in session.execute(
            select(t.article_status.c.coder_id, func.count())
            .where(t.article_status.c.status == int(Status.DONE))
            .group_by(t.article_status.c.coder_id)
        )
    }


# --- the REFI-QDA project export ------------------------------------------------------------


def source_articles(session: Session, article_ids: Sequence[int]) -> list[tuple[Any, ...]]:
    """(id, uid, title, text, stored import time) by id: each becomes a ``<TextSource>``."""
    a = t.article.c
    return [
        tuple(r)
        for r in session.execute(
            select(a.id, a.uid, a.title, a.text, type_coerce(a.imported_at, StoredTime()))
            .where(a.id.in_(article_ids))
            .order_by(a.id)
        )
    ]


def sentences_by_article(
    session: Session, article_ids: Sequence[int]
) -> dict[int, list[tuple[int, int, int, int]]]:
    """article id -> [(sentence id, index, start, end)] in sentence order."""
    s = t.sentence.c
    out: dict[int, list[tuple[int, int, int, int]]] = {}
    for sid, aid, index, start, end in session.execute(
        select(s.id, s.article_id, s.index, s.start, s.end)
        .where(s.article_id.in_(article_ids))
        .order_by(s.article_id, s.index)
    ):
        out.setdefault(aid, []).append((sid, index, start, end))
    return out


def named_memos(
    session: Session, article_ids: Sequence[int]
) -> list[tuple[int, int | None, str, str]]:
    """(article id, sentence id or None, coder name, text) of the articles' memos."""
    m = t.memo.c
    return [
        (aid, sid, coder, text)
        for aid, sid, coder, text in session.execute(
            select(m.article_id, m.sentence_id, t.coder.c.name, m.text)
            .join(t.coder, t.coder.c.id == m.coder_id)
            .where(m.article_id.in_(article_ids))
        )
    ]


def code_uids_and_groups(session: Session) -> dict[int, tuple[str, str]]:
    """code id -> (code uid, group name)."""
    return {
        int(cid): (str(uid), str(group))
        for cid, uid, group in session.execute(
            select(t.code.c.id, t.code.c.uid, t.code_group.c.name).join(
                t.code_group, t.code_group.c.id == t.code.c.group_id
            )
        )
    }
