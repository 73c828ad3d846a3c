"""CSV exports: long (one row per label) and wide (one row per sentence, a column per coder).

Both stream: the label query is read in chunks of 50,000 rows, each chunk becomes a small
DataFrame appended to the file, so a million labels never sit in memory at once.
"""

from __future__ import annotations

import csv
import logging
import re
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from sqlalchemy import Engine, select

from annotator.exports.common import (
    CHUNK_ROWS,
    LONG_COLUMNS,
    WIDE_ARTICLE_COLUMNS,
    ExportOptions,
    article_batches,
    atomic_target,
    count_labels,
    export_coders,
    export_groups,
    label_query,
    label_rows,
    ordered_label_ids,
    raw_rows,
    sentence_rows,
)
from annotator.exports.spreadsheet_safety import TRIGGERS, neutralise_frame
from annotator.exports.spreadsheet_safety import neutralise as safe
from annotator.progress import CancelToken, ProgressCallback, no_progress
from annotator.storage import tables as t
from annotator.storage.selection_store import has_partial_labels, partial_label_keys
from annotator.storage.unit_of_work import read_session

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger(__name__)

LONG_TEXT_COLUMNS = [
    "article_id",
    "article_title",
    "sentence_text",
    "coder",
    "group",
    "code",
    "memo",
]


def write_csv(
    engine: Engine,
    path: Path,
    options: ExportOptions,
    *,
    force: bool = False,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> int:
    """Export to CSV in the options' layout; returns the number of data rows written."""
    with atomic_target(path, force=force) as tmp:
        encoding = "utf-8-sig" if options.bom else "utf-8"
        with tmp.open("w", encoding=encoding, newline="") as fh:
            if options.layout == "long":
                return write_long_lines(fh, engine, options, progress, cancel)
            return append_frames(fh, wide_frames(engine, options, progress, cancel))


_NEEDS_QUOTES = re.compile(r'[",\n\r]')
_TRIGGER_SET = frozenset(TRIGGERS)


def csv_cell(value: str) -> str:
    """One text cell as pandas/csv.QUOTE_MINIMAL writes it, neutralised for spreadsheets."""
    if value[:1] in _TRIGGER_SET:
        value = "'" + value
    if _NEEDS_QUOTES.search(value):
        return '"' + value.replace('"', '""') + '"'
    return value


def write_long_lines(
    fh: TextIO,
    engine: Engine,
    options: ExportOptions,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    limit: int | None = None,
) -> int:
    """The long layout, rendered from pieces that repeat: each article's and sentence's cells
    are escaped once, not once per label; sentence text is sliced from the article in Python.

    Same bytes as ``long_frames(...).to_csv()`` (a test holds them equal), several times
    faster: pandas' writer spends its time quoting the same sentence for every label.
    """
    fh.write(",".join(LONG_COLUMNS) + "\n")
    written = 0
    with read_session(engine) as session:
        total = count_labels(session, options)
        coders = {int(i): str(n) for i, n in session.execute(select(t.coder.c.id, t.coder.c.name))}
        codes = session.execute(
            select(t.code.c.id, t.code_group.c.name, t.code.c.name).join(
                t.code_group, t.code_group.c.id == t.code.c.group_id
            )
        ).all()
        cells = {
            (k, int(c)): f"{csv_cell(name)},{csv_cell(group)},{csv_cell(code)},"
            for k, name in coders.items()
            for c, group, code in codes
        }
        any_partial = has_partial_labels(session)
        for batch in article_batches(session, options):
            if cancel is not None:
                cancel.check()
            articles = {
                aid: (f"{csv_cell(uid)},{csv_cell(title)},", f",{chash}", text)
                for aid, uid, title, chash, text in raw_rows(
                    session,
                    select(
                        t.article.c.id,
                        t.article.c.uid,
                        t.article.c.title,
                        t.article.c.content_hash,
                        t.article.c.text,
                    ).where(t.article.c.id.in_(batch)),
                )
            }
            head: dict[int, str] = {}
            tail: dict[int, str] = {}
            for sid, aid, index, start, end in raw_rows(
                session,
                select(
                    t.sentence.c.id,
                    t.sentence.c.article_id,
                    t.sentence.c.index,
                    t.sentence.c.start,
                    t.sentence.c.end,
                ).where(t.sentence.c.article_id.in_(batch)),
            ):
                prefix, suffix, text = articles[aid]
                head[sid] = f"{prefix}{index},{start},{end},{csv_cell(text[start:end])},"
                tail[sid] = suffix
            memos = {
                (coder, sid): csv_cell(text)
                for coder, sid, text in session.execute(
                    select(t.coder.c.name, t.memo.c.sentence_id, t.memo.c.text)
                    .join(t.coder, t.coder.c.id == t.memo.c.coder_id)
                    .where(t.memo.c.article_id.in_(batch), t.memo.c.sentence_id.is_not(None))
                )
            }
            partial = partial_label_keys(session, list(head)) if any_partial else set()
            lines = []
            for sid, coder_id, code_id, at in ordered_label_ids(session, batch, options):
                coder = coders[coder_id]
                memo = memos.get((coder, sid), "") if memos else ""
                part = "1" if partial and (sid, coder_id, code_id) in partial else "0"
                lines.append(
                    f"{head[sid]}{cells[coder_id, code_id]}{at[:10]}T{at[11:]}Z,{memo},{part}"
                    f"{tail[sid]}"
                )
            if limit is not None and written + len(lines) >= limit:
                lines = lines[: limit - written]
                fh.write("".join(line + "\n" for line in lines))
                return written + len(lines)
            if lines:
                fh.write("\n".join(lines))
                fh.write("\n")
            written += len(lines)
            progress(written, total)
    progress(total, total)
    return written


def append_frames(fh: TextIO, frames: Iterator[pd.DataFrame]) -> int:
    rows = 0
    first = True
    for frame in frames:
        frame.to_csv(fh, header=first, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        first = False
        rows += len(frame)
    return rows


def long_frames(
    engine: Engine,
    options: ExportOptions,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    *,
    neutralise: bool = True,
) -> Iterator[pd.DataFrame]:
    """The long layout as DataFrames of at most CHUNK_ROWS rows (always at least one, for the
    header). Text cells are neutralised for spreadsheets unless ``neutralise`` is False."""
    import pandas as pd

    with read_session(engine) as session:
        total = count_labels(session, options)
        stmt = label_query(session, options).execution_options(yield_per=CHUNK_ROWS)
        done = 0
        emitted = False
        for part in session.execute(stmt).partitions(CHUNK_ROWS):
            if cancel is not None:
                cancel.check()
            frame = pd.DataFrame.from_records([tuple(r) for r in part], columns=LONG_COLUMNS)
            yield _finish_long(frame, neutralise)
            emitted = True
            done += len(frame)
            progress(done, total)
        if not emitted:
            yield pd.DataFrame({c: pd.Series(dtype=object) for c in LONG_COLUMNS})
        progress(total, total)


def _finish_long(frame: pd.DataFrame, neutralise: bool) -> pd.DataFrame:
    stamps = frame["labelled_at"].astype(object)
    frame["labelled_at"] = stamps.where(stamps.isna(), stamps.str.replace(" ", "T", n=1) + "Z")
    frame["memo"] = frame["memo"].fillna("")
    if neutralise:
        neutralise_frame(frame, LONG_TEXT_COLUMNS)
    return frame


def wide_columns(coders: list[str], groups: list[str]) -> list[tuple[str, str, str]]:
    """(column name, coder, group): ``coder`` alone with one group, ``coder:group`` with several."""
    if len(groups) == 1:
        return [(c, c, groups[0]) for c in coders]
    return [(f"{c}:{g}", c, g) for c in coders for g in groups]


def wide_frames(
    engine: Engine,
    options: ExportOptions,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    *,
    neutralise: bool = True,
) -> Generator[pd.DataFrame, None, None]:
    """One row per sentence (coded or not), a column per coder (and group): codes joined by "; "."""
    import pandas as pd

    with read_session(engine) as session:
        coders = export_coders(session, options)
        groups = export_groups(session, options)
        columns = wide_columns(coders, groups)
        batches = article_batches(session, options)
        header = WIDE_ARTICLE_COLUMNS + [name for name, _c, _g in columns]
        emitted = False
        for n, batch in enumerate(batches):
            if cancel is not None:
                cancel.check()
            sentences = sentence_rows(session, batch)
            cells: dict[tuple[int, str, str], list[str]] = {}
            for sid, coder, group, code, _uid, _at in label_rows(session, batch, options):
                cells.setdefault((sid, coder, group), []).append(code)
            data: dict[str, list[Any]] = {c: [] for c in header}
            for sid, uid, title, _hash, index, start, end, text in sentences:
                for col, value in zip(
                    WIDE_ARTICLE_COLUMNS, (uid, title, index, start, end, text), strict=True
                ):
                    data[col].append(value)
                for name, coder, group in columns:
                    data[name].append("; ".join(cells.get((sid, coder, group), ())))
            frame = pd.DataFrame(data, columns=header)
            if neutralise:
                neutralise_frame(
                    frame,
                    ["article_id", "article_title", "sentence_text"] + [c[0] for c in columns],
                )
                frame.columns = pd.Index([safe(c) for c in header])  # coder names are cells too
            yield frame
            emitted = True
            progress(n + 1, len(batches))
        if not emitted:
            names = [safe(c) if neutralise else c for c in header]
            yield pd.DataFrame({c: pd.Series(dtype=object) for c in names})


def preview_frame(engine: Engine, options: ExportOptions, limit: int = 50) -> pd.DataFrame:
    """The first rows of the CSV export, as the file will hold them (for the export dialog)."""
    import io

    import pandas as pd

    if options.layout == "wide":
        frames = wide_frames(engine, options)
        try:
            return next(frames).head(limit).astype(str)
        finally:
            frames.close()
    buf = io.StringIO()
    write_long_lines(buf, engine, options, limit=limit)
    buf.seek(0)
    return pd.read_csv(buf, dtype=str, keep_default_na=False)
