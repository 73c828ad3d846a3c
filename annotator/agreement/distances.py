"""Krippendorff's difference functions (delta squared) and the MASI distance for sets.

Each returns a square matrix over the data's value domain, so alpha for any metric is the same
coincidence-matrix arithmetic (Krippendorff 2011, section C).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
Distance = Callable[[Any, Any], float]


def nominal(k: int) -> FloatArray:
    """0 for equal values, 1 otherwise."""
    return 1.0 - np.eye(k)


def interval(values: FloatArray) -> FloatArray:
    """(c - k)^2."""
    v = np.asarray(values, dtype=np.float64)
    return np.subtract.outer(v, v) ** 2


def ratio(values: FloatArray) -> FloatArray:
    """((c - k) / (c + k))^2, and 0 where c = k = 0."""
    v = np.asarray(values, dtype=np.float64)
    diff = np.subtract.outer(v, v)
    total = np.add.outer(v, v)
    out = np.zeros_like(diff)
    np.divide(diff, total, out=out, where=total != 0)
    return out**2


def ordinal(marginals: FloatArray) -> FloatArray:
    """(sum_{g=c..k} n_g - (n_c + n_k) / 2)^2 with n_g the coincidence marginals in rank order.

    Accepts a batch of marginals (shape (..., K)) for the bootstrap, where they change per draw.
    """
    n = np.asarray(marginals, dtype=np.float64)
    cum = np.cumsum(n, axis=-1)
    k = n.shape[-1]
    lo = np.minimum.outer(np.arange(k), np.arange(k))
    hi = np.maximum.outer(np.arange(k), np.arange(k))
    # sum_{g=lo..hi} n_g - (n_lo + n_hi)/2 = cum[hi] - cum[lo] + (n_lo - n_hi) / 2
    d = cum[..., hi] - cum[..., lo] + (n[..., lo] - n[..., hi]) / 2.0
    return d**2


def masi(a: frozenset[Any], b: frozenset[Any]) -> float:
    """MASI distance (Passonneau 2006): 1 - Jaccard x monotonicity.

    Monotonicity is 1 for identical sets, 2/3 when one contains the other, 1/3 when they overlap
    otherwise, 0 when disjoint. Two empty sets are identical (distance 0).
    """
    if a == b:
        return 0.0
    inter = len(a & b)
    if inter == 0:
        return 1.0
    jaccard = inter / len(a | b)
    m = 2.0 / 3.0 if (a <= b or b <= a) else 1.0 / 3.0
    return 1.0 - jaccard * m


def jaccard(a: frozenset[Any], b: frozenset[Any]) -> float:
    """Jaccard distance 1 - |A & B| / |A | B| (Artstein & Poesio 2008); two empty sets: 0."""
    union = len(a | b)
    return 0.0 if union == 0 else 1.0 - len(a & b) / union


SET_DISTANCES: dict[str, Distance] = {"masi": masi, "jaccard": jaccard}


def from_function(domain: Sequence[Any], distance: Distance) -> FloatArray:
    """``distance`` over every pair of distinct observed values (symmetric, zero diagonal)."""
    k = len(domain)
    out = np.zeros((k, k))
    for i in range(k):
        for j in range(i + 1, k):
            d = float(distance(domain[i], domain[j]))
            if not np.isfinite(d) or d < 0:
                raise ValueError(f"distance({domain[i]!r}, {domain[j]!r}) = {d}: must be >= 0")
            out[i, j] = out[j, i] = d
    return out
