"""How an own series is loaded into its in-memory store (``plexrt.ingest.own_store``): the store
answers every query exactly as one whose ``course_summary`` is the bundled view; and the analytic
frames of a patient whose courses are numbered past 9, with drug names typed in capitals and
spaces, against values worked out by hand."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import duckdb
import pandas as pd
import pytest

from plexrt.clinical import own_series
from plexrt.clinical.own_series import LATER_TABLES, analytic_frames
from plexrt.data import bundled_write, deferred, store
from plexrt.data.filters import CohortFilter
from plexrt.data.own_schema import OwnSeriesFrames, typed
from plexrt.ingest import own_store
from tests.unit import own_reference
from tests.unit.own_hand import _course, _patient, hand_frames
from tests.unit.test_own_series_columns import _variants

RECORD = {"series_id": "own-0001", "name": "Hand series", "institution": "Clinic A"}


def _view_store(
    frames: OwnSeriesFrames, factors: pd.DataFrame, literature: pd.DataFrame, tables=None
):
    """The same series with ``course_summary`` left a view over the loaded tables (the reference;
    ``tables``: those to load, else ``analytic_frames``')."""
    if tables is None:
        tables = analytic_frames(frames, RECORD["series_id"], factors)
    con = duckdb.connect(":memory:")
    con.execute(own_store.own_schema_sql())
    con.execute("ALTER TABLE course_derived ADD COLUMN omed_after_mg DOUBLE")
    con.execute("ALTER TABLE patients ADD COLUMN age_90_plus BOOLEAN DEFAULT FALSE")
    con.execute(own_store._OMED_VIEW)
    bundled_write.insert(con, "opioid_factors", factors)
    bundled_write.insert(con, "literature", literature)
    bundled_write.insert(con, "series", own_store.series_row(RECORD, frames))
    for name in (*own_store._TABLES, *LATER_TABLES):
        bundled_write.insert(con, name, getattr(tables, name))
    return con


FILTERS = [
    CohortFilter(),
    CohortFilter(primary_groups=("gynecological",), nrs_min=6),
    CohortFilter(age_min=61),  # nobody
]


def test_the_store_answers_as_with_course_summary_a_view(con):
    factors, literature = store.opioid_factors(con), store.literature(con)
    own = own_store.own_connection(RECORD, hand_frames(), factors, literature)
    ref = _view_store(hand_frames(), factors, literature)
    try:
        kind = (
            "SELECT table_type FROM information_schema.tables WHERE table_name = 'course_summary'"
        )
        assert own.execute(kind).fetchall() == [("BASE TABLE",)]
        assert ref.execute(kind).fetchall() == [("VIEW",)]
        assert store.options(own) == store.options(ref)
        assert store.ranges(own) == store.ranges(ref)
        for flt in FILTERS:
            for query in (store.cohort, store.analgesics):
                got, want = query(own, flt), query(ref, flt)
                pd.testing.assert_frame_equal(got, want, check_exact=True)
        assert len(store.cohort(own)) == 7 and store.cohort(own, FILTERS[2]).empty
        for query in (store.events, store.course_events, store.series):
            pd.testing.assert_frame_equal(query(own), query(ref), check_exact=True)
        assert store.source_counts(own) == store.source_counts(ref)
        # loaded on one thread, queried on the default number
        default = duckdb.connect(":memory:").execute("SELECT current_setting('threads')")
        assert own.execute("SELECT current_setting('threads')").fetchone() == default.fetchone()
    finally:
        own.close()
        ref.close()


def _tenth_course_frames() -> OwnSeriesFrames:
    # P1's courses 2 (days 0-10) and 10 (days 50-60): ids 'P1.2' and 'P1.10', which sort as text
    # 'P1.10' < 'P1.2' (the order of the analgesics rows, baseline ones first). Baseline = latest assessment on/before the start, after = first on/after
    # the end; drug names as typed.
    cols = ["patient_id", "course_no", "assessment_no", "day", "nrs"]
    cols += ["opioid_drug", "opioid_mg_per_day", "opioid_route"]
    assessments = [
        ("P1", 2, 1, 0, 8, " MorPhine ", 30.0, "oral"),  # course 2 baseline: 30 x 1 = 30
        ("P1", 2, 2, 10, 4, "Oxycodone", 10.0, "oral"),  # course 2 after: 10 x 1.5 = 15
        ("P1", 10, 1, 40, 7, "codeine", 60.0, "oral"),  # not the latest before day 50
        ("P1", 10, 2, 45, 7, "morphine ", 20.0, "oral"),  # course 10 baseline: 20
        ("P1", 10, 3, 61, 3, "HYDROMORPHONE", 4.0, "oral"),  # course 10 after: 4 x 5 = 20
    ]
    return OwnSeriesFrames(
        typed(pd.DataFrame([_patient("P1", 300, None)]), "patients"),
        typed(
            pd.DataFrame(
                [_course("P1", 2, 0, 10, None, None), _course("P1", 10, 50, 60, None, None)]
            ),
            "courses",
        ),
        typed(pd.DataFrame(assessments, columns=cols), "assessments"),
    )


def test_courses_numbered_past_nine_and_drug_names_as_typed(con):
    tables = analytic_frames(_tenth_course_frames(), "own-0001", store.opioid_factors(con))
    assert list(tables.courses["course_id"]) == ["P1.2", "P1.10"]  # by course number
    got = tables.analgesics[["course_id", "timepoint", "drug", "mg_per_day"]]
    assert [tuple(r) for r in got.itertuples(index=False)] == [
        ("P1.10", "baseline", "morphine", 20.0),
        ("P1.2", "baseline", "morphine", 30.0),
        ("P1.10", "after", "hydromorphone", 4.0),
        ("P1.2", "after", "oxycodone", 10.0),
    ]
    derived = tables.course_derived.set_index("course_id")
    assert derived.loc["P1.2", "baseline_omed_mg"] == pytest.approx(30.0)
    assert derived.loc["P1.10", "baseline_omed_mg"] == pytest.approx(20.0)
    assert derived.loc["P1.2", "omed_after_mg"] == pytest.approx(15.0)
    assert derived.loc["P1.10", "omed_after_mg"] == pytest.approx(20.0)
    assert list(tables.course_events["course_id"]) == ["P1.2", "P1.10"]


def _keys(con) -> list:
    return con.execute(
        "SELECT table_name, constraint_column_names FROM duckdb_constraints() "
        "WHERE constraint_type = 'PRIMARY KEY' AND table_name IN "
        "('course_derived', 'analgesics', 'events', 'course_events') ORDER BY table_name"
    ).fetchall()


def test_computed_tables_keep_their_primary_keys_added_after_the_load(con):
    factors = store.opioid_factors(con)
    own = own_store.own_connection(RECORD, hand_frames(), factors)
    assert _keys(own) == [("course_derived", ["series_id", "course_id"])]  # the others: not read
    store.events(own), store.course_events(own), store.analgesics(own)
    keyed = _keys(own)
    own.close()
    assert keyed == [
        ("analgesics", ["series_id", "course_id", "timepoint", "drug"]),
        ("course_derived", ["series_id", "course_id"]),
        ("course_events", ["series_id", "course_id"]),
        ("events", ["series_id", "patient_id"]),
    ]
    # a duplicate row is refused when the key is added, as an insert into the keyed table is
    schema, keys = own_store.keys_after_load(own_store.own_schema_sql())
    tables = analytic_frames(hand_frames(), RECORD["series_id"], factors)
    dup = duckdb.connect(":memory:")
    dup.execute(schema)
    events = pd.concat([tables.events, tables.events.iloc[:1]], ignore_index=True)
    bundled_write.insert(dup, "events", events)
    with pytest.raises(duckdb.ConstraintException):
        dup.execute(own_store.add_key("events", keys["events"]))
    dup.close()


def _columns(con, table: str) -> list[tuple]:
    return con.execute(
        "SELECT column_name, data_type, is_nullable FROM information_schema.columns "
        "WHERE table_name = ? ORDER BY ordinal_position",
        [table],
    ).fetchall()


def test_per_patient_tables_are_built_when_first_read(con, monkeypatch):
    # events, course_events and analgesics are worked out and loaded only when a query reads
    # them (the cohort page never does); then with the rows, columns and types of a store that
    # loaded them at once
    factors, literature = store.opioid_factors(con), store.literature(con)
    built: list[str] = []
    real = own_series.own_tables

    def counted(*args):
        t = real(*args)

        def later(name):
            return lambda: built.append(name) or t.later[name]()

        return replace(t, later={name: later(name) for name in t.later})

    monkeypatch.setattr(own_store, "own_tables", counted)
    own = own_store.own_connection(RECORD, hand_frames(), factors, literature)
    ref = _view_store(hand_frames(), factors, literature)
    try:
        for query in (store.cohort, store.options, store.ranges, store.source_counts):
            query(own)
        assert built == []
        for table in LATER_TABLES:  # not there under its name: never an empty table
            with pytest.raises(duckdb.CatalogException):
                own.cursor().execute(f"SELECT count(*) FROM {table}")  # noqa: S608
        pd.testing.assert_frame_equal(store.events(own), store.events(ref), check_exact=True)
        assert built == ["events"]
        store.events(own)
        for flt in FILTERS:
            got, want = store.analgesics(own, flt), store.analgesics(ref, flt)
            pd.testing.assert_frame_equal(got, want, check_exact=True)
        got, want = store.course_events(own), store.course_events(ref)
        pd.testing.assert_frame_equal(got, want, check_exact=True)
        assert built == ["events", "analgesics", "course_events"]  # each once
        for table in LATER_TABLES:
            assert _columns(own, table) == _columns(ref, table)
            assert not deferred.is_pending(own, table)
    finally:
        own.close()
        ref.close()


def test_a_table_whose_rows_break_its_key_stays_unloaded():
    con = duckdb.connect(":memory:")
    con.execute("CREATE TABLE events (series_id VARCHAR, patient_id VARCHAR, n INTEGER)")
    rows = pd.DataFrame({"series_id": ["s", "s"], "patient_id": ["P1", "P1"], "n": [1, 2]})
    deferred.defer(con, "events", lambda: rows, "series_id, patient_id")
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    # refused by the ALTER, or when its transaction commits
    with pytest.raises((duckdb.ConstraintException, duckdb.TransactionException), match="key"):
        deferred.fill(con, "events")
    assert deferred.is_pending(con, "events")
    with pytest.raises(duckdb.CatalogException):
        con.execute("SELECT * FROM events")
    assert con.execute("SELECT count(*) FROM pending_events").fetchone() == (0,)  # rolled back
    assert con.execute("SELECT current_setting('threads')").fetchone() == (threads,)
    con.close()


def test_two_sessions_reading_a_pending_table_at_once_build_it_once(con):
    factors = store.opioid_factors(con)
    calls: list[int] = []
    own = own_store.own_connection(RECORD, hand_frames(), factors)
    rows, key = deferred._STORES[own].tables["events"]
    deferred._STORES[own].tables["events"] = (lambda: calls.append(1) or rows(), key)
    with ThreadPoolExecutor(4) as pool:
        frames = list(pool.map(lambda _: store.events(own), range(4)))
    own.close()
    assert calls == [1]
    for frame in frames[1:]:
        pd.testing.assert_frame_equal(frame, frames[0], check_exact=True)


def test_pending_tables_load_on_one_thread_and_give_the_setting_back(con):
    """The rows go in and the key is built on one thread (less CPU, as the store was loaded);
    the queries afterwards run on the threads set before."""
    own = own_store.own_connection(RECORD, hand_frames(), store.opioid_factors(con))
    own.execute("SET threads = 3")
    seen: list[tuple] = []
    for table in LATER_TABLES:
        rows, key = deferred._STORES[own].tables[table]

        def spied(rows=rows):
            seen.append(own.execute("SELECT current_setting('threads')").fetchone())
            return rows()

        deferred._STORES[own].tables[table] = (spied, key)
    deferred.fill(own, *LATER_TABLES)
    try:
        assert seen == [(1,)] * len(LATER_TABLES)
        assert own.execute("SELECT current_setting('threads')").fetchone() == (3,)
    finally:
        own.close()


_KEYS = {
    "patients": "patient_id",
    "courses": "course_id",
    "course_derived": "course_id",
    "course_summary": "course_id",
    "events": "patient_id",
    "course_events": "course_id",
    "analgesics": "course_id, timepoint, drug",
}


@pytest.mark.parametrize("seed", range(0, 60, 4))
def test_a_random_series_loads_as_the_text_keyed_tables_did(con, seed):
    """Every table of the store (the per-patient ones read first) holds the rows, values and
    column types of one loaded from the tables the text-keyed code built (own_reference)."""
    factors, literature = store.opioid_factors(con), store.literature(con)
    for frames in _variants(seed):
        # doses the import refuses (negative, infinite) left unknown: the store's checks hold
        a = frames.assessments
        dose = a["opioid_mg_per_day"]
        frames = frames.replace(
            assessments=a.assign(opioid_mg_per_day=dose.where(dose.between(0, 1000)))
        )
        own = own_store.own_connection(RECORD, frames, factors, literature)
        old = own_reference.analytic_frames(frames, RECORD["series_id"], factors)
        ref = _view_store(frames, factors, literature, old)
        try:
            deferred.fill(own, *LATER_TABLES)
            for table, key in _KEYS.items():
                sql = f"SELECT * FROM {table} ORDER BY {key}"  # noqa: S608 -- fixed names
                got, want = own.execute(sql).df(), ref.execute(sql).df()
                pd.testing.assert_frame_equal(got, want, check_exact=True)
                assert _columns(own, table) == _columns(ref, table)
        finally:
            own.close()
            ref.close()
