"""Weeks to maximum response figure (plexrt.charts.time_to_max) drawn from pain_views.time_to_max."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from plexrt.charts import style
from plexrt.clinical import pain_views
from plexrt.data import store
from tests.unit.pain_cases import FOOT, time_to_max, trace


@pytest.fixture(scope="module")
def df(con) -> pd.DataFrame:
    return store.cohort(con)


def test_time_to_max_figure_by_muscle(df):
    fig = time_to_max(df, "involved_muscle", footnote=FOOT)
    psoas = trace(fig, "Psoas")
    assert sorted(np.asarray(psoas.y, dtype=float)) == [1, 2, 2, 3, 3, 3, 4, 4]
    # Equal weeks are spread sideways: no two dots share a position.
    pos = zip(np.round(np.asarray(psoas.x, dtype=float), 9), psoas.y, strict=True)
    assert len(set(pos)) == 8
    assert np.all(np.abs(np.asarray(psoas.x, dtype=float)) <= 0.3 + 1e-12)
    assert list(np.asarray(trace(fig, "Psoas mean").y, dtype=float)) == [2.75]
    assert list(np.asarray(trace(fig, "Psoas median").y, dtype=float)) == [3.0, 3.0]
    assert list(np.asarray(trace(fig, "Piriformis mean").y, dtype=float)) == [4.0]
    assert list(np.asarray(trace(fig, "Piriformis median").y, dtype=float)) == [1.5, 1.5]
    assert trace(fig, "Psoas mean").marker.symbol == "diamond-open"
    assert list(fig.layout.xaxis.ticktext) == ["Psoas<br>n = 8", "Piriformis<br>n = 4"]
    foot = style.footnote_text(fig)
    assert foot.startswith(FOOT)
    assert "Psoas: n = 8, mean 2.75, median 3, range 1–4 weeks" in foot
    assert "Piriformis: n = 4, mean 4, median 1.5, range 1–12 weeks" in foot


def test_time_to_max_figure_all_sites_and_bad_group(df):
    fig = time_to_max(df, footnote=FOOT)
    # Mean 38 / 12 = 3.1666... shown as 3.17.
    assert "All sites: n = 12, mean 3.17, median 2.5, range 1–12 weeks" in style.footnote_text(fig)
    with pytest.raises(ValueError, match="group_by"):
        time_to_max(df, "muscle", footnote=FOOT)
    with pytest.raises(ValueError, match="group_by"):
        pain_views.time_to_max_summary(df, "sex")
