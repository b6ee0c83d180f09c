"""The stored shape of a department's own series (user store): one home for its column lists.

Every time is a whole number of days from the patient's first RT start (day 0); no calendar date is
ever stored. Ages over 89 are stored as 90 with ``age_90_plus`` set (HIPAA Safe Harbor). The import
(``plexrt.ingest``) produces frames with exactly these columns; the user store writes and reads
them; the analysis turns them into the shapes every page uses (``plexrt.clinical``).
"""

from __future__ import annotations

from dataclasses import dataclass

from plexrt.data.vocab import INTENTS, LATERALITIES, MUSCLES, PLEXUS_LEVELS, SEXES


@dataclass(frozen=True)
class StoredColumn:
    """A stored column: name, kind ('text' | 'integer' | 'number' | 'boolean'), allowed values
    (None = free), whether a value is required, and what it means (with its unit)."""

    name: str
    kind: str
    required: bool = False
    choices: tuple[str, ...] | None = None
    description: str = ""


AGE_CAP = 90  # ages over 89 are stored as 90 ("90+")

PATIENT_COLUMNS: tuple[StoredColumn, ...] = (
    StoredColumn("patient_id", "text", True, description="study code or series-local pseudonym"),
    StoredColumn("age", "integer", description="age at first RT, years (90 = 90 or older)"),
    StoredColumn("age_90_plus", "boolean", True, description="age was over 89 (stored as 90)"),
    StoredColumn("sex", "text", choices=SEXES),
    StoredColumn("primary_cancer", "text", True, description="primary cancer as recorded"),
    StoredColumn("primary_group", "text", True, description="gynecological/urological/..."),
    StoredColumn("last_contact_day", "integer", description="days from first RT start"),
    StoredColumn("death_day", "integer", description="days from first RT start; empty = alive"),
)

COURSE_COLUMNS: tuple[StoredColumn, ...] = (
    StoredColumn("patient_id", "text", True),
    StoredColumn("course_no", "integer", True, description="1 for the patient's first course"),
    StoredColumn("involved_muscle", "text", True, MUSCLES),
    StoredColumn("plexus_level", "text", False, PLEXUS_LEVELS),
    StoredColumn("laterality", "text", False, LATERALITIES),
    StoredColumn("intent", "text", True, INTENTS),
    StoredColumn("dose_gy", "number", True, description="total dose, Gy"),
    StoredColumn("fractions", "integer", True),
    StoredColumn("nrs_before", "integer", description="NRS 0-10 before RT"),
    StoredColumn("nrs_after", "integer", description="NRS 0-10 at RT completion"),
    StoredColumn("rt_start_day", "integer", True, description="days from first RT start"),
    StoredColumn("rt_end_day", "integer", True, description="days from first RT start"),
    StoredColumn("max_response_day", "integer", description="days from first RT start"),
    StoredColumn("relapse_day", "integer", description="relapse of pain, days from first RT"),
    # Derived at import by plexrt.clinical.dose (one formula each), kept for SQL filters.
    StoredColumn("dose_per_fraction_gy", "number", True),
    StoredColumn("bed10_gy", "number", True),
    StoredColumn("eqd2_10_gy", "number", True),
    StoredColumn("bed3_gy", "number", True),
    StoredColumn("eqd2_3_gy", "number", True),
)

ASSESSMENT_COLUMNS: tuple[StoredColumn, ...] = (
    StoredColumn("patient_id", "text", True),
    StoredColumn("course_no", "integer", True),
    StoredColumn("assessment_no", "integer", True, description="1, 2, ... per course"),
    StoredColumn("day", "integer", True, description="days from first RT start"),
    StoredColumn("nrs", "integer", description="NRS 0-10"),
    StoredColumn("opioid_drug", "text"),
    StoredColumn("opioid_mg_per_day", "number"),
    StoredColumn("opioid_route", "text"),
)

DERIVED_COURSE_COLUMNS = ("dose_per_fraction_gy", "bed10_gy", "eqd2_10_gy", "bed3_gy", "eqd2_3_gy")

PATIENT_KEY = ("patient_id",)
COURSE_KEY = ("patient_id", "course_no")
ASSESSMENT_KEY = ("patient_id", "course_no", "assessment_no")


def names(columns: tuple[StoredColumn, ...]) -> tuple[str, ...]:
    return tuple(c.name for c in columns)
