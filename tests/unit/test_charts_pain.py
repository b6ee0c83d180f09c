"""Tests for plexrt.charts.pain (figures of the Pain response page).

Expected values are worked out by hand from Table 1 of Sanuki 2022 (Cureus 14(1): e20939,
tests/fixtures/sanuki2022-cureus.md), with the arithmetic in the comments. The figures are
checked on ``fig.data`` / ``fig.layout``; plotly may store arrays as numpy arrays, so numeric
arrays are compared through ``np.asarray(..., dtype=float)``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from plexrt.charts import pain, style
from plexrt.clinical.definitions import Definition
from plexrt.data import store

PAPER = Definition("paper")
FOOT = "n = 12 sites, 11 patients · all sites"

# Table 1, by hand: site -> (NRS before, NRS at completion); change = after - before.
TABLE1_NRS = {
    "1.1": (9, 0),  # -9
    "1.2": (8, 0),  # -8
    "2.1": (4, 0),  # -4
    "3.1": (3, 0),  # -3
    "4.1": (8, 3),  # -5
    "5.1": (4, 0),  # -4
    "6.1": (5, 3),  # -2
    "7.1": (4, 0),  # -4
    "8.1": (3, 0),  # -3
    "9.1": (4, 1),  # -3
    "10.1": (8, 0),  # -8
    "11.1": (8, 0),  # -8
}
# Largest fall first, equal falls in course order:
# -9: 1.1 | -8: 1.2, 10.1, 11.1 | -5: 4.1 | -4: 2.1, 5.1, 7.1 | -3: 3.1, 8.1, 9.1 | -2: 6.1
WATERFALL_ORDER = ["1.1", "1.2", "10.1", "11.1", "4.1", "2.1", "5.1", "7.1", "3.1", "8.1", "9.1"]
WATERFALL_ORDER.append("6.1")
WATERFALL_VALUES = [-9, -8, -8, -8, -5, -4, -4, -4, -3, -3, -3, -2]


@pytest.fixture(scope="module")
def df(con) -> pd.DataFrame:
    return store.cohort(con)


def _bars(fig) -> dict[str, float]:
    """x label -> bar height over all bar traces."""
    out = {}
    for tr in fig.data:
        for x, y in zip(tr.x, np.asarray(tr.y, dtype=float), strict=True):
            out[x] = y
    return out


def _trace(fig, name):
    matches = [t for t in fig.data if t.name == name]
    assert len(matches) == 1, [t.name for t in fig.data]
    return matches[0]


def _with_site(df: pd.DataFrame, course_id: str, before: int, after: int) -> pd.DataFrame:
    """A hand-made extra site (copy of site 2.1's other fields) with the given NRS scores."""
    row = df[df["course_id"] == "2.1"].copy()
    row["course_id"], row["patient_id"], row["course_no"] = course_id, course_id.split(".")[0], 1
    row["nrs_before"], row["nrs_after"] = before, after
    return pd.concat([df, row], ignore_index=True)


# ---------------------------------------------------------------------------------------------
# Waterfall
# ---------------------------------------------------------------------------------------------


def test_waterfall_data_order_values_and_categories(df):
    data = pain.waterfall_data(df, PAPER)
    assert list(data["label"]) == WATERFALL_ORDER
    assert list(data["value"]) == WATERFALL_VALUES
    # Paper definition: fall >= 2 to NRS 0 = complete; 4.1 (8->3), 6.1 (5->3), 9.1 (4->1) keep
    # some pain = improved.
    cats = dict(zip(data["course_id"], data["category"], strict=True))
    assert {c for c, v in cats.items() if v == "improved"} == {"4.1", "6.1", "9.1"}
    assert sum(v == "complete" for v in cats.values()) == 9
    assert data["excluded"].isna().all()
    assert dict(zip(data["course_id"], data["regimen"], strict=True))["3.1"] == "59.4 Gy/33"


def test_waterfall_order_does_not_depend_on_row_order(df):
    shuffled = df.sample(frac=1, random_state=3)
    assert list(pain.waterfall_data(shuffled, PAPER)["label"]) == WATERFALL_ORDER


def test_waterfall_figure_bars_axis_and_reference_lines(df):
    fig = pain.waterfall_figure(df, PAPER, footnote=FOOT)
    assert fig.layout.xaxis.type == "category"
    assert list(fig.layout.xaxis.categoryarray) == WATERFALL_ORDER
    heights = _bars(fig)
    for cid, (before, after) in TABLE1_NRS.items():
        assert heights[cid] == after - before
    # Complete 9, improved 3 (see above), one trace each.
    assert [t.name for t in fig.data] == ["Complete (n = 9)", "Improved (n = 3)"]
    assert set(fig.data[1].x) == {"4.1", "6.1", "9.1"}
    lines = sorted(s.y0 for s in fig.layout.shapes)
    assert lines == [-2, 2]
    assert "points" in fig.layout.yaxis.title.text
    hover = dict(zip(fig.data[1].x, fig.data[1].hovertext, strict=True))["4.1"]
    assert "Patient 4" in hover and "60 Gy/30" in hover and "8" in hover and "3" in hover
    assert style.footnote_text(fig).startswith(FOOT)


def test_waterfall_threshold_definition_moves_the_improvement_line(df):
    # What-if k = 3: improvement line at -3, progression stays at +2.
    fig = pain.waterfall_figure(df, Definition("threshold", 3), footnote=FOOT)
    assert sorted(s.y0 for s in fig.layout.shapes) == [-3, 2]
    # With k = 3, 6.1 (fall 2) is stable; 9.1 (fall 3, NRS 1) improved; 4.1 (fall 5) improved.
    names = [t.name for t in fig.data]
    assert names == ["Complete (n = 9)", "Improved (n = 2)", "Stable (n = 1)"]


@pytest.mark.parametrize(
    ("colour_by", "expected"),
    [
        # Table 1 "Involved muscle": piriformis = patients 2, 6, 8, 11; the other 8 sites psoas.
        ("muscle", {"Psoas (n = 8)": 8, "Piriformis (n = 4)": 4}),
        # Intent P: 1 (both), 4, 7, 9, 10, 11 = 7 sites; LC: 2, 3, 5, 6, 8 = 5 sites.
        ("intent", {"Palliative (n = 7)": 7, "Local control (n = 5)": 5}),
        # Ovarian x2, endometrial, cervical x3 = 6; urachal, ureteral, bladder x2 = 4;
        # rectal, gastric = 2.
        (
            "primary_group",
            {"Gynecological (n = 6)": 6, "Urological (n = 4)": 4, "Gastrointestinal (n = 2)": 2},
        ),
    ],
)
def test_waterfall_colour_groups(df, colour_by, expected):
    fig = pain.waterfall_figure(df, PAPER, colour_by=colour_by, footnote=FOOT)
    assert {t.name: len(t.x) for t in fig.data} == expected
    assert list(expected) == [t.name for t in fig.data]  # canonical, stable order
    colours = [t.marker.color for t in fig.data]
    assert len(set(colours)) == len(colours)
    assert all(c in style.OKABE_ITO for c in colours)


def test_waterfall_muscle_sites(df):
    fig = pain.waterfall_figure(df, PAPER, colour_by="muscle", footnote=FOOT)
    psoas = _trace(fig, "Psoas (n = 8)")
    assert set(psoas.x) == {"1.1", "1.2", "3.1", "4.1", "5.1", "7.1", "9.1", "10.1"}
    # A filtered cohort (piriformis only) keeps piriformis's colour.
    only_pir = pain.waterfall_figure(
        df[df["involved_muscle"] == "piriformis"], PAPER, colour_by="muscle", footnote=FOOT
    )
    assert only_pir.data[0].marker.color == _trace(fig, "Piriformis (n = 4)").marker.color


def test_waterfall_percent_mode(df):
    fig = pain.waterfall_figure(df, PAPER, percent=True, footnote=FOOT)
    heights = _bars(fig)
    assert heights["1.1"] == pytest.approx(-100.0)  # 100 * (0 - 9) / 9
    assert heights["4.1"] == pytest.approx(-62.5)  # 100 * (3 - 8) / 8
    assert heights["9.1"] == pytest.approx(-75.0)  # 100 * (1 - 4) / 4
    assert heights["6.1"] == pytest.approx(-40.0)  # 100 * (3 - 5) / 5
    # -100% for the nine sites ending at 0 (course order), then -75, -62.5, -40.
    assert list(fig.layout.xaxis.categoryarray) == [
        *["1.1", "1.2", "2.1", "3.1", "5.1", "7.1", "8.1", "10.1", "11.1"],
        *["9.1", "4.1", "6.1"],
    ]
    # Only the 0 line; no invented percent threshold.
    assert [s.y0 for s in fig.layout.shapes] == [0]
    assert "%" in fig.layout.yaxis.title.text
    assert not any("not plotted" in (a.text or "") for a in fig.layout.annotations)


def test_waterfall_percent_excludes_nrs_zero_before(df):
    extra = _with_site(df, "12.1", before=0, after=1)
    data = pain.waterfall_data(extra, PAPER, percent=True)
    assert data.attrs["undefined"] == ["12.1"]
    assert np.isnan(data.loc[data["course_id"] == "12.1", "value"].iloc[0])
    assert data["label"].iloc[-1] == "12.1"  # undefined sorts last
    fig = pain.waterfall_figure(extra, PAPER, percent=True, footnote=FOOT)
    assert "12.1" not in _bars(fig)
    assert len(_bars(fig)) == 12
    notes = [a.text for a in fig.layout.annotations if a.name == "excluded sites"]
    assert len(notes) == 1
    assert "1 site with NRS 0 before RT: percent change undefined, not plotted" in notes[0]
    # In points mode the same site is drawn: 0 -> 1 = +1, category stable.
    pts = pain.waterfall_figure(extra, PAPER, footnote=FOOT)
    assert _bars(pts)["12.1"] == 1
    assert "12.1" in _trace(pts, "Stable (n = 1)").x


def test_waterfall_icpre_without_omed_after_is_unknown_grey(df):
    fig = pain.waterfall_figure(df, Definition("icpre"), footnote=FOOT)
    # No OMED after RT in the data: 6 -> 0 may be complete or indeterminate, so unknown.
    unknown = [t for t in fig.data if t.name.startswith("Unknown")]
    assert len(unknown) == 1 and unknown[0].marker.color == style.GREY
    assert sum(len(t.x) for t in fig.data) == 12


def test_waterfall_rejects_bad_arguments(df):
    with pytest.raises(ValueError, match="colour_by"):
        pain.waterfall_figure(df, PAPER, colour_by="sex", footnote=FOOT)
    with pytest.raises(ValueError, match="definition"):
        pain.waterfall_figure(df, "paper", footnote=FOOT)
    with pytest.raises(ValueError, match="footnote"):
        pain.waterfall_figure(df, PAPER, footnote=None)
    with pytest.raises(ValueError, match="present"):
        pain.waterfall_figure(df, PAPER, footnote=FOOT, present="yes")
    with pytest.raises(ValueError, match="percent"):
        pain.waterfall_data(df, PAPER, percent=1)
    with pytest.raises(ValueError, match="nrs_after"):
        pain.waterfall_data(df.drop(columns="nrs_after"), PAPER)


# ---------------------------------------------------------------------------------------------
# Paired before / after
# ---------------------------------------------------------------------------------------------


def test_paired_medians_and_lines(df):
    fig = pain.paired_figure(df, footnote=FOOT)
    med = _trace(fig, "Median")
    # Before: sorted 3,3,4,4,4,4,5,8,8,8,8,9 -> (4 + 5) / 2 = 4.5. After: nine 0s, 1, 3, 3 -> 0.
    assert list(np.asarray(med.y, dtype=float)) == [4.5, 0.0]
    assert list(np.asarray(med.x, dtype=float)) == [0.0, 1.0]
    labels = [a.text for a in fig.layout.annotations if a.name == "median label"]
    assert any("4.5" in t for t in labels) and any(t.endswith("0</b>") for t in labels)
    sites = _trace(fig, "Sites (n = 12)")
    ys = [y for y in sites.y if y is not None]
    pairs = list(zip(ys[0::2], ys[1::2], strict=True))
    assert sorted(pairs) == sorted(TABLE1_NRS.values())
    assert list(fig.layout.yaxis.range) == [-0.5, 10.5]
    assert list(fig.layout.xaxis.ticktext) == ["Before RT", "RT completion"]
    assert style.footnote_text(fig).startswith(FOOT)


def test_paired_jitter_is_deterministic_small_and_separates_sites(df):
    a, b = pain.paired_data(df), pain.paired_data(df.iloc[::-1])
    assert list(a["x_before"]) == list(b["x_before"])
    assert a["x_before"].abs().max() <= 0.2 + 1e-12
    assert a["x_before"].is_unique
    np.testing.assert_allclose(a["x_after"] - a["x_before"], 1.0)
    # 1.2, 10.1 and 11.1 all go 8 -> 0: their lines must not coincide.
    same = a[a["course_id"].isin(["1.2", "10.1", "11.1"])]
    assert same["x_before"].nunique() == 3


def test_paired_leaves_out_site_with_missing_score(df):
    extra = _with_site(df, "12.1", before=5, after=0)
    extra.loc[extra["course_id"] == "12.1", "nrs_after"] = None
    data = pain.paired_data(extra)
    assert len(data) == 12 and data.attrs["not_assessable"] == ["12.1"]
    assert "12.1" in style.footnote_text(pain.paired_figure(extra, footnote=FOOT))


# ---------------------------------------------------------------------------------------------
# Weeks to maximum response
# ---------------------------------------------------------------------------------------------


def test_time_to_max_summary_overall(df):
    s = pain.time_to_max_summary(df)
    assert len(s) == 1
    r = s.iloc[0]
    # Weeks: 3,3,1,4,4,2,12,2,2,3,1,1 -> sum 38, n 12; sorted 1,1,1,2,2,2,3,3,3,4,4,12 ->
    # median (2 + 3) / 2 = 2.5; range 1-12.
    assert r["n"] == 12
    assert r["mean"] == pytest.approx(38 / 12)
    assert (r["median"], r["min"], r["max"]) == (2.5, 1, 12)


def test_time_to_max_summary_by_muscle_and_intent(df):
    s = pain.time_to_max_summary(df, "involved_muscle").set_index("group")
    assert list(s.index) == ["psoas", "piriformis"]
    # Psoas: 1.1 3, 1.2 3, 3.1 4, 4.1 4, 5.1 2, 7.1 2, 9.1 3, 10.1 1 -> 22 / 8 = 2.75;
    # sorted 1,2,2,3,3,3,4,4 -> median 3.
    assert s.loc["psoas", "n"] == 8
    assert s.loc["psoas", "mean"] == pytest.approx(2.75)
    assert s.loc["psoas", "median"] == 3
    # Piriformis: 2.1 1, 6.1 12, 8.1 2, 11.1 1 -> 16 / 4 = 4; sorted 1,1,2,12 -> 1.5; range 1-12.
    assert s.loc["piriformis", "mean"] == pytest.approx(4.0)
    assert s.loc["piriformis", "median"] == 1.5
    assert (s.loc["piriformis", "min"], s.loc["piriformis", "max"]) == (1, 12)
    t = pain.time_to_max_summary(df, "intent").set_index("group")
    # Palliative: 1.1 3, 1.2 3, 4.1 4, 7.1 2, 9.1 3, 10.1 1, 11.1 1 -> 17 / 7; median 3.
    # Local control: 2.1 1, 3.1 4, 5.1 2, 6.1 12, 8.1 2 -> 21 / 5 = 4.2; median 2.
    assert t.loc["palliative", "mean"] == pytest.approx(17 / 7)
    assert t.loc["palliative", "median"] == 3
    assert t.loc["local_control", "mean"] == pytest.approx(4.2)
    assert t.loc["local_control", "median"] == 2


def test_time_to_max_summary_counts_known_values_only(df):
    d = df.copy()
    d["weeks_to_max_response"] = d["weeks_to_max_response"].astype("float64")
    d.loc[d["course_id"] == "6.1", "weeks_to_max_response"] = np.nan
    r = pain.time_to_max_summary(d).iloc[0]
    # Without 6.1 (12 weeks): 26 / 11, sorted 1,1,1,2,2,2,3,3,3,4,4 -> median 2, range 1-4.
    assert r["n"] == 11
    assert r["mean"] == pytest.approx(26 / 11)
    assert (r["median"], r["max"]) == (2, 4)


def test_time_to_max_figure_by_muscle(df):
    fig = pain.time_to_max_figure(df, "involved_muscle", footnote=FOOT)
    psoas = _trace(fig, "Psoas")
    assert sorted(np.asarray(psoas.y, dtype=float)) == [1, 2, 2, 3, 3, 3, 4, 4]
    # Equal weeks are spread sideways: no two dots share a position.
    pos = zip(np.round(np.asarray(psoas.x, dtype=float), 9), psoas.y, strict=True)
    assert len(set(pos)) == 8
    assert np.all(np.abs(np.asarray(psoas.x, dtype=float)) <= 0.3 + 1e-12)
    assert list(np.asarray(_trace(fig, "Psoas mean").y, dtype=float)) == [2.75]
    assert list(np.asarray(_trace(fig, "Psoas median").y, dtype=float)) == [3.0, 3.0]
    assert list(np.asarray(_trace(fig, "Piriformis mean").y, dtype=float)) == [4.0]
    assert list(np.asarray(_trace(fig, "Piriformis median").y, dtype=float)) == [1.5, 1.5]
    assert _trace(fig, "Psoas mean").marker.symbol == "diamond-open"
    assert list(fig.layout.xaxis.ticktext) == ["Psoas<br>n = 8", "Piriformis<br>n = 4"]
    foot = style.footnote_text(fig)
    assert foot.startswith(FOOT)
    assert "Psoas: n = 8, mean 2.75, median 3, range 1–4 weeks" in foot
    assert "Piriformis: n = 4, mean 4, median 1.5, range 1–12 weeks" in foot


def test_time_to_max_figure_all_sites_and_bad_group(df):
    fig = pain.time_to_max_figure(df, footnote=FOOT)
    # Mean 38 / 12 = 3.1666... shown as 3.17.
    assert "All sites: n = 12, mean 3.17, median 2.5, range 1–12 weeks" in style.footnote_text(fig)
    with pytest.raises(ValueError, match="group_by"):
        pain.time_to_max_figure(df, "muscle", footnote=FOOT)
    with pytest.raises(ValueError, match="group_by"):
        pain.time_to_max_summary(df, "sex")


# ---------------------------------------------------------------------------------------------
# Regimens and dose-response
# ---------------------------------------------------------------------------------------------


def test_regimen_counts(df):
    counts = pain.regimen_counts(df)
    got = dict(zip(counts["regimen"], counts["n_sites"], strict=True))
    # Table 1 doses: 39/13 patients 1 (x2), 10; 30/10: 7, 9, 11; 54/30: 2, 8; 59.4/33: 3, 6;
    # 60/30: 4; 21/7: 5.
    assert got == {
        "39 Gy/13": 3,
        "30 Gy/10": 3,
        "54 Gy/30": 2,
        "59.4 Gy/33": 2,
        "60 Gy/30": 1,
        "21 Gy/7": 1,
    }
    assert list(counts.columns) == ["regimen", "dose_gy", "fractions", "n_sites"]


# EQD2 = D (d + a/b) / (2 + a/b), d = D / n, by hand:
# a/b 10: 39/13 d 3 -> 39*13/12 = 42.25; 30/10 d 3 -> 30*13/12 = 32.5; 54/30 d 1.8 ->
#   54*11.8/12 = 53.1; 59.4/33 d 1.8 -> 59.4*11.8/12 = 58.41; 60/30 d 2 -> 60; 21/7 d 3 -> 22.75.
# a/b 3: 39*6/5 = 46.8; 30*6/5 = 36; 54*4.8/5 = 51.84; 59.4*4.8/5 = 57.024; 60*5/5 = 60;
#   21*6/5 = 25.2.
EQD2_BY_HAND = {
    10.0: {
        "39 Gy/13": 42.25,
        "30 Gy/10": 32.5,
        "54 Gy/30": 53.1,
        "59.4 Gy/33": 58.41,
        "60 Gy/30": 60.0,
        "21 Gy/7": 22.75,
    },
    3.0: {
        "39 Gy/13": 46.8,
        "30 Gy/10": 36.0,
        "54 Gy/30": 51.84,
        "59.4 Gy/33": 57.024,
        "60 Gy/30": 60.0,
        "21 Gy/7": 25.2,
    },
}
N_BY_REGIMEN = {"39 Gy/13": 3, "30 Gy/10": 3, "54 Gy/30": 2, "59.4 Gy/33": 2, "60 Gy/30": 1}
N_BY_REGIMEN["21 Gy/7"] = 1


@pytest.mark.parametrize("alpha_beta", [10.0, 3.0])
def test_dose_response_x_values(df, alpha_beta):
    fig = pain.dose_response_figure(df, alpha_beta, footnote=FOOT)
    assert len(fig.data) == 6
    for reg, eqd2 in EQD2_BY_HAND[alpha_beta].items():
        tr = _trace(fig, f"{reg} (n = {N_BY_REGIMEN[reg]})")
        np.testing.assert_allclose(np.asarray(tr.customdata, dtype=float), eqd2)
        # Plotted x stays within 1.5 Gy of the exact EQD2 (sideways spread only).
        assert np.all(np.abs(np.asarray(tr.x, dtype=float) - eqd2) < 1.5)
    assert f"α/β = {alpha_beta:g} Gy" in fig.layout.xaxis.title.text
    assert style.footnote_text(fig).startswith(FOOT)


def test_dose_response_y_and_coincident_points(df):
    fig = pain.dose_response_figure(df, footnote=FOOT)
    tr = _trace(fig, "39 Gy/13 (n = 3)")
    x, y = np.asarray(tr.x, dtype=float), np.asarray(tr.y, dtype=float)
    # 39/13: 1.1 9->0 (-9), 1.2 8->0 (-8), 10.1 8->0 (-8): the two -8s coincide.
    assert sorted(y) == [-9, -8, -8]
    pair = x[y == -8]
    assert pair[0] != pair[1]
    assert pair.mean() == pytest.approx(42.25)
    assert x[y == -9][0] == pytest.approx(42.25)  # not coincident: not moved
    tr30 = _trace(fig, "30 Gy/10 (n = 3)")
    # 30/10: 7.1 4->0 (-4), 9.1 4->1 (-3), 11.1 8->0 (-8): no coincidence, x exact.
    assert sorted(np.asarray(tr30.y, dtype=float)) == [-8, -4, -3]
    np.testing.assert_allclose(np.asarray(tr30.x, dtype=float), 32.5)


def test_dose_response_labels_one_per_eqd2_without_overlap(df):
    for alpha_beta, present in ((10.0, False), (3.0, False), (10.0, True)):
        fig = pain.dose_response_figure(df, alpha_beta, footnote=FOOT, present=present)
        labels = [a for a in fig.layout.annotations if a.name == "regimen label"]
        texts = {a.text for a in labels}
        assert texts == {f"{r} (n = {n})" for r, n in N_BY_REGIMEN.items()}
        # Pixel extent of each label on a 560-px plot, 0.6 em per character (generous).
        lo, hi = fig.layout.xaxis.range
        px = 560 / (hi - lo)
        boxes = []
        for a in labels:
            centre, half = (a.x - lo) * px, len(a.text) * 0.3 * a.font.size
            boxes.append((a.yshift, centre - half, centre + half))
        for i, (row_i, l_i, r_i) in enumerate(boxes):
            assert l_i >= -1 and r_i <= 561  # inside the plot width
            for row_j, l_j, r_j in boxes[i + 1 :]:
                assert row_i != row_j or r_i <= l_j or r_j <= l_i, (alpha_beta, present)
        # Rows stack upwards into the reserved top margin.
        rows = {a.yshift for a in labels}
        assert fig.layout.margin.t >= max(rows) + labels[0].font.size


def test_dose_response_regimens_with_equal_eqd2_share_a_label(df):
    # At alpha/beta 10: 18 Gy/3 (d 6) -> 18*16/12 = 24; 24 Gy/12 (d 2) -> 24*12/12 = 24.
    two = _with_site(_with_site(df, "12.1", 6, 2), "13.1", 6, 2)
    two.loc[two["course_id"] == "12.1", ["dose_gy", "fractions"]] = [18.0, 3]
    two.loc[two["course_id"] == "13.1", ["dose_gy", "fractions"]] = [24.0, 12]
    fig = pain.dose_response_figure(two, 10.0, footnote=FOOT)
    labels = [a.text for a in fig.layout.annotations if a.name == "regimen label"]
    shared = [t for t in labels if "18 Gy/3" in t]
    assert shared == ["18 Gy/3 (n = 1) + 24 Gy/12 (n = 1)"]
    assert len(labels) == 7
    # Both sites 6 -> 2 (-4) at EQD2 24: spread apart, symmetric about 24.
    xs = [float(_trace(fig, f"{r} (n = 1)").x[0]) for r in ("18 Gy/3", "24 Gy/12")]
    assert xs[0] != xs[1] and sum(xs) / 2 == pytest.approx(24.0)


def test_dose_response_rejects_bad_alpha_beta(df):
    for bad in (0, -3, True, "10", float("nan")):
        with pytest.raises(ValueError, match="alpha_beta"):
            pain.dose_response_figure(df, bad, footnote=FOOT)


# ---------------------------------------------------------------------------------------------
# Every figure: footnote, presentation mode
# ---------------------------------------------------------------------------------------------

FIGURES = {
    "waterfall": lambda d, **kw: pain.waterfall_figure(d, PAPER, **kw),
    "waterfall_percent": lambda d, **kw: pain.waterfall_figure(d, PAPER, percent=True, **kw),
    "paired": pain.paired_figure,
    "time_to_max": pain.time_to_max_figure,
    "dose_response": pain.dose_response_figure,
}


@pytest.mark.parametrize("name", list(FIGURES))
def test_footnote_and_present_mode(df, name):
    normal = FIGURES[name](df, footnote=FOOT)
    big = FIGURES[name](df, footnote=FOOT, present=True)
    for fig in (normal, big):
        foot = style.footnote_text(fig)
        assert foot.startswith(FOOT + "<br>") and len(foot) > len(FOOT) + 20
    # style.font_sizes: base 15 -> 22, ticks 14 -> 20 with present=True.
    assert (normal.layout.font.size, big.layout.font.size) == (15, 22)
    assert big.layout.xaxis.tickfont.size > normal.layout.xaxis.tickfont.size
    assert big.layout.height > normal.layout.height
