"""Neutralising cells a spreadsheet would run as a formula, reversibly.

Excel, LibreOffice and Google Sheets treat a cell that starts with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return as a formula (CSV/formula injection, OWASP). Every text cell that
starts with one of those, or with a single quote ``'``, gets one ``'`` in front. Quoting the
quote too makes the rule reversible: import-labels removes exactly one leading ``'`` from every
text cell that has one, and gets the original text back, byte for byte.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "'")
PREFIX = "'"


def neutralise(text: str) -> str:
    return PREFIX + text if text.startswith(TRIGGERS) else text


def restore(text: str) -> str:
    return text[1:] if text.startswith(PREFIX) else text


def neutralise_series(values: pd.Series) -> pd.Series:
    """Vectorised :func:`neutralise` for a column of strings."""
    hit = values.str.startswith(TRIGGERS).fillna(False).astype(bool)
    if not hit.any():
        return values
    out = values.copy()
    out[hit] = PREFIX + values[hit]
    return out


def restore_series(values: pd.Series) -> pd.Series:
    hit = values.str.startswith(PREFIX).fillna(False).astype(bool)
    if not hit.any():
        return values
    out = values.copy()
    out[hit] = values[hit].str.slice(1)
    return out


def neutralise_frame(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    for col in columns:
        if col in frame.columns:
            frame[col] = neutralise_series(frame[col])
    return frame
