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
