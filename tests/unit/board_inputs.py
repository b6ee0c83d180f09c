"""The board's input for the whole bundled cohort (Sanuki 2022: 12 sites, 11 patients), shared by
the unit tests of what the board, its slides, report and handout say (fixture ``inp`` in
tests/unit/conftest.py); a test that needs another definition or aggregate passes it as a change.
"""

from __future__ import annotations

from typing import Any

from plexrt.board.summary import BoardInput, source_line
from plexrt.clinical import response_summary
from plexrt.clinical.definitions import Definition
from plexrt.data import store

# Sanuki 2022, Results para 2, as published: analgesic dose "reduced in two patients, unchanged in
# six patients, and increased in four patients" after RT (read as sites: discrepancy X6).
PUBLISHED_AGGREGATE = response_summary.Aggregate(2, 6, 4)


def bundled_board_input(con, **changes: Any) -> BoardInput:
    """All sites of the bundled store, the paper's response definition and the published
    analgesic aggregate; ``changes`` replace any field (``definition``, ``factors``, ...)."""
    sites = store.cohort(con)
    fields: dict[str, Any] = {
        "sites": sites,
        "all_sites": sites,
        "events": store.events(con),
        "course_events": store.course_events(con),
        "literature": store.literature(con),
        "filter_text": "all sites",
        "definition": Definition("paper"),
        "aggregate": PUBLISHED_AGGREGATE,
        "source": source_line(store.series(con).iloc[0]),
    }
    return BoardInput(**(fields | changes))
