"""A piece of work run in a background thread with progress and a cancellation token, for work a
page should not wait on (the reconstruction ensemble). No streamlit here: the page polls
``progress`` and ``state`` and calls ``cancel``."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

RUNNING, DONE, CANCELLED, FAILED = "running", "done", "cancelled", "failed"

# The work: called as ``work(progress, cancelled)``; ``progress(done, total)`` after each step,
# ``cancelled()`` True once ``cancel`` was called (the work then stops, raising or returning).
Work = Callable[[Callable[[int, int], None], Callable[[], bool]], Any]


class BackgroundJob:
    """Runs ``work`` in a daemon thread as soon as it is made."""

    def __init__(self, work: Work, name: str = "plexrt-background") -> None:
        self._cancel = threading.Event()
        self._lock = threading.Lock()
        self._progress = (0, 0)
        self._state = RUNNING
        self._result: Any = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(work,), name=name, daemon=True)
        self._thread.start()

    def _run(self, work: Work) -> None:
        try:
            result = work(self._set_progress, self._cancel.is_set)
        except BaseException as exc:  # the page shows it; the thread must not die silently
            with self._lock:
                self._error = exc
                self._state = CANCELLED if self._cancel.is_set() else FAILED
            return
        with self._lock:
            self._result = result
            self._state = CANCELLED if self._cancel.is_set() else DONE

    def _set_progress(self, done: int, total: int) -> None:
        with self._lock:
            self._progress = (int(done), int(total))

    @property
    def progress(self) -> tuple[int, int]:
        """(steps done, steps in all); (0, 0) before the first step."""
        with self._lock:
            return self._progress

    @property
    def state(self) -> str:
        """running, done, cancelled or failed."""
        with self._lock:
            return self._state

    def cancel(self) -> None:
        """Ask the work to stop (it stops before its next step)."""
        self._cancel.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the thread to end; True when it has."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def result(self) -> Any:
        """The work's result once done; raises the work's error when it failed, RuntimeError
        while running or after a cancel."""
        state = self.state
        if state == DONE:
            return self._result
        if state == FAILED and self._error is not None:
            raise self._error
        raise RuntimeError(f"no result: the job is {state}")

    @property
    def error(self) -> BaseException | None:
        with self._lock:
            return self._error
