"""The board's shared figures, header and key figures; case marks on the figures; saved cases."""

from __future__ import annotations

import pytest

from plexrt import board
from plexrt.board import matcher
from plexrt.charts import board as marks
from plexrt.charts import slides as board_slides
from plexrt.charts import style
from plexrt.charts.dose import dose_response_figure
from plexrt.charts.waterfall import waterfall_figure
from plexrt.clinical import outcomes, pain_views
from plexrt.clinical.response import Definition
from plexrt.data import store
from plexrt.data.filters import CohortFilter


@pytest.fixture(scope="module")
def inp(con):
    sites = store.cohort(con)
    return board.BoardInput(
        sites=sites,
        all_sites=sites,
        events=store.events(con),
        course_events=store.course_events(con),
        literature=store.literature(con),
        filter_text="all sites",
        definition=Definition("paper"),
        aggregate=outcomes.Aggregate(2, 6, 4),
    )


def test_slides_cover_every_view_with_footnotes(inp):
    slides = board_slides.slides(inp)
    keys = [s.key for s in slides]
    assert keys == ["waterfall", "paired", "time_to_max", "dose", "km_survival", "km_relief",
                    "cif", "swimmer", "forest"]  # fmt: skip
    for s in slides:
        foot = style.footnote_text(s.fig)
        assert foot and "n = 12 sites, 11 patients" in foot.replace("<br>", " ")
    # every figure drawn from reconstructed times is labelled on the chart itself
    for s in slides:
        names = [a.name for a in s.fig.layout.annotations]
        assert ("reconstructed" in names) == s.reconstructed, s.key
    assert {s.key for s in slides if s.reconstructed} == {
        "km_survival",
        "km_relief",
        "cif",
        "swimmer",
    }


def test_header_line_says_what_is_reconstructed(inp):
    text = board.header_line(inp)
    assert text.startswith("Cohort: n = 12 sites, 11 patients · all sites")
    assert "Sanuki" in text and "reconstructed times" in text


def test_key_figures(inp):
    rows = dict(board.key_figures(inp))
    # 12/12 responders, exact lower limit 0.025 ** (1/12) = 73.5%; 9/12 complete, 42.8-94.5%
    assert rows["Responders"] == "100% (12/12; 95% CI 74–100%)"
    assert rows["Complete response"] == "75% (9/12; 95% CI 43–95%)"
    assert rows["Weeks to maximum response"] == "mean 3.2 (range 1–12; n = 12 sites)"
    assert rows["Median survival after RT"].endswith("(reconstructed times)")


def test_empty_cohort_has_no_slides(con, inp):
    empty = store.cohort(
        con, CohortFilter(muscles=("piriformis",), sexes=("F",), intents=("palliative",))
    )
    assert board_slides.slides(board.BoardInput(**{**inp.__dict__, "sites": empty})) == []


def test_case_marks(inp):
    paper = Definition("paper")
    fig = waterfall_figure(pain_views.waterfall_data(inp.sites, paper), paper, footnote="x")
    n = len(fig.data)
    marks.highlight_sites(fig, ["10.1", "1.1"], "most similar")
    assert len(fig.data) == n + 1 and list(fig.data[-1].x) == ["10.1", "1.1"]
    fig = dose_response_figure(pain_views.dose_response(inp.sites, 10.0), footnote="x")
    marks.mark_eqd2(fig, 42.25, "this patient")
    assert any(sh.x0 == 42.25 and sh.x1 == 42.25 for sh in fig.layout.shapes)


def test_saved_case_round_trip(tmp_path):
    from plexrt.data.userstore import UserStore

    us = UserStore(tmp_path / "u.duckdb")
    case = matcher.make_case(
        primary_cancer="Gastric cancer", involved_muscle="psoas", nrs_before="8",
        intent="palliative", dose_gy="39", fractions="13",
    )  # fmt: skip
    assert us.cases().empty  # nothing is stored unless asked
    key = us.save_case(case, "board 27 Nov")
    got = us.cases().set_index("case_id").loc[key]
    assert (got.primary_group, got.nrs_before, got.dose_gy, got.fractions) == (
        "gastrointestinal",
        8,
        39.0,
        13,
    )


def test_benchmark_and_similar_tables(con):
    from plexrt.charts.tables import benchmark_table, similar_table

    case = matcher.make_case(
        primary_cancer="Gastric cancer", involved_muscle="psoas", nrs_before="8",
        intent="palliative", dose_gy="39", fractions="13",
    )  # fmt: skip
    bench = benchmark_table(matcher.literature_benchmark(case, store.literature(con)))
    g = bench.set_index("Series").loc["Gerontopoulos 2020. Indian J Palliat Care 2020;26:348-51"]
    # 18/18: exact lower limit 0.025 ** (1/18) = 81.5%
    assert g["Responders (exact 95% CI)"] == "18/18 patients = 100% (95% CI 81–100%)"
    assert g["Median relief"] == "3.5 months" and g["Median survival"] == "not reported"
    stevens = bench.set_index("Series").iloc[0]
    assert stevens["Responders (exact 95% CI)"] == "not reported"
    top = similar_table(matcher.most_similar(case, store.cohort(con), store.events(con), k=3))
    assert list(top["Site"]) == ["10.1", "1.1", "1.2"] and list(top["Score"]) == [12, 9, 9]
