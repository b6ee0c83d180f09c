"""The Data page's facts of an own series, counted in SQL (``UserStore.series_counts``), are the
facts the whole series read into pandas gave (the reference below, as the page worked them out
before), on DuckDB and PostgreSQL: counts, deaths, relapses and the codes written two ways --
another case only, full-width -- and an empty series."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa

from plexrt.clinical import own_overview
from plexrt.data.access import Principal
from plexrt.data.own_schema import OwnSeriesFrames, respelled
from plexrt.data.userstore import UserStore
from plexrt.data.userstore import engine as eng
from plexrt.data.values import key_shown
from tests.unit.own_frames import make_frames

ADMIN = Principal("boss", "admin")
OWN_TABLES = ("own_patients", "own_courses", "own_assessments")


def reference_counts(frames: OwnSeriesFrames) -> dict[str, int]:
    """The counts as the Data page took them from the whole series (before SQL)."""
    p, c = frames.patients, frames.courses
    return {
        "patients": len(p),
        "courses": len(c),
        "assessments": len(frames.assessments),
        "deaths": int(p["death_day"].notna().sum()),
        "relapses": int(c["relapse_day"].notna().sum()),
    }


def reference_respelled(frames: OwnSeriesFrames) -> list[str]:
    """The codes written two ways as the Data page found them in the whole series."""
    codes = frames.patients["patient_id"].dropna().astype(str)
    usual = respelled(codes)
    pairs = dict.fromkeys(zip(codes[usual.notna()], usual.dropna(), strict=True))
    return [f"'{key_shown(c)}' (also written '{key_shown(u)}')" for c, u in pairs]


def _recode(loc: eng.Location, sid: str, renames: dict[str, str]) -> None:
    """Rename patient codes in the stored rows, as a series stored before PlexRT refused codes
    written two ways may hold them (bound values)."""
    with eng.writing(loc) as conn:
        for old, new in renames.items():
            for table in OWN_TABLES:
                sql = f"UPDATE {table} SET patient_id = :n WHERE series_id = :s AND patient_id = :o"  # noqa: S608 -- fixed table names
                conn.execute(sa.text(sql), {"n": new, "s": sid, "o": old})


def _facts_match(us: UserStore, sid: str) -> tuple[list[str], dict[str, int]]:
    record = us.own_series(ADMIN).set_index("series_id").loc[sid].to_dict() | {"series_id": sid}
    frames = us.series_frames(ADMIN, sid)
    counted = us.series_counts(ADMIN, sid)
    got = own_overview.series_facts(record, counted)
    wanted = reference_counts(frames)
    shown = dict(zip(got["What"], got["Value"], strict=True))
    assert shown["Patients"] == str(wanted["patients"])
    assert shown["Irradiated sites (courses)"] == str(wanted["courses"])
    assert shown["Assessments"] == str(wanted["assessments"])
    assert shown["Deaths recorded"] == str(wanted["deaths"])
    assert shown["Relapses of pain recorded (sites)"] == str(wanted["relapses"])
    twice = own_overview.respelled_codes(counted.candidates)
    assert twice == reference_respelled(frames)
    return twice, wanted


def test_the_facts_counted_in_sql_are_those_of_the_whole_series(user_db):
    us = UserStore(user_db)
    frames = make_frames(40, seed=3)
    sid = us.apply_import(ADMIN, "Counted", frames, pseudonymised=False).series_id
    twice, wanted = _facts_match(us, sid)
    assert twice == [] and wanted["patients"] == 40 and wanted["courses"] == len(frames.courses)
    assert 0 < wanted["deaths"] < 40 and wanted["relapses"] > 0  # both kinds of value present
    assert us.series_counts(ADMIN, sid).candidates == ()  # a usual series: no code to look at


def test_codes_written_two_ways_are_found_in_sql_on_both_backends(user_db):
    us = UserStore(user_db)
    sid = us.apply_import(ADMIN, "Old", make_frames(12, seed=1), pseudonymised=False).series_id
    codes = sorted(us.patient_codes(ADMIN, sid))  # S000000 ... S000011
    wide0 = codes[0].translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})  # full-width
    renames = {
        codes[1]: wide0,  # 'Ｓ００００００' beside 'S000000'
        codes[2]: "ab-7",  # 'ab-7' and 'AB-7': another case only
        codes[3]: "AB-7",
        codes[4]: "Ab-7",  # a third spelling of it
        codes[5]: "ſ-1",  # the long s: casefold reads 's-1', as does 'S-1'
        codes[6]: "S-1",
        codes[7]: "é-2",  # beyond ASCII, written once: not a pair
    }
    _recode(us.location, sid, renames)
    twice, _ = _facts_match(us, sid)
    assert len(twice) == 4, twice  # 'Ｓ...', two of the three 'ab-7', and 'ſ-1' or 'S-1'
    assert f"'{wide0}' (also written '{codes[0]}')" in twice
    candidates = us.series_counts(ADMIN, sid).candidates
    assert set(candidates) == {codes[0], wide0, "ab-7", "AB-7", "Ab-7", "ſ-1", "S-1", "é-2"}


def test_an_empty_series_counts_zeros(user_db):
    us = UserStore(user_db)
    sid = us.apply_import(ADMIN, "Emptied", make_frames(3), pseudonymised=False).series_id
    with eng.writing(us.location) as conn:  # every row gone, as an old store may hold it
        for table in reversed(OWN_TABLES):
            conn.execute(sa.text(f"DELETE FROM {table} WHERE series_id = :s"), {"s": sid})  # noqa: S608 -- fixed table names
    twice, wanted = _facts_match(us, sid)
    assert twice == [] and set(wanted.values()) == {0}
    counted = us.series_counts(ADMIN, sid)
    assert (counted.patients, counted.deaths, counted.relapses, counted.candidates) == (0, 0, 0, ())


def test_respelled_codes_of_the_candidates_alone_are_those_of_every_code():
    """The page passes only the candidates: the pairs are those every code gives, in order."""
    every = ["A1", "B2", "b2", "C3", "Ｃ３", "D4"]
    candidates = ["B2", "b2", "C3", "Ｃ３"]
    frames = make_frames(0)
    whole = OwnSeriesFrames(
        frames.patients.reindex(range(len(every))).assign(patient_id=every),
        frames.courses,
        frames.assessments,
    )
    assert own_overview.respelled_codes(candidates) == reference_respelled(whole)
    assert own_overview.respelled_codes(candidates) == [
        "'b2' (also written 'B2')",
        "'Ｃ３' (also written 'C3')",
    ]


@pytest.mark.parametrize("stored", [[], ["X1"]])
def test_no_pair_without_two_spellings(stored):
    assert own_overview.respelled_codes(pd.Series(stored, dtype=object)) == []
