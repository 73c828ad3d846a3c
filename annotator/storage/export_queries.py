"""The reads behind every label export: the filters (coders, group, done only, duplicates) and
the streams of articles, sentences and labels, batch by batch of articles in export order.

The formats (``annotator.exports``) render what these return; they hold no SQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import exists, func, select, type_coerce
from sqlalchemy.sql import Select
from sqlmodel import Session

from annotator.errors import ExportError
from annotator.records import ExportOptions, Status
from annotator.storage import tables as t
from annotator.storage.dialect import StoredTime
from annotator.storage.duplicate_store import duplicate_ids_select

ARTICLE_BATCH = 1_000


def narrow(stmt: Select[Any], session: Session, options: ExportOptions) -> Select[Any]:
    """Apply the coder, group, done-only and codebook-version filters to a query that joins
    label and code."""
    if options.coders is not None:
        check_coders(session, options.coders)
        stmt = stmt.where(
            t.label.c.coder_id.in_(select(t.coder.c.id).where(t.coder.c.name.in_(options.coders)))
        )
    if options.group is not None:
        gid = group_id(session, options.group)
        stmt = stmt.where(
            t.label.c.code_id.in_(select(t.code.c.id).where(t.code.c.group_id == gid))
        )
    if options.done_only:
        stmt = stmt.where(done_clause())
    if options.codebook_versions is not None:
        stmt = stmt.where(t.label.c.codebook_version.in_(sorted(options.codebook_versions)))
    if options.skip_duplicates and has_duplicates(session):
        stmt = stmt.where(t.sentence.c.article_id.not_in(duplicate_ids_select()))
    return stmt


def has_duplicates(session: Session) -> bool:
    """Whether any article is marked duplicate (most projects: none, and no filter is added)."""
    return session.execute(duplicate_ids_select().limit(1)).first() is not None


def done_clause() -> Any:
    """The label's coder has marked the label's article done."""
    return exists().where(
        t.article_status.c.coder_id == t.label.c.coder_id,
        t.article_status.c.article_id == t.sentence.c.article_id,
        t.article_status.c.status == int(Status.DONE),
    )


def check_coders(session: Session, coders: Sequence[str]) -> None:
    known = set(session.execute(select(t.coder.c.name)).scalars())
    missing = [c for c in coders if c not in known]
    if missing:
        raise ExportError(
            f"no coder named {', '.join(repr(m) for m in missing)} "
            f"(coders: {', '.join(sorted(known)) or 'none'})"
        )


def group_id(session: Session, name: str) -> int:
    rows = session.execute(select(t.code_group.c.id, t.code_group.c.name)).all()
    for gid, gname in rows:
        if gname == name:
            return int(gid)
    for gid, gname in rows:
        if str(gname).casefold() == name.casefold():
            return int(gid)
    raise ExportError(
        f"no code group named {name!r} (groups: {', '.join(str(r[1]) for r in rows) or 'none'})"
    )


def count_labels(session: Session, options: ExportOptions) -> int:
    """How many labels the export will hold (for progress)."""
    stmt = select(func.count()).select_from(
        t.label.join(t.sentence, t.sentence.c.id == t.label.c.sentence_id)
    )
    return int(session.execute(narrow(stmt, session, options)).scalar() or 0)


def count_memos_and_statuses(session: Session) -> int:
    """Memo rows plus status rows: with the labels, at most the rows of the long layout."""
    return sum(
        int(session.execute(select(func.count()).select_from(table)).scalar() or 0)
        for table in (t.memo, t.article_status)
    )


def article_batches(session: Session, options: ExportOptions) -> list[list[int]]:
    """Article ids in export order, in batches; done-only keeps articles a chosen coder finished."""
    stmt = select(t.article.c.id).order_by(t.article.c.id)
    if options.skip_duplicates and has_duplicates(session):
        stmt = stmt.where(t.article.c.id.not_in(duplicate_ids_select()))
    if options.done_only:
        done = select(t.article_status.c.article_id).where(
            t.article_status.c.status == int(Status.DONE)
        )
        if options.coders is not None:
            done = done.where(
                t.article_status.c.coder_id.in_(
                    select(t.coder.c.id).where(t.coder.c.name.in_(options.coders))
                )
            )
        stmt = stmt.where(t.article.c.id.in_(done))
    ids = list(session.execute(stmt).scalars())
    return [ids[i : i + ARTICLE_BATCH] for i in range(0, len(ids), ARTICLE_BATCH)]


def article_texts(
    session: Session, article_ids: Sequence[int]
) -> dict[int, tuple[str, str, str, str]]:
    """article id -> (uid, title, content hash, text)."""
    a = t.article.c
    return {
        int(aid): (str(uid), str(title), str(chash), str(text))
        for aid, uid, title, chash, text in raw_rows(
            session,
            select(a.id, a.uid, a.title, a.content_hash, a.text).where(a.id.in_(article_ids)),
        )
    }


def sentence_spans(
    session: Session, article_ids: Sequence[int]
) -> dict[int, tuple[int, int, int, int]]:
    """sentence id -> (article id, index, start, end)."""
    s = t.sentence.c
    return {
        int(sid): (int(aid), int(index), int(start), int(end))
        for sid, aid, index, start, end in raw_rows(
            session,
            select(s.id, s.article_id, s.index, s.start, s.end).where(
                s.article_id.in_(article_ids)
            ),
        )
    }


def sentence_rows(session: Session, article_ids: Sequence[int]) -> list[tuple[Any, ...]]:
    """(sentence id, article id, article uid, title, hash, index, start, end, text) in order.

    The text is sliced in Python, not by SQLite's ``substr``, which counts characters the C way
    and would cut a text holding a NUL short (and slicing one article text is cheaper anyway).
    """
    articles = article_texts(session, article_ids)
    stmt = (
        select(
            t.sentence.c.id,
            t.sentence.c.article_id,
            t.sentence.c.index,
            t.sentence.c.start,
            t.sentence.c.end,
        )
        .where(t.sentence.c.article_id.in_(article_ids))
        .order_by(t.sentence.c.article_id, t.sentence.c.index)
    )
    out = []
    for sid, aid, index, start, end in session.execute(stmt):
        uid, title, chash, text = articles[int(aid)]
        out.append((sid, aid, uid, title, chash, index, start, end, text[start:end]))
    return out


def label_rows(
    session: Session, article_ids: Sequence[int], options: ExportOptions
) -> list[tuple[Any, ...]]:
    """(sentence id, coder, group, code, code uid, labelled_at, codebook version) in codebook
    order."""
    stmt = (
        select(
            t.label.c.sentence_id,
            t.coder.c.name,
            t.code_group.c.name,
            t.code.c.name,
            t.code.c.uid,
            type_coerce(t.label.c.created_at, StoredTime()),
            t.label.c.codebook_version,
        )
        .select_from(t.label)
        .join(t.sentence, t.sentence.c.id == t.label.c.sentence_id)
        .join(t.coder, t.coder.c.id == t.label.c.coder_id)
        .join(t.code, t.code.c.id == t.label.c.code_id)
        .join(t.code_group, t.code_group.c.id == t.code.c.group_id)
        .where(t.sentence.c.article_id.in_(article_ids))
        .order_by(
            t.sentence.c.article_id,
            t.sentence.c.index,
            t.coder.c.name,
            t.code_group.c.position,
            t.code.c.position,
        )
    )
    return [tuple(r) for r in session.execute(narrow(stmt, session, options))]


def export_coders(session: Session, options: ExportOptions) -> list[str]:
    names = sorted(session.execute(select(t.coder.c.name)).scalars())
    if options.coders is None:
        return names
    check_coders(session, options.coders)
    return [c for c in options.coders]


def export_groups(session: Session, options: ExportOptions) -> list[str]:
    stmt = select(t.code_group.c.name).order_by(t.code_group.c.position, t.code_group.c.id)
    if options.group is not None:
        gid = group_id(session, options.group)
        stmt = stmt.where(t.code_group.c.id == gid)
    return list(session.execute(stmt).scalars())


def code_names(session: Session) -> dict[int, tuple[str, str]]:
    """code id -> (group name, code name), hidden codes too."""
    return {
        int(c): (str(g), str(n))
        for c, g, n in session.execute(
            select(t.code.c.id, t.code_group.c.name, t.code.c.name).join(
                t.code_group, t.code_group.c.id == t.code.c.group_id
            )
        )
    }


def ordered_label_ids(
    session: Session, article_ids: Sequence[int], options: ExportOptions
) -> list[tuple[Any, ...]]:
    """(sentence id, coder id, code id, stored time, codebook version) in export order,
    without joins.

    The covering (article, index) index gives sentence order for free; only the few labels of
    one sentence are sorted here (by coder name, group and code position).
    """
    stmt = (
        select(
            t.sentence.c.id,
            t.label.c.coder_id,
            t.label.c.code_id,
            type_coerce(t.label.c.created_at, StoredTime()),
            t.label.c.codebook_version,
        )
        .select_from(t.sentence)
        .join(t.label, t.label.c.sentence_id == t.sentence.c.id)
        .where(t.sentence.c.article_id.in_(article_ids))
        .order_by(t.sentence.c.article_id, t.sentence.c.index)
    )
    rows = raw_rows(session, narrow(stmt, session, options))
    coder_rank = {
        int(i): n
        for n, (i, _name) in enumerate(
            session.execute(select(t.coder.c.id, t.coder.c.name).order_by(t.coder.c.name))
        )
    }
    code_rank = {
        int(i): n
        for n, (i,) in enumerate(
            session.execute(
                select(t.code.c.id)
                .join(t.code_group, t.code_group.c.id == t.code.c.group_id)
                .order_by(t.code_group.c.position, t.code.c.position)
            )
        )
    }
    start = 0
    for i in range(1, len(rows) + 1):
        if i == len(rows) or rows[i][0] != rows[start][0]:
            if i - start > 1:
                rows[start:i] = sorted(
                    rows[start:i], key=lambda r: (coder_rank[r[1]], code_rank[r[2]])
                )
            start = i
    return rows


def raw_rows(session: Session, stmt: Select[Any]) -> list[tuple[Any, ...]]:
    """Rows as plain tuples, for columns that need no result processing (integers and text).

    On SQLite the compiled statement goes straight to the driver, skipping SQLAlchemy's result
    processing: at a million rows that processing costs more than SQLite's own work. Any other
    dialect takes SQLAlchemy's ordinary path (same rows).
    """
    bind = session.get_bind()
    if bind.dialect.name != "sqlite":
        return [tuple(r) for r in session.execute(stmt)]
    compiled = stmt.compile(dialect=bind.dialect, compile_kwargs={"render_postcompile": True})
    values = compiled.params  # a property that builds the dict: read it once
    params = [values[name] for name in compiled.positiontup or ()]
    driver = session.connection().connection.driver_connection
    assert driver is not None
    rows: list[tuple[Any, ...]] = driver.execute(str(compiled), params).fetchall()
    return rows
