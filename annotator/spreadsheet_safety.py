"""Neutralising cells a spreadsheet would run as a formula, reversibly.

Excel, LibreOffice and Google Sheets treat a cell that starts with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return as a formula (CSV/formula injection, OWASP). Every text cell that
starts with one of those, or with a single quote ``'``, gets one ``'`` in front. Quoting the
quote too makes the rule reversible: import-labels removes exactly one leading ``'`` from every
text cell that has one, and gets the original text back, byte for byte.

A trigger hidden behind characters that get dropped on the way counts as leading: XML (so an
.xlsx cell) cannot hold C0 control characters other than tab, newline and carriage return, so
``"\\x01=HYPERLINK(...)"`` would become a live formula once the ``\\x01`` is stripped. The order
for an .xlsx cell is therefore :func:`clean` first, :func:`neutralise` last (:func:`xlsx_text`);
a CSV cell keeps the control character and is neutralised because of what follows it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "'")
PREFIX = "'"
#: What an XML 1.0 document cannot hold (and openpyxl refuses): C0 controls but tab, LF and CR,
#: lone surrogates, and the two non-characters U+FFFE and U+FFFF.
UNSTORABLE = "\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff"
_UNSTORABLE_RE = re.compile(f"[{UNSTORABLE}]")
#: A cell a spreadsheet may run: a trigger first, or after characters that will be stripped.
RISKY = re.compile(f"[{UNSTORABLE}]*[{re.escape(''.join(TRIGGERS))}]")


def clean(text: str) -> str:
    """``text`` without the characters an .xlsx (XML) cell cannot hold."""
    return _UNSTORABLE_RE.sub("", text)


def neutralise(text: str) -> str:
    return PREFIX + text if RISKY.match(text) else text


def xlsx_text(text: str) -> str:
    """An .xlsx cell's text: cleaned first, so that no stripped character can unmask a trigger."""
    return neutralise(clean(text))


def restore(text: str) -> str:
    return text[1:] if text.startswith(PREFIX) else text


def neutralise_series(values: pd.Series) -> pd.Series:
    """Vectorised :func:`neutralise` for a column of strings."""
    hit = values.str.match(RISKY.pattern).fillna(False).astype(bool)
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
