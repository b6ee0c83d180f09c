"""The CPU accounting of the load benchmark (bench/cpu.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from bench.cpu import CpuWindow, kind_of


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
