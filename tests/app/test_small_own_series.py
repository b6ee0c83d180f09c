"""Own series that are small or sparse (one patient, one regimen for all, no age or baseline NRS
recorded): every page runs, the sidebar's range sliders included."""

from __future__ import annotations

import pytest

from plexrt.cli import main
from plexrt.data.access import local_principal
from plexrt.data.userstore import UserStore
from tests.app.conftest import on_user_db
from tests.unit.own_files import COURSE_HEADER, csv_text

# Patient-level cells blank except the required cancer; every course 20 Gy/5 (4 Gy per fraction)
SPARSE = [
    "A1,,,Ovarian cancer,psoas,,,palliative,20,5,,,2023-01-02,2023-01-06,,,,",
    "A2,,,Rectal cancer,psoas,,,palliative,20,5,,,2023-02-06,2023-02-10,,,,",
]
ONE = ["A1,70,F,Ovarian cancer,psoas,upper,left,palliative,30,10,8,2,2023-01-02,2023-01-13,,,,"]


@pytest.fixture(params=["no age or NRS, one regimen", "one patient"])
def small_series(request, tmp_path, monkeypatch):
    rows = SPARSE if request.param.startswith("no age") else ONE
    path, sid = _imported(tmp_path, monkeypatch, rows, "Small")
    with on_user_db(monkeypatch, path):
        yield sid


def _imported(tmp_path, monkeypatch, rows: list[str], name: str):
    """``rows`` imported through the CLI as the series ``name`` into a user database of this test:
    (its path, the series id)."""
    courses = tmp_path / "courses.csv"
    courses.write_text(csv_text(COURSE_HEADER, rows), encoding="utf-8")
    path = tmp_path / "user.duckdb"
    monkeypatch.setenv("PLEXRT_USER_DB", str(path))
    assert main(["import", str(courses), "--series", name, "--study-codes"]) == 0
    return path, str(UserStore(path).own_series(local_principal())["series_id"].iloc[0])


def test_the_sidebar_and_the_pages_run_on_a_small_or_sparse_series(app, small_series):
    # The age, NRS and dose sliders took their ends from the data: no known age gave int(<NA>), a
    # single age (or one dose per fraction for every course) equal ends, which Streamlit refuses:
    # "Something went wrong while showing the cohort filters" on every page.
    at = app(series=small_series).run()
    for page in ("pages/cohort.py", "pages/pain.py", "pages/time_to_event.py", "pages/board.py"):
        at.switch_page(page).run()
        assert not at.exception, [e.value for e in at.exception]
        assert not at.error, [e.value for e in at.error]
    lo, hi = at.sidebar.slider(key="f_age").value
    assert lo < hi
    assert at.sidebar.slider(key="f_dose").value[0] < at.sidebar.slider(key="f_dose").value[1]


def test_compare_with_a_series_followed_for_no_time_says_the_test_cannot_be_computed(
    app, tmp_path, monkeypatch
):
    # Every course a single fraction, last contact the day RT ended: each own patient is censored
    # at day 0 of survival, so at every death of Sanuki 2022 only Sanuki's patients are at risk:
    # the own series expects 0 deaths, the log-rank statistic is 0/0 and there is no p-value. The
    # page said 'Log-rank test between the series: p = nan.'
    from tests.unit.own_files import course_row

    rows = [
        course_row(
            patient_id=f"Z{i}",
            dose_gy="8",
            fractions="1",
            rt_end_date="2022-01-10",
            max_response_date="",
            last_contact_date="2022-01-10",
        )
        for i in range(3)
    ]
    path, sid = _imported(tmp_path, monkeypatch, rows, "Day zero")
    with on_user_db(monkeypatch, path):
        at = app(series="compare", vs=sid).run()
    assert not at.exception, [e.value for e in at.exception]
    tests = [m.value for m in at.markdown if m.value.startswith("Log-rank test between")]
    assert tests and all("nan" not in t for t in tests)
    assert "Log-rank test between the series: not computable" in tests[0]


@pytest.mark.parametrize(
    ("page", "title"),
    [
        ("pages/own_import.py", "Import a series"),
        ("pages/follow_up.py", "Follow-up"),
        ("pages/sharing.py", "Series & sharing"),
        ("pages/audit.py", "Audit trail"),
    ],
)
def test_compare_mode_leaves_the_pages_that_enter_or_manage_data_as_they_are(
    app, small_series, page, title
):
    """With compare chosen, 'Import a series', 'Follow-up', 'Series & sharing' and 'Audit trail'
    showed the Kaplan-Meier comparison under their own name in the navigation: no series could be
    imported, shared or followed up, nor the trail read, until compare was left."""
    at = app(series="compare", vs=small_series).run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == [title]
