"""The board of a series a little above ``SUMMARY_ABOVE`` sites builds its HTML report without the
table of sites, and the report says so with n (a synthetic own series, as `plexrt synth` writes)."""

from __future__ import annotations

from plexrt.charts.scale import SUMMARY_ABOVE
from tests.app.conftest import LARGE_COURSES as COURSES


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
