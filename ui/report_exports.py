"""Writing a computed agreement report to disk: HTML, PDF (via Qt), coefficient and disagreement
CSV, and asking where to save.

The texts come from the core (``annotator.agreement.formatting``, the disagreements export) and,
for the page with its coding-time tables, ``ui.report_document``; this module only adds what
needs Qt: the PDF writer and the save dialog.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from annotator.agreement import AgreementReport
from annotator.agreement.formatting import to_csv
from annotator.exports.disagreements_export import write_disagreements_csv
from annotator.reliability import DisagreementRow
from ui.file_dialogs import SafeFileDialog


def unit_names(rows: list[DisagreementRow]) -> dict[int, str]:
    """The listed sentences as the app names them, not by internal id."""
    return {r.sentence_id: r.name for r in rows}


def write_html(page: str, path: Path) -> None:
    """The report page (``ui.report_document.report_page``) as a self-contained .html file."""
    Path(path).write_text(page, encoding="utf-8")


def write_pdf(page: str, title: str, path: Path) -> None:
    """The report page printed to an A4 PDF by Qt's text engine."""
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter)
    writer.setTitle(title)
    writer.setCreator("annotator")
    doc = QTextDocument()
    doc.setHtml(page)
    doc.print_(writer)


def write_coefficients_csv(report: AgreementReport, path: Path) -> None:
    Path(path).write_text(to_csv(report), encoding="utf-8", newline="")


def write_disagreements(report: AgreementReport, rows: list[DisagreementRow], path: Path) -> None:
    """The listed disagreements, ids as in the label exports (docs/exchange.md)."""
    write_disagreements_csv(rows, [str(c) for c in report.data.coders], path, force=True)


def ask_export_path(
    parent: QWidget, project_path: Path, caption: str, suffix: str, filter_: str
) -> Path | None:
    """A path to write to, after asking before overwriting an existing file."""
    default = project_path.with_name(f"{project_path.stem}-agreement{suffix}")
    return ask_save_path(parent, default, caption, suffix, filter_)


def ask_save_path(
    parent: QWidget, default: Path, caption: str, suffix: str, filter_: str
) -> Path | None:
    """A path to write to (``suffix`` added when none is typed), after asking before
    overwriting an existing file."""
    name, _ = SafeFileDialog.getSaveFileName(
        parent, caption, str(default), filter_,
        options=QFileDialog.Option.DontConfirmOverwrite,
    )  # fmt: skip
    if not name:
        return None
    path = Path(name)
    if not path.suffix:
        path = path.with_suffix(suffix)
    if path.exists():
        answer = QMessageBox.question(
            parent, "Replace file?", f"{path.name} already exists. Replace it?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )  # fmt: skip
        if answer != QMessageBox.StandardButton.Yes:
            return None
    return path
