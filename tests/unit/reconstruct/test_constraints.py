"""published_times.csv: the transcription against the paper, and the loader's checks."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from plexrt import reconstruct as R
from plexrt.reconstruct.constraints import Constraint, constraint_from_record, parse_date
from plexrt.reconstruct.timeline import span_days
from tests.unit.reconstruct.paper import PAPER

# -- the transcription -----------------------------------------------------------------------------


def _section(text: str, start: str, stop: str) -> str:
    """Text between the heading line `start` and the next line starting with `stop`."""
    i = re.search(rf"^{re.escape(start)}\s*$", text, re.M).end()
    j = re.compile(rf"^{re.escape(stop)}", re.M).search(text, i).start()
    return text[i:j]


def _prose_paragraphs(block: str) -> list[str]:
    """Paragraphs of running text: no table rows, captions or abbreviation legends."""
    paras = [p.strip() for p in re.split(r"\n\s*\n", block)]
    return [
        " ".join(p.split())
        for p in paras
        if p.strip()
        and "\t" not in p
        and not p.startswith(("**", "F: female", "#", "!["))
        and len(p) > 40
    ]


def test_quotes_are_verbatim_and_located(cons):
    text = PAPER.read_text(encoding="utf-8")
    flat = " ".join(text.split())
    sections = {
        "Results": _section(text, "## Results", "### Case presentation"),
        "Discussion": _section(text, "## Discussion", "## Conclusions"),
        "Materials and methods": _section(text, "## Materials And Methods", "### How to cite"),
    }
    for c in cons:
        quote = " ".join(c.quote.split())
        assert quote in flat, c.constraint_id
        m = re.match(r"(Results|Discussion|Materials and methods) para (\d+)$", c.location)
        if m:
            paras = _prose_paragraphs(sections[m.group(1)])
            assert quote in paras[int(m.group(2)) - 1], (c.constraint_id, c.location)
        m = re.match(r"Case presentation: Patient (\d+)$", c.location)
        if m:
            start = re.search(rf"^#### \*?Patient {m.group(1)}\*?\s*$", text, re.M).end()
            block = text[start : text.index("**FIGURE", start)]
            assert quote in " ".join(block.split()), c.constraint_id
        if c.location == "Front matter":
            assert quote in text[: text.index("## Abstract")]


def test_published_values_transcribed(cons):
    by = {c.constraint_id: c for c in cons}
    # "The mean time from completion of radiotherapy to death was 125 days (31-260 days)."
    assert (by["death_mean"].value, by["death_min"].value, by["death_max"].value) == (125, 31, 260)
    # "The mean duration of follow-up was 215 days (31-675 days)."
    assert (by["fu_mean"].value, by["fu_min"].value, by["fu_max"].value) == (215, 31, 675)
    # "... mean duration of 205 days (70-481 days)."
    assert (by["relief_mean"].value, by["relief_min"].value, by["relief_max"].value) == (
        205,
        70,
        481,
    )
    assert by["relapse_rectal"].patient_id == "8" and by["relapse_urachal"].patient_id == "4"
    assert {c.kind for c in cons} <= set(R.KINDS)
    # 36 data rows in the file; dates stay text, order constraints and facts without a number
    # (patient 1's "durable pain relief") have no value
    assert len(cons) == 36
    assert by["cutoff"].value == "2021-03" and by["relapse_order"].value is None
    assert by["p1_durable_relief"].value is None


def test_number_is_the_value_of_a_numeric_constraint(cons):
    by = {c.constraint_id: c for c in cons}
    assert by["disc_mean"].number == 6.8 and by["deaths_n"].number == 8.0
    for cid in ("cutoff", "relapse_order"):
        with pytest.raises(ValueError, match=f"{cid} has no numeric value"):
            _ = by[cid].number


def test_record_from_the_store_round_trips(cons):
    # the store keeps every cell as text (order constraints: no value)
    for c in cons:
        rec = {**c.__dict__, "value": None if c.value is None else f"{c.value}"}
        assert constraint_from_record(rec) == c


def test_section_ranks():
    c = Constraint("x", "fact", "data_cutoff", "2021-03", "date", "series", "exact", "q", "Table 1")
    assert (c.section, c.priority) == ("Table 1", 4)
    c2 = Constraint(**{**c.__dict__, "location": "Case presentation: Patient 5"})
    assert (c2.section, c2.priority, c2.patient_id) == ("Case presentation", 2, None)


# -- loader ----------------------------------------------------------------------------------------

GOOD = (
    "constraint_id,kind,quantity,value,unit,applies_to,rounding,quote,location\n"
    "a,count,deaths,8,patients,all patients,exact,q,Results para 3\n"
)


def _write(tmp_path, text: str) -> Path:
    p = tmp_path / "times.csv"
    p.write_text(text, encoding="utf-8")
    return p


def test_loader_reads_a_minimal_file(tmp_path):
    (c,) = R.load_published_times(_write(tmp_path, GOOD))
    assert (c.constraint_id, c.value, c.section, c.priority) == ("a", 8.0, "Results", 3)


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ("b,often,deaths,8,patients,all patients,exact,q,Results para 3", "kind", "often"),
        ("b,mean,followup,many,days,all patients,nearest day,q,Results para 1", "value", "many"),
        ("b,mean,followup,inf,days,all patients,nearest day,q,Results para 1", "value", "finite"),
        ("b,mean,followup,-3,days,all patients,nearest day,q,Results para 1", "value", ">= 0"),
        ("b,fact,data_cutoff,2021-13,date,series,calendar month,q,Results para 3", "value", "date"),
        # Digits as int() and float() read them, not as the value rule writes them:
        (
            "b,fact,data_cutoff,２０２１-０３,date,series,calendar month,q,Results para 3",
            "value",
            "date",
        ),
        ("b,mean,followup,2_15,days,all patients,nearest day,q,Results para 1", "value", "0-9"),
        (
            "b,mean,followup,215,days,everyone,nearest day,q,Results para 1",
            "applies_to",
            "everyone",
        ),
        ("b,mean,followup,215,days,all patients,nearest day,q,Introduction", "location", "Intro"),
        (
            "a,count,deaths,8,patients,all patients,exact,q,Results para 3",
            "constraint_id",
            "duplicate",
        ),
        (
            "b,mean,followup,215,patients,all patients,nearest day,q,Results para 1",
            "unit",
            "time unit",
        ),
        ("b,count,deaths,8.5,patients,all patients,exact,q,Results para 3", "value", "whole"),
        ("b,order,relapses,2,,all patients,not applicable,q,Results para 2", "value", "empty"),
    ],
)
def test_loader_names_file_row_and_column(tmp_path, row, column, message):
    path = _write(tmp_path, GOOD + row + "\n")
    with pytest.raises(ValueError) as exc:
        R.load_published_times(path)
    text = str(exc.value)
    assert "times.csv" in text and "row 2" in text and f"column '{column}'" in text
    assert message in text


def test_loader_header_and_path_errors(tmp_path):
    with pytest.raises(ValueError, match="column 'quote': required column is missing"):
        R.load_published_times(_write(tmp_path, GOOD.replace(",quote", "")))
    with pytest.raises(ValueError, match="path"):
        R.load_published_times(tmp_path / "nope.csv")
    with pytest.raises(ValueError, match="fields"):
        R.load_published_times(_write(tmp_path, GOOD + "x,count\n"))


# -- dates -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["2021-13", "2021", "abc", "2021-02-29", "２０２１-０３", "0000-01"]
)
def test_a_date_that_is_not_one_is_refused_naming_where_and_the_value(text):
    """Not Python's own words ('month must be in 1..12', 'invalid literal for int()', or an
    IndexError for '2021')."""
    with pytest.raises(ValueError) as exc:
        parse_date(text, "times.csv, line 4")
    assert str(exc.value) == f"times.csv, line 4: {text!r} is not a date (YYYY-MM or YYYY-MM-DD)"


def test_a_calendar_month_runs_to_its_last_day():
    assert parse_date("2020-02") == (date(2020, 2, 1), date(2020, 2, 29))
    assert parse_date("2021-03-05") == (date(2021, 3, 5), date(2021, 3, 5))
    assert parse_date("9999-12") == (date(9999, 12, 1), date(9999, 12, 31))  # no year 10000 needed


def test_a_bad_date_in_the_file_names_file_row_line_and_value(tmp_path):
    row = "b,fact,data_cutoff,2021-00,date,series,calendar month,q,Results para 3"
    with pytest.raises(ValueError) as exc:
        R.load_published_times(_write(tmp_path, GOOD + row + "\n"))
    assert str(exc.value) == (
        "times.csv, row 2 (line 3), constraint 'b', column 'value': "
        "'2021-00' is not a date (YYYY-MM or YYYY-MM-DD)"
    )


def test_a_bad_date_in_a_constraint_made_in_code_names_the_constraint():
    def fact(cid: str, quantity: str, value: str) -> Constraint:
        return Constraint(cid, "fact", quantity, value, "date", "series", "exact", "q", "Table 1")

    cons = [fact("start", "accrual_start", "2019-01"), fact("cut", "data_cutoff", "2021-13")]
    with pytest.raises(ValueError) as exc:
        span_days(cons)
    assert str(exc.value) == (
        "constraint cut (Table 1), value: '2021-13' is not a date (YYYY-MM or YYYY-MM-DD)"
    )
    assert (
        span_days(
            [fact("start", "accrual_start", "2019-01"), fact("cut", "data_cutoff", "2019-02")]
        )
        == 58
    )
