"""Multi-rater kappas, weighted coefficients, chance terms and per-category kappas against
published worked examples (each test cites its source)."""

from __future__ import annotations

import pytest
from test_agreement_published import (
    CONT3X3,
    DISTRIB_6RATERS,
    K2011,
    by_coder,
    from_distribution,
    from_table,
)

from annotator.agreement import ReliabilityData, compute_report

# irrCAC's cac.raw4raters (Gwet 2014) is Krippendorff's (2011) data with unit 12's single value
# given by rater 3 instead of rater 2; coder shares (Conger) see the difference.
RAW4RATERS = {
    **K2011,
    "B": [*K2011["B"][:11], None],
    "C": [*K2011["C"][:11], 3],
}

# Fleiss (1971), Table 1: 30 patients x 6 psychiatrists; the first 15 rows are irrCAC's
# distrib.6raters. Columns: depression, personality disorder, schizophrenia, neurosis, other.
FLEISS_1971 = [
    *DISTRIB_6RATERS,
    [0, 0, 5, 0, 1], [3, 0, 0, 1, 2], [5, 1, 0, 0, 0], [0, 2, 0, 4, 0], [1, 0, 2, 0, 3],
    [0, 0, 0, 0, 6], [0, 1, 0, 5, 0], [0, 2, 0, 1, 3], [2, 0, 0, 4, 0], [1, 0, 0, 4, 1],
    [0, 5, 0, 1, 0], [4, 0, 0, 0, 2], [0, 2, 0, 4, 0], [1, 0, 5, 0, 0], [0, 0, 0, 0, 6],
]  # fmt: skip


def report(data: ReliabilityData, weights: str | None = None):  # type: ignore[no-untyped-def]
    return compute_report(data, bootstrap=0, weights=weights)


def test_conger_kappa_matches_gwet_on_cac_raw4raters() -> None:
    """irrCAC README, conger.kappa.raw(cac.raw4raters): pa 0.8181818, pe 0.2334252,
    kappa 0.76282."""
    c = report(by_coder(RAW4RATERS)).coefficients["conger_kappa"]
    assert c.value == pytest.approx(0.76282, abs=5e-6)
    assert c.observed == pytest.approx(0.8181818, abs=5e-8)
    assert c.expected == pytest.approx(0.2334252, abs=5e-8)


def test_chance_terms_match_gwet_on_cac_raw4raters() -> None:
    """irrCAC README on cac.raw4raters: Fleiss pe 0.2387153, AC1 pe 0.1903212, Brennan-Prediger
    pe 0.2; all with pa 0.8181818."""
    coefs = report(by_coder(RAW4RATERS)).coefficients
    assert coefs["fleiss_kappa"].expected == pytest.approx(0.2387153, abs=5e-8)
    assert coefs["gwet_ac1"].expected == pytest.approx(0.1903212, abs=5e-8)
    assert coefs["brennan_prediger"].expected == pytest.approx(0.2, abs=1e-12)
    for key in ("fleiss_kappa", "gwet_ac1", "brennan_prediger", "conger_kappa"):
        assert coefs[key].observed == pytest.approx(0.8181818, abs=5e-8)


def test_alpha_chance_terms_are_krippendorffs_disagreements() -> None:
    """Krippendorff (2011), section C, nominal alpha = .743 from the coincidence matrix: 8 of the
    n = 40 pairable values' coincidences are off the diagonal and the marginals are n_c = 9, 13,
    10, 5, 3, so D_o = 8 / 40 and D_e = (40^2 - sum n_c^2) / (40 * 39)."""
    c = report(by_coder(K2011)).coefficients["krippendorff_alpha"]
    assert c.observed == pytest.approx(8 / 40, abs=1e-12)
    assert c.expected == pytest.approx((1600 - (81 + 169 + 100 + 25 + 9)) / (40 * 39), abs=1e-12)
    assert c.value is not None and c.expected is not None
    assert round(c.value, 3) == 0.743
    assert c.value == pytest.approx(1 - c.observed / c.expected, abs=1e-12)


def test_fleiss_kappa_and_per_category_kappas_match_fleiss_1971() -> None:
    """Fleiss (1971), the 30 x 6 psychiatric diagnoses: P-bar = .5556, kappa = .430, and per
    category .245, .245, .520, .471, .566."""
    r = report(from_distribution(FLEISS_1971))
    k = r.coefficients["fleiss_kappa"]
    assert k.value is not None and round(k.value, 3) == 0.430
    assert k.observed is not None and round(k.observed, 4) == 0.5556
    assert {c: round(v or 0, 3) for c, v in r.per_category.items()} == {
        "0": 0.245, "1": 0.245, "2": 0.520, "3": 0.471, "4": 0.566
    }  # fmt: skip
    assert r.to_dict()["per_category"]["2"]["fleiss_kappa"] == pytest.approx(0.52, abs=1e-12)


def test_randolph_kappa_matches_free_marginal_value_on_fleiss_subjects() -> None:
    """Randolph (2005) kappa_free = (P - 1/q) / (1 - 1/q); irrCAC README on distrib.6raters
    gives P = 0.5511111 and, with 1/q = 0.2, Brennan-Prediger 0.4388889 (Warrens 2010: the two
    coincide for complete data)."""
    c = report(from_distribution(DISTRIB_6RATERS)).coefficients["randolph_kappa"]
    assert c.value == pytest.approx(0.4388889, abs=5e-8)
    assert c.observed == pytest.approx(0.5511111, abs=5e-8)
    assert c.expected == pytest.approx(0.2, abs=1e-12)


def test_two_coder_multirater_kappas_reduce_to_cohen_on_cont3x3abstractors() -> None:
    """Conger (1980), Light (1971) and Hubert (1977) all reduce to Cohen's kappa for two coders
    (Warrens 2010); irrCAC README: Cohen 0.7964094 on cont3x3abstractors."""
    coefs = report(from_table(CONT3X3)).coefficients
    for key in ("conger_kappa", "light_kappa", "hubert_kappa"):
        assert coefs[key].value == pytest.approx(0.7964094, abs=5e-8), key


def test_cohen_kappa_max_is_bounded_by_the_marginals() -> None:
    """Cohen (1960): kappa_M = (p_M - p_c) / (1 - p_c), p_M = sum of the smaller marginal of each
    category. cont3x3abstractors: rows 13, 27, 60, columns 13, 24, 63, so p_M = (13 + 24 +
    60) / 100 = .97 and p_c = (13*13 + 27*24 + 60*63) / 100^2 = .4597."""
    c = report(from_table(CONT3X3)).coefficients["cohen_kappa_max"]
    assert c.observed == pytest.approx(0.97, abs=1e-12)
    assert c.expected == pytest.approx(0.4597, abs=1e-12)
    assert c.value == pytest.approx((0.97 - 0.4597) / (1 - 0.4597), abs=1e-12)


def test_cohen_kappa_max_matches_cohen_1960_worked_example() -> None:
    """Cohen (1960), Table 1: 200 units, cell proportions .44 .07 .09 / .05 .20 .05 /
    .01 .03 .06 (marginals .60 .30 .10 and .50 .30 .20): p_o = .70, p_c = .41, kappa = .492;
    from the same marginals p_M = .50 + .30 + .10 = .90 and kappa_M = .49 / .59 = .831."""
    table = [[88, 14, 18], [10, 40, 10], [2, 6, 12]]  # the proportions x 200
    r = report(from_table(table))
    k, km = r.coefficients["cohen_kappa"], r.coefficients["cohen_kappa_max"]
    assert k.observed == pytest.approx(0.70, abs=1e-12)
    assert k.expected == pytest.approx(0.41, abs=1e-12)
    assert k.value is not None and round(k.value, 3) == 0.492
    assert km.observed == pytest.approx(0.90, abs=1e-12)
    assert km.value is not None and round(km.value, 3) == 0.831


# -- weighted (Gwet 2014, ch. 3; irrCAC vignette "Weighted Chance-corrected Agreement
# Coefficients") --------------------------------------------------------------------------


def test_weighted_two_coder_coefficients_match_gwet_on_cont3x3abstractors() -> None:
    """irrCAC weighting vignette, quadratic weights on cont3x3abstractors: Cohen 0.8921569,
    AC2 0.9402369, percent agreement 0.9725."""
    data = from_table(CONT3X3)
    data = ReliabilityData.from_long(
        [u for u in data.units for _ in (0, 1)],
        [c for _ in data.units for c in data.coders],
        [int(v) for row in data.codes for v in row],
        level="ordinal",
    )
    coefs = report(data, "quadratic").coefficients
    assert coefs["cohen_kappa_weighted"].value == pytest.approx(0.8921569, abs=5e-8)
    assert coefs["cohen_kappa_weighted"].observed == pytest.approx(0.9725, abs=1e-12)
    assert coefs["gwet_ac2"].value == pytest.approx(0.9402369, abs=5e-8)


def test_weighted_multirater_coefficients_match_gwet_on_cac_raw4raters() -> None:
    """irrCAC weighting vignette, weights = "quadratic" on cac.raw4raters: pa 0.9753788;
    AC2 0.914 (pe 0.7137044); Fleiss 0.86494 (pe 0.8177083)."""
    coefs = report(by_coder(RAW4RATERS, "ordinal"), "quadratic").coefficients
    ac2, fk = coefs["gwet_ac2"], coefs["fleiss_kappa_weighted"]
    assert ac2.observed == pytest.approx(0.9753788, abs=5e-8)
    assert ac2.expected == pytest.approx(0.7137044, abs=5e-8)
    assert ac2.value == pytest.approx(0.914, abs=5e-6)
    assert fk.expected == pytest.approx(0.8177083, abs=5e-8)
    assert fk.value == pytest.approx(0.86494, abs=5e-6)


def test_weighted_coefficients_match_gwet_on_fleiss_subjects() -> None:
    """irrCAC weighting vignette, quadratic.weights(1:5) on distrib.6raters: AC2 0.4837438
    (pa 0.8544444, pe 0.7180556), Fleiss 0.2511909 (pe 0.8056173)."""
    raw = from_distribution(DISTRIB_6RATERS)
    data = ReliabilityData(
        raw.codes, raw.units, raw.coders, raw.domain, raw.categories, level="ordinal"
    )
    coefs = report(data, "quadratic").coefficients
    assert coefs["gwet_ac2"].value == pytest.approx(0.4837438, abs=5e-8)
    assert coefs["gwet_ac2"].observed == pytest.approx(0.8544444, abs=5e-8)
    assert coefs["gwet_ac2"].expected == pytest.approx(0.7180556, abs=5e-8)
    assert coefs["fleiss_kappa_weighted"].value == pytest.approx(0.2511909, abs=5e-8)
    assert coefs["fleiss_kappa_weighted"].expected == pytest.approx(0.8056173, abs=5e-8)


@pytest.mark.parametrize(
    ("name", "off_one", "off_two"),
    [
        ("linear", 0.5, 0.0),
        ("quadratic", 0.75, 0.0),
        ("ordinal", 2 / 3, 0.0),
        ("radical", 0.2928932, 0.0),
        ("circular", 0.0, 0.0),
        ("bipolar", 2 / 3, 0.0),
    ],
)
def test_weight_matrices_match_gwet_for_three_categories(
    name: str, off_one: float, off_two: float
) -> None:
    """irrCAC weighting vignette, *.weights(1:3): the (1,2) and (1,3) cells."""
    from annotator.agreement import weight_matrix

    w = weight_matrix(name, [1, 2, 3])
    assert w[0, 0] == w[1, 1] == w[2, 2] == 1.0
    assert w[0, 1] == pytest.approx(off_one, abs=5e-8)
    assert w[1, 2] == pytest.approx(off_one, abs=5e-8)
    assert w[0, 2] == pytest.approx(off_two, abs=1e-12)
