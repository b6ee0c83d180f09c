"""The dose plot of a large cohort (more than ``charts.scale.SUMMARY_ABOVE`` sites): one dot per
regimen and change in NRS, its area by its sites, instead of a point per site (about 3.6 CPU s of
the export browser per picture and 2.6 MB of the HTML report at 100,000 sites). Counts are checked
against Table 1 of Sanuki 2022 repeated, by hand; EQD2 is computed once per regimen."""

from __future__ import annotations

import numpy as np
import pandas as pd

from plexrt.charts import scale, style
from plexrt.charts.dose import dose_response_figure
from plexrt.clinical import dose, large_views, pain_views
from tests.unit.pain_cases import COPIES

# Table 1 by hand, per regimen (EQD2 at alpha/beta 10 Gy, tests/unit/test_charts_dose.py) and
# change in NRS (after - before, pain_cases.TABLE1_NRS): the sites of each pair.
#   21 Gy/7 (22.75): 5.1 -4
#   30 Gy/10 (32.5): 11.1 -8, 7.1 -4, 9.1 -3
#   39 Gy/13 (42.25): 1.1 -9, 1.2 and 10.1 -8
#   54 Gy/30 (53.1): 2.1 -4, 8.1 -3
#   59.4 Gy/33 (58.41): 3.1 -3, 6.1 -2
#   60 Gy/30 (60): 4.1 -5
DOSE_COUNTS_BY_HAND = [
    ("21 Gy/7", 22.75, -4.0, 1),
    ("30 Gy/10", 32.5, -8.0, 1),
    ("30 Gy/10", 32.5, -4.0, 1),
    ("30 Gy/10", 32.5, -3.0, 1),
    ("39 Gy/13", 42.25, -9.0, 1),
    ("39 Gy/13", 42.25, -8.0, 2),
    ("54 Gy/30", 53.1, -4.0, 1),
    ("54 Gy/30", 53.1, -3.0, 1),
    ("59.4 Gy/33", 58.41, -3.0, 1),
    ("59.4 Gy/33", 58.41, -2.0, 1),
    ("60 Gy/30", 60.0, -5.0, 1),
]


def test_dose_counts_counts_each_regimen_and_change_and_leaves_out_unknown_change():
    sites = pd.DataFrame(
        {
            "regimen": ["39 Gy/13", "30 Gy/10", "39 Gy/13", "39 Gy/13", "30 Gy/10"],
            "eqd2": [42.25, 32.5, 42.25, 42.25, 32.5],
            "change": [-8.0, -3.0, -8.0, -2.0, np.nan],
        }
    )
    assert large_views.dose_counts(sites).to_dict("records") == [
        {"regimen": "30 Gy/10", "eqd2": 32.5, "change": -3.0, "n_sites": 1},
        {"regimen": "39 Gy/13", "eqd2": 42.25, "change": -8.0, "n_sites": 2},
        {"regimen": "39 Gy/13", "eqd2": 42.25, "change": -2.0, "n_sites": 1},
    ]


def test_dose_counts_of_table1_repeated(large):
    got = large_views.dose_counts(pain_views.dose_response_data(large))
    rows = [(r.regimen, round(r.eqd2, 6), r.change, r.n_sites) for r in got.itertuples(index=False)]
    assert rows == [(g, e, c, n * COPIES) for g, e, c, n in DOSE_COUNTS_BY_HAND]


def test_a_large_dose_plot_has_one_dot_per_regimen_and_change(large):
    assert len(large) > scale.SUMMARY_ABOVE
    fig = dose_response_figure(pain_views.dose_response(large), footnote="cohort")
    assert len(fig.data) == 6  # a trace per regimen, as below the threshold
    dots = [
        (h.split(":")[0], round(float(x), 6), float(y), float(s))
        for t in fig.data
        for x, y, s, h in zip(t.x, t.y, t.marker.size, t.hovertext, strict=True)
    ]
    # one dot per (regimen, change), at the regimen's exact EQD2 (no sideways spread), its size
    # (area) the sites
    assert sorted(dots) == sorted(
        (g, e, c, float(n * COPIES)) for g, e, c, n in DOSE_COUNTS_BY_HAND
    )
    hovers = [h for t in fig.data for h in t.hovertext]
    assert f"39 Gy/13: EQD2 42.25 Gy (α/β 10 Gy)<br>change -8: {2 * COPIES:,} sites" in hovers
    assert all(t.marker.sizeref == 2 * COPIES / scale.COUNT_DOT_MAX**2 for t in fig.data)
    note = style.footnote_text(fig)
    assert f"{len(large):,} sites (more than {scale.SUMMARY_ABOVE:,})" in note
    assert f"({len(DOSE_COUNTS_BY_HAND)} dots)" in note
    assert f"n = {2 * COPIES:,} the largest" in note
    assert "one point per site;" not in note


def test_at_the_threshold_the_dose_plot_keeps_a_point_per_site(large):
    fig = dose_response_figure(
        pain_views.dose_response(large.iloc[: scale.SUMMARY_ABOVE]), footnote="cohort"
    )
    assert sum(len(t.x) for t in fig.data) == scale.SUMMARY_ABOVE
    assert all(t.marker.size in (12, 12.0) for t in fig.data)
    note = style.footnote_text(fig).replace("<br>", " ")  # the words, wherever a line breaks
    assert "one point per site; coincident points" in note


def test_eqd2_is_computed_once_per_regimen_whatever_the_sites(large, monkeypatch):
    calls = []
    real = dose.eqd2

    def counted(total_gy, fractions, alpha_beta=dose.DEFAULT_ALPHA_BETA):
        calls.append((total_gy, fractions))
        return real(total_gy, fractions, alpha_beta)

    monkeypatch.setattr(dose, "eqd2", counted)
    sites = pain_views.dose_response_data(large, 10.0)
    assert len(calls) == 6  # 6 regimens, 312 sites
    by_hand = {g: e for g, e, _, _ in DOSE_COUNTS_BY_HAND}
    np.testing.assert_allclose(sites["eqd2"], [by_hand[g] for g in sites["regimen"]])
    assert pain_views.dose_response_data(large.iloc[:0], 10.0)["eqd2"].tolist() == []


# Twelve regimens between 20 and 36 Gy EQD2: their labels centred on their EQD2 would need more
# rows above the plot than it can spare (ten, at 2,000 sites of a registry, seen on a slide).
MANY_REGIMENS = [
    (8, 1), (20, 5), (25, 5), (30, 10), (36, 12), (24, 6),
    (27, 9), (21, 7), (30, 12), (28, 8), (32, 16), (26, 13),
]  # fmt: skip


def _with_regimens(large: pd.DataFrame, regimens) -> pd.DataFrame:
    out = large.copy()
    picks = [regimens[i % len(regimens)] for i in range(len(out))]
    out["dose_gy"] = [float(d) for d, _ in picks]
    out["fractions"] = [f for _, f in picks]
    return out


def _labels(fig) -> list[str]:
    return [a.text for a in fig.layout.annotations if a.name == "regimen label"]


def test_too_many_regimens_for_labels_are_named_in_a_legend_above_the_plot(large):
    fig = dose_response_figure(
        pain_views.dose_response(_with_regimens(large, MANY_REGIMENS)), footnote="cohort"
    )
    assert _labels(fig) == []
    assert fig.layout.showlegend is True and fig.layout.legend.orientation == "h"
    names = [t.name for t in fig.data]
    assert len(names) == len(MANY_REGIMENS) and all(" (n = " in n for n in names)
    guides = [s for s in fig.layout.shapes if s.name == "regimen guide"]
    assert len(guides) == len({dose.eqd2(d, f) for d, f in MANY_REGIMENS})
    # Table 1's six regimens keep their labels above the plot and no legend
    few = dose_response_figure(pain_views.dose_response(large), footnote="cohort")
    assert len(_labels(few)) == 6 and not few.layout.showlegend
    assert "21 Gy/7 (n = " in _labels(few)[0]
