"""Text a user entered stays text where the literature page names series in words (issue 16 §4):
the forest plot's caption of series left out (a stored published curve reports no response), the
warning that series define response differently, and the Kaplan-Meier comparison of published
curves with an own series (its name in the caption, the Cox model's reference group). The other
pages and the first tab are covered by test_hostile_text."""

from __future__ import annotations

import pytest

from plexrt.cli import main
from plexrt.clinical.literature_notes import FOREST_LEFT_OUT
from plexrt.data.access import local_principal
from plexrt.data.userstore import UserStore
from tests.app.conftest import as_read, on_user_db
from tests.app.test_hostile_text import OWN_NAME, _chart_tags, _markdown_hostile
from tests.fixtures import FIXTURES

EX = FIXTURES / "curve_example"
CITATION = "Curve ![i](http://evil.example/c.png) [L](http://evil.example/l) :red[R] <u>u</u>"
DEFINITION = "NRS drop ![d](http://evil.example/d.png) :red[D]"


@pytest.fixture
def hostile_curves(tmp_path, monkeypatch):
    from plexrt.ingest.own_import import prepare_import
    from tests.unit.own_files import GOOD_ASSESSMENTS, GOOD_COURSES, write

    path = tmp_path / "user.duckdb"
    c, a = write(tmp_path, GOOD_COURSES, GOOD_ASSESSMENTS)
    prepared = prepare_import(c, a, study_codes=True)
    assert prepared.frames is not None
    store = UserStore(path)
    me = local_principal()
    sid = store.apply_import(me, OWN_NAME, prepared.frames, pseudonymised=False).series_id
    store.add_series(
        me,
        {
            "citation": "Defined otherwise 2020",
            "year": "2020",
            "population": "malignant_psoas_syndrome",
            "n_patients": "9",
            "n_patients_source": "Table 1",
            "responders": "5",
            "responders_source": "Table 2",
            "response_definition": DEFINITION,
            "response_definition_source": "Methods",
        },
    )
    store.release()
    for outcome in ("other", "overall_survival"):
        argv = ["curve", "import", "--points", str(EX / "points.csv"), "--risk"]
        argv += [str(EX / "risk.csv"), "--citation", CITATION, "--outcome", outcome]
        assert main([*argv, "--user-db", str(path)]) == 0
    with on_user_db(monkeypatch, path):
        yield sid


@pytest.mark.parametrize("mode", ["bundled", "own", "compare"])
def test_series_named_in_words_on_the_literature_page_stay_text(app, hostile_curves, mode):
    sid = hostile_curves
    params = {"bundled": {}, "own": {"series": sid}, "compare": {"series": "compare", "vs": sid}}
    at = app(**params[mode]).run()
    at.switch_page("pages/literature.py").run()
    assert not at.exception, [e.value for e in at.exception]
    seen = []
    for outcome in ("other", "overall_survival"):
        outcomes = [s for s in at.selectbox if s.key == "curve_cmp_outcome"]
        if outcomes:
            outcomes[0].set_value(outcome).run()
            assert not at.exception, [e.value for e in at.exception]
        seen += [c.value for c in at.caption]
        assert _markdown_hostile(at) == []
        assert _chart_tags(at) == []
    said = as_read(" ".join(seen))
    assert FOREST_LEFT_OUT in said  # the caption naming the curve series was drawn
    if mode == "own":
        assert "has no counterpart for this outcome" in said and "Cox proportional" in said
