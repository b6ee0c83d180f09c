"""Screenshots of a first-time walk-through (issue 14): the landing page, the time-to-event survival
chart, a board slide and the printed handout, at 1280x720 and 1920x1080.

    .venv/bin/python scripts/walkthrough_shots.py docs/img/after

Builds the bundled store in a temporary folder, starts `streamlit run app.py` on a free loopback
port, drives Debian's Chromium (/usr/bin/chromium) with Playwright and writes
``<out>/<view>-<w>x<h>.png``. The user store is a temporary file, so nothing of yours is touched.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZES = ((1280, 720), (1920, 1080))
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(tmp: Path) -> tuple[subprocess.Popen, str]:
    from plexrt.ingest.build import build_db

    db = tmp / "plexrt.duckdb"
    build_db(ROOT / "data", db)
    env = {**os.environ, "PLEXRT_DB": str(db), "PLEXRT_USER_DB": str(tmp / "user.duckdb")}
    port = _port()
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py")]
    cmd += ["--server.headless", "true", "--server.address", "127.0.0.1"]
    cmd += ["--server.port", str(port), "--browser.gatherUsageStats", "false"]
    cmd += ["--server.fileWatcherType", "none"]
    log = open(tmp / "streamlit.log", "w")  # noqa: SIM115 -- lives as long as the server
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2):
                return proc, base
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise RuntimeError("streamlit did not start")


def _settle(page) -> None:
    from playwright.sync_api import expect

    app = page.locator('[data-testid="stApp"]')
    expect(app).to_have_attribute("data-test-script-state", "notRunning", timeout=60_000)
    expect(page.locator('[data-testid="stSkeleton"]')).to_have_count(0, timeout=60_000)
    page.wait_for_timeout(800)


def _landing(page, base: str, out: Path) -> None:
    page.goto(base)
    page.get_by_text(re.compile(r"\d+ of 12 sites")).first.wait_for(timeout=60_000)
    _settle(page)
    page.screenshot(path=str(out))


def _survival(page, base: str, out: Path) -> None:
    page.goto(f"{base}/time_to_event")
    plot = page.locator(".js-plotly-plot").first
    plot.wait_for(timeout=60_000)
    _settle(page)
    plot.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    page.screenshot(path=str(out))


def _slide(page, base: str, out: Path) -> None:
    page.goto(f"{base}/board?present=1&slide=5")
    page.get_by_text(re.compile(r"Slide \d+ of \d+")).first.wait_for(timeout=60_000)
    page.locator(".js-plotly-plot").first.wait_for(timeout=60_000)
    _settle(page)
    page.screenshot(path=str(out))


def _handout(page, base: str, out: Path, tmp: Path) -> None:
    from playwright.sync_api import expect

    page.goto(f"{base}/board")
    page.get_by_role("button", name="Find similar sites").wait_for(timeout=60_000)
    _settle(page)
    page.get_by_role("button", name="Find similar sites").click()
    expect(page.get_by_text("Most similar patients").first).to_be_visible(timeout=60_000)
    _settle(page)
    page.get_by_role("tab", name="Exports").click()
    page.get_by_role("button", name="Build printable handout").click()
    button = page.get_by_role("button", name=re.compile(r"Download handout \(HTML"))
    button.wait_for(timeout=120_000)
    with page.expect_download(timeout=60_000) as info:
        button.click()
    html = tmp / "handout.html"
    shutil.copy(info.value.path(), html)
    printed = page.context.new_page()
    printed.set_viewport_size(page.viewport_size)
    printed.emulate_media(media="print")
    printed.goto(html.as_uri())
    printed.wait_for_timeout(500)
    printed.screenshot(path=str(out))
    printed.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    out_dir = ap.parse_args().out
    out_dir.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        proc, base = _serve(tmp)
        try:
            with sync_playwright() as pw:
                chromium = shutil.which("chromium") or "/usr/bin/chromium"
                browser = pw.chromium.launch(executable_path=chromium, args=ARGS)
                for w, h in SIZES:
                    ctx = browser.new_context(viewport={"width": w, "height": h})
                    ctx.set_default_timeout(60_000)
                    page = ctx.new_page()
                    _landing(page, base, out_dir / f"landing-{w}x{h}.png")
                    _survival(page, base, out_dir / f"survival-{w}x{h}.png")
                    _slide(page, base, out_dir / f"slide-{w}x{h}.png")
                    _handout(page, base, out_dir / f"handout-{w}x{h}.png", tmp)
                    ctx.close()
                    print(f"{w}x{h}: 4 views in {out_dir}")
                browser.close()
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


if __name__ == "__main__":
    main()
