"""Fixtures shared by the unit tests (the store itself: tests/conftest.py)."""

from __future__ import annotations

import pytest

from tests.unit.board_inputs import bundled_board_input
from tests.unit.pain_cases import table1_copies


@pytest.fixture(scope="module")
def inp(con):
    """The board's input for the whole bundled cohort (``board_inputs.bundled_board_input``)."""
    return bundled_board_input(con)


@pytest.fixture(scope="module")
def large(con):
    """Table 1's 12 sites, ``pain_cases.COPIES`` times: just above ``SUMMARY_ABOVE`` sites."""
    from plexrt.data import store

    return table1_copies(store.cohort(con))
