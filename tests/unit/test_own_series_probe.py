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
