"""Every fact the paper states about one patient is either a reconstruction constraint or listed as
deliberately not used, with the reason (issue 13, point 8): data/sanuki2022/patient_facts.csv.

Facts checked against the paper (tests/fixtures/sanuki2022-cureus.md): patient 1's second course
"resulted in durable pain relief" (Case presentation: Patient 1); the relapsing patients are 4
(urachal) and 8 (rectal) (Results para 2), so patient 1 did not relapse.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from plexrt import reconstruct as R
from plexrt.data import store
from tests.unit.reconstruct.paper import PAPER, SERIES


@pytest.fixture(scope="module")
def inputs():
    courses = pd.read_csv(SERIES / "courses.csv", dtype=str)
    patients = pd.read_csv(SERIES / "patients.csv", dtype=str)
    cons = R.load_published_times(SERIES / "published_times.csv")
    return courses, patients, cons


@pytest.fixture(scope="module")
def facts() -> pd.DataFrame:
    return pd.read_csv(SERIES / "patient_facts.csv", dtype=str, keep_default_na=False)


def test_patient_1_durable_relief_is_a_constraint(inputs):
    courses, patients, cons = inputs
    by_id = {c.constraint_id: c for c in cons}
    durable = by_id["p1_durable_relief"]
    assert durable.quote in PAPER.read_text(encoding="utf-8")
    assert durable.patient_id == "1" and durable.value is None
    for rec in R.ensemble(courses, patients, cons, n=40):
        p = rec.patients.set_index("patient_id")
        # durable relief: followed long enough to be assessed for it, and no relapse
        assert bool(p.loc["1", "assessable_for_relief"]) and not bool(p.loc["1", "relapse"])
        assert p.loc["1", "assessable_for_relief_source"] == "case_narrative"
        assert p.loc["1", "relapse_source"] == "case_narrative"
        row = rec.checks.set_index("constraint_id").loc["p1_durable_relief"]
        assert bool(row["holds"]) and bool(row["kept"])


def test_durable_relief_of_a_named_relapser_is_a_conflict(inputs):
    courses, patients, cons = inputs
    by_id = {c.constraint_id: c for c in cons}
    wrong = dataclasses.replace(
        by_id["p1_durable_relief"], constraint_id="p8_durable", applies_to="patient 8"
    )
    found = R.find_conflicts([*cons, wrong], courses, patients)
    hit = [k for k in found if "p8_durable" in k.constraint_ids]
    assert len(hit) == 1
    # the Results (rank 3) name patient 8 as relapsing; the case presentation (rank 2) yields
    assert hit[0].dropped_ids == ("p8_durable",) and hit[0].resolution == "dropped"


def test_every_per_patient_fact_is_used_or_listed_with_a_reason(inputs, facts):
    _, _, cons = inputs
    per_patient = {c.constraint_id for c in cons if c.patient_id is not None}
    listed = set(facts.loc[facts["use"] == "constraint", "constraint_id"])
    assert per_patient <= listed  # every per-patient constraint is on the list
    assert listed <= {c.constraint_id for c in cons}  # and every listed one exists
    details = pd.read_csv(SERIES / "case_details.csv", dtype=str, keep_default_na=False)
    assert set(details["detail_id"]) <= set(facts["detail_id"])  # every narrative detail
    assert set(facts["use"]) == {"constraint", "not used"}
    unused = facts[facts["use"] == "not used"]
    assert (unused["reason"].str.len() > 20).all() and (unused["constraint_id"] == "").all()
    # the facts read against the paper: their locations exist in the paper's sections
    text = PAPER.read_text(encoding="utf-8")
    for loc in set(facts["location"]):
        head = loc.split(":")[-1].strip().split(" para")[0]
        assert head.split()[0] in text, loc


def test_store_and_status(con):
    stored = store.patient_facts(con)
    assert len(stored) == len(pd.read_csv(SERIES / "patient_facts.csv"))
    status = stored.set_index("fact_id")["status"]
    # how the reconstruction treated each encoded fact; the rest are "not used"
    by_constraint = stored.set_index("constraint_id")["status"]
    assert by_constraint["p1_durable_relief"] == "kept"
    assert by_constraint["p8_relapse"] == "dropped (conflict)"
    assert by_constraint["p5_pain_free"] == "relaxed (conflict)"
    assert (status[stored.set_index("fact_id")["use"] == "not used"] == "not used").all()


def test_fact_file_problems_stop_the_build(data_copy, tmp_path):
    from plexrt.data.csvfile import DataError
    from plexrt.data.manifest import write_manifest
    from plexrt.ingest.build import build_db

    path = data_copy / "sanuki2022" / "patient_facts.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(",constraint,p1_durable_relief,", ",constraint,p1_lasting,")
        .replace(
            ',not used,,"Not about time; a function',
            ',not used,p1_supine,"Not about time; a function',
        )
        .replace("sanuki2022,F24,7,", "sanuki2022,F24,77,"),
        encoding="utf-8",
    )
    with pytest.raises(DataError) as info:
        build_db(data_copy, tmp_path / "x.duckdb")
    msg = str(info.value)
    assert "patient_facts.csv, line 4, column 'constraint_id': must be empty when not used" in msg
    assert "patient_facts.csv, line 25, column 'patient_id': '77' is not known" in msg
    assert not (tmp_path / "x.duckdb").exists()
    # with the links right, an unknown constraint is named too
    path.write_text(text.replace(",constraint,p1_durable_relief,", ",constraint,p1_lasting,"))
    write_manifest(data_copy)  # the files read as valid CSV: only the link is wrong
    with pytest.raises(DataError) as info:
        build_db(data_copy, tmp_path / "x.duckdb")
    assert "line 8, column 'constraint_id': 'p1_lasting' is not in published_times.csv" in str(
        info.value
    )
