"""Read queries. Each takes the session as a parameter and returns plain records."""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Dialect, Select, bindparam, func, select
from sqlmodel import Session

from annotator.errors import NotFoundError
from annotator.records import (
    ArticleRecord,
    ArticleSummary,
    CodeRecord,
    GroupRecord,
    Memo,
    ProjectCodebook,
    SentenceRecord,
    Status,
)
from annotator.storage import dialect
from annotator.storage import tables as t


def coder_id(session: Session, name: str) -> int | None:
    return session.execute(select(t.coder.c.id).where(t.coder.c.name == name)).scalar()


def coder_names(session: Session) -> dict[int, str]:
    return {i: n for i, n in session.execute(select(t.coder.c.id, t.coder.c.name))}


def article_select() -> Select[Any]:
    """The columns of an ArticleRecord, in its field order."""
    c = t.article.c
    return select(c.id, c.uid, c.title, c.source, c.date, c.url, c.language, c.text, c.content_hash)


def article(session: Session, article_id: int) -> ArticleRecord:
    row = session.execute(article_select().where(t.article.c.id == article_id)).one_or_none()
    if row is None:
        raise NotFoundError(f"no article with id {article_id}")
    return ArticleRecord(*row)


def articles(session: Session) -> list[ArticleRecord]:
    rows = session.execute(article_select().order_by(t.article.c.id))
    return [ArticleRecord(*r) for r in rows]


def article_ids(session: Session) -> list[int]:
    return list(session.execute(select(t.article.c.id).order_by(t.article.c.id)).scalars())


_STATUS = {int(s): s for s in Status}  # Status(n) costs microseconds; 100,000 of them add up


def article_summaries(
    session: Session, coder: int | None, ids: Sequence[int] | None = None
) -> list[ArticleSummary]:
    """The article list for one coder: counts come from indexes, not from reading text."""
    stmt = select(
        t.article.c.id,
        t.article.c.uid,
        t.article.c.title,
        t.article.c.source,
        t.article.c.date,
        t.article.c.n_sentences,
    ).order_by(t.article.c.id)
    if ids is not None:
        stmt = stmt.where(t.article.c.id.in_(ids))
    # Plain DBAPI tuples: these columns need no type processing, and Row objects for 100,000
    # articles cost a tenth of a second the window's open time can't spare.
    rows = session.connection().execute(stmt).cursor.fetchall()
    coded: dict[int, int] = {}
    status: dict[int, int] = {}
    assigned: dict[int, int] = {}
    if coder is not None:
        asg = t.assignment.c
        assigned = {
            int(a): 2 if overlap else 1
            for a, overlap in session.execute(
                select(asg.article_id, asg.overlap).where(asg.coder_id == coder)
            )
        }
        coded_stmt = (
            select(t.sentence.c.article_id, func.count(func.distinct(t.label.c.sentence_id)))
            .join(t.sentence, t.sentence.c.id == t.label.c.sentence_id)
            .where(t.label.c.coder_id == coder)
            .group_by(t.sentence.c.article_id)
        )
        # Only labels on codes the codebook shows: a label whose code left the codebook is
        # kept but hidden, and a sentence with nothing else on it is not coded any more. (Most
        # projects hide no code; then the query stays as fast as it was.)
        hidden = hidden_code_ids(session)
        if hidden:
            coded_stmt = coded_stmt.where(t.label.c.code_id.not_in(hidden))
        coded = {a: n for a, n in session.execute(coded_stmt)}
        status = {
            a: s
            for a, s in session.execute(
                select(t.article_status.c.article_id, t.article_status.c.status).where(
                    t.article_status.c.coder_id == coder
                )
            )
        }
    nd = t.near_duplicate.c
    groups = {a: (g, m) for a, g, m in session.execute(select(nd.article_id, nd.group_id, nd.mark))}
    return [
        ArticleSummary(
            id=r[0],
            uid=r[1],
            title=r[2],
            source=r[3],
            date=r[4],
            n_sentences=r[5],
            n_coded=coded.get(r[0], 0),
            status=_STATUS[status.get(r[0], 0)],
            duplicate_group=groups[r[0]][0] if r[0] in groups else None,
            duplicate_mark=groups[r[0]][1] if r[0] in groups else "",
            assigned=assigned.get(r[0], 0),
        )
        for r in rows
    ]


def hidden_code_ids(session: Session) -> list[int]:
    """Codes the codebook no longer shows (dropped, or in a dropped group): their labels stay in
    the file but count for nothing in the window's progress."""
    rows = session.execute(
        select(t.code.c.id)
        .join(t.code_group, t.code_group.c.id == t.code.c.group_id)
        .where((t.code.c.active.is_(False)) | (t.code_group.c.active.is_(False)))
    )
    return [int(r[0]) for r in rows]


def sentences(session: Session, article_id: int, text: str | None = None) -> list[SentenceRecord]:
    if text is None:
        text = session.execute(
            select(t.article.c.text).where(t.article.c.id == article_id)
        ).scalar()
        if text is None:
            raise NotFoundError(f"no article with id {article_id}")
    rows = session.execute(
        select(t.sentence.c.id, t.sentence.c.index, t.sentence.c.start, t.sentence.c.end)
        .where(t.sentence.c.article_id == article_id)
        .order_by(t.sentence.c.index)
    )
    return [SentenceRecord(i, article_id, idx, s, e, text[s:e]) for i, idx, s, e in rows]


def sentence(session: Session, sentence_id: int) -> SentenceRecord:
    row = session.execute(
        select(
            t.sentence.c.id,
            t.sentence.c.article_id,
            t.sentence.c.index,
            t.sentence.c.start,
            t.sentence.c.end,
            t.article.c.text,
        )
        .join(t.article, t.article.c.id == t.sentence.c.article_id)
        .where(t.sentence.c.id == sentence_id)
    ).one_or_none()
    if row is None:
        raise NotFoundError(f"no sentence with id {sentence_id}")
    sid, aid, idx, s, e, text = row
    return SentenceRecord(sid, aid, idx, s, e, text[s:e])


def labels_of_article(
    session: Session, article_id: int, coder_ids: Sequence[int] | None = None
) -> dict[int, list[tuple[int, int]]]:
    stmt = (
        select(t.label.c.sentence_id, t.label.c.coder_id, t.label.c.code_id)
        .join(t.sentence, t.sentence.c.id == t.label.c.sentence_id)
        .where(t.sentence.c.article_id == article_id)
        .order_by(t.label.c.id)
    )
    if coder_ids is not None:
        stmt = stmt.where(t.label.c.coder_id.in_(coder_ids))
    out: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for sid, cid, code in session.execute(stmt):
        out[sid].append((cid, code))
    return dict(out)


def done_counts(session: Session) -> dict[str, int]:
    """Coder name -> how many articles that coder has marked done (coders with none left out)."""
    rows = session.execute(
        select(t.coder.c.name, func.count())
        .join(t.article_status, t.article_status.c.coder_id == t.coder.c.id)
        .where(t.article_status.c.status == int(Status.DONE))
        .group_by(t.coder.c.name)
    )
    return {str(name): int(n) for name, n in rows}


def article_status(session: Session, article_id: int, coder: int) -> Status:
    value = session.execute(
        select(t.article_status.c.status).where(
            t.article_status.c.article_id == article_id, t.article_status.c.coder_id == coder
        )
    ).scalar()
    return Status(value or 0)


def code_columns() -> tuple[Any, ...]:
    """The code columns code_record reads, in its order (a query may select more after them)."""
    c = t.code.c
    return (
        c.id, c.uid, c.name, c.key, c.color, c.definition, c.include, c.exclude,
        c.examples_json, c.position,
    )  # fmt: skip


def code_record(row: Any, group_id: int, group_uid: str, group: str, multiple: bool) -> CodeRecord:
    """A CodeRecord from a row that starts with code_columns(), and its group's facts."""
    return CodeRecord(
        id=int(row[0]), uid=str(row[1]), name=str(row[2]), key=str(row[3]), color=str(row[4]),
        group=group, group_id=group_id, group_uid=group_uid, multiple=multiple,
        definition=str(row[5]), include=str(row[6]), exclude=str(row[7]),
        examples=tuple(json.loads(row[8] or "[]")), position=int(row[9]),
    )  # fmt: skip


ORDERED_GROUPS_KEY = "ordered_groups"  # annotator_meta key: JSON list of ordered group uids


def ordered_group_uids(session: Session | Any) -> frozenset[str]:
    """Uids of the code groups the codebook declares ordered (none in older projects)."""
    value = session.execute(
        select(t.meta.c.value).where(t.meta.c.key == ORDERED_GROUPS_KEY)
    ).scalar()
    if not value:
        return frozenset()
    try:
        return frozenset(str(u) for u in json.loads(value))
    except (ValueError, TypeError):
        return frozenset()


def project_codebook(session: Session) -> ProjectCodebook:
    cb = session.execute(
        select(
            t.codebook.c.id, t.codebook.c.name, t.codebook.c.version, t.codebook.c.description
        ).order_by(t.codebook.c.id)
    ).first()
    if cb is None:
        return ProjectCodebook(name="", version="", description="", groups=())
    groups = session.execute(
        select(
            t.code_group.c.id,
            t.code_group.c.uid,
            t.code_group.c.name,
            t.code_group.c.multiple,
            t.code_group.c.description,
        )
        .where(t.code_group.c.codebook_id == cb[0], t.code_group.c.active.is_(True))
        .order_by(t.code_group.c.position, t.code_group.c.id)
    ).all()
    codes = session.execute(
        select(*code_columns(), t.code.c.group_id)
        .where(t.code.c.active.is_(True))
        .order_by(t.code.c.position, t.code.c.id)
    ).all()
    ordered_uids = ordered_group_uids(session)
    out = []
    for gid, guid, gname, multiple, gdesc in groups:
        members = tuple(
            code_record(c, gid, guid, gname, bool(multiple)) for c in codes if c[10] == gid
        )
        ordered = not multiple and guid in ordered_uids
        out.append(GroupRecord(gid, guid, gname, bool(multiple), gdesc, members, ordered))
    return ProjectCodebook(name=cb[1], version=cb[2], description=cb[3], groups=tuple(out))


def all_codes_by_id(session: Session) -> dict[int, tuple[str, str]]:
    """Every code, active or not: id -> (code name, group name)."""
    rows = session.execute(
        select(t.code.c.id, t.code.c.name, t.code_group.c.name).join(
            t.code_group, t.code_group.c.id == t.code.c.group_id
        )
    )
    return {i: (n, g) for i, n, g in rows}


def memos(session: Session, article_id: int, coder: int | None = None) -> list[Memo]:
    stmt = (
        select(t.memo.c.article_id, t.memo.c.sentence_id, t.coder.c.name, t.memo.c.text)
        .join(t.coder, t.coder.c.id == t.memo.c.coder_id)
        .where(t.memo.c.article_id == article_id)
    )
    if coder is not None:
        stmt = stmt.where(t.memo.c.coder_id == coder)
    return [Memo(*r) for r in session.execute(stmt)]


def counts(session: Session) -> dict[str, int]:
    def n(table: object) -> int:
        return int(session.execute(select(func.count()).select_from(table)).scalar() or 0)  # type: ignore[arg-type]

    return {
        "articles": n(t.article),
        "sentences": n(t.sentence),
        "codes": int(
            session.execute(
                select(func.count()).select_from(t.code).where(t.code.c.active.is_(True))
            ).scalar()
            or 0
        ),
        "coders": n(t.coder),
        "labels": n(t.label),
        "memos": n(t.memo),
    }


def content_hashes(session: Session, hashes: Sequence[str]) -> set[str]:
    """Which of `hashes` the project's articles have (an import's check for duplicates).

    Run on the session's connection as plain SQL, so without the ORM's autoflush: articles are
    written with Core inserts, never as pending ORM objects."""
    found: set[str] = set()
    conn = session.connection()
    sql, positional = _hash_lookup(conn.dialect)
    for i in range(0, len(hashes), _HASHES_PER_LOOKUP):
        part = list(hashes[i : i + _HASHES_PER_LOOKUP])
        part += part[-1:] * (_HASHES_PER_LOOKUP - len(part))  # one statement for every part
        params = tuple(part) if positional else {f"h{j}": h for j, h in enumerate(part)}
        found.update(row[0] for row in conn.exec_driver_sql(sql, params))
    return found


_HASHES_PER_LOOKUP = 900


@functools.lru_cache(maxsize=4)
def _hash_lookup(dialect: Dialect) -> tuple[str, bool]:
    """The lookup of content_hashes compiled once: compiling a fresh ``IN`` of 900 values for
    every part cost an import of 50 MB 0.2 s of its one writer's time (now 0.08)."""
    names = [f"h{j}" for j in range(_HASHES_PER_LOOKUP)]
    column = t.article.c.content_hash
    compiled = (
        select(column).where(column.in_([bindparam(n) for n in names])).compile(dialect=dialect)
    )
    if compiled.positional:
        assert list(compiled.positiontup or ()) == names
    return str(compiled), bool(compiled.positional)


def find_text(
    session: Session, needle: str, limit: int = 500
) -> list[tuple[int, str, int, int, str]]:
    """Sentences containing needle, any case: (article id, title, sentence id, index, text)."""
    if not needle:
        return []
    lowered = needle.casefold()
    out: list[tuple[int, str, int, int, str]] = []
    art_rows = session.execute(
        select(t.article.c.id, t.article.c.title, t.article.c.text)
        .where(dialect.folded_contains(session, t.article.c.text, needle))
        .order_by(t.article.c.id)
    )
    for aid, title, text in art_rows:
        for s in sentences(session, aid, text):
            if lowered in s.text.casefold():
                out.append((aid, title, s.id, s.index, s.text))
                if len(out) >= limit:
                    return out
    return out
