"""How long the server took for each script run, for whoever runs a team server.

With ``PLEXRT_RUN_LOG`` set to a file, every script run of the app adds one JSON line to it: the
page, the wall-clock seconds from the run's first line to its last, and the CPU seconds of the
thread that ran it (Python's ``thread_time``; work DuckDB does on threads of its own is not in it).
The time a run waited before it started, and the sending of its last messages, are not in it
either: it is the server's share of a step, not the whole step a browser sees. No patient value,
filter or user name is written, only the page's address. Unset (the default), nothing is timed.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

ENV = "PLEXRT_RUN_LOG"
_write_lock = threading.Lock()
log = logging.getLogger("plexrt")


@dataclass
class Run:
    page: str = ""
    wall_s: float = 0.0
    cpu_s: float = 0.0

    def line(self) -> str:
        return json.dumps(
            {"page": self.page, "wall_s": round(self.wall_s, 4), "cpu_s": round(self.cpu_s, 4)}
        )


def read(path: str | os.PathLike) -> list[Run]:
    """The runs a log holds, oldest first (a line cut short by a stopped server is skipped)."""
    runs = []
    with open(path, encoding="utf-8") as fh:
        for text in fh:
            try:
                item = json.loads(text)
                runs.append(Run(str(item["page"]), float(item["wall_s"]), float(item["cpu_s"])))
            except (ValueError, KeyError, TypeError):
                continue
    return runs


@contextlib.contextmanager
def timed() -> Iterator[Run]:
    """Time the enclosed script run (the caller sets ``run.page`` once it is known); the line is
    written however the run ends (a finished page, ``st.stop``, a rerun, an error)."""
    path = os.environ.get(ENV)
    run = Run()
    wall, cpu = time.perf_counter(), time.thread_time()
    try:
        yield run
    finally:
        if path:
            run.wall_s = time.perf_counter() - wall
            run.cpu_s = time.thread_time() - cpu
            try:
                with _write_lock, open(path, "a", encoding="utf-8") as fh:
                    fh.write(run.line() + "\n")
            except OSError as exc:  # the page was drawn; only its timing is lost
                log.warning("%s: could not write the run log: %s", ENV, exc)
