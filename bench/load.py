"""Concurrency (issue 16 §2): many browser sessions against one `streamlit run app.py`.

One server on 127.0.0.1 with a fresh bundled store and a fresh user database. First one session
visits every page once (warm caches, not measured), then one session alone moves through every
page changing filters for ``--alone-passes`` passes (the baseline), then ``--sessions`` sessions do the
same at once for ``--seconds`` while another session imports the synthetic example on the Import
page and records one follow-up assessment after another (``tests/e2e/load_sessions.py``). Each
session pauses ``--think`` seconds on average after each step. Then the same load again at each
slower pace of ``--pace PAUSE:SECONDS`` (10 s pauses for 120 s, and 30 s pauses, as a clinician
reads a chart, for 300 s), each on a server of its own (fresh user database, warmed the same
way); the baseline is the one measured first. Before the clock starts, every session (the one
alone too) goes through every page ``--warm-passes`` times unmeasured, as the browser of someone
who has used PlexRT before: otherwise nearly every step under load is a new browser context's
first sight of a page, whose JavaScript it must load and compile, against a baseline that has
seen every page.

The browsers run at the lowest priority (``--browser-nice``, 19): when the server and the
browsers want the CPU at once, the server gets nearly all of it, as it would with each person's
browser on their own machine; the alone baseline runs the same way. The server logs every script
run (``PLEXRT_RUN_LOG``, ``plexrt.ui.runlog``), so the same windows are also given as the server
saw them, without the browsers' drawing.

Counted: errors (page exceptions, Streamlit error elements, the user data reported unusable),
steps not drawn within ``STEP_S`` (90 s); lost writes (every import and follow-up entry
confirmed on screen is in the user database afterwards, with the audit chain intact); the median
and 95th percentile page time under load beside one session alone, measured in the same run.
With ``--tab-p P`` a session also opens another tab of the page after a share P of its page
visits (a step of its own, timed apart); with ``--lazy-tabs`` the server computes only the open
tab at every size (``PLEXRT_LAZY_TABS=always``), so that opening a tab is a script run, and the
block is written under a heading of its own. With ``--split-cpus`` the server runs on the first CPU
and everything else (the browsers, Playwright, this script) on the others, as if each person's
browser ran on a computer of its own (except that the browsers share their cores); that block too
has a heading of its own.

Exits 1 when there was an error, a step over its bound or a lost write. Stops by itself (every
wait is bounded).

    .venv/bin/python bench/load.py [--sessions 20] [--seconds 60] [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e import load_sessions as ls  # noqa: E402 -- after the path is set

from bench.blocks import replace_block  # noqa: E402 -- after the path is set
from bench.cpu import CpuWindow  # noqa: E402 -- after the path is set
from bench.load_report import (  # noqa: E402 -- after the path is set
    Scenario,
    ServerRuns,
    block_for,
    report,
)


def _windows(run_log: Path) -> tuple[CpuWindow, ServerRuns, Callable[[], None]]:
    """A CPU window and a run-log window, and the one call that starts both with the clock."""
    cpu, server = CpuWindow(), ServerRuns(run_log)

    def start() -> None:
        cpu.start()
        server.start()

    return cpu, server, start


def _niced_browser(folder: Path, nice: int) -> str | None:
    """A launcher that starts Chromium at this niceness: the server then gets the CPU first, as
    it would if the browsers ran on the users' own machines (None: Chromium as it is). Playwright
    starts the browser in a session of its own, which Linux schedules as a group (an autogroup)
    against the server's: the group's niceness is what counts between them, so the launcher sets
    that (and the process's own, for a kernel without autogroups; Chromium run as root sets its
    processes' own niceness itself)."""
    if nice == 0 or ls.CHROMIUM is None:
        return None
    script = folder / "chromium-niced"
    script.write_text(
        "#!/bin/sh\n"
        f"echo {nice} > /proc/self/autogroup 2>/dev/null\n"
        f'exec nice -n {nice} {shlex.quote(ls.CHROMIUM)} "$@"\n'
    )
    script.chmod(0o755)
    return str(script)


def _cpus(args) -> tuple[set[int] | None, set[int] | None]:
    """With ``--split-cpus``: the server's CPU (the first) and everyone else's (the rest)."""
    if not args.split_cpus:
        return None, None
    every = sorted(os.sched_getaffinity(0))
    return {every[0]}, set(every[1:])


def _pin(cpus: set[int] | None) -> None:
    """Run this process, and the processes it starts from now on, on ``cpus`` only."""
    if cpus:
        os.sched_setaffinity(0, cpus)


def measure(args) -> tuple[ls.Tally, list[Scenario]]:
    """The baseline, then each load scenario on a server of its own (each with a fresh user
    database, so that each writer imports into an empty one)."""
    from plexrt.ingest.build import build_db

    runs = [Scenario(args.think, args.seconds)]
    runs += [Scenario(think, seconds) for think, seconds in args.pace]
    alone = ls.Tally()
    tabs = {"tab_p": args.tab_p, "lazy_tabs": args.lazy_tabs}
    server_cpus, client_cpus = _cpus(args)
    with tempfile.TemporaryDirectory(prefix="plexrt-load-") as tmp_name:
        tmp = Path(tmp_name)
        build_db(ROOT / "data", tmp / "plexrt.duckdb")
        browser = _niced_browser(tmp, args.browser_nice)
        log = ROOT / "test-artifacts" / "streamlit-load.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        for k, run in enumerate(runs):
            user_db, run_log = tmp / f"user-{k}.duckdb", tmp / f"runs-{k}.jsonl"
            app = ls.streamlit_server(
                tmp / "plexrt.duckdb", user_db, log, run_log, lazy_tabs=args.lazy_tabs
            )
            _pin(server_cpus)  # the server starts on entering, and keeps the CPUs it started on
            with app as base:
                _pin(client_cpus)  # the browsers, Playwright's driver and this script
                print("warming up: one session, every page once", flush=True)
                ls.run_sync(base, 1, 600, write=False, passes=1, chromium=browser)
                if k == 0:
                    print(f"one session alone, {args.alone_passes} passes", flush=True)
                    window, server, start = _windows(run_log)
                    alone = ls.run_sync(
                        base,
                        1,
                        600,
                        write=False,
                        seed=101,
                        passes=args.alone_passes,
                        think_s=args.think,
                        warm_passes=args.warm_passes,
                        clock_started=start,
                        chromium=browser,
                        **tabs,
                    )
                    args.alone_cpu = window.stop()
                    args.alone_server = server.stop()
                    args.alone_seconds = args.alone_cpu.wall_s
                print(
                    f"{args.sessions} sessions + a writer, {run.seconds:.0f} s, "
                    f"{run.think:g} s pauses",
                    flush=True,
                )
                window, server, start = _windows(run_log)
                run.tally = ls.run_sync(
                    base,
                    args.sessions,
                    run.seconds,
                    write=True,
                    seed=1,
                    think_s=run.think,
                    warm_passes=args.warm_passes,
                    clock_started=start,
                    chromium=browser,
                    **tabs,
                )
                run.cpu = window.stop()
                run.server = server.stop()
            run.lost = ls.lost_writes(user_db, run.tally)
    return alone, runs


DEFAULT_PACES = [(10.0, 120.0), (30.0, 300.0)]


def _pace(text: str) -> tuple[float, float]:
    """'30:300' -> (30.0, 300.0): a mean pause and a length, both in seconds."""
    try:
        think, seconds = (float(x) for x in text.split(":"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected PAUSE:SECONDS, got {text!r}") from None
    if think < 0 or seconds <= 0:
        raise argparse.ArgumentTypeError(f"pause >= 0 and seconds > 0, got {text!r}")
    return think, seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20, help="reading sessions (default 20)")
    parser.add_argument("--seconds", type=float, default=60, help="length of the load (60)")
    parser.add_argument(
        "--alone-passes", type=int, default=2, help="baseline: passes through every page (2)"
    )
    parser.add_argument(
        "--think", type=float, default=2.0, help="mean pause after each step, seconds (2)"
    )
    parser.add_argument(
        "--warm-passes",
        type=int,
        default=1,
        help="unmeasured passes through every page by each session before the clock starts (1)",
    )
    parser.add_argument(
        "--pace",
        type=_pace,
        action="append",
        help="a further load at this mean pause for this long, PAUSE:SECONDS (10:120 and 30:300)",
    )
    parser.add_argument(
        "--browser-nice",
        type=int,
        choices=range(20),
        default=19,
        metavar="0-19",
        help="start the browsers under nice (19: the server gets the CPU first; 0: as they are)",
    )
    parser.add_argument(
        "--tab-p",
        type=float,
        default=0.0,
        help="share of page visits after which another tab of the page is opened (0)",
    )
    parser.add_argument(
        "--lazy-tabs",
        action="store_true",
        help="the server computes only the open tab at every size (PLEXRT_LAZY_TABS=always)",
    )
    parser.add_argument(
        "--split-cpus",
        action="store_true",
        help="the server on the first CPU, the browsers (and this script) on the others",
    )
    parser.add_argument("--write", type=Path, help="also write the block into this Markdown file")
    args = parser.parse_args(argv)
    args.pace = DEFAULT_PACES if args.pace is None else args.pace
    if not 0 <= args.tab_p <= 1:
        parser.error(f"--tab-p is a share between 0 and 1, got {args.tab_p:g}")
    if args.split_cpus and len(os.sched_getaffinity(0)) < 2:
        parser.error("--split-cpus needs at least 2 CPUs")
    if ls.CHROMIUM is None:
        raise SystemExit("Chromium is missing: `make chromium` (Debian's package)")
    started = time.monotonic()
    alone, runs = measure(args)
    block = report(args, alone, runs)
    print(block)
    print(f"(whole run {time.monotonic() - started:.0f} s)")
    if args.write:
        begin, end, heading = block_for(args)
        replace_block(args.write, begin, end, block, heading)
    failed = alone.errors or alone.timeouts
    failed = failed or any(r.tally.errors or r.tally.timeouts or r.lost for r in runs)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
