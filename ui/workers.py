"""The one background-work wrapper: a QRunnable, signals, and a cancellable progress dialog.

Workers call core functions that take ``progress(done, total)`` and a ``CancelToken``; they open
their own sessions (through the Project) and never touch widgets. Writes go through one pool with a
single thread, so they are serialised.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from annotator.errors import Cancelled
from annotator.progress import CancelToken

log = logging.getLogger(__name__)

#: fn(progress, cancel) -> result
JobFunction = Callable[[Callable[[int, int], None], CancelToken], Any]

_write_pool: QThreadPool | None = None
_running: set[Job] = set()
_running_lock = threading.Lock()


def running_jobs() -> list[Job]:
    """Jobs started and not yet finished (queued ones included): what closing must cancel."""
    with _running_lock:
        return list(_running)


def cancel_and_wait(timeout_ms: int = -1) -> None:
    """Cancel every running job and wait for the writes to end (and reads, up to timeout_ms).

    Called before a project closes: a write never runs against a closed project, and what a
    cancelled write had committed (e.g. chunks of accepted agreements) stays.
    """
    for job in running_jobs():
        job.token.cancel()
        if not job.in_pool:  # its deferred start will report it cancelled without running it
            with _running_lock:
                _running.discard(job)
    write_pool().waitForDone()
    QThreadPool.globalInstance().waitForDone(timeout_ms)


def write_pool() -> QThreadPool:
    global _write_pool
    if _write_pool is None:
        _write_pool = QThreadPool()
        _write_pool.setMaxThreadCount(1)
    return _write_pool


class JobSignals(QObject):
    """Created on the GUI thread, so its signals are delivered there (queued)."""

    progress = Signal(int, int)
    finished = Signal(object)
    failed = Signal(object, str)  # exception, formatted traceback
    cancelled = Signal()


class Job(QRunnable):
    def __init__(self, fn: JobFunction, token: CancelToken | None = None) -> None:
        super().__init__()
        self.fn = fn
        self.token = token or CancelToken()
        self.signals = JobSignals()
        self.in_pool = False  # handed to a thread pool (set on the GUI thread)
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            self.token.check()  # cancelled while queued: its project may be closed already
            result = self.fn(self.signals.progress.emit, self.token)
        except Cancelled:
            self.signals.cancelled.emit()
        except BaseException as exc:  # reported on the GUI thread, never lost
            log.exception("background job failed")
            self.signals.failed.emit(exc, traceback.format_exc())
        else:
            self.signals.finished.emit(result)
        finally:
            with _running_lock:
                _running.discard(self)


def start_job(
    parent: QWidget | None,
    title: str,
    fn: JobFunction,
    on_done: Callable[[Any], None],
    *,
    on_cancel: Callable[[], None] | None = None,
    on_error: Callable[[BaseException, str], None] | None = None,
    writes: bool = False,
    show_dialog: bool = True,
    delay_ms: int = 400,
) -> Job:
    """Run fn off the GUI thread with a progress dialog (after delay_ms) and a Cancel button."""
    job = Job(fn)
    dialog: QProgressDialog | None = None
    if show_dialog:
        dialog = QProgressDialog(title, "Cancel", 0, 0, parent)
        dialog.setWindowTitle(title)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(delay_ms)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(job.token.cancel)
        dialog.setValue(0)

    def progress(done: int, total: int) -> None:
        if dialog is None:
            return
        if total > 0:
            scale = max(1, total // 1_000_000 + 1)  # QProgressDialog takes int32
            dialog.setMaximum(total // scale)
            dialog.setValue(min(done, total) // scale)

    def close() -> None:
        if dialog is not None and shiboken6.isValid(dialog):
            dialog.canceled.disconnect(job.token.cancel)
            dialog.close()
            dialog.deleteLater()

    def parent_gone() -> bool:
        """The widget that asked for the work was closed before it ended: nobody to tell.

        A preview or a report can outlive its dialog (the user closes it mid-run); its callbacks
        touch the dialog's models, which Qt has already deleted. What a write committed stays.
        """
        return parent is not None and not shiboken6.isValid(parent)

    def done(result: Any) -> None:
        close()
        if parent_gone():
            log.info("%s finished after its window closed; result dropped", title)
            return
        on_done(result)

    def cancelled() -> None:
        close()
        if on_cancel is not None and not parent_gone():
            on_cancel()

    def failed(exc: BaseException, details: str) -> None:
        close()
        if parent_gone():
            log.error("%s failed after its window closed:\n%s", title, details)
            return
        if on_error is not None:
            on_error(exc, details)
        else:
            from ui.errors import show_error

            show_error(parent, title, exc, details)

    job.signals.progress.connect(progress)
    job.signals.finished.connect(done)
    job.signals.cancelled.connect(cancelled)
    job.signals.failed.connect(failed)
    pool = write_pool() if writes else QThreadPool.globalInstance()
    with _running_lock:
        _running.add(job)

    def begin() -> None:
        if job.token.cancelled:  # cancelled before it started: nothing ran
            with _running_lock:
                _running.discard(job)
            job.signals.cancelled.emit()
            return
        job.in_pool = True
        pool.start(job)

    QTimer.singleShot(0, begin)  # after the caller has connected its slots
    return job
