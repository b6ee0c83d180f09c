"""Four browser sessions reading every page at once (opening another tab of each page with tabs)
while a fifth imports an own series and records follow-up (issue 16 §2, the small version;
`bench/load.py` runs 20 and measures time). No error on any screen and no lost write; no timing
is asserted."""

from __future__ import annotations

import pytest

from tests.e2e import load_sessions as ls
from tests.teamstack import START_S

pytestmark = pytest.mark.e2e

SESSIONS = 4
SECONDS = 45
TABBED = {
    "Pain response",
    "Time to event",
    "Literature comparison",
    "Tumour board",
    "Data & provenance",
}


@pytest.fixture(scope="module")
def load_run(tmp_path_factory, test_db):
    """One run shared by the tests of this module (it takes a minute and a half)."""
    from bench.load import _niced_browser

    tmp = tmp_path_factory.mktemp("load")
    user_db, run_log = tmp / "user.duckdb", tmp / "runs.jsonl"
    log = tmp / "streamlit-load.log"
    # The browsers start as the benchmark starts them, under nice, through its launcher.
    browser = _niced_browser(tmp, 19)
    with ls.streamlit_server(test_db, user_db, log, run_log) as base:
        tally = ls.run_sync(
            base, SESSIONS, SECONDS, write=True, think_s=0.5, tab_p=1.0, chromium=browser
        )
    return tally, user_db, run_log


@pytest.mark.timeout(SECONDS + ls.GRACE_S + 2 * START_S)
def test_four_readers_and_a_writer_see_no_error_and_lose_nothing(load_run):
    tally, user_db, _ = load_run
    assert tally.errors == []
    assert tally.timeouts == []
    assert tally.imported
    assert tally.saved, "the writer confirmed no follow-up entry"
    assert ls.lost_writes(user_db, tally) == []
    assert tally.steps >= SESSIONS  # each reader moved at least once
    # After every visit of a page with tabs a reader opened another of its tabs (tab_p=1).
    if tally.visited & TABBED:
        assert tally.tab_ms


def test_the_check_reports_a_confirmed_write_that_is_not_stored(load_run):
    from dataclasses import replace

    tally, user_db, _ = load_run
    invented = replace(tally, saved=[*tally.saved, (10**6, 99, 10)])
    assert ls.lost_writes(user_db, invented) == [
        "entry 1000000 (day 99)",
        "assessment day 99 NRS 10",
    ]


def test_the_server_logged_a_run_of_every_page_the_sessions_visited(load_run):
    """PLEXRT_RUN_LOG on a real server: the bench's server-side times come from these lines."""
    from plexrt.ui import runlog

    tally, _, run_log = load_run
    paths = {title: path or "cohort" for title, path in ls.PAGES}
    logged = {r.page for r in runlog.read(run_log)}
    assert {paths[title] for title in tally.visited} <= logged
    assert len(tally.visited) >= 2
