"""REDCap: the data dictionary of the template, and reading a project's raw CSV export.

The project has three instruments: ``patient`` (once per record: the patient-level fields; the
record ID is ``patient_id``), ``course`` and ``assessment``, both set up as **repeating
instruments** (Project Setup > Repeating instruments and events; the dictionary cannot switch that
on). One raw export ("CSV / Microsoft Excel (raw data)") then holds everything: the patient's own
row (``redcap_repeat_instrument`` empty) and one row per course or assessment instance. A course's
number in REDCap is its repeat instance; an assessment names it in its ``course_no`` field.

Choices are coded 1, 2, ... in the order of ``plexrt.data.vocab`` (the order only ever grows at the
end, so codes stay stable); a raw export is mapped back to the codes PlexRT stores. A "labels"
export's values work too (the labels are the words the template accepts), but not its header
row of labels ("Repeat Instrument", "Patient code"): such a file is refused, asking for the raw
export. Longitudinal projects (events) are not supported.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from plexrt.data.csvfile import Problem
from plexrt.data.own_problems import TEXT
from plexrt.data.own_readers import RawTable
from plexrt.data.own_template import (
    ASSESSMENT_TEMPLATE,
    ASSESSMENTS,
    COURSE_TEMPLATE,
    COURSES,
    FILE_COURSE_NO,
    TemplateColumn,
)

REPEAT_INSTRUMENT, REPEAT_INSTANCE = "redcap_repeat_instrument", "redcap_repeat_instance"
FORMS = ("patient", "course", "assessment")
DICTIONARY_COLUMNS = (
    "Variable / Field Name",
    "Form Name",
    "Section Header",
    "Field Type",
    "Field Label",
    "Choices, Calculations, OR Slider Labels",
    "Field Note",
    "Text Validation Type OR Show Slider Number",
    "Text Validation Min",
    "Text Validation Max",
    "Identifier?",
    "Branching Logic (Show field only if...)",
    "Required Field?",
    "Custom Alignment",
    "Question Number (surveys only)",
    "Matrix Group Name",
    "Matrix Ranking?",
    "Field Annotation",
)
_VALIDATION = {"date": "date_ymd", "integer": "integer", "number": "number"}


def _form(col: TemplateColumn) -> str:
    if col.level == "patient":
        return "patient"
    return "course" if col.level == "course" else "assessment"


def _fields() -> list[TemplateColumn]:
    """patient_id first (the record ID), then the fields of each instrument."""
    patient = [c for c in COURSE_TEMPLATE if c.level == "patient"]
    course = [c for c in COURSE_TEMPLATE if c.level == "course"]
    assessment = [c for c in ASSESSMENT_TEMPLATE if c.name != "patient_id"]
    return patient + course + assessment


def choice_codes(col: TemplateColumn) -> dict[str, str]:
    """{REDCap raw code: PlexRT code} of a choice column ('1' -> 'F')."""
    return {str(i): code for i, code in enumerate(col.choices or (), start=1)}


def _choices_text(col: TemplateColumn) -> str:
    return " | ".join(
        f"{raw}, {col.choice_labels.get(code, code.replace('_', ' '))}"
        for raw, code in choice_codes(col).items()
    )


def data_dictionary() -> pd.DataFrame:
    """The REDCap data dictionary (upload it in Project Setup > Data Dictionary)."""
    rows = []
    for col in _fields():
        row = dict.fromkeys(DICTIONARY_COLUMNS, "")
        row["Variable / Field Name"] = col.name
        row["Form Name"] = _form(col)
        row["Field Type"] = "dropdown" if col.kind == "choice" else "text"
        row["Field Label"] = col.label
        row["Field Note"] = col.description
        if col.kind == "choice":
            row["Choices, Calculations, OR Slider Labels"] = _choices_text(col)
        row["Text Validation Type OR Show Slider Number"] = _VALIDATION.get(col.kind, "")
        row["Text Validation Min"] = "" if col.min is None else f"{col.min:g}"
        row["Text Validation Max"] = "" if col.max is None else f"{col.max:g}"
        row["Required Field?"] = "y" if col.required else ""
        rows.append(row)
    return pd.DataFrame(rows, columns=list(DICTIONARY_COLUMNS))


# REDCap's "CSV / Microsoft Excel (labels)" export heads its columns with the fields' labels.
_LABEL_HEADER = "Repeat Instrument"


def is_export(table: RawTable) -> bool:
    """A REDCap export (it has the repeat-instrument column, by its name or its label)."""
    return REPEAT_INSTRUMENT in table.frame.columns or label_headers(table)


def label_headers(table: RawTable) -> bool:
    """A REDCap export headed by its fields' labels (refused by ``split_export``)."""
    return REPEAT_INSTRUMENT not in table.frame.columns and any(
        str(h).strip().lower() == _LABEL_HEADER.lower() for h in table.frame.columns
    )


def split_export(table: RawTable) -> tuple[dict[str, RawTable], list[Problem]]:
    """One raw export -> the courses table (patient fields joined from the patient's own row;
    their lines point to that row) and the assessments table."""
    f, label = table.frame, table.label
    problems = []
    if label_headers(table):
        msg = (
            f"a REDCap export with labels as column headers ('{_LABEL_HEADER}'): export it again "
            "as 'CSV / Microsoft Excel (raw data)' (variable names as headers) and import that"
        )
        return {}, [Problem(label, 1, _LABEL_HEADER, msg)]
    if "redcap_event_name" in f.columns:
        msg = "a longitudinal REDCap project (events) is not supported: use repeating instruments"
        return {}, [Problem(label, 1, "redcap_event_name", msg)]
    missing = [c for c in ("patient_id", REPEAT_INSTANCE) if c not in f.columns]
    if missing:
        msg = "a REDCap export without " + ", ".join(missing) + " (record ID must be patient_id)"
        return {}, [Problem(label, 1, missing[0], msg)]
    form = f[REPEAT_INSTRUMENT].str.strip().str.lower()
    unknown = ~form.isin(("", "course", "assessment"))
    for i in np.flatnonzero(unknown.to_numpy())[:100]:
        msg = "unknown repeating instrument (expected course or assessment)"
        problems.append(Problem(label, int(table.lines[i]), REPEAT_INSTRUMENT, msg))
    pid = f["patient_id"].str.strip()
    own = (form == "").to_numpy()
    twice = pid[own].duplicated(keep="first").to_numpy()
    for i in np.flatnonzero(own)[twice]:
        problems.append(Problem(label, int(table.lines[i]), "patient_id", "two patient rows"))
    orphan = ((form == "course") & ~pid.isin(pid[own])).to_numpy()
    for i in np.flatnonzero(orphan)[:100]:
        msg = "this record has no patient row (its patient instrument) in the export"
        problems.append(Problem(label, int(table.lines[i]), "patient_id", msg))
    courses = _courses(table, form, pid, own)
    tables = {COURSES: courses}
    a = (form == "assessment").to_numpy()
    if a.any():
        tables[ASSESSMENTS] = _part(table, a, [c.name for c in ASSESSMENT_TEMPLATE])
    if courses.frame.empty:
        problems.append(Problem(label, None, None, "the export has no course rows"))
    return tables, problems


def _courses(table: RawTable, form: pd.Series, pid: pd.Series, own: np.ndarray) -> RawTable:
    c = (form == "course").to_numpy()
    names = [col.name for col in COURSE_TEMPLATE if col.level == "course"]
    part = _part(table, c, ["patient_id", *names])
    part.frame[FILE_COURSE_NO] = table.frame.loc[c, REPEAT_INSTANCE].to_numpy()
    part.shown[FILE_COURSE_NO] = REPEAT_INSTANCE
    first_own = own & ~pid.duplicated(keep="first").to_numpy()
    own_rows = table.frame[first_own].set_index(pid[first_own])
    own_lines = pd.Series(table.lines[first_own], index=pid[first_own])
    course_pid = pid[c]
    for col in COURSE_TEMPLATE:
        if col.level != "patient" or col.name == "patient_id":
            continue
        values = own_rows[col.name] if col.name in own_rows else pd.Series(dtype=object)
        part.frame[col.name] = course_pid.map(values).fillna("").to_numpy()
        lines = course_pid.map(own_lines).to_numpy(dtype="float64", na_value=np.nan)
        part.column_lines[col.name] = np.where(np.isnan(lines), part.lines, lines).astype(np.int64)
    part.frame = _decoded(part.frame)
    return part


def _part(table: RawTable, mask: np.ndarray, names: list[str]) -> RawTable:
    """The rows of one instrument, its fields, choices mapped back from REDCap's raw codes."""
    frame = table.frame.loc[mask, [n for n in names if n in table.frame.columns]].copy()
    return RawTable(table.label, _decoded(frame).reset_index(drop=True), table.lines[mask])


def _decoded(frame: pd.DataFrame) -> pd.DataFrame:
    """REDCap's raw choice codes -> PlexRT's codes ('1' -> 'F'); other text unchanged."""
    for col in (*COURSE_TEMPLATE, *ASSESSMENT_TEMPLATE):
        if col.kind == "choice" and col.name in frame:
            text = frame[col.name].astype(object).fillna("").astype(str).str.strip()
            frame[col.name] = text.map(choice_codes(col)).fillna(text).astype(TEXT)
    return frame
