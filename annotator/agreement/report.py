"""One call for everything a reliability report shows: coefficients, per code, pairwise,
matrices, disagreements and the conventions behind them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from annotator.agreement import coefficients as co
from annotator.agreement import distances
from annotator.agreement import multirater as mr
from annotator.agreement import weights as wt
from annotator.agreement.bootstrap import (
    DEFAULT_DRAWS,
    DEFAULT_SEED,
    BootstrapInterval,
    bootstrap_alpha_profile,
)
from annotator.agreement.data import MISSING, ReliabilityData
from annotator.agreement.errors import AgreementError
from annotator.agreement.profile import UnitProfile

PER_CODE_KEYS: tuple[str, ...] = (
    "percent_agreement",
    "cohen_kappa",
    "scott_pi",
    "fleiss_kappa",
    "krippendorff_alpha",
    "gwet_ac1",
    "brennan_prediger",
)
WEIGHTED_KEYS: tuple[str, ...] = ("cohen_kappa_weighted", "fleiss_kappa_weighted", "gwet_ac2")
COEFFICIENT_KEYS: tuple[str, ...] = (
    *PER_CODE_KEYS,
    "conger_kappa",
    "light_kappa",
    "hubert_kappa",
    "randolph_kappa",
    "cohen_kappa_max",
    *WEIGHTED_KEYS,
)
COEFFICIENT_NAMES: dict[str, str] = {
    "percent_agreement": "Percent agreement",
    "cohen_kappa": "Cohen's kappa",
    "scott_pi": "Scott's pi",
    "fleiss_kappa": "Fleiss' kappa",
    "krippendorff_alpha": "Krippendorff's alpha",
    "gwet_ac1": "Gwet's AC1",
    "brennan_prediger": "Brennan-Prediger",
    "conger_kappa": "Conger's kappa",
    "light_kappa": "Light's kappa",
    "hubert_kappa": "Hubert's kappa",
    "randolph_kappa": "Randolph's kappa",
    "cohen_kappa_max": "Cohen's kappa max",
    "cohen_kappa_weighted": "Cohen's weighted kappa",
    "fleiss_kappa_weighted": "Fleiss' weighted kappa",
    "gwet_ac2": "Gwet's AC2",
}
NOTE_TWO_CODERS = "defined for exactly two coders; see the pairwise table"
NOTE_UNWEIGHTED = "no weights chosen: give weights (e.g. --weights quadratic) for ordered codes"


@dataclass(frozen=True)
class Disagreement:
    """A unit whose present values differ; ``values`` maps coder -> value (missing left out)."""

    unit: Any
    values: dict[Any, Any]


@dataclass(frozen=True, eq=False)
class AgreementReport:
    data: ReliabilityData
    coefficients: dict[str, co.Coefficient]
    bootstrap: BootstrapInterval | None
    per_code: dict[str, dict[str, co.Coefficient]]
    pairwise: tuple[co.PairwiseKappa, ...]
    coincidence: npt.NDArray[np.float64]  # rows/columns follow value_labels
    confusion: npt.NDArray[np.int64] | None  # two coders only; rows = first coder
    disagreement_rows: npt.NDArray[np.intp]
    conventions: tuple[str, ...]
    weights: str | None = None  # Gwet's weights of the weighted coefficients (None: unweighted)
    distance: str | None = None  # set distance of alpha for multiple-choice data

    @property
    def per_category(self) -> dict[str, float | None]:
        """Fleiss' (1971) kappa of each category against the rest (the per-code binary data)."""
        return {code: c["fleiss_kappa"].value for code, c in self.per_code.items()}

    @property
    def n_units(self) -> int:
        return self.data.n_units

    @property
    def n_coders(self) -> int:
        return self.data.n_coders

    @property
    def level(self) -> str:
        return self.data.level

    @property
    def value_labels(self) -> tuple[str, ...]:
        """Row/column labels of the coincidence and confusion matrices."""
        return tuple(format_value(v) for v in self.data.domain)

    @property
    def alpha_ci95(self) -> tuple[float, float] | None:
        b = self.bootstrap
        if b is None or b.low is None or b.high is None:
            return None
        return (b.low, b.high)

    @property
    def codebook_versions(self) -> tuple[int, ...]:
        """The codebook versions the compared labels were made under (empty: not known)."""
        return self.data.codebook_versions

    @property
    def versions_note(self) -> str:
        """ "labels made under codebook versions 1-3", or "" when not known (data not read
        from a project)."""
        from annotator.version_ranges import labels_made_under

        return labels_made_under(self.codebook_versions) if self.codebook_versions else ""

    @property
    def n_disagreements(self) -> int:
        return int(self.disagreement_rows.size)

    def disagreements(self, limit: int | None = None) -> list[Disagreement]:
        """The disagreeing units in data order (built on demand: there may be very many)."""
        rows = self.disagreement_rows if limit is None else self.disagreement_rows[:limit]
        out = []
        codes, coders, domain = self.data.codes, self.data.coders, self.data.domain
        for r in rows.tolist():
            vals = {coders[j]: domain[c] for j, c in enumerate(codes[r].tolist()) if c != MISSING}
            out.append(Disagreement(self.data.units[r], vals))
        return out

    def to_dict(self) -> dict[str, Any]:
        """The published figures, JSON-ready (floats, None where undefined)."""
        ci = self.alpha_ci95
        return {
            "n_units": self.n_units,
            "n_coders": self.n_coders,
            "level": self.level,
            "weights": self.weights,
            "distance": self.distance,
            "coefficients": _values(self.coefficients),
            "chance": {
                k: {"observed": _f(c.observed), "expected": _f(c.expected)}
                for k, c in ((k, self.coefficients[k]) for k in COEFFICIENT_KEYS)
            },
            "alpha_ci95": None if ci is None else [ci[0], ci[1]],
            "per_code": {code: _values(c, PER_CODE_KEYS) for code, c in self.per_code.items()},
            "per_category": {
                code: {"fleiss_kappa": _f(v)} for code, v in self.per_category.items()
            },
            "pairwise": [
                {
                    "coder_a": str(p.coder_a),
                    "coder_b": str(p.coder_b),
                    "n_units": p.n_units,
                    "cohen_kappa": _f(p.cohen_kappa),
                    "percent_agreement": _f(p.percent_agreement),
                }
                for p in self.pairwise
            ],
            "disagreements": self.n_disagreements,
            # the codebook versions the labels were made under (empty: not read from a project)
            "codebook_versions": list(self.codebook_versions),
        }


def _f(v: float | None) -> float | None:
    return None if v is None else float(v)


def _values(
    coefs: dict[str, co.Coefficient], keys: tuple[str, ...] = COEFFICIENT_KEYS
) -> dict[str, float | None]:
    return {k: _f(coefs[k].value) for k in keys}


def format_value(v: Any) -> str:
    """A value as people read it: sets as 'a + b', the empty set as '(no code)'."""
    if isinstance(v, frozenset):
        return " + ".join(sorted(map(str, v))) if v else "(no code)"
    return str(v)


def compute_report(
    data: ReliabilityData,
    *,
    bootstrap: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    per_code: bool = True,
    weights: str | None = None,
    distance: str = "masi",
) -> AgreementReport:
    """All coefficients, the alpha bootstrap interval (``bootstrap`` draws; 0 = none), per-code
    figures (nominal, ordinal and multiple-choice data), pairwise kappas and matrices.

    ``weights`` (one of Gwet's ``WEIGHTS``, for ordered categories) adds the weighted
    coefficients; ``distance`` (``masi`` or ``jaccard``) is alpha's distance for set values."""
    profile = data.profile
    two = data.n_coders == 2
    table = co.confusion_matrix(data, data.coders[0], data.coders[1]) if two else None
    delta = co.difference_matrix(data, distance=distance)
    w = category_weights(data, weights) if weights is not None else None
    coefs = _coefficients(profile, table, delta, data.n_categories)
    pairs = mr.pair_tables(data)  # once, for Light, Hubert and the pairwise table
    coefs.update(_multirater(data, profile, table, w, [t for _, _, t in pairs]))
    coefs = {k: coefs[k] for k in COEFFICIENT_KEYS}  # the published order
    boot = bootstrap_alpha_profile(profile, delta, bootstrap, seed) if bootstrap > 0 else None
    codes_fig = _per_code(data, profile, table) if per_code else {}
    set_distance = distance if data.level == "multiple" else None
    return AgreementReport(
        data=data,
        coefficients=coefs,
        bootstrap=boot,
        per_code=codes_fig,
        pairwise=tuple(_pairwise(pairs)),
        coincidence=co.coincidences_profile(profile),
        confusion=table,
        disagreement_rows=co.disagreement_index(data),
        conventions=conventions(data, boot, per_code, weights, set_distance),
        weights=weights,
        distance=set_distance,
    )


def category_weights(data: ReliabilityData, name: str) -> npt.NDArray[np.float64]:
    """Gwet's weights over the data's categories: scores are the values when they are numbers,
    else the ranks 1..q of the categories in their declared order."""
    if data.level in ("nominal", "multiple"):
        raise AgreementError(
            f"weights need ordered categories; the data is {data.level}: use the ordinal, "
            "interval or ratio level"
        )
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in data.domain):
        scores = np.asarray(data.domain, dtype=np.float64)
    else:
        scores = np.arange(1, len(data.domain) + 1, dtype=np.float64)
    return wt.weight_matrix(name, scores)


def _pairwise(pairs: list[tuple[Any, Any, npt.NDArray[np.int64]]]) -> list[co.PairwiseKappa]:
    out = []
    for a, b, t in pairs:
        c = co.cohen_from_table(t)
        out.append(co.PairwiseKappa(a, b, c.n_units, c.value, c.observed, c.note))
    return out


def _multirater(
    data: ReliabilityData,
    profile: UnitProfile,
    table: npt.NDArray[np.int64] | None,
    w: npt.NDArray[np.float64] | None,
    tables: list[npt.NDArray[np.int64]],
) -> dict[str, co.Coefficient]:
    pa = co.percent_agreement_profile(profile)
    n_u, n_v = pa.n_units, pa.n_pairable_values
    out = {
        "conger_kappa": mr.conger_kappa_profile(profile, mr.coder_marginals(data)),
        "light_kappa": mr.light_kappa(tables, n_u, n_v),
        "hubert_kappa": mr.hubert_kappa(tables, n_u, n_v),
        "randolph_kappa": mr.randolph_kappa_profile(profile, data.n_categories),
        "cohen_kappa_max": (
            mr.cohen_kappa_max_from_table(table)
            if table is not None
            else co.Coefficient("cohen_kappa_max", None, 0, 0, note=NOTE_TWO_CODERS)
        ),
    }
    if w is None:
        for key in WEIGHTED_KEYS:
            out[key] = co.Coefficient(key, None, 0, 0, note=NOTE_UNWEIGHTED)
        return out
    out["fleiss_kappa_weighted"] = wt.fleiss_weighted_profile(profile, w)
    out["gwet_ac2"] = wt.gwet_ac2_profile(profile, w)
    out["cohen_kappa_weighted"] = (
        wt.cohen_weighted_from_table(table, w)
        if table is not None
        else co.Coefficient("cohen_kappa_weighted", None, 0, 0, note=NOTE_TWO_CODERS)
    )
    return out


def _coefficients(
    profile: UnitProfile,
    table: npt.NDArray[np.int64] | None,
    delta: Any,
    q: int,
) -> dict[str, co.Coefficient]:
    if table is not None:
        cohen = co.cohen_from_table(table)
        scott = co.scott_from_table(table)
    else:
        cohen = co.Coefficient("cohen_kappa", None, 0, 0, note=NOTE_TWO_CODERS)
        scott = co.Coefficient("scott_pi", None, 0, 0, note=NOTE_TWO_CODERS)
    return {
        "percent_agreement": co.percent_agreement_profile(profile),
        "cohen_kappa": cohen,
        "scott_pi": scott,
        "fleiss_kappa": co.fleiss_kappa_profile(profile),
        "krippendorff_alpha": co.alpha_profile(profile, delta),
        "gwet_ac1": co.gwet_ac1_profile(profile, q),
        "brennan_prediger": co.brennan_prediger_profile(profile, q),
    }


def code_membership(data: ReliabilityData) -> npt.NDArray[np.float64] | None:
    """Matrix (domain value x code): 1 where the value counts as 'code present'.

    Nominal/ordinal: the value is the code. Multiple-choice: the set contains the code.
    Interval and ratio data have no per-code figures (None).
    """
    if data.level in ("nominal", "ordinal"):
        return np.eye(len(data.domain))
    if data.level == "multiple":
        mem = np.zeros((len(data.domain), len(data.categories)))
        pos = {c: j for j, c in enumerate(data.categories)}
        for i, s in enumerate(data.domain):
            for c in s:
                mem[i, pos[c]] = 1.0
        return mem
    return None


def _per_code(
    data: ReliabilityData, profile: UnitProfile, table: npt.NDArray[np.int64] | None
) -> dict[str, dict[str, co.Coefficient]]:
    mem = code_membership(data)
    if mem is None:
        return {}
    present = profile.counts @ mem
    out: dict[str, dict[str, co.Coefficient]] = {}
    binary_delta = distances.nominal(2)
    for j, code in enumerate(data.categories):
        binary = profile.binary(present[:, j])
        t2 = None
        if table is not None:
            p = mem[:, j]
            a = 1.0 - p
            t2 = np.array([[a @ table @ a, a @ table @ p], [p @ table @ a, p @ table @ p]])
        out[format_value(code)] = _coefficients(binary, t2, binary_delta, 2)
    return out


def per_code_data(data: ReliabilityData, code: Any) -> ReliabilityData:
    """Present (1) / absent (0) data for one code; missing values stay missing."""
    mem = code_membership(data)
    if mem is None:
        raise AgreementError(f"per-code data needs nominal or set values, not {data.level}")
    try:
        j = list(data.categories).index(code)
    except ValueError:
        raise AgreementError(f"{code!r} is not one of the categories") from None
    flags = mem[:, j].astype(np.int32)
    codes = np.where(data.codes >= 0, flags[np.maximum(data.codes, 0)], MISSING)
    return ReliabilityData(
        codes=codes.astype(np.int32),
        units=data.units,
        coders=data.coders,
        domain=(0, 1),
        categories=(0, 1),
        level="nominal",
        declared=True,
    )


def conventions(
    data: ReliabilityData,
    boot: BootstrapInterval | None,
    per_code: bool,
    weights: str | None = None,
    distance: str | None = None,
) -> tuple[str, ...]:
    """Every convention behind the figures, in words for the report."""
    out = [
        "A unit is one row of the reliability data; a missing value (a coder who did not code "
        "the unit) is left out, never counted as a category.",
        "Units with fewer than two values are not pairable: they count in n_units but in no "
        "agreement term; they do count in the category proportions of Fleiss' kappa and "
        "Gwet's AC1 (as in Gwet 2014 and irrCAC), and in nothing of Krippendorff's alpha.",
        "Percent agreement is the mean, over pairable units, of the share of agreeing coder "
        "pairs within the unit.",
        "Cohen's kappa and Scott's pi compare two coders over the units both coded; with more "
        "than two coders they are reported pairwise (Cohen) and left empty overall.",
        "Fleiss' kappa is generalised to a varying number of coders per unit as in Gwet (2014): "
        "p_a as percent agreement; pi_k the mean over units of r_ik / r_i.",
        f"Krippendorff's alpha uses the {_metric_name(data.level)} difference function over the "
        "coincidence matrix (Krippendorff 2011).",
        f"Gwet's AC1 and Brennan-Prediger use q = {data.n_categories} categories "
        + (
            "(declared categories, used or not)."
            if data.declared and data.level != "multiple"
            else "(categories observed in the data)."
            if data.level != "multiple"
            else "(distinct observed combinations of codes)."
        ),
        "When all pairable values are the same, alpha, Cohen's kappa, Scott's pi and Fleiss' "
        "kappa are undefined (0/0) and reported empty with a note; AC1 and Brennan-Prediger "
        "then equal percent agreement (1.0) if q >= 2.",
    ]
    out += [
        "Conger's kappa (Conger 1980) takes Fleiss' p_a and, as chance, the mean over coder pairs "
        "of Cohen's chance agreement, each coder's shares over all the units that coder coded "
        "(Gwet 2014, irrCAC); a coder with no value is left out.",
        "Light's kappa (Light 1971) is the mean of the pairwise Cohen kappas and Hubert's kappa "
        "(Hubert 1977; Warrens 2010) is (P - E) / (1 - E) with P and E the means of the pairwise "
        "observed and chance agreement; each pair over the units both coded.",
        "Randolph's free-marginal kappa (Randolph 2005) is (p_a - 1/q) / (1 - 1/q) with Fleiss' "
        "p_a: for unweighted data the same figure as Brennan-Prediger.",
        "Cohen's kappa max (Cohen 1960) is the largest kappa the two coders' marginals allow: "
        "(sum_k min(p_k., p_.k) - p_e) / (1 - p_e); two coders only.",
        "Chance terms: observed and expected agreement for the kappa family and AC1 (for alpha, "
        "the observed and expected disagreement D_o and D_e, alpha = 1 - D_o / D_e).",
    ]
    if weights is not None:
        out.append(
            f"Weighted coefficients use Gwet's (2014, ch. 3) {weights} agreement weights over the "
            "category scores (the values if numbers, else the ranks 1..q): Cohen's (1968) "
            "weighted kappa (two coders), Fleiss' weighted kappa and Gwet's AC2."
        )
    if data.level == "multiple":
        name = {"jaccard": "Jaccard distance", "masi": "MASI distance (Passonneau 2006)"}.get(
            distance or "masi", str(distance)
        )
        out.append(
            f"Multiple-choice values are sets of codes: alpha uses the {name}; percent "
            "agreement and the other overall coefficients count each distinct combination of "
            "codes as one category (exact set match)."
        )
    if data.level == "ordinal":
        order = " < ".join(format_value(v) for v in data.domain)
        out.append(
            f"Ordinal data, categories in rank order: {order}. A code group declared ordered "
            "in the codebook gives such data: a sentence left without a code of the group is "
            "missing (off the scale), not a category, and the weighted coefficients use "
            "Gwet's ordinal weights unless others are chosen."
        )
    if data.level in ("ordinal", "interval", "ratio"):
        out.append(
            "The unweighted kappa-family coefficients and percent agreement treat each distinct "
            "value as an unordered category; alpha uses the metric"
            + (" and the weighted coefficients the weights." if weights else ".")
        )
    if per_code:
        if data.level in ("nominal", "ordinal"):
            out.append(
                "Per code: binary data, 1 where the unit's value is the code and 0 where it is "
                "another value; missing stays missing. Coefficients as above with q = 2."
            )
        elif data.level == "multiple":
            out.append(
                "Per code: binary data, 1 where the coder's set contains the code and 0 where "
                "it does not; missing stays missing. Coefficients as above with q = 2."
            )
        else:
            out.append("No per-code figures for interval or ratio data.")
    if boot is not None:
        out.append(
            f"The alpha interval is a {boot.confidence:.0%} percentile bootstrap: {boot.draws} "
            f"draws resampling units with replacement (seed {boot.seed}), alpha recomputed in "
            "each; not Hayes & Krippendorff's (2007) resampling of coincidences."
            + (f" {boot.note}." if boot.note else "")
        )
    return tuple(out)


def _metric_name(level: str) -> str:
    return {"multiple": "MASI"}.get(level, level)
