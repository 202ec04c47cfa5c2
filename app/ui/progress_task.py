"""One long service call (a report, an export) on a worker thread with progress for the GUI.

The call receives a ``progress(percent, stage) -> bool`` function; calling it from the worker
posts the figures to the GUI thread (``progressed`` signal) and answers False once the user has
asked to stop, so the service can discard its half-done work and return.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from app.ui.queue_model import TaskRunner

ProgressFn = Callable[[float, str], bool]


class ProgressTask(QObject):
    """Runs ``fn(progress)`` off the GUI thread; ``finished(result)`` or ``failed(exception)`` after."""

    progressed = Signal(int, str)
    finished = Signal(object)
    failed = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = TaskRunner(self)
        self._stop = threading.Event()
        self._running = False

    @property
    def running(self) -> bool:
        return self._running

    @property
    def stop_requested(self) -> bool:
        return self._stop.is_set()

    def start(self, fn: Callable[[ProgressFn], Any]) -> None:
        """Start ``fn`` unless a call is already running."""
        if self._running:
            return
        self._running = True
        self._stop.clear()

        def progress(percent: float, stage: str = "") -> bool:
            self.progressed.emit(max(0, min(100, int(percent))), stage)
            return not self._stop.is_set()

        self.runner.run(lambda: fn(progress), self._done, self._error)

    def stop(self) -> None:
        """Ask the running call to stop at its next progress report."""
        self._stop.set()

    def wait(self, timeout_s: float = 60.0) -> bool:
        """Block until the worker thread is done (window close, tests)."""
        return self.runner.wait(timeout_s)

    def _done(self, result: object) -> None:
        self._running = False
        self.finished.emit(result)

    def _error(self, exc: BaseException) -> None:
        self._running = False
        self.failed.emit(exc)
