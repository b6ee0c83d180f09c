"""Paired before/after figure (plexrt.charts.paired) drawn from pain_views.paired_data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from plexrt.charts import style
from plexrt.charts.paired import site_positions
from plexrt.clinical import pain_views
from plexrt.data import store
from tests.unit.pain_cases import FOOT, TABLE1_NRS, paired, trace, with_site


@pytest.fixture(scope="module")
def df(con) -> pd.DataFrame:
    return store.cohort(con)


def test_paired_medians_and_lines(df):
    fig = paired(df, footnote=FOOT)
    med = trace(fig, "Median")
    # Before: sorted 3,3,4,4,4,4,5,8,8,8,8,9 -> (4 + 5) / 2 = 4.5. After: nine 0s, 1, 3, 3 -> 0.
    assert list(np.asarray(med.y, dtype=float)) == [4.5, 0.0]
    assert list(np.asarray(med.x, dtype=float)) == [0.0, 1.0]
    labels = [a.text for a in fig.layout.annotations if a.name == "median label"]
    assert any("4.5" in t for t in labels) and any(t.endswith("0</b>") for t in labels)
    sites = trace(fig, "Sites (n = 12)")
    ys = [y for y in sites.y if y is not None]
    pairs = list(zip(ys[0::2], ys[1::2], strict=True))
    assert sorted(pairs) == sorted(TABLE1_NRS.values())
    assert list(fig.layout.yaxis.range) == [-0.5, 10.5]
    assert list(fig.layout.xaxis.ticktext) == ["Before RT", "RT completion"]
    assert style.footnote_text(fig).startswith(FOOT)


def test_paired_jitter_is_deterministic_small_and_separates_sites(df):
    a = site_positions(pain_views.paired_data(df))
    b = site_positions(pain_views.paired_data(df.iloc[::-1]))
    assert list(a["x_before"]) == list(b["x_before"])
    assert a["x_before"].abs().max() <= 0.2 + 1e-12
    assert a["x_before"].is_unique
    np.testing.assert_allclose(a["x_after"] - a["x_before"], 1.0)
    # 1.2, 10.1 and 11.1 all go 8 -> 0: their lines must not coincide.
    same = a[a["course_id"].isin(["1.2", "10.1", "11.1"])]
    assert same["x_before"].nunique() == 3


def test_paired_leaves_out_site_with_missing_score(df):
    extra = with_site(df, "12.1", before=5, after=0)
    extra.loc[extra["course_id"] == "12.1", "nrs_after"] = None
    data = pain_views.paired_data(extra)
    assert len(data) == 12 and list(data.attrs["not_assessable"]) == ["12.1"]
    assert "12.1" in style.footnote_text(paired(extra, footnote=FOOT))
