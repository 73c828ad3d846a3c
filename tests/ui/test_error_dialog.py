"""One error dialog for every failure: expected ones say what to do, bugs say where the log is, and
nothing raised in a slot or a thread ends the app."""

from __future__ import annotations

import sys
import threading

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from annotator.errors import ReadOnlyProjectError
from annotator.logs import log_path
from ui.errors import install_excepthook, show_error


def _raised(exc: BaseException) -> BaseException:
    try:
        raise exc
    except BaseException as caught:
        return caught


def _boxes_saying(text: str) -> list[QMessageBox]:
    return [
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, QMessageBox) and w.isVisible() and w.text() == text
    ]


def test_an_expected_failure_shows_its_message_as_a_warning(qtbot: QtBot) -> None:
    exc = _raised(ReadOnlyProjectError("demo.annotator is open read-only: nothing can be changed"))
    box = show_error(None, "Apply code", exc)
    qtbot.addWidget(box)
    assert box.windowTitle() == "Apply code"
    assert box.icon() is QMessageBox.Icon.Warning
    assert box.text() == "demo.annotator is open read-only: nothing can be changed"
    assert box.informativeText() == ""  # not a bug: no talk of logs
    assert box.detailedText() == ""  # and no traceback behind "Show Details", read as a crash
    assert not [b for b in box.findChildren(QPushButton) if b.text() == "Copy details"]


def test_a_bug_says_the_labels_are_saved_and_where_the_log_is(qtbot: QtBot) -> None:
    exc = _raised(KeyError("sentence 12"))
    box = show_error(None, "Export", exc, "Traceback: the details given")
    qtbot.addWidget(box)
    assert box.icon() is QMessageBox.Icon.Critical
    assert "bug in annotator" in box.informativeText()
    assert "labels are saved" in box.informativeText()
    assert str(log_path()) in box.informativeText()
    assert box.detailedText() == "Traceback: the details given"


def test_copy_details_puts_message_and_traceback_on_the_clipboard(qtbot: QtBot) -> None:
    box = show_error(None, "Export", _raised(ValueError("bad row")), "the traceback")
    qtbot.addWidget(box)
    copy = next(b for b in box.findChildren(QPushButton) if b.text() == "Copy details")
    copy.click()
    assert QGuiApplication.clipboard().text() == "bad row\n\nthe traceback"
    assert box.isVisible()  # copying does not close the dialog


def test_an_exception_with_an_empty_message_is_named(qtbot: QtBot) -> None:
    box = show_error(None, "Open", _raised(RuntimeError()))
    qtbot.addWidget(box)
    assert box.text() == "RuntimeError"


@pytest.fixture
def excepthooks_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """install_excepthook replaces both hooks; the next test gets the old ones back."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)


def test_an_unhandled_exception_is_logged_and_shown_not_fatal(
    qtbot: QtBot, excepthooks_kept: None, caplog: pytest.LogCaptureFixture
) -> None:
    install_excepthook()
    exc = _raised(ZeroDivisionError("division by zero in a slot"))
    sys.excepthook(type(exc), exc, exc.__traceback__)
    said = "division by zero in a slot"
    qtbot.waitUntil(lambda: bool(_boxes_saying(said)), timeout=5000)
    box = _boxes_saying(said)[-1]
    qtbot.addWidget(box)
    assert box.windowTitle() == "Unexpected error"
    assert "ZeroDivisionError" in box.detailedText()
    assert "unhandled exception" in caplog.text


def test_an_exception_in_a_thread_reaches_the_gui_thread(
    qtbot: QtBot, excepthooks_kept: None
) -> None:
    install_excepthook()

    def fail() -> None:
        raise OSError("disk went away in a worker")

    worker = threading.Thread(target=fail)
    worker.start()
    worker.join()
    said = "disk went away in a worker"
    qtbot.waitUntil(lambda: bool(_boxes_saying(said)), timeout=5000)
    box = _boxes_saying(said)[-1]
    qtbot.addWidget(box)
    assert box.windowTitle() == "Unexpected error"
    assert box.thread() is QApplication.instance().thread()  # type: ignore[union-attr]


def test_a_box_without_a_window_is_freed_once_closed(qtbot: QtBot) -> None:
    import shiboken6

    import ui.errors

    box = show_error(None, "Export", _raised(ValueError("gone after OK")))
    key = id(box)
    assert box.isVisible() and key in ui.errors._unparented
    box.done(0)  # OK
    qtbot.waitUntil(lambda: not shiboken6.isValid(box), timeout=5000)
    assert key not in ui.errors._unparented
