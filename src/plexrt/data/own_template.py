"""The template for a department's own series: THE home of its columns, kinds, controlled values,
plausible ranges, descriptions, clinician labels and the limits on an imported file.

One row per irradiated site (course) in ``courses``; optional repeated assessments in
``assessments``. Dates are ISO ``YYYY-MM-DD``; an empty cell means not known / did not happen. The
patient-level columns must agree across a patient's rows. Controlled values are those of
``plexrt.data.vocab`` (the values the bundled Sanuki 2022 data use).

Course numbers: the courses file need not number courses. PlexRT numbers a patient's courses in
order of RT start (1 = first; courses starting the same day in file order). An assessment names
its course by that number, or, when the courses file has a ``course_no`` column (or comes from a
REDCap export, where it is the repeat instance), by the file's own number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from plexrt.data.text_limits import CELL_CHARS, CODE_CHARS
from plexrt.data.vocab import (
    INTENT_ALIASES,
    INTENT_LABELS,
    INTENTS,
    LATERALITIES,
    MUSCLE_ALIASES,
    MUSCLES,
    OPIOID_ROUTES,
    PLEXUS_LEVELS,
    SEX_ALIASES,
    SEX_LABELS,
    SEXES,
)

# ---- Plausible ranges: beyond them a value is almost surely a typo (same as the board's form). --
NRS_RANGE = (0, 10)  # numeric rating scale of pain
AGE_RANGE = (0, 120)  # years at first RT; over 89 is stored as 90 ("90+")
DOSE_GY_MAX = 80.0  # total dose of one course, Gy
FRACTIONS_RANGE = (1, 40)
DOSE_PER_FRACTION_GY_MAX = 25.0
# EQD2 (alpha/beta 10 Gy) of the largest plausible course: DOSE_GY_MAX given in fractions of
# DOSE_PER_FRACTION_GY_MAX, EQD2 = D (d + 10) / (2 + 10) = 233.3 Gy.
EQD2_10_GY_MAX = DOSE_GY_MAX * (DOSE_PER_FRACTION_GY_MAX + 10) / 12
OPIOID_MG_MAX = 10_000.0  # mg/day of one opioid
YEAR_RANGE = (1950, 2100)  # calendar years a date may fall in
MAX_COURSE_DAYS = 120  # from start to end of one course
MAX_FOLLOW_UP_DAYS = 7305  # 20 years from the first RT start
EARLIEST_ASSESSMENT_DAY = -365  # a baseline assessment up to a year before the first RT start

# ---- Limits on an imported file (hostile or accidental input gets a clear refusal). ------------
MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_ROWS = 500_000  # data rows per file or sheet
MAX_COLUMNS = 200
MAX_CELL_CHARS = CELL_CHARS  # any cell, including columns that are ignored
MAX_TEXT_CHARS = CODE_CHARS  # a text value that is kept (primary cancer, opioid drug, patient code)

COURSES, ASSESSMENTS = "courses", "assessments"  # table names; also the XLSX sheet names


@dataclass(frozen=True)
class TemplateColumn:
    """One column of the template.

    kind: 'text' | 'integer' | 'number' | 'date' | 'choice'; level: 'patient' (must agree across a
    patient's rows), 'course' or 'assessment'; ``stored`` is the own_schema column it becomes
    (a date becomes days from the patient's first RT start).
    """

    name: str
    kind: str
    label: str
    description: str
    level: str = "course"
    required: bool = False
    choices: tuple[str, ...] | None = None
    choice_labels: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    min: float | None = None
    max: float | None = None
    stored: str = ""

    @property
    def stored_name(self) -> str:
        return self.stored or self.name


def _date(name: str, label: str, description: str, level: str = "course", **kw) -> TemplateColumn:
    kw.setdefault("stored", name.replace("_date", "_day"))
    return TemplateColumn(name, "date", label, description, level, **kw)


_ROUTE_ALIASES = {
    "po": "oral",
    "per os": "oral",
    "iv": "intravenous",
    "sc": "subcutaneous",
    "s.c.": "subcutaneous",
    "td": "transdermal",
    "patch": "transdermal",
    "sl": "sublingual",
    "pr": "rectal",
}

COURSE_TEMPLATE: tuple[TemplateColumn, ...] = (
    TemplateColumn(
        "patient_id",
        "text",
        "Patient code",
        "study code of the patient (never a name or hospital number; codes that look like "
        "hospital numbers are replaced by pseudonyms)",
        "patient",
        True,
    ),
    TemplateColumn(
        "age",
        "integer",
        "Age (years)",
        "age at first RT",
        "patient",
        min=AGE_RANGE[0],
        max=AGE_RANGE[1],
    ),
    TemplateColumn(
        "sex",
        "choice",
        "Sex",
        "F or M",
        "patient",
        choices=SEXES,
        choice_labels=SEX_LABELS,
        aliases=SEX_ALIASES,
    ),
    TemplateColumn(
        "primary_cancer",
        "text",
        "Primary cancer",
        "e.g. Ovarian cancer, Rectal cancer; the group (gynecological, urological, "
        "gastrointestinal) is derived from known names, 'other' for any other",
        "patient",
        True,
    ),
    TemplateColumn(
        "involved_muscle",
        "choice",
        "Involved muscle",
        "psoas (iliopsoas) or piriformis",
        required=True,
        choices=MUSCLES,
        aliases=MUSCLE_ALIASES,
    ),
    TemplateColumn(
        "plexus_level", "choice", "Plexus level", "upper or lower", choices=PLEXUS_LEVELS
    ),
    TemplateColumn(
        "laterality", "choice", "Laterality", "left, right or bilateral", choices=LATERALITIES
    ),
    TemplateColumn(
        "intent",
        "choice",
        "Intent",
        "palliative or local_control (local control)",
        required=True,
        choices=INTENTS,
        choice_labels=INTENT_LABELS,
        aliases=INTENT_ALIASES,
    ),
    TemplateColumn(
        "dose_gy",
        "number",
        "Total dose (Gy)",
        "total dose of the course",
        required=True,
        max=DOSE_GY_MAX,
    ),
    TemplateColumn(
        "fractions",
        "integer",
        "Fractions",
        "number of fractions",
        required=True,
        min=FRACTIONS_RANGE[0],
        max=FRACTIONS_RANGE[1],
    ),
    TemplateColumn(
        "nrs_before",
        "integer",
        "NRS before RT",
        "pain 0-10 before RT",
        min=NRS_RANGE[0],
        max=NRS_RANGE[1],
    ),
    TemplateColumn(
        "nrs_after",
        "integer",
        "NRS after RT",
        "pain 0-10 at RT completion",
        min=NRS_RANGE[0],
        max=NRS_RANGE[1],
    ),
    _date("rt_start_date", "RT start", "first day of the course", required=True),
    _date("rt_end_date", "RT end", "last day of the course", required=True),
    _date("max_response_date", "Maximum response", "day of the maximum pain response"),
    _date("relapse_date", "Relapse of pain", "day pain relapsed after the response"),
    _date("last_contact_date", "Last contact", "last day known alive", "patient"),
    _date("death_date", "Death", "day of death; empty = alive at last contact", "patient"),
)

ASSESSMENT_TEMPLATE: tuple[TemplateColumn, ...] = (
    TemplateColumn("patient_id", "text", "Patient code", "as in the courses", "assessment", True),
    TemplateColumn(
        "course_no",
        "integer",
        "Course number",
        "1 = the patient's first course by RT start (or the courses file's course_no)",
        "assessment",
        True,
        min=1,
        max=99,
    ),
    _date(
        "assessment_date",
        "Assessment date",
        "day of the assessment",
        "assessment",
        required=True,
        stored="day",
    ),
    TemplateColumn(
        "nrs", "integer", "NRS", "pain 0-10", "assessment", min=NRS_RANGE[0], max=NRS_RANGE[1]
    ),
    TemplateColumn(
        "opioid_drug", "text", "Opioid", "e.g. morphine, oxycodone, hydromorphone", "assessment"
    ),
    TemplateColumn(
        "opioid_mg_per_day",
        "number",
        "Opioid mg/day",
        "daily dose in mg",
        "assessment",
        min=0,
        max=OPIOID_MG_MAX,
    ),
    TemplateColumn(
        "opioid_route",
        "choice",
        "Route",
        "oral, transdermal, subcutaneous, intravenous, rectal or sublingual (empty = oral)",
        "assessment",
        choices=OPIOID_ROUTES,
        aliases=_ROUTE_ALIASES,
    ),
)
TEMPLATES: dict[str, tuple[TemplateColumn, ...]] = {
    COURSES: COURSE_TEMPLATE,
    ASSESSMENTS: ASSESSMENT_TEMPLATE,
}

#: Optional column of the courses file: the file's own course number (links assessments to it).
FILE_COURSE_NO = "course_no"
FILE_COURSE_KEY = "file_course_no"  # where the import keeps that number beside its own

PATIENT_LEVEL = tuple(
    c.name for c in COURSE_TEMPLATE if c.level == "patient" and c.name != "patient_id"
)
DATE_COLUMNS = {t: tuple(c.name for c in cols if c.kind == "date") for t, cols in TEMPLATES.items()}


def column(table: str, name: str) -> TemplateColumn:
    """The template column ``name`` of ``table``."""
    for c in TEMPLATES[table]:
        if c.name == name:
            return c
    raise KeyError(f"{table} has no template column {name!r}")


def normalise_header(text: str) -> str:
    """'Dose (Gy)' -> 'dose_gy', ' Patient-ID ' -> 'patient_id': lower case, words joined by '_'."""
    return "_".join(re.findall(r"[0-9a-z]+", str(text).lower()))


# Headers departments use for a template column (normalised); suggestions only, never applied
# without the user's confirmation (the app's mapping step) except exact or case-only matches.
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "patient_id": ("patient", "patient_code", "study_id", "study_code", "pat_id", "subject_id"),
    "age": ("age_years", "age_at_rt", "age_at_treatment"),
    "sex": ("gender", "sex_m_f"),
    "primary_cancer": ("primary", "primary_tumour", "primary_tumor", "cancer", "diagnosis"),
    "involved_muscle": ("muscle", "muscle_involved"),
    "plexus_level": ("plexus", "level"),
    "laterality": ("side",),
    "intent": ("treatment_intent", "rt_intent", "aim"),
    "dose_gy": ("dose", "total_dose", "total_dose_gy", "dose_total_gy"),
    "fractions": ("fx", "n_fractions", "number_of_fractions", "fractions_n"),
    "nrs_before": ("nrs_pre", "pain_before", "nrs_baseline", "baseline_nrs"),
    "nrs_after": ("nrs_post", "pain_after", "nrs_end", "nrs_at_completion"),
    "rt_start_date": ("rt_start", "start_date", "start_of_rt", "treatment_start"),
    "rt_end_date": ("rt_end", "end_date", "end_of_rt", "treatment_end"),
    "max_response_date": ("max_response", "maximum_response_date", "best_response_date"),
    "relapse_date": ("relapse", "pain_relapse_date", "pain_relapse"),
    "last_contact_date": ("last_contact", "last_follow_up", "last_followup", "date_last_seen"),
    "death_date": ("death", "date_of_death", "dod"),
    "course_no": ("course", "course_number", "site_no"),
    "assessment_date": ("date", "visit_date", "assessment"),
    "nrs": ("pain", "nrs_score", "pain_score"),
    "opioid_drug": ("opioid", "drug"),
    "opioid_mg_per_day": ("opioid_mg", "mg_per_day", "opioid_dose", "dose_mg_day"),
    "opioid_route": ("route",),
}


def known_columns(table: str) -> tuple[str, ...]:
    """The columns a file of ``table`` may have (the courses file may add ``course_no``)."""
    names = tuple(c.name for c in TEMPLATES[table])
    return names + ((FILE_COURSE_NO,) if table == COURSES else ())


def every_known_column() -> frozenset[str]:
    """The column names of every table of the template (what a file's header may name)."""
    return frozenset(n for t in TEMPLATES for n in known_columns(t))


def automatic_mapping(headers: list[str], table: str) -> dict[str, str]:
    """{file header: template column} for headers that are a template column apart from case and
    surrounding spaces ('Patient_ID ' -> patient_id). Applied without asking."""
    wanted = {name.lower(): name for name in known_columns(table)}
    out: dict[str, str] = {}
    for h in headers:
        name = wanted.get(str(h).strip().lower())
        if name and name not in out.values():
            out[h] = name
    return out


def suggest_mapping(headers: list[str], table: str) -> dict[str, str]:
    """{file header: template column} suggested by name ('Dose (Gy)' -> dose_gy, 'Gender' -> sex),
    each template column at most once; for the user to confirm or change (the app's mapping)."""
    out = automatic_mapping(headers, table)
    by_name: dict[str, str] = {}
    for name in known_columns(table):
        by_name.setdefault(normalise_header(name), name)
        for syn in _SYNONYMS.get(name, ()):
            by_name.setdefault(syn, name)
    for h in headers:
        if h in out:
            continue
        found = by_name.get(normalise_header(h))
        if found and found not in out.values():
            out[h] = found
    return out
