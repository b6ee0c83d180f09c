"""AppTest of the analysis pages: they run, their selectors change the figures, nothing raises."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tests.app.conftest import as_read, plotly_values


def _charts(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def _metric(at, label):
    return next(m for m in at.metric if m.label == label)


def _page(app, page, **params):
    at = app(**params).run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


# --- pain response ---------------------------------------------------------------------------


def test_pain_page_default(app):
    at = _page(app, "pages/pain.py")
    m = _metric(at, "Responders, all treated sites")
    assert (m.value, m.delta) == ("100%", "12/12 sites · 95% CI 74–100%")
    charts = _charts(at)
    waterfall = charts[0]
    bars = [t for t in waterfall["data"] if t["type"] == "bar"]
    assert sum(len(t["x"]) for t in bars) == 12
    # Bars left to right: largest fall first, ties in course order, from the CSV the store is built of.
    expected = _falls_from_csv()
    assert waterfall["layout"]["xaxis"]["categoryarray"] == list(expected)
    # ... and every bar's height is its own site's change (not just the right labels).
    drawn = {x: y for t in bars for x, y in zip(t["x"], plotly_values(t["y"]), strict=True)}
    assert drawn == expected
    # The subgroups' footnote says where a site of unknown level goes (in no group).
    notes = " ".join(c.value for c in at.caption)
    assert "a site whose factor is not known is in no group of that factor" in notes


def _falls_from_csv() -> dict[str, float]:
    """NRS change per site (after - before) from data/, sorted ascending, ties in course order."""
    import pandas as pd

    from tests.conftest import DATA

    c = pd.read_csv(DATA / "sanuki2022" / "courses.csv", dtype={"course_id": str})
    c["change"] = c["nrs_after"] - c["nrs_before"]
    c = c.sort_values(["patient_id", "course_no"]).sort_values("change", kind="stable")
    # 1.1 (-9) first; 1.2, 10.1, 11.1 (-8); 4.1 (-5); ... 6.1 (-2, 5 -> 3) last.
    assert list(c["course_id"])[:4] == ["1.1", "1.2", "10.1", "11.1"]
    return dict(zip(c["course_id"], c["change"].astype(float), strict=True))


def test_pain_definition_selector_changes_figures(app):
    at = _page(app, "pages/pain.py")
    at.selectbox(key="pp_resp").set_value("threshold4").run()
    assert not at.exception
    # k = 4: complete 9 (NRS 0) + improved 4.1 (fall 5) = 10 of 12
    assert _metric(at, "Responders, all treated sites").delta.startswith("10/12 sites")
    assert at.query_params["resp"] in ("threshold4", ["threshold4"])
    at.selectbox(key="pp_resp").set_value("icpre").run()
    # issue 13.2: every reading of the analgesic aggregate, the least favourable quoted alone
    assert _metric(at, "ICPRE responders (least favourable reading)").value == "8 of 12 sites"
    assert _metric(at, "ICPRE responders, every reading").value == "8–12 of 12 sites"
    readings = next(df.value for df in at.dataframe if "Reading" in df.value.columns)
    assert len(readings) == 3


def test_pain_icpre_subset_does_not_quote_series_counts(app):
    at = _page(app, "pages/pain.py", resp="icpre", muscle="piriformis")
    info = " ".join(i.value for i in at.info)
    assert "for all 12 sites together" in info and "these 4 sites may hold 0–2" in info
    assert "reduced 2, unchanged 6, increased 4 of 12 sites" not in info


def test_pain_colour_selector_changes_traces(app):
    at = _page(app, "pages/pain.py")
    n_resp = len([t for t in _charts(at)[0]["data"] if t["type"] == "bar"])
    at.selectbox(key="pp_colour").set_value("muscle").run()
    names = sorted(t["name"] for t in _charts(at)[0]["data"] if t["type"] == "bar")
    assert n_resp == 2  # complete, improved
    assert len(names) == 2 and names[0].lower().startswith("piriformis")


def test_pain_url_what_if_and_garbage(app):
    at = _page(app, "pages/pain.py", resp="threshold3", muscle="psoas")
    # psoas 8 sites; k = 3: complete 6 + improved 4.1 (5) and 9.1 (3) = 8 of 8
    assert _metric(at, "Responders, all treated sites").delta.startswith("8/8 sites")
    at = _page(app, "pages/pain.py", resp="bogus")
    assert any("Ignored URL parameter resp" in w.value for w in at.warning)


def test_pain_percent_toggle(app):
    at = _page(app, "pages/pain.py")
    at.toggle(key="wf_percent").set_value(True).run()
    assert not at.exception
    ys = np.concatenate(
        [plotly_values(t["y"]) for t in _charts(at)[0]["data"] if t["type"] == "bar"]
    )
    assert sorted(np.round(ys, 1))[:1] == [-100.0]


# --- time to event -----------------------------------------------------------------------------


def _step_traces(chart):
    return [t for t in chart["data"] if (t.get("meta") or {}).get("role") == "km"]


@pytest.mark.parametrize("group", ["none", "involved_muscle", "intent", "primary_group"])
def test_time_to_event_groupings(app, group):
    at = _page(app, "pages/time_to_event.py", by=group)
    km = _charts(at)[0]
    expected = {"none": 1, "involved_muscle": 2, "intent": 2, "primary_group": 3}[group]
    assert len(_step_traces(km)) == expected
    assert any("reconstructed times" in w.value for w in at.warning)


def test_time_to_event_quotes_pooled_medians(app):
    """Issue 13.1: medians from reconstructed times are pooled over the 200 reconstructions, with
    the reconstructions' range beside, and the legend carries the pooled interval."""
    at = _page(app, "pages/time_to_event.py")
    text = " ".join(m.value for m in at.markdown)
    assert "pooled over 200 reconstructions" in text and "the reconstructions' own medians" in text
    assert "The curve drawn (one reconstruction) crosses 0.5" in text
    km = _step_traces(_charts(at)[0])[0]
    assert "median" in km["name"]
    tables = [df.value for df in at.dataframe]
    assert any("Reconstructions (5th–95th percentile)" in t.columns for t in tables)
    by = _page(app, "pages/time_to_event.py", by="involved_muscle")
    words = " ".join(m.value for m in by.markdown)
    assert "pooled p = " in words and "D2 rule" in words


def test_time_to_event_options(app):
    at = _page(app, "pages/time_to_event.py", unit="weeks", t0="start")
    assert not at.exception
    at.toggle(key="tte_env").set_value(False).run()
    at.toggle(key="tte_band").set_value(False).run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "Conflicts found by computation (4)" in text


# --- literature --------------------------------------------------------------------------------


FORM = {
    "citation": "Example A, et al. Test series. J Test 2023;1:1",
    "year": "2023",
    "n_patients": "10",
    "n_patients_source": "Table 1",
    "responders": "6",
    "responders_source": "Results",
}


def _fill(at, prefix, values):
    for k, v in values.items():
        at.text_input(key=f"{prefix}_{k}").input(v)


def test_literature_page_and_form(app):
    at = _page(app, "pages/literature.py")
    n_before = len(_charts(at))
    forest = _charts(at)[0]
    assert any(
        "Gerontopoulos" in str(t.get("y")) or "Gerontopoulos" in str(t) for t in forest["data"]
    )
    # invalid: responders > n -> refused with a message naming the field, nothing saved
    _fill(at, "add", {**FORM, "responders": "12"})
    _save(at).click().run()
    errors = " ".join(as_read(e.value) for e in at.error)
    assert "**Responders (n)**: (12) cannot exceed" in errors
    assert not any("Example 2023 (added)" in str(c) for c in _charts(at))
    # the form keeps what was typed (nothing lost)
    assert at.text_input(key="add_citation").value == FORM["citation"]
    # valid: saved and shown in the table and the forest plot
    _fill(at, "add", FORM)
    _save(at).click().run()
    assert not at.exception
    at.run()
    assert any("Example 2023 (added)" in str(c) for c in _charts(at))
    assert len(_charts(at)) == n_before  # the series joins the figures; no figure comes or goes


def _save(at):
    return next(b for b in at.button if b.label == "Save series")


def test_user_series_survive_a_rebuild(app, tmp_path, monkeypatch):
    from plexrt.data.userstore import UserStore
    from plexrt.ingest.build import build_db
    from tests.conftest import DATA

    db = tmp_path / "b.duckdb"
    udb = tmp_path / "u.duckdb"
    build_db(DATA, db)
    monkeypatch.setenv("PLEXRT_DB", str(db))
    monkeypatch.setenv("PLEXRT_USER_DB", str(udb))
    from plexrt.data.access import local_principal

    UserStore(udb).add_series(
        local_principal(),
        {
            **FORM,
            "citation": "Rebuild R. Survivor. J 2022;1:1",
            "year": "2022",
            "population": "malignant_psoas_syndrome",
        },
    )
    build_db(DATA, db)  # rebuild the bundled store
    import streamlit as st

    st.cache_resource.clear()
    st.cache_data.clear()
    at = _page(app, "pages/literature.py")
    assert any("Rebuild 2022 (added)" in str(c) for c in _charts(at))
    st.cache_resource.clear()
    st.cache_data.clear()


def test_two_series_with_the_same_author_and_year(app, tmp_path, monkeypatch):
    import streamlit as st

    from plexrt.data.userstore import UserStore

    monkeypatch.setenv("PLEXRT_USER_DB", str(tmp_path / "u.duckdb"))
    st.cache_resource.clear()
    from plexrt.data.access import local_principal

    us = UserStore(tmp_path / "u.duckdb")
    for first in ("Twin A", "Twin B"):
        us.add_series(
            local_principal(),
            {
                **FORM,
                "citation": f"{first}. Same year. J 2024;1:1",
                "year": "2024",
                "population": "malignant_psoas_syndrome",
            },
        )
    at = _page(app, "pages/literature.py")
    text = " ".join(str(c) for c in _charts(at))
    assert "Twin 2024 (added)" in text and "Twin 2024 (added) [2]" in text
    st.cache_resource.clear()


# --- data & provenance -----------------------------------------------------------------------


def test_data_page_lists_every_patient_fact(app):
    at = _page(app, "pages/data.py")
    facts = next(df for df in at.dataframe if "fact_id" in df.value.columns).value
    # data/sanuki2022/patient_facts.csv: 25 facts, 11 of them constraints
    assert len(facts) == 25
    status = dict(zip(facts["fact_id"], facts["status"], strict=True))
    assert status["F7"] == "kept"  # patient 1's durable relief
    assert status["F17"] == "dropped (conflict)"  # patient 8's "four months after completion"
    assert status["F1"] == "not used"
    assert any("11** are constraints" in m.value for m in at.markdown)


def test_pain_page_names_the_omed_table_of_the_url(app):
    at = _page(app, "pages/pain.py", omed="vonkorff2008")
    table = next(
        df.value
        for df in at.dataframe
        if "Site" in df.value.columns and any("OMED" in c for c in df.value.columns)
    )
    header = "Baseline OMED (mg/day, Von Korff 2008 / CDC 2016 factors)"
    assert header in table.columns
    assert table.set_index("Site").loc["1.1", header] == 24  # hydromorphone 6 mg x 4
    notes = " ".join(m.value for m in at.caption) + " ".join(m.value for m in at.markdown)
    assert "hydromorphone × 4" in notes


def test_cohort_and_pain_pages_count_patients_beside_sites(app):
    at = _page(app, "pages/cohort.py")
    captions = " ".join(c.value for c in at.caption)
    assert "Per patient: 73% of patients (8/11; 95% CI 39–94%)" in captions
    assert "count irradiated sites" in " ".join(m.value for m in at.markdown) + captions
    pain = _page(app, "pages/pain.py")
    words = " ".join(c.value for c in pain.caption)
    assert (
        "Per patient: responders 100% of treated patients (11/11; 95% CI 72–100%), 100% of "
        "assessable patients (11/11" in words
    )
    sub = next(df.value for df in pain.dataframe if "n_patients" in df.value.columns)
    assert sub.set_index("level").loc["psoas", "n_patients"] == 7  # patients 1 3 4 5 7 9 10


def test_saving_a_series_deleted_meanwhile_changes_no_other(app, tmp_path, monkeypatch):
    """Two added series, the second chosen for editing; another session deletes it; 'Save
    changes' must not save the form over the series the list falls back to."""
    from plexrt.data.access import local_principal
    from plexrt.data.userstore import UserStore
    from plexrt.ui import writes
    from tests.app.conftest import on_user_db

    with on_user_db(monkeypatch, tmp_path / "user.duckdb") as path:
        store, me = UserStore(path), local_principal()
        store.add_series(me, {**FORM, "citation": "First F. 2020"})
        second = store.add_series(me, {**FORM, "citation": "Second S. 2021"})
        at = _page(app, "pages/literature.py")
        at.selectbox(key="edit_key").set_value(second).run()
        store.delete_series(me, second)  # another session
        trail = len(store.audit_log(me))
        next(b for b in at.button if b.key == writes.SERIES_SAVE).click().run()
        assert not at.exception
        said = [as_read(e.value) for e in at.error]
        assert any(e.startswith("Not saved: the series “Second S. 2021” was deleted") for e in said)
        assert not [s for s in at.success if "Saved your changes" in s.value]
        assert len(store.audit_log(me)) == trail  # nothing recorded: nothing was changed
