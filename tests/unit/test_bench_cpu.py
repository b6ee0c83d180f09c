"""The load benchmark's parts: CPU accounting (bench/cpu.py), server-run window, launcher."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from bench.cpu import CpuWindow, kind_of, kinds_by_descent


@pytest.mark.parametrize(
    ("cmdline", "comm", "kind"),
    [
        (
            "/x/.venv/bin/python -m streamlit run app.py --server.port 8600",
            "streamlit",
            "app server",
        ),
        ("/usr/lib/chromium/chromium --type=renderer", "chromium", "Chromium"),
        ("/usr/lib/chromium/chrome_crashpad_handler", "chrome_crashpad", "Chromium"),
        ("node /x/playwright/driver/package/cli.js run-driver", "node", "test driver"),
        (".venv/bin/python bench/load.py --write docs/benchmarks.md", "python", "test driver"),
        ("/usr/sbin/sshd -D", "sshd", "other"),
    ],
)
def test_each_process_is_counted_in_its_group(cmdline, comm, kind):
    assert kind_of(cmdline, comm) == kind


@pytest.mark.skipif(not Path("/proc/stat").exists(), reason="reads /proc (Linux)")
def test_a_process_that_exits_in_the_window_is_counted_up_to_its_last_reading():
    window = CpuWindow(interval_s=0.1).start()
    burn = "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.6: pass\n"
    burn += "time.sleep(0.5)\n"  # idle before exiting, so the last reading holds the whole burn
    child = subprocess.Popen([sys.executable, "-c", burn])
    _, status, usage = os.wait4(child.pid, 0)
    window.stop()
    assert status == 0
    own = usage.ru_utime + usage.ru_stime  # what the kernel reports for the child itself
    assert window.by_kind["other"] >= own - 0.05
    assert window.busy_s >= own - 0.05


def test_a_chromium_the_app_server_started_counts_as_the_app_server():
    procs = {
        "10": ("1", ".venv/bin/python bench/load.py", "python"),
        "11": ("10", "python -m streamlit run app.py", "streamlit"),
        "12": ("11", "node playwright/driver/cli.js run-driver", "node"),  # the server's export
        "13": ("12", "/usr/lib/chromium/chromium --headless", "chromium"),
        "14": ("13", "/usr/lib/chromium/chromium --type=renderer", "chromium"),
        "20": ("10", "node playwright/driver/cli.js run-driver", "node"),  # the test's browsers
        "21": ("20", "/usr/lib/chromium/chromium --headless", "chromium"),
        "22": ("21", "/usr/lib/chromium/chromium --type=renderer", "chromium"),
    }
    assert kinds_by_descent(procs) == {
        "10": "test driver",
        "11": "app server",
        "12": "app server",
        "13": "app server",
        "14": "app server",
        "20": "test driver",
        "21": "Chromium",
        "22": "Chromium",
    }


def test_load_pace_argument():
    import argparse

    from bench.load import _pace

    assert _pace("30:300") == (30.0, 300.0)
    assert _pace("0:60") == (0.0, 60.0)
    for bad in ("30", "a:b", "-1:60", "10:0", "1:2:3"):
        with pytest.raises(argparse.ArgumentTypeError, match=r"PAUSE:SECONDS|pause >= 0"):
            _pace(bad)


def test_server_runs_are_those_logged_inside_the_window(tmp_path):
    from bench.load_report import ServerRuns

    from plexrt.ui import runlog

    path = tmp_path / "runs.jsonl"
    before = [runlog.Run("cohort", 1.0, 0.5), runlog.Run("pain", 2.0, 1.0)]
    path.write_text("".join(r.line() + "\n" for r in before))
    window = ServerRuns(path)
    window.start()
    inside = [runlog.Run("data", 0.2, 0.1), runlog.Run("pain", 0.4, 0.3)]
    with path.open("a") as fh:
        fh.write("".join(r.line() + "\n" for r in inside))
    assert window.stop().runs == inside


def test_server_table_medians_and_ratio(tmp_path):
    """Medians by hand: alone 0.1, 0.2, 0.3 s -> 0.20; under load 0.2, 0.4, 0.6, 0.8 s -> 0.50,
    2.5 times alone; p95 of four (nearest rank at 0.95 x 3 = 2.85 -> the 4th) 0.80."""
    from types import SimpleNamespace

    from bench.load_report import Scenario, ServerRuns, _server_table

    from plexrt.ui import runlog

    def runs(walls):
        window = ServerRuns(tmp_path / "none.jsonl")
        window.runs = [runlog.Run("pain", w, w / 2) for w in walls]
        return window

    args = SimpleNamespace(think=10.0, alone_server=runs([0.1, 0.2, 0.3]))
    load = Scenario(10.0, 120.0, server=runs([0.2, 0.4, 0.6, 0.8]))
    table = _server_table(args, [load])
    assert table[-2] == "| one session alone | 10 | 3 | 0.20 | 0.30 | 0.10 | 1.0× |"
    assert table[-1] == "| under load (+ one writer) | 10 | 4 | 0.50 | 0.80 | 0.25 | 2.5× |"


def test_niced_browser_launcher(tmp_path):
    from bench.load import _niced_browser

    from tests.e2e import load_sessions as ls

    assert _niced_browser(tmp_path, 0) is None
    if ls.CHROMIUM is None:
        pytest.skip("Chromium is not installed")
    launcher = _niced_browser(tmp_path, 19)
    assert launcher is not None
    text = Path(launcher).read_text()
    assert text.startswith("#!/bin/sh\necho 19 > /proc/self/autogroup 2>/dev/null\n")
    assert "\nexec nice -n 19 " in text and text.endswith(' "$@"\n')
    out = subprocess.run([launcher, "--version"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "Chromium" in out.stdout


def test_the_launcher_lowers_the_browsers_group_and_process(tmp_path, monkeypatch):
    """Started in a session of its own (as Playwright starts a browser), the launched program
    runs at niceness 19 and, where the kernel has autogroups, in a group at niceness 19."""
    from bench.load import _niced_browser

    from tests.e2e import load_sessions as ls

    fake = tmp_path / "fake-chromium"
    fake.write_text("#!/bin/sh\nnice\ncat /proc/self/autogroup 2>/dev/null || echo none\n")
    fake.chmod(0o755)
    monkeypatch.setattr(ls, "CHROMIUM", str(fake))
    launcher = _niced_browser(tmp_path, 19)
    assert launcher is not None
    out = subprocess.run(
        [launcher], capture_output=True, text=True, timeout=30, start_new_session=True
    ).stdout.splitlines()
    assert out[0] == "19"
    if Path("/proc/self/autogroup").exists():
        assert out[1].endswith(" nice 19")


def test_the_report_says_how_tabs_were_opened_and_their_median():
    """Medians by hand: alone 0.2, 0.4 s -> 0.30; under load 0.3, 0.5, 0.9 s -> 0.50."""
    from types import SimpleNamespace

    from bench.load_report import Scenario, _scenario_lines, _tab_words

    from tests.e2e import load_sessions as ls

    assert _tab_words(SimpleNamespace(tab_p=0.0, lazy_tabs=True)) == ""
    lazy = _tab_words(SimpleNamespace(tab_p=0.5, lazy_tabs=True))
    assert "after 50% of page visits" in lazy and "PLEXRT_LAZY_TABS=always" in lazy
    eager = _tab_words(SimpleNamespace(tab_p=0.25, lazy_tabs=False))
    assert "after 25% of page visits" in eager and "every tab drawn at once" in eager
    alone = ls.Tally(tab_ms=[200.0, 400.0])
    run = Scenario(10.0, 120.0, tally=ls.Tally(tab_ms=[300.0, 500.0, 900.0]))
    lines = _scenario_lines(SimpleNamespace(), alone, run)
    assert (
        "- Another tab opened under load (10 s pauses): 3 times, median 0.50 s "
        "(one session alone: 0.30 s)." in lines
    )


def test_each_kind_of_load_run_writes_a_block_of_its_own():
    from types import SimpleNamespace

    from bench.load_report import _cpu_words, block_for

    def block(lazy: bool, split: bool) -> tuple[str, str, str]:
        return block_for(SimpleNamespace(lazy_tabs=lazy, split_cpus=split))

    gen = "(generated by `make bench`; do not edit by hand)"
    assert block(False, False) == (
        f"<!-- load:begin {gen} -->",
        "<!-- load:end -->",
        "## Concurrent sessions (`bench/load.py`)",
    )
    assert block(True, False)[1:] == (
        "<!-- load-lazy:end -->",
        "## Concurrent sessions, only the open tab computed (`bench/load.py --lazy-tabs`)",
    )
    assert block(False, True)[2] == (
        "## Concurrent sessions, the server on a CPU of its own (`bench/load.py --split-cpus`)"
    )
    assert block(True, True)[0] == f"<!-- load-lazy-split:begin {gen} -->"
    assert len({block(a, b) for a in (False, True) for b in (False, True)}) == 4
    assert _cpu_words(SimpleNamespace(split_cpus=False)) == ""
    assert "the server alone on one CPU" in _cpu_words(SimpleNamespace(split_cpus=True))


def test_split_cpus_gives_the_server_one_cpu_and_the_rest_to_the_others():
    import os
    from types import SimpleNamespace

    from bench.load import _cpus

    assert _cpus(SimpleNamespace(split_cpus=False)) == (None, None)
    server, others = _cpus(SimpleNamespace(split_cpus=True))
    mine = os.sched_getaffinity(0)
    assert len(server) == 1 and server | others == mine and not server & others
