"""Argument checks shared by every figure: one message per mistake, whichever chart is called.

On/off arguments, required columns and the cells of the rows a figure draws are read with
``plexrt.clinical.inputs`` (``check_flag`` is its ``flag``).
"""

from __future__ import annotations

from typing import Any

from plexrt.clinical.inputs import flag as check_flag
from plexrt.clinical.inputs import require_columns

__all__ = [
    "check_flag",
    "check_footnote",
    "check_title",
    "require_columns",
]


def check_footnote(footnote: Any) -> str:
    """Every chart states its cohort and method under the plot: an empty footnote would hide both."""
    if not isinstance(footnote, str) or not footnote.strip():
        raise ValueError("footnote must be a non-empty string stating the cohort and the method")
    return footnote


def check_title(title: Any) -> str | None:
    if title is not None and not isinstance(title, str):
        raise ValueError(f"title must be a string or None, got {type(title).__name__}")
    return title
