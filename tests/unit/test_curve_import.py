"""A published curve from its files to the user store (plexrt.clinical.curve_series,
plexrt.data.curve_store): what is stored, validated whole, one transaction, deleted together."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from plexrt.clinical.curve_series import details_from_text, reconstruct_curve, to_store
from plexrt.data.curve_files import load_points, load_risk_table
from plexrt.data.curve_store import (
    CURVE_FLAG,
    curve_inputs,
    curve_ipd,
    curve_series,
    is_curve_source,
    save_curve_series,
)
from plexrt.data.userstore import SeriesInvalid, UserStore
from tests.fixtures import FIXTURES

EXAMPLE = FIXTURES / "curve_example"
MONTH_DAYS = 365.25 / 12
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


def counts(path) -> dict[str, int]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {
            t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: S608
            for t in ("user_series", "curve_series", "curve_points", "curve_risk", "curve_ipd")
        }


def test_save_and_read_back(tmp_path):
    store = UserStore(tmp_path / "u.duckdb")
    curve, rec = prepared()
    key = save_curve_series(store, curve)
    assert counts(store.path) == {
        "user_series": 1,
        "curve_series": 1,
        "curve_points": 250,
        "curve_risk": 7,
        "curve_ipd": 60,
    }
    meta = curve_series(store).iloc[0]
    assert meta.series_key == key and meta.flag == CURVE_FLAG
    assert (meta.outcome, meta.time_unit, meta.figure, meta.arm) == (
        "overall_survival",
        "months",
        "Figure 2",
        "RT",
    )
    assert meta.n_patients == 60 == meta.series_n and meta.total_events == 41
    assert "Guyot et al., BMC Med Res Methodol 2012;12:9" in meta.method
    ipd = curve_ipd(store, [key])
    np.testing.assert_allclose(ipd["time_days"], rec.ipd["time"] * MONTH_DAYS)
    assert list(ipd["event"]) == list(rec.ipd["event"])
    points, risk = curve_inputs(store, key)
    raw = load_points(EXAMPLE / "points.csv")
    np.testing.assert_allclose(points["time"], raw.time)  # as given, before cleaning
    assert list(risk["at_risk"]) == [60, 39, 30, 16, 12, 3, 2]


def test_literature_record_median_reconstructed_or_published(tmp_path):
    store = UserStore(tmp_path / "u.duckdb")
    curve, rec = prepared()
    save_curve_series(store, curve)
    row = store.series().iloc[0]
    assert row.n_patients == 60 and row.n_patients_source == "number at risk at time 0, Figure 2"
    # No published median given: the reconstructed one, in months, flagged in its source.
    assert row.median_survival_months == pytest.approx(rec.fit.median_reconstructed)
    assert is_curve_source(row.median_survival_months_source)
    assert pd.isna(row.median_relief_months)  # another outcome: unknown, never 0
    assert row.notes.startswith(f"{CURVE_FLAG} (Figure 2, RT; overall survival): 60 patients")
    curve, _ = prepared(published_median="6.7", published_median_source="Results, para 2")
    save_curve_series(store, curve)
    row = store.series().iloc[1]
    assert row.median_survival_months == 6.7
    assert row.median_survival_months_source == (
        "published median entered with the curve: Results, para 2"
    )
    assert not is_curve_source(row.median_survival_months_source)


def test_years_and_relief(tmp_path):
    curve, rec = prepared(time_unit="years", outcome="duration_of_relief")
    np.testing.assert_allclose(curve.ipd["time_days"], rec.ipd["time"] * 365.25)
    assert curve.record["median_relief_months"] == pytest.approx(rec.fit.median_reconstructed * 12)
    assert "median_survival_months" not in curve.record
    curve, _ = prepared(outcome="local_control")
    assert not any(k.startswith("median_") for k in curve.record)


def test_invalid_is_refused_whole_and_nothing_stored(tmp_path):
    store = UserStore(tmp_path / "u.duckdb")
    curve, _ = prepared(citation="")
    bad = curve.__class__(
        **{
            **curve.__dict__,
            "outcome": "quality_of_life",
            "ipd": curve.ipd.assign(event=2),
        }
    )
    with pytest.raises(SeriesInvalid) as info:
        save_curve_series(store, bad)
    fields = [m.split(":")[0] for m in info.value.messages]
    assert fields == ["citation", "outcome", "ipd"]
    assert set(counts(store.path).values()) == {0}


def test_failed_write_stores_nothing(tmp_path, monkeypatch):
    store = UserStore(tmp_path / "u.duckdb")
    curve, _ = prepared()
    import plexrt.data.curve_store as cs

    original = cs._insert_frame

    def broken(con, table, frame):  # the last table fails after the others were written
        if table == "curve_ipd":
            raise duckdb.IOException("disk full")
        original(con, table, frame)

    monkeypatch.setattr(cs, "_insert_frame", broken)
    with pytest.raises(duckdb.IOException):
        save_curve_series(store, curve)
    assert set(counts(store.path).values()) == {0}


def test_delete_series_deletes_the_curve(tmp_path):
    store = UserStore(tmp_path / "u.duckdb")
    key = save_curve_series(store, prepared()[0])
    store.delete_series(key)
    assert set(counts(store.path).values()) == {0}


def test_older_user_file_gains_the_curve_tables_and_keeps_its_rows(tmp_path):
    path = tmp_path / "old.duckdb"
    with duckdb.connect(str(path)) as con:  # a file written before curves existed
        con.execute(
            "CREATE TABLE user_series (series_key VARCHAR PRIMARY KEY, citation VARCHAR, "
            "created_at TIMESTAMP DEFAULT current_timestamp, updated_at TIMESTAMP)"
        )
        con.execute("INSERT INTO user_series (series_key, citation) VALUES ('user-old1', 'Old')")
    store = UserStore(path)
    assert list(store.series()["citation"]) == ["Old"]
    save_curve_series(store, prepared()[0])
    assert counts(path)["user_series"] == 2 and counts(path)["curve_ipd"] == 60


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
    ],
)
def test_details_problems_name_the_field(change, message):
    details, problems = details_from_text({**FORM, **change})
    assert details is None
    assert any(p.startswith(message) for p in problems), problems


def test_board_benchmark_lists_the_curve_series_flagged(tmp_path):
    from plexrt.board.benchmarks import literature_benchmark
    from plexrt.charts.tables import benchmark_table
    from tests.unit.board_cases import LIKE_10_1

    store = UserStore(tmp_path / "u.duckdb")
    _, rec = prepared()
    save_curve_series(store, prepared()[0])
    bench = benchmark_table(literature_benchmark(LIKE_10_1, store.series()))
    row = bench.set_index("Series").loc[FORM["citation"]]
    assert row["Median survival"] == f"{rec.fit.median_reconstructed:g} months ({CURVE_FLAG})"
    assert row["Responders (exact 95% CI)"] == "not reported"
