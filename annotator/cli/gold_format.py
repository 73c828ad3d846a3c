"""Text, CSV and JSON of coders' agreement with the gold standard (``annotator agreement
--against gold``): one row per coder, then each coder's per-code precision, recall and F1."""

from __future__ import annotations

import json
from collections.abc import Sequence

from annotator.agreement.formatting import _grid, _num
from annotator.gold import GoldComparison
from annotator.spreadsheet_safety import csv_line, neutralise


def to_table(comparisons: Sequence[GoldComparison]) -> str:
    """Aligned text: the coders' alpha, kappa and units, then a per-code table per coder."""
    if not comparisons:
        return "No coder has finished a gold article yet.\n"
    group = comparisons[0].group
    lines = [f"Agreement with the gold standard, group {group}", ""]
    rows = [["Coder", "Alpha", "Kappa", "Sentences", "Articles", "Differ"]]
    for c in comparisons:
        rows.append(
            [
                c.coder,
                _num(c.alpha.value),
                _num(c.kappa.value),
                str(c.n_sentences),
                str(c.n_articles),
                str(c.n_differences),
            ]
        )
    lines += _grid(rows, [False, True, True, True, True, True])
    for c in comparisons:
        lines += ["", f"{c.coder}, per code (gold is the truth):"]
        prow = [["Code", "Precision", "Recall", "F1", "Gold", "Coder"]]
        for s in c.per_code:
            given = s.true_positives + s.false_positives
            prow.append(
                [s.code, _num(s.precision), _num(s.recall), _num(s.f1), str(s.support), str(given)]
            )
        lines += _grid(prow, [False, True, True, True, True, True])
    lines += [
        "",
        "Alpha: Krippendorff's nominal alpha; Kappa: Cohen's kappa; Gold / Coder: sentences "
        "each gave the code.",
    ]
    return "\n".join(lines) + "\n"


def to_csv(comparisons: Sequence[GoldComparison]) -> str:
    """One row per coder (scope "coder") and per coder and code (scope "code"); empty =
    undefined."""
    head = [
        "scope", "coder", "group", "code", "krippendorff_alpha", "cohen_kappa", "n_sentences",
        "n_articles", "precision", "recall", "f1", "gold_count", "coder_count",
    ]  # fmt: skip
    lines = [csv_line(head)]

    def v(x: float | None) -> str:
        return "" if x is None else repr(float(x))

    def line(**cells: str) -> str:
        return csv_line(cells.get(k, "") for k in head)

    for c in comparisons:
        who = {"coder": neutralise(c.coder), "group": neutralise(c.group)}
        lines.append(
            line(
                scope="coder", **who, krippendorff_alpha=v(c.alpha.value),
                cohen_kappa=v(c.kappa.value), n_sentences=str(c.n_sentences),
                n_articles=str(c.n_articles),
            )
        )  # fmt: skip
        for s in c.per_code:
            lines.append(
                line(
                    scope="code", **who, code=neutralise(s.code), precision=v(s.precision),
                    recall=v(s.recall), f1=v(s.f1), gold_count=str(s.support),
                    coder_count=str(s.true_positives + s.false_positives),
                )
            )  # fmt: skip
    return "".join(lines)


def to_json(comparisons: Sequence[GoldComparison]) -> str:
    return json.dumps([c.to_dict() for c in comparisons], indent=2) + "\n"


FORMATS = {"table": to_table, "csv": to_csv, "json": to_json}
