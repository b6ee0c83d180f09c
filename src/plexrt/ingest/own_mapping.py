"""The column mapping of an import as the app shows it: which header of the user's file fills
which template column, proposed from the mapping remembered with the series, then by name
(``own_template.suggest_mapping``), for the user to confirm or change before anything is read.

A mapping is ``{table: {file header: template column}}`` (the form ``prepare_import`` takes and
the user store keeps with the series as JSON).
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from plexrt.data import own_redcap
from plexrt.data.own_readers import read_upload
from plexrt.data.own_template import (
    ASSESSMENTS,
    COURSES,
    FILE_COURSE_NO,
    TEMPLATES,
    automatic_mapping,
    known_columns,
    suggest_mapping,
)

TableMapping = dict[str, str]  # {file header: template column}


def file_headers(courses: bytes, courses_name: str, assessments: tuple[bytes, str] | None = None):
    """{table: the file's headers} for the tables that could be read ({} for a file that cannot
    be read at all, or a REDCap export, whose fields are mapped by their REDCap names: the import
    reports its problems)."""
    out: dict[str, list[str]] = {}
    sources = [(courses, courses_name, COURSES)]
    if assessments is not None:
        sources.append((assessments[0], assessments[1], ASSESSMENTS))
    for data, name, role in sources:
        result = read_upload(data, name, role)
        for table, raw in result.tables.items():
            if own_redcap.is_export(raw):
                return {}
            out.setdefault(table, [str(h) for h in raw.frame.columns])
    return out


def stored_mapping(text: object) -> dict[str, TableMapping]:
    """The mapping kept with a series (JSON text) as ``{table: {header: column}}``; {} when there
    is none or it cannot be read (then the mapping is proposed by name again)."""
    if not isinstance(text, str) or not text.strip():
        return {}
    try:
        raw = json.loads(text)
    except ValueError:
        return {}
    if not isinstance(raw, dict):
        return {}
    return {
        t: {str(h): str(c) for h, c in m.items()}
        for t, m in raw.items()
        if t in TEMPLATES and isinstance(m, dict)
    }


def proposed(headers: list[str], table: str, remembered: Mapping[str, str] | None = None):
    """{header: template column}: the remembered mapping where its header is in the file and its
    column is known, then suggestions by name for the rest; each column and header once. A
    header with no name is never proposed: the form cannot choose it (``from_choices``)."""
    known = set(known_columns(table))
    out: TableMapping = {}
    for header, name in (remembered or {}).items():
        if header and header in headers and name in known and name not in out.values():
            out[header] = name
    for header, name in suggest_mapping(headers, table).items():
        if header not in out and name not in out.values():
            out[header] = name
    return out


def needs_review(headers: list[str], table: str, mapping: Mapping[str, str]) -> bool:
    """True unless every template column of the file is there under its own name: a header was
    matched only by a suggestion or a remembered mapping, or a required column is not mapped."""
    if dict(mapping) != automatic_mapping(headers, table):
        return True
    required = {c.name for c in TEMPLATES[table] if c.required}
    return not required <= set(mapping.values())


def by_column(mapping: Mapping[str, str]) -> dict[str, str]:
    """{template column: header} (what each per-column choice in the app starts from)."""
    return {name: header for header, name in mapping.items()}


def from_choices(choices: Mapping[str, str | None]) -> tuple[TableMapping, list[str]]:
    """The user's per-column choices ({template column: header or None}) -> ({header: column},
    problems): a header chosen for two columns is a problem naming both."""
    out: TableMapping = {}
    problems = []
    for name, header in choices.items():
        if not header:
            continue
        if header in out:
            problems.append(
                f"the column '{header}' of the file is chosen for both {out[header]} and {name}: "
                "choose it for one only"
            )
            continue
        out[header] = name
    return out, problems


def columns(table: str) -> list[tuple[str, str, bool]]:
    """(name, label, required) of each column the mapping offers for ``table``."""
    out = [(c.name, c.label, c.required) for c in TEMPLATES[table]]
    if table == COURSES:
        out.append((FILE_COURSE_NO, "Course number (file, optional)", False))
    return out
