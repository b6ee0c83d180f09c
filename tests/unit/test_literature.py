"""Literature table, per-series intervals and random-effects pooling.

Independent references: scipy.stats.binomtest(...).proportion_ci for the per-series intervals,
statsmodels.stats.meta_analysis.combine_effects(method_re="dl") for the pooled estimate, and a
DerSimonian-Laird example worked by hand below. The seeded CSV is checked against the figures in
the project's literature notes (tests/fixtures/literature-series.md).
"""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.meta_analysis import combine_effects

from plexrt.data.literature import (
    COLUMN_NAMES,
    FIGURE_COLUMNS,
    POPULATIONS,
    LiteratureFileError,
    load_literature,
    pool_proportions,
    series_ci,
    validate_series,
)
from tests.fixtures import LITERATURE, read_fixture

REPO = Path(__file__).resolve().parents[2]
SEEDED = REPO / "data" / "literature.csv"
Z975 = stats.norm.ppf(0.975)


def _logit_effects(events, totals, c=0.5):
    """Logit and variance per series, 0.5 added to events and non-events of 0%/100% series only."""
    y, v = [], []
    for e, n in zip(events, totals, strict=True):
        a, b = (e + c, n - e + c) if e in (0, n) else (e, n - e)
        y.append(math.log(a / b))
        v.append(1 / a + 1 / b)
    return np.array(y), np.array(v)


def _expit(x):
    return 1 / (1 + math.exp(-x))


# ------------------------------------------------------------------ per-series intervals


@pytest.mark.parametrize("method", ["exact", "wilson"])
def test_series_ci_matches_scipy_binomtest(method):
    events, totals = [18, 67, 0, 3, 12], [18, 112, 4, 10, 12]
    df = series_ci(events, totals, method=method)
    assert list(df["events"]) == events and list(df["totals"]) == totals
    for row, e, n in zip(df.itertuples(), events, totals, strict=True):
        ci = stats.binomtest(e, n).proportion_ci(method=method)
        assert row.proportion == pytest.approx(e / n)
        assert row.low == pytest.approx(ci.low, abs=1e-9)
        assert row.high == pytest.approx(ci.high, abs=1e-9)
    assert set(df["method"]) == {method}


def test_series_ci_labels_and_errors():
    df = series_ci([1, 2], [3, 4], labels=["a", "b"])
    assert list(df["label"]) == ["a", "b"]
    with pytest.raises(ValueError, match="method"):
        series_ci([1], [2], method="wald")
    with pytest.raises(ValueError, match="exceed"):
        series_ci([5], [4])
    with pytest.raises(ValueError, match="length"):
        series_ci([1, 2], [3])


# ------------------------------------------------------------------ pooling


def test_dersimonian_laird_by_hand_three_series():
    # Series 2/10, 5/10, 16/20 (no 0% or 100%, so no correction).
    # logits y = ln(2/8) = -1.386294, ln(5/5) = 0, ln(16/4) = 1.386294
    # variances v = 1/2+1/8 = 0.625, 1/5+1/5 = 0.4, 1/16+1/4 = 0.3125 -> w = 1.6, 2.5, 3.2
    # sum w = 7.3; fixed-effect mean = (1.6*-1.386294 + 3.2*1.386294)/7.3 = 0.303845
    # Q = 1.6*(-1.690140)^2 + 2.5*(0.303845)^2 + 3.2*(1.082449)^2 = 8.550747, df = 2
    # C = 7.3 - (1.6^2 + 2.5^2 + 3.2^2)/7.3 = 7.3 - 19.05/7.3 = 4.690411
    # tau2 = (8.550747 - 2)/4.690411 = 1.396625
    # RE weights 1/(v + tau2) = 0.494651, 0.556599, 0.585095; sum = 1.636345
    # mu = 1.386294*(0.585095 - 0.494651)/1.636345 = 0.076622 -> p = 1/(1+e^-0.076622) = 0.519146
    # SE = sqrt(1/1.636345) = 0.781740; I2 = (8.550747-2)/8.550747 = 76.61 %
    res = pool_proportions([2, 5, 16], [10, 10, 20])
    assert res.k == 3
    assert res.q == pytest.approx(8.550747, abs=1e-5)
    assert res.q_df == 2
    assert res.tau2 == pytest.approx(1.396625, abs=1e-5)
    assert res.logit_estimate == pytest.approx(0.076622, abs=1e-5)
    assert res.estimate == pytest.approx(0.519146, abs=1e-5)
    assert res.logit_se == pytest.approx(0.781740, abs=1e-5)
    assert res.i2 == pytest.approx(76.61, abs=0.01)
    assert res.q_p == pytest.approx(stats.chi2.sf(8.550747, 2), rel=1e-5)
    assert res.low == pytest.approx(_expit(0.076622 - Z975 * 0.781740), abs=1e-5)
    assert res.high == pytest.approx(_expit(0.076622 + Z975 * 0.781740), abs=1e-5)
    assert res.warning is None
    assert not any(res.corrected)

    # Prediction interval (Higgins, Thompson & Spiegelhalter 2009): mu ± t_{k-2} sqrt(tau2 + SE^2)
    # with k-2 = 1 df: t = 12.706205; half-width = 12.706205*sqrt(1.396625 + 0.611118).
    half = stats.t.ppf(0.975, 1) * math.sqrt(1.396625 + 0.781740**2)
    assert res.prediction[0] == pytest.approx(_expit(0.076622 - half), abs=1e-5)
    assert res.prediction[1] == pytest.approx(_expit(0.076622 + half), abs=1e-5)


def test_pooling_matches_statsmodels_with_a_100_percent_cell():
    events, totals = [18, 67, 12, 3, 7], [18, 112, 12, 10, 15]
    y, v = _logit_effects(events, totals)
    sm = combine_effects(y, v, method_re="dl")
    # statsmodels does not truncate tau2 at 0; this example is heterogeneous, so both agree.
    assert sm.tau2 > 0
    frame = sm.summary_frame()
    res = pool_proportions(events, totals)

    assert np.allclose(res.effects, y) and np.allclose(res.variances, v)
    assert res.corrected == (True, False, True, False, False)
    assert res.tau2 == pytest.approx(sm.tau2, rel=1e-9)
    assert res.q == pytest.approx(sm.q, rel=1e-9)
    assert res.q_df == 4
    assert res.i2 == pytest.approx(100 * sm.i2, rel=1e-9)
    assert res.logit_estimate == pytest.approx(sm.mean_effect_re, rel=1e-9)
    assert res.estimate == pytest.approx(_expit(sm.mean_effect_re), rel=1e-9)
    assert res.low == pytest.approx(_expit(frame.loc["random effect", "ci_low"]), rel=1e-9)
    assert res.high == pytest.approx(_expit(frame.loc["random effect", "ci_upp"]), rel=1e-9)
    assert np.allclose(np.array(res.weights) / 100, sm.weights_rel_re)

    half = stats.t.ppf(0.975, 3) * math.sqrt(sm.tau2 + sm.sd_eff_w_re**2)
    assert res.prediction[0] == pytest.approx(_expit(sm.mean_effect_re - half), rel=1e-9)
    assert res.prediction[1] == pytest.approx(_expit(sm.mean_effect_re + half), rel=1e-9)
    assert res.warning is None
    assert "DerSimonian-Laird" in res.method_note and "logit" in res.method_note
    assert "0.5" in res.method_note and "2 of 5" in res.method_note
    assert "Higgins" in res.method_note


def test_two_series_match_statsmodels_and_warn():
    events, totals = [2, 9], [10, 10]
    y, v = _logit_effects(events, totals)
    sm = combine_effects(y, v, method_re="dl")
    assert sm.tau2 > 0
    res = pool_proportions(events, totals)
    assert res.tau2 == pytest.approx(sm.tau2, rel=1e-9)
    assert res.i2 == pytest.approx(100 * sm.i2, rel=1e-9)
    assert res.logit_estimate == pytest.approx(sm.mean_effect_re, rel=1e-9)
    assert res.prediction is None
    assert res.warning and "2 series" in res.warning


def test_one_series_is_its_own_wald_logit_estimate():
    # 9/12: logit = ln(9/3) = 1.098612, SE = sqrt(1/9 + 1/3) = 0.666667
    res = pool_proportions([9], [12])
    assert res.k == 1
    assert res.estimate == pytest.approx(0.75)
    assert res.low == pytest.approx(_expit(math.log(3) - Z975 * math.sqrt(1 / 9 + 1 / 3)))
    assert res.high == pytest.approx(_expit(math.log(3) + Z975 * math.sqrt(1 / 9 + 1 / 3)))
    assert res.tau2 == 0 and res.i2 is None and res.prediction is None
    assert res.warning


def test_one_series_at_100_percent_uses_the_correction():
    # 12/12 -> 12.5 events, 0.5 non-events: p = 12.5/13 = 0.961538
    res = pool_proportions([12], [12])
    assert res.estimate == pytest.approx(12.5 / 13)
    assert res.corrected == (True,)
    assert res.high < 1


def test_all_responders_and_no_responders_mirror_each_other():
    # Every series corrected: logits ln(5.5/0.5), ln(10.5/0.5), ln(3.5/0.5); variances
    # 1/e' + 1/0.5. These are homogeneous (Q < df), so tau2 = 0 and the estimate is the
    # fixed-effect mean sum(w y)/sum(w).
    totals = [5, 10, 3]
    y, v = _logit_effects(totals, totals)
    w = 1 / v
    q = float(np.sum(w * (y - np.sum(w * y) / np.sum(w)) ** 2))
    assert q < 2
    fe = float(np.sum(w * y) / np.sum(w))

    allr = pool_proportions(totals, totals)
    assert allr.tau2 == 0 and allr.i2 == 0
    assert allr.logit_estimate == pytest.approx(fe)
    assert all(allr.corrected)
    assert 0 < allr.low < allr.estimate < allr.high < 1

    # No responders: the logit scale is symmetric, so everything mirrors around 0.5.
    none = pool_proportions([0, 0, 0], totals)
    assert none.estimate == pytest.approx(1 - allr.estimate)
    assert none.low == pytest.approx(1 - allr.high)
    assert none.high == pytest.approx(1 - allr.low)
    assert none.prediction[0] == pytest.approx(1 - allr.prediction[1])


@pytest.mark.parametrize(
    ("events", "totals", "match"),
    [
        ([5, 1], [4, 3], "exceed"),
        ([-1, 1], [4, 3], "negative"),
        ([0, 1], [0, 3], "positive"),
        ([1, 1], [-2, 3], "positive"),
        ([1, 2], [3], "length"),
        ([], [], "empty"),
        ([1.5], [3], "whole"),
    ],
)
def test_pool_rejects_bad_counts(events, totals, match):
    with pytest.raises(ValueError, match=match):
        pool_proportions(events, totals)


def test_pool_rejects_bad_options():
    with pytest.raises(ValueError, match="method"):
        pool_proportions([1, 2], [3, 4], method="REML")
    with pytest.raises(ValueError, match="correction"):
        pool_proportions([0, 2], [3, 4], correction=0)
    with pytest.raises(ValueError, match="alpha"):
        pool_proportions([1, 2], [3, 4], alpha=1.5)


# ------------------------------------------------------------------ the seeded CSV


def test_seeded_csv_has_the_literature_md_figures():
    df = load_literature(SEEDED).set_index("series_key")
    assert set(df.index) == {
        "gerontopoulos2020", "uno2024", "shindo2024", "ishikawa2024",
        "stevens1990", "agar2004", "takase2015",
    }  # fmt: skip
    assert "sanuki2022" not in df.index
    assert set(df["population"]) <= set(POPULATIONS)

    g = df.loc["gerontopoulos2020"]
    assert g.n_patients == 18 and g.responders == 18
    assert g.median_relief_months == 3.5 and g.median_followup_months == 5.5
    assert pd.isna(g.median_survival_months)
    assert pd.isna(g.n_sites) and pd.isna(g.complete_responders) and g.schedules is None
    assert g.response_definition == "significant pain relief (as reported; scale not available)"
    assert "Sanuki 2022 Discussion, citing ref 8" in g.responders_source
    assert "approximate" in g.median_relief_months_source.lower()
    assert g.doi == "10.4103/IJPC.IJPC_205_19"

    s = df.loc["shindo2024"]
    assert (s.n_patients, s.responders, s.complete_responders) == (112, 67, 25)
    assert s.median_survival_months == 5.5
    assert s.population == "non_bone_painful_lesions"

    assert df.loc["ishikawa2024", "n_patients"] == 291
    assert df.loc["takase2015", "population"] == "non_rt_comparator"
    assert df.loc["uno2024", "doi"] == "10.7759/cureus.73007"


def test_seeded_csv_never_stores_unknown_as_zero():
    with SEEDED.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == list(COLUMN_NAMES)
    for row in rows:
        for col in FIGURE_COLUMNS:
            assert row[col].strip() not in {"0", "0.0"}, (row["series_key"], col)


def test_every_seeded_number_appears_in_its_literature_md_row():
    lines = {}
    for line in read_fixture(LITERATURE).splitlines():
        m = re.match(r"\|\s*([a-z]+\d{4})\s*\|", line)
        if m:
            lines[m.group(1)] = line
    df = load_literature(SEEDED)
    numeric = ["year", "n_patients", "n_sites", "responders", "complete_responders",
               "median_relief_months", "median_followup_months", "median_survival_months"]  # fmt: skip
    checked = 0
    for rec in df.to_dict("records"):
        line = lines[rec["series_key"]]
        for col in numeric:
            value = rec[col]
            if pd.isna(value):
                continue
            # A case report describes one patient; its n (and responder count) is not written
            # as a number in literature.md but follows from "case report".
            if rec["population"] == "case_report" and col in ("n_patients", "responders"):
                assert value == 1 and "case report" in line
                continue
            text = f"{value:g}" if isinstance(value, float) else str(int(value))
            assert re.search(rf"(?<![\d.]){re.escape(text)}(?![\d]|\.\d)", line), (
                rec["series_key"], col, text,
            )  # fmt: skip
            checked += 1
    # Every filled figure cell of the raw CSV was compared (none passed over): 19 cells.
    with SEEDED.open(newline="", encoding="utf-8") as fh:
        filled = sum(
            1
            for row in csv.DictReader(fh)
            for col in numeric
            if row[col].strip()
            and not (row["population"] == "case_report" and col in ("n_patients", "responders"))
        )
    assert checked == filled == 19


# ------------------------------------------------------------------ broken copies


def _write_copy(tmp_path, edit, name="broken.csv"):
    with SEEDED.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    rows = edit(rows)
    path = tmp_path / name
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return path


def _col(rows, name):
    return rows[0].index(name)


def test_missing_column_is_named_with_file_and_header_line(tmp_path):
    def drop(rows):
        i = _col(rows, "responders")
        return [r[:i] + r[i + 1 :] for r in rows]

    path = _write_copy(tmp_path, drop)
    with pytest.raises(LiteratureFileError) as err:
        load_literature(path)
    msg = str(err.value)
    assert str(path) in msg and "line 1" in msg and "'responders'" in msg and "missing" in msg


def test_non_numeric_n_names_file_row_line_and_column(tmp_path):
    def bad_n(rows):
        rows[2][_col(rows, "n_patients")] = "eighteen"  # second data row, line 3
        return rows

    path = _write_copy(tmp_path, bad_n)
    with pytest.raises(LiteratureFileError) as err:
        load_literature(path)
    msg = str(err.value)
    assert str(path) in msg
    assert "data row 2 (line 3)" in msg and "'n_patients'" in msg and "eighteen" in msg


def test_responders_above_n_counts_physical_lines(tmp_path):
    # Row 1 gets a two-line quoted note (lines 2-3), so data row 2 starts on line 4; a problem
    # is reported at the line where its record starts.
    def bad_responders(rows):
        rows[1][_col(rows, "notes")] = "first line\nsecond line"
        rows[1][_col(rows, "responders")] = "19"  # gerontopoulos2020 has n_patients 18
        rows[2][_col(rows, "responders")] = "2"  # uno2024 has n_patients 1
        return rows

    path = _write_copy(tmp_path, bad_responders)
    with pytest.raises(LiteratureFileError) as err:
        load_literature(path)
    msg = str(err.value)
    assert str(path) in msg
    assert "data row 2 (line 4)" in msg and "'responders'" in msg and "exceed" in msg
    assert "data row 1 (line 2)" in msg
    assert [p[:3] for p in err.value.problems] == [(1, 2, "responders"), (2, 4, "responders")]


def test_empty_citation_and_figure_without_source_are_rejected(tmp_path):
    def bad(rows):
        rows[1][_col(rows, "citation")] = ""
        rows[3][_col(rows, "median_survival_months_source")] = ""
        return rows

    path = _write_copy(tmp_path, bad)
    with pytest.raises(LiteratureFileError) as err:
        load_literature(path)
    msg = str(err.value)
    assert "data row 1 (line 2), column 'citation'" in msg
    assert "data row 3 (line 4), column 'median_survival_months_source'" in msg
    assert isinstance(err.value, ValueError)


def test_negative_count_is_rejected(tmp_path):
    def bad(rows):
        rows[3][_col(rows, "complete_responders")] = "-1"
        return rows

    with pytest.raises(LiteratureFileError, match="complete_responders.*negative"):
        load_literature(_write_copy(tmp_path, bad))


# ------------------------------------------------------------------ the "add a series" form


def _valid_record():
    return {
        "series_key": "example2025",
        "citation": "Example 2025. J Example 2025;1:1-2",
        "population": "lumbosacral_plexopathy",
        "n_patients": "10",
        "n_patients_source": "Table 1",
        "responders": 7,
        "responders_source": "Results",
        "complete_responders": 3,
        "complete_responders_source": "Results",
        "median_survival_months": "4.5",
        "median_survival_months_source": "Figure 2",
    }


def test_validate_series_accepts_a_complete_record():
    assert validate_series(_valid_record()) == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"citation": "  "}, "citation"),
        ({"n_patients": None}, "n_patients"),
        ({"n_patients": 0}, "n_patients"),
        ({"n_patients": "ten"}, "n_patients"),
        ({"n_patients": 2.5}, "n_patients"),
        ({"responders": 11}, "responders"),
        ({"responders": -1}, "responders"),
        ({"responders": "7.5"}, "responders"),
        ({"complete_responders": 8}, "complete_responders"),
        ({"median_survival_months": -2}, "median_survival_months"),
        ({"median_survival_months_source": ""}, "median_survival_months_source"),
        ({"population": "bone_metastases"}, "population"),
    ],
)
def test_validate_series_names_the_field(change, field):
    record = _valid_record() | change
    messages = validate_series(record)
    assert messages, change
    assert any(m.startswith(f"{field}:") for m in messages), messages


def test_validate_series_uses_sites_as_denominator_when_given():
    # 12 responders among 12 sites in 11 patients is valid (responders counted per site).
    record = _valid_record() | {
        "n_patients": 11, "n_sites": 12, "n_sites_source": "Table 1",
        "responders": 12, "complete_responders": 9,
    }  # fmt: skip
    assert validate_series(record) == []
    assert any(m.startswith("responders:") for m in validate_series(record | {"responders": 13}))


def test_implausible_figures_are_refused_by_the_form():
    from plexrt.data.literature import validate_series

    base = {"citation": "X Y. J 2020", "n_patients": "10", "n_patients_source": "T1"}
    msgs = validate_series({**base, "n_patients": "1e10", "year": "99999999999",
                            "median_survival_months": "1e308",
                            "median_survival_months_source": "s"})  # fmt: skip
    fields = {m.split(":")[0] for m in msgs}
    assert fields == {"n_patients", "year", "median_survival_months"}
    assert validate_series({**base, "year": "1850"})[0].startswith("year:")
