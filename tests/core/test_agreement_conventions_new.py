"""Conventions of the added coefficients where data are thin: missing values, units with one
value, a single category, coders who coded nothing (docs/agreement.md, "Undefined values")."""

from __future__ import annotations

import pytest

from annotator.agreement import (
    AgreementError,
    ReliabilityData,
    compute_report,
    weight_matrix,
)


def rows(table: dict[str, list[object]], level: str = "nominal") -> ReliabilityData:
    units, coders, values = [], [], []
    for coder, vals in table.items():
        for i, v in enumerate(vals):
            units.append(i)
            coders.append(coder)
            values.append(v)
    return ReliabilityData.from_long(units, coders, values, level=level)


def test_one_category_leaves_the_chance_corrected_values_undefined_with_a_note() -> None:
    r = compute_report(rows({"a": [1, 1, 1], "b": [1, 1, 1]}, "ordinal"), bootstrap=0,
                       weights="linear")  # fmt: skip
    for key in ("conger_kappa", "light_kappa", "hubert_kappa", "cohen_kappa_max",
                "cohen_kappa_weighted", "fleiss_kappa_weighted"):  # fmt: skip
        assert r.coefficients[key].value is None and r.coefficients[key].note, key
    assert r.coefficients["gwet_ac2"].value is None  # q = 1: nothing to correct
    assert r.coefficients["percent_agreement"].value == 1.0


def test_a_coder_who_coded_nothing_is_left_out_of_conger_and_the_pairs() -> None:
    with_idle = rows({"a": [1, 2, 1, 2], "b": [1, 2, 2, 2], "c": [None] * 4})
    without = rows({"a": [1, 2, 1, 2], "b": [1, 2, 2, 2]})
    got = compute_report(with_idle, bootstrap=0).coefficients
    want = compute_report(without, bootstrap=0).coefficients
    for key in ("conger_kappa", "light_kappa", "hubert_kappa", "fleiss_kappa"):
        assert got[key].value == pytest.approx(want[key].value), key


def test_units_coded_by_one_coder_count_only_in_the_coder_shares_of_conger() -> None:
    """A unit only coder a coded adds to a's shares (Conger's p_e), not to p_a or the pairs."""
    base = {"a": [1, 2, 1], "b": [1, 2, 2]}
    extra = {"a": [1, 2, 1, 1], "b": [1, 2, 2, None]}
    r0 = compute_report(rows(base), bootstrap=0).coefficients
    r1 = compute_report(rows(extra), bootstrap=0).coefficients
    assert r1["conger_kappa"].observed == pytest.approx(r0["conger_kappa"].observed)
    assert r1["conger_kappa"].expected != pytest.approx(r0["conger_kappa"].expected)
    assert r1["light_kappa"].value == pytest.approx(r0["light_kappa"].value)
    assert r1["hubert_kappa"].value == pytest.approx(r0["hubert_kappa"].value)


def test_weights_need_ordered_categories() -> None:
    with pytest.raises(AgreementError, match="ordered categories"):
        compute_report(rows({"a": ["x", "y"], "b": ["x", "x"]}), bootstrap=0, weights="linear")
    with pytest.raises(AgreementError, match="unknown weights"):
        weight_matrix("cubic", [1, 2, 3])
    with pytest.raises(AgreementError, match="non-negative"):
        weight_matrix("ratio", [-1, 0, 1])


def test_ordinal_text_categories_are_weighted_by_rank() -> None:
    data = ReliabilityData.from_long(
        [0, 0, 1, 1, 2, 2], list("ababab"), ["lo", "mid", "mid", "mid", "hi", "hi"],
        categories=["lo", "mid", "hi"], level="ordinal",
    )  # fmt: skip
    numeric = ReliabilityData.from_long(
        [0, 0, 1, 1, 2, 2], list("ababab"), [1, 2, 2, 2, 3, 3], level="ordinal"
    )
    a = compute_report(data, bootstrap=0, weights="quadratic").coefficients
    b = compute_report(numeric, bootstrap=0, weights="quadratic").coefficients
    for key in ("cohen_kappa_weighted", "fleiss_kappa_weighted", "gwet_ac2"):
        assert a[key].value == pytest.approx(b[key].value), key


def test_every_weight_matrix_is_symmetric_with_ones_on_the_diagonal() -> None:
    from annotator.agreement import WEIGHTS

    for name in WEIGHTS:
        w = weight_matrix(name, [1, 2, 4, 7])
        assert (w == w.T).all() and (w.diagonal() == 1).all(), name
        assert w.min() >= -1e-12 and w.max() <= 1 + 1e-12, name


def test_report_pairwise_table_is_pairwise_cohen() -> None:
    from annotator.agreement import pairwise_cohen

    data = rows({"a": [1, 2, 1, None], "b": [1, 2, 2, 2], "c": [2, 2, None, 1]})
    assert list(compute_report(data, bootstrap=0).pairwise) == pairwise_cohen(data)
