"""How long text a person types or imports may be, and the one check every writer of such text uses.

Free text reaches the user store from the literature form and file (citations, notes), the board
(case labels, primary cancer), the import (patient codes, coded values, series name, institution,
period). Every one of them is checked here: no NUL character (databases and exports truncate or
refuse it silently) and no more than the limit of its kind.
"""

from __future__ import annotations

NAME_CHARS = 200  # a series name, institution, period; a saved case's label
CODE_CHARS = 200  # a short value kept from an import or the board form (patient code, cancer)
STORED_TEXT_CHARS = 500  # any text value of a department's series in the store (a backstop)
CITATION_CHARS = 1_000  # a journal reference
NOTE_CHARS = 5_000  # notes, sources, design and other free text of a literature series
CELL_CHARS = 2_000  # any cell of an imported file, including columns that are ignored


def text_problem(text: str, limit: int) -> str | None:
    """Why ``text`` cannot be kept (None when it can): a NUL character, or more than ``limit``
    characters."""
    if "\x00" in text:
        return "contains a NUL character"
    if len(text) > limit:
        return f"is longer than {limit:,} characters ({len(text):,})"
    return None
