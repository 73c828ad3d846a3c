"""Screenshots of the main window with the demo project, for the docs.

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
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

log = logging.getLogger("screenshots")


def settle(seconds: float = 0.6) -> None:
    from PySide6.QtWidgets import QApplication

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents()


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

    import ui.main_window
    from ui.main_window import MainWindow

    # The screenshot shows both coders on purpose: answer the blind-coding question with Continue.
    ui.main_window.ask_unblind = lambda _parent: True  # type: ignore[assignment]

    project_path = tmp / "demo.annotator"
    build_demo(project_path).close()
    window = MainWindow()
    window.open_project(project_path, "anna")
    window.resize(width, height)
    window.show()
    window.registry["show_others"].setChecked(True)
    settle()
    panel = window.article_panel
    panel.select_row(3)
    settle(0.3)

    args.out.mkdir(parents=True, exist_ok=True)
    target = args.out / "screenshot-main.png"
    if not window.grab().save(str(target)):
        log.error("could not write %s", target)
        return 1
    sys.stdout.write(f"wrote {target}\n")
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
