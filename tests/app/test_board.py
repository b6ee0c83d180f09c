"""AppTest of the tumour-board page: presentation toggle and slides, case matcher, export panel."""

from __future__ import annotations

import json

import pytest

from plexrt.ui.safe_text import md
from tests.app.conftest import as_read, slide_counter, table_as_read

SUBMIT = "FormSubmitter:case_form-Find similar sites"
SOURCE = "Data: Sanuki 2022, doi:10.7759/cureus.20939 (CC-BY 4.0), via PlexRT"


def _chart_spec(at) -> dict:
    (chart,) = at.get("plotly_chart")
    return json.loads(chart.proto.spec)


def _board(app, **params):
    at = app(**params).run()
    at.switch_page("pages/board.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_board_runs_with_exports(app):
    at = _board(app)
    labels = [b.label for b in at.button]
    assert "Build HTML report (opens offline)" in labels
    assert "Build board pack (PPTX)" in labels


def test_case_matcher(app):
    at = _board(app)
    at.selectbox(key="case_cancer").set_value("Gastric cancer")
    at.button(key=SUBMIT).click().run()
    assert not at.exception
    top = table_as_read(at.table[0])
    # identical to site 10.1 (gastric, psoas, palliative, NRS 8, 39 Gy/13): 12 of 12 points
    assert top.iloc[0]["Best-matching site"] == "10.1" and top.iloc[0]["Score (of 12)"] == 12
    # one row per patient: patient 1 (sites 1.1 and 1.2, 9 points each) once
    assert top["Patient"].tolist() == ["10", "1", "4", "7", "9"]
    assert top.iloc[1]["Best-matching site"] == "1.1 (also 1.2 (9 points))"
    # relief is published for 2 of these 5 patients (1: durable, 4: relapsed): a sentence instead
    assert "Relief" not in top.columns
    captions = " ".join(as_read(c.value) for c in at.caption)
    assert "Duration of pain relief: not published per patient for 3 of the 5" in captions
    text = " ".join(m.value for m in at.markdown)
    assert "Baseline NRS 8: 7 of 12 sites lower, 4 the same, 1 higher." in text


def test_matcher_searches_all_sites_unless_asked(app):
    # the sidebar keeps the 4 piriformis sites (2.1, 6.1, 8.1, 11.1); the psoas case is still
    # matched against all 12 sites, and the page says so
    at = _board(app, muscle="piriformis")
    at.selectbox(key="case_cancer").set_value("Gastric cancer")
    at.button(key=SUBMIT).click().run()
    captions = " ".join(as_read(c.value) for c in at.caption)
    assert (
        "Searching all 12 sites of the series; the sidebar filter (piriformis) keeps 4" in captions
    )
    assert table_as_read(at.table[0]).iloc[0]["Best-matching site"] == "10.1"
    # asked to search only the filtered sites: piriformis patients only, said in a warning
    at.toggle(key="match_filtered").set_value(True).run()
    top = table_as_read(at.table[0])
    assert set(top["Best-matching site"]) <= {"2.1", "6.1", "8.1", "11.1"}
    assert any("Searching only the 4 of 12 sites" in w.value for w in at.warning)
    at.button(key="search_all").click().run()
    assert table_as_read(at.table[0]).iloc[0]["Best-matching site"] == "10.1"
    assert not any("Searching only" in w.value for w in at.warning)


def test_case_out_of_range_is_refused(app):
    at = _board(app)
    at.text_input(key="case_nrs").input("12")
    at.text_input(key="case_fx").input("0")
    at.button(key=SUBMIT).click().run()
    errors = " ".join(e.value for e in at.error)
    assert md("nrs_before") in errors and "fractions" in errors
    assert len(at.table) == 0  # nothing shown for an invalid case


def test_a_refused_case_shows_what_was_typed_as_text(app):
    at = _board(app)
    at.text_input(key="case_dose").input("![x](http://evil.example/d.png)")
    at.text_input(key="case_fx").input("$\\frac{1}{0}$")
    at.button(key=SUBMIT).click().run()
    (error,) = [e.value for e in at.error]
    assert md("dose_gy: must be a number, got '![x](http://evil.example/d.png)'") in error
    typed = "$\\frac{1}{0}$"
    assert md(f"got {typed!r}") in error and typed not in error


def test_case_is_not_stored_unless_saved(app, tmp_path, monkeypatch):
    from plexrt.data.access import local_principal
    from plexrt.data.userstore import UserStore

    at = _board(app)
    store = UserStore()
    me = local_principal()
    n = len(store.cases(me))
    at.button(key=SUBMIT).click().run()
    assert not at.exception
    assert len(store.cases(me)) == n  # finding similar sites stores nothing
    at.button(key="save_case").click().run()
    assert len(store.cases(me)) == n + 1
    assert store.audit_log(me).iloc[0]["action"] == "create"  # saved under the local account
    # The saved cases' download is a patient-level export: deferred, checked and recorded when
    # pressed (ui.exports.audited_download), never a file made on each run and recorded nowhere.
    (dl,) = [e for e in at.get("download_button") if e.proto.label.startswith("Download saved")]
    assert dl.proto.deferred_file_id and "recorded in the audit trail" in dl.proto.help


def test_presentation_toggle_and_slides(app):
    at = _board(app)
    at.toggle(key="present_on").set_value(True).run()
    assert not at.exception
    # the nine board charts of the whole cohort (tests/unit/test_slides.py lists them)
    assert slide_counter(at) == (1, 9)
    at.button(key="next_slide").click().run()
    assert slide_counter(at) == (2, 9)
    assert at.query_params["slide"] in ("2", ["2"])
    at.button(key="prev_slide").click().run()
    at.button(key="prev_slide").click().run()  # wraps around to the last slide
    assert slide_counter(at) == (9, 9)
    at.button(key="exit_present").click().run()
    assert "present" not in at.query_params
    assert slide_counter(at) is None


def test_presentation_slide_fits_the_default_screen_and_carries_the_source(app):
    at = _board(app, present="1", slide="5")
    assert slide_counter(at) == (5, 9)
    spec = _chart_spec(at)
    # before the browser reports its window, the slide is laid out for 1280 x 720:
    # 720 - 96 px of header and padding = 624 -> 620 (20 px steps)
    assert spec["layout"]["height"] == 620
    cites = [a["text"] for a in spec["layout"]["annotations"] if a.get("name") == "citation"]
    assert cites == [SOURCE]


def test_presentation_by_url(app):
    at = _board(app, present="1", slide="3")
    assert slide_counter(at) == (3, 9)
    # no banner in presentation mode: each slide's footnote carries the cohort
    assert not any("sites (11 patients) shown" in i.value for i in at.info)


@pytest.mark.parametrize(
    ("params", "typed"),
    [
        ({"present": "[a](http://e.co)"}, "[a](http://e.co)"),
        ({"present": "1", "slide": "![](http://e.co/a)"}, "![](http://e.co/a)"),
    ],
)
def test_a_refused_presentation_parameter_is_quoted_as_text(app, params, typed):
    # ?present= and ?slide= that are not a switch or a slide number were quoted in the notice as
    # Markdown: a link, or an image loaded from elsewhere, in the page's warning
    at = _board(app, **params)
    (notice,) = [w.value for w in at.warning if "Ignored URL parameter" in w.value]
    assert md(typed) in notice
    assert as_read(notice).count(typed) == 1


def test_exports_carry_the_case(app):
    at = _board(app)
    at.selectbox(key="case_cancer").set_value("Gastric cancer")
    at.button(key=SUBMIT).click().run()
    labels = [b.label for b in at.button]
    assert "Build printable handout" in labels
    at.button(key="build_html").click().run()
    assert not at.exception
    page = at.session_state["export_html"][1]
    assert "<h2>The patient at the board</h2>" in page
    assert "1.1 (also 1.2 (9 points))" in page
    assert "Baseline NRS 8: 7 of 12 sites lower, 4 the same, 1 higher." in page


def test_handout_without_a_case(app):
    at = _board(app)
    at.radio(key="handout_paper").set_value("Letter").run()
    at.button(key="build_handout").click().run()
    assert not at.exception
    paper, page, pdf = at.session_state["export_handout"][1]
    assert paper == "Letter" and "@page { size: letter;" in page
    assert "No patient was entered at the board." in page
    assert pdf is None or pdf.startswith(b"%PDF")


def test_matcher_works_when_the_filter_leaves_no_site(app):
    # piriformis + female + palliative: no site of Table 1; the case is still matched against
    # all 12 sites (the default), while the exports say the cohort is empty
    at = _board(app, muscle="piriformis", sex="F", intent="palliative")
    at.button(key=SUBMIT).click().run()
    assert not at.exception
    top = table_as_read(at.table[0])
    assert len(top) == 5 and top["Patient"].is_unique
    assert any("No site matches the current filters" in w.value for w in at.warning)


def test_relabelling_a_case_deleted_meanwhile_changes_no_other_case(app, tmp_path, monkeypatch):
    """Two saved cases, the second chosen and a new label typed; another session deletes it; on
    'Save label' the list falls back to the first case, whose label must stay as it is."""
    from plexrt.data.access import local_principal
    from plexrt.data.userstore import UserStore
    from tests.app.conftest import on_user_db

    with on_user_db(monkeypatch, tmp_path / "user.duckdb") as path:
        at = _board(app)
        at.button(key=SUBMIT).click().run()
        at.text_input(key="case_label").set_value("first")
        at.button(key="save_case").click().run()
        at.text_input(key="case_label").set_value("second")
        at.button(key="save_case").click().run()
        store, me = UserStore(path), local_principal()
        cases = store.cases(me)
        second = cases.loc[cases["label"] == "second", "case_id"].item()
        at.selectbox(key="case_pick").set_value(second).run()
        store.delete_case(me, second)  # another session
        at.text_input(key=f"relabel_{second}").set_value("Ovary, psoas")
        at.button(key="relabel_case").click().run()
        assert not at.exception
        assert list(store.cases(me)["label"]) == ["first"]  # untouched
        said = [as_read(e.value) for e in at.error]
        assert said == [
            f"Not done: the case {second} was deleted in another session; nothing was changed."
        ]
        # Deleting the case that is left, here: done, and not taken for a deletion elsewhere.
        first = store.cases(me)["case_id"].item()
        at.checkbox(key=f"confirm_case_{first}").check()
        at.button(key="delete_case").click().run()
        assert not at.exception and not at.error
        assert store.cases(me).empty
        assert any(f"Deleted {first}" in m.value for m in at.success)


def test_the_board_pack_says_how_its_key_figures_were_counted(app):
    # The pack's key-figures slide gave '100% of sites (12/12; 95% CI 74–100%) · 100% of patients
    # (11/11; ...)' with only the cohort and source under it: no interval method, no unit rule, no
    # denominators (the report and handout state them). Now its notes are under the table and in
    # the speaker notes.
    import io

    from pptx import Presentation

    from tests.unit.export_figures import need_browser

    need_browser()
    at = _board(app)
    at.button(key="build_pptx").click().run()
    assert not at.exception, [e.value for e in at.exception]
    last = Presentation(io.BytesIO(at.session_state["export_pptx"][1])).slides[-1]
    shown = " ".join(sh.text_frame.text for sh in last.shapes if sh.has_text_frame)
    notes = last.notes_slide.notes_text_frame.text
    for text in (shown, notes):
        assert "Exact (Clopper-Pearson) 95% CI." in text
        assert "Treated = every site in the cohort (n = 12)" in text  # Table 1: 12 sites
        assert "per patient beside them" in text  # patient 1 has two sites
