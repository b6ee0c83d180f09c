"""Fixtures shared by the unit tests (the store itself: tests/conftest.py)."""

from __future__ import annotations

import pytest

from tests.unit.board_inputs import bundled_board_input


@pytest.fixture(scope="module")
def inp(con):
    """The board's input for the whole bundled cohort (``board_inputs.bundled_board_input``)."""
    return bundled_board_input(con)
