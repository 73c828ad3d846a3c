"""Agreement coefficients over reliability data.

Conventions (also listed in every report and in docs/agreement.md):
- A missing value is ignored; a unit with fewer than two values is not pairable: it is counted in
  ``n_units`` of the data but contributes to no agreement term; it does count in the category
  proportions of Fleiss' kappa and Gwet's AC1 (as in Gwet 2014 and irrCAC).
- A coefficient that cannot be computed returns ``value=None`` and a ``note`` saying why; never NaN.
- Zero expected disagreement (all pairable values in one category): alpha, Cohen's kappa, Scott's
  pi and Fleiss' kappa are undefined (None). AC1 and Brennan-Prediger stay defined when q >= 2
  (their chance term does not depend on prevalence) and equal the percent agreement, 1.0.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np
import numpy.typing as npt

from annotator.agreement import distances
from annotator.agreement.data import ReliabilityData
from annotator.agreement.errors import AgreementError
from annotator.agreement.profile import UnitProfile

FloatArray = npt.NDArray[np.float64]

NOTE_NOT_PAIRABLE = "no unit has values from two or more coders: nothing to compare"
NOTE_ONE_CATEGORY = (
    "all pairable values are the same: expected disagreement is zero, so the chance-corrected "
    "coefficient is undefined (0/0)"
)
NOTE_Q_BELOW_2 = "fewer than two categories: the chance term 1/q leaves nothing to correct"


@dataclass(frozen=True)
class Coefficient:
    """One coefficient: ``value`` (None when undefined, with ``note``) and what it was based on.

    ``observed``/``expected`` are agreement proportions for the kappa family and disagreements
    (D_o, D_e) for Krippendorff's alpha.
    """

    name: str
    value: float | None
    n_units: int
    n_pairable_values: int
    observed: float | None = None
    expected: float | None = None
    note: str = ""


@dataclass(frozen=True)
class PairwiseKappa:
    coder_a: Any
    coder_b: Any
    n_units: int
    cohen_kappa: float | None
    percent_agreement: float | None
    note: str = ""


def _undefined(name: str, note: str, n_units: int = 0, n_values: int = 0) -> Coefficient:
    return Coefficient(name, None, n_units, n_values, note=note)


# -- multi-coder coefficients on a unit profile ----------------------------------------------


@dataclass(frozen=True, eq=False)
class _Pairable:
    counts: FloatArray  # (P, K) of pairable patterns
    weight: FloatArray
    m: FloatArray
    n_units: int
    n_values: int


def _pairable(profile: UnitProfile) -> _Pairable:
    m = profile.n_values
    keep = m >= 2
    w = profile.weight[keep]
    mm = m[keep]
    return _Pairable(
        profile.counts[keep], w, mm, round(float(w.sum())), round(float((w * mm).sum()))
    )


def _pa(p: _Pairable) -> float:
    agree = (p.counts * (p.counts - 1)).sum(axis=1) / (p.m * (p.m - 1))
    return float((p.weight * agree).sum() / p.weight.sum())


def _category_shares(profile: UnitProfile) -> FloatArray:
    """pi_k = mean over units with at least one value of r_ik / r_i (Gwet 2014)."""
    m = profile.n_values
    rated = m >= 1
    w = profile.weight[rated]
    shares: FloatArray = (w[:, None] * profile.counts[rated] / m[rated][:, None]).sum(axis=0)
    out: FloatArray = shares / w.sum()
    return out


def percent_agreement_profile(profile: UnitProfile) -> Coefficient:
    name = "percent_agreement"
    p = _pairable(profile)
    if p.n_units == 0:
        return _undefined(name, NOTE_NOT_PAIRABLE)
    pa = _pa(p)
    return Coefficient(name, pa, p.n_units, p.n_values, observed=pa)


def fleiss_kappa_profile(profile: UnitProfile) -> Coefficient:
    """Fleiss' kappa generalised to varying coders per unit (Gwet 2014, ch. 2).

    p_a is the mean over pairable units of agreeing pairs / all pairs; pi_k is the mean over all
    units with at least one value of r_ik / r_i, as in Gwet's handbook and irrCAC, so the figure
    matches the reference software. A unit with one value adds to pi_k only.
    """
    name = "fleiss_kappa"
    p = _pairable(profile)
    if p.n_units == 0:
        return _undefined(name, NOTE_NOT_PAIRABLE)
    pa = _pa(p)
    pi = _category_shares(profile)
    if np.count_nonzero(pi) <= 1:
        return Coefficient(name, None, p.n_units, p.n_values, pa, 1.0, NOTE_ONE_CATEGORY)
    pe = float((pi**2).sum())
    return Coefficient(name, (pa - pe) / (1 - pe), p.n_units, p.n_values, pa, pe)


def gwet_ac1_profile(profile: UnitProfile, q: int) -> Coefficient:
    """Gwet's AC1 for any number of coders and missing values (Gwet 2008; 2014, ch. 4).

    p_a as for Fleiss; pi_k = mean over units with at least one value of r_ik / r_i;
    p_e = sum_k pi_k (1 - pi_k) / (q - 1).
    """
    name = "gwet_ac1"
    p = _pairable(profile)
    if p.n_units == 0:
        return _undefined(name, NOTE_NOT_PAIRABLE)
    if q < 2:
        return Coefficient(name, None, p.n_units, p.n_values, _pa(p), None, NOTE_Q_BELOW_2)
    pa = _pa(p)
    pi = _category_shares(profile)
    pe = float((pi * (1 - pi)).sum() / (q - 1))
    return Coefficient(name, (pa - pe) / (1 - pe), p.n_units, p.n_values, pa, pe)


def brennan_prediger_profile(profile: UnitProfile, q: int) -> Coefficient:
    """Brennan & Prediger (1981) kappa_q: (p_a - 1/q) / (1 - 1/q)."""
    name = "brennan_prediger"
    p = _pairable(profile)
    if p.n_units == 0:
        return _undefined(name, NOTE_NOT_PAIRABLE)
    pa = _pa(p)
    if q < 2:
        return Coefficient(name, None, p.n_units, p.n_values, pa, None, NOTE_Q_BELOW_2)
    pe = 1.0 / q
    return Coefficient(name, (pa - pe) / (1 - pe), p.n_units, p.n_values, pa, pe)


def coincidences_profile(profile: UnitProfile) -> FloatArray:
    """Krippendorff's coincidence matrix o_ck = sum_u (pairs c-k in u) / (m_u - 1)."""
    p = _pairable(profile)
    scaled = p.counts * (p.weight / (p.m - 1))[:, None]
    o: FloatArray = scaled.T @ p.counts
    o[np.diag_indices_from(o)] -= scaled.sum(axis=0)
    return o


def alpha_profile(
    profile: UnitProfile, delta: FloatArray | Callable[[FloatArray], FloatArray]
) -> Coefficient:
    """Krippendorff's alpha = 1 - (n - 1) sum o_ck d_ck / sum n_c n_k d_ck (Krippendorff 2011).

    ``delta`` is the difference matrix over the value domain, or a function of the marginals
    n_c for the ordinal metric.
    """
    name = "krippendorff_alpha"
    p = _pairable(profile)
    if p.n_units == 0:
        return _undefined(name, NOTE_NOT_PAIRABLE)
    n_c = (p.weight[:, None] * p.counts).sum(axis=0)
    n = float(n_c.sum())
    d = delta(n_c) if callable(delta) else delta
    # sum_ck o_ck d_ck, unit by unit: n_u' D n_u / (m_u - 1) (the diagonal of D is zero)
    per_unit = np.einsum("pk,kl,pl->p", p.counts, d, p.counts) / (p.m - 1)
    do_sum = float((p.weight * per_unit).sum())
    de_sum = float(n_c @ d @ n_c)
    d_o = do_sum / n
    if de_sum <= 0:
        return Coefficient(name, None, p.n_units, p.n_values, d_o, 0.0, NOTE_ONE_CATEGORY)
    d_e = de_sum / (n * (n - 1))
    return Coefficient(name, 1.0 - d_o / d_e, p.n_units, p.n_values, d_o, d_e)


# -- two-coder coefficients -------------------------------------------------------------------


def confusion_matrix(data: ReliabilityData, coder_a: Any, coder_b: Any) -> npt.NDArray[np.int64]:
    """Counts of (value of coder_a, value of coder_b) over units both coded; rows are coder_a."""
    a, b = _coder_column(data, coder_a), _coder_column(data, coder_b)
    both = (a >= 0) & (b >= 0)
    k = len(data.domain)
    flat = a[both].astype(np.int64) * k + b[both]
    return np.bincount(flat, minlength=k * k).reshape(k, k)


def cohen_from_table(table: npt.NDArray[Any], name: str = "cohen_kappa") -> Coefficient:
    """Cohen (1960) kappa from a square table, in exact integer arithmetic where possible."""
    t = np.asarray(table, dtype=np.float64)
    n = float(t.sum())
    if n == 0:
        return _undefined(name, "no unit was coded by both coders")
    diag = float(np.trace(t))
    chance = float(t.sum(axis=1) @ t.sum(axis=0))  # n^2 * p_e
    if n * n - chance == 0:
        return Coefficient(name, None, int(n), int(2 * n), diag / n, 1.0, NOTE_ONE_CATEGORY)
    value = (n * diag - chance) / (n * n - chance)
    return Coefficient(name, value, int(n), int(2 * n), diag / n, chance / (n * n))


def scott_from_table(table: npt.NDArray[Any], name: str = "scott_pi") -> Coefficient:
    """Scott (1955) pi: chance from the pooled marginals of both coders."""
    t = np.asarray(table, dtype=np.float64)
    n = float(t.sum())
    if n == 0:
        return _undefined(name, "no unit was coded by both coders")
    diag = float(np.trace(t))
    pooled = t.sum(axis=1) + t.sum(axis=0)
    chance = float(pooled @ pooled)  # 4 n^2 * p_e
    if 4 * n * n - chance == 0:
        return Coefficient(name, None, int(n), int(2 * n), diag / n, 1.0, NOTE_ONE_CATEGORY)
    value = (4 * n * diag - chance) / (4 * n * n - chance)
    return Coefficient(name, value, int(n), int(2 * n), diag / n, chance / (4 * n * n))


def _coder_column(data: ReliabilityData, coder: Any) -> npt.NDArray[np.int32]:
    try:
        j = data.coders.index(coder)
    except ValueError:
        raise AgreementError(f"no coder {coder!r} in the data") from None
    return data.codes[:, j]


def _two_coders(data: ReliabilityData, coder_a: Any, coder_b: Any, what: str) -> tuple[Any, Any]:
    if coder_a is None and coder_b is None:
        if data.n_coders != 2:
            raise AgreementError(
                f"{what} compares two coders and the data has {data.n_coders}: pass coder_a and "
                "coder_b, or use pairwise_cohen"
            )
        return data.coders[0], data.coders[1]
    if coder_a is None or coder_b is None:
        raise AgreementError(f"{what}: pass both coder_a and coder_b")
    return coder_a, coder_b


# -- public API on ReliabilityData -------------------------------------------------------------


def percent_agreement(data: ReliabilityData) -> Coefficient:
    """Mean over units with >= 2 values of the share of agreeing coder pairs in the unit."""
    return percent_agreement_profile(data.profile)


def cohen_kappa(data: ReliabilityData, coder_a: Any = None, coder_b: Any = None) -> Coefficient:
    """Cohen's kappa for two coders over the units both coded."""
    a, b = _two_coders(data, coder_a, coder_b, "Cohen's kappa")
    return cohen_from_table(confusion_matrix(data, a, b))


def scott_pi(data: ReliabilityData, coder_a: Any = None, coder_b: Any = None) -> Coefficient:
    """Scott's pi for two coders over the units both coded."""
    a, b = _two_coders(data, coder_a, coder_b, "Scott's pi")
    return scott_from_table(confusion_matrix(data, a, b))


def fleiss_kappa(data: ReliabilityData) -> Coefficient:
    return fleiss_kappa_profile(data.profile)


def gwet_ac1(data: ReliabilityData) -> Coefficient:
    return gwet_ac1_profile(data.profile, data.n_categories)


def brennan_prediger(data: ReliabilityData) -> Coefficient:
    return brennan_prediger_profile(data.profile, data.n_categories)


def difference_matrix(
    data: ReliabilityData, level: str | None = None, distance: str = "masi"
) -> FloatArray | Callable[[FloatArray], FloatArray]:
    """Krippendorff's delta^2 over the data's domain for a level (default: the data's own).

    For multiple-choice (set) data ``distance`` names the set distance: ``masi`` or
    ``jaccard`` (the one code path for a project's multiple-choice groups and set-valued CSV)."""
    lv = level or data.level
    k = len(data.domain)
    if lv == "nominal":
        return distances.nominal(k)
    if lv == "ordinal":
        return distances.ordinal
    if lv == "interval":
        return distances.interval(_numbers(data, lv))
    if lv == "ratio":
        nums = _numbers(data, lv)
        if np.any(nums < 0):
            raise AgreementError("ratio alpha needs non-negative values")
        return distances.ratio(nums)
    if lv in ("multiple", "masi", "jaccard"):
        if data.level != "multiple":
            raise AgreementError("a set distance needs multiple-choice (set) values")
        name = lv if lv != "multiple" else distance
        try:
            fn = distances.SET_DISTANCES[name]
        except KeyError:
            known = ", ".join(distances.SET_DISTANCES)
            raise AgreementError(f"unknown set distance {name!r}: use one of {known}") from None
        return distances.from_function(data.domain, fn)
    raise AgreementError(f"unknown level {lv!r}")


def _numbers(data: ReliabilityData, level: str) -> FloatArray:
    if data.level not in ("ordinal", "interval", "ratio"):
        raise AgreementError(f"{level} alpha needs numeric values; the data is {data.level}")
    try:
        return np.asarray(data.domain, dtype=np.float64)
    except (TypeError, ValueError):
        raise AgreementError(f"{level} alpha needs numeric values") from None


def krippendorff_alpha(data: ReliabilityData, level: str | None = None) -> Coefficient:
    """Krippendorff's alpha for the data's level (nominal, ordinal, interval, ratio, MASI)."""
    return alpha_profile(data.profile, difference_matrix(data, level))


def alpha_with_distance(data: ReliabilityData, distance: distances.Distance) -> Coefficient:
    """Alpha with any distance over the distinct observed values (Krippendorff 2011, C)."""
    return alpha_profile(data.profile, distances.from_function(data.domain, distance))


def coincidence_matrix(data: ReliabilityData) -> FloatArray:
    """o_ck over the value domain (rows and columns follow ``data.domain``)."""
    return coincidences_profile(data.profile)


def pairwise_cohen(data: ReliabilityData) -> list[PairwiseKappa]:
    """Cohen's kappa and percent agreement for every pair of coders."""
    rows = []
    for a, b in combinations(data.coders, 2):
        c = cohen_from_table(confusion_matrix(data, a, b))
        rows.append(PairwiseKappa(a, b, c.n_units, c.value, c.observed, c.note))
    return rows


def disagreement_index(data: ReliabilityData) -> npt.NDArray[np.intp]:
    """Rows of units whose present values are not all equal (units with one value never are)."""
    codes = data.codes
    if codes.size == 0:
        return np.zeros(0, dtype=np.intp)
    hi = codes.max(axis=1)
    lo = np.where(codes < 0, np.iinfo(np.int32).max, codes).min(axis=1)
    return np.flatnonzero((hi >= 0) & (lo < hi))
