"""The mean weeks to maximum response read with halves rounded up (``values.half_up``), as every
other one-decimal figure of PlexRT: the Cohort page and the board's key figures (pack, handout,
report) agreed with neither the time-to-maximum chart nor a clinician's reading."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from plexrt.clinical import cohort_summary


def _half_up(values: list[float]) -> str:
    mean = Decimal(sum(Decimal(str(v)) for v in values)) / len(values)
    return str(mean.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def test_a_mean_of_weeks_ending_in_a_half_reads_rounded_up():
    # Weeks 1, 2, 3 and 11: mean 4.25 exactly. f"{4.25:.1f}" gives '4.2' (a binary half goes to
    # the even digit); the chart's footnote says 4.25, a clinician reads 4.3.
    weeks = [1.0, 2.0, 3.0, 11.0]
    expected = _half_up(weeks)
    assert expected == "4.3"
    text = cohort_summary.weeks_to_max_text(pd.Series(weeks))
    assert text == f"mean {expected} weeks (range 1–11), n = 4 sites"
    s = cohort_summary.summarise(_sites(weeks))
    assert cohort_summary.texts(s).weeks_to_max == f"{expected} (1–11)"


def test_the_cohort_page_figures_round_halves_up():
    # fmt, the Cohort page's one-decimal number: 0.25 -> '0.3', 2.675 -> '2.7' (2.675 is stored a
    # hair below in binary: f"{2.675:.2f}" = '2.67'), -0.25 -> '-0.3'.
    assert cohort_summary.fmt(0.25) == "0.3"
    assert cohort_summary.fmt(2.675, 2) == "2.68"
    assert cohort_summary.fmt(-0.25) == "-0.3"
    assert cohort_summary.fmt(7.0) == "7"
    assert cohort_summary.fmt(None) == "not available"


def _sites(weeks: list[float]) -> pd.DataFrame:
    n = len(weeks)
    return pd.DataFrame(
        {
            "course_id": [f"{i}.1" for i in range(1, n + 1)],
            "patient_id": [str(i) for i in range(1, n + 1)],
            "age": [60] * n,
            "sex": ["F"] * n,
            "nrs_before": [8] * n,
            "nrs_after": [2] * n,
            "weeks_to_max_response": weeks,
        }
    )
