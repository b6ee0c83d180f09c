"""The case at the board on the series' figures and tables; saved cases."""

from __future__ import annotations

import pytest

from plexrt.board.benchmarks import literature_benchmark
from plexrt.board.case import make_case
from plexrt.board.similarity import most_similar
from plexrt.charts import board as marks
from plexrt.charts.dose import dose_response_figure
from plexrt.charts.waterfall import waterfall_figure
from plexrt.clinical import pain_views
from plexrt.clinical.definitions import Definition
from plexrt.data import store


@pytest.fixture(scope="module")
def sites(con):
    return store.cohort(con)


def test_case_marks(sites):
    paper = Definition("paper")
    fig = waterfall_figure(pain_views.waterfall_data(sites, paper), paper, footnote="x")
    n, top, height = len(fig.data), fig.layout.margin.t, fig.layout.height
    marks.highlight_sites(fig, ["10.1", "1.1"], "most similar")
    assert len(fig.data) == n + 1 and list(fig.data[-1].x) == ["10.1", "1.1"]
    # one more legend entry above the plot: one more row (15 px type + 12) on top, plot kept
    assert (fig.layout.margin.t, fig.layout.height) == (top + 27, height + 27)
    fig = dose_response_figure(pain_views.dose_response(sites, 10.0), footnote="x")
    marks.mark_eqd2(fig, 42.25, "this patient")
    assert any(sh.x0 == 42.25 and sh.x1 == 42.25 for sh in fig.layout.shapes)


def test_benchmark_and_similar_tables(con):
    from plexrt.charts.tables import benchmark_table, similar_table

    case = make_case(
        primary_cancer="Gastric cancer",
        involved_muscle="psoas",
        nrs_before="8",
        intent="palliative",
        dose_gy="39",
        fractions="13",
    )
    bench = benchmark_table(literature_benchmark(case, store.literature(con)))
    g = bench.set_index("Series").loc["Gerontopoulos 2020. Indian J Palliat Care 2020;26:348-51"]
    # 18/18: exact lower limit 0.025 ** (1/18) = 81.5%
    assert g["Responders (exact 95% CI)"] == "18/18 patients = 100% (95% CI 81–100%)"
    assert g["Median relief"] == "3.5 months" and g["Median survival"] == "not reported"
    stevens = bench.set_index("Series").iloc[0]
    assert stevens["Responders (exact 95% CI)"] == "not reported"
    top = similar_table(most_similar(case, store.cohort(con), store.events(con), k=3))
    # one row per patient: patient 1's second site (1.2, also 9 points) is named beside 1.1
    assert list(top["Best-matching site"]) == ["10.1", "1.1 (also 1.2 (9 points))", "4.1"]
    assert list(top["Patient"]) == ["10", "1", "4"] and list(top["Score"]) == [12, 9, 7]
    assert list(top.columns) == [
        "#",
        "Patient",
        "Best-matching site",
        "Score",
        "Why similar",
        "Regimen",
        "NRS before",
        "NRS at completion",
        "Weeks to max. response",
        "Relief",
    ]
    # only the outcome columns asked for
    narrow = similar_table(
        most_similar(case, store.cohort(con), k=3), ["nrs_after", "weeks_to_max_response"]
    )
    assert "Relief" not in narrow.columns and "NRS at completion" in narrow.columns
