"""PySide6 6.12.0 on Python 3.11 corrupts the reference count of None on every Qt call that
returns nothing: a few hundred thousand calls abort the interpreter ("deallocating None").
pyproject.toml keeps that pair out; this test would catch it coming back."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap


def test_hundreds_of_thousands_of_void_qt_calls_do_not_abort_the_interpreter() -> None:
    script = textwrap.dedent(
        """
        from PySide6.QtWidgets import QApplication, QLabel
        app = QApplication([])
        label = QLabel()
        for i in range(300_000):
            label.setText("x")  # returns None: the call that corrupted None's refcount
        print("ok")
        """
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, env=env
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "ok"


def test_the_installed_pair_is_not_the_known_bad_one() -> None:
    import PySide6

    bad = sys.version_info[:2] == (3, 11) and PySide6.__version__.startswith("6.12.0")
    assert not bad, f"PySide6 {PySide6.__version__} on Python 3.11 is the known-bad pair"
