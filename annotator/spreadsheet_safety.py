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

A cell can also start in the middle of a text: Excel in a locale whose decimal mark is a comma
(German, French) reads a .csv with ``;`` as the separator, other tools split on a tab or ``|``,
and a reader that misses an opening quote breaks records at a line break. Our comma-quoted
field ``"a;=HYPERLINK(...)"`` is then two cells, the second a live formula (quoting does not
help: the quote is not at the start of a field in that reading). So a trigger, or a ``"`` (which
would open a quoted field there), right after ``;``, ``|``, a tab or a line break gets one ``'``
in front as well, the same in XLSX cells so that one :func:`restore` undoes both formats:
restore removes the leading ``'`` and one ``'`` after each of those characters, which is exact
because every such ``'`` in a neutralised text was put there (a ``'`` already there counts as a
trigger and gets its own). CSV fields holding those characters are quoted too (:func:`csv_field`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
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
#: Where another reading of a CSV line can start a cell inside a text (see the module docstring).
CELL_BREAKS = ";|\t\r\n"
#: Where a text gets a ``'`` inside: after a cell break, before a (hidden) trigger or ``"``.
_INNER_RISK = re.compile(
    f'(?<=[{CELL_BREAKS}])(?=[{UNSTORABLE}]*[{re.escape("".join(TRIGGERS))}"])'
)
#: What :func:`restore` removes inside a text: the ``'`` after a cell break.
_INNER_PREFIX = re.compile(f"(?<=[{CELL_BREAKS}]){PREFIX}")


#: Characters that make a CSV field quoted: the csv module's QUOTE_MINIMAL set (comma, quote,
#: line breaks) plus what a spreadsheet in another locale may split on.
_CSV_QUOTED = re.compile(r'[",\n\r;\t|]')


def csv_field(text: str) -> str:
    """One already-neutralised text cell as it goes into a CSV line: quoted (quotes doubled)
    when it holds a separator of any locale or a line break, as it is otherwise."""
    if _CSV_QUOTED.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_value(value: object) -> str:
    """Any cell of an export frame or row as text: empty for None/NaN, numbers as pandas writes
    them, text through :func:`csv_field` (the caller has neutralised it)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return csv_field(value)
    if isinstance(value, float) and value != value:  # NaN
        return ""
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return ""
    except ImportError:  # pragma: no cover - pandas is a dependency
        pass
    return csv_field(str(value))


def csv_line(cells: Iterable[object]) -> str:
    """One CSV line (with its newline) of already-neutralised cells."""
    return ",".join(csv_value(c) for c in cells) + "\n"


def clean(text: str) -> str:
    """``text`` without the characters an .xlsx (XML) cell cannot hold."""
    return _UNSTORABLE_RE.sub("", text)


def neutralise(text: str) -> str:
    """``text`` as no spreadsheet runs it, in any reading of the file (module docstring)."""
    inner = _INNER_RISK.sub(PREFIX, text)
    return PREFIX + inner if RISKY.match(text) else inner


def xlsx_text(text: str) -> str:
    """An .xlsx cell's text: cleaned first, so that no stripped character can unmask a trigger."""
    return neutralise(clean(text))


def restore(text: str) -> str:
    """The text :func:`neutralise` was given, exactly."""
    text = text[1:] if text.startswith(PREFIX) else text
    return _INNER_PREFIX.sub("", text)


def neutralise_series(values: pd.Series) -> pd.Series:
    """Vectorised :func:`neutralise` for a column of strings."""
    inner = values.str.contains(_INNER_RISK.pattern, regex=True).fillna(False).astype(bool)
    if inner.any():
        values = values.copy()
        values[inner] = values[inner].str.replace(_INNER_RISK.pattern, PREFIX, regex=True)
    hit = values.str.match(RISKY.pattern).fillna(False).astype(bool)
    if not hit.any():
        return values
    out = values.copy()
    out[hit] = PREFIX + values[hit]
    return out


def restore_series(values: pd.Series) -> pd.Series:
    hit = values.str.startswith(PREFIX).fillna(False).astype(bool)
    out = values
    if hit.any():
        out = values.copy()
        out[hit] = values[hit].str.slice(1)
    inner = out.str.contains(_INNER_PREFIX.pattern, regex=True).fillna(False).astype(bool)
    if inner.any():
        out = out.copy()
        out[inner] = out[inner].str.replace(_INNER_PREFIX.pattern, "", regex=True)
    return out


def neutralise_frame(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    for col in columns:
        if col in frame.columns:
            frame[col] = neutralise_series(frame[col])
    return frame
