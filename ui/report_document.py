"""The report as one HTML page (saved as HTML, printed to PDF): the agreement sections from the
core, then the Coding time tab's tables exactly as the tab shows them.

Coding time needs one coder, agreement two: with one coder chosen, or nothing to compare, the
page has the coding time alone and says which sections were left out and why.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

from annotator.agreement import AgreementReport
from annotator.agreement.formatting import agreement_sections, html_page, html_table
from annotator.coding_time import CodingStats
from ui.coding_time_models import CoderTimeModel, CodeTimeModel
from ui.report_coding_time_tab import done_counts, measured_note
from ui.table_model import RowTableModel


def has_coding_time(stats: CodingStats | None) -> bool:
    """Whether there is coding time to put in a report (a label event or a done article)."""
    return stats is not None and bool(stats.coders or stats.done_per_day)


def report_page(
    title: str,
    report: AgreementReport | None,
    unit_names: Mapping[int, str],
    coding: CodingStats | None,
    omitted: str = "",
) -> str:
    """The page; ``omitted`` says why there is no agreement ``report`` (one coder chosen)."""
    sections: list[str] = []
    if report is not None:
        sections += agreement_sections(report, unit_names)
    else:
        reason = (omitted or "there is nothing to compare").rstrip(".")
        sections.append(
            f'<p class="omitted"><em>The agreement sections are left out: {html.escape(reason)}.'
            "</em></p>"
        )
    if has_coding_time(coding):
        assert coding is not None
        sections += coding_time_sections(coding)
    return html_page(title, sections)


def coding_time_sections(stats: CodingStats) -> list[str]:
    """The Coding time tab as HTML: its note, the two tables and the done-per-day counts."""
    parts = ["<h2>Coding time</h2>", f"<p>{html.escape(measured_note(stats.pause_s))}</p>"]
    coder_model, code_model = CoderTimeModel(), CodeTimeModel()
    coder_model.set_rows(list(stats.coders))
    code_model.set_rows(list(stats.codes))
    parts += ["<h3>Per coder</h3>", _model_table(coder_model, CoderTimeModel.TEXT_COLUMNS)]
    parts += ["<h3>Per coder and code</h3>", _model_table(code_model, CodeTimeModel.TEXT_COLUMNS)]
    counts = done_counts(stats)
    days = sorted({day for per_day in counts.values() for day in per_day})
    if days:
        coders = list(counts)
        rows = [[day.isoformat(), *[str(counts[c].get(day, 0)) for c in coders]] for day in days]
        parts += [
            "<h3>Articles marked done per day (UTC)</h3>",
            html_table(["Day", *coders], rows, 1),
        ]
    return parts


def _model_table(model: RowTableModel, text_columns: int) -> str:
    """A table model's header and cells as the view shows them (its display texts)."""
    head = [str(h) for h in model.HEADERS]
    rows = [
        [str(model.index(r, c).data() or "") for c in range(len(head))]
        for r in range(model.rowCount())
    ]
    return html_table(head, rows, text_columns)
