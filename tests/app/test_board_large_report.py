"""The board of a series a little above ``SUMMARY_ABOVE`` sites builds its HTML report without the
table of sites, and the report says so with n (a synthetic own series, as `plexrt synth` writes)."""

from __future__ import annotations

import csv

import pytest

from plexrt.charts.scale import SUMMARY_ABOVE
from plexrt.cli import main
from plexrt.data.access import local_principal
from plexrt.data.userstore import UserStore
from tests.app.conftest import on_user_db

COURSES = SUMMARY_ABOVE + 20


@pytest.fixture
def large_series(tmp_path, monkeypatch):
    folder = tmp_path / "synth"
    assert main(["synth", "--courses", str(COURSES), "--out", str(folder)]) == 0
    path = tmp_path / "user.duckdb"
    monkeypatch.setenv("PLEXRT_USER_DB", str(path))
    files = [str(folder / "courses.csv"), str(folder / "assessments.csv")]
    assert main(["import", *files, "--series", "Large", "--study-codes"]) == 0
    sid = str(UserStore(path).own_series(local_principal())["series_id"].iloc[0])
    with (folder / "courses.csv").open(encoding="utf-8") as f:
        n_courses = sum(1 for _ in csv.DictReader(f))
    with on_user_db(monkeypatch, path):
        yield sid, n_courses


def test_the_report_of_a_large_board_says_its_site_table_is_left_out(app, large_series):
    sid, n_courses = large_series
    assert n_courses == COURSES
    at = app(series=sid).run()
    at.switch_page("pages/board.py").run()
    at.session_state["board_tab"] = "Exports"  # above LAZY_TABS_ABOVE only the open tab runs
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    at.button(key="build_html").click().run()
    assert not at.exception, [e.value for e in at.exception]
    page = at.session_state["export_html"][1]
    assert f"Site table left out: n = {COURSES:,} sites, above the {SUMMARY_ABOVE:,}" in page
    assert "<h3>Irradiated sites</h3>" not in page
    assert "Download HTML report" in [b.proto.label for b in at.get("download_button")]
