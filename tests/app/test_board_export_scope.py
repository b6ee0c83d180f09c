"""The board's built exports (HTML report, PPTX pack, handout) are offered only for what they were
built for: the series, filter, response definition and case in view."""

from __future__ import annotations

import pytest

from plexrt.cli import main
from plexrt.data.access import local_principal
from plexrt.data.userstore import UserStore
from tests.app.conftest import on_user_db
from tests.unit.own_files import COURSE_HEADER, csv_text

ROWS = [
    "A1,70,F,Ovarian cancer,psoas,upper,left,palliative,30,10,8,2,2023-01-02,2023-01-13,,,,",
    "A2,64,M,Rectal cancer,piriformis,lower,right,palliative,20,5,7,3,2023-02-06,2023-02-10,,,,",
]


@pytest.fixture
def own_series(tmp_path, monkeypatch):
    courses = tmp_path / "courses.csv"
    courses.write_text(csv_text(COURSE_HEADER, ROWS), encoding="utf-8")
    path = tmp_path / "user.duckdb"
    monkeypatch.setenv("PLEXRT_USER_DB", str(path))
    assert main(["import", str(courses), "--series", "Dept series", "--study-codes"]) == 0
    sid = str(UserStore(path).own_series(local_principal())["series_id"].iloc[0])
    with on_user_db(monkeypatch, path):
        yield sid


def _report_buttons(at) -> list:
    return [b for b in at.get("download_button") if b.proto.label == "Download HTML report"]


def test_a_report_built_on_an_own_series_is_not_offered_after_switching_series(
    app, own_series, press
):
    # The report built on the department's series stayed in the session: after switching the
    # sidebar to Sanuki 2022 the board still offered 'Download HTML report', which gave the own
    # series' patients (their codes in the site table) as a plain, unaudited download of the
    # published series' board.
    at = app(series=own_series).run()
    at.switch_page("pages/board.py").run()
    at.button(key="build_html").click().run()
    (dl,) = _report_buttons(at)
    assert "Dept series" in press(dl).decode("utf-8")
    at.sidebar.selectbox(key="series_pick").set_value("sanuki2022").run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Sanuki 2022" in " ".join(c.value for c in at.caption)
    assert _report_buttons(at) == []
    # built again, it is the published series' report (a plain download: no patient data)
    at.button(key="build_html").click().run()
    assert len(_report_buttons(at)) == 1
    page = at.session_state["export_html"][1]
    assert "Sanuki 2022" in page and "Dept series" not in page


def test_a_report_built_for_one_filter_is_not_offered_for_another(app):
    at = app().run()
    at.switch_page("pages/board.py").run()
    at.button(key="build_html").click().run()
    assert len(_report_buttons(at)) == 1
    at.sidebar.multiselect(key="f_muscle").set_value(["psoas"]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert _report_buttons(at) == []
