"""A coder's session in the real app, run as its own process by test_labels_survive_a_kill.py.

As the bug report of issue 19 had it: the app starts (the demo opens), File > New project in the
real file dialog, File > Import articles with several files chosen in the real file dialog in
the project's own folder, then another program opens the project for writing and closes it
(as `annotator` commands do), then the coder labels sentences with code keys. After each label
the window shows, it prints ``ACK <sentence id> <code id>``; the test kills it at a random one.

Usage: python gui_session.py <folder> <labels>
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog, QLineEdit, QPushButton

folder, wanted = Path(sys.argv[1]), int(sys.argv[2])
app = QApplication(sys.argv[:1])

from ui.import_dialog import ImportDialog  # noqa: E402  (after the QApplication)
from ui.main_window import MainWindow  # noqa: E402
from ui.sentence_model import OWN_CODES_ROLE, SENTENCE_ID_ROLE  # noqa: E402

window = MainWindow()
window.open_initial(None, "anna")
window.show()
project_path = folder / "study.annotator"
articles = [folder / f"report{i}.txt" for i in range(3)]
for i, path in enumerate(articles):
    path.write_text(
        f"Troops crossed river {i} at dawn, officials said. The ministry denied any attack. "
        f"Analysts expect the fighting to spread.\n\nShelling went on overnight in sector {i}.",
        encoding="utf-8",
    )
table = folder / "wire.csv"
table.write_text(
    "title,text\n"
    + "".join(
        f'Wire {i},"Forces advanced {i} km. Diplomats met in Geneva. Both denied it."\n'
        for i in range(3)
    ),
    encoding="utf-8",
)


def answer_file_dialog(names: list[str], then: object) -> None:
    """Wait for the modal file dialog, let it list the folder a while, type the names, accept."""
    dialog = QApplication.activeModalWidget()
    if not isinstance(dialog, QFileDialog):
        QTimer.singleShot(100, lambda: answer_file_dialog(names, then))
        return

    def accept() -> None:
        dialog.setDirectory(str(folder))
        edit = dialog.findChild(QLineEdit, "fileNameEdit")
        assert edit is not None
        edit.setText(" ".join(f'"{n}"' for n in names) if len(names) > 1 else names[0])
        dialog.accept()
        QTimer.singleShot(0, then)  # type: ignore[arg-type]

    dialog.setDirectory(str(folder))
    QTimer.singleShot(1500, accept)  # the dialog lists (and may sniff) the folder's files


def new_project() -> None:
    QTimer.singleShot(0, lambda: answer_file_dialog([project_path.name], lambda: None))
    window.new_project_dialog()
    assert window.project is not None and window.project.path == project_path
    window.import_paths(None)
    dialog = window.findChild(ImportDialog)
    assert dialog is not None
    add_files = next(b for b in dialog.findChildren(QPushButton) if "file" in b.text().lower())
    names = [p.name for p in [*articles, table]]
    QTimer.singleShot(0, lambda: answer_file_dialog(names, lambda: start_import(dialog)))
    add_files.click()


def start_import(dialog: ImportDialog) -> None:
    assert len(dialog.paths()) == 4, dialog.paths()
    dialog.button_box.button(QDialogButtonBox.StandardButton.Ok).click()
    QTimer.singleShot(200, wait_for_import)


def wait_for_import() -> None:
    project = window.project
    assert project is not None
    if len(project.article_ids()) < 6:
        QTimer.singleShot(200, wait_for_import)
        return
    # Another program opens the project for writing and closes it, as `annotator` commands do.
    code = f"from annotator.project import Project; Project.open({str(project_path)!r}).close()"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
    print("IMPORTED", flush=True)
    QTimer.singleShot(500, label_next)


shown: dict[int, list[str]] = {}


def label_next() -> None:
    """Press the code key, note what the window now shows for that sentence, go down one."""
    view = window.sentence_view
    view.setFocus()
    QTest.keyClick(view, "m")
    index = view.currentIndex()
    codes = index.data(OWN_CODES_ROLE) or []
    shown[int(index.data(SENTENCE_ID_ROLE))] = sorted(c.name for c in codes)
    if len(shown) < wanted:
        QTest.keyClick(view, Qt.Key.Key_Down)
        if view.currentIndex() == index:  # the article's last sentence: on to the next one
            following = window.article_list_panel.neighbour(window._article_id, 1)
            assert following is not None, "ran out of articles"
            window.show_article(following)
        QTimer.singleShot(50, label_next)
    else:
        print("SHOWN", json.dumps(shown), flush=True)


QTimer.singleShot(300, new_project)
app.exec()
