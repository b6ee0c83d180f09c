"""The stored shape of a department's own series (user store): one home for its column lists.

Every time is a whole number of days from the patient's first RT start (day 0); no calendar date is
ever stored. Ages over 89 are stored as 90 with ``age_90_plus`` set (HIPAA Safe Harbor). The import
(``plexrt.ingest``) produces frames with exactly these columns; the user store writes and reads
them; the analysis turns them into the shapes every page uses (``plexrt.clinical``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from plexrt.data.values import is_missing, key_shown
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
AGE_TOP_TEXT = f"{AGE_CAP}+"  # how a top-coded age is shown, on screen and in exports


def age_text(age: Any, top_coded: Any) -> str:
    """An age as shown: '90+' when it was top-coded at import (``age_90_plus``), '' when not
    known, else whole years ('71')."""
    if not is_missing(top_coded) and bool(top_coded):
        return AGE_TOP_TEXT
    return "" if is_missing(age) else str(int(float(age)))


def age_texts(ages: pd.Series, top_coded: pd.Series | None) -> list[str]:
    """``age_text`` of each row (``top_coded`` None: no age was top-coded, as in the bundled
    series)."""
    flags = [None] * len(ages) if top_coded is None else list(top_coded)
    # once per distinct (age, flag): a registry repeats a few dozen ages over 100,000 rows
    pairs = pd.DataFrame({"age": list(ages), "flag": flags}, dtype=object)
    groups = pairs.groupby(["age", "flag"], dropna=False, sort=False)
    first = groups.head(1)
    texts = [age_text(a, f) for a, f in zip(first["age"], first["flag"], strict=True)]
    return [texts[i] for i in groups.ngroup()]


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


# --------------------------------------------------------------------------------------------
# The three frames of one own series: what the import builds, the store writes and reads, and the
# analysis turns into the pages' shapes.
# --------------------------------------------------------------------------------------------

# pandas dtype of each kind: nullable whole numbers and booleans, so unknown stays unknown.
DTYPES = {"text": "object", "integer": "Int64", "number": "float64", "boolean": "boolean"}

TABLES: dict[str, tuple[tuple[StoredColumn, ...], tuple[str, ...]]] = {
    "patients": (PATIENT_COLUMNS, PATIENT_KEY),
    "courses": (COURSE_COLUMNS, COURSE_KEY),
    "assessments": (ASSESSMENT_COLUMNS, ASSESSMENT_KEY),
}


_KEY_WORDS = {"patient_id": "patient", "course_no": "course", "assessment_no": "assessment"}


def row_names(frame: pd.DataFrame, table: str, rows: Sequence[int] | None = None) -> list[str]:
    """'patient P003, course 2' for rows (positions; every row when None) of ``frame``, a frame
    of ``table``: how a problem names its row when there is no file line to name."""
    part = frame if rows is None else frame.iloc[list(rows)]
    words = [_KEY_WORDS[k] + " " + _key_texts(part[k]) for k in TABLES[table][1] if k in part]
    if not words:
        return [""] * len(part)
    named = words[0]
    for more in words[1:]:
        named = named + ", " + more
    return named.tolist()


def _key_texts(values: pd.Series) -> pd.Series:
    """Key values as messages name them (``key_shown``); whole-column for a numeric dtype."""
    if pd.api.types.is_integer_dtype(values.dtype):
        return values.astype("Int64").astype(str).replace("<NA>", "(empty)")
    return values.map(key_shown).astype(object)


# How two spellings of one patient code differ, as every refusal of such a pair says it.
RESPELLED_HOW = "written with other characters (another case, full-width or compatibility forms)"


def plain_code(code: str) -> str:
    """A patient code as Unicode NFKC reads it, case folded (full-width 'Ｘ１' and 'x1' are 'x1'):
    two codes with one plain form are one patient written two ways ('P1' and 'p1' in one file is
    a typing slip, not two patients), and would count as two patients."""
    return (code if code.isascii() else unicodedata.normalize("NFKC", code)).casefold()


def respelled(codes: pd.Series) -> pd.Series:
    """For each code of ``codes`` (text, no missing values), the first code of ``codes`` with the
    same plain form (``plain_code``) where that is another spelling, else None."""
    unique = pd.Series(codes.unique())
    plain = unique.map(plain_code)
    if plain.is_unique:
        return pd.Series(None, index=codes.index, dtype=object)
    first = pd.Series(unique.to_numpy(), index=plain).groupby(level=0, sort=False).first()
    usual = codes.map(pd.Series(plain.map(first).to_numpy(), index=unique.to_numpy()))
    return usual.where(usual != codes, None).astype(object)


def as_kind(s: pd.Series, kind: str) -> pd.Series:
    """``s`` (index reset) in the pandas dtype of ``kind``; a column already in it is kept as it
    is (a 100,000-row import passes the same frames through here several times). Text stays
    object with None for every missing value; a number that is not whole raises in to_numeric's
    or astype's words."""
    s = s.reset_index(drop=True)
    if kind == "text":
        values = s.to_numpy(dtype=object)
        missing = pd.isna(values)
        if s.dtype == object and not missing.any():
            return s
        values = values.copy() if s.dtype == object else values
        values[missing] = None
        return pd.Series(values, name=s.name)
    if str(s.dtype) == DTYPES[kind]:
        return s
    if kind == "boolean":
        return s.astype("boolean")
    return pd.to_numeric(s, errors="raise").astype(DTYPES[kind])


def conform(frame: pd.DataFrame, columns: tuple[StoredColumn, ...]) -> pd.DataFrame:
    """``frame`` with exactly ``columns``, in order, each in its dtype (missing -> None/<NA>).

    Raises ValueError naming a value that cannot be held in its column's kind; the user store
    validates whole frames before this is reached, so that message is for programming errors.
    """
    out = {}
    for col in columns:
        s = frame[col.name] if col.name in frame.columns else pd.Series([None] * len(frame))
        out[col.name] = as_kind(s, col.kind)
    return pd.DataFrame(out, index=pd.RangeIndex(len(frame)))


@dataclass(frozen=True)
class OwnSeriesFrames:
    """One own series: ``patients`` (PATIENT_COLUMNS), ``courses`` (COURSE_COLUMNS, derived dose
    columns included) and ``assessments`` (ASSESSMENT_COLUMNS), one row per key."""

    patients: pd.DataFrame
    courses: pd.DataFrame
    assessments: pd.DataFrame

    @classmethod
    def empty(cls) -> OwnSeriesFrames:
        return cls(*(conform(pd.DataFrame(), cols) for cols, _ in TABLES.values()))

    def table(self, name: str) -> pd.DataFrame:
        return {
            "patients": self.patients,
            "courses": self.courses,
            "assessments": self.assessments,
        }[name]

    def conformed(self) -> OwnSeriesFrames:
        """The same rows with exactly the stored columns and dtypes."""
        return OwnSeriesFrames(
            *(conform(self.table(name), cols) for name, (cols, _) in TABLES.items())
        )

    def replace(self, **tables: pd.DataFrame) -> OwnSeriesFrames:
        return OwnSeriesFrames(**{name: tables.get(name, self.table(name)) for name in TABLES})


def typed(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """``frame`` in the stored shape of ``table`` ('patients' | 'courses' | 'assessments')."""
    return conform(frame, TABLES[table][0])
