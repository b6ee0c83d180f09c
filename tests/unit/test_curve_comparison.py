"""Published curves beside the bundled series (plexrt.clinical.curve_comparison): the test and the
hazard ratio checked against statsmodels, labels that say what the curves are."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.duration.hazard_regression import PHReg
from statsmodels.duration.survfunc import survdiff

from plexrt.clinical.curve_comparison import (
    compare_curves,
    curve_label,
    flagged,
    published_curves,
)
from plexrt.data.curve_schema import CURVE_FLAG

BUNDLED = pd.DataFrame({"duration_days": [30, 60, 60, 90, 120, 200], "event": [1, 1, 0, 1, 0, 1]})
PUBLISHED = pd.DataFrame(
    {"duration_days": [20, 45, 50, 80, 80, 150, 210, 300], "event": [1, 1, 1, 0, 1, 1, 0, 0]}
)


def test_logrank_and_hazard_ratio_against_statsmodels():
    cmp = compare_curves(BUNDLED, "Sanuki 2022", [("Smith 2023: curve", PUBLISHED)])
    t = np.concatenate([BUNDLED["duration_days"], PUBLISHED["duration_days"]]).astype(float)
    e = np.concatenate([BUNDLED["event"], PUBLISHED["event"]])
    g = np.array([0] * len(BUNDLED) + [1] * len(PUBLISHED))
    chisq, p = survdiff(t, e, g)
    assert cmp.logrank.statistic == pytest.approx(chisq, rel=1e-9)
    assert cmp.logrank.p_value == pytest.approx(p, rel=1e-9)
    fit = PHReg(t, g.reshape(-1, 1).astype(float), status=e, ties="efron").fit()
    hr = cmp.cox.table.set_index("group").loc["Smith 2023: curve", "hazard_ratio"]
    assert hr == pytest.approx(np.exp(fit.params[0]), rel=1e-5)
    assert cmp.reference == "Sanuki 2022"
    assert [label for label, _ in cmp.curves] == ["Sanuki 2022", "Smith 2023: curve"]
    assert cmp.published == ("Smith 2023: curve",)


def test_without_bundled_counterpart_only_curves():
    cmp = compare_curves(None, "Sanuki 2022", [("A", PUBLISHED), ("B", BUNDLED)])
    assert [label for label, _ in cmp.curves] == ["A", "B"]
    assert cmp.logrank is None and cmp.cox is None and cmp.reference is None


def test_published_curves_by_outcome_and_labels():
    meta = pd.DataFrame(
        {
            "series_key": ["user-smith2023-aa", "user-smith2023-bb", "user-lee2020-cc"],
            "citation": ["Smith", "Smith", "Lee"],
            "arm": ["RT arm", None, None],
            "outcome": ["overall_survival", "overall_survival", "duration_of_relief"],
        }
    )
    ipd = pd.DataFrame(
        {
            "series_key": ["user-smith2023-aa"] * 2 + ["user-smith2023-bb", "user-lee2020-cc"],
            "time_days": [10.0, 20.0, 5.0, 7.0],
            "event": [1, 0, 1, 1],
        }
    )
    curves = published_curves(meta, ipd, "overall_survival")
    assert [label for label, _ in curves] == ["Smith 2023 (added), RT arm", "Smith 2023 (added)"]
    assert list(curves[0][1]["duration_days"]) == [10.0, 20.0]
    assert flagged(curve_label(meta.iloc[2])) == f"Lee 2020 (added): {CURVE_FLAG}"
    with pytest.raises(ValueError, match="outcome must be one of"):
        published_curves(meta, ipd, "qol")


def test_label_escapes_tags_for_legends():
    row = {"series_key": "user-series-abc123", "citation": "<b>Bold</b> & co", "arm": "<i>x</i>"}
    # the citation's short label drops < and > (plotly reads tags in labels); the rest is escaped
    assert curve_label(row) == "bBold/b &amp; co, &lt;i&gt;x&lt;/i&gt;"
    assert "<" not in curve_label(row) and ">" not in curve_label(row)
