"""Excel workbook: sheets ``labels`` (long), ``sentences`` (wide), ``memos``, ``codebook`` and
``coders``.

Written with openpyxl's write-only mode, row by row from the same streamed frames as the CSV
exports, so memory stays flat. Every text cell, header cells included, goes through
``xlsx_text``: characters XML cannot hold are dropped first, then a formula trigger gets its
leading ``'`` — in that order, or a stripped control character would unmask an ``=``. Sheet
names are fixed words, never text from the project.
"""

from __future__ import annotations

import logging
from collections.abc import Generator, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.exports.article_facts import status_name
from annotator.exports.common import ExportError, ExportOptions, atomic_target, iso_utc
from annotator.exports.csv_export import long_frames, wide_frames
from annotator.progress import CancelToken, ProgressCallback, no_progress
from annotator.records import Status
from annotator.spreadsheet_safety import xlsx_text
from annotator.storage import queries
from annotator.storage.export_facts import (
    coder_ids_in_scope,
    coder_name_map,
    coder_statuses,
    done_per_coder,
    labels_per_coder,
    memos,
)
from annotator.storage.export_queries import (
    article_batches,
    article_texts,
    count_labels,
    count_memos_and_statuses,
    sentence_spans,
)
from annotator.storage.unit_of_work import Engine, read_session

if TYPE_CHECKING:
    import pandas as pd

MAX_SHEET_ROWS = 1_048_576
log = logging.getLogger(__name__)

CODEBOOK_COLUMNS = [
    "group",
    "choice",
    "code",
    "key",
    "color",
    "code_id",
    "group_id",
    "definition",
    "include",
    "exclude",
    "examples",
]
CODER_COLUMNS = ["coder", "labels", "articles_done"]
MEMO_COLUMNS = [
    "article_id",
    "article_title",
    "sentence_number",
    "sentence_start",
    "sentence_end",
    "sentence_text",
    "coder",
    "coder_status",
    "memo",
    "memo_updated_at",
    "article_hash",
]


def write_xlsx(
    engine: Engine,
    path: Path,
    options: ExportOptions,
    *,
    force: bool = False,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> int:
    """Write the workbook; returns the number of label rows."""
    from openpyxl import Workbook

    with read_session(engine) as session:
        # at most: every label, memo and status row (the labels sheet holds all three kinds)
        total = count_labels(session, options) + count_memos_and_statuses(session)
        n_sentences = queries.counts(session)["sentences"]
    if max(total, n_sentences) >= MAX_SHEET_ROWS:
        raise ExportError(
            f"{max(total, n_sentences):,} rows do not fit in an Excel sheet "
            f"(at most {MAX_SHEET_ROWS - 1:,}): export CSV instead"
        )

    def half(lo: int) -> ProgressCallback:
        return lambda done, whole: progress(lo + done * 50 // max(whole, 1), 100)

    with atomic_target(path, force=force) as tmp:
        wb = Workbook(write_only=True)
        try:
            rows = _frames_to_sheet(
                wb.create_sheet("labels"),
                long_frames(engine, options, half(0), cancel, neutralise=False),
            )
            _frames_to_sheet(
                wb.create_sheet("sentences"),
                wide_frames(engine, options, half(50), cancel, neutralise=False),
            )
            _rows_to_sheet(wb.create_sheet("memos"), MEMO_COLUMNS, memo_rows(engine, options))
            _rows_to_sheet(
                wb.create_sheet("codebook"), CODEBOOK_COLUMNS, codebook_rows(engine, options)
            )
            _rows_to_sheet(wb.create_sheet("coders"), CODER_COLUMNS, coder_rows(engine))
            if cancel is not None:
                cancel.check()
            wb.save(tmp)
        except BaseException:
            _discard(wb)
            raise
        progress(100, 100)
    return rows


def _discard(wb: Any) -> None:
    """Finish the half-written sheets' streams so nothing dangles after a failed export."""
    for ws in wb.worksheets:
        try:
            ws.close()
        except Exception:
            log.debug("closing a sheet of a failed export", exc_info=True)


def cell(value: Any) -> Any:
    """One cell's value: text cleaned then neutralised, never a formula; numbers as numbers."""
    if isinstance(value, str):
        return xlsx_text(value)
    if value is None:
        return None
    if hasattr(value, "item"):  # numpy scalar -> Python number
        value = value.item()
    if isinstance(value, float) and value != value:  # NaN: an empty cell
        return None
    if isinstance(value, (bool, int, float)):
        return value
    return xlsx_text(str(value))


def _frames_to_sheet(ws: Any, frames: Iterator[pd.DataFrame]) -> int:
    rows = 0
    first = True
    for frame in frames:
        if first:
            ws.append([cell(str(c)) for c in frame.columns])
            first = False
        for row in frame.itertuples(index=False, name=None):
            ws.append([cell(v) for v in row])
        rows += len(frame)
    return rows


def _rows_to_sheet(ws: Any, header: list[str], rows: Iterable[list[Any]]) -> None:
    ws.append([cell(h) for h in header])
    for row in rows:
        ws.append([cell(v) for v in row])


def memo_rows(engine: Engine, options: ExportOptions) -> Generator[list[Any], None, None]:
    """Every memo of the coders in scope (done-only: of done articles), article memos first,
    then by sentence; each with the coder's status of the article."""
    with read_session(engine) as session:
        coders = coder_name_map(session)
        scope = coder_ids_in_scope(session, options.coders)
        for batch in article_batches(session, options):
            articles = article_texts(session, batch)
            sentences = sentence_spans(session, batch)
            statuses = coder_statuses(session, batch)
            found = [
                m
                for m in memos(session, batch)
                if m.coder_id in scope
                and (
                    not options.done_only
                    or statuses.get((m.article_id, m.coder_id)) == int(Status.DONE)
                )
            ]
            found.sort(
                key=lambda m: (
                    m.article_id,
                    -1 if m.sentence_id is None else sentences[m.sentence_id][1],
                    coders[m.coder_id],
                )
            )
            for m in found:
                uid, title, chash, text = articles[m.article_id]
                if m.sentence_id is None:
                    where: list[Any] = [None, None, None, ""]
                else:
                    _aid, index, start, end = sentences[m.sentence_id]
                    where = [index + 1, start, end, text[start:end]]
                yield [
                    uid,
                    title,
                    *where,
                    coders[m.coder_id],
                    status_name(statuses.get((m.article_id, m.coder_id))),
                    m.text,
                    iso_utc(m.updated_at),
                    chash,
                ]


def codebook_rows(engine: Engine, options: ExportOptions) -> list[list[Any]]:
    with read_session(engine) as session:
        cb = queries.project_codebook(session)
    out = []
    for g in cb.groups:
        if options.group is not None and options.group.casefold() != g.name.casefold():
            continue
        for c in g.codes:
            out.append(
                [
                    g.name,
                    "multiple" if g.multiple else "single",
                    c.name,
                    c.key,
                    c.color,
                    c.uid,
                    g.uid,
                    c.definition,
                    c.include,
                    c.exclude,
                    "\n".join(c.examples),
                ]
            )
    return out


def coder_rows(engine: Engine) -> list[list[Any]]:
    with read_session(engine) as session:
        names = queries.coder_names(session)
        labels = labels_per_coder(session)
        done = done_per_coder(session)
    order = sorted(names, key=names.__getitem__)
    return [[names[i], labels.get(i, 0), done.get(i, 0)] for i in order]
