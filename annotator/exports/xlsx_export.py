"""Excel workbook: sheets ``labels`` (long), ``sentences`` (wide), ``codebook`` and ``coders``.

Written with openpyxl's write-only mode, row by row from the same streamed frames as the CSV
exports, so memory stays flat. Text cells are neutralised like the CSV (a leading ``'``), and
characters XML cannot hold (C0 controls other than tab and newline) are dropped.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, func, select

from annotator.exports.common import ExportError, ExportOptions, atomic_target, count_labels
from annotator.exports.csv_export import long_frames, wide_frames
from annotator.exports.spreadsheet_safety import neutralise
from annotator.progress import CancelToken, ProgressCallback, no_progress
from annotator.records import Status
from annotator.storage import queries
from annotator.storage import tables as t
from annotator.storage.unit_of_work import read_session

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
        total = count_labels(session, options)
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
                wb.create_sheet("labels"), long_frames(engine, options, half(0), cancel)
            )
            _frames_to_sheet(
                wb.create_sheet("sentences"), wide_frames(engine, options, half(50), cancel)
            )
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


def _clean(value: Any) -> Any:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if value is None:
        return ""
    if hasattr(value, "item"):  # numpy scalar -> Python number
        return value.item()
    return value


def _frames_to_sheet(ws: Any, frames: Iterator[pd.DataFrame]) -> int:
    rows = 0
    first = True
    for frame in frames:
        if first:
            ws.append(list(frame.columns))
            first = False
        for row in frame.itertuples(index=False, name=None):
            ws.append([_clean(v) for v in row])
        rows += len(frame)
    return rows


def _rows_to_sheet(ws: Any, header: list[str], rows: Iterable[list[Any]]) -> None:
    ws.append(header)
    for row in rows:
        ws.append([_clean(neutralise(v) if isinstance(v, str) else v) for v in row])


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
        labels = dict(
            session.execute(
                select(t.label.c.coder_id, func.count()).group_by(t.label.c.coder_id)
            ).all()
        )
        done = dict(
            session.execute(
                select(t.article_status.c.coder_id, func.count())
                .where(t.article_status.c.status == int(Status.DONE))
                .group_by(t.article_status.c.coder_id)
            ).all()
        )
    return [[names[i], labels.get(i, 0), done.get(i, 0)] for i in sorted(names, key=names.get)]  # type: ignore[arg-type]
