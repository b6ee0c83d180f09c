"""Oral morphine equivalents (plexrt.clinical.analgesics).

The factors come from the project's data file (data/opioid_factors.csv, the one home of the
numbers); the first test checks that file against literature.md. Every OMED below is worked by hand
(mg/day x factor) in the comment next to it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from plexrt.clinical.analgesics import (
    FACTOR_COLUMNS,
    analgesic_table,
    factor_tables,
    omed_by_course,
    omed_mg,
)
from plexrt.data import store

FACTORS = pd.read_csv(Path(__file__).resolve().parents[2] / "data" / "opioid_factors.csv")


def test_opioid_factors_file_has_the_literature_values():
    def table(key):
        rows = FACTORS[FACTORS["table_key"] == key]
        assert set(rows["route"]) == {"oral"}
        return dict(zip(rows["drug"], rows["factor"], strict=True))

    assert table("cdc2022") == {"morphine": 1, "oxycodone": 1.5, "hydromorphone": 5}
    assert table("vonkorff2008") == {"morphine": 1, "oxycodone": 1.5, "hydromorphone": 4}
    assert factor_tables(FACTORS) == {
        "cdc2022": "CDC 2022",
        "vonkorff2008": "Von Korff 2008 / CDC 2016",
    }


def _row(drug, mg, opioid, route=None):
    return {"drug": drug, "mg_per_day": mg, "is_opioid": opioid, "route": route}


@pytest.mark.parametrize(
    "rows, cdc, vk",
    [
        # patient 1: hydromorphone 6 mg + loxoprofen -> 6 x 5 = 30 (CDC), 6 x 4 = 24 (VK)
        ([_row("hydromorphone", 6, True), _row("loxoprofen", 180, False)], 30.0, 24.0),
        # patient 5: hydromorphone 2 mg -> 10 / 8
        ([_row("hydromorphone", 2, True)], 10.0, 8.0),
        # patient 6: oxycodone 40 -> 60 in both; acetaminophen, pregabalin, celecoxib add 0
        (
            [
                _row("oxycodone", 40, True),
                _row("acetaminophen", 2400, False),
                _row("pregabalin", 50, False),
                _row("celecoxib", 400, False),
            ],
            60.0,
            60.0,
        ),
        ([_row("oxycodone", 30, True), _row("loxoprofen", 180, False)], 45.0, 45.0),  # pt 7
        ([_row("morphine", 20, True), _row("acetaminophen", 1500, False)], 20.0, 20.0),  # pt 9
        ([_row("oxycodone", 20, True), _row("mirogabalin", 10, False)], 30.0, 30.0),  # pt 10
        ([_row("acetaminophen", 1000, False)], 0.0, 0.0),  # pt 2: no opioid
        ([_row("hydromorphone", 6, True, route="oral")], 30.0, 24.0),
    ],
)
def test_omed_mg_sanuki_sites(rows, cdc, vk):
    assert omed_mg(rows, FACTORS) == pytest.approx(cdc)
    assert omed_mg(rows, FACTORS, table="vonkorff2008") == pytest.approx(vk)
    assert omed_mg(pd.DataFrame(rows), FACTORS, table="cdc2022") == pytest.approx(cdc)


@pytest.mark.parametrize(
    "rows, table, match",
    [
        ([_row("morphine", 10, True)], "who", "table"),
        ([_row("tapentadol", 100, True)], "cdc2022", "tapentadol"),
        ([_row("morphine", 10, False)], "cdc2022", "morphine"),
        ([_row("morphine", None, True)], "cdc2022", "mg_per_day"),
        ([_row("morphine", float("nan"), True)], "cdc2022", "mg_per_day"),
        ([_row("morphine", -5, True)], "cdc2022", "mg_per_day"),
        ([_row("morphine", 10, True, route="iv")], "cdc2022", "route"),
        ([_row("morphine", 10, "maybe")], "cdc2022", "is_opioid"),
        ([_row("", 10, True)], "cdc2022", "drug"),
        ([{"drug": "morphine", "mg_per_day": 10}], "cdc2022", "is_opioid"),
        ("morphine", "cdc2022", "rows"),
    ],
)
def test_omed_mg_errors(rows, table, match):
    with pytest.raises(ValueError, match=match):
        omed_mg(rows, FACTORS, table=table)


ANALGESICS = pd.DataFrame(
    [
        ("A", "baseline", "hydromorphone", 6, True),
        ("A", "baseline", "loxoprofen", 180, False),
        ("A", "after", "hydromorphone", 4, True),
        ("B", "baseline", "acetaminophen", 1000, False),
        ("B", "after", "oxycodone", 10, True),
    ],
    columns=["course_id", "timepoint", "drug", "mg_per_day", "is_opioid"],
)


def test_omed_by_course():
    base = omed_by_course(ANALGESICS, FACTORS, "cdc2022", timepoint="baseline")
    assert base.to_dict() == {"A": 30.0, "B": 0.0}  # 6 x 5; B has no opioid -> 0.0
    after = omed_by_course(ANALGESICS, FACTORS, "vonkorff2008", timepoint="after")
    assert after.to_dict() == {"A": 16.0, "B": 15.0}  # 4 x 4; 10 x 1.5
    assert base.index.name == "course_id"
    single = omed_by_course(ANALGESICS.drop(columns="timepoint").iloc[:2], FACTORS, "cdc2022")
    assert single.to_dict() == {"A": 30.0}


def test_omed_by_course_errors():
    with pytest.raises(ValueError, match="timepoint"):
        omed_by_course(ANALGESICS, FACTORS, "cdc2022")
    with pytest.raises(ValueError, match="timepoint"):
        omed_by_course(ANALGESICS.drop(columns="timepoint"), FACTORS, "cdc2022", timepoint="after")
    with pytest.raises(ValueError, match="course_id"):
        omed_by_course(ANALGESICS.drop(columns="course_id"), FACTORS, "cdc2022", timepoint="after")
    with pytest.raises(ValueError, match="analgesics"):
        omed_by_course([_row("morphine", 1, True)], FACTORS, "cdc2022")  # type: ignore[arg-type]


def test_a_route_with_its_own_factor_is_used():
    # A table may carry factors for other routes; an oral row still takes the oral factor.
    parenteral = pd.DataFrame(
        [("t", "T", "morphine", "oral", 1.0, "s"), ("t", "T", "morphine", "iv", 3.0, "s")],
        columns=list(FACTOR_COLUMNS),
    )
    assert omed_mg([_row("morphine", 10, True, route="iv")], parenteral, "t") == 30.0
    assert omed_mg([_row("morphine", 10, True, route="PO")], parenteral, "t") == 10.0
    assert omed_mg([_row("morphine", 10, True)], parenteral, "t") == 10.0


def test_factors_must_be_a_factor_table():
    with pytest.raises(ValueError, match="factors"):
        omed_mg([_row("morphine", 10, True)], FACTORS.drop(columns="factor"))


# ------------------------------------------------------------------ the analgesic table (store)


def test_analgesic_table(con):
    factors = store.opioid_factors(con)
    t = analgesic_table(store.analgesics(con), factors, "cdc2022").set_index("course_id")
    assert t.loc["1.1", "opioids"] == "hydromorphone 6 mg × 5"
    assert t.loc["1.1", "non_opioids"] == "loxoprofen 180 mg"
    assert t.loc["1.1", "omed_mg"] == 30  # 6 x 5
    assert t.loc["11.1", "opioids"] == "none" and t.loc["11.1", "omed_mg"] == 0
    vk = analgesic_table(store.analgesics(con), factors, "vonkorff2008").set_index("course_id")
    assert vk.loc["5.1", "omed_mg"] == 8  # hydromorphone 2 mg x 4
    assert vk.loc["6.1", "omed_mg"] == 60  # oxycodone 40 mg x 1.5


def test_store_factor_table_is_the_data_file(con):
    stored = store.opioid_factors(con)
    assert list(stored.columns) == list(FACTOR_COLUMNS)
    key = ["table_key", "drug", "route"]
    pd.testing.assert_frame_equal(
        stored.sort_values(key).reset_index(drop=True),
        FACTORS.sort_values(key).reset_index(drop=True),
        check_dtype=False,
    )


def test_analgesic_table_many_courses_mixed_rows():
    """Courses in any order, several rows each, an opioid without a factor (its course's OMED
    unknown, never 0), a dose not given, an after-RT row left out; values by hand (CDC 2022)."""
    rows = [
        ("c2", "baseline", "oxycodone", 20, True, None),  # 20 x 1.5 = 30
        ("c1", "baseline", "morphine", 10, True, "oral"),  # 10 x 1
        ("c2", "baseline", "paracetamol", 4000, False, None),
        ("c1", "baseline", "hydromorphone", 4, True, None),  # 4 x 5 = 20 -> c1 30
        ("c3", "baseline", "fentanyl", 0.6, True, "transdermal"),  # no factor -> unknown
        ("c3", "baseline", "morphine", 10, True, None),
        ("c4", "baseline", "loxoprofen", 180, False, None),  # no opioid -> 0
        ("c5", "baseline", "morphine", None, True, None),  # dose not given -> unknown
        ("c1", "after", "morphine", 500, True, None),  # not baseline: not in the table
    ]
    cols = ["course_id", "timepoint", "drug", "mg_per_day", "is_opioid", "route"]
    t = analgesic_table(pd.DataFrame(rows, columns=cols), FACTORS, "cdc2022")
    assert list(t["course_id"]) == ["c2", "c1", "c3", "c4", "c5"]
    t = t.set_index("course_id")
    assert t.loc["c1", "omed_mg"] == 30 and t.loc["c2", "omed_mg"] == 30
    assert t.loc["c4", "omed_mg"] == 0
    assert np.isnan(t.loc["c3", "omed_mg"]) and np.isnan(t.loc["c5", "omed_mg"])
    assert t.loc["c1", "opioids"] == "morphine 10 mg × 1; hydromorphone 4 mg × 5"
    assert t.loc["c2", "non_opioids"] == "paracetamol 4000 mg"
    assert t.loc["c3", "opioids"] == "fentanyl 0.6 mg (no factor); morphine 10 mg × 1"
    assert t.loc["c4", "opioids"] == "none" and t.loc["c1", "non_opioids"] == "none"
    assert t.loc["c5", "opioids"] == "morphine dose not given × 1"
