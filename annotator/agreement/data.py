"""Reliability data: a units x coders matrix of integer codes, with the labels behind them.

Values are encoded once (``-1`` = missing) so every coefficient is integer arithmetic over numpy
arrays; the original unit, coder and value labels are kept for reports.
"""

from __future__ import annotations

import logging
import numbers
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from annotator.agreement.errors import AgreementError

if TYPE_CHECKING:
    from annotator.agreement.profile import UnitProfile

log = logging.getLogger(__name__)

Level = Literal["nominal", "ordinal", "interval", "ratio", "multiple"]
LEVELS: tuple[str, ...] = ("nominal", "ordinal", "interval", "ratio", "multiple")
MISSING = -1

IntMatrix = npt.NDArray[np.int32]


@dataclass(frozen=True, eq=False)
class ReliabilityData:
    """Units x coders codes; ``domain[code]`` is the value a code stands for.

    ``categories`` are the category labels: for nominal/ordinal/interval/ratio data the same as
    ``domain``; for ``level="multiple"`` (values are sets of codes) ``domain`` holds the distinct
    observed sets and ``categories`` the codes they are made of. ``declared`` records whether the
    categories were given by the caller (then unused ones count, e.g. for Brennan-Prediger's q).
    """

    codes: IntMatrix
    units: tuple[Hashable, ...]
    coders: tuple[Hashable, ...]
    domain: tuple[Any, ...]
    categories: tuple[Any, ...]
    level: str = "nominal"
    declared: bool = False
    #: the codebook versions the labels were made under (read from a project; else empty)
    codebook_versions: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise AgreementError(f"unknown level {self.level!r}: use one of {', '.join(LEVELS)}")
        codes = np.asarray(self.codes, dtype=np.int32)
        if codes.ndim != 2:
            raise AgreementError("codes must be a units x coders matrix")
        if codes.shape != (len(self.units), len(self.coders)):
            raise AgreementError(
                f"codes are {codes.shape[0]} x {codes.shape[1]} but there are "
                f"{len(self.units)} units and {len(self.coders)} coders"
            )
        if codes.size and (codes.min() < MISSING or codes.max() >= len(self.domain)):
            raise AgreementError("codes must be -1 (missing) or an index into domain")
        if self.level in ("interval", "ratio"):
            nums = _numeric_domain(self.domain, self.level)
            if self.level == "ratio" and np.any(nums < 0):
                raise AgreementError("ratio data cannot hold negative values")
        if self.level != "multiple" and tuple(self.domain) != tuple(self.categories):
            raise AgreementError("for single values, domain and categories must be the same")
        codes.flags.writeable = False
        object.__setattr__(self, "codes", codes)

    # -- construction ------------------------------------------------------------------------

    @classmethod
    def from_long(
        cls,
        units: Sequence[Any],
        coders: Sequence[Any],
        values: Sequence[Any],
        categories: Sequence[Any] | None = None,
        level: str = "nominal",
    ) -> ReliabilityData:
        """One row per (unit, coder, value); ``None``/NaN is a missing value.

        A (unit, coder) row with a missing value still registers the unit and the coder, so a
        coder who labelled nothing is kept (and counted) rather than silently dropped.
        """
        if level not in LEVELS:
            raise AgreementError(f"unknown level {level!r}: use one of {', '.join(LEVELS)}")
        n = len(values)
        if len(units) != n or len(coders) != n:
            raise AgreementError(
                f"units, coders and values differ in length ({len(units)}, {len(coders)}, {n})"
            )
        unit_idx, unit_labels = _factorize(units, "unit")
        coder_idx, coder_labels = _factorize(coders, "coder")
        n_units, n_coders = len(unit_labels), len(coder_labels)

        row = first_repeated_cell(unit_idx, coder_idx, n_coders)
        if row is not None:
            raise AgreementError(
                f"coder {coder_labels[coder_idx[row]]!r} gives two values for unit "
                f"{unit_labels[unit_idx[row]]!r}"
            )

        value_codes, domain, cats = _encode_values(values, categories, level, units)
        codes = np.full((n_units, n_coders), MISSING, dtype=np.int32)
        codes[unit_idx, coder_idx] = value_codes
        return cls(
            codes=codes,
            units=tuple(unit_labels),
            coders=tuple(coder_labels),
            domain=tuple(domain),
            categories=tuple(cats),
            level=level,
            declared=categories is not None,
        )

    @classmethod
    def from_frame(
        cls,
        df: pd.DataFrame,
        unit_column: str,
        coder_column: str,
        value_column: str,
        categories: Sequence[Any] | None = None,
        level: str = "nominal",
    ) -> ReliabilityData:
        """Long-format data frame (one row per coder's value for a unit)."""
        missing = [c for c in (unit_column, coder_column, value_column) if c not in df.columns]
        if missing:
            raise AgreementError(
                f"no column {missing[0]!r} (columns: {', '.join(map(str, df.columns))})"
            )
        return cls.from_long(
            df[unit_column].to_numpy(dtype=object),
            df[coder_column].to_numpy(dtype=object),
            df[value_column].to_numpy(dtype=object),
            categories=categories,
            level=level,
        )

    # -- shape ---------------------------------------------------------------------------------

    @property
    def n_units(self) -> int:
        return int(self.codes.shape[0])

    @property
    def n_coders(self) -> int:
        return int(self.codes.shape[1])

    @property
    def n_categories(self) -> int:
        """q for Brennan-Prediger and AC1: declared categories if given, else observed ones.

        For multiple-choice data each distinct observed set of codes is one category.
        """
        if self.level == "multiple":
            return len(self.domain)
        return len(self.categories)

    @cached_property
    def profile(self) -> UnitProfile:
        """Units grouped by their multiset of values, computed once for every coefficient."""
        from annotator.agreement.profile import unit_profile

        return unit_profile(self.codes, len(self.domain))

    @cached_property
    def numeric_domain(self) -> npt.NDArray[np.float64]:
        """The domain as floats, for interval and ratio distances."""
        return _numeric_domain(self.domain, self.level)

    def __repr__(self) -> str:
        return (
            f"ReliabilityData({self.n_units} units x {self.n_coders} coders, level={self.level}, "
            f"{len(self.domain)} values)"
        )


def first_repeated_cell(
    rows: npt.NDArray[np.integer[Any]], cols: npt.NDArray[np.integer[Any]], n_cols: int
) -> int | None:
    """Index of the first (row, col) pair that repeats an earlier one, or None.

    A unit x coder cell holds one value; a second value for it is an input error worth naming.
    """
    flat = np.asarray(rows, dtype=np.int64) * max(n_cols, 1) + np.asarray(cols, dtype=np.int64)
    order = np.argsort(flat, kind="stable")
    dup = np.flatnonzero(flat[order][1:] == flat[order][:-1])
    return int(order[dup[0] + 1]) if dup.size else None


def read_long_csv(
    path: str | Path,
    unit_column: str = "unit",
    coder_column: str = "coder",
    value_column: str = "value",
    *,
    categories: Sequence[Any] | None = None,
    level: str = "nominal",
    separator: str = ";",
    missing: Sequence[str] = (),
) -> ReliabilityData:
    """Read long-format CSV (comma, semicolon or tab separated); an empty value cell is missing,
    and so is any value listed in ``missing`` (e.g. ``("NA",)`` for files written by R).

    Values stay text ("NA" or "None" are codes, not missing) except for interval and ratio data,
    and ordinal data without declared categories, where they must be numbers. For
    ``level="multiple"`` a cell lists codes split by ``separator``.
    """
    p = Path(path)
    try:
        df = pd.read_csv(
            p,
            dtype=str,
            keep_default_na=False,
            na_values=[],
            skipinitialspace=True,
            sep=_delimiter(p),
        )
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise AgreementError(f"{p.name}: cannot read as CSV ({exc})") from exc
    df.columns = [str(c).strip() for c in df.columns]
    for col in (unit_column, coder_column, value_column):
        if col not in df.columns:
            raise AgreementError(
                f"{p.name}: no column {col!r} (columns: {', '.join(map(str, df.columns))})"
            )
    raw = df[value_column].str.strip()
    absent = {"", *(m.strip() for m in missing)}
    values: list[Any] = [None if v in absent else v for v in raw.tolist()]
    numeric = level in ("interval", "ratio") or (level == "ordinal" and categories is None)
    if numeric:
        values = [_parse_number(v, line + 2, p.name) for line, v in enumerate(values)]
        if categories is not None:
            categories = [_parse_number(v, 0, p.name) for v in categories]
    elif level == "multiple":
        values = [
            None if v is None else frozenset(s.strip() for s in v.split(separator) if s.strip())
            for v in values
        ]
    units = df[unit_column].str.strip().tolist()
    coders = df[coder_column].str.strip().tolist()
    for name, col in (("unit", units), ("coder", coders)):
        if "" in col:
            raise AgreementError(f"{p.name} line {col.index('') + 2}: empty {name}")
    log.debug("read %d rows from %s", len(values), p)
    return ReliabilityData.from_long(units, coders, values, categories=categories, level=level)


# -- helpers ---------------------------------------------------------------------------------


def _delimiter(path: Path) -> str:
    """The separator the header line uses: comma, semicolon (European Excel) or tab."""
    try:
        with path.open(encoding="utf-8-sig", errors="replace") as fh:
            header = fh.readline()
    except OSError as exc:
        raise AgreementError(f"{path.name}: cannot read ({exc.strerror or exc})") from exc
    counts = {sep: header.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _parse_number(v: Any, line: int, name: str) -> float | int | None:
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        where = f"{name} line {line}" if line else f"{name} categories"
        raise AgreementError(f"{where}: value {v!r} is not a number") from None
    if not np.isfinite(f):
        raise AgreementError(f"{name} line {line}: value {v!r} is not a finite number")
    return int(f) if f.is_integer() else f


def _factorize(labels: Sequence[Any], what: str) -> tuple[npt.NDArray[np.intp], list[Any]]:
    arr = _object_array(labels)
    idx, uniques = pd.factorize(arr, use_na_sentinel=True)
    if (idx < 0).any():
        raise AgreementError(f"a {what} label is missing (row {int(np.argmax(idx < 0)) + 1})")
    return idx.astype(np.intp), list(uniques.tolist())


def _object_array(seq: Sequence[Any] | Iterable[Any]) -> npt.NDArray[Any]:
    """A 1-d array of the values; numeric arrays pass through (fast path for big data)."""
    if isinstance(seq, np.ndarray) and seq.ndim == 1:
        return seq
    if isinstance(seq, pd.Series | pd.Index):
        out: npt.NDArray[Any] = seq.to_numpy(dtype=object)
        return out
    items = list(seq)
    arr = np.empty(len(items), dtype=object)
    if any(isinstance(v, list | tuple | np.ndarray) for v in items):
        for i, v in enumerate(items):  # numpy would broadcast sequences into a 2nd dimension
            arr[i] = v
    else:
        arr[:] = items
    return arr


def _is_missing(v: Any) -> bool:
    if v is None or v is pd.NA:
        return True
    return isinstance(v, float) and v != v


def _is_number(v: Any) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, bool)


def set_sort_key(s: frozenset[Any]) -> tuple[int, list[str]]:
    return (len(s), sorted(map(str, s)))


def _encode_values(
    values: Sequence[Any], categories: Sequence[Any] | None, level: str, units: Sequence[Any]
) -> tuple[npt.NDArray[np.int32], list[Any], list[Any]]:
    """Integer codes for values, the domain they index, and the category list."""
    arr = _object_array(values)
    if level == "multiple":
        arr = _as_sets(arr, units)
    raw_idx, uniques_arr = pd.factorize(arr, use_na_sentinel=True)
    uniques = [u for u in uniques_arr.tolist()]
    if any(_is_missing(u) for u in uniques):  # e.g. pd.NA inside an object array
        keep = [i for i, u in enumerate(uniques) if not _is_missing(u)]
        remap = np.full(len(uniques), MISSING, dtype=np.int64)
        remap[keep] = np.arange(len(keep))
        raw_idx = np.where(raw_idx >= 0, remap[np.maximum(raw_idx, 0)], MISSING)
        uniques = [uniques[i] for i in keep]

    def where(u: Any) -> str:
        row = uniques.index(u)
        first = int(np.argmax(raw_idx == row))
        return f"unit {units[first]!r}"

    if level == "multiple":
        observed_codes = {c for s in uniques for c in s}
        if categories is not None:
            cats = list(categories)
            bad = [u for u in uniques if not u <= set(cats)]
            if bad:
                extra = sorted(map(str, bad[0] - set(cats)))[0]
                raise AgreementError(
                    f"code {extra!r} ({where(bad[0])}) is not one of the declared categories"
                )
        else:
            cats = _sorted_if_possible(observed_codes)
        domain: list[Any] = sorted(uniques, key=set_sort_key)
    elif level == "nominal":
        if categories is not None:
            cats = _check_declared(categories, uniques, where)
        else:
            cats = _sorted_if_possible(uniques)
        domain = cats
    else:
        bad_num = [u for u in uniques if not _is_number(u)]
        if level == "ordinal" and categories is not None:
            cats = _check_declared(categories, uniques, where)
        elif bad_num:
            need = "categories in rank order" if level == "ordinal" else "numbers"
            raise AgreementError(
                f"{level} data needs {need}: {where(bad_num[0])} has {bad_num[0]!r}"
            )
        else:
            if categories is not None:
                bad_cat = [c for c in categories if not _is_number(c)]
                if bad_cat:
                    raise AgreementError(f"{level} categories must be numbers, not {bad_cat[0]!r}")
                cats = _check_declared(sorted(categories), uniques, where)
            else:
                cats = sorted(uniques)
        domain = cats
    position = {v: i for i, v in enumerate(domain)}
    remap_u = np.array([position[u] for u in uniques], dtype=np.int64)
    codes = np.where(raw_idx >= 0, remap_u[np.maximum(raw_idx, 0)] if uniques else 0, MISSING)
    return codes.astype(np.int32), domain, cats


def _check_declared(categories: Sequence[Any], uniques: list[Any], where: Any) -> list[Any]:
    cats = list(categories)
    if len(set(cats)) != len(cats):
        raise AgreementError("declared categories contain a duplicate")
    known = set(cats)
    for u in uniques:
        if u not in known:
            raise AgreementError(f"value {u!r} ({where(u)}) is not one of the declared categories")
    return cats


def _sorted_if_possible(items: Iterable[Any]) -> list[Any]:
    lst = list(items)
    try:
        return sorted(lst)
    except TypeError:
        return sorted(lst, key=lambda v: (type(v).__name__, str(v)))


def _as_sets(arr: npt.NDArray[np.object_], units: Sequence[Any]) -> npt.NDArray[np.object_]:
    out = np.empty(len(arr), dtype=object)
    for i, v in enumerate(arr):
        if _is_missing(v):
            out[i] = None
        elif isinstance(v, str | bytes) or not isinstance(v, Iterable):
            raise AgreementError(
                f"multiple-choice values are sets of codes; unit {units[i]!r} has {v!r}"
            )
        else:
            out[i] = frozenset(v)
    return out


def _numeric_domain(domain: Sequence[Any], level: str) -> npt.NDArray[np.float64]:
    bad = [v for v in domain if not _is_number(v)]
    if level in ("interval", "ratio") and bad:
        raise AgreementError(f"{level} data needs numbers, not {bad[0]!r}")
    if bad:
        return np.arange(len(domain), dtype=np.float64)
    return np.asarray(domain, dtype=np.float64)
