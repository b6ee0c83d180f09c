"""Published comparison series: the columns of the literature table (spec, labels, populations).

The literature table (``data/literature.csv``) holds one row per published series. Every figure in it
carries a ``<column>_source`` saying where the figure comes from; a figure that is not reported stays an
empty cell (unknown), never 0. The Sanuki 2022 series is not in the file: the app computes it from the
store.

The rules of one series record: ``literature_rules``; reading the file: ``literature_file``.
Per-series intervals and the random-effects pool are statistics: ``plexrt.stats.meta``.
"""

from __future__ import annotations

from dataclasses import dataclass

from plexrt.data.paths import DEFAULT_DATA_DIR

__all__ = [
    "COLUMNS",
    "COLUMN_NAMES",
    "DEFAULT_LITERATURE_PATH",
    "FIGURE_COLUMNS",
    "INTEGER_COLUMNS",
    "MEDIAN_COLUMNS",
    "NUMBER_COLUMNS",
    "POPULATIONS",
    "SOURCE_COLUMNS",
    "ColumnSpec",
]

DEFAULT_LITERATURE_PATH = DEFAULT_DATA_DIR / "literature.csv"

POPULATIONS: dict[str, str] = {
    "malignant_psoas_syndrome": "malignant psoas syndrome",
    "lumbosacral_plexopathy": "malignant lumbosacral plexopathy",
    "non_bone_painful_lesions": "painful non-bone lesions (broader comparator)",
    "frequency_survey": "frequency survey (how often the syndrome occurs)",
    "non_rt_comparator": "non-radiotherapy comparator",
    "case_report": "case report",
}


# How each kind of column is stored (the bundled literature table and the user's own series).
SQL_TYPES = {"text": "VARCHAR", "integer": "INTEGER", "number": "DOUBLE"}


@dataclass(frozen=True)
class ColumnSpec:
    """One column of the literature CSV: name, kind ('text' | 'integer' | 'number'), meaning, and
    the words a clinician reads for it (form labels, table headers: with the unit)."""

    name: str
    kind: str
    description: str
    is_figure: bool = False
    label: str = ""

    @property
    def sql_type(self) -> str:
        return SQL_TYPES[self.kind]


_BASE_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec(
        "series_key",
        "text",
        "short unique key, e.g. 'gerontopoulos2020' (required)",
        label="Series key",
    ),
    ColumnSpec("citation", "text", "journal reference (required)", label="Citation"),
    ColumnSpec("doi", "text", "DOI when known", label="DOI"),
    ColumnSpec("year", "integer", "publication year", label="Year"),
    ColumnSpec("population", "text", "one of: " + ", ".join(POPULATIONS), label="Population"),
    ColumnSpec("design", "text", "study design in a few words", label="Design"),
    ColumnSpec(
        "n_patients",
        "integer",
        "number of patients (evaluable, as reported)",
        True,
        label="Patients (n)",
    ),
    ColumnSpec(
        "n_sites",
        "integer",
        "number of irradiated sites, when reported",
        True,
        label="Irradiated sites (n)",
    ),
    ColumnSpec("pain_scale", "text", "pain scale used (e.g. NRS 0-10)", True, label="Pain scale"),
    ColumnSpec(
        "response_definition",
        "text",
        "what counts as a responder",
        True,
        label="Response definition",
    ),
    # Responders are counted per site when n_sites is given, otherwise per patient.
    ColumnSpec(
        "responders",
        "integer",
        "responders (per site if n_sites given, else patients)",
        True,
        label="Responders (n)",
    ),
    ColumnSpec(
        "complete_responders",
        "integer",
        "complete responders (subset of responders)",
        True,
        label="Complete responders (n)",
    ),
    ColumnSpec(
        "time_to_response",
        "text",
        "time to response as reported (free text)",
        True,
        label="Time to response",
    ),
    ColumnSpec(
        "median_relief_months",
        "number",
        "median duration of pain relief, months",
        True,
        label="Median duration of relief (months)",
    ),
    ColumnSpec(
        "median_followup_months",
        "number",
        "median follow-up, months",
        True,
        label="Median follow-up (months)",
    ),
    ColumnSpec(
        "median_survival_months",
        "number",
        "median overall survival, months",
        True,
        label="Median survival (months)",
    ),
    ColumnSpec(
        "schedules", "text", "dose/fractionation schedules as reported", True, label="Schedules"
    ),
    ColumnSpec(
        "notes", "text", "other reported figures, each with its source; caveats", label="Notes"
    ),
)


def _with_sources(base: tuple[ColumnSpec, ...]) -> tuple[ColumnSpec, ...]:
    out: list[ColumnSpec] = []
    for spec in base:
        out.append(spec)
        if spec.is_figure:
            out.append(
                ColumnSpec(
                    f"{spec.name}_source",
                    "text",
                    f"where {spec.name} comes from",
                    label=f"Source of: {spec.label}",
                )
            )
    return tuple(out)


#: Full schema in file order: each figure column is followed by its ``<column>_source``.
COLUMNS: tuple[ColumnSpec, ...] = _with_sources(_BASE_COLUMNS)
COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
COLUMN_LABELS: dict[str, str] = {c.name: c.label for c in COLUMNS}
FIGURE_COLUMNS: tuple[str, ...] = tuple(c.name for c in _BASE_COLUMNS if c.is_figure)
SOURCE_COLUMNS: tuple[str, ...] = tuple(f"{c}_source" for c in FIGURE_COLUMNS)
INTEGER_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.kind == "integer")
NUMBER_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.kind == "number")
MEDIAN_COLUMNS: tuple[str, ...] = tuple(c.name for c in _BASE_COLUMNS if c.kind == "number")
