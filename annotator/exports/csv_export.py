"""CSV exports: long (one row per label, plus memo and article rows: see long_layout) and wide
(one row per sentence, a column per coder, the coders' article status and the metadata).

Both stream batch by batch of articles, so a million labels never sit in memory at once.
"""

from __future__ import annotations

import logging
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from annotator.exports.article_facts import metadata_columns, status_name
from annotator.exports.common import WIDE_ARTICLE_COLUMNS, ExportOptions, atomic_target
from annotator.exports.long_layout import (
    MEMO,
    batch_records,
    long_batches,
    long_columns,
    read_batch,
    read_names,
)
from annotator.progress import CancelToken, ProgressCallback, no_progress
from annotator.spreadsheet_safety import csv_field, csv_line, csv_value, neutralise_frame
from annotator.spreadsheet_safety import neutralise as safe
from annotator.storage import queries
from annotator.storage.export_facts import article_metadata, coder_statuses, metadata_keys
from annotator.storage.export_queries import (
    article_batches,
    count_labels,
    export_coders,
    export_groups,
    label_rows,
    sentence_rows,
)
from annotator.storage.unit_of_work import Engine, read_session

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger(__name__)


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


def csv_cell(value: str) -> str:
    """One text cell neutralised for spreadsheets and quoted by :func:`csv_field`'s rule."""
    return csv_field(safe(value))


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
    written = 0
    with read_session(engine) as session:
        names = read_names(session, options)
        fh.write(",".join(csv_cell(c) for c in long_columns(names.keys)) + "\n")
        total = count_labels(session, options)
        coder_cells = {k: csv_cell(name) for k, name in names.coders.items()}
        cells = {
            (k, c): f"{coder_cells[k]},{csv_cell(group)},{csv_cell(code)},"
            for k in names.coders
            for c, (group, code) in names.codes.items()
        }
        status_cells = {k: csv_cell(status_name(k)) for k in (0, 1, 2)}
        for batch in article_batches(session, options):
            if cancel is not None:
                cancel.check()
            b = read_batch(session, batch, options, names)
            prefix = {
                aid: f"{csv_cell(uid)},{csv_cell(title)},"
                for aid, (uid, title, _h, _x) in b.articles.items()
            }
            tail = {
                aid: f",{csv_cell(chash)}," + ",".join(csv_cell(v) for v in b.metadata[aid])
                for aid, (_u, _t, chash, _x) in b.articles.items()
            }
            head: dict[int, str] = {}
            for sid, (aid, index, start, end) in b.sentences.items():
                text = b.articles[aid][3]
                head[sid] = f"{prefix[aid]}{index + 1},{start},{end},{csv_cell(text[start:end])},"
            memos = {k: csv_cell(v) for k, v in b.sentence_memos.items()}
            statuses = b.statuses
            sentences = b.sentences
            partial = b.partial
            lines = []
            for row in b.rows:
                if len(row) == 5:
                    sid, coder_id, code_id, at, version = row
                    aid = sentences[sid][0]
                    memo = memos.get((coder_id, sid), "") if memos else ""
                    part = "1" if partial and (sid, coder_id, code_id) in partial else "0"
                    status = status_cells[statuses.get((aid, coder_id), 0)]
                    lines.append(
                        f"{head[sid]}{cells[coder_id, code_id]}{at[:10]}T{at[11:]}Z,"
                        f"{memo},{part},{version},{status},label{tail[aid]}"
                    )
                elif row[0] == MEMO:
                    _kind, sid, coder_id = row
                    aid = sentences[sid][0]
                    status = status_cells[statuses.get((aid, coder_id), 0)]
                    lines.append(
                        f"{head[sid]}{coder_cells[coder_id]},,,,{memos[coder_id, sid]},,,"
                        f"{status},memo{tail[aid]}"
                    )
                else:
                    _kind, aid, coder_id = row
                    memo = csv_cell(b.article_memos.get((coder_id, aid), ""))
                    status = status_cells[statuses.get((aid, coder_id), 0)]
                    lines.append(
                        f"{prefix[aid]},,,,{coder_cells[coder_id]},,,,{memo},,,"
                        f"{status},article{tail[aid]}"
                    )
            if limit is not None and written + len(lines) >= limit:
                lines = lines[: limit - written]
                fh.write("".join(line + "\n" for line in lines))
                return written + len(lines)
            if lines:
                fh.write("\n".join(lines))
                fh.write("\n")
            written += len(lines)
            progress(min(written, total), total)
    progress(total, total)
    return written


def append_frames(fh: TextIO, frames: Iterator[pd.DataFrame]) -> int:
    """Write (already neutralised) frames as CSV, the header once. Not ``DataFrame.to_csv``:
    its QUOTE_MINIMAL leaves ``;``, tab and ``|`` bare, which a spreadsheet in another locale
    splits on (spreadsheet_safety.csv_field); the columns are rendered vectorised instead."""
    rows = 0
    first = True
    for frame in frames:
        if first:
            fh.write(csv_line(str(c) for c in frame.columns))
            first = False
        if len(frame):
            fh.write("\n".join(_frame_lines(frame)) + "\n")
        rows += len(frame)
    return rows


def _frame_lines(frame: pd.DataFrame) -> list[str]:
    """Each row of ``frame`` as one CSV line (no newline), column by column."""
    import pandas as pd

    rendered: list[pd.Series] = []
    for name in frame.columns:
        column = frame[name]
        if pd.api.types.is_integer_dtype(column.dtype) and not column.isna().any():
            rendered.append(column.astype("int64").astype(str))
        else:
            rendered.append(column.map(csv_value).astype(object))
    lines = rendered[0].astype(str)
    for part in rendered[1:]:
        lines = lines.str.cat(part.astype(str), sep=",")
    return [str(line) for line in lines.tolist()]


def long_frames(
    engine: Engine,
    options: ExportOptions,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    *,
    neutralise: bool = True,
) -> Iterator[pd.DataFrame]:
    """The long layout as DataFrames, one per batch of articles (always at least one, for the
    header). Text cells are neutralised for spreadsheets unless ``neutralise`` is False (the
    XLSX writer cleans first and neutralises last, cell by cell)."""
    import pandas as pd

    with read_session(engine) as session:
        names = read_names(session, options)
        columns = long_columns(names.keys)
        total = count_labels(session, options)
        done = 0
        emitted = False
        for b in long_batches(session, options, names):
            if cancel is not None:
                cancel.check()
            records = batch_records(b, names)
            if not records:
                continue
            frame = pd.DataFrame(records, columns=columns, dtype=object)
            if neutralise:
                _neutralise_all(frame)
            yield frame
            emitted = True
            done += len(frame)
            progress(min(done, total), total)
        if not emitted:
            header = [safe(c) for c in columns] if neutralise else columns
            yield pd.DataFrame({c: pd.Series(dtype=object) for c in header})
        progress(total, total)


NUMBER_COLUMNS = frozenset(
    {"sentence_number", "sentence_start", "sentence_end", "partial", "codebook_version"}
)


def _neutralise_all(frame: pd.DataFrame) -> None:
    """Every text cell and header, as csv_cell does (numbers and empty cells are left alone)."""
    import pandas as pd

    neutralise_frame(frame, [c for c in frame.columns if c not in NUMBER_COLUMNS])
    frame.columns = pd.Index([safe(str(c)) for c in frame.columns])


def wide_columns(coders: list[str], groups: list[str]) -> list[tuple[str, str, str]]:
    """(column name, coder, group): ``coder`` alone with one group, ``coder:group`` with several."""
    if len(groups) == 1:
        return [(c, c, groups[0]) for c in coders]
    return [(f"{c}:{g}", c, g) for c in coders for g in groups]


def unique_names(names: list[str]) -> list[str]:
    """Column names made unique (``status:anna`` could also be coder "status", group "anna")."""
    seen: set[str] = set()
    out = []
    for name in names:
        candidate, n = name, 1
        while candidate in seen:
            n += 1
            candidate = f"{name}#{n}"
        seen.add(candidate)
        out.append(candidate)
    return out


def wide_frames(
    engine: Engine,
    options: ExportOptions,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    *,
    neutralise: bool = True,
) -> Generator[pd.DataFrame, None, None]:
    """One row per sentence (coded or not), a column per coder (and group) with the codes joined
    by "; ", then a ``status:<coder>`` column per coder (that coder's status of the article: an
    empty cell in a ``done`` article means no code applied) and the article's metadata."""
    import pandas as pd

    with read_session(engine) as session:
        coders = export_coders(session, options)
        groups = export_groups(session, options)
        columns = wide_columns(coders, groups)
        coder_ids = {n: i for i, n in queries.coder_names(session).items()}
        keys = metadata_keys(session)
        batches = article_batches(session, options)
        names = (
            WIDE_ARTICLE_COLUMNS
            + [name for name, _c, _g in columns]
            + [f"status:{c}" for c in coders]
            + ["article_hash"]
            + metadata_columns(keys)
        )
        header = unique_names(names)
        first = len(WIDE_ARTICLE_COLUMNS)
        code_columns = header[first : first + len(columns)]
        status_columns = header[first + len(columns) : first + len(columns) + len(coders)]
        hash_column = header[first + len(columns) + len(coders)]
        meta_columns = header[first + len(columns) + len(coders) + 1 :]
        emitted = False
        for n, batch in enumerate(batches):
            if cancel is not None:
                cancel.check()
            sentences = sentence_rows(session, batch)
            statuses = coder_statuses(session, batch)
            metadata = article_metadata(session, batch, keys)
            cells: dict[tuple[int, str, str], list[str]] = {}
            for sid, coder, group, code, _uid, _at, _v in label_rows(session, batch, options):
                cells.setdefault((sid, coder, group), []).append(code)
            data: dict[str, list[Any]] = {c: [] for c in header}
            for sid, aid, uid, title, chash, index, start, end, text in sentences:
                for col, value in zip(
                    WIDE_ARTICLE_COLUMNS, (uid, title, index + 1, start, end, text), strict=True
                ):
                    data[col].append(value)
                for col, (_name, coder, group) in zip(code_columns, columns, strict=True):
                    data[col].append("; ".join(cells.get((sid, coder, group), ())))
                for col, coder in zip(status_columns, coders, strict=True):
                    data[col].append(status_name(statuses.get((aid, coder_ids.get(coder, -1)))))
                data[hash_column].append(chash)
                for col, value in zip(meta_columns, metadata[aid], strict=True):
                    data[col].append(value)
            frame = pd.DataFrame(data, columns=header)
            if neutralise:
                _neutralise_all(frame)
            yield frame
            emitted = True
            progress(n + 1, len(batches))
        if not emitted:
            names = [safe(c) for c in header] if neutralise else header
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
