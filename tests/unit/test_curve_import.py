"""A published curve from its files to the user store (plexrt.clinical.curve_series,
plexrt.data.userstore.curves), on DuckDB and PostgreSQL: what is stored, validated whole, one
transaction, audited, deleted together, readable by every role and written by editors only."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from plexrt.clinical.curve_series import details_from_text, reconstruct_curve, to_store
from plexrt.clinical.literature_comparison import side_by_side
from plexrt.data.access import PermissionDenied, Principal
from plexrt.data.curve_files import load_points, load_risk_table
from plexrt.data.curve_schema import CURVE_FLAG, is_curve_source
from plexrt.data.userstore import SeriesInvalid, UserStore
from plexrt.data.userstore import curves as curve_rows
from plexrt.data.userstore import engine as eng
from tests.fixtures import FIXTURES

EXAMPLE = FIXTURES / "curve_example"
MONTH_DAYS = 365.25 / 12
ED = Principal("ed", "editor")
ADMIN = Principal("boss", "admin")
VIEWER = Principal("vic", "viewer")
TABLES = ("user_series", "curve_series", "curve_points", "curve_risk", "curve_ipd")
FORM = {
    "citation": "Synthetic A, et al. Example curve. J Synth 2024;1:1",
    "year": "2024",
    "population": "lumbosacral_plexopathy",
    "outcome": "overall_survival",
    "time_unit": "months",
    "figure": "Figure 2",
    "arm": "RT",
    "total_events": "41",
}


def prepared(**changes):
    details, problems = details_from_text({**FORM, **changes})
    assert details is not None, problems
    points = load_points(EXAMPLE / "points.csv")
    risk = load_risk_table(EXAMPLE / "risk.csv")
    rec = reconstruct_curve(points, risk, details)
    return to_store(details, points, risk, rec), rec


def counts(store: UserStore) -> dict[str, int]:
    with eng.reading(store.location) as conn:
        return {
            t: int(conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar())  # noqa: S608
            for t in TABLES
        }


def test_save_and_read_back(user_db):
    store = UserStore(user_db)
    curve, rec = prepared()
    key = store.add_curve_series(ED, curve)
    # The example: 250 digitised points, a 7-row risk table, 60 patients (tests/fixtures README).
    assert counts(store) == {
        "user_series": 1,
        "curve_series": 1,
        "curve_points": 250,
        "curve_risk": 7,
        "curve_ipd": 60,
    }
    meta = store.curve_series(VIEWER).iloc[0]  # published figures: every role reads them
    assert meta.series_key == key and meta.flag == CURVE_FLAG and meta.created_by == "ed"
    assert (meta.outcome, meta.time_unit, meta.figure, meta.arm) == (
        "overall_survival",
        "months",
        "Figure 2",
        "RT",
    )
    assert meta.n_patients == 60 == meta.series_n and meta.total_events == 41
    assert meta.citation == FORM["citation"] and meta.year == 2024
    assert "Guyot et al., BMC Med Res Methodol 2012;12:9" in meta.method
    ipd = store.curve_ipd(VIEWER, [key])
    np.testing.assert_allclose(ipd["time_days"], rec.ipd["time"] * MONTH_DAYS)
    assert list(ipd["event"]) == list(rec.ipd["event"])
    points, risk = store.curve_inputs(VIEWER, key)
    raw = load_points(EXAMPLE / "points.csv")
    np.testing.assert_allclose(points["time"], raw.time)  # as given, before cleaning
    np.testing.assert_allclose(points["survival"], raw.survival)
    assert list(risk["at_risk"]) == [60, 39, 30, 16, 12, 3, 2]
    assert store.curve_ipd(VIEWER, []).empty


def test_import_and_delete_are_audited(user_db):
    store = UserStore(user_db)
    key = store.add_curve_series(ED, prepared()[0])
    store.delete_series(ED, key)
    log = store.audit_log(ADMIN)
    assert list(log["action"]) == ["delete", "import"]
    assert set(log["actor"]) == {"ed"}
    imported = json.loads(log.iloc[1].detail)
    assert imported["literature_series"] == key
    assert imported["published_curve"] == {
        "outcome": "overall_survival",
        "patients": 60,
        "events": int(prepared()[1].ipd["event"].sum()),
        "points": 250,
        "risk_rows": 7,
    }
    assert json.loads(log.iloc[0].detail)["published_curve_patients"] == 60
    assert store.verify_audit().ok


def test_only_editors_import_and_only_the_author_or_an_admin_deletes(user_db):
    store = UserStore(user_db)
    with pytest.raises(PermissionDenied):
        store.add_curve_series(VIEWER, prepared()[0])
    assert set(counts(store).values()) == {0}
    key = store.add_curve_series(ED, prepared()[0])
    with pytest.raises(PermissionDenied):
        store.delete_series(Principal("other", "editor"), key)
    assert counts(store)["curve_ipd"] == 60
    store.delete_series(ADMIN, key)
    assert set(counts(store).values()) == {0}


def test_literature_record_median_reconstructed_or_published(user_db):
    store = UserStore(user_db)
    curve, rec = prepared()
    store.add_curve_series(ED, curve)
    row = store.series(ED).iloc[0]
    assert row.n_patients == 60 and row.n_patients_source == "number at risk at time 0, Figure 2"
    # No published median given: the reconstructed one, in months, flagged in its source.
    assert row.median_survival_months == pytest.approx(rec.fit.median_reconstructed)
    assert is_curve_source(row.median_survival_months_source)
    assert pd.isna(row.median_relief_months)  # another outcome: unknown, never 0
    assert row.notes.startswith(f"{CURVE_FLAG} (Figure 2, RT; overall survival): 60 patients")
    curve, _ = prepared(published_median="6.7", published_median_source="Results, para 2")
    store.add_curve_series(ED, curve)
    row = store.series(ED).iloc[1]
    assert row.median_survival_months == 6.7
    assert row.median_survival_months_source == (
        "published median entered with the curve: Results, para 2"
    )
    assert not is_curve_source(row.median_survival_months_source)


def test_years_and_relief():
    curve, rec = prepared(time_unit="years", outcome="duration_of_relief")
    np.testing.assert_allclose(curve.ipd["time_days"], rec.ipd["time"] * 365.25)
    assert curve.record["median_relief_months"] == pytest.approx(rec.fit.median_reconstructed * 12)
    assert "median_survival_months" not in curve.record
    curve, _ = prepared(outcome="local_control")
    assert not any(k.startswith("median_") for k in curve.record)


def test_invalid_is_refused_whole_and_nothing_stored(user_db):
    store = UserStore(user_db)
    curve, _ = prepared(citation="")
    bad = curve.__class__(
        **{
            **curve.__dict__,
            "outcome": "quality_of_life",
            "ipd": curve.ipd.assign(event=2),
            "arm": "arm\x00B",
        }
    )
    with pytest.raises(SeriesInvalid) as info:
        store.add_curve_series(ED, bad)
    fields = [m.split(":")[0] for m in info.value.messages]
    assert fields == ["citation", "outcome", "ipd", "arm"]
    assert set(counts(store).values()) == {0}
    assert store.audit_log(ADMIN).empty


def test_a_lone_surrogate_in_a_curve_text_is_a_named_problem(tmp_path):
    store = UserStore(str(tmp_path / "u.duckdb"))
    curve, _ = prepared()
    bad = curve.__class__(**{**curve.__dict__, "figure": "Figure \ud8002"})
    with pytest.raises(SeriesInvalid) as info:
        store.add_curve_series(ED, bad)
    assert info.value.messages == [
        "figure: is not valid Unicode text (a lone surrogate, as a wrongly decoded file leaves)"
    ]
    assert set(counts(store).values()) == {0}


def test_failed_write_stores_nothing(user_db, monkeypatch):
    store = UserStore(user_db)
    curve, _ = prepared()
    original = curve_rows.insert_frame

    def broken(conn, table, frame, kinds):  # the last table fails after the others were written
        if table == "curve_ipd":
            raise RuntimeError("disk full")
        return original(conn, table, frame, kinds)

    monkeypatch.setattr(curve_rows, "insert_frame", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        store.add_curve_series(ED, curve)
    assert set(counts(store).values()) == {0}
    assert store.audit_log(ADMIN).empty


def test_deleting_one_curve_keeps_the_others(user_db):
    store = UserStore(user_db)
    first = store.add_curve_series(ED, prepared()[0])
    second = store.add_curve_series(ED, prepared(arm="Control")[0])
    plain = store.add_series(
        ED, {"citation": "Plain P. 2020", "n_patients": "4", "n_patients_source": "T1"}
    )
    store.delete_series(ED, first)
    assert list(store.curve_series(ED)["series_key"]) == [second]
    assert set(store.curve_ipd(ED, [first, second])["series_key"]) == {second}
    assert counts(store) == {
        "user_series": 2,
        "curve_series": 1,
        "curve_points": 250,
        "curve_risk": 7,
        "curve_ipd": 60,
    }
    store.delete_series(ED, plain)  # a series without a curve: its audit entry says nothing more
    detail = json.loads(store.audit_log(ADMIN).iloc[0].detail)
    assert detail == {"literature_series": plain}


def test_a_store_of_revision_0001_gains_the_curve_tables_and_keeps_its_rows(user_db, tmp_path):
    import shutil

    from plexrt.data.userstore import migrate

    scripts = tmp_path / "migrations"
    shutil.copytree(migrate.SCRIPT_LOCATION, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    for path in (scripts / "versions").glob("*.py"):
        if path.name not in ("0001_user_store_v2.py", "__init__.py"):
            path.unlink()
    loc = eng.locate(user_db)
    assert migrate.ensure_current(loc, script_location=scripts) == "0001"
    with eng.writing(loc) as conn:
        conn.execute(
            sa.text("INSERT INTO user_series (series_key, citation) VALUES ('user-old1', 'Old')")
        )
    eng.release(loc)
    store = UserStore(user_db)
    assert store.revision == migrate.head_revision()  # 0002 added the curve tables
    assert list(store.series(ED)["citation"]) == ["Old"]
    store.add_curve_series(ED, prepared()[0])
    assert counts(store)["user_series"] == 2 and counts(store)["curve_ipd"] == 60


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"outcome": "qol"}, "outcome: unknown 'qol'"),
        ({"time_unit": "hours"}, "time_unit: unknown 'hours'"),
        ({"total_events": "forty"}, "total_events: must be a whole number"),
        ({"total_events": "-2"}, "total_events: must be 0 or more"),
        ({"n_patients": "0"}, "n_patients: must be 1 or more"),
        ({"published_median": "x"}, "published_median: must be a number"),
        ({"population": "martians"}, "population: unknown 'martians'"),
        # a median beyond a century was stored (outcome 'other' keeps it with the curve only) and
        # shown with its 309 digits, or refused as 'median_survival_months ... got inf'
        (
            {"published_median": "1e308"},
            "published_median: 1e+308 months is beyond 100 years after time zero",
        ),
        ({"published_median": "10", "time_unit": "years"}, None),
        ({"published_median": "101", "time_unit": "years"}, "published_median: 101 years is"),
        # text kept with the curve: a bidirectional override in the arm was said to be in the
        # notes (where the arm is kept too); in the time zero it was stored
        ({"arm": "Arm \u202eB"}, "arm: holds a control character or a bidirectional override"),
        ({"figure": "Fig \u202e2"}, "figure: holds a control character or a bidirectional"),
        ({"time_zero": "start\x01"}, "time_zero: holds a control character or a bidirectional"),
        ({"time_zero": "start\x00"}, "time_zero: contains a NUL character"),
    ],
)
def test_details_problems_name_the_field(change, message):
    if message is None:  # within the bounds
        assert details_from_text({**FORM, **change})[1] == []
        return
    details, problems = details_from_text({**FORM, **change})
    assert details is None
    assert any(p.startswith(message) for p in problems), problems


def test_board_benchmark_lists_the_curve_series_flagged(tmp_path):
    from plexrt.board.benchmarks import literature_benchmark
    from plexrt.charts.tables import benchmark_table, user_series_table
    from plexrt.data.literature import COLUMN_LABELS
    from tests.unit.board_cases import LIKE_10_1

    store = UserStore(tmp_path / "u.duckdb")
    curve, rec = prepared()
    store.add_curve_series(ED, curve)
    bench = benchmark_table(literature_benchmark(LIKE_10_1, store.series(VIEWER)))
    row = bench.set_index("Series").loc[FORM["citation"]]
    # read off the reconstructed curve: to the tenth (halves up), as PlexRT's own medians, flagged
    tenth = Decimal(repr(rec.fit.median_reconstructed)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    assert row["Median survival"] == f"{tenth} months ({CURVE_FLAG})"
    assert len(str(rec.fit.median_reconstructed)) > len(str(tenth))  # it had more decimals
    lit = side_by_side([store.series(VIEWER).iloc[0].to_dict()], ["added"]).set_index("")
    assert lit.loc["Median survival", "added"] == f"{tenth} months ({CURVE_FLAG})"
    # and in the list of series added by users (its header gives the unit)
    listed = user_series_table(store.series(VIEWER), COLUMN_LABELS).iloc[0]
    assert listed[COLUMN_LABELS["median_survival_months"]] == f"{tenth} ({CURVE_FLAG})"
    assert row["Responders (exact 95% CI)"] == "not reported"
