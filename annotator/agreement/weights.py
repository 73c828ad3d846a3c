"""Gwet's family of agreement weights and the weighted coefficients built on them.

Weights are *agreement* weights (1 on the diagonal, 0 for the most distant pair), defined over
the category scores x_1 < ... < x_q (the values when they are numbers, else the ranks 1..q), as in
Gwet (2014, Handbook of Inter-Rater Reliability, 4th ed., ch. 3) and his irrCAC package:

- linear     1 - |x_k - x_l| / (x_max - x_min)
- quadratic  1 - (x_k - x_l)^2 / (x_max - x_min)^2
- radical    1 - sqrt|x_k - x_l| / sqrt(x_max - x_min)
- ratio      1 - ((x_k - x_l) / (x_k + x_l))^2 / ((x_max - x_min) / (x_max + x_min))^2
- circular   1 - sin^2(pi (x_k - x_l) / U) / max, U = x_max - x_min + 1
- ordinal    1 - C(|k - l| + 1, 2) / max (ranks only, whatever the scores)
- bipolar    1 - (x_k - x_l)^2 / ((x_k + x_l - 2 x_min)(2 x_max - x_k - x_l)) / max
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from annotator.agreement.coefficients import (
    NOTE_NOT_PAIRABLE,
    NOTE_ONE_CATEGORY,
    NOTE_Q_BELOW_2,
    Coefficient,
    _category_shares,
    _pairable,
    _undefined,
)
from annotator.agreement.errors import AgreementError
from annotator.agreement.profile import UnitProfile

FloatArray = npt.NDArray[np.float64]

WEIGHTS: tuple[str, ...] = (
    "linear",
    "quadratic",
    "ordinal",
    "radical",
    "ratio",
    "circular",
    "bipolar",
)


def _normalised(d: FloatArray) -> FloatArray:
    """1 - d / max(d): agreement weights from a disagreement (1 everywhere if d is all 0)."""
    top = float(d.max()) if d.size else 0.0
    out: FloatArray = np.ones_like(d) if top <= 0 else 1.0 - d / top
    return out


def weight_matrix(name: str, scores: npt.ArrayLike) -> FloatArray:
    """The q x q agreement weights ``name`` over category scores (sorted ascending).

    ``identity`` gives the unweighted coefficients. A single category gets the 1 x 1 matrix [1].
    """
    x = np.asarray(scores, dtype=np.float64)
    q = x.size
    if name == "identity" or q <= 1:
        return np.eye(q)
    if np.any(np.diff(x) <= 0):
        raise AgreementError("weights need distinct category scores in ascending order")
    diff = np.subtract.outer(x, x)
    span = float(x[-1] - x[0])
    if name == "linear":
        return 1.0 - np.abs(diff) / span
    if name == "quadratic":
        return 1.0 - (diff / span) ** 2
    if name == "radical":
        out: FloatArray = 1.0 - np.sqrt(np.abs(diff)) / np.sqrt(span)
        return out
    if name == "ratio":
        if x[0] < 0 or x[-1] + x[0] <= 0:
            raise AgreementError("ratio weights need non-negative scores, not all zero")
        total = np.add.outer(x, x)
        rel = np.zeros_like(diff)
        np.divide(diff, total, out=rel, where=total != 0)
        scale = float(span / (x[-1] + x[0])) ** 2
        ratio: FloatArray = 1.0 - rel**2 / scale
        return ratio
    if name == "circular":
        return _normalised(np.sin(np.pi * diff / (span + 1.0)) ** 2)
    if name == "ordinal":
        ranks = np.arange(q, dtype=np.float64)
        n = np.abs(np.subtract.outer(ranks, ranks)) + 1.0
        return _normalised(n * (n - 1.0) / 2.0)
    if name == "bipolar":
        total = np.add.outer(x, x)
        den = (total - 2.0 * x[0]) * (2.0 * x[-1] - total)
        d = np.zeros_like(diff)
        np.divide(diff**2, den, out=d, where=den != 0)
        return _normalised(d)
    raise AgreementError(f"unknown weights {name!r}: use one of {', '.join(WEIGHTS)}")


# -- weighted coefficients ---------------------------------------------------------------------


def cohen_weighted_from_table(
    table: npt.NDArray[np.floating | np.integer], w: FloatArray, name: str = "cohen_kappa_weighted"
) -> Coefficient:
    """Cohen's (1968) weighted kappa: p_o = sum w_kl p_kl, p_e = sum w_kl p_k. p_.l."""
    t = np.asarray(table, dtype=np.float64)
    n = float(t.sum())
    if n == 0:
        return _undefined(name, "no unit was coded by both coders")
    p = t / n
    po = float((w * p).sum())
    pe = float(p.sum(axis=1) @ w @ p.sum(axis=0))
    if 1.0 - pe <= 1e-15:
        return Coefficient(name, None, int(n), int(2 * n), po, pe, NOTE_ONE_CATEGORY)
    return Coefficient(name, (po - pe) / (1.0 - pe), int(n), int(2 * n), po, pe)


def weighted_pa(profile: UnitProfile, w: FloatArray) -> tuple[float | None, int, int]:
    """Gwet's weighted percent agreement: mean over pairable units of
    sum_k r_uk (r*_uk - 1) / (m_u (m_u - 1)) with r*_uk = sum_l w_kl r_ul."""
    p = _pairable(profile)
    if p.n_units == 0:
        return None, 0, 0
    star = p.counts @ w.T
    agree = (p.counts * (star - 1.0)).sum(axis=1) / (p.m * (p.m - 1.0))
    return float((p.weight * agree).sum() / p.weight.sum()), p.n_units, p.n_values


def fleiss_weighted_profile(profile: UnitProfile, w: FloatArray) -> Coefficient:
    """Weighted Fleiss kappa (Gwet 2014, ch. 3): p_e = sum_kl w_kl pi_k pi_l."""
    name = "fleiss_kappa_weighted"
    pa, n_u, n_v = weighted_pa(profile, w)
    if pa is None:
        return _undefined(name, NOTE_NOT_PAIRABLE)
    pi = _category_shares(profile)
    pe = float(pi @ w @ pi)
    if 1.0 - pe <= 1e-15:
        return Coefficient(name, None, n_u, n_v, pa, pe, NOTE_ONE_CATEGORY)
    return Coefficient(name, (pa - pe) / (1.0 - pe), n_u, n_v, pa, pe)


def gwet_ac2_profile(profile: UnitProfile, w: FloatArray) -> Coefficient:
    """Gwet's AC2 (Gwet 2008; 2014, ch. 3): p_e = T_w / (q (q - 1)) sum_k pi_k (1 - pi_k),
    T_w the sum of all weights."""
    name = "gwet_ac2"
    pa, n_u, n_v = weighted_pa(profile, w)
    if pa is None:
        return _undefined(name, NOTE_NOT_PAIRABLE)
    q = w.shape[0]
    if q < 2:
        return Coefficient(name, None, n_u, n_v, pa, None, NOTE_Q_BELOW_2)
    pi = _category_shares(profile)
    pe = float(w.sum() * (pi * (1.0 - pi)).sum() / (q * (q - 1)))
    return Coefficient(name, (pa - pe) / (1.0 - pe), n_u, n_v, pa, pe)
