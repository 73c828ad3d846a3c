"""What an export will hold, per format, for the export dialog's preview.

Each table format previews its own first rows, read through the same functions that write the
file (the long and wide CSV layouts, the workbook's sheets, the JSON Lines records), so the
preview cannot drift from the file. A .qdpx is a zipped XML project, not a table: its preview
is a sentence saying what it will hold.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING

from annotator.exports.common import ExportError, ExportOptions
from annotator.records import plural
from annotator.storage import queries
from annotator.storage.export_queries import article_batches, count_labels
from annotator.storage.unit_of_work import Engine, read_session

if TYPE_CHECKING:
    import pandas as pd

#: the workbook's sheets, in the order write_xlsx writes them
XLSX_SHEETS = ("labels", "sentences", "memos", "codebook", "coders")


@dataclass(frozen=True)
class ExportPreview:
    """A table of the first rows as the file holds them (None when the format is no table)
    and a sentence about the file (what else it holds, or all it holds)."""

    frame: pd.DataFrame | None
    note: str


def preview_export(
    engine: Engine, suffix: str, options: ExportOptions, limit: int = 50, sheet: str = "labels"
) -> ExportPreview:
    """The preview of an export to a file ending in ``suffix``; ``sheet`` picks the workbook
    sheet an .xlsx preview shows."""
    suffix = suffix.lower()
    if suffix == ".csv":
        from annotator.exports.csv_export import preview_frame

        what = "one row per sentence" if options.layout == "wide" else "one row per label"
        return ExportPreview(preview_frame(engine, options, limit), f"CSV, {what}.")
    if suffix == ".xlsx":
        return _xlsx_preview(engine, options, limit, sheet)
    if suffix == ".jsonl":
        return _jsonl_preview(engine, options, limit)
    if suffix == ".qdpx":
        return ExportPreview(None, qdpx_description(engine, options))
    raise ExportError(f"no export format ends in '{suffix}'")


def _xlsx_preview(engine: Engine, options: ExportOptions, limit: int, sheet: str) -> ExportPreview:
    import pandas as pd

    from annotator.exports.csv_export import preview_frame
    from annotator.exports.xlsx_export import (
        CODEBOOK_COLUMNS,
        CODER_COLUMNS,
        MEMO_COLUMNS,
        codebook_rows,
        coder_rows,
        memo_rows,
    )

    note = (
        f"Excel workbook with {len(XLSX_SHEETS)} sheets: {', '.join(XLSX_SHEETS)}; shown: {sheet}."
    )
    if sheet == "labels":
        frame = preview_frame(engine, dataclasses.replace(options, layout="long"), limit)
    elif sheet == "sentences":
        frame = preview_frame(engine, dataclasses.replace(options, layout="wide"), limit)
    elif sheet == "memos":
        rows = memo_rows(engine, options)
        try:
            frame = pd.DataFrame(list(islice(rows, limit)), columns=MEMO_COLUMNS, dtype=object)
        finally:
            rows.close()
    elif sheet == "codebook":
        frame = pd.DataFrame(codebook_rows(engine, options)[:limit], columns=CODEBOOK_COLUMNS)
    elif sheet == "coders":
        frame = pd.DataFrame(coder_rows(engine)[:limit], columns=CODER_COLUMNS)
    else:
        raise ExportError(f"the workbook has no sheet {sheet!r}")
    return ExportPreview(frame.fillna("").astype(str), note)


def _jsonl_preview(engine: Engine, options: ExportOptions, limit: int) -> ExportPreview:
    import pandas as pd

    from annotator.exports.jsonl_export import sentence_records

    records: list[dict[str, object]] = []
    with read_session(engine) as session:
        batches = article_batches(session, options)
        for batch in sentence_records(session, batches, options):
            records.extend(batch)
            if len(records) >= limit:
                break
    rows = [{**r, "labels": json.dumps(r["labels"], ensure_ascii=False)} for r in records[:limit]]
    columns = [
        "article_id",
        "article_title",
        "article_hash",
        "sentence_number",
        "start",
        "end",
        "text",
        "labels",
    ]
    frame = pd.DataFrame(rows, columns=columns, dtype=object).astype(str)
    return ExportPreview(
        frame, "JSON Lines: one sentence a line, its labels as a list (shown as JSON)."
    )


def qdpx_description(engine: Engine, options: ExportOptions) -> str:
    """What a .qdpx export of these options will hold, in a sentence or two."""
    with read_session(engine) as session:
        coders = sorted(queries.coder_names(session).values())
        if options.coders is not None:
            coders = [c for c in coders if c in options.coders]
        articles = sum(len(b) for b in article_batches(session, options))
        labels = count_labels(session, options)
        codebook = queries.project_codebook(session)
    codes = sum(len(g.codes) for g in codebook.groups)
    return (
        "A REFI-QDA project (a zip other QDA programs such as MAXQDA, ATLAS.ti or NVivo open), "
        "not a table: "
        f"{plural(len(coders), 'user')} (the coders), the codebook "
        f"({plural(len(codebook.groups), 'group')} as parent codes, {plural(codes, 'code')}), "
        f"{plural(articles, 'text source')} (each article's text) with "
        f"{plural(labels, 'label')} as codings on sentence ranges, and memos as notes. "
        "Article status has no place in REFI-QDA and is not written."
    )
