"""The board's figures, one per slide, and the report's tables (plexrt.export.slides)."""

from __future__ import annotations

from dataclasses import replace

import plotly.graph_objects as go
import pytest

from plexrt.board.summary import key_figures
from plexrt.charts import style
from plexrt.data import store
from plexrt.data.filters import CohortFilter
from plexrt.export.slides import (
    FACTOR_TESTS_TITLE,
    SUBGROUPS_TITLE,
    deck,
    figure_title,
    fit_height,
    key_figure_notes,
    report_tables,
    slide,
    slides,
    untitled,
)

# The board's slides for the whole bundled cohort, in order (the presentation's AppTest too).
WHOLE_COHORT_SLIDES = [
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


def test_slides_cover_every_view_with_footnotes(inp):
    board_slides = slides(inp)
    keys = [s.key for s in board_slides]
    assert keys == WHOLE_COHORT_SLIDES
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
    assert slides(replace(inp, sites=empty)) == []


def _no_relief(inp):
    events = inp.events.assign(assessable_for_relief=False)
    return replace(inp, events=events, draws=())


@pytest.mark.parametrize(
    ("variant", "keys"),
    [
        (lambda i: i, "waterfall paired time_to_max dose km_survival km_relief cif swimmer forest"),
        (
            lambda i: replace(i, events=i.events.iloc[:0]),
            "waterfall paired time_to_max dose forest",
        ),
        (_no_relief, "waterfall paired time_to_max dose km_survival swimmer forest"),
        (lambda i: replace(i, sites=i.sites.iloc[:0]), ""),
    ],
    ids=["whole", "no events", "no one assessable for relief", "no site"],
)
def test_deck_names_the_slides_drawn_without_drawing_them(inp, variant, keys):
    board = variant(inp)
    names = deck(board)
    assert [k for k, _ in names] == keys.split()
    assert names == [(s.key, s.title) for s in slides(board)]
    for key, title in names:
        one = slide(board, key, height=620)
        assert (one.key, one.title) == (key, title)
        # the forest keeps its own height when it is shorter (as ``slides`` lays it out)
        assert one.fig.layout.height == 620 or (key == "forest" and one.fig.layout.height < 620)


def test_a_slide_the_deck_does_not_have_is_refused(inp):
    with pytest.raises(ValueError, match="no slide 'cif'"):
        slide(_no_relief(inp), "cif")
    with pytest.raises(ValueError, match="no slide 'nope'"):
        slide(inp, "nope")


def test_report_tables(inp):
    tables = dict(report_tables(inp))
    assert list(tables) == [
        "Irradiated sites",
        SUBGROUPS_TITLE,
        FACTOR_TESTS_TITLE,
        "Key figures",
    ]
    assert len(tables["Irradiated sites"]) == 12
    assert "fisher_p" not in tables[SUBGROUPS_TITLE].columns
    figures = dict(tables["Key figures"].itertuples(index=False))
    assert figures["Responders"].startswith("100% of treated sites (12/12; 95% CI 74–100%) · ")


def test_report_tables_of_no_sites_keep_their_columns(inp):
    """Filtered to no site, the report's tables failed (KeyError 'fisher_p': the subgroup table of
    no rows had no columns). Empty tables with the columns of a full one, and counts of 0."""
    full = dict(report_tables(inp))
    none = dict(report_tables(replace(inp, sites=inp.sites.iloc[0:0])))
    for title in ("Irradiated sites", SUBGROUPS_TITLE, FACTOR_TESTS_TITLE):
        assert none[title].empty and list(none[title].columns) == list(full[title].columns)
    figures = dict(none["Key figures"].itertuples(index=False))
    assert figures["Cohort"].startswith("n = 0 sites, 0 patients")
    assert figures["Responders"] == "not available (no site in the cohort)"


def test_slides_laid_out_to_a_height(inp):
    # the presentation at 1280x720 asks for 620 px figures (see ui.presentation.figure_height)
    board_slides = slides(inp, height=620)
    for s in board_slides:
        if s.key == "forest":  # a two-row forest is shorter than the screen: kept short
            assert s.fig.layout.height <= 620
        else:
            assert s.fig.layout.height == 620, s.key
    with pytest.raises(ValueError, match="height"):
        slides(inp, height=620.5)


def _outside_marks() -> go.Figure:
    fig = go.Figure(go.Scatter(x=[0, 1], y=[0, 1]))
    fig.update_layout(height=600, margin={"t": 100, "b": 100}, legend={"y": 1.1})  # plot 400 px
    fig.add_annotation(text="below", xref="paper", yref="paper", x=0, y=-0.05)  # 20 px below
    fig.add_annotation(text="inside", xref="paper", yref="paper", x=0, y=0.5)
    fig.add_annotation(text="data", x=0, y=3)  # y in data units: not moved
    fig.add_shape(type="line", xref="paper", yref="paper", x0=0, x1=1, y0=1.2, y1=1.3)
    return fig


def test_fit_height_keeps_outside_marks_at_their_pixel_distance():
    fig = fit_height(_outside_marks(), 400)
    # plot area 600 - 200 = 400 px -> 400 - 200 = 200 px: a mark 40 px above the plot
    # (y = 1 + 40/400 = 1.1) stays 40 px above it (1 + 40/200 = 1.2); 20 px below (-20/400)
    # stays 20 px below (-20/200 = -0.1); the shape 80-120 px above -> 1.4-1.6
    assert fig.layout.height == 400
    assert fig.layout.legend.y == pytest.approx(1.2)
    below, inside, data = fig.layout.annotations
    assert below.y == pytest.approx(-0.1) and inside.y == 0.5 and data.y == 3
    assert (fig.layout.shapes[0].y0, fig.layout.shapes[0].y1) == (
        pytest.approx(1.4),
        pytest.approx(1.6),
    )
    # never less than MIN_PLOT_PX (160) of plot: 100 + 100 + 160 = 360
    assert fit_height(_outside_marks(), 250).layout.height == 360


def test_untitled_and_figure_title():
    fig = go.Figure()
    fig.update_layout(
        title={"text": "Survival <b>after</b> RT<br>(from completion)", "font": {"size": 28}},
        margin_t=70,
    )
    assert figure_title(fig) == "Survival after RT (from completion)"
    untitled(fig)
    # the title's room: its 28 px type + 16 px
    assert fig.layout.title.text is None and fig.layout.margin.t == 70 - 44
    assert figure_title(fig) is None


def test_key_figure_notes(inp):
    first, medians = key_figure_notes(inp)
    assert first.startswith("Response: As in Sanuki 2022, improved = NRS fall of 2 or more")
    assert first.endswith(". Exact (Clopper-Pearson) 95% CI.")  # a sentence of its own
    assert medians.startswith("PlexRT medians: Kaplan–Meier")
    assert "one reconstruction of times not published per patient" in medians


def test_time_to_event_slides_pool_over_the_reconstructions(con, inp):
    """Issue 13.1: with the ensemble, the pooled median and CI of a Kaplan-Meier slide are in its
    footnote, which says the curve is one of many consistent with the paper; issue 14: the legend
    beside the curve gives where that curve crosses 0.5, not the pooled median."""
    from plexrt.clinical import tte_estimates as te
    from plexrt.ingest.ensemble import reconstruction_draws

    draws = reconstruction_draws(con, 200)
    with_draws = replace(inp, draws=draws)
    km = next(s for s in slides(with_draws) if s.key == "km_survival")
    foot = style.footnote_text(km.fig).replace("<br>", " ")
    assert "over 200 reconstructions; the curve drawn is one of them" in foot
    # the methods in full are kept with the figure for the speaker notes and the report
    methods = " ".join(style.methods_of(km.fig))
    assert "one reconstruction (the stored default) of the many equally consistent" in methods
    assert "pooled over 200 reconstructions by Rubin's rules" in methods
    assert "Greenwood" in methods and "Greenwood" not in foot
    est = te.median_estimate(inp.events, draws, inp.patient_ids, "survival")
    legend = next(t.name for t in km.fig.data if (t.meta or {}).get("role") == "km")
    assert legend.endswith(f"this curve's median {est.drawn_median_days / 30.4375:.1f} mo")
    lo = est.ci_days[0] / 30.4375
    assert f"pooled median {est.median_days / 30.4375:.1f} mo (95% CI {lo:.1f} mo to" in foot
    cif = next(s for s in slides(with_draws) if s.key == "cif")
    assert "pooled over 200 reconstructions" in style.footnote_text(cif.fig).replace("<br>", " ")
    cif_methods = " ".join(style.methods_of(cif.fig))
    assert "Aalen-Johansen cumulative incidence of relapse of pain with death before relapse" in (
        cif_methods
    )
    assert "event type" not in cif_methods


def test_slide_footnotes_fit_a_projector(con, inp):
    """A time-to-event slide's footnote is at most five lines as drawn (it was nine; a projector
    at 1280x720 has no room for them; issue 14): the methods it leaves out are in full in
    ``methods_of`` and the footnote says where."""
    from plexrt.ingest.ensemble import reconstruction_draws

    with_draws = replace(inp, draws=reconstruction_draws(con, 200))
    for s in slides(with_draws):
        foot = style.footnote_text(s.fig)
        if s.key.startswith(("km_", "cif")):
            assert foot.count("<br>") + 1 <= 5, (s.key, foot)
        if style.methods_of(s.fig):
            assert "Methods in full: speaker notes and report." in foot.replace("<br>", " ")


def test_key_figure_notes_name_both_units_and_denominators_of_the_key_figures(inp):
    # The key figures give '% of treated sites (k/12)' and, as patient 1 has two sites, '% of
    # treated patients (k/11)'; the note said only "Percentages count irradiated sites", untrue
    # of the second, and never which sites or patients are the denominators.
    figures = dict(key_figures(inp))
    assert "of treated patients" in figures["Responders"]
    first = key_figure_notes(inp)[0]
    n_sites = len(inp.sites)  # every treated site: 12 (Table 1)
    n_patients = inp.sites["patient_id"].nunique()  # 11
    assert f"/{n_sites};" in figures["Responders"] and f"/{n_patients};" in figures["Responders"]
    assert f"Treated = every site in the cohort (n = {n_sites})" in first
    assert "per patient beside them, where a patient counts when every one of their" in first


def test_report_subgroups_are_headed_as_on_the_page_with_the_unit_of_each_n(inp):
    # The report printed the subgroup table's store columns ('factor', 'level', 'n', 'n_patients',
    # 'fisher'): an 'n' without its unit, and the factor's Fisher test repeated on every group.
    tables = dict(report_tables(inp))
    sub = tables[SUBGROUPS_TITLE]
    assert list(sub.columns) == [
        "Factor",
        "Group",
        "n sites",
        "n patients",
        "Responders (95% CI)",
        "Complete (95% CI)",
    ]
    psoas = sub[(sub["Factor"] == "Involved muscle") & (sub["Group"] == "psoas")].iloc[0]
    # Table 1: psoas sites 1.1, 1.2, 3.1, 4.1, 5.1, 7.1, 9.1, 10.1 of patients 1, 3, 4, 5, 7, 9, 10
    site_ids = inp.sites.loc[inp.sites["involved_muscle"] == "psoas", "patient_id"]
    assert (psoas["n sites"], psoas["n patients"]) == (len(site_ids), site_ids.nunique())
    tests = tables[FACTOR_TESTS_TITLE]
    assert "Fisher exact test of the responder rate (two-sided)" in tests.columns
    muscle = tests[tests["Factor"] == "Involved muscle"].iloc[0]
    # 4/4 piriformis and 8/8 psoas responders: Fisher's exact p = 1 (scipy)
    from scipy.stats import fisher_exact

    p = fisher_exact([[4, 0], [8, 0]]).pvalue
    assert muscle["Groups compared"] == "piriformis vs psoas"
    assert muscle["Fisher exact test of the responder rate (two-sided)"] == f"p = {p:.2f}"


def test_report_sites_table_reads_as_the_cohort_page(con, inp):
    # The report printed the sites' floats as pandas left them ('50.700', '42.250000' in an own
    # series, OMED '30.0') where the cohort page and its CSV give 1 decimal (0 for OMED), and left
    # out the page's 'Disputed in the paper' column.
    from plexrt.charts.tables import dispute_notes

    disputes = dispute_notes(store.discrepancies(con))
    sites = dict(report_tables(inp, disputes=disputes))["Irradiated sites"].set_index("Site")
    row = sites.loc["3.1"]  # Table 1: 59.4 Gy in 33 fractions of 1.8 Gy
    eqd2 = 59.4 * (1.8 + 10) / (2 + 10)  # 58.41 Gy
    bed = 59.4 * (1 + 1.8 / 10)  # 70.092 Gy
    assert row["EQD2₁₀ (Gy)"] == f"{eqd2:.1f}" == "58.4"
    assert row["BED₁₀ (Gy)"] == f"{bed:.1f}" == "70.1"
    assert row["Dose per fraction (Gy)"] == "1.8"
    omed = next(c for c in sites.columns if c.startswith("Baseline OMED"))
    assert sites[omed].map(lambda v: v is None or "." not in v).all()
    # site 5.1's dose is stated two ways in the paper (discrepancy X1)
    assert "X1" in sites.loc["5.1", "Disputed in the paper"]


def test_the_forest_counts_do_not_need_the_cohort_medians(inp):
    # the forest (and the deck's check for it) reads the records without the medians
    import pandas as pd

    from plexrt.board.summary import forest_records, series_records
    from plexrt.clinical.literature_comparison import forest_rows

    full = series_records(inp)
    records, labels = forest_records(inp)
    assert labels == full.labels and len(records) == len(full.records) > 1
    assert records[0]["responders"] == full.records[0]["responders"] is not None
    pd.testing.assert_frame_equal(
        forest_rows(records, labels), forest_rows(full.records, full.labels)
    )


def test_subgroup_wording_holds_at_any_size():
    """The report's table titles and the Pain page said the p-values were descriptive because 'n
    is too small for inference', which is false of a registry's thousands of sites (its p-values
    are small). They give the reasons that hold at any size."""
    from plexrt.clinical.response_summary import DESCRIPTIVE_REASONS, SUBGROUP_TESTS_NOTE

    for text in (SUBGROUPS_TITLE, FACTOR_TESTS_TITLE, SUBGROUP_TESTS_NOTE):
        assert "this small" not in text and "too small" not in text
    assert DESCRIPTIVE_REASONS in FACTOR_TESTS_TITLE and DESCRIPTIVE_REASONS in SUBGROUP_TESTS_NOTE
    assert "treatment not randomised" in DESCRIPTIVE_REASONS
    assert "without correction" in DESCRIPTIVE_REASONS
