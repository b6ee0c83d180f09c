"""First contact (issue 14): typed figures keep their wording, the filter part that emptied the
cohort, CSV without float noise, chart titles and text alternatives, greyscale-safe styles."""

from __future__ import annotations

import io
import json

import pandas as pd
import plotly.graph_objects as go
import pytest

from plexrt.charts import style
from plexrt.charts.alt_text import describe, plain
from plexrt.charts.tables import cohort_decimals, saved_cases_table, user_series_table
from plexrt.clinical.endpoint_notes import chart_title
from plexrt.data import literature as lit
from plexrt.data.filter_undo import active_parts, emptying_parts
from plexrt.data.filters import CohortFilter
from plexrt.data.literature_entered import entered_wording, figure_text, from_json, to_json
from plexrt.data.literature_rules import validate_series
from plexrt.data.values import entered_number
from plexrt.export.tabular import safe_csv

# -- typed figures ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "whole", "number", "wording"),
    [
        ("3.5", False, 3.5, None),
        (" 12 ", True, 12, None),
        (7, True, 7, None),
        ("approximately 3.5 months", False, 3.5, "approximately 3.5 months"),
        ("~40  patients", True, 40, "~40 patients"),
        ("n = 12", True, 12, "n = 12"),
        ("", False, None, None),
        (None, True, None, None),
    ],
)
def test_a_typed_figure_gives_its_number_and_keeps_its_words(text, whole, number, wording):
    assert entered_number(text, whole=whole) == (number, wording)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("> 12 months", "range or bound"),
        ("at least 6", "range or bound"),
        ("3-6 months", "range or bound"),
        ("3.5 (range 1 to 10)", "range or bound"),
        ("1,000", "decimal comma or a thousands separator"),  # never read as 1 or 1000 silently
        ("3,5 months", "write decimals with a point"),
        ("about four months", "must be a number"),
        ("2.5 patients", "whole number"),
        ("3 or 4", "must be one number, got '3 or 4'"),
        ("1e400", "must be a finite number, got '1e400'"),  # not two numbers, 1 and 400
        ("-inf", "must be a finite number"),
    ],
)
def test_a_bound_a_range_or_no_number_is_refused(text, why):
    with pytest.raises(ValueError, match=why):
        entered_number(text, whole=text.startswith("2.5"))


def test_the_form_accepts_words_and_the_file_does_not():
    rec = {
        "citation": "Word A. 2024",
        "n_patients": "about 20 patients",
        "n_patients_source": "Abstract",
        "median_relief_months": "approximately 3.5 months",
        "median_relief_months_source": "Results",
    }
    assert validate_series(rec) == []
    assert entered_wording(rec) == {
        "n_patients": "about 20 patients",
        "median_relief_months": "approximately 3.5 months",
    }
    stored = to_json(entered_wording(rec))
    assert from_json(stored)["median_relief_months"] == "approximately 3.5 months"
    assert to_json({}) is None and from_json(None) == {} and from_json("not json") == {}
    assert figure_text(3.5, "approximately 3.5 months", " months") == (
        '3.5 months (as entered: "approximately 3.5 months")'
    )
    assert figure_text(None, None) == "not reported"


def test_the_store_keeps_the_wording_beside_the_number(user_db):
    from plexrt.data.access import Principal
    from plexrt.data.userstore import UserStore

    admin = Principal("boss", "admin")
    user_store = UserStore(user_db)
    key = user_store.add_series(
        admin,
        {
            "citation": "Typed T. 2023",
            "n_patients": "20",
            "n_patients_source": "Table 1",
            "median_relief_months": "approximately 3.5 months",
            "median_relief_months_source": "Results",
        },
    )
    row = user_store.series(admin).set_index("series_key").loc[key]
    assert row["median_relief_months"] == 3.5
    assert json.loads(row["entered_text"]) == {"median_relief_months": "approximately 3.5 months"}
    assert row["created_by"] == admin.user_id
    shown = user_series_table(user_store.series(admin), lit.COLUMN_LABELS)
    assert shown.loc[0, "Median duration of relief (months)"] == (
        '3.5 (as entered: "approximately 3.5 months")'
    )
    assert shown.loc[0, "Patients (n)"] == "20" and shown.loc[0, "Added by"] == admin.user_id


# -- which filter emptied the cohort -----------------------------------------------------------

SITES = pd.DataFrame(
    {
        "involved_muscle": ["psoas", "psoas", "piriformis"],
        "sex": ["M", "F", "F"],
        "age": [60, 70, 80],
    }
)


def _count(flt: CohortFilter) -> int:
    """The sites the filter keeps, counted here independently of the store's SQL."""
    keep = pd.Series(True, index=SITES.index)
    if flt.muscles:
        keep &= SITES["involved_muscle"].isin(flt.muscles)
    if flt.sexes:
        keep &= SITES["sex"].isin(flt.sexes)
    if flt.age_min is not None:
        keep &= SITES["age"] >= flt.age_min
    if flt.age_max is not None:
        keep &= SITES["age"] <= flt.age_max
    return int(keep.sum())


def test_the_filter_that_emptied_the_cohort_is_named_with_its_undo():
    # piriformis AND male: no site; removing the muscle leaves 1 male, removing sex leaves 1
    flt = CohortFilter(muscles=("piriformis",), sexes=("M",))
    undos = emptying_parts(flt, _count)
    assert [(u.part, u.n_sites) for u in undos] == [("muscles", 1), ("sexes", 1)]
    assert undos[0].words == "Involved muscle: piriformis"
    assert undos[0].without == CohortFilter(sexes=("M",))
    # an age range no site falls in is the one part to blame
    flt = CohortFilter(muscles=("psoas",), age_min=90)
    assert [(u.part, u.n_sites) for u in emptying_parts(flt, _count)] == [("age", 2)]


def test_no_single_part_to_blame_and_no_empty_cohort():
    # piriformis (only the 80-year-old), male (only the 60-year-old), age 65-75 (only the
    # 70-year-old): each pair excludes all, so removing any one part still leaves no site
    flt = CohortFilter(muscles=("piriformis",), sexes=("M",), age_min=65, age_max=75)
    assert len(active_parts(flt)) == 3 and emptying_parts(flt, _count) == []
    assert emptying_parts(CohortFilter(muscles=("psoas",)), _count) == []
    assert emptying_parts(CohortFilter(), _count) == []


# -- exports, titles, words --------------------------------------------------------------------


def test_csv_has_no_float_noise_and_rounds_to_the_shown_precision():
    df = pd.DataFrame(
        {"EQD2₁₀ (Gy)": [58.410000000000004, 42.25], "x": [0.1 + 0.2, 1.0], "t": ["a", 0.1 + 0.2]}
    )
    text = safe_csv(df, {"EQD2₁₀ (Gy)": 1}).decode("utf-8-sig")
    back = pd.read_csv(io.StringIO(text), dtype=str)
    # 42.25 (39 Gy/13, site 1.1 of the bundled series) is exact in binary, a true half: written
    # 42.3 as the page's number column and the board show it, not 42.2 (half to even)
    assert back["EQD2₁₀ (Gy)"].tolist() == ["58.4", "42.3"]
    assert back["x"].tolist() == ["0.3", "1.0"] and back["t"].tolist() == ["a", "0.3"]
    assert "0000000" not in text


def test_the_omed_header_keeps_its_precision():
    d = cohort_decimals("Baseline OMED (mg/day; CDC 2022)")
    assert d["Baseline OMED (mg/day; CDC 2022)"] == 0 and "Baseline OMED (mg/day)" not in d
    assert d["Dose per fraction (Gy)"] == 1


def test_chart_titles_name_quantity_time_zero_and_source():
    assert chart_title("survival", "completion", "Sanuki 2022", True) == (
        "Overall survival from RT completion — Sanuki 2022, reconstructed times"
    )
    assert chart_title("relief", "start", "Our clinic", False) == (
        "Duration of pain relief from maximum response — Our clinic, patient times"
    )


def test_a_chart_in_words_says_what_is_drawn():
    fig = go.Figure()
    fig.add_bar(x=["1.1", "2.1", "3.1"], y=[-9, -4, -2], name="Complete (n = 3)")
    fig.add_scatter(x=[0, 1], y=[1, 0.5], name="All patients (n=11): median 5.4 mo")
    fig.add_scatter(x=[0], y=[0], name="hidden", showlegend=False)
    fig.update_layout(title="<b>Change</b> in pain", xaxis_title="Site", yaxis_title="NRS &amp; x")
    assert describe(fig) == (
        "Change in pain. Horizontal axis: Site; vertical axis: NRS & x. Shown: Complete (n = 3): "
        "3 bars, values -9 to -2; All patients (n=11): median 5.4 mo."
    )
    assert plain("a<br>b") == "a b"


def test_groups_differ_by_more_than_colour():
    assert len(set(style.DASHES)) == len(style.DASHES) >= 4
    assert len(set(style.SYMBOLS)) == len(style.SYMBOLS) >= 6
    assert len(set(style.PATTERNS)) == len(style.PATTERNS)
    assert style.nth(style.DASHES, len(style.DASHES)) == style.DASHES[0]


def test_saved_cases_are_listed_in_words():
    cases = pd.DataFrame(
        {
            "case_id": ["case-1"],
            "saved_at": [pd.Timestamp("2025-01-02 03:04:05")],
            "label": [None],
            "primary_cancer": ["Gastric"],
            "primary_group": [None],
            "involved_muscle": ["psoas"],
            "nrs_before": [8],
            "intent": ["local_control"],
            "dose_gy": [39.0],
            "fractions": [13],
            "saved_by": ["dr.a"],
        }
    )
    shown = saved_cases_table(cases)
    assert shown.loc[0, "Saved (UTC)"] == "2025-01-02 03:04"
    assert shown.loc[0, "Intent"] == "local control" and shown.loc[0, "Saved by"] == "dr.a"
    assert not any("_" in c for c in shown.columns)
