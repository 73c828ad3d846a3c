"""Coefficients against published worked examples (each test cites its source)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from annotator.agreement import (
    ReliabilityData,
    brennan_prediger,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
    scott_pi,
)

# Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability", section C: 4 observers x 12
# units, values 1-5, None = missing. Also irrCAC's dataset cac.raw4raters (Gwet 2014).
K2011 = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
}


def by_coder(rows: dict[str, Sequence[Any]], level: str = "nominal") -> ReliabilityData:
    units, coders, values = [], [], []
    for coder, row in rows.items():
        for i, v in enumerate(row):
            units.append(i + 1)
            coders.append(coder)
            values.append(v)
    return ReliabilityData.from_long(units, coders, values, level=level)


def from_table(table: Sequence[Sequence[int]]) -> ReliabilityData:
    """Two coders from a contingency table (rows: coder A's category, columns: coder B's)."""
    units, coders, values = [], [], []
    unit = 0
    for i, row in enumerate(table):
        for j, count in enumerate(row):
            for _ in range(count):
                unit += 1
                units += [unit, unit]
                coders += ["A", "B"]
                values += [i, j]
    return ReliabilityData.from_long(units, coders, values)


def from_distribution(table: Sequence[Sequence[int]]) -> ReliabilityData:
    """Raters-by-category counts per subject (Fleiss' layout) as raw ratings."""
    units, coders, values = [], [], []
    for s, row in enumerate(table):
        rater = 0
        for category, count in enumerate(row):
            for _ in range(count):
                units.append(s)
                coders.append(rater)
                values.append(category)
                rater += 1
    return ReliabilityData.from_long(units, coders, values)


@pytest.mark.parametrize(
    ("level", "published"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_alpha_matches_krippendorff_2011_four_observers(level: str, published: float) -> None:
    """Krippendorff (2011), section C, 'Nominal/ordinal/interval/ratio data, any number of
    observers, missing data': alpha = .743, .815, .849 and .797."""
    alpha = krippendorff_alpha(by_coder(K2011, level))
    assert alpha.value is not None
    assert round(alpha.value, 3) == published
    assert alpha.n_units == 11  # unit 12 has one value: not pairable
    assert alpha.n_pairable_values == 40


def test_alpha_matches_krippendorff_2011_binary_two_observers() -> None:
    """Krippendorff (2011), section A, 'Binary data, two observers, no missing data':
    alpha = .095."""
    data = by_coder({"A": [0, 1, 0, 0, 0, 0, 0, 0, 1, 0], "B": [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]})
    alpha = krippendorff_alpha(data).value
    assert alpha is not None
    assert round(alpha, 3) == 0.095


def test_multi_rater_coefficients_match_gwet_on_cac_raw4raters() -> None:
    """Gwet (2014) / irrCAC README, cac.raw4raters (the Krippendorff 2011 data): percent
    agreement 0.8181818, AC1 0.77544, Fleiss 0.76117, Brennan-Prediger 0.77273, alpha 0.74342."""
    data = by_coder(K2011)
    assert percent_agreement(data).value == pytest.approx(0.8181818, abs=5e-8)
    assert gwet_ac1(data).value == pytest.approx(0.77544, abs=5e-6)
    assert fleiss_kappa(data).value == pytest.approx(0.76117, abs=5e-6)
    assert brennan_prediger(data).value == pytest.approx(0.77273, abs=5e-6)
    assert krippendorff_alpha(data).value == pytest.approx(0.74342, abs=5e-6)


def test_gwet_ac1_chance_agreement_matches_gwet_on_cac_raw4raters() -> None:
    """irrCAC README, gwet.ac1.raw(cac.raw4raters): pe = 0.1903212 (pi_k over all 12 units)."""
    assert gwet_ac1(by_coder(K2011)).expected == pytest.approx(0.1903212, abs=5e-8)


# Fleiss (1971) psychiatric diagnoses as published in irrCAC (distrib.6raters, Gwet 2014):
# 15 subjects x 6 raters; columns Depression, Personality disorder, Schizophrenia, Neurosis, Other.
DISTRIB_6RATERS = [
    [0, 0, 0, 6, 0], [0, 3, 0, 0, 3], [0, 1, 4, 0, 1], [0, 0, 0, 0, 6], [0, 3, 0, 3, 0],
    [2, 0, 4, 0, 0], [0, 0, 4, 0, 2], [2, 0, 3, 1, 0], [2, 0, 0, 4, 0], [0, 0, 0, 0, 6],
    [1, 0, 0, 5, 0], [1, 1, 0, 4, 0], [0, 3, 3, 0, 0], [1, 0, 0, 5, 0], [0, 2, 0, 3, 1],
]  # fmt: skip


def test_fleiss_kappa_matches_gwet_on_fleiss_1971_subjects() -> None:
    """irrCAC README, fleiss.kappa.dist(distrib.6raters): kappa 0.4139265 (pa 0.5511111,
    pe 0.2340741)."""
    k = fleiss_kappa(from_distribution(DISTRIB_6RATERS))
    assert k.value == pytest.approx(0.4139265, abs=5e-8)
    assert k.observed == pytest.approx(0.5511111, abs=5e-8)
    assert k.expected == pytest.approx(0.2340741, abs=5e-8)


def test_ac1_bp_alpha_match_gwet_on_fleiss_1971_subjects() -> None:
    """irrCAC README on distrib.6raters: AC1 0.4448007, Brennan-Prediger 0.4388889,
    alpha 0.4204384."""
    data = from_distribution(DISTRIB_6RATERS)
    assert gwet_ac1(data).value == pytest.approx(0.4448007, abs=5e-8)
    assert brennan_prediger(data).value == pytest.approx(0.4388889, abs=5e-8)
    assert krippendorff_alpha(data).value == pytest.approx(0.4204384, abs=5e-8)


def test_fleiss_kappa_matches_wikipedia_worked_example() -> None:
    """Wikipedia, 'Fleiss' kappa', worked example: 14 raters, 10 subjects, 5 categories;
    P-bar = 0.378, P_e = 0.213, kappa = 0.210."""
    table = [
        [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
    ]  # fmt: skip
    assert [sum(col) for col in zip(*table, strict=True)] == [20, 28, 39, 21, 32]  # as published
    k = fleiss_kappa(from_distribution(table))
    assert k.value is not None
    assert round(k.value, 3) == 0.210
    assert round(k.observed or 0, 3) == 0.378
    assert round(k.expected or 0, 3) == 0.213


# irrCAC README, cont3x3abstractors (Gwet 2014): two abstractors, 3 categories.
CONT3X3 = [[13, 0, 0], [0, 20, 7], [0, 4, 56]]


def test_two_coder_coefficients_match_gwet_on_cont3x3abstractors() -> None:
    """irrCAC README: Cohen 0.7964094, Scott 0.7962397, AC1 0.8493305, Brennan-Prediger 0.835,
    alpha 0.7972585, percent agreement 0.89."""
    data = from_table(CONT3X3)
    assert cohen_kappa(data).value == pytest.approx(0.7964094, abs=5e-8)
    assert scott_pi(data).value == pytest.approx(0.7962397, abs=5e-8)
    assert gwet_ac1(data).value == pytest.approx(0.8493305, abs=5e-8)
    assert brennan_prediger(data).value == pytest.approx(0.835, abs=5e-12)
    assert krippendorff_alpha(data).value == pytest.approx(0.7972585, abs=5e-8)
    assert percent_agreement(data).value == pytest.approx(0.89, abs=5e-12)


def test_cohen_kappa_matches_wikipedia_2x2_example() -> None:
    """Wikipedia, "Cohen's kappa", simple example: 50 proposals, yes/yes 20, A yes B no 5,
    A no B yes 10, no/no 15; p_o = 0.7, p_e = 0.5, kappa = 0.4."""
    k = cohen_kappa(from_table([[20, 5], [10, 15]]))
    assert k.value == pytest.approx(0.4, abs=1e-12)
    assert k.observed == pytest.approx(0.7, abs=1e-12)
    assert k.expected == pytest.approx(0.5, abs=1e-12)
