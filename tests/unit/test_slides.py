"""The board's figures, one per slide, and the report's tables (plexrt.export.slides)."""

from __future__ import annotations

import pytest

from plexrt.board.summary import BoardInput, source_line
from plexrt.charts import style
from plexrt.clinical import response_summary
from plexrt.clinical.definitions import Definition
from plexrt.data import store
from plexrt.data.filters import CohortFilter
from plexrt.export.slides import report_tables, slides


@pytest.fixture(scope="module")
def inp(con):
    sites = store.cohort(con)
    return BoardInput(
        sites=sites,
        all_sites=sites,
        events=store.events(con),
        course_events=store.course_events(con),
        literature=store.literature(con),
        filter_text="all sites",
        definition=Definition("paper"),
        aggregate=response_summary.Aggregate(2, 6, 4),
        source=source_line(store.series(con).iloc[0]),
    )


def test_slides_cover_every_view_with_footnotes(inp):
    board_slides = slides(inp)
    keys = [s.key for s in board_slides]
    assert keys == [
        "waterfall",
        "paired",
        "time_to_max",
        "dose",
        "km_survival",
        "km_relief",
        "cif",
        "swimmer",
        "forest",
    ]
    for s in board_slides:
        foot = style.footnote_text(s.fig)
        assert foot and "n = 12 sites, 11 patients" in foot.replace("<br>", " ")
    # every figure drawn from reconstructed times is labelled on the chart itself
    for s in board_slides:
        names = [a.name for a in s.fig.layout.annotations]
        assert ("reconstructed" in names) == s.reconstructed, s.key
    assert {s.key for s in board_slides if s.reconstructed} == {
        "km_survival",
        "km_relief",
        "cif",
        "swimmer",
    }
    # the competing-risks slide counts the nine patients assessable for relief (Results para 2)
    cif = next(s for s in board_slides if s.key == "cif")
    assert "n = 9 assessable patients" in style.footnote_text(cif.fig)


def test_empty_cohort_has_no_slides(con, inp):
    empty = store.cohort(
        con, CohortFilter(muscles=("piriformis",), sexes=("F",), intents=("palliative",))
    )
    assert slides(BoardInput(**{**inp.__dict__, "sites": empty})) == []


def test_report_tables(inp):
    tables = dict(report_tables(inp))
    assert list(tables) == [
        "Irradiated sites",
        "Subgroups (descriptive; n too small for inference)",
        "Key figures",
    ]
    assert len(tables["Irradiated sites"]) == 12
    assert "fisher_p" not in tables["Subgroups (descriptive; n too small for inference)"].columns
    figures = dict(tables["Key figures"].itertuples(index=False))
    assert figures["Responders"].startswith("100% of sites (12/12; 95% CI 74–100%) · ")


def test_time_to_event_slides_pool_over_the_reconstructions(con, inp):
    """Issue 13.1: with the ensemble, the legend median and CI of a Kaplan-Meier slide are the
    pooled ones and the footnote says the curve is one of many consistent with the paper."""
    from plexrt.clinical import tte_estimates as te
    from plexrt.ingest.ensemble import reconstruction_draws

    draws = reconstruction_draws(con, 200)
    with_draws = BoardInput(**{**inp.__dict__, "draws": draws})
    km = next(s for s in slides(with_draws) if s.key == "km_survival")
    foot = style.footnote_text(km.fig).replace("<br>", " ")
    assert "one reconstruction (the stored default) of the many equally consistent" in foot
    assert "pooled over 200 reconstructions by Rubin's rules" in foot
    est = te.median_estimate(inp.events, draws, inp.patient_ids, "survival")
    legend = next(t.name for t in km.fig.data if (t.meta or {}).get("role") == "km")
    lo = est.ci_days[0] / 30.4375
    assert f"median {est.median_days / 30.4375:.1f} mo (95% CI {lo:.1f}–" in legend
    cif = next(s for s in slides(with_draws) if s.key == "cif")
    assert "pooled over 200 reconstructions" in style.footnote_text(cif.fig).replace("<br>", " ")
