"""`make bench`: time a full script run of every page with AppTest, plus the heavy pure functions.

Median of several runs after a warm-up; prints a Markdown table (paste it into docs/benchmarks.md).
Benchmarks are never asserted in tests.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RUNS = int(os.environ.get("BENCH_RUNS", "7"))


def _pages() -> list[tuple[str, str, dict]]:
    """(label, page script, query params) for every page and its heavy variants."""
    from bench.cases import PAGE_CASES

    return PAGE_CASES


def _time(fn, runs: int = RUNS) -> tuple[float, float]:
    """(first call, median of `runs` further calls) in milliseconds."""
    t0 = time.perf_counter()
    fn()
    first = (time.perf_counter() - t0) * 1000
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return first, statistics.median(times)


def bench_pages() -> list[tuple[str, float, float]]:
    """Per page: the first full run in a fresh session (cold caches), then the median of reruns
    of the same session (warm caches, as a user clicking around)."""
    from streamlit.testing.v1 import AppTest

    rows = []
    for label, script, params in _pages():
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        for k, v in params.items():
            at.query_params[k] = v

        def first(at=at, script=script):
            at.run()
            if script != "pages/cohort.py":
                at.switch_page(script).run()

        def rerun(at=at):
            at.run()

        t0 = time.perf_counter()
        first()
        cold = (time.perf_counter() - t0) * 1000
        if at.exception:
            raise RuntimeError(f"{label}: {at.exception[0].value}")
        _, warm = _time(rerun)
        rows.append((label, cold, warm))
    return rows


def bench_functions() -> list[tuple[str, float, float]]:
    from bench.cases import FUNCTION_CASES

    return [(label, *_time(fn)) for label, fn in FUNCTION_CASES()]


def main() -> int:
    from plexrt.ingest.build import build_db

    tmp = Path(tempfile.mkdtemp(prefix="plexrt-bench-"))
    db = tmp / "plexrt.duckdb"
    t0 = time.perf_counter()
    build_db(ROOT / "data", db)
    build_ms = (time.perf_counter() - t0) * 1000
    os.environ["PLEXRT_DB"] = str(db)
    os.environ["PLEXRT_USER_DB"] = str(tmp / "user.duckdb")
    print(f"PlexRT benchmarks · {RUNS} runs after a warm-up · median ms\n")
    print("| what | first run (ms) | median (ms) |")
    print("|---|---:|---:|")
    print(f"| plexrt build-db (bundled data) | {build_ms:.0f} | – |")
    for label, first, med in bench_functions():
        print(f"| {label} | {first:.1f} | {med:.1f} |")
    for label, first, med in bench_pages():
        print(f"| page: {label} (AppTest full script run) | {first:.0f} | {med:.0f} |")
    print("\nPages: first = first run of a new session; median = reruns of that session.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
