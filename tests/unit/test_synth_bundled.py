"""The synthetic registry in the bundled data-folder format: reproducible, the asked number of
courses, valid under the bundled validation (the build accepts it), real times, missing values."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from plexrt.data.sources import read_data_folder, read_times
from plexrt.ingest.build import build_db
from plexrt.ingest.synth_bundled import synth_bundled, write_bundled


def _all(folders, filename):
    return pd.concat([files[filename] for files in folders.values()], ignore_index=True)


def test_same_seed_same_registry_other_seed_other():
    a, b = synth_bundled(400, 3), synth_bundled(400, 3)
    for name in ("courses.csv", "analgesics.csv", "events.csv", "course_times.csv"):
        pd.testing.assert_frame_equal(_all(a, name), _all(b, name))
    assert not _all(synth_bundled(400, 4), "courses.csv").equals(_all(a, "courses.csv"))


@pytest.mark.parametrize(("n", "series"), [(1, 1), (37, 2), (500, 4)])
def test_exactly_n_courses_in_the_series_asked(n, series):
    folders = synth_bundled(n, 11, series)
    courses = _all(folders, "courses.csv")
    assert len(courses) == n
    assert len(folders) <= series
    assert courses["course_id"].is_unique
    # Each course belongs to a patient of its own series folder.
    for files in folders.values():
        assert set(files["courses.csv"]["patient_id"]) <= set(files["patients.csv"]["patient_id"])
        assert set(files["course_times.csv"]["course_id"]) == set(files["courses.csv"]["course_id"])


def test_valid_under_the_bundled_validation_with_real_times(tmp_path):
    write_bundled(tmp_path, 600, 5, series=3)
    series, _ = read_data_folder(tmp_path)  # raises DataError listing every problem
    assert len(series) == 3
    assert sum(len(sd.tables["courses"]) for sd in series) == 600
    for sd in series:
        events, course_times = read_times(sd)  # the times' own checks
        assert len(events) == len(sd.tables["patients"])
        assert len(course_times) == len(sd.tables["courses"])
        assert not sd.has("published_times.csv")  # nothing to reconstruct


def test_share_of_values_left_unknown_and_opioid_doses_known():
    folders = synth_bundled(3000, 9)
    courses, analgesics = _all(folders, "courses.csv"), _all(folders, "analgesics.csv")
    for col, lo, hi in (("nrs_after", 0.08, 0.25), ("plexus_level", 0.05, 0.15)):
        share = (courses[col] == "").mean()
        assert lo < share < hi, (col, share)
    opioid = analgesics["is_opioid"] == "true"
    assert (analgesics.loc[opioid, "mg_per_day"] != "").all()  # OMED needs the dose
    assert (analgesics.loc[~opioid, "mg_per_day"] == "").any()
    assert set(analgesics["timepoint"]) == {"baseline", "after"}


def test_the_build_stores_every_course_with_its_times(tmp_path):
    write_bundled(tmp_path / "data", 300, 2, series=2)
    report = build_db(tmp_path / "data", tmp_path / "s.duckdb")
    assert report.counts["courses"] == 300
    con = duckdb.connect(str(tmp_path / "s.duckdb"), read_only=True)
    n_times = con.execute("SELECT count(*) FROM course_events").fetchone()[0]
    sql = "SELECT DISTINCT rt_start_day_source FROM course_events"
    sources = {r[0] for r in con.execute(sql).fetchall()}
    sql = "SELECT count(*) FROM course_derived WHERE baseline_omed_mg IS NULL"
    n_unknown_omed = con.execute(sql).fetchone()[0]
    con.close()
    assert n_times == 300
    assert sources == {"imported"}
    assert n_unknown_omed > 0  # a course without analgesic rows: OMED unknown, not 0
