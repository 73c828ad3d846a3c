"""Property tests: our coefficients equal independent implementations on random data.

Independent references: the ``krippendorff`` package (Castro 2017) for alpha at every level,
statsmodels' ``cohens_kappa`` and ``fleiss_kappa`` (method "fleiss", and "randolph", which is
Brennan-Prediger's kappa_q for Fleiss-style data), and scikit-learn's ``cohen_kappa_score``.
"""

from __future__ import annotations

import math

import krippendorff
import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import cohens_kappa as sm_cohens_kappa
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss_kappa

from annotator.agreement import (
    PER_CODE_KEYS,
    ReliabilityData,
    brennan_prediger,
    cohen_kappa,
    compute_report,
    confusion_matrix,
    fleiss_kappa,
    krippendorff_alpha,
    per_code_data,
    percent_agreement,
    scott_pi,
)

pytestmark = pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def matrices(
    draw: st.DrawFn, *, min_coders: int = 2, max_coders: int = 5, missing: bool = True
) -> np.ndarray:
    """units x coders values in 1..K, NaN for missing."""
    n_units = draw(st.integers(2, 30))
    n_coders = draw(st.integers(min_coders, max_coders))
    k = draw(st.integers(2, 5))
    cells = st.one_of(st.none(), st.integers(1, k)) if missing else st.integers(1, k)
    rows = draw(
        st.lists(
            st.lists(cells, min_size=n_coders, max_size=n_coders),
            min_size=n_units,
            max_size=n_units,
        )
    )
    return np.array([[np.nan if v is None else v for v in r] for r in rows], dtype=float)


def to_data(m: np.ndarray, level: str = "nominal", categories: list[int] | None = None):
    units, coders, values = [], [], []
    for i, row in enumerate(m):
        for j, v in enumerate(row):
            units.append(i)
            coders.append(f"c{j}")
            values.append(None if math.isnan(v) else int(v))
    return ReliabilityData.from_long(units, coders, values, categories=categories, level=level)


@SETTINGS
@given(matrices(), st.sampled_from(["nominal", "ordinal", "interval", "ratio"]))
def test_alpha_equals_krippendorff_package(m: np.ndarray, level: str) -> None:
    ours = krippendorff_alpha(to_data(m, level))
    assume(ours.value is not None)
    ref = krippendorff.alpha(reliability_data=m.T, level_of_measurement=level)
    assert ours.value == pytest.approx(ref, abs=1e-9)


@SETTINGS
@given(matrices(min_coders=2, max_coders=2))
def test_cohen_kappa_equals_statsmodels_and_sklearn(m: np.ndarray) -> None:
    data = to_data(m)
    ours = cohen_kappa(data)
    assume(ours.value is not None)
    both = ~np.isnan(m).any(axis=1)
    a, b = m[both, 0].astype(int), m[both, 1].astype(int)
    assert ours.value == pytest.approx(cohen_kappa_score(a, b), abs=1e-9)
    table = confusion_matrix(data, "c0", "c1")
    assert ours.value == pytest.approx(sm_cohens_kappa(table).kappa, abs=1e-9)


@SETTINGS
@given(matrices(min_coders=2, max_coders=2))
def test_scott_pi_equals_fleiss_kappa_of_two_coders(m: np.ndarray) -> None:
    """Scott's pi is Fleiss' kappa with two raters (Fleiss 1971); statsmodels as reference."""
    both = ~np.isnan(m).any(axis=1)
    m = m[both]
    assume(len(m) >= 1)
    ours = scott_pi(to_data(m))
    assume(ours.value is not None)
    table = np.stack([(m == c).sum(axis=1) for c in range(1, 6)], axis=1)
    assert ours.value == pytest.approx(sm_fleiss_kappa(table, method="fleiss"), abs=1e-9)


@SETTINGS
@given(matrices(min_coders=2, max_coders=6, missing=False))
def test_fleiss_and_brennan_prediger_equal_statsmodels_on_complete_data(m: np.ndarray) -> None:
    k = 5
    data = to_data(m, categories=list(range(1, k + 1)))
    table = np.stack([(m == c).sum(axis=1) for c in range(1, k + 1)], axis=1)
    ours = fleiss_kappa(data)
    if ours.value is not None:
        assert ours.value == pytest.approx(sm_fleiss_kappa(table, method="fleiss"), abs=1e-9)
    bp = brennan_prediger(data)
    assert bp.value == pytest.approx(sm_fleiss_kappa(table, method="randolph"), abs=1e-9)


@SETTINGS
@given(matrices())
def test_percent_agreement_is_mean_share_of_agreeing_pairs(m: np.ndarray) -> None:
    shares = []
    for row in m:
        vals = row[~np.isnan(row)]
        if len(vals) < 2:
            continue
        pairs = [(i, j) for i in range(len(vals)) for j in range(len(vals)) if i != j]
        shares.append(sum(vals[i] == vals[j] for i, j in pairs) / len(pairs))
    ours = percent_agreement(to_data(m))
    if not shares:
        assert ours.value is None
    else:
        assert ours.value == pytest.approx(float(np.mean(shares)), abs=1e-12)


@SETTINGS
@given(matrices())
def test_report_per_code_equals_coefficients_on_derived_binary_data(m: np.ndarray) -> None:
    data = to_data(m)
    report = compute_report(data, bootstrap=0)
    for code in data.categories:
        binary = per_code_data(data, code)
        expect = compute_report(binary, bootstrap=0, per_code=False).coefficients
        got = report.per_code[str(code)]
        for key in PER_CODE_KEYS:
            coef = expect[key]
            if coef.value is None:
                assert got[key].value is None, key
            else:
                assert got[key].value == pytest.approx(coef.value, abs=1e-12), key


@SETTINGS
@given(matrices(), st.permutations(range(5)))
def test_alpha_does_not_depend_on_coder_order(m: np.ndarray, perm: list[int]) -> None:
    cols = [p for p in perm if p < m.shape[1]]
    a = krippendorff_alpha(to_data(m)).value
    b = krippendorff_alpha(to_data(m[:, cols])).value
    assert (a is None and b is None) or a == pytest.approx(b, abs=1e-12)
