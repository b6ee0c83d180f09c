"""Where the machine's CPU went during a benchmark: the app server, the browsers, the driver.

A background thread reads every process's user + system time from ``/proc`` twice a second and
keeps the last reading of each process, so a process that exits during the window (a browser
context closed at the end) still counts up to its last reading. Linux only; elsewhere the
accounting is empty and the report says so.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

PROC = Path("/proc")
TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
KINDS = ("app server", "Chromium", "test driver", "other")


def kind_of(cmdline: str, comm: str) -> str:
    """The group a process counts in, from its command line and name."""
    if "streamlit" in cmdline:
        return "app server"
    if "chrom" in comm.lower() or "headless_shell" in comm:
        return "Chromium"
    if "playwright" in cmdline or "bench/" in cmdline or comm == "node":
        return "test driver"
    return "other"


def _read(pid: str) -> tuple[float, str, str, str] | None:
    """(CPU seconds, parent pid, command line, name) of one process; None when it is gone."""
    try:
        stat = (PROC / pid / "stat").read_text()
        cmd = (PROC / pid / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return None
    comm = stat[stat.index("(") + 1 : stat.rindex(")")]
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / TICK, fields[1], cmd, comm


def kinds_by_descent(procs: dict[str, tuple[str, str, str]]) -> dict[str, str]:
    """The kind of each process (pid -> (parent pid, command line, name)): a process started by
    the app server (the Chromium it renders images with) counts as the app server."""
    own = {pid: kind_of(cmd, comm) for pid, (_, cmd, comm) in procs.items()}
    out = {}
    for pid in procs:
        seen, cur = set(), pid
        while cur in procs and cur not in seen and own[cur] != "app server":
            seen.add(cur)
            cur = procs[cur][0]
        out[pid] = "app server" if cur in procs and own[cur] == "app server" else own[pid]
    return out


def _machine() -> tuple[float, float]:
    """(busy, idle) CPU seconds of the whole machine since boot, from /proc/stat."""
    parts = [int(x) for x in (PROC / "stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = parts[3] + (parts[4] if len(parts) > 4 else 0)
    return (sum(parts) - idle) / TICK, idle / TICK


@dataclass
class CpuWindow:
    """CPU seconds by kind of process between ``start()`` and ``stop()``."""

    interval_s: float = 0.5
    by_kind: dict[str, float] = field(default_factory=dict)
    busy_s: float = 0.0
    idle_s: float = 0.0
    _first: dict[str, float] = field(default_factory=dict)
    _last: dict[str, tuple[float, str]] = field(default_factory=dict)
    _procs: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _machine0: tuple[float, float] = (0.0, 0.0)
    _t0: float = 0.0
    wall_s: float = 0.0  # between start() and stop()

    def _sample(self) -> None:
        seen = {}
        for pid in (p.name for p in PROC.iterdir() if p.name.isdigit()):
            got = _read(pid)
            if got is not None:
                self._first.setdefault(pid, got[0] if self._thread is None else 0.0)
                seen[pid] = got
        self._procs.update({pid: g[1:] for pid, g in seen.items()})
        kinds = kinds_by_descent(self._procs)
        for pid, got in seen.items():
            self._last[pid] = (got[0], kinds[pid])

    def _loop(self) -> None:
        while not self._stop.wait(self.interval_s):
            self._sample()

    def start(self) -> CpuWindow:
        if not PROC.joinpath("stat").exists():
            return self
        self._sample()  # processes already running count from here
        self._machine0 = _machine()
        self._t0 = time.monotonic()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> CpuWindow:
        if self._thread is None:
            return self
        self._stop.set()
        self._thread.join()
        self.wall_s = time.monotonic() - self._t0
        self._sample()
        busy, idle = _machine()
        self.busy_s, self.idle_s = busy - self._machine0[0], idle - self._machine0[1]
        totals = dict.fromkeys(KINDS, 0.0)
        for pid, (cpu, kind) in self._last.items():
            totals[kind] += max(0.0, cpu - self._first.get(pid, 0.0))
        self.by_kind = totals
        return self

    def sentence(self, what: str) -> str:
        """'CPU seconds during <what>: 231 busy, 9 idle (2 cores); app server 80, Chromium 130, ...'"""
        if not self.by_kind:
            return f"CPU seconds during {what}: not measured (no /proc on this system)."
        parts = ", ".join(f"{k} {v:.0f}" for k, v in self.by_kind.items())
        return (
            f"CPU seconds during {what}: {self.busy_s:.0f} busy, {self.idle_s:.0f} idle "
            f"({os.cpu_count()} cores); by process: {parts}."
        )
