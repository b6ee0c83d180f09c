"""The CPU accounting of the load benchmark (bench/cpu.py)."""

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
