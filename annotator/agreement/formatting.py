"""A report as text for the terminal, JSON, CSV and a self-contained HTML page."""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from typing import Any

import numpy.typing as npt

from annotator.agreement.coefficients import Coefficient
from annotator.agreement.report import (
    COEFFICIENT_KEYS,
    COEFFICIENT_NAMES,
    NOTE_UNWEIGHTED,
    PER_CODE_KEYS,
    AgreementReport,
    format_value,
)
from annotator.records import plural
from annotator.spreadsheet_safety import csv_line, neutralise

HTML_DISAGREEMENT_LIMIT = 1000


def interpret_alpha(alpha: float | None) -> str:
    """Krippendorff's (2004, p. 241) thresholds for drawing conclusions from coded data."""
    if alpha is None:
        return "undefined"
    if alpha >= 0.800:
        return "reliable (alpha >= .800)"
    if alpha >= 0.667:
        return "tentative conclusions only (.667 <= alpha < .800)"
    return "unreliable (alpha < .667)"


def _num(v: float | None) -> str:
    return "—" if v is None else f"{v:.3f}"


def _grid(rows: Sequence[Sequence[str]], right: Sequence[bool]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for r in rows:
        pairs = enumerate(zip(r, widths, strict=True))
        cells = [c.rjust(w) if right[i] else c.ljust(w) for i, (c, w) in pairs]
        out.append("  ".join(cells).rstrip())
    return out


def _notes(report: AgreementReport) -> list[str]:
    notes = []
    unweighted = False
    for key in COEFFICIENT_KEYS:
        c = report.coefficients[key]
        if c.note == NOTE_UNWEIGHTED:
            unweighted = True
        elif c.note:
            notes.append(f"{COEFFICIENT_NAMES[key]}: {c.note}")
    if unweighted:
        notes.append(f"Weighted coefficients: {NOTE_UNWEIGHTED}")
    b = report.bootstrap
    if b is not None and b.note:
        notes.append(f"Bootstrap: {b.note}")
    return notes


def _alpha_line(report: AgreementReport) -> str:
    alpha = report.coefficients["krippendorff_alpha"].value
    text = f"Krippendorff's alpha = {_num(alpha)}: {interpret_alpha(alpha)}"
    ci = report.alpha_ci95
    if ci is not None:
        text += f"; 95% CI [{ci[0]:.3f}, {ci[1]:.3f}]"
        b = report.bootstrap
        if b is not None and b.share_below_667 is not None:
            text += f"; P(alpha < .667) = {b.share_below_667:.3f}"
    return text


def to_table(report: AgreementReport) -> str:
    """Plain aligned text for a terminal."""
    lines = [
        f"{plural(report.n_units, 'unit')}, {report.n_coders} coders, level {report.level}, "
        f"{plural(report.n_disagreements, 'unit')} with disagreement",
        *([report.versions_note.capitalize()] if report.versions_note else []),
        "",
    ]
    rows = [["Coefficient", "Value", "Observed", "Expected", "Units", "Values"]]
    for key in COEFFICIENT_KEYS:
        c = report.coefficients[key]
        rows.append(
            [
                COEFFICIENT_NAMES[key],
                _num(c.value),
                _num(c.observed),
                _num(c.expected),
                str(c.n_units),
                str(c.n_pairable_values),
            ]
        )
    lines += _grid(rows, [False, True, True, True, True, True])
    if report.weights:
        lines += ["", f"Weights: {report.weights} (Gwet 2014)"]
    lines += ["", _alpha_line(report)]
    if report.per_code:
        lines += ["", "Per code (present vs absent):"]
        head = ["Code", *[COEFFICIENT_NAMES[k] for k in PER_CODE_KEYS]]
        prow = [head] + [
            [code, *[_num(coefs[k].value) for k in PER_CODE_KEYS]]
            for code, coefs in report.per_code.items()
        ]
        lines += _grid(prow, [False] + [True] * len(PER_CODE_KEYS))
    if report.pairwise:
        lines += ["", "Pairwise Cohen's kappa:"]
        rows = [["Coder A", "Coder B", "Units", "Kappa", "Agreement"]] + [
            [
                str(p.coder_a),
                str(p.coder_b),
                str(p.n_units),
                _num(p.cohen_kappa),
                _num(p.percent_agreement),
            ]
            for p in report.pairwise
        ]
        lines += _grid(rows, [False, False, True, True, True])
    notes = _notes(report)
    if notes:
        lines += ["", "Notes:", *[f"- {n}" for n in notes]]
    lines += ["", "Conventions:", *[f"- {c}" for c in report.conventions]]
    return "\n".join(lines) + "\n"


def to_json(report: AgreementReport) -> str:
    """``report.to_dict()`` as JSON (no NaN: undefined values are null)."""
    return json.dumps(report.to_dict(), indent=2, allow_nan=False) + "\n"


def to_csv(report: AgreementReport) -> str:
    """One row for the overall figures, then one per code; empty cell = undefined."""
    lines = [csv_line(["scope", "code", *COEFFICIENT_KEYS])]

    def cells(coefs: dict[str, Coefficient]) -> list[str]:
        values = [coefs[k].value if k in coefs else None for k in COEFFICIENT_KEYS]
        return ["" if v is None else repr(float(v)) for v in values]

    lines.append(csv_line(["overall", "", *cells(report.coefficients)]))
    for code, coefs in report.per_code.items():
        lines.append(csv_line(["code", neutralise(str(code)), *cells(coefs)]))
    return "".join(lines)


_CSS = """
body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:70em}
table{border-collapse:collapse;margin:.5em 0 1.5em}
th,td{border:1px solid #ccc;padding:.25em .6em}
td.n{text-align:right;font-variant-numeric:tabular-nums}
th{background:#f3f3f3}.reliable{color:#17692e}.tentative{color:#8a5a00}.unreliable{color:#a11}
"""


def _h(v: object) -> str:
    return html.escape(str(v), quote=True)


def html_table(head: Sequence[str], rows: Sequence[Sequence[str]], numeric_from: int) -> str:
    out = ["<table><thead><tr>", *[f"<th>{_h(c)}</th>" for c in head], "</tr></thead><tbody>"]
    for r in rows:
        out.append("<tr>")
        for i, c in enumerate(r):
            cls = ' class="n"' if i >= numeric_from else ""
            out.append(f"<td{cls}>{_h(c)}</td>")
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _matrix_html(labels: Sequence[str], matrix: npt.NDArray[Any], fmt: str) -> str:
    rows = [[labels[i], *[format(float(x), fmt) for x in row]] for i, row in enumerate(matrix)]
    return html_table(["", *labels], rows, 1)


def to_html(
    report: AgreementReport, title: str, unit_names: Mapping[Any, str] | None = None
) -> str:
    """A self-contained page (inline CSS, no scripts); every piece of data is escaped.

    ``unit_names`` names the disagreeing units (for a project: "Title — sentence 4", the
    number every export calls ``sentence_number``) instead of their internal ids.
    """
    return html_page(title, agreement_sections(report, unit_names))


def html_page(title: str, sections: Sequence[str]) -> str:
    """A self-contained page (inline CSS, no scripts) around sections of HTML already escaped
    (the report window adds its coding-time tables to the agreement sections this way)."""
    return (
        "\n".join(
            [
                "<!DOCTYPE html>",
                '<html lang="en"><head><meta charset="utf-8">',
                f"<title>{_h(title)}</title><style>{_CSS}</style></head><body>",
                f"<h1>{_h(title)}</h1>",
                *sections,
                "</body></html>",
            ]
        )
        + "\n"
    )


def agreement_sections(
    report: AgreementReport, unit_names: Mapping[Any, str] | None = None
) -> list[str]:
    """The agreement report as HTML sections (escaped), for ``html_page``."""
    alpha = report.coefficients["krippendorff_alpha"].value
    verdict = interpret_alpha(alpha).split(" ")[0]
    parts = [
        f"<p>{plural(report.n_units, 'unit')}, {report.n_coders} coders, "
        f"level {_h(report.level)}, {plural(report.n_disagreements, 'unit')} with "
        "disagreement"
        + (f"; {_h(report.versions_note)}" if report.versions_note else "")
        + ".</p>",
        f'<p class="{_h(verdict)}"><strong>{_h(_alpha_line(report))}</strong></p>',
        "<h2>Coefficients</h2>",
        html_table(
            ["Coefficient", "Value", "Observed", "Expected", "Units", "Pairable values", "Note"],
            [
                [
                    COEFFICIENT_NAMES[k],
                    _num(c.value),
                    _num(c.observed),
                    _num(c.expected),
                    str(c.n_units),
                    str(c.n_pairable_values),
                    c.note,
                ]
                for k, c in ((k, report.coefficients[k]) for k in COEFFICIENT_KEYS)
            ],
            1,
        ),
    ]
    if report.per_code:
        parts += [
            "<h2>Per code (present vs absent)</h2>",
            html_table(
                ["Code", *[COEFFICIENT_NAMES[k] for k in PER_CODE_KEYS]],
                [
                    [code, *[_num(c[k].value) for k in PER_CODE_KEYS]]
                    for code, c in report.per_code.items()
                ],
                1,
            ),
        ]
    if report.pairwise:
        parts += [
            "<h2>Pairwise Cohen's kappa</h2>",
            html_table(
                ["Coder A", "Coder B", "Units", "Cohen's kappa", "Percent agreement"],
                [
                    [
                        str(p.coder_a),
                        str(p.coder_b),
                        str(p.n_units),
                        _num(p.cohen_kappa),
                        _num(p.percent_agreement),
                    ]
                    for p in report.pairwise
                ],
                2,
            ),
        ]
    labels = list(report.value_labels)
    if report.confusion is not None:
        a, b = report.data.coders[0], report.data.coders[1]
        parts += [
            f"<h2>Confusion matrix (rows: {_h(a)}, columns: {_h(b)})</h2>",
            _matrix_html(labels, report.confusion, "g"),
        ]
    if labels:
        parts += ["<h2>Coincidence matrix</h2>", _matrix_html(labels, report.coincidence, ".3g")]
    shown = report.disagreements(HTML_DISAGREEMENT_LIMIT)
    parts.append(f"<h2>Disagreements ({report.n_disagreements})</h2>")
    if shown:
        coders = [str(c) for c in report.data.coders]
        rows = []
        for d in shown:
            by_name = {str(k): format_value(v) for k, v in d.values.items()}
            unit = str(d.unit) if unit_names is None else unit_names.get(d.unit, str(d.unit))
            rows.append([unit, *[by_name.get(c, "") for c in coders]])
        head = "Unit" if unit_names is None else "Sentence"
        parts.append(html_table([head, *coders], rows, 99))
        if report.n_disagreements > len(shown):
            parts.append(f"<p>… and {report.n_disagreements - len(shown)} more.</p>")
    else:
        parts.append("<p>None.</p>")
    notes = _notes(report)
    if notes:
        parts += ["<h2>Notes</h2><ul>", *[f"<li>{_h(n)}</li>" for n in notes], "</ul>"]
    parts += [
        "<h2>Conventions</h2><ul>",
        *[f"<li>{_h(c)}</li>" for c in report.conventions],
        "</ul>",
    ]
    return parts
