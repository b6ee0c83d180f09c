"""AppTest of the published-curve import and the Kaplan-Meier comparison on the literature page."""

from __future__ import annotations

import json

import pytest

from plexrt.clinical.curve_comparison import BUNDLED_WARNING
from plexrt.data.curve_schema import CURVE_FLAG
from tests.app.conftest import on_user_db, table_as_read
from tests.fixtures import FIXTURES

EX = FIXTURES / "curve_example"
POINTS = (EX / "points.csv").read_bytes()
RISK = (EX / "risk.csv").read_bytes()


@pytest.fixture
def fresh_user_db(tmp_path, monkeypatch):
    with on_user_db(monkeypatch, tmp_path / "u.duckdb") as path:
        yield path


def _page(app):
    at = app().run()
    at.switch_page("pages/literature.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _figures(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def _names(fig) -> list[str]:
    return [str(t.get("name")) for t in fig["data"]]


def _upload(at, risk=RISK):
    at.file_uploader(key="curve_points").upload("points.csv", POINTS, "text/csv")
    if risk is not None:
        at.file_uploader(key="curve_risk").upload("risk.csv", risk, "text/csv")
    at.text_input(key="curve_events").input("41")
    return at.run()


def test_preview_then_save_then_compare(app, fresh_user_db):
    at = _page(app)
    assert any("No published curve stored yet" in i.value for i in at.info)
    at = _upload(at)
    assert not at.exception
    preview = next(f for f in _figures(at) if any("Digitised points" in n for n in _names(f)))
    names = _names(preview)
    assert any(n.startswith("Reconstructed Kaplan–Meier (60 patients, 41 events)") for n in names)
    assert any(n.startswith("Largest gap: ") for n in names)
    assert any(
        "Patients reconstructed: 60, events 41 (reported: 41)." in m.value for m in at.markdown
    )
    # Save without a citation: refused, nothing stored.
    next(b for b in at.button if b.label == "Save curve series").click().run()
    assert any("citation" in c.value for c in at.code)
    from plexrt.data.access import local_principal
    from plexrt.data.userstore import UserStore

    me = local_principal()
    assert UserStore(fresh_user_db).curve_series(me).empty
    at.text_input(key="curve_citation").input("Synthetic A. Example curve. 2024")
    at.text_input(key="curve_year").input("2024")
    next(b for b in at.button if b.label == "Save curve series").click().run()
    assert any("flagged 'reconstructed from published curve'" in s.value for s in at.success)
    stored = UserStore(fresh_user_db).curve_series(me)
    assert list(stored["created_by"]) == [me.user_id]  # saved as the person using the app
    assert list(UserStore(fresh_user_db).audit_log(me)["action"]) == ["import"]
    at.run()
    km = next(f for f in _figures(at) if "published curves beside this cohort" in str(f["layout"]))
    curves = [n for n in _names(km) if "median" in n]
    assert any(n.startswith("PlexRT (this cohort)") for n in curves)
    assert any(n.startswith(f"Synthetic 2024 (added): {CURVE_FLAG} (n=60)") for n in curves)
    assert any(BUNDLED_WARNING[:60] in w.value for w in at.warning)
    assert any(m.value.startswith("Log-rank test across the 2 curves") for m in at.markdown)
    # The series joins the side-by-side table and the durations, its median flagged.
    side = table_as_read(at.table[0])
    cell = side.loc["Median survival", "Synthetic 2024 (added)"]
    assert cell.endswith(f"months ({CURVE_FLAG})")
    durations = next(f for f in _figures(at) if "Synthetic 2024 (added)" in str(f["data"]))
    assert "rests on reconstructed times" in str(durations["data"])


def test_malformed_risk_table_named_and_nothing_stored(app, fresh_user_db):
    at = _page(app)
    at = _upload(at, risk=b"time,at_risk\n0,60\n3,lots\n")
    assert not at.exception
    assert any("The file is not valid" in e.value for e in at.error)
    assert any(
        "risk.csv, line 3, column 'at_risk': must be a whole number 0 or more, got 'lots'"
        in c.value
        for c in at.code
    )
    assert not any(b.label == "Save curve series" for b in at.button)


def test_an_own_series_beside_a_published_curve_is_named_and_not_called_reconstructed(
    app, fresh_user_db
):
    from pathlib import Path

    from plexrt.cli import main
    from plexrt.data.access import local_principal
    from plexrt.data.userstore import UserStore

    at = _upload(_page(app))
    at.text_input(key="curve_citation").input("Synthetic A. Example curve. 2024")
    at.text_input(key="curve_year").input("2024")
    next(b for b in at.button if b.label == "Save curve series").click().run()
    example = Path(__file__).resolve().parents[2] / "data" / "examples" / "SYNTHETIC_example.xlsx"
    assert main(["import", str(example), "--series", "Example clinic"]) == 0
    own_id = str(UserStore(fresh_user_db).own_series(local_principal())["series_id"].iloc[0])
    at = app(series=own_id).run()
    at.switch_page("pages/literature.py").run()
    assert not at.exception, [e.value for e in at.exception]
    km = next(f for f in _figures(at) if "published curves beside this cohort" in str(f["layout"]))
    curves = [n for n in _names(km) if "median" in n]
    assert any(n.startswith("Example clinic (this cohort)") for n in curves), curves
    assert not any("Sanuki" in n for n in _names(km))
    # an own series' times are real: the warning about reconstructed bundled times is not shown
    assert not any(BUNDLED_WARNING[:60] in w.value for w in at.warning)
    footnotes = " ".join(a.get("text", "") for a in km["layout"].get("annotations", []))
    footnotes = footnotes.replace("<br>", " ")  # wrapped beside the long risk-table labels
    assert "Example clinic from RT completion (first course)" in footnotes
