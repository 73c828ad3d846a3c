"""Units grouped by the multiset of values they received.

Every multi-coder coefficient (percent agreement, Fleiss, AC1, Brennan-Prediger, alpha) is a sum
over units of a function of the unit's category counts. Units with the same counts contribute the
same, so a million units collapse to a handful of patterns, and a bootstrap resample of units is
a multinomial draw over patterns.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

_BINCOUNT_LIMIT = 1 << 22  # key ranges up to this use bincount (linear time) instead of sorting


@dataclass(frozen=True, eq=False)
class UnitProfile:
    """``counts[p, k]``: coders giving value k in a unit of pattern p; ``weight[p]``: such units."""

    counts: FloatArray
    weight: FloatArray

    @property
    def n_values(self) -> FloatArray:
        """m_u: values in a unit of each pattern."""
        m: FloatArray = self.counts.sum(axis=1)
        return m

    def binary(self, present: FloatArray) -> UnitProfile:
        """Present/absent counts for one code; ``present[p]`` coders chose it in pattern p."""
        m = self.n_values
        return UnitProfile(counts=np.stack([m - present, present], axis=1), weight=self.weight)


def unit_profile(codes: npt.NDArray[np.int32], n_domain: int) -> UnitProfile:
    """Collapse a units x coders code matrix (-1 missing) into patterns with weights."""
    n_units, n_coders = codes.shape
    k = n_domain
    if n_units == 0:
        return UnitProfile(np.zeros((0, k)), np.zeros(0))
    if n_coders == 0:
        return UnitProfile(np.zeros((1, k)), np.array([float(n_units)]))
    base = k + 1
    rows = np.where(codes < 0, k, codes).astype(np.int64)
    rows.sort(axis=1)
    if n_coders * math.log2(base) < 62:
        keys = np.zeros(n_units, dtype=np.int64)
        for j in range(n_coders):
            keys *= base
            keys += rows[:, j]
        key_range = base**n_coders
        if key_range <= _BINCOUNT_LIMIT:
            hist = np.bincount(keys, minlength=key_range)
            uniq = np.flatnonzero(hist)
            freq = hist[uniq]
        else:
            uniq, freq = np.unique(keys, return_counts=True)
        patterns = np.empty((len(uniq), n_coders), dtype=np.int64)
        rest = uniq.copy()
        for j in range(n_coders - 1, -1, -1):
            patterns[:, j] = rest % base
            rest //= base
    else:
        patterns, freq = np.unique(rows, axis=0, return_counts=True)
    n_pat = patterns.shape[0]
    present = patterns < k
    pat_idx = np.repeat(np.arange(n_pat), n_coders).reshape(n_pat, n_coders)
    counts = np.bincount(
        (pat_idx[present] * k + patterns[present]).ravel(), minlength=n_pat * k
    ).reshape(n_pat, k)
    return UnitProfile(counts=counts.astype(np.float64), weight=freq.astype(np.float64))
