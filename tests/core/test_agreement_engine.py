"""Reliability data, edge cases, multiple-choice alpha, bootstrap and report formats."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from annotator.agreement import (
    COEFFICIENT_KEYS,
    PER_CODE_KEYS,
    AgreementError,
    ReliabilityData,
    alpha_with_distance,
    bootstrap_alpha,
    brennan_prediger,
    cohen_kappa,
    coincidence_matrix,
    compute_report,
    confusion_matrix,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    masi,
    percent_agreement,
    read_long_csv,
    scott_pi,
)
from annotator.agreement.formatting import interpret_alpha, to_csv, to_html, to_json, to_table


def rows(table: dict[str, list[Any]], **kw: Any) -> ReliabilityData:
    """Coder -> list of values by unit (None = missing)."""
    units, coders, values = [], [], []
    for coder, vals in table.items():
        for i, v in enumerate(vals):
            units.append(f"u{i + 1}")
            coders.append(coder)
            values.append(v)
    return ReliabilityData.from_long(units, coders, values, **kw)


# -- building reliability data -------------------------------------------------------------


def test_from_long_keeps_a_coder_whose_values_are_all_missing() -> None:
    data = rows({"ann": ["a", "b"], "bob": ["a", "b"], "cy": [None, None]})
    assert data.coders == ("ann", "bob", "cy")
    assert krippendorff_alpha(data).n_units == 2


def test_from_long_rejects_two_values_from_one_coder_for_a_unit() -> None:
    with pytest.raises(AgreementError, match="coder 'ann' gives two values for unit 'u1'"):
        ReliabilityData.from_long(["u1", "u1"], ["ann", "ann"], ["a", "b"])


def test_from_long_rejects_a_value_outside_the_declared_categories() -> None:
    with pytest.raises(AgreementError, match=r"'c' .* not one of the declared categories"):
        rows({"ann": ["a", "c"], "bob": ["a", "b"]}, categories=["a", "b"])


def test_ordinal_text_values_need_categories_in_rank_order() -> None:
    with pytest.raises(AgreementError, match="categories in rank order"):
        rows({"ann": ["low", "high"], "bob": ["low", "low"]}, level="ordinal")


def test_ordinal_alpha_follows_declared_category_order() -> None:
    table = {"ann": ["low", "mid", "high", "mid"], "bob": ["low", "high", "high", "mid"]}
    words = rows(table, level="ordinal", categories=["low", "mid", "high"])
    numbers = rows(
        {k: [{"low": 1, "mid": 2, "high": 3}[v] for v in vs] for k, vs in table.items()},
        level="ordinal",
    )
    assert krippendorff_alpha(words).value == pytest.approx(krippendorff_alpha(numbers).value)


def test_interval_data_rejects_text() -> None:
    with pytest.raises(AgreementError, match="interval data needs numbers"):
        rows({"ann": [1, "x"], "bob": [1, 2]}, level="interval")


def test_read_long_csv_treats_empty_cells_as_missing_and_keeps_na_as_a_code(
    tmp_path: Path,
) -> None:
    path = tmp_path / "coding.csv"
    path.write_text("unit,coder,value\n1,ann,NA\n1,bob,NA\n2,ann,yes\n2,bob,\n", "utf-8")
    data = read_long_csv(path)
    assert data.categories == ("NA", "yes")
    assert data.codes[1].tolist() == [1, -1]


def test_read_long_csv_names_a_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "coding.csv"
    path.write_text("unit,rater,value\n1,ann,a\n", "utf-8")
    with pytest.raises(AgreementError, match=r"coding\.csv: no column 'coder'"):
        read_long_csv(path)


def test_read_long_csv_rejects_two_values_for_one_unit(tmp_path: Path) -> None:
    path = tmp_path / "coding.csv"
    path.write_text("unit,coder,value\n1,ann,a\n1,ann,b\n", "utf-8")
    with pytest.raises(AgreementError, match="two values for unit '1'"):
        read_long_csv(path)


def test_read_long_csv_parses_numbers_for_interval_data(tmp_path: Path) -> None:
    path = tmp_path / "scores.csv"
    path.write_text("u,c,v\n1,a,1.5\n1,b,2\n2,a,3\n2,b,x\n", "utf-8")
    with pytest.raises(AgreementError, match="line 5: value 'x' is not a number"):
        read_long_csv(path, "u", "c", "v", level="interval")


def test_read_long_csv_splits_multiple_choice_cells(tmp_path: Path) -> None:
    path = tmp_path / "sets.csv"
    path.write_text("unit,coder,value\n1,ann,a;b\n1,bob,b ; a\n", "utf-8")
    data = read_long_csv(path, level="multiple")
    assert data.domain == (frozenset({"a", "b"}),)


def test_from_frame_names_a_missing_column() -> None:
    df = pd.DataFrame({"unit": [1], "coder": ["a"], "code": ["x"]})
    with pytest.raises(AgreementError, match="no column 'value'"):
        ReliabilityData.from_frame(df, "unit", "coder", "value")


# -- edge cases ----------------------------------------------------------------------------


def test_one_category_only_leaves_alpha_undefined_with_a_reason() -> None:
    data = rows({"ann": ["a", "a", "a"], "bob": ["a", "a", "a"]})
    alpha = krippendorff_alpha(data)
    assert alpha.value is None
    assert "expected disagreement is zero" in alpha.note
    assert percent_agreement(data).value == 1.0
    for coef in (cohen_kappa(data), scott_pi(data), fleiss_kappa(data)):
        assert coef.value is None and coef.note


def test_one_observed_category_gives_ac1_and_bp_of_one_when_two_are_declared() -> None:
    data = rows({"ann": ["a", "a"], "bob": ["a", "a"]}, categories=["a", "b"])
    assert gwet_ac1(data).value == 1.0
    assert brennan_prediger(data).value == 1.0


def test_ac1_and_bp_are_undefined_with_a_single_category() -> None:
    data = rows({"ann": ["a", "a"], "bob": ["a", "a"]})
    assert gwet_ac1(data).value is None
    assert "fewer than two categories" in brennan_prediger(data).note


def test_unit_coded_once_is_counted_but_not_pairable() -> None:
    data = rows({"ann": ["a", "b", "a"], "bob": ["a", "b", None]})
    report = compute_report(data, bootstrap=0)
    assert report.n_units == 3
    assert report.coefficients["krippendorff_alpha"].n_units == 2
    assert report.coefficients["krippendorff_alpha"].n_pairable_values == 4


def test_no_pairable_units_gives_none_with_notes_everywhere() -> None:
    data = rows({"ann": ["a", None], "bob": [None, "b"]})
    report = compute_report(data, bootstrap=100)
    d = report.to_dict()
    assert all(v is None for v in d["coefficients"].values())
    assert d["alpha_ci95"] is None
    assert all(report.coefficients[k].note for k in COEFFICIENT_KEYS)


def test_coder_without_labels_leaves_cohen_kappa_undefined() -> None:
    data = rows({"ann": ["a", "b"], "bob": [None, None]})
    assert cohen_kappa(data).value is None
    assert "coded by both" in cohen_kappa(data).note


def test_empty_data_gives_a_report_without_crashing() -> None:
    report = compute_report(ReliabilityData.from_long([], [], []), bootstrap=10)
    assert report.to_dict()["n_units"] == 0
    assert "0 units" in to_table(report)


def test_cohen_kappa_on_three_coders_asks_which_two() -> None:
    data = rows({"a": [1, 2], "b": [1, 2], "c": [1, 1]})
    with pytest.raises(AgreementError, match="pass coder_a and coder_b"):
        cohen_kappa(data)
    assert cohen_kappa(data, "a", "b").value == 1.0


# -- matrices and disagreements --------------------------------------------------------------


def test_coincidence_matrix_is_symmetric_and_sums_to_pairable_values() -> None:
    data = rows({"a": [1, 2, 3, 1], "b": [1, 3, 3, None], "c": [2, 3, None, None]})
    o = coincidence_matrix(data)
    assert (o == o.T).all()
    assert o.sum() == pytest.approx(krippendorff_alpha(data).n_pairable_values)


def test_confusion_matrix_rows_are_the_first_coder() -> None:
    data = rows({"a": ["x", "x", "y"], "b": ["y", "x", "y"]})
    assert confusion_matrix(data, "a", "b").tolist() == [[1, 1], [0, 1]]


def test_disagreements_list_units_whose_present_values_differ() -> None:
    data = rows(
        {"a": ["x", "x", "y", "x"], "b": ["y", "x", None, "x"], "c": [None, "x", "z", None]}
    )
    report = compute_report(data, bootstrap=0)
    listed = report.disagreements()
    assert [d.unit for d in listed] == ["u1", "u3"]
    assert listed[1].values == {"a": "y", "c": "z"}
    assert report.to_dict()["disagreements"] == 2


# -- multiple choice -------------------------------------------------------------------------


def test_masi_distance_follows_passonneau_2006() -> None:
    a, ab, bc = frozenset("a"), frozenset("ab"), frozenset("bc")
    assert masi(ab, ab) == 0.0
    assert masi(a, ab) == pytest.approx(1 - (1 / 2) * (2 / 3))
    assert masi(ab, bc) == pytest.approx(1 - (1 / 3) * (1 / 3))
    assert masi(a, frozenset("b")) == 1.0
    assert masi(frozenset(), a) == 1.0


def test_masi_alpha_on_singleton_sets_equals_nominal_alpha() -> None:
    nominal = {"a": ["x", "y", "x", "z"], "b": ["x", "y", "y", "z"], "c": ["x", None, "y", "y"]}
    sets = {k: [None if v is None else {v} for v in vs] for k, vs in nominal.items()}
    masi_alpha = krippendorff_alpha(rows(sets, level="multiple")).value
    assert masi_alpha == pytest.approx(krippendorff_alpha(rows(nominal)).value)


def test_masi_alpha_credits_partial_overlap() -> None:
    partial = rows({"a": [{"x", "y"}, {"z"}], "b": [{"x"}, {"z"}]}, level="multiple")
    disjoint = rows({"a": [{"y"}, {"z"}], "b": [{"x"}, {"z"}]}, level="multiple")
    assert krippendorff_alpha(partial).value > krippendorff_alpha(disjoint).value


def test_general_alpha_with_masi_function_equals_level_multiple() -> None:
    data = rows(
        {"a": [{"x", "y"}, {"z"}, set()], "b": [{"x"}, {"z", "y"}, set()]}, level="multiple"
    )
    assert alpha_with_distance(data, masi).value == pytest.approx(krippendorff_alpha(data).value)


def test_per_code_for_sets_counts_a_code_present_when_the_set_contains_it() -> None:
    data = rows({"a": [{"x", "y"}, {"x"}], "b": [{"x"}, {"x"}]}, level="multiple")
    per_code = compute_report(data, bootstrap=0).per_code
    assert per_code["x"]["percent_agreement"].value == 1.0
    assert per_code["y"]["percent_agreement"].value == 0.5


# -- bootstrap -------------------------------------------------------------------------------

NOISY = {
    "a": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, 3, 2, 1, 4, 4],
    "b": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, 3, 1, 1, 4, 3],
    "c": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 3, 2, 2, 4, 4],
}


def test_bootstrap_with_the_same_seed_gives_the_same_interval() -> None:
    data = rows(NOISY)
    assert bootstrap_alpha(data, 300, seed=7) == bootstrap_alpha(data, 300, seed=7)
    assert bootstrap_alpha(data, 300, seed=7) != bootstrap_alpha(data, 300, seed=8)


def test_bootstrap_interval_brackets_the_estimate_on_noisy_data() -> None:
    data = rows(NOISY)
    ci = bootstrap_alpha(data, 500)
    alpha = krippendorff_alpha(data).value
    assert ci.low is not None and ci.high is not None and alpha is not None
    assert ci.low < alpha < ci.high


def test_bootstrap_of_perfect_agreement_is_a_point_at_one() -> None:
    ci = bootstrap_alpha(rows({"a": [1, 2, 3, 1], "b": [1, 2, 3, 1]}), 200)
    assert (ci.low, ci.high) == (1.0, 1.0)


def test_bootstrap_reruns_the_ordinal_metric_per_draw() -> None:
    ci = bootstrap_alpha(rows(NOISY, level="ordinal"), 200)
    assert ci.low is not None and ci.high is not None and ci.low <= ci.high <= 1.0


# -- report and formats ----------------------------------------------------------------------


def test_to_dict_has_exactly_the_published_shape() -> None:
    d = compute_report(rows(NOISY), bootstrap=50).to_dict()
    assert list(d) == [
        "n_units", "n_coders", "level", "weights", "distance", "coefficients", "chance",
        "alpha_ci95", "per_code", "per_category", "pairwise", "disagreements", "codebook_versions",
    ]  # fmt: skip
    assert list(d["coefficients"]) == list(COEFFICIENT_KEYS)
    assert list(compute_report(rows(NOISY), bootstrap=0).coefficients) == list(COEFFICIENT_KEYS)
    assert list(d["chance"]) == list(COEFFICIENT_KEYS)
    assert all(set(t) == {"observed", "expected"} for t in d["chance"].values())
    assert d["coefficients"]["cohen_kappa"] is None  # three coders
    assert all(list(v) == list(PER_CODE_KEYS) for v in d["per_code"].values())
    assert list(d["per_category"]) == list(d["per_code"])
    assert all(list(v) == ["fleiss_kappa"] for v in d["per_category"].values())
    assert [set(p) for p in d["pairwise"]] == [
        {"coder_a", "coder_b", "n_units", "cohen_kappa", "percent_agreement"}
    ] * 3


def test_to_json_is_valid_json_with_null_for_undefined() -> None:
    data = rows({"a": ["x", "x"], "b": ["x", "x"]})
    parsed = json.loads(to_json(compute_report(data, bootstrap=0)))
    assert parsed["coefficients"]["krippendorff_alpha"] is None


def test_to_csv_has_an_overall_row_then_one_row_per_code() -> None:
    lines = to_csv(compute_report(rows(NOISY), bootstrap=0)).splitlines()
    assert lines[0].split(",") == ["scope", "code", *COEFFICIENT_KEYS]
    assert lines[1].startswith("overall,,")
    assert [line.split(",")[1] for line in lines[2:]] == ["1", "2", "3", "4", "5"]


def test_to_html_escapes_names_and_shows_matrices_and_conventions() -> None:
    data = rows({"<script>": ["<b>", "x"], "bob": ["x", "x"]})
    page = to_html(compute_report(data, bootstrap=0), "Reliability & <test>")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "Reliability &amp; &lt;test&gt;" in page
    assert "Confusion matrix" in page and "Conventions" in page and "Disagreements (1)" in page


@pytest.mark.parametrize(
    ("alpha", "verdict"),
    [(0.8, "reliable"), (0.7999, "tentative"), (0.667, "tentative"), (0.6669, "unreliable")],
)
def test_interpretation_uses_krippendorffs_thresholds(alpha: float, verdict: str) -> None:
    assert interpret_alpha(alpha).startswith(verdict)


def test_table_lists_conventions_and_interpretation() -> None:
    text = to_table(compute_report(rows(NOISY), bootstrap=100))
    assert "Krippendorff's alpha =" in text and "95% CI" in text
    assert "Conventions:" in text and "bootstrap" in text
