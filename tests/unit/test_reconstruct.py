"""Reconstructed per-patient times against what Sanuki et al. 2022 publish.

Every expected figure is the paper's own (quoted next to the assertion) or hand arithmetic shown in a
comment; the reconstructed frames are re-summarised here with plain pandas, independently of
``check_reconstruction``.
"""

from __future__ import annotations

import dataclasses
import math
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from plexrt import reconstruct as R
from tests.fixtures import PAPER, read_fixture

ROOT = Path(__file__).resolve().parents[2]
SERIES = ROOT / "data" / "sanuki2022"
MONTHS = (30.0, 365.25 / 12)  # the two month lengths PlexRT accepts

# Dropped / relaxed by the reconstruction (see test_conflicts_found_on_the_paper)
DROPPED = {"disc_median", "p8_relapse", "p5_fractions"}
RELAXED = {"p5_pain_free"}


def half_up(x: float) -> int:
    return math.floor(x + 0.5)


def rounds_to_months(days: float, months: float, step: float = 1.0) -> bool:
    """True if `days` is reported as `months` (to the nearest `step`) with either month length."""
    return any(half_up(days / length / step) == round(months / step) for length in MONTHS)


@pytest.fixture(scope="module")
def courses() -> pd.DataFrame:
    return pd.read_csv(SERIES / "courses.csv", dtype=str)


@pytest.fixture(scope="module")
def patients() -> pd.DataFrame:
    return pd.read_csv(SERIES / "patients.csv", dtype=str)


@pytest.fixture(scope="module")
def cons() -> list[R.Constraint]:
    return R.load_published_times(SERIES / "published_times.csv")


@pytest.fixture(scope="module")
def recs(courses, patients, cons) -> list[R.Reconstruction]:
    return [R.reconstruct(courses, patients, cons, seed=s) for s in range(50)]


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
    text = read_fixture(PAPER)
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


# -- RT days -------------------------------------------------------------------------------------


def test_fraction_day_rule():
    # Monday = day 0; fractions Mon-Fri. 13 fractions: days 0-4, 7-11, 14-16 -> last on day 16.
    assert R.fraction_days(0, 13)[-1] == 16
    # 30 fractions = 6 full weeks: last on the Friday of week 6 = 5*7 + 4 = 39.
    assert R.fraction_days(0, 30)[-1] == 39
    # 33 fractions: 6 weeks + 3 -> 6*7 + 2 = 44; 10 -> 7 + 4 = 11; 7 -> 7 + 1 = 8.
    assert R.fraction_days(0, 33)[-1] == 44
    assert R.fraction_days(0, 10)[-1] == 11
    assert R.fraction_days(0, 7)[-1] == 8
    # Patient 1's second course from Thursday day 24: 24, 25 | 28-32 | 35-39 | 42 -> day 42.
    assert list(R.fraction_days(24, 13)) == [24, 25, 28, 29, 30, 31, 32, 35, 36, 37, 38, 39, 42]
    with pytest.raises(ValueError, match="start_day"):
        R.fraction_days(5, 3)  # Saturday
    with pytest.raises(ValueError, match="fractions"):
        R.fraction_days(0, 0)


def test_sites_and_sources(recs):
    rec = recs[0]
    s = rec.sites.set_index("course_id")
    # 1.2 starts "About 10 days" + "Two weeks later" = day 24 and is flagged reconstructed
    assert s.loc["1.2", "rt_start_day"] == 24
    assert s.loc["1.2", "rt_start_day_source"] == "reconstructed"
    assert s.loc["6.1", "max_response_day"] == 84  # Table 1: 12 weeks
    p = rec.patients.set_index("patient_id")
    assert p.loc["1", "rt_end_day"] == 42 and p.loc["1", "max_response_day"] == 21
    assert set(p["max_response_day_source"]) == {"table1"}
    assert p.loc["5", "death_source"] == "case_narrative"
    assert p.loc["4", "relapse_source"] == p.loc["8", "relapse_source"] == "results_text"
    assert p.loc["3", "death_day_source"] == "reconstructed"
    assert (p["first_rt_start_day"] == 0).all()


# -- every kept constraint, recomputed with pandas --------------------------------------------------


def test_kept_constraints_hold_for_seeds_0_to_49(recs):
    for rec in recs:
        pt = rec.patients.set_index("patient_id")
        fu = pt["last_contact_day"] - pt["rt_end_day"]
        assert (fu == pt["followup_from_completion_days"]).all()
        # "a total of eight patients had died"; "125 days (31-260 days)" from completion
        dead = pt[pt["death"]]
        assert len(dead) == 8
        d = dead["death_day"] - dead["rt_end_day"]
        assert half_up(d.mean()) == 125 and d.min() == 31 and d.max() == 260
        assert (dead["last_contact_day"] == dead["death_day"]).all()
        assert pt.loc[~pt["death"], "death_day"].isna().all()
        # "mean duration of follow-up was 215 days (31-675 days)"
        assert half_up(fu.mean()) == 215 and fu.min() == 31 and fu.max() == 675
        # "Of the nine patients ... two patients (rectal cancer and urachal cancer)"
        assess = pt[pt["assessable_for_relief"]]
        assert len(assess) == 9
        assert set(pt.index[pt["relapse"]]) == {"4", "8"}
        assert pt.loc[["4", "8"], "assessable_for_relief"].all()
        # "The other seven ... mean duration of 205 days (70-481 days)", relief from maximal
        # response to death / last contact
        seven = assess[~assess["relapse"]]
        relief = seven["last_contact_day"] - seven["max_response_day"]
        assert len(seven) == 7
        assert half_up(relief.mean()) == 205 and relief.min() == 70 and relief.max() == 481
        assert (seven["relief_days"] == relief).all() and (seven["relief_event"] == 0).all()
        # Discussion "mean ... 6.8 months": 205 days / 30 = 6.83 -> 6.8 (kept; 30-day months)
        assert half_up(relief.mean() / 30 * 10) == 68
        # relapse "at one and two months ... after their maximal response"
        r = pt.loc[["8", "4"]]
        gap = r["relapse_day"] - r["max_response_day"]
        assert rounds_to_months(gap["8"], 1) and rounds_to_months(gap["4"], 2)
        assert (r["relief_event"] == 1).all() and (r["relief_days"] == gap).all()
        # order: maximal response < relapse; relief at RT end -> relapse after completion;
        # relapse before death, never after last contact
        assert (r["relapse_day"] > r["max_response_day"]).all()
        assert (r["relapse_day"] > r["rt_end_day"]).all()
        assert (r["relapse_day"] <= r["last_contact_day"]).all()
        assert (r.loc[r["death"], "relapse_day"] < r.loc[r["death"], "death_day"]).all()
        assert (pt["max_response_day"] <= pt["last_contact_day"]).all()
        # non-assessable: followed < 70 days after maximal response; no relief values
        other = pt[~pt["assessable_for_relief"]]
        assert ((other["last_contact_day"] - other["max_response_day"]) < 70).all()
        assert other["relief_days"].isna().all() and other["relief_event"].isna().all()
        # Patient 5 "is free of pain" ~17 months after completion, read at the time of writing:
        # 16.5 months * 30 = 495 days, minus the longest gap from cut-off to review start
        # (2021-03-01 .. 2021-12-20 = 294 days) = 201; 17.5 * 30.4375 = 532.7 -> 532 days.
        lo5 = 495 - (date(2021, 12, 20) - date(2021, 3, 1)).days
        assert lo5 == 201
        assert not pt.loc["5", "death"] and not pt.loc["5", "relapse"]
        assert lo5 <= fu["5"] <= 532
        # Patient 8 imaged "two months after" RT and "Three months later": >= 1.5 + 2.5 months
        # of 30 days = 120 days of follow-up.
        assert fu["8"] >= 120
        # Nothing after the cut-off: 2017-04-01 .. 2021-03-31 = 1460 days at most
        assert pt["last_contact_day"].max() <= (date(2021, 3, 31) - date(2017, 4, 1)).days
        # Table 1 weeks: mean 38/12 = 3.17 -> "three weeks (1-12 weeks)"
        weeks = (rec.sites["max_response_day"] - rec.sites["rt_start_day"]) / 7
        assert half_up(weeks.mean()) == 3 and weeks.min() == 1 and weeks.max() == 12
        # the module's own checks agree: every kept row holds
        ch = rec.checks
        assert ch.loc[ch["kept"], "holds"].all()
        assert set(ch.loc[~ch["kept"], "constraint_id"]) == DROPPED
        assert set(ch.loc[ch["status"] == "relaxed", "constraint_id"]) == RELAXED


def test_dropped_constraints_really_fail(recs):
    # Patient 8 "four months after the completion": 3.5 months * 30 = 105 days at least
    for rec in recs:
        pt = rec.patients.set_index("patient_id")
        assert pt.loc["8", "relapse_day"] - pt.loc["8", "rt_end_day"] < 105
        ch = rec.checks.set_index("constraint_id")
        assert not ch.loc["p8_relapse", "holds"] and not ch.loc["disc_median", "holds"]


def test_check_reconstruction_detects_tampering(recs, cons):
    rec = recs[3]
    assert R.check_reconstruction(rec, cons).equals(rec.checks)
    bad = dataclasses.replace(rec, patients=rec.patients.copy())
    i = bad.patients.index[bad.patients["death"]][0]
    for col in ("death_day", "last_contact_day", "followup_from_completion_days"):
        bad.patients.loc[i, col] += 40  # 8 deaths: mean moves by 5 days
    ch = R.check_reconstruction(bad).set_index("constraint_id")
    assert not ch.loc["death_mean", "holds"] and not ch.loc["fu_mean", "holds"]
    assert ch.loc["deaths_n", "holds"]


# -- determinism and the ensemble -----------------------------------------------------------------


def test_same_seed_same_frames(courses, patients, cons, recs):
    again = R.reconstruct(courses, patients, cons, seed=7)
    pd.testing.assert_frame_equal(again.patients, recs[7].patients)
    pd.testing.assert_frame_equal(again.sites, recs[7].sites)
    pd.testing.assert_frame_equal(again.checks, recs[7].checks)
    assert again.seed == 7
    assert not recs[0].patients.equals(recs[1].patients)


def test_ensemble(courses, patients, cons, recs):
    ens = R.ensemble(courses, patients, cons, n=200, seed=0)
    assert len(ens) == 200
    assert [r.seed for r in ens[:3]] == [0, 1, 2]
    pd.testing.assert_frame_equal(ens[11].patients, recs[11].patients)
    long = R.ensemble_frame(ens)
    assert len(long) == 200 * 11 and set(long["draw"]) == set(range(200))
    # spread: who died and when differs between draws
    per_draw = long.groupby("draw")["death_day"].apply(lambda s: tuple(s.fillna(-1)))
    assert per_draw.nunique() > 150
    assert long.groupby("patient_id")["followup_from_completion_days"].nunique().max() > 50
    # roles drawn at random: the 675-day survivor is a relapsing patient (4 or 8), both occur
    top = long.loc[long["followup_from_completion_days"] == 675, "patient_id"]
    assert set(top) == {"4", "8"}


# -- conflicts -------------------------------------------------------------------------------------


def test_conflicts_found_on_the_paper(courses, patients, cons):
    ks = R.find_conflicts(cons, courses, patients)
    by_drop = {k.dropped_ids: k for k in ks}
    assert set(by_drop) == {("disc_median",), ("p8_relapse",), ("p5_fractions",), ("p5_pain_free",)}

    med = by_drop[("disc_median",)]
    assert {"disc_median", "relief_mean", "relief_min", "relief_max"} <= set(med.constraint_ids)
    # 7 values, sum <= 7 * 205.5 -> 1438; 3*70 + 3*m + 481 <= 1438 -> m <= 249 days (8.3 months),
    # while 8.8 months is at least 8.75 * 30 = 262.5 days.
    assert "m <= 249" in med.description and "262.5" in med.description
    assert "Discussion para 4" in med.source_a and "Results para 2" in med.source_b
    assert med.resolution == "dropped" and "Discussion" in med.dropped

    p8 = by_drop[("p8_relapse",)]
    assert set(p8.constraint_ids) == {"relapse_rectal", "p8_relapse"}
    # maximal response day 14 + 15..45 days (one month) = days 29-59;
    # completion day 39 + 105..136 days (four months) = days 144-175
    assert "days 29-59" in p8.description and "days 144-175" in p8.description
    assert "does not remove" in p8.description  # 'two months' for patient 8 fails as well
    assert "Case presentation: Patient 8" in p8.source_b

    p5 = by_drop[("p5_pain_free",)]
    assert p5.resolution == "relaxed" and p5.relaxed_bounds == (201, 532)
    assert "relief_max" in p5.constraint_ids
    # 495 days after completion (day 8) = 489 days after maximal response (day 14) > 481
    assert "489" in p5.description and "fits the longest follow-up" in p5.description

    frac = by_drop[("p5_fractions",)]
    assert "7 fractions" in frac.description and "4 fractions" in frac.description


def test_hand_made_sets_without_conflict(courses, patients, cons):
    clean = [c for c in cons if c.constraint_id not in DROPPED | RELAXED]
    assert R.find_conflicts(clean, courses, patients) == []
    # Feasible variants of the conflicting statements give no conflict either:
    # median 7.0 months = 208.5-214.6 days <= 249; relief up to 600 days admits patient 5's
    # 489; patient 8 "one month after completion" = days 54-84 overlaps days 29-59.
    variants = {"disc_median": 7.0, "relief_max": 600.0, "p8_relapse": 1.0, "p5_fractions": 7.0}
    changed = [
        dataclasses.replace(c, value=variants[c.constraint_id])
        if c.constraint_id in variants
        else c
        for c in cons
    ]
    assert R.find_conflicts(changed, courses, patients) == []


def test_impossible_mean_is_detected(courses, patients, cons):
    # 7 relief values in 70..481 with both ends attained sum to at most 6*481 + 70 = 2956 days,
    # but a mean of 470 days needs 7 * 469.5 = 3286.5 -> at least 3287.
    changed = [
        dataclasses.replace(c, value=470.0) if c.constraint_id == "relief_mean" else c
        for c in cons
        if c.constraint_id not in DROPPED | RELAXED
    ]
    ks = R.find_conflicts(changed, courses, patients)
    (k,) = [k for k in ks if set(k.constraint_ids) == {"relief_mean", "relief_min", "relief_max"}]
    assert "3287" in k.description and "2956" in k.description
    # and the Discussion's 6.8 months (<= 205.5 days) no longer fits the Results mean either
    assert any(k.dropped_ids == ("disc_mean",) for k in ks)


def test_kept_median_is_enforced(courses, patients, cons):
    # Median 6.0 months (175-185 days with 30 / 30.44-day months) is possible (<= 249): kept and met.
    changed = [
        dataclasses.replace(c, value=6.0) if c.constraint_id == "disc_median" else c for c in cons
    ]
    rec = R.reconstruct(courses, patients, changed, seed=3)
    pt = rec.patients
    seven = pt[pt["assessable_for_relief"] & ~pt["relapse"]]
    assert rounds_to_months(seven["relief_days"].median(), 6.0, step=0.1)
    assert rec.checks.set_index("constraint_id").loc["disc_median", "kept"]
    # the same frames judged against the paper's constraints: the median is then dropped
    ch = R.check_reconstruction(rec, cons).set_index("constraint_id")
    assert not ch.loc["disc_median", "kept"] and ch.loc["relief_mean", "holds"]


def test_named_cancer_must_match(courses, patients, cons):
    wrong = [
        dataclasses.replace(c, applies_to="patient 8 (gastric cancer)")
        if c.constraint_id == "relapse_rectal"
        else c
        for c in cons
    ]
    with pytest.raises(ValueError, match="gastric"):
        R.find_conflicts(wrong, courses, patients)


# -- loader and arguments -------------------------------------------------------------------------

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
        ("b,fact,data_cutoff,2021-13,date,series,calendar month,q,Results para 3", "value", "date"),
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


def test_invalid_arguments(courses, patients, cons):
    with pytest.raises(ValueError, match="seed"):
        R.reconstruct(courses, patients, cons, seed=-1)
    with pytest.raises(ValueError, match="n must"):
        R.ensemble(courses, patients, cons, n=0)
    with pytest.raises(ValueError, match="courses"):
        R.reconstruct("courses", patients, cons)
    with pytest.raises(ValueError, match="same patient ids"):
        R.reconstruct(courses, patients.iloc[:5], cons)
    with pytest.raises(ValueError, match="count of deaths"):
        R.reconstruct(courses, patients, [c for c in cons if c.quantity != "deaths"])
