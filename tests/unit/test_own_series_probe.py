"""Defects found by a probe of a department's own series: what the board and its exports call
the series, and how they word the response definition."""

from __future__ import annotations

from dataclasses import replace

from plexrt.board.summary import series_records
from plexrt.clinical.series_words import OWN, PUBLISHED, cohort_label, words


def test_cohort_label_names_the_series_in_view():
    assert cohort_label("Example clinic", OWN) == "Example clinic (this cohort)"
    assert cohort_label("Sanuki 2022", PUBLISHED) == "PlexRT (this cohort)"


def test_board_forest_row_of_an_own_series_is_named_by_the_series(inp):
    """The board's forest slide labelled an own series 'PlexRT (this cohort)' and its record
    'Sanuki 2022 in PlexRT'."""
    own = series_records(replace(inp, words=words(OWN), name="Example clinic"))
    assert own.labels[0] == "Example clinic (this cohort)"
    assert own.records[0]["citation"] == "Example clinic in PlexRT (all sites)"
    assert series_records(inp).labels[0] == "PlexRT (this cohort)"  # the paper keeps its label


def test_static_table_cells_have_one_type_per_column():
    import pandas as pd
    import pyarrow as pa

    from plexrt.ui.safe_text import md
    from plexrt.ui.tables import static_cells

    frame = pd.DataFrame(
        {"n": [7, None], "weeks": [1.5, 2.0], "site": ["10.1", None], "code": ["P_1", "2"]}
    )
    shown = static_cells(frame)
    assert shown["n"].tolist() == ["7.0", "—"]  # text throughout, unknown the dash
    assert shown["weeks"].tolist() == [1.5, 2.0]  # numbers only: numbers
    assert shown["site"].tolist() == [md("10.1"), "—"]  # text escaped as before
    assert shown["code"].tolist() == [md("P_1"), "2"]
    pa.Table.from_pandas(shown)  # converts as it is (no Arrow error for Streamlit to fix)


def _sites_above_summary(inp):
    """The bundled sites repeated to one more site than the pages show per site, each its own
    patient and site (a synthetic series just above ``SUMMARY_ABOVE``)."""
    import pandas as pd

    from plexrt.charts.scale import SUMMARY_ABOVE

    n = SUMMARY_ABOVE + 1
    rows = pd.concat([inp.sites] * (n // len(inp.sites) + 1), ignore_index=True).iloc[:n].copy()
    rows["patient_id"] = [f"S{i}" for i in range(n)]
    rows["course_id"] = [f"S{i}.1" for i in range(n)]
    return rows


def test_report_leaves_out_the_site_table_above_the_summary_size(inp):
    """The board's HTML report held every site with its patient code (53 MB at 100,000 courses):
    above the size where the pages show summaries it gives the summaries and says so."""
    from plexrt.export import slides

    sites = _sites_above_summary(inp)
    big = replace(inp, sites=sites, all_sites=sites, events=inp.events.iloc[0:0])
    tables = dict(slides.report_tables(big))
    assert "Irradiated sites" not in tables and "Key figures" in tables
    site_table_note, report_tables = slides.site_table_note, slides.report_tables
    assert site_table_note(len(sites)) == (
        "Site table left out: n = 301 sites, above the 300 from which the pages show summaries; "
        "the subgroups and key figures summarise them. Every row: 'Download this table (CSV)' "
        "on the Cohort page."
    )
    assert site_table_note(100_000).startswith("Site table left out: n = 100,000 sites")
    assert site_table_note(300) == "" and "Irradiated sites" in dict(report_tables(inp))


def test_paper_definition_is_worded_as_a_definition_not_as_the_data(inp):
    """'Response definition: Sanuki 2022: ...' on an own series read as if naming its data."""
    from plexrt.board.summary import key_figures
    from plexrt.clinical.definitions import DEFINITION_LABELS, Definition

    own = dict(key_figures(replace(inp, words=words(OWN), name="Example clinic")))
    assert own["Response definition"] == (
        "As in Sanuki 2022 (improvement = NRS fall ≥2; complete = NRS 0 at end of RT, any fall)"
    )
    assert DEFINITION_LABELS["paper"] == own["Response definition"]
    assert Definition("paper").footnote.startswith(
        "As in Sanuki 2022, improved = NRS fall of 2 or more; complete = NRS 0"
    )
    assert not any(v.startswith("Sanuki 2022:") for v in DEFINITION_LABELS.values())
