"""Moved to ``annotator.spreadsheet_safety`` (exports and the agreement report both use it).

Kept only for ``annotator.label_import``, which imports from here and is being moved on branch
writer12; the lead deletes this module at merge.
"""

from __future__ import annotations

from annotator.spreadsheet_safety import (
    RISKY,
    clean,
    csv_field,
    csv_line,
    csv_value,
    neutralise,
    neutralise_frame,
    neutralise_series,
    restore,
    restore_series,
    xlsx_text,
)

__all__ = [
    "RISKY",
    "clean",
    "csv_field",
    "csv_line",
    "csv_value",
    "neutralise",
    "neutralise_frame",
    "neutralise_series",
    "restore",
    "restore_series",
    "xlsx_text",
]
