"""What an export says about an article besides its sentences: metadata, coder status, memos.

Shared by the long and wide layouts (CSV and XLSX) so that every file names the same facts
the same way: ``article_source`` ... ``article_language``, then one ``meta:<key>`` column per
custom metadata field found in the project, and a coder's status as ``done``, ``in progress``
or ``not started``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, func, select, type_coerce
from sqlmodel import Session

from annotator.records import Status
from annotator.storage import tables as t

METADATA_COLUMNS = ["article_source", "article_date", "article_url", "article_language"]
META_PREFIX = "meta:"
STATUS_NAMES = {int(s): s.label for s in Status}  # 0 "not started", 1 "in progress", 2 "done"


def status_name(value: int | None) -> str:
    """The status as the files spell it; no status row means the coder has not started."""
    return STATUS_NAMES.get(int(value or 0), STATUS_NAMES[0])


def metadata_keys(session: Session) -> list[str]:
    """Every custom metadata key of the project's articles, sorted, so that every export of the
    same project has the same columns whatever its filters."""
    each = func.json_each(t.article.c.meta_json).table_valued("key")
    stmt = (
        select(each.c.key)
        .select_from(t.article)
        .join(each, func.json_type(t.article.c.meta_json) == "object")
        .where(func.json_valid(t.article.c.meta_json))
        .distinct()
    )
    return sorted(str(k) for k in session.execute(stmt).scalars() if k is not None)


def metadata_columns(keys: Sequence[str]) -> list[str]:
    return METADATA_COLUMNS + [META_PREFIX + k for k in keys]


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
                type_coerce(m.updated_at, String),
            ).where(m.article_id.in_(article_ids))
        )
    ]


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
