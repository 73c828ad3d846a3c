"""The report's disagreement list as CSV, in the identity scheme of every other export.

``article_id`` is the article's uid and ``sentence_number`` the 1-based number the app shows
("Sentence 4"), with the sentence's character offsets, so a row joins the label exports and
finds its sentence in any copy of the project. Cells are neutralised like the label CSVs, and
the file is written atomically like every export.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from annotator.exports.common import atomic_target
from annotator.exports.csv_export import unique_names
from annotator.spreadsheet_safety import csv_line, neutralise
from annotator.storage.reliability_queries import DisagreementRow

DISAGREEMENT_COLUMNS = [
    "article_id",
    "article_title",
    "sentence_number",
    "sentence_start",
    "sentence_end",
    "sentence_text",
]


def write_disagreements_csv(
    rows: Sequence[DisagreementRow], coders: Sequence[str], path: Path, *, force: bool = False
) -> int:
    """One row per disagreeing sentence, then a column per coder (codes joined by "; ")."""
    header = unique_names(DISAGREEMENT_COLUMNS + [str(c) for c in coders])
    with (
        atomic_target(Path(path), force=force) as tmp,
        tmp.open("w", encoding="utf-8", newline="") as fh,
    ):
        fh.write(csv_line(neutralise(h) for h in header))
        for r in rows:
            fh.write(
                csv_line(
                    [
                        neutralise(r.article_uid),
                        neutralise(r.article_title),
                        r.sentence_index + 1,
                        r.sentence_start,
                        r.sentence_end,
                        neutralise(r.sentence_text),
                        *(neutralise("; ".join(r.codes.get(c, ()))) for c in coders),
                    ]
                )
            )
    return len(rows)
