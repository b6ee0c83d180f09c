"""Every page on a department's own series (?series=<id>), compare mode, and a garbage ?series=:
no exception, no 'reconstructed' anywhere on real times, the series' numbers on screen."""

from __future__ import annotations

import html
import json
import logging
from pathlib import Path

import pytest

from plexrt.cli import main
from plexrt.data.access import local_principal
from plexrt.data.userstore import UserStore
from plexrt.ui import own_data, safe_text, widgets
from tests.app.conftest import as_read, table_as_read

EXAMPLE = Path(__file__).resolve().parents[2] / "data" / "examples" / "SYNTHETIC_example.xlsx"
PAGES = (
    "pages/cohort.py",
    "pages/pain.py",
    "pages/time_to_event.py",
    "pages/literature.py",
    "pages/board.py",
    "pages/data.py",
)


@pytest.fixture(scope="module")
def own_id(tmp_path_factory):
    """The example series imported through the CLI into a user database of this module."""
    path = str(tmp_path_factory.mktemp("own") / "user.duckdb")
    mp = pytest.MonkeyPatch()
    mp.setenv("PLEXRT_USER_DB", path)
    assert main(["import", str(EXAMPLE), "--series", "Example clinic"]) == 0
    yield str(UserStore(path).own_series(local_principal())["series_id"].iloc[0])
    mp.undo()


def _texts(at) -> str:
    parts = []
    for kind in ("title", "header", "markdown", "caption", "info", "warning", "error", "subheader"):
        # as read: Markdown escapes (user text in a footnote: safe_text.md) taken out
        parts += [as_read(str(e.value)) for e in at.get(kind)]
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        parts.append(json.dumps(spec.get("layout", {}).get("title", "")))
        parts += [str(t.get("name", "")) for t in spec.get("data", [])]
    return "\n".join(parts)


def _run(app, page, **params):
    at = app(**params).run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


@pytest.mark.parametrize("page", PAGES)
def test_every_page_on_an_own_series(app, own_id, page):
    at = _run(app, page, series=own_id)
    text = _texts(at)
    # The literature page's curve tabs explain how a *published* curve is reconstructed (Guyot);
    # that text is about published series, not about the own series' real times.
    own_text = "\n".join(
        line
        for line in text.split("\n")
        if not any(w in line for w in ("published curve", "Guyot", "digitised"))
    )
    assert "reconstruct" not in own_text.lower()
    assert at.query_params["series"] == own_id
    assert at.sidebar.selectbox(key="series_pick").value == own_id


TABLE_PAGES = ("pages/cohort.py", "pages/pain.py", "pages/time_to_event.py", "pages/data.py")


@pytest.mark.parametrize("page", [*TABLE_PAGES, "pages/follow_up.py", "pages/sharing.py"])
def test_every_table_shows_an_unknown_as_a_dash(app, own_id, page):
    """The own example series has unknown values (plexus level, NRS after RT, OMED): the tables
    showed Streamlit's grey 'None' where the report, handout and pack show a dash. Every table
    is drawn with the dash now (ui.tables.dataframe), and no page calls st.dataframe itself."""
    at = _run(app, page, series=own_id)
    assert at.dataframe, page
    assert {d.proto.placeholder for d in at.dataframe} == {"—"}
    root = Path(__file__).resolve().parents[2]
    callers = [
        str(f.relative_to(root))
        for f in [*(root / "src" / "plexrt").rglob("*.py"), *(root / "pages").glob("*.py")]
        if "st.dataframe(" in f.read_text(encoding="utf-8")
    ]
    assert callers == ["src/plexrt/ui/tables.py"]


def test_cohort_numbers_are_the_own_series(app, own_id):
    at = _run(app, "pages/cohort.py", series=own_id)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Irradiated sites"] == "52" and metrics["Patients"] == "42"


def test_time_to_event_draws_the_real_curves(app, own_id):
    at = _run(app, "pages/time_to_event.py", series=own_id)
    km = json.loads(at.get("plotly_chart")[0].proto.spec)
    steps = [t for t in km["data"] if t.get("mode") == "lines"]
    assert steps, "a Kaplan-Meier step line"
    text = _texts(at)
    assert "first course" in text and "(n = 42, " in text


def test_data_page_says_what_the_series_is(app, own_id, monkeypatch):
    heights = []
    real = own_data.dataframe

    def drawn(data, **kwargs):
        heights.append(kwargs.get("height"))
        return real(data, **kwargs)

    monkeypatch.setattr(own_data, "dataframe", drawn)
    at = _run(app, "pages/data.py", series=own_id)
    facts = at.dataframe[0].value.set_index("What")["Value"]
    assert facts["Name"] == "Example clinic" and facts["Patients"] == "42"
    assert len(at.dataframe[1].value) == 1  # one import
    # every fact in view: the table was drawn at Streamlit's default height, which hid its last
    # rows behind an inner scroll (seen at 1280x720)
    assert heights[0] == widgets.table_height(len(facts))


def test_literature_page_states_the_own_series_design_not_the_papers(app, own_id):
    """The side-by-side column of an own series gave the paper's design ('retrospective
    single-centre case series'), a fact of Sanuki 2022, not of the department's series."""
    at = _run(app, "pages/literature.py", series=own_id)
    design = table_as_read(at.table[0]).iloc[:, 0]["Design"]
    assert design == "department's own series (imported)"
    at = _run(app, "pages/literature.py")  # the bundled series: its series.csv
    assert (
        table_as_read(at.table[0]).iloc[:, 0]["Design"] == "retrospective single-centre case series"
    )


def test_literature_page_names_the_own_series_not_plexrt(app, own_id):
    """The side-by-side column (and forest row) of an own series read 'PlexRT (this cohort)',
    not the series' name; the bundled paper keeps its label."""
    at = _run(app, "pages/literature.py", series=own_id)
    assert table_as_read(at.table[0]).columns[0] == "Example clinic (this cohort)"
    assert "Example clinic (this cohort) column: Cohort: n = " in _texts(at)
    assert "PlexRT (this cohort)" not in _texts(at)
    at = _run(app, "pages/literature.py")
    assert table_as_read(at.table[0]).columns[0] == "PlexRT (this cohort)"


def test_compare_mode(app, own_id):
    at = _run(app, None, series="compare")
    assert at.title[0].value.startswith("Compare: Example clinic")
    assert at.query_params["vs"] == own_id
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    names = {t.get("name", "") for c in charts[:2] for t in c["data"]}
    assert any("Sanuki 2022 (reconstructed times)" in n for n in names)
    assert any("Example clinic" in n for n in names)
    text = _texts(at)
    assert "Log-rank test between the series" in text and "pooled over" in text
    table = at.dataframe[0].value
    assert set(table["Series"]) == {
        "Example clinic (own series)",
        "Sanuki 2022 (reconstructed times)",
    }
    assert table["n"].notna().any()


def test_compare_mode_definition_choice_is_short_with_the_whole_definition_under_it(app, own_id):
    # The choice sits in a narrow column: its options name each definition in a few words (the
    # whole label was cut off at 1280 px), and the whole definition is written under the row.
    from plexrt.clinical.definitions import DEFINITIONS

    at = _run(app, None, series="compare", resp="threshold3")
    box = at.selectbox(key="pp_resp")
    assert box.options == [
        "As in Sanuki 2022",
        "What-if: NRS fall ≥1",
        "What-if: NRS fall ≥2",
        "What-if: NRS fall ≥3",
        "What-if: NRS fall ≥4",
        "What-if: NRS fall ≥5",
        "ICPRE 2012",
    ]
    assert max(len(o) for o in box.options) <= 20
    captions = [as_read(c.value) for c in at.caption]
    whole = "What-if: improvement = NRS fall ≥3 points; complete = NRS 0 (any fall)"
    assert whole == DEFINITIONS["threshold3"].label
    assert f"Response definition: {whole}" in captions
    box.set_value("icpre").run()
    captions = [as_read(c.value) for c in at.caption]
    assert (
        "Response definition: ICPRE 2012: pain score and oral morphine equivalent dose" in captions
    )


def test_compare_mode_report_is_what_the_page_shows_and_is_recorded(app, own_id, press):
    at = _run(app, None, series="compare", unit="weeks")
    (dl,) = [e for e in at.get("download_button") if e.proto.label == "Download report (HTML)"]
    assert dl.proto.deferred_file_id  # made, checked and recorded only when pressed
    store = UserStore()
    before = len(store.audit_log(local_principal()))
    page = html.unescape(press(dl).decode("utf-8"))
    log = store.audit_log(local_principal())
    assert len(log) == before + 1 and log.iloc[0]["action"] == "export"
    assert "comparison HTML report" in log.iloc[0]["detail"]
    assert "<h1>PlexRT comparison · Example clinic (own series) and Sanuki 2022</h1>" in page
    assert "Each series is shown whole; the cohort filters do not apply in compare mode." in page
    assert "Example clinic (own series): imported into PlexRT. Data: Sanuki 2022, doi:" in page
    for section in (
        "Survival after RT",
        "Duration of pain relief",
        "Response rates",
        "Forest plot",
    ):
        assert f"<h2>{section}</h2>" in page
    # both endpoints: the page's two medians (in weeks, as chosen) and its test, word for word
    lines = [as_read(m.value).removeprefix("- ").replace("**", "") for m in at.markdown]
    shown = [ln for ln in lines if "): median " in ln or ln.startswith("Log-rank test")]
    assert len(shown) == 6 and all(" wk" in ln for ln in shown if "median" in ln)
    assert all(f"<li>{ln}</li>" in page for ln in shown)
    # the response rates as the page's table has them, each series a row
    for cell in at.dataframe[0].value["Series"]:
        assert f"<td>{cell}</td>" in page


@pytest.mark.parametrize("value", ["nonsense", "own-000000000000", "<script>"])
def test_garbage_series_falls_back_to_the_bundled_one(app, own_id, value):
    at = _run(app, "pages/cohort.py", series=value)
    assert any("not a series you can open" in w.value for w in at.warning)
    assert {m.label: m.value for m in at.metric}["Patients"] == "11"
    assert at.query_params["series"] == "sanuki2022"


# Wording written for the published paper, untrue of an own series' imported data.
PAPER_WORDS = ("the paper", "Table 1", "as in the paper", "paper's", "Disputed in the paper")


def _all_words(at) -> str:
    """Every text a reader sees: _texts plus metric help, widget options and labels, and the
    charts' axis titles and annotations (footnotes)."""
    parts = [_texts(at)]
    for m in at.metric:
        parts += [m.label, m.proto.help]
    for kind in ("selectbox", "radio", "multiselect"):
        for w in at.get(kind):
            parts += [w.label, *map(str, w.options)]
    parts += [w.label for w in at.toggle]
    for chart in at.get("plotly_chart"):
        layout = json.loads(chart.proto.spec).get("layout", {})
        parts += [json.dumps(layout.get(ax, {}).get("title", "")) for ax in ("xaxis", "yaxis")]
        parts += [str(a.get("text", "")) for a in layout.get("annotations", [])]
    for frame in at.dataframe:
        parts += [str(c) for c in frame.value.columns]
    return "\n".join(parts)


@pytest.mark.parametrize(
    ("page", "own_words"),
    [
        ("pages/cohort.py", ["Blank cells were not recorded in the imported file", "90+"]),
        ("pages/pain.py", ["Route as recorded with each assessment"]),
        (
            "pages/time_to_event.py",
            ["RT completion (first course)", "Every time is imported from the series' own dates"],
        ),
    ],
)
def test_own_series_pages_say_nothing_of_the_paper(app, own_id, page, own_words):
    text = _all_words(_run(app, page, series=own_id))
    # (the Gerontopoulos line is a literature figure quoted in Sanuki 2022: true on any series)
    lines = [ln for ln in text.split("\n") if "Gerontopoulos 2020 line" not in ln]
    found = [(w, ln) for ln in lines for w in PAPER_WORDS if w.lower() in ln.lower()]
    assert not found, found
    # real times: no reconstruction offered or named, not even a disabled toggle
    assert "reconstruct" not in text.lower()
    for w in own_words:
        assert w in text, w


@pytest.mark.parametrize(
    ("page", "paper_words"),
    [
        ("pages/cohort.py", ["Table 1.", "Blank cells are not stated in the paper"]),
        ("pages/pain.py", ["Route is not stated in the paper"]),
        ("pages/time_to_event.py", ["RT completion (as in the paper)", "Table 1 weeks"]),
    ],
)
def test_the_bundled_series_keeps_the_paper_wording(app, page, paper_words):
    text = _all_words(_run(app, page))
    for w in paper_words:
        assert w in text, w
    if page == "pages/time_to_event.py":
        assert "Reconstruction envelope (5–95%)" in text
    assert "imported file" not in text and "Own series:" not in text


def test_codes_written_two_ways_in_an_old_series_are_named_on_the_data_page(
    app, tmp_path, monkeypatch
):
    # A series stored before PlexRT refused one code written two ways: the rows of its second
    # patient are given the first patient's code in full-width characters, straight in SQL (every
    # PlexRT write refuses that now).
    import duckdb

    path = str(tmp_path / "user.duckdb")
    monkeypatch.setenv("PLEXRT_USER_DB", path)
    assert main(["import", str(EXAMPLE), "--series", "Old clinic"]) == 0
    store = UserStore(path)
    series = str(store.own_series(local_principal())["series_id"].iloc[0])
    store.release()
    with duckdb.connect(path) as con:
        first, second = [
            r[0]
            for r in con.execute(
                "SELECT DISTINCT patient_id FROM own_patients ORDER BY 1 LIMIT 2"
            ).fetchall()
        ]
        wide = first.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})
        for table in ("own_patients", "own_courses", "own_assessments"):
            con.execute(f"UPDATE {table} SET patient_id = ? WHERE patient_id = ?", [wide, second])  # noqa: S608 -- fixed table names
    at = _run(app, "pages/data.py", series=series)
    (warning,) = [w.value for w in at.warning if "written two ways" in w.value]
    assert safe_text.md(f"'{wide}' (also written '{first}')") in warning


def test_board_tables_convert_without_a_traceback(app, own_id, caplog):
    """The most similar patients of an own series mix unknown outcomes with numbers: the dash
    beside numbers in one column made Streamlit log an Arrow conversion traceback on the server."""
    caplog.set_level(logging.INFO, logger="streamlit")
    at = _run(app, "pages/board.py", series=own_id)
    at.button(key="FormSubmitter:case_form-Find similar sites").click().run()
    assert not at.exception
    top = table_as_read(at.table[0])
    assert (top == "—").any().any()  # some value is unknown: the dash
    assert not [r for r in caplog.records if "Arrow" in r.getMessage()]


def test_the_data_page_counts_the_series_once_per_change_of_it(app, tmp_path, monkeypatch):
    """The Data page's facts are counted in SQL (``UserStore.series_counts``), once per version
    of the series; its rows are never read for them (100,000 courses took 0.9 s to read)."""
    from plexrt.data.userstore import Change

    path = str(tmp_path / "user.duckdb")
    monkeypatch.setenv("PLEXRT_USER_DB", path)
    assert main(["import", str(EXAMPLE), "--series", "Reread clinic"]) == 0
    reads, counts = [], []
    whole, counted = UserStore.series_frames, UserStore.series_counts
    monkeypatch.setattr(
        UserStore, "series_frames", lambda self, *a: reads.append(a) or whole(self, *a)
    )
    monkeypatch.setattr(
        UserStore, "series_counts", lambda self, *a: counts.append(a) or counted(self, *a)
    )
    store = UserStore(path)
    series = str(store.own_series(local_principal())["series_id"].iloc[0])
    at = _run(app, None, series=series)
    first = len(reads)  # the home page's figures (the pages' in-memory store of the series)
    at.switch_page("pages/data.py").run()
    assert not at.exception and not at.error
    assert len(counts) == 1 and len(reads) == first  # counted, no row of the series read
    assert not at.run().exception and len(counts) == 1  # a rerun counts nothing again
    pid = str(store.patient_codes(local_principal(), series)[0])
    store.record_follow_up(  # another session
        local_principal(), series, [Change.update("patients", (pid,), last_contact_day=9000)]
    )
    at.run()
    assert len(counts) == 2  # the series changed: counted again
    assert len(at.dataframe[1].value) == 2  # the import and the entry
