"""The synthetic registry and the bundled example: reproducible, plausible, accepted by the
import, and the example files in data/examples are exactly what the generator writes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from plexrt.ingest.own_import import prepare_import
from plexrt.ingest.synth import EXAMPLE_STEM, example_series, synth_registry, write_registry

EXAMPLES = Path(__file__).resolve().parents[2] / "data" / "examples"


def test_same_seed_same_registry_other_seed_other():
    a, b = synth_registry(300, 7), synth_registry(300, 7)
    pd.testing.assert_frame_equal(a.courses, b.courses)
    pd.testing.assert_frame_equal(a.assessments, b.assessments)
    assert not synth_registry(300, 8).courses.equals(a.courses)


@pytest.mark.parametrize("n", [1, 2, 17, 500])
def test_exactly_n_courses(n):
    assert len(synth_registry(n, 1).courses) == n


def test_registry_is_accepted_and_plausible(tmp_path):
    c, a = write_registry(tmp_path, 2000, 5)
    r = prepare_import(c, a)
    assert r.ok, r.report.problems[:5]
    courses, patients = r.frames.courses, r.frames.patients
    assert set(zip(courses["dose_gy"], courses["fractions"], strict=True)) <= {
        (30.0, 10),
        (20.0, 5),
        (8.0, 1),
        (39.0, 13),
        (36.0, 12),
        (45.0, 15),
        (25.0, 5),
        (50.0, 25),
        (54.0, 30),
        (59.4, 33),
        (60.0, 30),
        (45.0, 25),
    }
    before = courses["nrs_before"].dropna()
    assert before.between(3, 10).all()
    dead = patients["death_day"].dropna()
    assert 0.5 < len(dead) / len(patients) < 0.95
    assert 60 < dead.median() < 200  # days: a few months
    assert courses["laterality"].isna().mean() > 0.01  # a share of unknowns
    assert courses["relapse_day"].notna().sum() > 50
    assert r.frames.assessments["opioid_drug"].notna().mean() > 0.5
    centres = {pid.split("-")[0] for pid in patients["patient_id"]}
    assert len(centres) == 8


def test_the_example_series():
    reg = example_series()
    c = reg.courses
    n_patients = c["patient_id"].nunique()
    assert 30 <= n_patients <= 60
    assert (c.groupby("patient_id").size() == 2).sum() >= 3  # some with two sites
    assert (c["relapse_date"] != "").sum() >= 3 and (c["death_date"] != "").sum() >= 10
    assert (c["nrs_after"] == "").sum() >= 3  # unknowns
    assert len(reg.assessments) > n_patients


def test_example_files_are_what_the_generator_writes(tmp_path):
    from openpyxl import load_workbook

    from plexrt.ingest.synth import write_example

    fresh = write_example(tmp_path)
    for path in fresh[:2]:
        assert (EXAMPLES / path.name).read_bytes() == path.read_bytes()
    shipped = load_workbook(EXAMPLES / f"{EXAMPLE_STEM}.xlsx")
    made = load_workbook(fresh[2])
    for sheet in ("courses", "assessments"):
        assert [[c.value for c in r] for r in shipped[sheet].iter_rows()] == [
            [c.value for c in r] for r in made[sheet].iter_rows()
        ]
    assert (EXAMPLES / "README.md").exists()
    assert "SYNTHETIC" in (EXAMPLES / "README.md").read_text()


def test_example_imports_from_csv_and_xlsx_alike():
    csv = prepare_import(
        EXAMPLES / f"{EXAMPLE_STEM}_courses.csv", EXAMPLES / f"{EXAMPLE_STEM}_assessments.csv"
    )
    xlsx = prepare_import(EXAMPLES / f"{EXAMPLE_STEM}.xlsx")
    assert csv.ok and xlsx.ok
    for t in ("patients", "courses", "assessments"):
        pd.testing.assert_frame_equal(csv.frames.table(t), xlsx.frames.table(t))
