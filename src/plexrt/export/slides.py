"""The tumour board drawn: one figure per slide (the presentation view, the PPTX pack and the HTML
report share them) and the tables that go with them into the report.

What the figures show is computed in ``plexrt.board.summary``; this module only draws it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from plexrt.board import time_to_event
from plexrt.board.summary import (
    BoardInput,
    cohort_medians,
    cohort_text,
    forest_records,
    key_figures,
    omed_header,
)
from plexrt.charts import scale, style
from plexrt.charts.cif import cif_figure
from plexrt.charts.dose import dose_response_figure
from plexrt.charts.forest import forest_figure
from plexrt.charts.km import km_figure
from plexrt.charts.paired import paired_figure
from plexrt.charts.tables import cohort_decimals, cohort_table
from plexrt.charts.time_to_max import time_to_max_figure
from plexrt.clinical import endpoints as tte
from plexrt.clinical import (
    literature_comparison,
    literature_notes,
    pain_views,
    response_summary,
    response_words,
)
from plexrt.clinical.dose import DEFAULT_ALPHA_BETA
from plexrt.clinical.forest import forest_data
from plexrt.clinical.series_medians import SeriesMedians
from plexrt.export.large_slides import swimmer_slide, waterfall_slide
from plexrt.export.tabular import with_decimals


@dataclass(frozen=True)
class Slide:
    """One chart of the board; ``reconstructed`` when it rests on reconstructed times."""

    key: str
    title: str
    fig: go.Figure
    reconstructed: bool = False


#: The pain slides: (key, title), in the order shown.
PAIN_SLIDES = (
    ("waterfall", "Change in pain score per site"),
    ("paired", "Pain score before RT and at completion"),
    ("time_to_max", "Weeks from RT start to maximum response"),
    ("dose", f"Dose (EQD2, α/β {DEFAULT_ALPHA_BETA:g} Gy) and change in pain"),
)
FOREST_SLIDE = ("forest", "Response across published series")


def slides(
    inp: BoardInput, present: bool = True, unit: str = "months", height: int | None = None
) -> list[Slide]:
    """The board's charts, one per slide, each with its cohort/method footnote: ``slide`` of
    every key of ``deck``.

    ``height`` (px): every figure laid out to exactly that height (the presentation fits the
    screen with it); None keeps each figure's own height.
    """
    _check_height(height)
    return [slide(inp, key, present, unit, height) for key, _ in deck(inp)]


def deck(inp: BoardInput) -> list[tuple[str, str]]:
    """(key, title) of every slide ``slides`` draws, in order, without drawing one (the
    presentation draws only the slide on screen): the pain slides, the time-to-event slides the
    cohort has (``board.time_to_event.panel_names``), the forest when a series has counts."""
    if inp.sites.empty:
        return []
    out = [*PAIN_SLIDES, *time_to_event.panel_names(inp)]
    if not _forest_data(inp).empty:
        out.append(FOREST_SLIDE)
    return out


def slide(
    inp: BoardInput,
    key: str,
    present: bool = True,
    unit: str = "months",
    height: int | None = None,
) -> Slide:
    """The slide ``key`` of ``deck(inp)``, drawn as ``slides`` draws it. Raises ValueError for a
    key the deck does not have."""
    _check_height(height)
    titles = dict(PAIN_SLIDES)
    if key in titles:
        fig = _pain_figure(inp, key, present)
        return Slide(key, titles[key], fit_height(fig, height) if height else fig)
    if key == FOREST_SLIDE[0]:
        forest = _forest(inp, present)
        if forest is not None:
            if height is not None and (forest.layout.height or 0) > height:
                forest = fit_height(forest, height)
            return Slide(key, FOREST_SLIDE[1], forest)
    elif len(inp.events):
        drawn = _time_to_event_slide(inp, key, present, unit, height)
        if drawn is not None:
            return drawn
    raise ValueError(f"the board has no slide {key!r} for this cohort")


def _check_height(height: int | None) -> None:
    if height is not None and (isinstance(height, bool) or not isinstance(height, int)):
        raise ValueError("height must be a whole number of pixels or None")


#: The smallest plot area (px) ``fit_height`` leaves between the margins.
MIN_PLOT_PX = 160


def fit_height(fig: go.Figure, height: int) -> go.Figure:
    """``fig`` laid out ``height`` px tall: the margins (title, legends and notes above, axis
    titles and footnote below) keep their pixel sizes and the plot area takes the rest (at least
    MIN_PLOT_PX). Legends, annotations and shapes placed outside the plot area in paper units
    keep their pixel distance from it. Returns the same figure, changed in place."""
    m = fig.layout.margin
    top, bottom = (m.t if m.t is not None else 100), (m.b if m.b is not None else 80)
    old_plot = (fig.layout.height or 450) - top - bottom
    height = max(int(height), int(top + bottom + MIN_PLOT_PX))
    new_plot = height - top - bottom
    if old_plot <= 0 or new_plot == old_plot:
        fig.update_layout(height=height)
        return fig
    ratio = old_plot / new_plot

    def moved(y: float | None) -> float | None:
        if y is None or 0 <= y <= 1:
            return y
        return 1 + (y - 1) * ratio if y > 1 else y * ratio

    for ann in fig.layout.annotations:
        if ann.yref == "paper":
            ann.y = moved(ann.y)
    for shape in fig.layout.shapes:
        if shape.yref == "paper":
            shape.y0, shape.y1 = moved(shape.y0), moved(shape.y1)
    if fig.layout.legend.yref in (None, "paper") and fig.layout.legend.y is not None:
        fig.layout.legend.y = moved(fig.layout.legend.y)
    fig.update_layout(height=height)
    return fig


def untitled(fig: go.Figure) -> go.Figure:
    """``fig`` without its title (changed in place), the top margin shrunk by the title's room,
    for exports whose own heading says the title (a slide's title box, a caption)."""
    if fig.layout.title.text:
        room = int((fig.layout.title.font.size or style.font_sizes(True)["title"]) + 16)
        top = fig.layout.margin.t if fig.layout.margin.t is not None else 100
        fig.update_layout(title_text=None, margin_t=max(24, int(top) - room))
    return fig


def figure_title(fig: go.Figure) -> str | None:
    """The figure's own title as plain text (tags removed); None when it has none."""
    text = fig.layout.title.text
    if not text:
        return None
    return html.unescape(re.sub(r"<[^>]*>", "", re.sub(r"<br\s*/?>", " ", text))).strip() or None


def pack_heading(slide: Slide) -> str:
    """The editable heading of a chart's PPTX slide, where the picture goes without its title:
    the chart's own title, saying "(reconstructed times)" when the chart rests on them."""
    title = figure_title(slide.fig) or slide.title
    if slide.reconstructed and time_to_event.RECONSTRUCTED_FLAG not in title:
        return title + time_to_event.RECONSTRUCTED_FLAG
    return title


def _pain_figure(inp: BoardInput, key: str, present: bool) -> go.Figure:
    line = f"Cohort: {cohort_text(inp)}"
    d = inp.definition
    if key == "waterfall":
        return waterfall_slide(
            inp.sites,
            d,
            footnote=f"{line}<br>{d.label}",
            present=present,
        )
    if key == "paired":
        return paired_figure(pain_views.paired_data(inp.sites), footnote=line, present=present)
    if key == "time_to_max":
        return time_to_max_figure(pain_views.time_to_max(inp.sites), footnote=line, present=present)
    return dose_response_figure(
        pain_views.dose_response(inp.sites, DEFAULT_ALPHA_BETA), footnote=line, present=present
    )


def _time_to_event_slide(
    inp: BoardInput, key: str, present: bool, unit: str, height: int | None = None
) -> Slide | None:
    """A Kaplan-Meier slide (survival, relief), relapse with death competing, the swimmer plot
    (None when the cohort has no such slide): what they show and say comes from
    ``plexrt.board.time_to_event``; drawn here."""
    endpoint = key.removeprefix("km_")
    if key.startswith("km_") and endpoint in time_to_event.KM_ENDPOINTS:
        k = time_to_event.km_panel(inp, endpoint, unit)
        if k is None:
            return None
        fig = km_figure(
            k.curves,
            unit=unit,
            reconstructed=k.reconstructed,
            present=present,
            title=k.title,
            x_title=k.x_title,
            footnote=k.footnote,
            height=height,
        )
        return Slide(k.key, k.name, style.set_methods(fig, k.methods), k.reconstructed)
    if key == "cif":
        c = time_to_event.cif_panel(inp, unit)
        if c is None:
            return None
        fig = cif_figure(
            c.cif,
            c.one_minus_km,
            unit=unit,
            reconstructed=c.reconstructed,
            present=present,
            event_name=tte.RELAPSE_NAMES[0],
            competing_name=tte.RELAPSE_NAMES[1],
            title=c.title,
            x_title=c.x_title,
            footnote=c.footnote,
            height=height,
        )
        return Slide(c.key, c.name, style.set_methods(fig, c.methods), c.reconstructed)
    if key == "swimmer":
        w = time_to_event.swimmer_panel(inp, unit)
        fig = swimmer_slide(w, unit=unit, present=present, height=height)
        return Slide(w.key, w.name, fig, w.reconstructed)
    return None


def _forest_data(inp: BoardInput) -> pd.DataFrame:
    """The forest's rows: the cohort and the published series with counts (empty: no forest)."""
    records, labels = forest_records(inp)
    return forest_data(literature_comparison.forest_rows(records, labels, "responders"))


def _forest(inp: BoardInput, present: bool) -> go.Figure | None:
    data = _forest_data(inp)
    if data.empty:
        return None
    pooled = literature_comparison.pool(data)
    note = literature_notes.pool_note(pooled)
    return forest_figure(
        data,
        pooled,
        title="Pain response across series",
        present=present,
        footnote=f"Cohort: {cohort_text(inp)}<br>Exact 95% CI per series. {note}",
    )


SUBGROUPS_TITLE = (
    f"Subgroups (descriptive, not for inference; {response_summary.UNKNOWN_LEVEL_NOTE})"
)


FACTOR_TESTS_TITLE = (
    f"Subgroups compared (descriptive p-values: {response_summary.DESCRIPTIVE_REASONS})"
)


def report_tables(
    inp: BoardInput,
    method: str = "exact",
    disputes: dict[str, str] | None = None,
    figures: list[tuple[str, str]] | None = None,
) -> list[tuple[str, pd.DataFrame]]:
    """The tables of the report's pain section: the sites (as the cohort page shows them: its
    decimals, and ``disputes``, ``charts.tables.dispute_notes``, naming the discrepancies about
    each site; left out above ``SUMMARY_ABOVE`` sites, ``site_table_note``), the subgroups and
    their tests, the key figures (``figures``: ``key_figures(inp, method)`` when already
    computed)."""
    sub = response_summary.subgroup_table(
        inp.sites, inp.definition, method, inp.all_sites, inp.aggregate
    )
    tests = response_summary.factor_tests(sub)
    omed = omed_header(inp)
    decimals = cohort_decimals(omed)
    sites = (
        []
        if site_table_note(len(inp.sites))  # too many rows for a report: left out, and said so
        else [
            ("Irradiated sites", with_decimals(cohort_table(inp.sites, disputes, omed), decimals))
        ]
    )
    return [
        *sites,
        # headed as on the pain page; the test belongs to a factor, not to each of its groups
        (
            SUBGROUPS_TITLE,
            sub.drop(columns=["fisher_p", "fisher"]).rename(
                columns=response_summary.SUBGROUP_HEADERS
            ),
        ),
        (FACTOR_TESTS_TITLE, tests.rename(columns=response_summary.FACTOR_TEST_HEADERS)),
        (
            "Key figures",
            pd.DataFrame(
                figures if figures is not None else key_figures(inp, method),
                columns=["Figure", "Value"],
            ),
        ),
    ]


def site_table_note(n_sites: int) -> str:
    """Why the report leaves out its table of sites ('' when it keeps it): above
    ``charts.scale.SUMMARY_ABOVE`` sites, where the pages switch to summary views, a row per site
    (with every patient code) would make the report tens of megabytes; the subgroups and key
    figures summarise them and the Cohort page's download has every row."""
    if n_sites <= scale.SUMMARY_ABOVE:
        return ""
    return (
        f"Site table left out: n = {n_sites:,} sites, above the {scale.SUMMARY_ABOVE:,} from "
        "which the pages show summaries; the subgroups and key figures summarise them. Every "
        "row: 'Download this table (CSV)' on the Cohort page."
    )


def key_figure_notes(
    inp: BoardInput, method: str = "exact", medians: SeriesMedians | None = None
) -> list[str]:
    """How the key figures (``board.summary.key_figures``) were counted, in words: the response
    definition, the denominators and units of the percentages and their interval, the method of
    the medians (``medians``: the cohort's ``board.summary.cohort_medians`` when already
    computed)."""
    # the pain page's footnote of the same rates: both denominators, the unit (per patient beside
    # per site when a patient has several sites, and the rule), the interval
    note = response_words.rates_note(
        inp.sites, inp.definition, inp.words.source, method, inp.all_sites, inp.aggregate
    )
    notes = [f"Response: {note}"]
    if len(inp.events):
        notes.append((medians if medians is not None else cohort_medians(inp)).note)
    return notes
