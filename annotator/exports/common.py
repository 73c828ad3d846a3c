"""What every export shares: options, the filtered label query, and writing files atomically.

An export never leaves half a file: it writes a temporary file beside the target and moves it
into place only when everything was written, so a full disk, a cancel or a crash leaves the
target as it was.
"""

from __future__ import annotations

import errno
import logging
import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import String, exists, select, type_coerce
from sqlalchemy.sql import Select
from sqlmodel import Session

from annotator.errors import AnnotatorError
from annotator.partial_files import SUFFIX as PARTIAL
from annotator.partial_files import owner_tag, sweep_abandoned
from annotator.records import Status
from annotator.storage import tables as t
from annotator.storage.duplicate_store import duplicate_ids_select

log = logging.getLogger(__name__)

Layout = Literal["long", "wide"]

WIDE_ARTICLE_COLUMNS = [
    "article_id",
    "article_title",
    "sentence_number",
    "sentence_start",
    "sentence_end",
    "sentence_text",
]
ARTICLE_BATCH = 1_000


class ExportError(AnnotatorError):
    """An export that could not be written; the target file is unchanged."""


class TargetExistsError(ExportError):
    """The target exists and overwriting was not allowed."""


@dataclass(frozen=True)
class ExportOptions:
    """Which labels an export holds. ``coders``/``group`` None mean all."""

    layout: Layout = "long"
    coders: tuple[str, ...] | None = None
    group: str | None = None
    done_only: bool = False
    bom: bool = False
    skip_duplicates: bool = True  # leave out articles marked "duplicate" (near-duplicate review)


def narrow(stmt: Select[Any], session: Session, options: ExportOptions) -> Select[Any]:
    """Apply the coder, group and done-only filters to a query that joins label and code."""
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


def iso_utc(stored: str | None) -> str:
    """Stored naive UTC ``2025-01-02 03:04:05.000006`` -> ``2025-01-02T03:04:05.000006Z``."""
    if not stored:
        return ""
    return stored.replace(" ", "T", 1) + "Z"


@contextmanager
def atomic_target(path: Path, *, force: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it into place only if the block succeeds.

    Refuses an existing target unless ``force``. Any failure (including Cancelled) removes the
    temporary file and leaves the target untouched; OS errors become one clear ExportError.
    """
    path = Path(path)
    if path.is_dir():
        raise ExportError(f"{path} is a folder: choose a file name to export to")
    if path.exists() and not force:
        raise TargetExistsError(f"{path} already exists: choose another name or allow overwriting")
    if not path.parent.is_dir():
        raise ExportError(f"cannot write {path.name}: folder {path.parent} does not exist")
    sweep_abandoned(path.parent)  # temporary files of exports that were killed mid-write
    try:
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{path.name}.{owner_tag()}.", suffix=PARTIAL, dir=path.parent
        )
    except OSError as exc:
        raise ExportError(f"cannot write {path.name}: {_reason(exc)}") from exc
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        # mkstemp makes the file 0600; a rename keeps that mode, so give it the mode a plain
        # open() would have (0666 less the umask), or colleagues in the group cannot read it.
        os.chmod(tmp, 0o666 & ~current_umask())
    except OSError:
        log.debug("could not set the mode of %s", tmp, exc_info=True)
    try:
        yield tmp
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ExportError(f"cannot write {path.name}: {_reason(exc)}; nothing was written") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    log.info("exported %s", path)


def current_umask() -> int:
    """The process umask, read without changing it where the system allows.

    ``os.umask`` can only be read by setting it, which races with other threads creating files
    (exports run in a worker thread), so Linux's ``/proc/self/status`` is asked first.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    return exc.strerror or str(exc)


def count_labels(session: Session, options: ExportOptions) -> int:
    """How many labels the export will hold (for progress)."""
    from sqlalchemy import func

    stmt = select(func.count()).select_from(
        t.label.join(t.sentence, t.sentence.c.id == t.label.c.sentence_id)
    )
    return int(session.execute(narrow(stmt, session, options)).scalar() or 0)


# --- sentence-wise exports (wide, JSONL, REFI) --------------------------------------------


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


def sentence_rows(session: Session, article_ids: Sequence[int]) -> list[tuple[Any, ...]]:
    """(sentence id, article id, article uid, title, hash, index, start, end, text) in order.

    The text is sliced in Python, not by SQLite's ``substr``, which counts characters the C way
    and would cut a text holding a NUL short (and slicing one article text is cheaper anyway).
    """
    articles = {
        int(aid): (uid, title, chash, text)
        for aid, uid, title, chash, text in session.execute(
            select(
                t.article.c.id,
                t.article.c.uid,
                t.article.c.title,
                t.article.c.content_hash,
                t.article.c.text,
            ).where(t.article.c.id.in_(article_ids))
        )
    }
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
    """(sentence id, coder, group, code, code uid, labelled_at) in codebook order."""
    stmt = (
        select(
            t.label.c.sentence_id,
            t.coder.c.name,
            t.code_group.c.name,
            t.code.c.name,
            t.code.c.uid,
            type_coerce(t.label.c.created_at, String),
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


def ordered_label_ids(
    session: Session, article_ids: Sequence[int], options: ExportOptions
) -> list[tuple[Any, ...]]:
    """(sentence id, coder id, code id, stored time) in export order, without joins.

    The covering (article, index) index gives sentence order for free; only the few labels of
    one sentence are sorted here (by coder name, group and code position).
    """
    stmt = (
        select(
            t.sentence.c.id,
            t.label.c.coder_id,
            t.label.c.code_id,
            type_coerce(t.label.c.created_at, String),
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
    """Rows as plain driver tuples, skipping SQLAlchemy's result processing.

    Only for columns that need none (integers and text): at a million rows the processing costs
    more than SQLite's own work.
    """
    compiled = stmt.compile(
        dialect=session.get_bind().dialect, compile_kwargs={"render_postcompile": True}
    )
    values = compiled.params  # a property that builds the dict: read it once
    params = [values[name] for name in compiled.positiontup or ()]
    driver = session.connection().connection.driver_connection
    assert driver is not None
    rows: list[tuple[Any, ...]] = driver.execute(str(compiled), params).fetchall()
    return rows
