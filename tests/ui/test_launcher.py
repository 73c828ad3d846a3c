"""The `annotator` entry point as a user starts it: the window opens on a project and, with
--quit-when-ready, says so and closes (what the smoke test of the built app relies on); the About
box shows the version from the package metadata."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

import annotator

REPO = Path(__file__).resolve().parents[2]


def test_open_quit_when_ready_shows_the_window_then_exits(demo_path: Path, tmp_path: Path) -> None:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),  # its own settings and log folder
        "QT_QPA_PLATFORM": "offscreen",
    }
    script = "import sys; from ui.launcher import main; raise SystemExit(main(sys.argv[1:]))"
    done = subprocess.run(
        [sys.executable, "-c", script, "open", str(demo_path), "--coder", "zoe",
         "--quit-when-ready"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines() == ["annotator: window ready"]
    # the window really opened the project as that coder: it remembered it as the last one
    settings = (tmp_path / ".config" / "annotator" / "annotator.conf").read_text()
    assert "demo" in settings and "zoe" in settings


def test_about_shows_the_version_from_the_package_metadata(
    make_window: Callable[..., object], demo_path: Path
) -> None:
    window = make_window(demo_path)
    seen: list[str] = []

    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.isVisible():
            seen.append(box.text())
            box.accept()
        else:
            QTimer.singleShot(10, read_and_close)

    QTimer.singleShot(0, read_and_close)
    window.show_about()  # type: ignore[attr-defined]
    assert seen and f"annotator {annotator.__version__}" in seen[0]


def test_a_project_file_alone_on_the_command_line_opens_it() -> None:
    from ui.launcher import command_line

    assert command_line(["study.annotator"]) == ["open", "study.annotator"]
    assert command_line(["info", "study.annotator"]) == ["info", "study.annotator"]
    assert command_line(["--version"]) == ["--version"]
    assert command_line([]) == []
