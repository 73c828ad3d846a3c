"""Screenshots of the main views with the demo project, for the docs: the main window, the
agreement report and its Coding time tab, adjudication, the codebook editor and changelog, the
export dialog with its preview, the import dialog with a table preview, and the training view
against a gold standard with the report's Against gold tab.

Run under a real X server so fonts match a desktop:
    xvfb-run -s "-screen 0 1400x900x24" python packaging/screenshots.py [--out docs]
It uses a temporary folder for the project and the settings, so it never touches yours.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from ui.main_window import MainWindow

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

log = logging.getLogger("screenshots")


def settle(seconds: float = 0.6) -> None:
    from PySide6.QtWidgets import QApplication

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents()


def wait_for(condition: Callable[[], bool], what: str, seconds: float = 60.0) -> None:
    """Process events until condition() holds; a view that never gets there fails the run."""
    from PySide6.QtWidgets import QApplication

    end = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > end:
            raise SystemExit(f"screenshots: gave up waiting for {what}")
        QApplication.processEvents()
        time.sleep(0.01)


def save(widget: QWidget, target: Path) -> None:
    settle(0.3)
    if not widget.grab().save(str(target)):
        raise SystemExit(f"screenshots: could not write {target}")
    sys.stdout.write(f"wrote {target}\n")


def shoot_training(window: MainWindow, out: Path) -> None:
    """The training view: anna's demo coding against a gold standard of ben's first articles
    (ben stands in for the expert), at its third difference; then the report's Against gold
    tab. Marks the gold standard in the (temporary) demo project, so it runs last."""
    from ui.report_window import ReportWindow
    from ui.training_window import TrainingWindow

    project = window.project
    assert project is not None
    project.mark_gold(project.article_ids()[:4], gold_coder="ben", by="lead")
    window.open_training()
    training = window.findChildren(TrainingWindow)[0]
    wait_for(lambda: training.loaded, "the training view")
    training.resize(1200, 780)
    for _ in range(2):  # the demo's third difference: the second is highlighted just above it
        training.step_difference(1)
    save(training, out / "screenshot-training.png")
    training.close()
    window.open_report()
    report = next(r for r in window.findChildren(ReportWindow) if not r.closed)
    assert report.gold_tab is not None
    report.tabs.setCurrentWidget(report.gold_tab)
    gold_tab = report.gold_tab
    wait_for(lambda: gold_tab.loaded and not report.computing, "the Against gold tab")
    report.resize(1100, 640)
    save(report, out / "screenshot-report-gold.png")
    report.close()


def shoot_codebook_editor(window: QWidget, out: Path) -> None:
    """The codebook editor with a code selected and a refused key shown beside its field."""
    from ui.codebook_editor import CodebookEditor

    window.open_codebook_editor()  # type: ignore[attr-defined]
    editor = window.findChildren(CodebookEditor)[0]
    editor.resize(1100, 700)
    code = editor.project.codebook.codes[1]
    editor.select_uid(code.uid)
    editor.form.key.setText("m")
    editor.form.key.editingFinished.emit()  # refused: another code has the key
    settle()
    save(editor, out / "screenshot-codebook-editor.png")
    editor.close()


def changelog_view(window: MainWindow, tmp: Path, out: Path) -> None:
    """The codebook changelog after a second version: a code renamed by loading a codebook
    file, published with its note."""
    project = window.project
    assert project is not None
    cb_file = tmp / "conflict-news.yaml"
    project.export_codebook(cb_file)
    cb_file.write_text(
        cb_file.read_text(encoding="utf-8").replace("Analyst opinion", "Expert opinion"),
        encoding="utf-8",
    )
    project.load_codebook(cb_file, by="lead", note="Analyst opinion is now Expert opinion")
    window._codebook_changed("")
    window.open_codebook_changelog()
    dialog = window.changelog_dialog
    dialog.resize(820, 480)
    save(dialog, out / "screenshot-changelog.png")
    dialog.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=REPO / "docs")
    parser.add_argument("--size", default="1400x860")
    args = parser.parse_args(argv)
    width, height = (int(v) for v in args.size.split("x"))

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from annotator.demo import build_demo
    from ui.app import apply_look, set_identity

    app = QApplication(sys.argv[:1])
    set_identity(app)
    tmp = Path(tempfile.mkdtemp(prefix="annotator-shots-"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp / "settings"))
    apply_look(app)

    import ui.window_session
    from ui.adjudication_window import AdjudicationWindow
    from ui.import_dialog import ImportDialog
    from ui.main_window import MainWindow
    from ui.report_window import ReportWindow

    # The screenshot shows both coders on purpose: answer the blind-coding question with Continue.
    ui.window_session.ask_unblind = lambda _parent: True  # type: ignore[assignment]

    project_path = tmp / "demo.annotator"
    build_demo(project_path).close()
    window = MainWindow()
    window.open_project(project_path, "anna")
    window.resize(width, height)
    window.show()
    window.registry["show_others"].setChecked(True)
    settle()
    window.article_panel.select_row(3)
    args.out.mkdir(parents=True, exist_ok=True)
    save(window, args.out / "screenshot-main.png")

    window.open_report()
    report = window.findChildren(ReportWindow)[0]
    wait_for(lambda: report.report is not None, "the agreement report")
    report.resize(1100, 760)
    save(report, args.out / "screenshot-report.png")
    report.tabs.setCurrentWidget(report.tabs.coding_time_tab)
    save(report, args.out / "screenshot-coding-time.png")
    report.close()

    export_dialog(window, args.out / "screenshot-export.png")

    window.open_adjudication()
    adjudication = window.findChildren(AdjudicationWindow)[0]
    wait_for(lambda: adjudication.loaded, "the adjudication list")
    adjudication.resize(1200, 720)
    save(adjudication, args.out / "screenshot-adjudication.png")
    adjudication.close()

    shoot_codebook_editor(window, args.out)
    changelog_view(window, tmp, args.out)

    table = tmp / "wire-feed.csv"
    table.write_text(
        "headline,published,body\n"
        '"Shelling along the border",2025-01-12,"Artillery struck two villages overnight. '
        'Officials denied any role."\n'
        '"Ceasefire proposal tabled",2025-01-14,"Envoys met in the capital. '
        'An analyst called the plan fragile."\n',
        encoding="utf-8",
    )
    dialog = ImportDialog(window, [table])
    dialog.show()
    wait_for(lambda: dialog.preview_panel.model.rowCount() > 0, "the table preview")
    save(dialog, args.out / "screenshot-import.png")
    dialog.close()
    shoot_training(window, args.out)
    window.close()
    return 0


def export_dialog(window: object, target: Path) -> None:
    """The export dialog as it opens: the long CSV's first rows, every header in full."""
    from ui.export_dialog import open_export

    dialog = open_export(None, window.project)  # type: ignore[attr-defined]
    wait_for(lambda: dialog.preview_model.rowCount() > 0, "the export preview")
    dialog.resize(980, 640)
    save(dialog, target)
    dialog.close()


if __name__ == "__main__":
    raise SystemExit(main())
