"""AppTest of the tumour-board page: presentation toggle and slides, case matcher, export panel."""

from __future__ import annotations

SUBMIT = "FormSubmitter:case_form-Find similar sites"


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
    top = at.dataframe[0].value
    # identical to site 10.1 (gastric, psoas, palliative, NRS 8, 39 Gy/13): 12 of 12 points
    assert top.iloc[0]["Site"] == "10.1" and top.iloc[0]["Score"] == 12
    text = " ".join(m.value for m in at.markdown)
    assert "Baseline NRS 8: 7 of 12 sites lower, 4 the same, 1 higher." in text


def test_case_out_of_range_is_refused(app):
    at = _board(app)
    at.text_input(key="case_nrs").input("12")
    at.text_input(key="case_fx").input("0")
    at.button(key=SUBMIT).click().run()
    errors = " ".join(e.value for e in at.error)
    assert "nrs_before" in errors and "fractions" in errors
    assert len(at.dataframe) == 0  # nothing shown for an invalid case


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


def test_presentation_toggle_and_slides(app):
    at = _board(app)
    at.toggle(key="present_on").set_value(True).run()
    assert not at.exception
    slides = [m.value for m in at.markdown if m.value.startswith("**Slide")]
    assert slides and slides[0].startswith("**Slide 1 of ")
    n = int(slides[0].split(" of ")[1].split(" ")[0])
    # the nine board charts of the whole cohort (tests/unit/test_board.py lists them)
    assert n == 9
    at.button(key="next_slide").click().run()
    assert any(m.value.startswith("**Slide 2 of") for m in at.markdown)
    assert at.query_params["slide"] in ("2", ["2"])
    at.button(key="prev_slide").click().run()
    at.button(key="prev_slide").click().run()  # wraps around to the last slide
    assert any(m.value.startswith(f"**Slide {n} of {n}") for m in at.markdown)
    # the header states cohort, source and reconstruction
    header = " ".join(m.value for m in at.markdown)
    assert "Cohort: n = 12 sites, 11 patients" in header and "reconstructed" in header
    at.button(key="exit_present").click().run()
    assert "present" not in at.query_params


def test_presentation_by_url(app):
    at = _board(app, present="1", slide="3")
    assert any(m.value.startswith("**Slide 3 of") for m in at.markdown)
    # no banner in presentation mode: the slide header carries the cohort
    assert not any("sites (11 patients) shown" in i.value for i in at.info)
