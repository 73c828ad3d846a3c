"""Background jobs outlive the windows that start them: late results reach no dead widget."""

from __future__ import annotations

import logging
import threading

import pytest
import shiboken6
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from ui.workers import running_jobs, start_job


def _wait_until_no_jobs(qtbot: QtBot) -> None:
    qtbot.waitUntil(lambda: not running_jobs(), timeout=5000)
    qtbot.wait(50)  # the queued finished/failed signal is delivered after the job leaves the set


@pytest.mark.parametrize("outcome", ["finishes", "fails"])
def test_a_job_whose_window_was_deleted_reports_to_nobody(
    qtbot: QtBot, outcome: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="ui.workers")
    window = QWidget()
    release = threading.Event()
    calls: list[str] = []

    def work(progress: object, cancel: object) -> int:
        release.wait(5)
        if outcome == "fails":
            raise ValueError("late failure")
        return 42

    def on_done(result: int) -> None:
        calls.append("done")
        window.setWindowTitle(str(result))  # would raise: the C++ object is gone

    def on_error(exc: BaseException, details: str) -> None:
        calls.append("error")
        window.setWindowTitle("failed")

    start_job(window, "Slow", work, on_done, on_error=on_error, show_dialog=True, delay_ms=0)
    qtbot.waitUntil(lambda: any(job.in_pool for job in running_jobs()), timeout=5000)
    shiboken6.delete(window)
    assert not shiboken6.isValid(window)
    release.set()
    _wait_until_no_jobs(qtbot)
    said = "finished after its window closed" if outcome == "finishes" else "failed after its"
    qtbot.waitUntil(lambda: said in caplog.text, timeout=5000)  # it did arrive, and was dropped
    assert calls == []


def test_a_job_whose_window_is_alive_reports_its_result(qtbot: QtBot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    results: list[int] = []
    start_job(window, "Quick", lambda progress, cancel: 7, results.append, show_dialog=False)
    qtbot.waitUntil(lambda: results == [7], timeout=5000)
