"""The app shell: every page runs, filters change the banner and the figures, the URL holds the
filter state, garbage URL parameters give a notice and never an exception."""

from __future__ import annotations

import pytest

PAGES = ["pages/cohort.py", "pages/data.py"]


def _banner(at) -> str:
    texts = [e.value for e in at.info] + [e.value for e in at.warning]
    return next(t for t in texts if "sites" in t and "shown" in t)


def _metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs(app, page):
    at = app().run()
    assert not at.exception
    at.switch_page(page).run()
    assert not at.exception
    assert "12 of 12 sites (11 patients) shown" in _banner(at)


def test_cohort_figures_unfiltered(app):
    at = app().run()
    assert _metric(at, "Irradiated sites") == "12"
    assert _metric(at, "Patients") == "11"
    assert _metric(at, "NRS 0 at RT completion") == "75%"
    m = next(m for m in at.metric if m.label == "NRS 0 at RT completion")
    assert m.delta == "9/12 sites · 95% CI 43–95%"
    assert _metric(at, "Weeks to max. response, mean (range)") == "3.2 (1–12)"
    # the sites counted, as the Literature table and the board's key figures name them
    weeks = next(m for m in at.metric if m.label.startswith("Weeks to max."))
    assert weeks.delta == "n = 12 sites"
    assert _metric(at, "Median age (years)") == "70"


def test_filter_changes_banner_figures_and_url(app):
    at = app().run()
    at.sidebar.multiselect(key="f_muscle").set_value(["piriformis"]).run()
    assert not at.exception
    # piriformis: 2.1, 6.1, 8.1, 11.1 -> NRS 0 in 2.1, 8.1, 11.1 = 3/4
    assert "4 of 12 sites (4 of 11 patients) shown" in _banner(at)
    assert "piriformis" in _banner(at)
    assert _metric(at, "Irradiated sites") == "4"
    m = next(m for m in at.metric if m.label == "NRS 0 at RT completion")
    # exact 95% CI for 3/4: 0.194-0.994 (R binom.test(3, 4))
    assert (m.value, m.delta) == ("75%", "3/4 sites · 95% CI 19–99%")
    assert at.query_params["muscle"] in ("piriformis", ["piriformis"])


def test_reset_button(app):
    at = app().run()
    at.sidebar.multiselect(key="f_intent").set_value(["palliative"]).run()
    assert "7 of 12 sites (6 of 11 patients)" in _banner(at)
    at.button(key="reset_filters").click().run()
    assert "12 of 12 sites (11 patients) shown" in _banner(at)
    assert "intent" not in at.query_params


def test_url_opens_filtered_view(app):
    at = app(muscle="psoas", intent="palliative", exclude="1.2").run()
    assert not at.exception
    assert "5 of 12 sites (5 of 11 patients) shown" in _banner(at)
    assert _metric(at, "Irradiated sites") == "5"


def test_url_on_subpage_keeps_filter(app):
    at = app(sex="M").run()
    at.switch_page("pages/data.py").run()
    assert "5 of 12 sites (5 of 11 patients) shown" in _banner(at)
    assert at.query_params["sex"] in ("M", ["M"])


def test_garbage_url_gives_notice_not_crash(app):
    at = app(age="banana", muscle="liver", zzz="1", nrs="0-99").run()
    assert not at.exception
    notes = " ".join(w.value for w in at.warning)
    assert "Ignored URL parameter age" in notes
    assert "Ignored muscle value 'liver'" in notes
    assert "Ignored unknown URL parameter 'zzz'" in notes
    assert "outside 0–10" in notes
    assert "12 of 12 sites" in _banner(at)


def test_empty_cohort_message(app):
    at = app(muscle="piriformis", sex="F", intent="palliative").run()
    assert not at.exception
    # the message names the filter part whose removal brings sites back, with its undo button
    (msg,) = [w.value for w in at.warning if "No site matches" in w.value]
    assert "**Sex: female**" in msg
    undo = next(b for b in at.button if b.label.startswith("Remove Sex: female"))
    undo.click().run()
    assert not any("No site matches" in w.value for w in at.warning)


def test_data_page_shows_discrepancies_and_provenance(app):
    at = app().run()
    at.switch_page("pages/data.py").run()
    assert any("**19 places** where the paper contradicts itself" in m.value for m in at.markdown)
    texts = " ".join(m.value for m in at.markdown)
    assert "**X1 · Dose of patient 5**" in texts
    assert "21 Gy in 7 fractions" in texts and "12 Gy in 4 fractions" in texts
    frames = [d.value for d in at.dataframe]
    prov = next(f for f in frames if "column_name" in f.columns)
    assert len(prov) > 400


def test_broken_data_file_gives_a_message_not_a_trace(app, data_copy, tmp_path, monkeypatch):
    import csv

    import streamlit as st

    path = data_copy / "sanuki2022" / "courses.csv"
    rows = list(csv.reader(open(path, newline="")))  # noqa: SIM115
    rows[3][rows[0].index("nrs_before")] = "eleven"
    with open(path, "w", newline="") as fh:
        csv.writer(fh).writerows(rows)
    monkeypatch.setenv("PLEXRT_DATA", str(data_copy))
    monkeypatch.setenv("PLEXRT_DB", str(tmp_path / "fresh.duckdb"))
    st.cache_resource.clear()
    st.cache_data.clear()
    at = app().run()
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert "no database it can show" in errors and "has problems" in errors
    assert "sanuki2022/courses.csv, line 4, column 'nrs_before'" in errors
    assert not (tmp_path / "fresh.duckdb").exists()
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # ages in the data run 44-80: a range outside it is applied as asked, not clamped
        ({"age": "10-20"}, "0 of 12 sites"),
        ({"nrs": "0-2"}, "0 of 12 sites"),
        ({"dpf": "5-9"}, "0 of 12 sites"),
        ({"age": "70-90"}, "6 of 12 sites"),  # 70, 71, 73, 74, 75, 80
    ],
)
def test_url_ranges_beyond_the_data_are_applied_as_given(app, params, expected):
    at = app(**params).run()
    assert not at.exception
    texts = [e.value for e in at.info] + [e.value for e in at.warning]
    assert any(expected in t for t in texts), texts


def test_rebuild_while_running_is_picked_up(app, data_copy, tmp_path, monkeypatch):
    import csv

    import streamlit as st

    from plexrt.data.manifest import write_manifest
    from plexrt.ingest.build import build_db

    db = tmp_path / "live.duckdb"
    monkeypatch.setenv("PLEXRT_DATA", str(data_copy))
    monkeypatch.setenv("PLEXRT_DB", str(db))
    build_db(data_copy, db)
    st.cache_resource.clear()
    st.cache_data.clear()
    at = app().run()
    assert at.sidebar.slider(key="f_age").max == 80
    path = data_copy / "sanuki2022" / "patients.csv"
    rows = list(csv.reader(open(path, newline="")))  # noqa: SIM115
    rows[-1][rows[0].index("age")] = "95"  # patient 11
    with open(path, "w", newline="") as fh:
        csv.writer(fh).writerows(rows)
    write_manifest(data_copy)
    build_db(data_copy, db)  # `plexrt build-db` while the app is running
    at2 = app().run()  # a new session of the same server process
    assert not at2.exception
    assert at2.sidebar.slider(key="f_age").max == 95
    st.cache_resource.clear()
    st.cache_data.clear()


def test_each_run_is_in_the_run_log(app, tmp_path, monkeypatch):
    """PLEXRT_RUN_LOG: one line per script run, named by the page it drew (plexrt.ui.runlog)."""
    from plexrt.ui import runlog

    path = tmp_path / "runs.jsonl"
    monkeypatch.setenv(runlog.ENV, str(path))
    at = app().run()
    at.switch_page("pages/data.py").run()
    at.sidebar.multiselect(key="f_muscle").set_value(["piriformis"]).run()
    assert not at.exception
    assert [r.page for r in runlog.read(path)] == ["cohort", "data", "data"]
