"""Reads and status writes of the exchange workflows (merge, label import, REFI-QDA import).

Times that travel between files (labelled at, memo and status times) are carried as *stored
times*: the text SQLite holds for a DateTime, read with ``type_coerce(..., StoredTime())`` and
written back as a String parameter, so they cross unchanged and without a parse per row.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine as Engine  # the type the workflows outside storage/ name
from sqlalchemy import bindparam, func, select, type_coerce, update
from sqlmodel import Session as Session  # ... and the session type they pass back in

from annotator.records import Status
from annotator.storage import clock
from annotator.storage import tables as t
from annotator.storage.dialect import StoredTime

STORED_TIME = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores DateTime in SQLite (naive UTC)
CHUNK = 900  # ids per IN (...), inside SQLite's variable limit


def stored_time(value: datetime | None) -> str:
    """A time (now if None) as stored; a naive time is taken as UTC."""
    value = value or datetime.now(UTC)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime(STORED_TIME)


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    for i in range(0, len(ids), CHUNK):
        yield list(ids[i : i + CHUNK])


# --- codebook, coders ------------------------------------------------------------------------


def code_ids_by_uid(session: Session) -> dict[str, int]:
    return {str(u): int(i) for i, u in session.execute(select(t.code.c.id, t.code.c.uid))}


def code_uids(session: Session) -> dict[int, str]:
    return {int(i): str(u) for i, u in session.execute(select(t.code.c.id, t.code.c.uid))}


def code_names(session: Session) -> dict[int, str]:
    return {int(i): str(n) for i, n in session.execute(select(t.code.c.id, t.code.c.name))}


def codes_by_group_and_name(session: Session) -> list[tuple[int, str, str]]:
    """(code id, code name, group name), active codes first."""
    rows = session.execute(
        select(t.code.c.id, t.code.c.name, t.code_group.c.name)
        .join(t.code_group, t.code_group.c.id == t.code.c.group_id)
        .order_by(t.code.c.active.desc())
    )
    return [(int(c), str(n), str(g)) for c, n, g in rows]


def coder_ids(session: Session) -> dict[str, int]:
    return {str(n): int(i) for i, n in session.execute(select(t.coder.c.id, t.coder.c.name))}


def coder_names(session: Session) -> dict[int, str]:
    return {i: n for n, i in coder_ids(session).items()}


# --- articles and sentences ------------------------------------------------------------------


def article_count(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(t.article)).scalar() or 0)


def article_ids(session: Session) -> list[int]:
    ids = session.execute(select(t.article.c.id).order_by(t.article.c.id)).scalars()
    return [int(i) for i in ids]


def article_keys(session: Session) -> list[tuple[int, str, str]]:
    """(id, uid, stored content hash) of every article."""
    rows = session.execute(select(t.article.c.id, t.article.c.uid, t.article.c.content_hash))
    return [(int(i), str(u), str(h)) for i, u, h in rows]


def articles_with_text(session: Session) -> Iterator[tuple[int, str, str, str]]:
    """(id, uid, stored content hash, text) of every article."""
    for i, u, h, x in session.execute(
        select(t.article.c.id, t.article.c.uid, t.article.c.content_hash, t.article.c.text)
    ):
        yield int(i), str(u), str(h), str(x)


@dataclass(frozen=True)
class ArticleRow:
    id: int
    uid: str
    title: str
    source: str
    date: Any
    url: str
    language: str
    text: str
    content_hash: str
    meta_json: str


def articles(session: Session, ids: Sequence[int]) -> list[ArticleRow]:
    a = t.article.c
    out: list[ArticleRow] = []
    for chunk in _chunks(ids):
        out.extend(
            ArticleRow(*row)
            for row in session.execute(
                select(
                    a.id,
                    a.uid,
                    a.title,
                    a.source,
                    a.date,
                    a.url,
                    a.language,
                    a.text,
                    a.content_hash,
                    a.meta_json,
                ).where(a.id.in_(chunk))
            )
        )
    return out


def article_texts(session: Session, ids: Sequence[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    for chunk in _chunks(ids):
        out.update(
            (int(i), str(x))
            for i, x in session.execute(
                select(t.article.c.id, t.article.c.text).where(t.article.c.id.in_(chunk))
            )
        )
    return out


def article_by_hash(session: Session, content_hash: str) -> tuple[int, str] | None:
    """(id, text) of an article with this stored content hash."""
    row = session.execute(
        select(t.article.c.id, t.article.c.text).where(t.article.c.content_hash == content_hash)
    ).first()
    return None if row is None else (int(row[0]), str(row[1]))


def uid_taken(session: Session, uid: str) -> bool:
    return session.execute(select(t.article.c.id).where(t.article.c.uid == uid)).first() is not None


def sentence_spans(session: Session, ids: Sequence[int]) -> dict[int, list[tuple[int, int, int]]]:
    """article id -> [(sentence id, start, end)] in reading order (none: not in it)."""
    s = t.sentence.c
    out: dict[int, list[tuple[int, int, int]]] = {}
    for chunk in _chunks(ids):
        for sid, aid, start, end in session.execute(
            select(s.id, s.article_id, s.start, s.end)
            .where(s.article_id.in_(chunk))
            .order_by(s.article_id, s.index)
        ):
            out.setdefault(aid, []).append((sid, start, end))
    return out


# --- what another file holds, times as stored --------------------------------------------------


def labels_of_articles(
    session: Session, ids: Sequence[int]
) -> list[tuple[int, int, int, str, int]]:
    """(sentence id, code id, coder id, stored time, codebook version) of the labels on these
    articles, in the order they were given (rows as the driver gives them: a merge reads a
    million)."""
    lab = t.label.c
    found: list[tuple[int, int, int, str, int, int]] = []
    for chunk in _chunks(ids):
        found.extend(
            session.execute(
                select(
                    lab.sentence_id,
                    lab.code_id,
                    lab.coder_id,
                    type_coerce(lab.created_at, StoredTime()),
                    lab.codebook_version,
                    lab.id,
                )
                .join(t.sentence, t.sentence.c.id == lab.sentence_id)
                .where(t.sentence.c.article_id.in_(chunk))
                .order_by(lab.id)
            )
        )
    if len(ids) > CHUNK:
        found.sort(key=lambda row: row[5])
    return [(s, c, k, at, v) for s, c, k, at, v, _id in found]


def memos_of_articles(
    session: Session, ids: Sequence[int]
) -> list[tuple[int, int | None, int, str, str]]:
    """(article id, sentence id or None, coder id, text, stored time) of these articles' memos."""
    m = t.memo.c
    out: list[tuple[int, int | None, int, str, str]] = []
    for chunk in _chunks(ids):
        out.extend(
            (int(a), None if s is None else int(s), int(k), str(x), str(at))
            for a, s, k, x, at in session.execute(
                select(
                    m.article_id,
                    m.sentence_id,
                    m.coder_id,
                    m.text,
                    type_coerce(m.updated_at, StoredTime()),
                ).where(m.article_id.in_(chunk))
            )
        )
    return out


def statuses_of_articles(session: Session, ids: Sequence[int]) -> list[tuple[int, int, int, str]]:
    """(article id, coder id, status, stored time) of these articles."""
    st = t.article_status.c
    out: list[tuple[int, int, int, str]] = []
    for chunk in _chunks(ids):
        out.extend(
            (int(a), int(c), int(s), str(at))
            for a, c, s, at in session.execute(
                select(
                    st.article_id, st.coder_id, st.status, type_coerce(st.updated_at, StoredTime())
                ).where(st.article_id.in_(chunk))
            )
        )
    return out


def raise_statuses(session: Session, incoming: Iterable[tuple[int, int, int, str | None]]) -> int:
    """Carry statuses (article id, coder id, status, stored time or None for now) across: a
    status is added where the coder has none and raised where it is further on, never lowered.
    Returns how many were added or raised (a status raised twice counts twice). Written in two
    statements (one insert, one update), not one per row: a merge batch carries a thousand."""
    rows = list(incoming)
    if not rows:
        return 0
    st = t.article_status.c
    current: dict[tuple[int, int], int] = {}
    for chunk in _chunks(sorted({r[0] for r in rows})):
        for a, c, s in session.execute(
            select(st.article_id, st.coder_id, st.status).where(st.article_id.in_(chunk))
        ):
            current[(int(a), int(c))] = int(s)
    existing = set(current)
    final: dict[tuple[int, int], tuple[int, str | None]] = {}
    raised = 0
    for aid, coder, status, at in rows:
        key = (aid, coder)
        before = current.get(key)
        if before is not None and status <= before:
            continue
        current[key] = status
        final[key] = (int(Status(status)), at)
        raised += 1
    if not final:
        return 0
    now: dict[int, str] = {}

    def when(coder: int, at: str | None) -> str:
        if at is not None:
            return at
        if coder not in now:
            now[coder] = stored_time(clock.stamp_for(session, [coder]))
        return now[coder]

    added = [
        {"a": a, "c": c, "s": s, "u": when(c, at)}
        for (a, c), (s, at) in final.items()
        if (a, c) not in existing
    ]
    changed = [
        {"a": a, "c": c, "s": s, "u": when(c, at)}
        for (a, c), (s, at) in final.items()
        if (a, c) in existing
    ]
    stamp = bindparam("u", type_=StoredTime())
    if added:
        session.execute(
            t.article_status.insert().values(
                article_id=bindparam("a"),
                coder_id=bindparam("c"),
                status=bindparam("s"),
                updated_at=stamp,
            ),
            added,
        )
    if changed:
        session.execute(
            update(t.article_status)
            .where(st.article_id == bindparam("a"), st.coder_id == bindparam("c"))
            .values(status=bindparam("s"), updated_at=stamp),
            changed,
        )
    return raised
