"""A registry in the bundled format (more sites than ``LAZY_TABS_ABOVE`` and ``PICK_LIST_MAX``):
each page computes only the tab that is open, and the sites to leave out are typed as ids
(checked against the series, unknown ids named) instead of picked from a list of every site."""

from __future__ import annotations

import gc
import html
import re
import subprocess
import sys

import pytest
import streamlit as st

from plexrt.charts.scale import LAZY_TABS_ABOVE, PICK_LIST_MAX
from plexrt.data import store
from plexrt.data.userstore import engine
from tests.app.conftest import as_read

COURSES = max(LAZY_TABS_ABOVE, PICK_LIST_MAX) + 200


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    """The registry's folder and store, written by a process of its own (what `plexrt synth` and
    `plexrt build-db` do), and its site ids."""
    folder = tmp_path_factory.mktemp("registry") / "data"
    db = folder.parent / "registry.duckdb"
    script = (
        "import sys; from pathlib import Path\n"
        "from plexrt.ingest.build import build_db\n"
        "from plexrt.ingest.synth_bundled import write_bundled\n"
        "write_bundled(Path(sys.argv[1]), int(sys.argv[3])); build_db(Path(sys.argv[1]), Path(sys.argv[2]))"
    )
    subprocess.run([sys.executable, "-c", script, str(folder), str(db), str(COURSES)], check=True)
    con = store.connect(db)
    try:
        ids = sorted(store.cohort(con, store.CohortFilter())["course_id"])
    finally:
        con.close()
    return folder, db, ids


@pytest.fixture
def at_registry(app, registry, monkeypatch, tmp_path):
    folder, db, _ = registry
    monkeypatch.setenv("PLEXRT_DATA", str(folder))
    monkeypatch.setenv("PLEXRT_DB", str(db))
    monkeypatch.setenv("PLEXRT_USER_DB", str(tmp_path / "user.duckdb"))
    st.cache_resource.clear()
    st.cache_data.clear()
    yield app
    st.cache_resource.clear()
    st.cache_data.clear()
    engine.release(engine.locate(str(tmp_path / "user.duckdb")))
    gc.collect()  # the registry's connections closed now, not while the interpreter exits


def _headers(at) -> list[str]:
    return [h.value for h in at.header] + [h.value for h in at.subheader]


def test_only_the_open_tab_is_computed(at_registry):
    at = at_registry().run()
    at.switch_page("pages/data.py").run()
    assert not at.exception, [e.value for e in at.exception]
    # The first tab (the paper's contradictions) is open; the provenance tab is not computed:
    # its table filter and page selector are absent until it is chosen.
    assert not [m for m in at.multiselect if m.label == "Table"]
    at.session_state["data_tab"] = "Provenance of every value"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [m for m in at.multiselect if m.label == "Table"]


def test_sites_to_leave_out_are_typed_and_checked(at_registry, registry):
    _, _, ids = registry
    at = at_registry().run()
    assert not [m for m in at.sidebar.multiselect if m.label == "Exclude these sites"]
    box = next(t for t in at.sidebar.text_input if t.label.startswith("Exclude these sites"))
    box.set_value(f"{ids[0]}, {ids[1]}, no-such-site").run()
    assert not at.exception, [e.value for e in at.exception]
    assert sorted(at.session_state["f_exclude"]) == sorted([ids[0], ids[1]])
    warnings = [as_read(w.value) for w in at.sidebar.warning]
    assert any("no-such-site" in w for w in warnings), warnings
    url = at.query_params["exclude"]
    url = url[-1] if isinstance(url, list) else url
    assert set(url.split(",")) == {ids[0], ids[1]}  # the URL keeps the exclusion


def test_a_typed_exclusion_from_the_url_is_shown_in_the_box(at_registry, registry):
    _, _, ids = registry
    at = at_registry(exclude=ids[2]).run()
    assert not at.exception, [e.value for e in at.exception]
    box = next(t for t in at.sidebar.text_input if t.label.startswith("Exclude these sites"))
    assert box.value == ids[2]
    assert at.session_state["f_exclude"] == [ids[2]]


def test_the_switcher_names_the_registry_not_the_paper(at_registry):
    at = at_registry()
    at.run()
    assert not at.exception
    box = at.selectbox(key="series_pick")
    shown = box.options[0]  # the label shown (AppTest holds the formatted options)
    assert "SYNTHETIC centre 1" in shown and "Sanuki" not in shown


def test_the_export_browser_starts_with_the_exports_tab_not_the_board(at_registry, monkeypatch):
    """Its start (seconds of CPU) would slow a registry board's first filter changes."""
    from plexrt.export import rendering

    started = []
    monkeypatch.setattr(rendering, "warm_up", lambda: started.append(1))
    at = at_registry().run()
    at.switch_page("pages/board.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert not started
    at.session_state["board_tab"] = "Exports"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert started


def test_pain_waterfall_is_the_distribution_with_one_patients_bars(at_registry, registry):
    import base64
    import json

    import numpy as np

    _, db, _ = registry
    con = store.connect(db)
    try:
        # what the page must count: sites with both scores; a patient with two sites scored
        scored = con.execute(
            "SELECT count(*) FROM course_summary "
            "WHERE nrs_before IS NOT NULL AND nrs_after IS NOT NULL"
        ).fetchone()[0]
        pid, n_two = con.execute(
            "SELECT patient_id, count(*) FROM course_summary "
            "WHERE nrs_before IS NOT NULL AND nrs_after IS NOT NULL "
            "GROUP BY patient_id HAVING count(*) = 2 ORDER BY patient_id LIMIT 1"
        ).fetchone()
    finally:
        con.close()

    def charts(at):
        return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]

    def heights(trace):
        y = trace["y"]
        if isinstance(y, dict):  # plotly's binary encoding of numeric arrays
            return np.frombuffer(base64.b64decode(y["bdata"]), dtype=y["dtype"])
        return np.asarray(y, dtype=float)

    at = at_registry().run()
    at.switch_page("pages/pain.py").run()
    assert not at.exception, [e.value for e in at.exception]
    counts = [t for t in charts(at)[0]["data"] if t["type"] == "bar"]
    assert sum(heights(t).sum() for t in counts) == scored  # one count per scored site
    box = next(t for t in at.text_input if t.key == "wf_patient")
    box.set_value(f" {pid} ").run()
    assert not at.exception, [e.value for e in at.exception]
    one = charts(at)[1]
    assert sum(len(t["x"]) for t in one["data"] if t["type"] == "bar") == n_two == 2
    box.set_value("nobody").run()
    assert "No site of that patient in the current cohort." in [i.value for i in at.info]


def test_a_registry_is_not_described_in_the_papers_words(at_registry):
    at = at_registry().run()
    at.switch_page("pages/time_to_event.py").run()
    assert not at.exception, [e.value for e in at.exception]
    zero = next(s for s in at.selectbox if s.label == "Survival time zero")
    assert "RT completion (last course)" in zero.options
    shown = " ".join([c.value for c in at.caption] + [m.value for m in at.markdown])
    assert "paper" not in shown.lower() and "Real per-patient times from the data folder" in shown


def test_compare_mode_beside_a_registry_names_it_and_not_the_paper(at_registry, press):
    """An own series beside a registry served as the bundled data: the registry by its own
    names, its real times never called reconstructed, nothing said of Sanuki 2022 or the paper."""
    import json
    from pathlib import Path

    from plexrt.cli import main
    from plexrt.clinical.definitions import Definition

    example = Path(__file__).resolve().parents[2] / "data" / "examples" / "SYNTHETIC_example.xlsx"
    assert main(["import", str(example), "--series", "Example clinic"]) == 0
    at = at_registry(series="compare").run()
    assert not at.exception, [e.value for e in at.exception]
    assert (
        as_read(at.title[0].value)
        == "Compare: Example clinic (own series) and SYNTHETIC centre 1 and 3 more"
    )
    compare = at.selectbox(key="series_pick").options[-1]
    assert compare == "Compare: an own series beside SYNTHETIC centre 1 and 3 more"
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    names = {t.get("name", "") for c in charts for t in c["data"]}
    assert any(n.startswith("SYNTHETIC centre 1 and 3 more") for n in names), names
    table = at.dataframe[0].value
    assert set(table["Series"]) == {
        "Example clinic (own series)",
        "SYNTHETIC centre 1 and 3 more",
    }
    shown = [
        as_read(e.value)
        for kind in ("title", "markdown", "caption", "warning")
        for e in at.get(kind)
    ]
    for c in charts:  # the charts' words: titles, axis titles, footnotes
        layout = c.get("layout", {})
        shown += [str(layout.get("title", {}).get("text", ""))]
        shown += [str(a.get("text", "")) for a in layout.get("annotations", [])]
        shown += [
            str(layout.get(ax, {}).get("title", {}).get("text", "")) for ax in ("xaxis", "yaxis")
        ]
    shown += sorted(names)
    # The response definition keeps its source's name: Sanuki 2022's definition, applied here.
    text = " ".join(str(s).replace("<br>", " ") for s in shown)
    text = text.replace(Definition.from_key("paper").label, "")
    for word in ("Sanuki", "paper", "reconstructed"):
        assert word not in text, (word, text[max(0, text.find(word) - 300) : text.find(word) + 100])
    assert "of the last course in the bundled data" in text
    # its report says so too, and names the registry's centres as its source, not the first alone
    (dl,) = [e for e in at.get("download_button") if e.proto.label == "Download report (HTML)"]
    report = html.unescape(press(dl).decode("utf-8"))
    assert (
        "Data: SYNTHETIC centre 1; SYNTHETIC centre 2; SYNTHETIC centre 3 and 1 more series, "
        "via PlexRT" in report
    )
    words = " ".join(re.findall(r"<(?:h1|h2|dd|li|th|td|figcaption)>(.*?)</", report))
    words = words.replace(Definition.from_key("paper").label, "")
    assert "Log-rank test between the series" in words
    assert not {"Sanuki", "paper", "reconstructed"} & set(re.findall(r"\w+", words))


def test_the_board_names_every_centre_of_a_registry_as_its_source(at_registry):
    at = at_registry().run()
    at.switch_page("pages/board.py").run()
    assert not at.exception, [e.value for e in at.exception]
    header = as_read(at.caption[0].value)
    assert "Data: SYNTHETIC centre 1; SYNTHETIC centre 2; SYNTHETIC centre 3 and 1 more" in header


def test_cohort_counts_carry_thousands_separators(at_registry, registry):
    # The Cohort page showed '2200' sites beside '1,608' everywhere else; its counts are now
    # separated like every other count, and both NRS figures say 'at RT completion'.
    _, db, ids = registry
    con = store.connect(db)
    try:
        patients = store.cohort(con, store.CohortFilter())["patient_id"].nunique()
    finally:
        con.close()
    at = at_registry().run()
    assert not at.exception, [e.value for e in at.exception]
    shown = {m.label: m.value for m in at.metric}
    assert len(ids) >= 1000 and patients >= 1000
    assert shown["Irradiated sites"] == f"{len(ids):,}"
    assert shown["Patients"] == f"{patients:,}"
    assert "Mean NRS before → at RT completion" in shown


def test_subgroup_counts_are_grouped_by_thousands(at_registry):
    # The Pain page's subgroup table showed '1496' sites beside '81% (409/504 ...)': its two
    # count columns were plain numbers; they are now grouped by thousands, as in the compare view.
    import json

    at = at_registry().run()
    at.switch_page("pages/pain.py").run()
    assert not at.exception, [e.value for e in at.exception]
    (sub,) = [d for d in at.dataframe if "n_patients" in d.value.columns]
    assert sub.value["n"].max() >= 1000  # a registry's subgroup: the separator shows
    config = json.loads(sub.proto.columns)
    for column in ("n", "n_patients"):
        assert config[column]["type_config"]["format"] == "localized", config[column]
