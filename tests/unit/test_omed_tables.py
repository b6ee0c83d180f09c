"""Every OMED shown names its conversion table and factors, and the user's choice of table changes
the OMED (issue 13, point 3). Factors: data/opioid_factors.csv (CDC 2022: hydromorphone 5,
oxycodone 1.5, morphine 1; Von Korff 2008 / CDC 2016: hydromorphone 4)."""

from __future__ import annotations

import pandas as pd

from plexrt.charts.tables import cohort_table
from plexrt.cli import main
from plexrt.clinical import analgesics
from plexrt.data import store

FACTORS = pd.read_csv("data/opioid_factors.csv")


def test_headers_and_notes_name_the_table_and_its_factors():
    assert analgesics.omed_header(FACTORS, "cdc2022") == "Baseline OMED (mg/day, CDC 2022 factors)"
    assert analgesics.omed_header(FACTORS, "vonkorff2008") == (
        "Baseline OMED (mg/day, Von Korff 2008 / CDC 2016 factors)"
    )
    note = analgesics.factor_note(FACTORS, "vonkorff2008")
    assert note == (
        "OMED = Σ opioid mg/day × factor, with the Von Korff 2008 / CDC 2016 factors for oral "
        "dosing: hydromorphone × 4, morphine × 1, oxycodone × 1.5 (population estimates, not "
        "individual conversions)."
    )
    headers = analgesics.table_headers(FACTORS, "cdc2022")
    assert headers["opioids"] == "Opioids (mg/day × CDC 2022 factor)"
    assert headers["omed_mg"] == "Baseline OMED (mg/day, CDC 2022 factors)"


def test_omed_follows_the_chosen_table(con):
    an = store.analgesics(con)
    cdc = analgesics.analgesic_table(an, FACTORS, "cdc2022").set_index("course_id")
    vk = analgesics.analgesic_table(an, FACTORS, "vonkorff2008").set_index("course_id")
    # patient 1: hydromorphone 6 mg/day -> 30 (x5, CDC 2022) or 24 (x4, Von Korff)
    assert (cdc.loc["1.1", "omed_mg"], vk.loc["1.1", "omed_mg"]) == (30, 24)
    assert vk.loc["1.1", "opioids"] == "hydromorphone 6 mg × 4"


def test_the_cohort_table_names_the_stored_table(con):
    sites = store.cohort(con)
    header = analgesics.omed_header(FACTORS, analgesics.DEFAULT_FACTOR_TABLE)
    shown = cohort_table(sites, omed_header=header)
    assert header in shown.columns and "Baseline OMED (mg/day)" not in shown.columns
    assert shown.set_index("Site").loc["1.1", header] == 30


def test_cli_export_names_the_table(capsys, test_db):
    assert main(["export", "--db", str(test_db)]) == 0
    out = capsys.readouterr().out
    head, first = out.splitlines()[:2]
    assert "omed_factor_table" in head.split(",")
    assert "CDC 2022" in first


def test_board_report_table_names_the_table(con):
    from plexrt.export.slides import report_tables
    from tests.unit.board_inputs import bundled_board_input

    inp = bundled_board_input(con, factors=store.opioid_factors(con))
    table = dict(report_tables(inp))["Irradiated sites"]
    assert "Baseline OMED (mg/day, CDC 2022 factors)" in table.columns
