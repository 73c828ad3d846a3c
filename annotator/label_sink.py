"""Writing labels and memos that come from another file (a merge, a label import, a REFI-QDA
project) in bulk, idempotently, keeping the lead's label in single-choice conflicts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import String, bindparam, select
from sqlmodel import Session

from annotator.storage import tables as t
from annotator.storage.engine import refuse_if_ended

STORED_TIME = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores DateTime in SQLite (naive UTC)


def stored_time(value: datetime | None) -> str:
    return (value or datetime.now(UTC)).astimezone(UTC).strftime(STORED_TIME)


class LabelSink:
    """Adds labels in bulk, idempotently, keeping the lead's label in single-choice conflicts."""

    def __init__(self, session: Session, batch: str) -> None:
        self.session = session
        self.batch = batch
        self.reload_codes()
        # Compiled once and run through the driver: SQLAlchemy's per-row parameter handling
        # costs more than SQLite's insert at a million labels.
        self.insert_sql = _positional(
            session,
            t.label.insert().values(
                sentence_id=bindparam("s"),
                code_id=bindparam("c"),
                coder_id=bindparam("k"),
                created_at=bindparam("at", type_=String),
            ),
            ("s", "c", "k", "at"),
        )
        self.event_sql = _positional(
            session,
            t.label_event.insert().values(
                sentence_id=bindparam("s"),
                code_id=bindparam("c"),
                coder_id=bindparam("k"),
                at=bindparam("at", type_=String),
                action=bindparam("action"),
                batch=bindparam("batch"),
            ),
            ("at", "k", "s", "c", "action", "batch"),
        )

    def reload_codes(self) -> None:
        self.group_of = {
            int(i): (int(g), bool(m))
            for i, g, m in self.session.execute(
                select(t.code.c.id, t.code.c.group_id, t.code_group.c.multiple).join(
                    t.code_group, t.code_group.c.id == t.code.c.group_id
                )
            )
        }

    def add(
        self, rows: Sequence[tuple[int, int, int, str]], *, fresh: bool = False
    ) -> tuple[int, int, list[tuple[int, str]]]:
        """rows of (sentence id, code id, coder id, stored time) ->
        (added, already there, [(row index, why it was not added)]).
        ``fresh``: the sentences were just created, so they have no labels yet."""
        have: dict[tuple[int, int], set[int]] = {}
        sids = [] if fresh else sorted({r[0] for r in rows})
        for i in range(0, len(sids), 900):
            for s, c, k in self.session.execute(
                select(t.label.c.sentence_id, t.label.c.code_id, t.label.c.coder_id).where(
                    t.label.c.sentence_id.in_(sids[i : i + 900])
                )
            ):
                have.setdefault((s, k), set()).add(c)
        params: list[tuple[int, int, int, str]] = []
        already = 0
        refused: list[tuple[int, str]] = []
        for n, (s, c, k, at) in enumerate(rows):
            codes = have.setdefault((s, k), set())
            if c in codes:
                already += 1
                continue
            gid, multiple = self.group_of[c]
            if not multiple:
                other = [x for x in codes if self.group_of.get(x, (None, True))[0] == gid]
                if other:
                    refused.append((n, "contradicts a code already given in a single-choice group"))
                    continue
            codes.add(c)
            params.append((s, c, k, at))
        if params:
            conn = self.session.connection()
            refuse_if_ended(conn)
            driver = conn.connection.driver_connection
            assert driver is not None
            driver.executemany(self.insert_sql, params)
            driver.executemany(
                self.event_sql, [(at, k, s, c, "add", self.batch) for s, c, k, at in params]
            )
        return len(params), already, refused


def _positional(session: Session, stmt: Any, order: Sequence[str]) -> str:
    """SQL text of a Core statement whose parameters come in ``order`` (qmark style)."""
    compiled = stmt.compile(dialect=session.get_bind().dialect)
    if tuple(compiled.positiontup or ()) != tuple(order):
        raise AssertionError(f"unexpected parameter order {compiled.positiontup}")
    return str(compiled)


def upsert_memo(
    session: Session, coder: int, article: int, sentence: int | None, text: str, updated: str
) -> str:
    """'added', 'same' or 'differs' (the existing memo is kept)."""
    where = (
        (t.memo.c.coder_id == coder)
        & (t.memo.c.article_id == article)
        & (t.memo.c.sentence_id.is_(None) if sentence is None else t.memo.c.sentence_id == sentence)
    )
    found = session.execute(select(t.memo.c.text).where(where)).scalar()
    if found is None:
        session.execute(
            t.memo.insert().values(
                coder_id=coder,
                article_id=article,
                sentence_id=sentence,
                text=text,
                updated_at=bindparam("u", value=updated, type_=String),
            )
        )
        return "added"
    return "same" if found == text else "differs"
