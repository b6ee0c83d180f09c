"""Dot plot of published median durations beside PlexRT (plexrt.charts.durations)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from plexrt.charts import style
from plexrt.charts.durations import MEASURE_NAMES, duration_figure
from tests.unit.literature_cases import FOOT, annotations


def _durations():
    return pd.DataFrame(
        {
            "label": ["Pub 1", "Pub 1", "Pub 2", "PlexRT", "PlexRT", "PlexRT", "Pub 3"],
            "measure": [
                "median_relief_months",
                "median_followup_months",
                "median_survival_months",
                "median_relief_months",
                "median_followup_months",
                "median_survival_months",
                "median_survival_months",
            ],
            "value": [3.5, 5.5, 5.5, 4.0, None, 6.0, None],
            "low": [None, None, None, 2.0, None, 3.0, None],
            "high": [None, None, None, 7.0, None, 9.5, None],
            "is_plexrt": [False, False, False, True, True, True, False],
            "reconstructed": [False, False, False, False, True, True, False],
        }
    )


def test_duration_markers_missing_values_absent_never_zero():
    fig = duration_figure(_durations(), footnote=FOOT)
    markers = [t for t in fig.data if t.mode == "markers"]
    # Pub 1, Pub 2, PlexRT have values; Pub 3 has none and gets no trace.
    assert [t.meta["label"] for t in markers] == ["Pub 1", "Pub 2", "PlexRT"]
    xs = {t.meta["label"]: np.asarray(t.x, dtype=float) for t in markers}
    np.testing.assert_allclose(xs["Pub 1"], [3.5, 5.5])
    np.testing.assert_allclose(xs["Pub 2"], [5.5])
    np.testing.assert_allclose(xs["PlexRT"], [4.0, 6.0])  # follow-up missing: not drawn
    assert sum(len(x) for x in xs.values()) == 5
    assert all((x != 0).all() for x in xs.values())


def test_duration_rows_are_measures_in_words():
    fig = duration_figure(_durations(), footnote=FOOT)
    assert list(fig.layout.yaxis.ticktext) == list(MEASURE_NAMES.values())
    assert list(MEASURE_NAMES.values()) == [
        "Median duration of pain relief",
        "Median follow-up",
        "Median survival",
    ]
    plexrt = next(t for t in fig.data if t.mode == "markers" and t.meta["label"] == "PlexRT")
    # Relief row 0, survival row 2 (the missing follow-up leaves row 1 empty for PlexRT).
    np.testing.assert_array_equal(np.rint(np.asarray(plexrt.y, dtype=float)), [0, 2])


def test_duration_reconstructed_values_hollow_with_note():
    fig = duration_figure(_durations(), footnote=FOOT)
    plexrt = next(t for t in fig.data if t.mode == "markers" and t.meta["label"] == "PlexRT")
    symbols = list(plexrt.marker.symbol)
    assert not symbols[0].endswith("-open")  # relief: not reconstructed
    assert symbols[1].endswith("-open")  # survival: reconstructed
    others = [t for t in fig.data if t.mode == "markers" and t.meta["label"] != "PlexRT"]
    assert all(not str(s).endswith("-open") for t in others for s in t.marker.symbol)
    assert plexrt.marker.color != others[0].marker.color
    (note,) = annotations(fig, "reconstructed_note")
    assert "PlexRT values rest on reconstructed times" in note.text
    assert annotations(fig, "reconstructed")  # house-style banner as well

    published = duration_figure(_durations().assign(reconstructed=False), footnote=FOOT)
    assert annotations(published, "reconstructed_note") == []


def test_duration_ci_lines_for_plexrt():
    fig = duration_figure(_durations(), footnote=FOOT)
    lines = {t.meta["measure"]: t for t in fig.data if t.meta and t.meta.get("role") == "ci"}
    assert set(lines) == {"median_relief_months", "median_survival_months"}
    np.testing.assert_allclose(np.asarray(lines["median_relief_months"].x, dtype=float), [2, 7])
    np.testing.assert_allclose(np.asarray(lines["median_survival_months"].x, dtype=float), [3, 9.5])
    assert len(fig.data) == 3 + 2  # three marker traces, two interval lines
    assert style.footnote_text(fig) == FOOT
    assert fig.layout.xaxis.title.text == "Months"


def test_duration_open_upper_limit_drawn_to_the_edge():
    rows = _durations()
    rows.loc[5, "high"] = None  # survival upper limit not reached
    fig = duration_figure(rows, footnote=FOOT)
    line = next(
        t
        for t in fig.data
        if t.meta.get("role") == "ci" and t.meta["measure"].endswith("survival_months")
    )
    x = np.asarray(line.x, dtype=float)
    assert x[0] == 3 and math.isclose(x[1], fig.layout.xaxis.range[1])
    assert line.line.dash == "dash"


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("measure", "mean_survival_months", "unknown measure"),
        ("value", -1.0, "negative"),
        ("low", 4.5, "contain"),
    ],
)
def test_duration_rejects_bad_rows(column, value, message):
    rows = _durations()
    rows.loc[3, column] = value
    with pytest.raises(ValueError, match=message):
        duration_figure(rows, footnote=FOOT)


def test_duration_requires_columns_and_footnote():
    with pytest.raises(ValueError, match="missing column"):
        duration_figure(_durations().drop(columns="measure"), footnote=FOOT)
    with pytest.raises(ValueError, match="footnote"):
        duration_figure(_durations(), footnote="  ")


def test_duration_hovers_word_the_interval_as_every_surface_does():
    # The median's 95% CI reads "low to high" (r_conventions.interval_words), never with a dash,
    # on the marker and on the interval line; an open upper limit reads "to not reached".
    rows = _durations()
    rows.loc[5, "high"] = None
    fig = duration_figure(rows, footnote=FOOT)
    plexrt = next(t for t in fig.data if t.mode == "markers" and t.meta["label"] == "PlexRT")
    assert list(plexrt.text) == [
        "<b>PlexRT</b><br>Median duration of pain relief: 4.0 months<br>95% CI 2.0 to 7.0",
        "<b>PlexRT</b><br>Median survival: 6.0 months<br>95% CI 3.0 to not reached"
        "<br>rests on reconstructed times",
    ]
    lines = [str(t.hovertemplate) for t in fig.data if t.meta.get("role") == "ci"]
    assert lines == [
        "PlexRT: median 4.0 months, 95% CI 2.0 to 7.0<extra></extra>",
        "PlexRT: median 6.0 months, 95% CI 3.0 to not reached<extra></extra>",
    ]
    assert not any("–" in h for h in [*plexrt.text, *lines])
