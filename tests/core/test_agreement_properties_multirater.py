"""Property tests: the multi-rater, weighted and set-distance coefficients equal independent
implementations on random data.

References: irrCAC (Gwet's Python port: Conger, weighted Fleiss, AC2, with missing values),
statsmodels (weighted ``cohens_kappa``, ``fleiss_kappa`` method "randolph"), NLTK's
``AnnotationTask`` (``kappa``: the mean of pairwise Cohen kappas, i.e. Light's; ``multi_kappa``:
Davies & Fleiss' mean observed and chance agreement over pairs, i.e. Hubert's; ``alpha`` with a
set distance) and NLTK's ``masi_distance`` and ``jaccard_distance``.
"""

from __future__ import annotations

import math
from itertools import combinations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, example, given, reject, settings
from hypothesis import strategies as st
from nltk.metrics.agreement import AnnotationTask
from nltk.metrics.distance import jaccard_distance, masi_distance
from statsmodels.stats.inter_rater import cohens_kappa as sm_cohens_kappa
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss_kappa
from test_agreement_properties import matrices, to_data

from annotator.agreement import (
    ReliabilityData,
    compute_report,
    confusion_matrix,
    distances,
    weight_matrix,
)

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
K = 5
CATS = list(range(1, K + 1))
WEIGHT_NAMES = ["linear", "quadratic", "ordinal", "radical", "ratio", "circular", "bipolar"]


def report(m: np.ndarray, weights: str | None = None):  # type: ignore[no-untyped-def]
    level = "ordinal" if weights else "nominal"
    return compute_report(to_data(m, level, CATS), bootstrap=0, weights=weights, per_code=False)


def irrcac(m: np.ndarray, weights: str = "identity"):  # type: ignore[no-untyped-def]
    cac_module = pytest.importorskip("irrCAC.raw", reason="irrCAC is in the crosscheck extra")
    # categories passed explicitly: under pandas 3 irrCAC would count NaN as one
    return cac_module.CAC(pd.DataFrame(m), weights=weights, categories=CATS, digits=15)


def has_pairable(m: np.ndarray) -> bool:
    return bool(((~np.isnan(m)).sum(axis=1) >= 2).any())


def estimate(ref, name: str):  # type: ignore[no-untyped-def]
    """irrCAC's estimate `name` ("fleiss", "gwet", "conger"). Its variance step divides in
    plain floats by n - 1 (only one unit has a value) and by 1 - pe (every value in one
    category) and raises ZeroDivisionError: a limit of the reference, not of ours, so such a
    sample cannot be checked against it and is rejected."""
    try:
        return getattr(ref, name)()["est"]
    except ZeroDivisionError:
        reject()


NAN = float("nan")


@SETTINGS
@given(matrices(min_coders=2, max_coders=5), st.sampled_from(["identity", *WEIGHT_NAMES]))
@example(np.array([[NAN, NAN], [1.0, 2.0]]), "identity")  # one unit: irrCAC divides by n - 1
@example(np.array([[1.0, 1.0], [1.0, NAN]]), "identity")  # one category: it divides by 1 - pe
@example(np.array([[1.0, 2.0], [3.0, NAN]]), "identity")  # one pairable unit of two: it can
def test_conger_fleiss_and_ac2_equal_irrcac_with_missing_values(
    m: np.ndarray, weights: str
) -> None:
    assume(has_pairable(m) and (~np.isnan(m)).any(axis=0).all())  # every coder coded a unit
    ours = report(m, None if weights == "identity" else weights).coefficients
    ref = irrcac(m, weights)
    fleiss, ac = estimate(ref, "fleiss"), estimate(ref, "gwet")
    if weights == "identity":
        pairs = [
            ("fleiss_kappa", fleiss),
            ("gwet_ac1", ac),
            ("conger_kappa", estimate(ref, "conger")),
        ]
    else:
        pairs = [("fleiss_kappa_weighted", fleiss), ("gwet_ac2", ac)]
    for key, est in pairs:
        c = ours[key]
        assert c.observed == pytest.approx(float(est["pa"]), abs=1e-9), key
        assert c.expected == pytest.approx(float(est["pe"]), abs=1e-9), key
        if c.value is not None:
            assert c.value == pytest.approx(float(est["coefficient_value"]), abs=1e-9), key


@SETTINGS
@given(matrices(min_coders=2, max_coders=5), st.sampled_from(WEIGHT_NAMES))
def test_weighted_conger_equals_irrcac(m: np.ndarray, weights: str) -> None:
    from annotator.agreement import coder_marginals, conger_kappa_profile

    assume(has_pairable(m) and (~np.isnan(m)).any(axis=0).all())
    data = to_data(m, "ordinal", CATS)
    w = weight_matrix(weights, CATS)
    ours = conger_kappa_profile(data.profile, coder_marginals(data), w)
    est = estimate(irrcac(m, weights), "conger")
    assert ours.expected == pytest.approx(float(est["pe"]), abs=1e-9)
    if ours.value is not None:
        assert ours.value == pytest.approx(float(est["coefficient_value"]), abs=1e-9)


@SETTINGS
@given(matrices(min_coders=2, max_coders=2), st.sampled_from(["linear", "quadratic"]))
def test_weighted_cohen_equals_statsmodels(m: np.ndarray, weights: str) -> None:
    """statsmodels' disagreement weights |i - j| and (i - j)^2 are Gwet's linear and quadratic
    agreement weights rescaled, which kappa does not see."""
    data = to_data(m, "ordinal", CATS)
    ours = compute_report(data, bootstrap=0, weights=weights, per_code=False).coefficients
    c = ours["cohen_kappa_weighted"]
    assume(c.value is not None)
    table = confusion_matrix(data, "c0", "c1")
    ref = sm_cohens_kappa(table, wt=weights).kappa
    assert c.value == pytest.approx(ref, abs=1e-9)


@SETTINGS
@given(matrices(min_coders=2, max_coders=6, missing=False))
def test_randolph_kappa_equals_statsmodels(m: np.ndarray) -> None:
    table = np.stack([(m == c).sum(axis=1) for c in CATS], axis=1)
    ours = report(m).coefficients["randolph_kappa"]
    assert ours.value == pytest.approx(sm_fleiss_kappa(table, method="randolph"), abs=1e-9)


def nltk_task(m: np.ndarray) -> AnnotationTask:
    rows = [(f"c{j}", str(i), int(v)) for i, r in enumerate(m) for j, v in enumerate(r)]
    return AnnotationTask(data=rows)


@SETTINGS
@given(matrices(min_coders=2, max_coders=5, missing=False))
def test_light_and_hubert_kappa_equal_nltk(m: np.ndarray) -> None:
    """Complete data (NLTK's pairwise terms divide by all items)."""
    coefs = report(m).coefficients
    light, hubert = coefs["light_kappa"], coefs["hubert_kappa"]
    task = nltk_task(m)
    if light.value is not None:
        assert light.value == pytest.approx(task.kappa(), abs=1e-9)
    if hubert.value is not None:
        assert hubert.value == pytest.approx(task.multi_kappa(), abs=1e-9)
        assert hubert.observed == pytest.approx(task.avg_Ao(), abs=1e-9)


@SETTINGS
@given(matrices(min_coders=2, max_coders=2))
def test_two_coder_conger_light_hubert_equal_cohen_on_complete_pairs(m: np.ndarray) -> None:
    m = m[~np.isnan(m).any(axis=1)]
    assume(len(m) >= 1)
    coefs = report(m).coefficients
    cohen = coefs["cohen_kappa"].value
    assume(cohen is not None)
    for key in ("conger_kappa", "light_kappa", "hubert_kappa"):
        assert coefs[key].value == pytest.approx(cohen, abs=1e-9), key


@SETTINGS
@given(matrices(min_coders=2, max_coders=2))
def test_cohen_kappa_max_bounds_cohen_kappa(m: np.ndarray) -> None:
    coefs = report(m).coefficients
    k, km = coefs["cohen_kappa"].value, coefs["cohen_kappa_max"].value
    assume(k is not None and km is not None)
    assert k <= km + 1e-12 and km <= 1 + 1e-12


@SETTINGS
@given(matrices())
def test_per_category_fleiss_equals_statsmodels_on_the_binary_table(m: np.ndarray) -> None:
    """Fleiss (1971): kappa_j is Fleiss' kappa of category j against the rest."""
    complete = m[~np.isnan(m).any(axis=1)]
    assume(len(complete) >= 1)
    r = compute_report(to_data(complete, "nominal", CATS), bootstrap=0)
    for c in CATS:
        present = (complete == c).sum(axis=1)
        table = np.stack([complete.shape[1] - present, present], axis=1)
        got = r.per_category[str(c)]
        if got is not None:
            assert got == pytest.approx(sm_fleiss_kappa(table, method="fleiss"), abs=1e-9)


# -- sets --------------------------------------------------------------------------------------

codesets = st.frozensets(st.sampled_from("abcd"), min_size=1, max_size=4)


@settings(max_examples=200, deadline=None)
@given(codesets, codesets)
def test_set_distances_equal_nltk(a: frozenset[str], b: frozenset[str]) -> None:
    assert distances.masi(a, b) == pytest.approx(masi_distance(set(a), set(b)), abs=1e-12)
    assert distances.jaccard(a, b) == pytest.approx(jaccard_distance(set(a), set(b)), abs=1e-12)


@SETTINGS
@given(
    st.integers(2, 4).flatmap(
        lambda n: st.lists(st.lists(codesets, min_size=n, max_size=n), min_size=2, max_size=12)
    ),
    st.sampled_from(["masi", "jaccard"]),
)
def test_set_alpha_equals_nltk_alpha(rows: list[list[frozenset[str]]], name: str) -> None:
    units = [i for i, r in enumerate(rows) for _ in r]
    coders = [j for r in rows for j in range(len(r))]
    values = [v for r in rows for v in r]
    data = ReliabilityData.from_long(units, coders, values, level="multiple")
    ours = compute_report(data, bootstrap=0, distance=name).coefficients["krippendorff_alpha"]
    assume(ours.value is not None)
    fn = masi_distance if name == "masi" else jaccard_distance
    task = AnnotationTask(
        data=[(str(c), str(u), v) for u, c, v in zip(units, coders, values, strict=True)],
        distance=fn,
    )
    ref = task.alpha()
    assume(not math.isnan(ref))
    assert ours.value == pytest.approx(ref, abs=1e-9)


def test_every_pair_table_counts_only_units_both_coded() -> None:
    from annotator.agreement import pair_tables

    m = np.array([[1, 1, np.nan], [2, np.nan, 2], [1, 2, 1]], dtype=float)
    tables = pair_tables(to_data(m))
    assert [(a, b, int(t.sum())) for a, b, t in tables] == [
        ("c0", "c1", 2), ("c0", "c2", 2), ("c1", "c2", 1)
    ]  # fmt: skip
    assert len(tables) == len(list(combinations(range(3), 2)))
