"""Issue 14 leftovers: groups too small to compare are named (the Pain page offers an undo); the
competing-risks method names relapse and death, not event codes; a slide's methods in full reach
the speaker notes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from plexrt.clinical import pain_views
from plexrt.clinical.endpoints import MIN_GROUP_N, relapse_competing_risks
from plexrt.clinical.response_summary import single_group_factors
from plexrt.stats.survival import cumulative_incidence, one_minus_km


def _sites(muscles: list[str], weeks: list[float | None]) -> pd.DataFrame:
    n = len(muscles)
    return pd.DataFrame(
        {
            "course_id": [f"{i + 1}.1" for i in range(n)],
            "patient_id": [str(i + 1) for i in range(n)],
            "involved_muscle": muscles,
            "weeks_to_max_response": weeks,
        }
    )


def test_time_to_max_groups_under_the_minimum_are_named():
    # 5 psoas sites (the minimum, so not small), 2 piriformis sites with a known time, 1 without
    df = _sites(["psoas"] * 5 + ["piriformis"] * 3, [1, 2, 3, 4, 5, 2, 6, None])
    assert MIN_GROUP_N == 5
    small = pain_views.small_groups(pain_views.time_to_max(df, "involved_muscle"))
    assert small == ["Piriformis: n = 2 sites"]
    # one site: singular; the group in its clinical label (data.vocab)
    one = _sites(["psoas"] * 5 + ["piriformis"], [1, 2, 3, 4, 5, 2])
    assert pain_views.small_groups(pain_views.time_to_max(one, "involved_muscle")) == [
        "Piriformis: n = 1 site"
    ]
    # not grouped: nothing to compare, nothing named
    assert pain_views.small_groups(pain_views.time_to_max(df, None)) == []


def test_factors_left_with_one_group_are_named():
    sub = pd.DataFrame(
        {
            "factor": ["Involved muscle", "Intent", "Intent", "Primary group"],
            "level": ["piriformis", "local control", "palliative", "gynecological"],
        }
    )
    assert single_group_factors(sub) == [
        "Involved muscle (piriformis only)",
        "Primary group (gynecological only)",
    ]
    assert single_group_factors(sub.iloc[1:3]) == []
    assert single_group_factors(sub.iloc[0:0]) == []


def test_competing_risks_method_speaks_of_relapse_and_death():
    t = np.array([1.0, 2.0, 3.0, 4.0])
    codes = np.array([1, 2, 0, 1])
    names = ("relapse of pain", "death before relapse")
    note = cumulative_incidence(t, codes, 1, names=names).method_note
    assert note.startswith(
        "Aalen-Johansen cumulative incidence of relapse of pain with death before relapse as "
        "competing risks"
    )
    omk = one_minus_km(t, codes, 1, names=names).attrs["method_note"]
    assert omk.startswith("1 minus Kaplan-Meier for relapse of pain, with death before relapse")
    # without names the codes are all the method knows
    assert "event type 1" in cumulative_incidence(t, codes, 1).method_note


def test_relapse_analysis_names_its_events(con):
    from plexrt.data import store

    events = store.events(con)
    res = relapse_competing_risks(events, events["patient_id"].unique())
    assert res is not None
    cif, omk = res
    for note in (cif.method_note, omk.attrs["method_note"]):
        assert "relapse of pain" in note and "event type" not in note


def test_speaker_notes_carry_the_methods_a_short_footnote_leaves_out():
    import plotly.graph_objects as go

    from plexrt.charts import style
    from plexrt.export.board_pack import footnote_lines

    fig = style.apply(go.Figure(), footnote="Cohort: n = 12 sites<br>Methods in full: notes.")
    assert style.methods_of(fig) == []
    style.set_methods(fig, ("Greenwood variance, log-log CI.", "Months of 30.44 days."))
    assert footnote_lines(fig) == [
        "Cohort: n = 12 sites",
        "Methods in full: notes.",
        "Greenwood variance, log-log CI.",
        "Months of 30.44 days.",
    ]
    # kept through a copy (the pack and the presentation draw copies)
    assert style.methods_of(go.Figure(fig)) == [
        "Greenwood variance, log-log CI.",
        "Months of 30.44 days.",
    ]
