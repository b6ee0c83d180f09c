"""What the Data & provenance page says, from the stored tables (pure functions: no streamlit).

Text is Markdown for ``st.markdown``; the values come from the bundled series' own files.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from plexrt.data.vocab import SOURCE_LABELS

__all__ = [
    "CASE_DETAIL_COLUMNS",
    "CASE_DETAIL_HEADERS",
    "PROVENANCE_HEADERS",
    "TOXICITY_COLUMNS",
    "TOXICITY_HEADERS",
    "discrepancy_intro",
    "provenance_intro",
    "in_words",
    "shown_caption",
    "source_text",
]

# Columns shown from the case details and the toxicity table.
CASE_DETAIL_COLUMNS = ["patient_id", "course_id", "topic", "detail", "location"]
TOXICITY_COLUMNS = ["event", "ctcae_grade", "n_patients", "patient_id", "attribution"]
# Their headers on screen (the detail column is shown wide by the page).
CASE_DETAIL_HEADERS = {
    "patient_id": "Patient",
    "course_id": "Site",
    "topic": "Topic",
    "location": "Where in the paper",
}
TOXICITY_HEADERS = {
    "event": "Adverse event",
    "ctcae_grade": "CTCAE grade",
    "n_patients": "Patients (n)",
    "patient_id": "Patient",
    "attribution": "Attribution (as reported)",
}
# Provenance column -> header on screen (the note column is shown wide).
PROVENANCE_HEADERS = {
    "table_name": "Table",
    "row_key": "Row",
    "column_name": "Column",
    "source": "Source",
    "location": "Where in the paper",
}


def source_text(series: Mapping[str, Any] | pd.Series) -> str:
    """The bundled series' citation, DOI link, licence, design, period and data cut-off."""
    s = series
    return (
        f"**Source:** {s['citation']}. DOI [{s['doi']}](https://doi.org/{s['doi']}) · "
        f"{s['licence']} · {s['design']}, {s['period_start']} to {s['period_end']}, "
        f"data cut-off {s['data_cutoff']}."
    )


def discrepancy_intro(n: int) -> str:
    """The sentence above the list of the paper's contradictions."""
    return (
        f"**{n} places** where the paper contradicts itself, is ambiguous, or states "
        "something PlexRT has to derive. Each gives both readings, where each stands, and how "
        "PlexRT resolves it."
    )


def provenance_intro(counts: Iterable[tuple[str, int]]) -> str:
    """'One row per stored value: **n** from <source>, ...' (``store.source_counts``)."""
    return (
        "One row per stored value: "
        + ", ".join(f"**{n}** from {label}" for label, n in counts)
        + "."
    )


def in_words(rows: pd.DataFrame) -> pd.DataFrame:
    """Provenance rows with the source code replaced by its words."""
    return rows.assign(source=rows["source"].map(SOURCE_LABELS))


def shown_caption(n_shown: int, n_all: int) -> str:
    return f"{n_shown} of {n_all} values shown."
