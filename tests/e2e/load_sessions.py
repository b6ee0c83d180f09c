"""Concurrent browser sessions against one `streamlit run` (issue 16 §2): readers moving through
every page and changing filters for a bounded time while one writer imports an own series and
records follow-up. Used by ``bench/load.py`` (20 sessions, `make bench`) and by
``tests/e2e/test_load_browser.py`` (4 sessions, no timing asserted).

Everything is bounded: each step waits at most ``STEP_S``, sessions start no new step after the
deadline, and the whole run is cancelled ``GRACE_S`` after it.

Page time: from the click (a page link in the sidebar, or a filter option) until Streamlit has run
the script for it and drawn it: the app's script state has left ``notRunning`` after the click
(``rerunRequested``, ``running``) and come back to it, with no skeleton left (seen by a
MutationObserver in the page, in the browser's own clock); or, when a busy browser drew the whole
run in one frame, the last message of the run (see ``_DRAWN``). Plotly's client-side layout after
that is not included.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import re
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from plexrt.charts.scale import LAZY_TABS_ENV
from plexrt.ui import runlog
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, SHOTS
from tests.teamstack import app_server

STEP_S = 90.0  # one navigation, filter change or save
GRACE_S = 180.0  # after the deadline, for the steps under way
OPENING_AT_ONCE = 4  # sessions opened at the same time before the clock starts
WARM_S = 1200.0  # bound on the unmeasured warm-up passes of every session together
WRITER_SERIES = "Load test series"

# (sidebar link, url path): every page of the app (local mode is admin: the audit trail is listed).
PAGES = (
    ("Cohort", ""),
    ("Pain response", "pain"),
    ("Time to event", "time_to_event"),
    ("Literature comparison", "literature"),
    ("Tumour board", "board"),
    ("Data & provenance", "data"),
    ("Import a series", "own_import"),
    ("Follow-up", "follow_up"),
    ("Series & sharing", "sharing"),
    ("Audit trail", "audit"),
)
FILTERED = {"", "pain", "time_to_event", "literature", "board", "data"}  # pages with the filters

# Records every change of the app's script state and the arrival of every message from the server,
# with the browser's clock (see the docstring).
_OBSERVER = """
(() => {
  const log = (window.__plexrtRuns = []);
  new MutationObserver((ms) => {
    for (const m of ms) log.push([performance.now(), m.target.getAttribute(m.attributeName)]);
  }).observe(document, {subtree: true, attributes: true,
                        attributeFilter: ["data-test-script-state"]});
  const msgs = (window.__plexrtMsgs = []);
  const Socket = window.WebSocket;
  window.WebSocket = class extends Socket {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", () => msgs.push(performance.now()));
    }
  };
})();
"""
# A run is drawn when the app is idle again, with no skeleton, after either a state change seen
# after the click or, when a busy browser handled all of a run's messages in one frame (React then
# draws only the last state, and the attribute never changes), messages from the server after the
# click with QUIET_MS of silence since the last one: the time is then that last message's.
QUIET_MS = 300
_DRAWN = """
([t0, quiet]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute("data-test-script-state") !== "notRunning") return false;
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;
  const now = performance.now();
  if ((window.__plexrtRuns || []).some((e) => e[0] >= t0 && e[1] !== "notRunning")) return now;
  const msgs = (window.__plexrtMsgs || []).filter((t) => t >= t0);
  if (msgs.length && now - msgs[msgs.length - 1] >= quiet) return msgs[msgs.length - 1];
  return false;
}
"""
# Idle: no run under way, no skeleton, and no message from the server for QUIET_MS (so that every
# message after a click is the click's).
_IDLE = """
(quiet) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute("data-test-script-state") !== "notRunning") return false;
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;
  const msgs = window.__plexrtMsgs || [];
  return !msgs.length || performance.now() - msgs[msgs.length - 1] >= quiet;
}
"""
_ERRORS = '[data-testid="stException"], [data-testid="stAlertContentError"]'
_UNAVAILABLE = re.compile(r"Only the bundled data are shown|cannot be used now")


@dataclass
class Tally:
    """What the sessions of one run saw."""

    page_ms: list[float] = field(default_factory=list)  # page switches (readers)
    filter_ms: list[float] = field(default_factory=list)  # filter changes (readers)
    tab_ms: list[float] = field(default_factory=list)  # another tab opened (readers)
    by_page: list[tuple[str, str, float]] = field(default_factory=list)  # (page, step, ms)
    visited: set[str] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)  # page exceptions, error elements, failures
    timeouts: list[str] = field(default_factory=list)  # steps not drawn within STEP_S
    imported: bool = False
    saved: list[tuple[int, int, int]] = field(default_factory=list)  # (batch, day, nrs) confirmed
    write_ms: list[float] = field(default_factory=list)

    def failed(self, where: str, exc: Exception) -> None:
        """A step that raised: a timeout (Playwright's TimeoutError), or an error."""
        text = f"{where}: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
        (self.timeouts if type(exc).__name__ == "TimeoutError" else self.errors).append(text)

    @property
    def steps(self) -> int:
        return len(self.page_ms) + len(self.filter_ms)


@dataclass(frozen=True)
class Options:
    passes: int | None = None  # stop after this many passes through every page
    think_s: float = 0.0  # mean pause after each step
    filter_p: float = 0.5  # chance of filter changes on a page with the filters
    filter_changes: int = 1  # how many, one after another, when there are
    tab_p: float = 0.0  # chance of opening another tab of the page, after the filter changes
    lazy_tabs: bool = False  # the server computes only the open tab ($PLEXRT_LAZY_TABS=always)


# -- the server ----------------------------------------------------------------------------------


@contextlib.contextmanager
def streamlit_server(
    db: Path, user_db: Path, log: Path, run_log: Path | None = None, lazy_tabs: bool = False
):
    """`streamlit run app.py` on a free loopback port with these stores
    (``tests.teamstack.app_server``); yields its base URL and stops it whatever happens.
    ``run_log``: where the server writes how long each script run took (``plexrt.ui.runlog``);
    ``lazy_tabs``: the server computes only the open tab at every size."""
    env = {"PLEXRT_DB": str(db), "PLEXRT_USER_DB": str(user_db)}
    if lazy_tabs:
        env[LAZY_TABS_ENV] = "always"
    if run_log is not None:
        env[runlog.ENV] = str(run_log)
    with app_server(env, log) as base:
        yield base


# -- one step: act, then wait until the page is drawn --------------------------------------------


async def _drawn_after(page, act) -> float:
    """Milliseconds from ``act()`` until the script run it caused has been drawn (a run still
    going before it is waited for first, untimed)."""
    await _settled(page)
    t0 = await page.evaluate("performance.now()")
    await act()
    done = await page.wait_for_function(
        _DRAWN, arg=[t0, QUIET_MS], timeout=STEP_S * 1000, polling=50
    )
    return float(await done.json_value()) - t0


async def _settled(page) -> None:
    """After a fresh load: wait until the first run is drawn."""
    app = page.locator('[data-testid="stApp"]')
    await app.wait_for(timeout=STEP_S * 1000)
    await page.wait_for_function(_IDLE, arg=QUIET_MS, timeout=STEP_S * 1000, polling=100)


async def _check(page, where: str, tally: Tally) -> None:
    """Error elements on screen, and the user data reported unusable (a reader that had to wait)."""
    for text in await page.locator(_ERRORS).all_inner_texts():
        tally.errors.append(f"{where}: {text.strip()[:200]}")
    for text in await page.locator('[data-testid="stAlertContentWarning"]').all_inner_texts():
        if _UNAVAILABLE.search(text):
            tally.errors.append(f"{where}: {text.strip()[:200]}")


async def _new_page(browser, base: str, path: str, tally: Tally, name: str):
    """A new browser context (a new Streamlit session) with ``path`` loaded and drawn."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(STEP_S * 1000)
    await context.add_init_script(_OBSERVER)
    page = await context.new_page()
    page.on("pageerror", lambda e: tally.errors.append(f"{name}: page exception: {e}"))
    await page.goto(f"{base}/{path}", wait_until="commit")
    await _settled(page)
    return page


async def _open(gate: asyncio.Semaphore, browser, base: str, path: str, tally: Tally, name: str):
    """``_new_page``, a few at a time (a burst of new sessions is not what is measured); a
    session that cannot be opened is counted as an error and left out."""
    async with gate:
        try:
            return await _new_page(browser, base, path, tally, name)
        except Exception as exc:  # noqa: BLE001 -- a timeout is what we count
            tally.failed(f"{name} opening", exc)
            return None


def _link(page, title: str):
    nav = page.get_by_test_id("stSidebarNav")
    return nav.get_by_role("link", name=title, exact=True)


async def _toggle_filter(page, rng: random.Random) -> None:
    """Add one involved muscle to the filter, or remove the one chosen."""
    box = page.locator(".st-key-f_muscle")
    remove = box.get_by_role("button", name=re.compile(r"^Remove "))
    if await remove.count():
        await remove.first.click()
        return
    await box.get_by_role("combobox").click()
    options = page.get_by_role("option")
    await options.first.wait_for()
    await options.nth(rng.randrange(await options.count())).click()
    await page.keyboard.press("Escape")


# -- readers and the writer ----------------------------------------------------------------------


async def reader(page, until: float, tally: Tally, seed: int, opts: Options) -> None:
    """Every page in a shuffled order, again and again, a filter change on half of the analysis
    pages, a pause of ``opts.think_s`` (0.5x-1.5x, as a person reads) after each step, until
    ``until`` (time.monotonic) or after ``opts.passes`` passes."""
    rng = random.Random(seed)
    passes = opts.passes
    order = list(PAGES)
    done = 0
    while time.monotonic() < until and (passes is None or done < passes):
        done += 1
        _shuffle_away_from(order, rng, page.url)
        for title, path in order:
            if time.monotonic() >= until:
                break
            await _step(page, title, path, rng, tally, f"reader {seed}", opts)
            await asyncio.sleep(opts.think_s * rng.uniform(0.5, 1.5))


def _shuffle_away_from(order: list[tuple[str, str]], rng: random.Random, url: str) -> None:
    """Shuffle the pages, the one shown now (at ``url``) not first: Streamlit does not rerun for a
    click on the link of the page already shown, so that step would wait for a run that never
    comes."""
    rng.shuffle(order)
    if order[0][1] == urllib.parse.urlsplit(url).path.strip("/"):
        order.append(order.pop(0))


async def _step(page, title: str, path: str, rng, tally: Tally, name: str, opts: Options) -> None:
    try:
        ms = await _drawn_after(page, _link(page, title).click)
        tally.page_ms.append(ms)
        tally.by_page.append((title, "page", ms))
        tally.visited.add(title)
        await _check(page, f"{name} {title}", tally)
        if path in FILTERED and rng.random() < opts.filter_p:
            for _ in range(opts.filter_changes):
                ms = await _drawn_after(page, lambda: _toggle_filter(page, rng))
                tally.filter_ms.append(ms)
                tally.by_page.append((title, "filter", ms))
                await _check(page, f"{name} {title} (filter)", tally)
        if rng.random() < opts.tab_p:
            await _open_tab(page, rng, opts.lazy_tabs, tally, title)
            await _check(page, f"{name} {title} (tab)", tally)
    except Exception as exc:  # noqa: BLE001 -- a timeout or a missing element is what we count
        tally.failed(f"{name} {title}", exc)
        await _evidence(page, f"{name} {title}")


# The page's own view tabs (not those inside a tab that is not open).
_TABS = '[data-testid="stTab"]:visible'
_SHOWN = "(tab) => tab.getAttribute('aria-selected') === 'true'"


async def _open_tab(page, rng, lazy: bool, tally: Tally, title: str) -> None:
    """Open one of the page's other tabs, if it has any. Lazy tabs: until the run the click
    causes is drawn. Otherwise the tab's content is on the page already (no run): until the
    tab is shown as open."""
    tabs = page.locator(_TABS)
    states = await tabs.evaluate_all("(all) => all.map((t) => t.getAttribute('aria-selected'))")
    closed = [k for k, state in enumerate(states) if state == "false"]
    if not closed:
        return
    tab = await tabs.nth(rng.choice(closed)).element_handle()
    if lazy:
        ms = await _drawn_after(page, tab.click)
    else:
        t0 = await page.evaluate("performance.now()")
        await tab.click()
        await page.wait_for_function(_SHOWN, arg=tab, timeout=STEP_S * 1000, polling=50)
        ms = float(await page.evaluate("performance.now()")) - t0
    tally.tab_ms.append(ms)
    tally.by_page.append((title, "tab", ms))


async def _evidence(page, where: str) -> None:
    """A failed step's screen and the app's script-state changes, beside the other screenshots."""
    with contextlib.suppress(Exception):
        SHOTS.mkdir(parents=True, exist_ok=True)
        stem = "load-" + re.sub(r"\W+", "-", where)
        await page.screenshot(path=str(SHOTS / f"{stem}.png"), full_page=True)
        runs = await page.evaluate("JSON.stringify((window.__plexrtRuns || []).slice(-40))")
        (SHOTS / f"{stem}.json").write_text(runs)


async def writer(page, until: float, tally: Tally, think_s: float = 0.0) -> None:
    """Import the synthetic example as an own series on the Import page, then record one
    assessment after another on the Follow-up page until ``until`` (at least one), pausing
    ``think_s`` on average after each (0.5x-1.5x, as a person types the next); every confirmed
    save is kept (batch id, day, NRS) for the check of the store afterwards."""
    rng = random.Random(0)
    try:
        await _import(page, tally)
        await _drawn_after(page, _link(page, "Follow-up").click)
        k = 0
        while k == 0 or time.monotonic() < until:  # at least one entry, however slow the import
            # Days 20-99 of the example's first patient (RT days 0-16, death on day 104); NRS
            # cycles 0-10: (day, NRS) repeats only after 880 entries.
            await _record(page, 20 + k % 80, k % 11, tally)
            k += 1
            await asyncio.sleep(think_s * rng.uniform(0.5, 1.5))
    except Exception as exc:  # noqa: BLE001 -- counted, then the run goes on
        tally.failed("writer", exc)
        SHOTS.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(SHOTS / "load-writer-error.png"), full_page=True)


async def _import(page, tally: Tally) -> None:
    await _drawn_after(page, page.get_by_role("button", name="Try the synthetic example").click)
    name = page.get_by_label("Series name *")
    await name.fill(WRITER_SERIES)
    await _drawn_after(page, lambda: name.press("Enter"))
    commit = page.get_by_role("button", name="Commit: store the series")
    await _drawn_after(page, commit.click)
    await page.get_by_text(f"Created the series '{WRITER_SERIES}'").wait_for()
    tally.imported = True


async def _record(page, day: int, nrs: int, tally: Tally) -> None:
    """One assessment on the Follow-up page (the example's first patient, course 1): the values
    typed into the entry form, Save, and the confirmation, which repeats the day and NRS stored
    and names the entry (change batch) they were saved as. A confirmation of other values than
    those typed is an error: the store is then checked for what was confirmed."""
    # The previous save's rerun redraws the form: typing into it before that run is drawn can be
    # lost, so wait for it, type, and read the fields back before pressing Save.
    fields = (("fu_day_assessment", day), ("fu_nrs", nrs))
    for attempt in range(3):
        await _settled(page)
        for key, value in fields:
            await page.locator(f".st-key-{key} input").fill(str(value))
        typed = [await page.locator(f".st-key-{k} input").input_value() for k, _ in fields]
        if typed == [str(v) for _, v in fields]:
            break
        if attempt == 2:
            raise AssertionError(f"typed day {day}, NRS {nrs}; the form holds {typed}")
    t0 = time.monotonic()
    await page.locator(".st-key-fu_save button").click()
    flash = page.get_by_text(re.compile(rf"Saved \(.*, day {day}\\?: NRS \d+.*\) as entry \d+"))
    await flash.wait_for()
    tally.write_ms.append((time.monotonic() - t0) * 1000)
    said = await flash.inner_text()
    batch = int(re.findall(r"as entry (\d+)", said)[0])
    stored = int(re.findall(r"NRS (\d+)", said)[0])
    if stored != nrs:
        tally.errors.append(f"writer day {day}: typed NRS {nrs}, the confirmation says {stored}")
    tally.saved.append((batch, day, stored))
    await _check(page, f"writer day {day}", tally)


# -- a run -------------------------------------------------------------------------------------


async def run(
    base: str,
    sessions: int,
    seconds: float,
    *,
    write: bool,
    seed: int = 1,
    passes: int | None = None,
    think_s: float = 0.0,
    filter_p: float = 0.5,
    filter_changes: int = 1,
    tab_p: float = 0.0,
    lazy_tabs: bool = False,
    warm_passes: int = 0,
    clock_started: Callable[[], object] | None = None,
    chromium: str | None = None,
) -> Tally:
    """``sessions`` readers (and the writer when ``write``) for ``seconds``, counted from when
    every session has its first page drawn (readers stop sooner after ``passes`` passes through
    every page); returns what they saw. ``warm_passes``: each reader first goes through every
    page that many times, unmeasured and all at once, before the clock starts, as the browser of
    someone who has used the app before (its code compiled and cached); errors then still count.
    ``clock_started`` is called when the clock starts (a CPU count, say, that should leave out
    the opening and the warm-up). The writer pauses as the readers do. ``chromium``: the browser
    to start (default Debian's Chromium; the benchmark passes one started under ``nice``)."""
    from playwright.async_api import async_playwright

    tally = Tally()
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium or CHROMIUM, args=CHROMIUM_ARGS)
        try:
            gate = asyncio.Semaphore(OPENING_AT_ONCE)
            opening = [
                _open(gate, browser, base, "", tally, f"reader {seed + k}") for k in range(sessions)
            ]
            if write:
                opening.append(_open(gate, browser, base, "own_import", tally, "writer"))
            pages = await asyncio.gather(*opening)
            if warm_passes:
                warm = Options(warm_passes, 0.0, filter_p, 1, tab_p, lazy_tabs)
                await _warm(pages[:sessions], tally, seed, warm)
            until = time.monotonic() + seconds
            if clock_started is not None:
                clock_started()
            opts = Options(passes, think_s, filter_p, filter_changes, tab_p, lazy_tabs)
            tasks = [
                reader(p, until, tally, seed + k, opts)
                for k, p in enumerate(pages[:sessions])
                if p is not None
            ]
            if write and pages[-1] is not None:
                tasks.append(writer(pages[-1], until, tally, think_s))
            await asyncio.wait_for(asyncio.gather(*tasks), timeout=seconds + GRACE_S)
        finally:
            await browser.close()
    return tally


async def _warm(pages: list, tally: Tally, seed: int, opts: Options) -> None:
    """Every reader's warm-up passes at once; their times are dropped, their errors kept."""
    warm = Tally()
    until = time.monotonic() + WARM_S
    steps = [reader(p, until, warm, seed + k, opts) for k, p in enumerate(pages) if p is not None]
    await asyncio.wait_for(asyncio.gather(*steps), timeout=WARM_S + GRACE_S)
    tally.errors += [f"(warm-up) {e}" for e in warm.errors]
    tally.timeouts += [f"(warm-up) {t}" for t in warm.timeouts]


def run_sync(base: str, sessions: int, seconds: float, **kw) -> Tally:
    """``run`` in a thread of its own (so it has its own event loop, whatever the caller runs)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run(base, sessions, seconds, **kw)).result()


# -- lost writes: what the writer saw confirmed, against the store afterwards ----------------------


def lost_writes(user_db: Path, tally: Tally) -> list[str]:
    """Every confirmed write missing from the user database (read after the server stopped):
    the series, each follow-up batch in its history, each assessment row; and the audit chain."""
    from plexrt.data.access import local_principal
    from plexrt.data.userstore import UserStore

    who = local_principal()
    store = UserStore(user_db)
    try:
        listing = store.own_series(who)
        mine = listing[listing["name"] == WRITER_SERIES]
        if tally.imported and mine.empty:
            return [f"the imported series {WRITER_SERIES!r}"] + [
                f"entry {b}" for b, *_ in tally.saved
            ]
        if mine.empty:
            return []
        sid = str(mine.iloc[0]["series_id"])
        batches = set(store.history(who, sid)["batch_id"].astype(int))
        a = store.series_frames(who, sid).assessments
        known = a.dropna(subset=["day", "nrs"])
        rows = set(zip(known["day"].astype(int), known["nrs"].astype(int), strict=True))
        lost = [f"entry {b} (day {d})" for b, d, _ in tally.saved if b not in batches]
        lost += [f"assessment day {d} NRS {n}" for _, d, n in tally.saved if (d, n) not in rows]
        check = store.verify_audit()
        if not check.ok:
            lost.append(f"audit chain: {check.message()}")
        return lost
    finally:
        store.release()
