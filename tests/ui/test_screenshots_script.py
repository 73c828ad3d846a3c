"""`make screenshots` keeps working: the script drives the real windows to each main view and
writes one image of each (it had hung on a question after the main window was split)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage

REPO = Path(__file__).resolve().parents[2]
VIEWS = (
    "main",
    "report",
    "coding-time",
    "export",
    "adjudication",
    "codebook-editor",
    "changelog",
    "import",
    "training",
    "report-gold",
)


def test_the_screenshot_script_writes_every_main_view(tmp_path: Path) -> None:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "QT_QPA_PLATFORM": "offscreen",
    }
    done = subprocess.run(
        [sys.executable, str(REPO / "packaging" / "screenshots.py"), "--out", str(tmp_path)],
        env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    for view in VIEWS:
        image = QImage(str(tmp_path / f"screenshot-{view}.png"))
        assert not image.isNull(), view
        assert image.width() > 600 and image.height() > 400, view
        assert len({image.pixel(x, y) for x in range(0, image.width(), 37)
                    for y in range(0, image.height(), 29)}) > 10, f"{view} looks blank"  # fmt: skip
