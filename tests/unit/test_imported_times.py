"""A series with real per-patient times (events.csv + course_times.csv) skips reconstruction: the
times are stored as given, flagged 'imported', and nothing is labelled reconstructed."""

from __future__ import annotations

import pytest

from plexrt.clinical import endpoints as tte
from plexrt.data import store
from plexrt.data.csvfile import DataError
from plexrt.data.manifest import write_manifest
from plexrt.ingest.build import build_db

# Made-up times for a test copy of the data folder (not patient data): days from first RT start.
EVENTS = """patient_id,death,last_contact_day,assessable_for_relief,relapse,relapse_day
1,true,120,true,false,
2,false,400,true,true,90
3,true,60,false,false,
4,false,300,true,false,
5,false,500,true,false,
6,true,200,true,true,150
7,true,100,true,false,
8,false,250,true,true,70
9,true,45,false,false,
10,true,80,true,false,
11,true,130,true,false,
"""


def _course_times(sites) -> str:
    lines = ["course_id,rt_start_day,rt_end_day,max_response_day"]
    for r in sites.itertuples():
        start = 0 if r.course_no == 1 else 24
        lines.append(f"{r.course_id},{start},{start + 10},{start + 7 * r.weeks_to_max_response}")
    return "\n".join(lines) + "\n"


@pytest.fixture
def imported(data_copy, tmp_path, con):
    folder = data_copy / "sanuki2022"
    (folder / "events.csv").write_text(EVENTS)
    (folder / "course_times.csv").write_text(_course_times(store.cohort(con)))
    write_manifest(data_copy)
    return data_copy


def test_real_times_are_used_as_given(imported, tmp_path):
    db = tmp_path / "imp.duckdb"
    build_db(imported, db)
    c = store.connect(db)
    ev = store.events(c).set_index("patient_id")
    assert ev.loc["2", "last_contact_day"] == 400 and bool(ev.loc["2", "relapse"])
    # patient 2: course 2.1 max response week 1 -> day 7; relief 90 - 7 = 83 days
    assert ev.loc["2", "relief_days"] == 83
    assert (ev.filter(like="_source") == "imported").all().all()
    assert not tte.is_reconstructed(store.events(c))
    assert store.reconstruction_checks(c).empty
    prov = store.provenance(c)
    assert "reconstructed" not in set(prov["source"])
    assert "imported" in set(prov["source"])
    imported = prov[prov["source"] == "imported"]
    # each real time names the file it was read from
    assert set(imported["location"]) == {"events.csv", "course_times.csv"}
    # survival from completion for patient 1: course 1.2 ends on day 34 -> 120 - 34 = 86 days
    surv = tte.survival_data(store.events(c), ["1"], "completion")
    assert surv.iloc[0]["duration_days"] == 86
    c.close()


def test_bad_real_times_stop_the_build(imported, tmp_path):
    path = imported / "sanuki2022" / "events.csv"
    path.write_text(EVENTS.replace("2,false,400,true,true,90", "2,false,400,true,true,"))
    write_manifest(imported)
    with pytest.raises(DataError) as info:
        build_db(imported, tmp_path / "x.duckdb")
    assert "events.csv, line 3, column 'relapse_day': a relapse needs its day" in str(info.value)
    assert not (tmp_path / "x.duckdb").exists()
