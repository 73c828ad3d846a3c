"""Progress reporting and cancellation for long work, shared by the CLI, the UI and scripts."""

from __future__ import annotations

import threading
from collections.abc import Callable

from annotator.errors import Cancelled

#: ``progress(done, total)``; total may be 0 when unknown.
ProgressCallback = Callable[[int, int], None]


def no_progress(done: int, total: int) -> None:
    """The default callback: report nothing."""


class CancelToken:
    """Set from any thread (the Cancel button); long work checks it between units of work."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        """Raise :class:`Cancelled` if cancellation was asked for."""
        if self._event.is_set():
            raise Cancelled("cancelled by the user")
