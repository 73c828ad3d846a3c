"""A whole project copied table by table into an empty one: what `annotator pull` writes.

Every table of the schema is copied with its ids (so the copy is the same project, not a merge
of it): articles, sentences, the codebook and its versions and edits, coders, labels, the event
log, statuses, memos, adjudications, selections, the gold standard, assignments. Tables go in
foreign-key order and rows in primary-key order, a chunk at a time, so memory stays flat.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, Engine, Integer, Table, delete, func, select, text
from sqlmodel import SQLModel

from annotator.progress import CancelToken
from annotator.storage import tables as t
from annotator.storage.engine import writer

CHUNK = 5_000

#: Facts about the file itself: the copy keeps its own (created by, created at).
_OWN_TABLES = {t.meta.name}


def copyable_tables() -> list[Table]:
    return [tb for tb in SQLModel.metadata.sorted_tables if tb.name not in _OWN_TABLES]


def copy_project(
    source: Engine,
    target: Engine,
    progress: Callable[[int, int], None] = lambda done, total: None,
    cancel: CancelToken | None = None,
) -> dict[str, int]:
    """Copy every row of `source` into `target` (a project just created, at the same schema) in
    one transaction of the target; returns rows copied per table. Rows the new project was
    created with (its first codebook version) are replaced by the source's."""
    tables = copyable_tables()
    copied: dict[str, int] = {}
    with writer(target).begin() as dst:
        for table in reversed(tables):
            dst.execute(delete(table))
        for n, table in enumerate(tables):
            order = list(table.primary_key.columns) or list(table.columns)
            copied[table.name] = 0
            with source.connect() as src:
                result = src.execution_options(stream_results=True, yield_per=CHUNK).execute(
                    select(table).order_by(*order)
                )
                for part in result.mappings().partitions(CHUNK):
                    if cancel is not None:
                        cancel.check()
                    dst.execute(table.insert(), [dict(r) for r in part])
                    copied[table.name] += len(part)
            progress(n + 1, len(tables))
        if dst.dialect.name == "postgresql":
            _catch_up_sequences(dst, tables)
    return copied


def _catch_up_sequences(conn: Connection, tables: list[Table]) -> None:
    """Rows came with their ids; a server's id sequences must start after them, or the next
    label written there would collide with a copied one."""
    for table in tables:
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or not isinstance(pk[0].type, Integer) or pk[0].foreign_keys:
            continue
        top = conn.execute(select(func.max(pk[0]))).scalar()
        conn.execute(
            text("SELECT setval(pg_get_serial_sequence(:t, :c), :v, :called)"),
            {"t": table.name, "c": pk[0].name, "v": top or 1, "called": top is not None},
        )
