"""A rate at a fixed time in words (plexrt.clinical.tte_rates.rate_text): an interval that cannot be
computed is said so, in the board's exports as in the Time-to-event table, never 'nan'."""

from __future__ import annotations

import dataclasses
import math

import pandas as pd
import pytest

from plexrt.board.time_to_event import cif_panel, relapse_at
from plexrt.clinical import tte_rates

NAN = math.nan


@pytest.mark.parametrize(
    ("estimate", "low", "high", "text"),
    [
        (2 / 9, 0.03, 0.51, "22% (95% CI 3–51%)"),  # 22.2% -> 22
        (0.5, 0.0, 1.0, "50% (95% CI 0–100%)"),
        (1.0, NAN, NAN, "100% (CI not estimable)"),
        (0.0, NAN, 0.2, "0% (CI not estimable)"),
        (1.0, 0.4, math.inf, "100% (CI not estimable)"),
        (NAN, NAN, NAN, "not estimable"),
    ],
)
def test_a_rate_and_its_interval_in_words(estimate, low, high, text):
    assert tte_rates.rate_text(estimate, low, high) == text


def test_the_table_of_rates_says_the_same():
    rows = pd.DataFrame(
        {
            "months": [3, 6],
            "estimate": [0.5, 1.0],
            "low": [0.1, NAN],
            "high": [0.9, NAN],
            "member_low": [NAN, NAN],
            "member_high": [NAN, NAN],
        }
    )
    table = tte_rates.fixed_time_table(rows, "Relapse")
    assert table["Relapse"].tolist() == ["50% (95% CI 10–90%)", "100% (CI not estimable)"]


def test_one_patient_relapsed_by_six_months_has_no_interval_and_it_is_said(inp):
    # Patient 8 of Sanuki 2022 relapsed 42 days after the maximum response (bundled events): the
    # incidence by 6 months is 1 of 1, whose Aalen-Johansen interval does not exist.
    one = dataclasses.replace(inp, sites=inp.sites[inp.sites["patient_id"].astype(str) == "8"])
    assert relapse_at(one) == ("Relapse by 6 months: 100% (CI not estimable).",) * 2
    panel = cif_panel(one)
    assert panel is not None
    for text in (panel.footnote, *panel.methods):
        assert "nan" not in text.lower()
    assert "Relapse by 6 months: 100% (CI not estimable)." in panel.footnote


def test_the_relapse_slide_states_the_rate_and_the_month_once(inp):
    # Real times give the same relapse line in full and short: the footnote carries it, and the
    # methods (which the speaker notes, report and presentation mode give after the footnote)
    # must not repeat it, nor the month's length the footnote's method line already states.
    one = dataclasses.replace(inp, sites=inp.sites[inp.sites["patient_id"].astype(str) == "8"])
    panel = cif_panel(one)
    assert panel is not None
    notes = " ".join([*panel.footnote.split("<br>"), *panel.methods])
    assert notes.count("Relapse by 6 months") == 1
    assert notes.count("30.44 days") == 1


def _events(rows: list[tuple]) -> pd.DataFrame:
    """Real-time events (no ``*_source`` columns): patient, RT end, last contact, death,
    max response, relief end, relapse (days from the first RT start)."""
    cols = ["patient_id", "rt_end_day", "last_contact_day", "death", "max_response_day"]
    cols += ["relief_end_day", "relapse"]
    d = pd.DataFrame(rows, columns=cols)
    return d.assign(assessable_for_relief=True)


def test_a_rate_past_the_follow_up_of_a_curve_that_ends_censored_is_not_invented():
    # Relief: five patients each censored alive 30-60 days after their maximum response, nobody
    # followed 3 months (91.3 days). Carrying the last value forward said '100% still relieved
    # (95% CI 100-100%)' at 3, 6 and 12 months, and 'Relapse by 6 months: 0% (95% CI 0-0%)'.
    rows = [(str(i), 10, 10 + 20 + 10 * i, False, 20, 20 + 30 + 10 * i, False) for i in range(4)]
    rows.append(("4", 10, 70, False, 20, 70, False))
    events = _events(rows)
    pids = events["patient_id"].tolist()
    relief = tte_rates.rates_at(events, [], pids, "relief")
    assert relief["beyond_follow_up"].tolist() == [True, True, True]
    assert relief["estimate"].isna().all()
    table = tte_rates.fixed_time_table(relief, "Still relieved")
    assert table["Still relieved"].tolist() == [tte_rates.BEYOND_FOLLOW_UP] * 3
    cif = tte_rates.relapse_incidence_at(events, [], pids, (1, 6))
    # by 1 month (30.4 days) every patient is still followed and none relapsed: 0 of 5
    assert cif["estimate"].iloc[0] == 0 and not cif["beyond_follow_up"].iloc[0]
    assert cif["beyond_follow_up"].tolist() == [False, True]
    assert "nan" not in tte_rates.fixed_time_table(cif, "Relapse").to_string().lower()


def test_a_curve_that_ends_with_an_event_is_known_past_it():
    # Survival: deaths at 30, 60 and 60 days after RT end, one censored at 45. Kaplan-Meier by
    # hand: 3/4 after day 30, then 0 at day 60 (the two left both died), so 0 at 3 months too.
    rows = [
        ("a", 10, 40, True, 20, 40, False),
        ("b", 10, 55, False, 20, 55, False),
        ("c", 10, 70, True, 20, 70, False),
        ("d", 10, 70, True, 20, 70, False),
    ]
    events = _events(rows)
    rates = tte_rates.rates_at(events, [], events["patient_id"].tolist(), "survival", months=(1, 3))
    assert not rates["beyond_follow_up"].any()
    assert rates["estimate"].tolist() == pytest.approx([3 / 4, 0.0])


def test_no_interval_is_claimed_where_no_patient_had_the_event_yet():
    # Survival from RT end (day 10): one patient censored alive at day 40 (30 days), three followed
    # 400 days alive, one dead at 200 days. At 3 months (91.3 days) the Kaplan-Meier survival is
    # 1 (no death yet), and R's survfit_confint on the log(-log) scale gives NA there
    # (xx <- ifelse(p == 0 | p == 1, NA, p)): the interval was shown as '100% (95% CI 100–100%)'.
    # At 12 months (365.25 days): one death among the 4 still at risk at day 200 -> S = 3/4, whose
    # log(-log) interval exists (checked against lifelines below).
    rows = [("a", 10, 40, False, 20, 40, False)]
    rows += [(f"b{i}", 10, 410, False, 20, 410, False) for i in range(3)]
    rows.append(("c", 10, 210, True, 20, 210, False))
    events = _events(rows)
    pids = events["patient_id"].tolist()
    rates = tte_rates.rates_at(events, [], pids, "survival", months=(3, 12))
    assert rates["estimate"].tolist() == pytest.approx([1.0, 3 / 4])
    table = tte_rates.fixed_time_table(rates, "Alive")
    assert table["Alive"].iloc[0] == "100% (CI not estimable)"
    from lifelines import KaplanMeierFitter

    kmf = KaplanMeierFitter().fit([30, 400, 400, 400, 200], [0, 0, 0, 0, 1])
    ci = kmf.confidence_interval_survival_function_.loc[200.0]
    assert rates["low"].iloc[1] == pytest.approx(ci.iloc[0], abs=1e-12)
    assert rates["high"].iloc[1] == pytest.approx(ci.iloc[1], abs=1e-12)
    # Relapse: nobody relapsed by 1 month, incidence 0; its log(-log) interval does not exist
    # (lifelines' AalenJohansenFitter gives NaN limits at an incidence of 0), was '0% (95% CI 0–0%)'.
    cif = tte_rates.relapse_incidence_at(events, [], pids, (1,))
    assert cif["estimate"].iloc[0] == 0
    text = tte_rates.fixed_time_table(cif, "Relapse")["Relapse"].iloc[0]
    assert text == "0% (CI not estimable)"


def test_pooled_rates_claim_no_interval_where_no_reconstruction_had_the_event_yet():
    # The same five patients as reconstructed times, two reconstructions agreeing: at 3 months
    # every reconstruction is at survival 1, so the pooled survival is 1 and its log(-log)
    # interval does not exist either (was '100% (95% CI 100–100%)'). At 12 months each is at 3/4.
    rows = [("a", 10, 40, False, 20, 40, False)]
    rows += [(f"b{i}", 10, 410, False, 20, 410, False) for i in range(3)]
    rows.append(("c", 10, 210, True, 20, 210, False))
    events = _events(rows).assign(last_contact_day_source="reconstructed")
    pids = events["patient_id"].tolist()
    rates = tte_rates.rates_at(events, [events, events], pids, "survival", months=(3, 12))
    assert rates.attrs["m"] == 2
    assert rates["estimate"].tolist() == pytest.approx([1.0, 3 / 4])
    assert rates["low"].isna().tolist() == [True, False]
    assert (
        tte_rates.fixed_time_table(rates, "Alive")["Alive"]
        .iloc[0]
        .startswith("100% (CI not estimable)")
    )
