"""Error reporting: one dialog (message, details to copy, log path) for every unexpected failure.

Installed as sys.excepthook and threading.excepthook by ui/app.py, so an exception in a slot or a
thread is shown and logged and never ends the app.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from annotator.errors import AnnotatorError
from annotator.logs import log_path

log = logging.getLogger(__name__)

#: Boxes without a parent widget: Python holds the only reference, so without this set a box shown
#: from the excepthook (no window to hang it on) was collected, and vanished, the moment it showed.
_unparented: dict[int, QMessageBox] = {}


def show_error(
    parent: QWidget | None, title: str, exc: BaseException, details: str | None = None
) -> QMessageBox:
    """Expected failures (AnnotatorError) show their message; others add the traceback."""
    box = QMessageBox(parent)
    box.setIcon(
        QMessageBox.Icon.Warning if isinstance(exc, AnnotatorError) else QMessageBox.Icon.Critical
    )
    box.setWindowTitle(title)
    box.setText(str(exc) or type(exc).__name__)
    if not isinstance(exc, AnnotatorError):
        box.setInformativeText(
            f"This is a bug in annotator, not in your data. Your labels are saved.\n"
            f"Details are in the log: {log_path()}"
        )
    box.addButton(QMessageBox.StandardButton.Ok)
    if isinstance(exc, AnnotatorError):
        # The user's own mistake or the state of a file: the message is the whole story, and a
        # traceback behind "Show Details" would read as a crash. It goes to the log instead.
        log.info("%s: %s", title, exc, exc_info=exc)
    else:
        details = details or "".join(traceback.format_exception(exc))
        box.setDetailedText(details)
        copy = box.addButton("Copy details", QMessageBox.ButtonRole.ActionRole)
        copy.clicked.disconnect()
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(f"{exc}\n\n{details}"))
    box.setModal(True)
    if parent is None:
        _unparented[id(box)] = box
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # closed: freed, traceback and all
        key = id(box)  # the slot holds the key, not the box (that would keep the box alive)
        box.finished.connect(lambda _result: _unparented.pop(key, None))
        box.destroyed.connect(lambda: _unparented.pop(key, None))
    box.show()
    return box


class _Relay(QObject):
    """Carries exceptions from any thread to the GUI thread."""

    raised = Signal(object, str)


_relay: _Relay | None = None


def install_excepthook(parent: QWidget | None = None) -> None:
    global _relay
    _relay = _Relay()
    _relay.raised.connect(lambda exc, details: show_error(parent, "Unexpected error", exc, details))

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        details = "".join(traceback.format_exception(exc_type, exc, tb))
        log.error("unhandled exception\n%s", details)
        if _relay is not None:
            _relay.raised.emit(exc, details)

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            hook(args.exc_type, args.exc_value, args.exc_traceback)

    sys.excepthook = hook
    threading.excepthook = thread_hook
