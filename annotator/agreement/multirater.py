"""Multi-rater versions of Cohen's kappa (Conger, Light, Hubert), Randolph's free-marginal kappa
and Cohen's kappa_max.

Conventions (also in docs/agreement.md):
- Conger's kappa follows Gwet (2014, ch. 2) and irrCAC for missing data: p_a is the Fleiss p_a
  over pairable units; each coder's category shares are taken over all the units that coder
  coded (including units nobody else coded); a coder with no value is left out of r.
- Light's and Hubert's kappa are built from the pairwise tables, each over the units both coders
  of the pair coded (pairwise deletion); a pair with no common unit is left out.
- Randolph's kappa is the Fleiss p_a against 1/q: with unweighted data it equals
  Brennan-Prediger's kappa_q, as Warrens (2010) notes.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations
from typing import Any

import numpy as np
import numpy.typing as npt

from annotator.agreement.coefficients import (
    NOTE_NOT_PAIRABLE,
    NOTE_ONE_CATEGORY,
    NOTE_Q_BELOW_2,
    Coefficient,
    _pa,
    _pairable,
    _undefined,
    cohen_from_table,
)
from annotator.agreement.data import ReliabilityData
from annotator.agreement.profile import UnitProfile

FloatArray = npt.NDArray[np.float64]
Table = npt.NDArray[np.int64]


def coder_marginals(data: ReliabilityData) -> FloatArray:
    """(coders x domain) counts: how often each coder gave each value (missing left out)."""
    k = len(data.domain)
    codes = data.codes
    out = np.zeros((data.n_coders, k))
    for j in range(data.n_coders):
        col = codes[:, j]
        out[j] = np.bincount(col[col >= 0], minlength=k)
    return out


def pair_tables(data: ReliabilityData) -> list[tuple[Any, Any, Table]]:
    """The confusion table of every pair of coders (rows: the first coder of the pair)."""
    k = len(data.domain)
    codes = data.codes
    out = []
    for a, b in combinations(range(data.n_coders), 2):
        x, y = codes[:, a], codes[:, b]
        both = (x >= 0) & (y >= 0)
        flat = x[both].astype(np.int64) * k + y[both]
        table = np.bincount(flat, minlength=k * k).reshape(k, k)
        out.append((data.coders[a], data.coders[b], table))
    return out


def conger_kappa_profile(
    profile: UnitProfile, marginals: FloatArray, w: FloatArray | None = None
) -> Coefficient:
    """Conger's (1980) kappa: p_e the mean over coder pairs of Cohen's chance agreement,
    = sum_kl w_kl (pbar_k pbar_l - s_kl / r), s_kl the covariance over coders of their shares
    (Gwet 2014, ch. 2). ``w`` weights the terms (None: unweighted)."""
    name = "conger_kappa"
    p = _pairable(profile)
    if p.n_units == 0:
        return _undefined(name, NOTE_NOT_PAIRABLE)
    k = marginals.shape[1]
    weights = np.eye(k) if w is None else w
    if w is None:
        pa = _pa(p)
    else:
        star = p.counts @ weights.T
        agree = (p.counts * (star - 1.0)).sum(axis=1) / (p.m * (p.m - 1.0))
        pa = float((p.weight * agree).sum() / p.weight.sum())
    rated = marginals.sum(axis=1)
    shares = marginals[rated > 0] / rated[rated > 0][:, None]
    r = shares.shape[0]
    if r < 2:
        return Coefficient(name, None, p.n_units, p.n_values, pa, None, NOTE_NOT_PAIRABLE)
    mean = shares.mean(axis=0)
    cov = (shares.T @ shares - r * np.outer(mean, mean)) / (r - 1)
    pe = float((weights * (np.outer(mean, mean) - cov / r)).sum())
    if 1.0 - pe <= 1e-15:
        return Coefficient(name, None, p.n_units, p.n_values, pa, pe, NOTE_ONE_CATEGORY)
    return Coefficient(name, (pa - pe) / (1.0 - pe), p.n_units, p.n_values, pa, pe)


def _pair_terms(tables: Sequence[Table]) -> list[tuple[float, float, float | None, int]]:
    """(p_o, p_e, kappa, n) of each pair that has a common unit."""
    out = []
    for t in tables:
        c = cohen_from_table(t)
        if c.n_units == 0 or c.observed is None or c.expected is None:
            continue
        out.append((c.observed, c.expected, c.value, c.n_units))
    return out


def light_kappa(tables: Sequence[Table], n_units: int, n_values: int) -> Coefficient:
    """Light's (1971) kappa: the mean of the pairwise Cohen kappas.

    ``observed``/``expected`` are the means of the pairwise p_o and p_e (Light's kappa is a mean
    of kappas, not a kappa of these means: that is Hubert's)."""
    name = "light_kappa"
    terms = _pair_terms(tables)
    if not terms:
        return _undefined(name, "no pair of coders coded a unit in common")
    po = float(np.mean([t[0] for t in terms]))
    pe = float(np.mean([t[1] for t in terms]))
    kappas = [t[2] for t in terms if t[2] is not None]
    if len(kappas) < len(terms):
        return Coefficient(
            name,
            None,
            n_units,
            n_values,
            po,
            pe,
            f"Cohen's kappa is undefined for {len(terms) - len(kappas)} of {len(terms)} coder "
            "pairs (" + NOTE_ONE_CATEGORY + ")",
        )
    return Coefficient(name, float(np.mean(kappas)), n_units, n_values, po, pe)


def hubert_kappa(tables: Sequence[Table], n_units: int, n_values: int) -> Coefficient:
    """Hubert's (1977) kappa as in Warrens (2010): (P - E) / (1 - E), P the mean over coder pairs
    of the observed agreement and E the mean of Cohen's chance agreement."""
    name = "hubert_kappa"
    terms = _pair_terms(tables)
    if not terms:
        return _undefined(name, "no pair of coders coded a unit in common")
    po = float(np.mean([t[0] for t in terms]))
    pe = float(np.mean([t[1] for t in terms]))
    if 1.0 - pe <= 1e-15:
        return Coefficient(name, None, n_units, n_values, po, pe, NOTE_ONE_CATEGORY)
    return Coefficient(name, (po - pe) / (1.0 - pe), n_units, n_values, po, pe)


def randolph_kappa_profile(profile: UnitProfile, q: int) -> Coefficient:
    """Randolph's (2005) free-marginal multirater kappa: (P - 1/q) / (1 - 1/q), P Fleiss' p_a."""
    name = "randolph_kappa"
    p = _pairable(profile)
    if p.n_units == 0:
        return _undefined(name, NOTE_NOT_PAIRABLE)
    pa = _pa(p)
    if q < 2:
        return Coefficient(name, None, p.n_units, p.n_values, pa, None, NOTE_Q_BELOW_2)
    pe = 1.0 / q
    return Coefficient(name, (pa - pe) / (1.0 - pe), p.n_units, p.n_values, pa, pe)


def cohen_kappa_max_from_table(table: npt.NDArray[Any]) -> Coefficient:
    """Cohen's (1960) kappa_max: (p_max - p_e) / (1 - p_e), p_max = sum_k min(p_k., p_.k), the
    largest observed agreement the two coders' marginals allow. ``observed`` is p_max."""
    name = "cohen_kappa_max"
    t = np.asarray(table, dtype=np.float64)
    n = float(t.sum())
    if n == 0:
        return _undefined(name, "no unit was coded by both coders")
    rows, cols = t.sum(axis=1) / n, t.sum(axis=0) / n
    pmax = float(np.minimum(rows, cols).sum())
    pe = float(rows @ cols)
    if 1.0 - pe <= 1e-15:
        return Coefficient(name, None, int(n), int(2 * n), pmax, pe, NOTE_ONE_CATEGORY)
    return Coefficient(name, (pmax - pe) / (1.0 - pe), int(n), int(2 * n), pmax, pe)
