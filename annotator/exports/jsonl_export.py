"""JSON Lines for model training: one sentence a line, with its labels (uncoded sentences too).

No formula neutralisation here: JSONL is read by programs, not spreadsheets, and gets the text
exactly as stored.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotator.exports.common import ExportOptions, atomic_target, iso_utc
from annotator.progress import CancelToken, ProgressCallback, no_progress
from annotator.storage.export_queries import article_batches, label_rows, sentence_rows
from annotator.storage.unit_of_work import Engine, Session, read_session


def write_jsonl(
    engine: Engine,
    path: Path,
    options: ExportOptions,
    *,
    force: bool = False,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> int:
    """Returns the number of sentences written. Each line::

    {"article_id", "article_title", "article_hash", "sentence_number", "start", "end",
     "text", "labels": [{"coder", "group", "code", "code_id", "labelled_at",
     "codebook_version"}]}

    ``codebook_version``: the codebook version the label was made under.

    ``sentence_number`` is 1-based, the number the app shows ("Sentence 4"), as in every export.
    """
    written = 0
    with (
        atomic_target(path, force=force) as tmp,
        tmp.open("w", encoding="utf-8", newline="\n") as fh,
        read_session(engine) as session,
    ):
        batches = article_batches(session, options)
        for n, records in enumerate(sentence_records(session, batches, options)):
            if cancel is not None:
                cancel.check()
            if records:
                fh.write("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n")
            written += len(records)
            progress(n + 1, len(batches))
    return written


def sentence_records(
    session: Session, batches: list[list[int]], options: ExportOptions
) -> Iterator[list[dict[str, Any]]]:
    """The lines of the file as dicts, a list per batch of articles (the export dialog's
    preview reads the first ones, so it shows exactly what the file holds)."""
    for batch in batches:
        labels: dict[int, list[dict[str, Any]]] = {}
        for sid, coder, group, code, uid, at, version in label_rows(session, batch, options):
            labels.setdefault(sid, []).append(
                {
                    "coder": coder,
                    "group": group,
                    "code": code,
                    "code_id": uid,
                    "labelled_at": iso_utc(at),
                    "codebook_version": version,
                }
            )
        yield [
            {
                "article_id": auid,
                "article_title": title,
                "article_hash": chash,
                "sentence_number": index + 1,
                "start": start,
                "end": end,
                "text": text,
                "labels": labels.get(sid, []),
            }
            for sid, _aid, auid, title, chash, index, start, end, text in sentence_rows(
                session, batch
            )
        ]
