"""prepare_import on small hand-written files: days, course numbers, derived doses, linking,
primary groups, 90+, idempotent re-import and the diff of an update."""

from __future__ import annotations

import pandas as pd
import pytest

from plexrt.data.own_template import COURSE_TEMPLATE
from plexrt.ingest.own_import import Upload, prepare_import
from tests.unit.own_files import GOOD_ASSESSMENTS, GOOD_COURSES, course_row, write


@pytest.fixture
def good(tmp_path):
    c, a = write(tmp_path, GOOD_COURSES, GOOD_ASSESSMENTS)
    result = prepare_import(c, a)
    assert result.ok, result.report.problems
    return result


def test_courses_are_numbered_by_rt_start_and_dates_become_days(good):
    c = good.frames.courses.set_index(["patient_id", "course_no"])
    # S01: day 0 = 2023-03-01; course 1 is the second file row (30 Gy/10, left).
    s1 = c.loc[("S01", 1)]
    assert (s1["laterality"], s1["dose_gy"], s1["fractions"]) == ("left", 30.0, 10)
    assert (s1["rt_start_day"], s1["rt_end_day"]) == (0, 13)  # 1 -> 14 March
    assert (s1["max_response_day"], s1["relapse_day"]) == (28, 98)  # 29 March, 7 June
    s2 = c.loc[("S01", 2)]
    assert (s2["rt_start_day"], s2["rt_end_day"]) == (33, 37)  # 3 -> 7 April
    assert pd.isna(s2["max_response_day"])
    p = good.frames.patients.set_index("patient_id")
    assert p.loc["S01", "last_contact_day"] == 184  # 1 September 2023 - 1 March 2023
    assert pd.isna(p.loc["S01", "death_day"])
    assert (p.loc["S02", "death_day"], p.loc["S02", "last_contact_day"]) == (59, 59)


def test_derived_doses_by_the_linear_quadratic_formula(good):
    c = good.frames.courses.set_index(["patient_id", "course_no"])
    # 30 Gy/10: d = 3; BED10 = 30 (1 + 3/10) = 39; EQD2 = 30 (3 + 10)/12 = 32.5; BED3 = 60; EQD2(3) = 36
    row = c.loc[("S01", 1)]
    assert row[
        ["dose_per_fraction_gy", "bed10_gy", "eqd2_10_gy", "bed3_gy", "eqd2_3_gy"]
    ].tolist() == (pytest.approx([3.0, 39.0, 32.5, 60.0, 36.0]))
    # 50 Gy/25: d = 2; BED10 = 60; EQD2(10) = 50; BED3 = 83.33; EQD2(3) = 50
    row = c.loc[("S02", 1)]
    assert row[["bed10_gy", "eqd2_10_gy", "bed3_gy", "eqd2_3_gy"]].tolist() == pytest.approx(
        [60.0, 50.0, 50 * (1 + 2 / 3), 50.0]
    )


def test_words_become_codes_and_groups_are_derived(good):
    p = good.frames.patients.set_index("patient_id")
    assert p.loc["S01", "primary_cancer"] == "Ovarian cancer"
    assert p.loc["S01", "primary_group"] == "gynecological"
    assert p.loc["S02", "primary_group"] == "gastrointestinal"
    c = good.frames.courses.set_index(["patient_id", "course_no"])
    assert (c.loc[("S02", 1), "involved_muscle"], c.loc[("S02", 1), "intent"]) == (
        "psoas",
        "local_control",
    )


def test_age_over_89_is_stored_as_90_plus(good):
    p = good.frames.patients.set_index("patient_id")
    assert (p.loc["S02", "age"], bool(p.loc["S02", "age_90_plus"])) == (90, True)
    assert (p.loc["S01", "age"], bool(p.loc["S01", "age_90_plus"])) == (61, False)
    assert any("90+" in n for n in good.report.notices)


def test_assessments_link_to_their_course_and_are_numbered_by_day(good):
    a = good.frames.assessments
    s1 = a[a["patient_id"] == "S01"].sort_values(["course_no", "assessment_no"])
    assert s1[["course_no", "assessment_no", "day"]].values.tolist() == [
        [1, 1, 0],
        [1, 2, 28],
        [2, 1, 33],
    ]
    assert s1["opioid_route"].tolist() == ["oral", "oral", None]  # 'po' is oral
    assert s1["opioid_mg_per_day"].tolist()[:2] == [60.0, 30.0]


def test_frames_have_exactly_the_stored_columns(good):
    from plexrt.data.own_schema import ASSESSMENT_COLUMNS, COURSE_COLUMNS, PATIENT_COLUMNS, names

    assert tuple(good.frames.patients.columns) == names(PATIENT_COLUMNS)
    assert tuple(good.frames.courses.columns) == names(COURSE_COLUMNS)
    assert tuple(good.frames.assessments.columns) == names(ASSESSMENT_COLUMNS)


def test_unknown_cancer_gets_group_other_with_a_notice(tmp_path):
    c, _ = write(tmp_path, [course_row(primary_cancer="Lung cancer")])
    r = prepare_import(c)
    assert r.ok
    assert r.frames.patients["primary_group"].tolist() == ["other"]
    assert any("'other'" in n and "Lung cancer" in n for n in r.report.notices)


def test_reimporting_the_same_file_changes_nothing(tmp_path):
    c, a = write(tmp_path, GOOD_COURSES, GOOD_ASSESSMENTS)
    first = prepare_import(c, a)
    again = prepare_import(c, a, previous=first.frames, previous_pseudonymised=False)
    assert again.ok and again.diff.is_empty
    assert "no change" in again.diff.summary()


def test_an_updated_file_shows_what_changes(tmp_path):
    c, a = write(tmp_path, GOOD_COURSES, GOOD_ASSESSMENTS)
    first = prepare_import(c, a)
    updated = list(GOOD_COURSES)
    updated[2] = updated[2].replace(",6,,", ",6,2,")  # S02: NRS after RT now known
    updated.append(course_row(patient_id="S03"))
    c2, _ = write(tmp_path, updated)
    d = prepare_import(c2, a, previous=first.frames, previous_pseudonymised=False).diff
    assert len(d.courses.changed) == 1
    row = d.courses.changed.iloc[0]
    assert (row["patient_id"], row["course_no"], row["column"], row["new"]) == (
        "S02",
        1,
        "nrs_after",
        2,
    )
    assert pd.isna(row["old"])
    assert d.patients.added["patient_id"].tolist() == ["S03"]
    assert d.courses.added["patient_id"].tolist() == ["S03"]
    assert d.courses.removed.empty and d.assessments.is_empty and d.patients.changed.empty


def test_an_upload_is_read_like_a_file(tmp_path):
    c, a = write(tmp_path, GOOD_COURSES, GOOD_ASSESSMENTS)
    from_files = prepare_import(c, a)
    from_bytes = prepare_import(Upload("c.csv", c.read_bytes()), Upload("a.csv", a.read_bytes()))
    pd.testing.assert_frame_equal(from_files.frames.courses, from_bytes.frames.courses)


def test_a_mapping_renames_the_departments_headers(tmp_path):
    names = [c.name for c in COURSE_TEMPLATE]
    own = {"patient_id": "Study ID", "dose_gy": "Dose (Gy)"}
    headers = [own.get(n, n) for n in names]
    path = tmp_path / "c.csv"
    path.write_text(",".join(headers) + "\n" + course_row() + "\n", encoding="utf-8")
    refused = prepare_import(path)
    assert not refused.ok
    missing = [p for p in refused.report.problems if "is missing" in p.message]
    assert {p.column for p in missing} == {"patient_id", "dose_gy"}
    assert any("'Dose (Gy)' may be it" in p.message for p in missing)
    mapping = {"courses": dict(zip(headers, names, strict=True))}
    mapped = prepare_import(path, mapping=mapping)
    assert mapped.ok
    assert mapped.frames.courses["dose_gy"].tolist() == [30.0]
    assert mapped.mapping["courses"]["Dose (Gy)"] == "dose_gy"
