"""Import of a department's own series: file(s) -> validated, de-identified ``OwnSeriesFrames``.

All or nothing: every problem in the files is collected (reading, identifier columns, cells,
patient-level agreement, duplicates, links, the series rules on days) and reported at once; frames
are returned only when there is none. Nothing here writes: the caller shows the report, the diff
against the stored series, and the pseudonym key (once), then hands the frames to the user store.

A pseudonymised series can only be updated with its key (original code -> pseudonym, kept by the
user, never by PlexRT): without it its patients could not be matched.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from plexrt.data import deidentify, own_redcap
from plexrt.data.csvfile import Problem
from plexrt.data.own_cells import (
    ParsedTable,
    disagreements,
    duplicates,
    lookalike_codes,
    parse_table,
)
from plexrt.data.own_diff import FramesDiff, diff_frames
from plexrt.data.own_problems import Locator, ProblemLog, report_frame, shown
from plexrt.data.own_readers import RawTable, ReadResult, read_path, read_upload
from plexrt.data.own_schema import RESPELLED_HOW, OwnSeriesFrames, typed
from plexrt.data.own_template import (
    ASSESSMENTS,
    COURSES,
    FILE_COURSE_KEY,
    every_known_column,
)
from plexrt.data.own_validation import validate_own_series
from plexrt.data.values import counted, key_shown, natural_key
from plexrt.ingest.own_build import Built, build_frames


@dataclass(frozen=True)
class Upload:
    """A file given as bytes (an upload in the app) with its name."""

    name: str
    data: bytes


Source = Path | str | Upload


@dataclass(frozen=True)
class ImportReport:
    """Every problem (file, line, column, value shown safely, message) and the notices (what was
    read, ignored, derived or replaced). Notices hold no date and no original patient code."""

    problems: tuple[Problem, ...] = ()
    notices: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    def frame(self) -> pd.DataFrame:
        """The downloadable problem report (write it with ``export.tabular.safe_csv``)."""
        return report_frame(self.problems)


@dataclass(frozen=True)
class PreparedImport:
    """What an import would store. ``frames`` is None when refused (see ``report``). ``key``
    (original code -> pseudonym) is offered once and never stored; ``mapping`` is the column
    mapping used ({table: {file header: template column}}); ``diff`` is against ``previous``, the
    stored rows it was given (the store refuses the update once the series no longer holds them)."""

    frames: OwnSeriesFrames | None
    report: ImportReport
    key: dict[str, str] | None = None
    pseudonymised: bool = False
    mapping: dict[str, dict[str, str]] = field(default_factory=dict)
    diff: FramesDiff | None = None
    previous: OwnSeriesFrames | None = None

    @property
    def ok(self) -> bool:
        return self.frames is not None


def prepare_import(
    courses: Source,
    assessments: Source | None = None,
    *,
    mapping: Mapping[str, Mapping[str, str]] | None = None,
    study_codes: bool = False,
    key: Mapping[str, str] | None = None,
    previous: OwnSeriesFrames | None = None,
    previous_pseudonymised: bool | None = None,
) -> PreparedImport:
    """Read, check, de-identify. ``mapping`` overrides the automatic column mapping per table;
    ``study_codes``: the user confirms the patient codes are study codes (not hospital numbers);
    ``key``: the pseudonym key of earlier imports of this series; ``previous``: the stored series
    (for the diff), ``previous_pseudonymised``: whether it was stored with pseudonyms."""
    notices: list[str] = []
    problems: list[Problem] = []
    raws = _read_all(courses, assessments, problems, notices)
    if COURSES not in raws:
        return _refused(problems, notices)
    log = ProblemLog()
    parsed = {t: _parse(raw, t, log, (mapping or {}).get(t), notices) for t, raw in raws.items()}
    if study_codes and not key:
        _dated_codes(parsed, log)
    built = build_frames(parsed[COURSES], parsed.get(ASSESSMENTS), log)
    _cap_ages(built, notices)
    problems += log.problems(_file_locator(parsed))
    problems += validate_own_series(built.frames, built.locator)
    used = {
        t: {h: n for n, h in p.headers.items() if n != FILE_COURSE_KEY} for t, p in parsed.items()
    }
    if problems:
        return _refused(problems, notices, used)
    return _finish(built, notices, used, study_codes, key, previous, previous_pseudonymised)


def _read_all(
    courses: Source, assessments: Source | None, problems: list[Problem], notices: list[str]
) -> dict[str, RawTable]:
    tables: dict[str, RawTable] = {}
    for role, source in ((COURSES, courses), (ASSESSMENTS, assessments)):
        if source is None:
            continue
        result = _read(source, role)
        problems += result.problems
        notices += result.notices
        # Every header as the file holds it: a REDCap export is split below into the template's
        # fields only, which would let a name or record-number column through unrefused.
        allowed = every_known_column()
        for raw in result.tables.values():
            problems += deidentify.identifier_problems(raw.label, list(raw.frame.columns), allowed)
        for t, raw in _redcap(result, problems, notices).items():
            if t in tables:
                problems.append(Problem(raw.label, None, None, f"a second {t} table (one only)"))
            else:
                tables[t] = raw
    return tables


def _read(source: Source, role: str) -> ReadResult:
    if isinstance(source, Upload):
        return read_upload(source.data, source.name, role)
    return read_path(source, role)


def _redcap(result: ReadResult, problems: list[Problem], notices: list[str]) -> dict[str, RawTable]:
    tables = dict(result.tables)
    for raw in result.tables.values():
        if own_redcap.is_export(raw):
            if own_redcap.label_headers(raw):
                # Its headers are labels: what was found in them (a label that reads like an
                # identifier, REDCap's repeated 'Complete?') is beside the point; one problem
                # asks for the raw export.
                problems[:] = [p for p in problems if p.file != raw.label]
            else:
                notices.append(f"{raw.label}: read as a REDCap export (repeating instruments).")
            split, more = own_redcap.split_export(raw)
            problems += more
            return split
    return tables


def _parse(raw: RawTable, table: str, log: ProblemLog, mapping, notices: list[str]) -> ParsedTable:
    parsed = parse_table(raw, table, log, dict(mapping) if mapping else None, notices)
    if table == COURSES:
        lookalike_codes(parsed, log)
        disagreements(parsed, log)
    duplicates(parsed, log)
    return parsed


DATED_CODE = (
    "is a patient code written like a calendar date, and study codes are stored as written "
    "(dates never are): give the patient a code that is not a date (such as S001), or do not "
    "confirm study codes (--study-codes, or the tick box on the Import page) so that every code "
    "is replaced by a pseudonym"
)


def _dated_codes(parsed: dict[str, ParsedTable], log: ProblemLog) -> None:
    """Codes to be kept as study codes that are written like a calendar date: every row of each
    file holding one, by line and column (the value is not repeated)."""
    for table, p in parsed.items():
        log.add(
            table, deidentify.codes_like_dates(p.values["patient_id"]), "patient_id", DATED_CODE
        )


def _file_locator(parsed: dict[str, ParsedTable]) -> Locator:
    """Rows of the files' tables (file order) -> file, line and header."""
    loc = Locator({}, {})
    for p in parsed.values():
        if p.locator is None:
            continue
        loc.files.update(p.locator.files)
        loc.lines.update(p.locator.lines)
        loc.headers.update(p.locator.headers)
        loc.column_lines.update(p.locator.column_lines)
    return loc


def _refused(
    problems: list[Problem], notices: list[str], mapping: dict | None = None
) -> PreparedImport:
    report = ImportReport(tuple(_sorted(problems)), tuple(notices))
    return PreparedImport(None, report, mapping=mapping or {})


def _sorted(problems: list[Problem]) -> list[Problem]:
    # by file, line and column; on one line 'column 2 ...' before 'column 10 ...'. Each problem
    # once: a REDCap patient field is joined to every course of the patient, and one bad cell of
    # the patient's row was reported once per course, all naming that one cell.
    return sorted(
        dict.fromkeys(problems),
        key=lambda p: (p.file, p.line or 0, p.column or "", natural_key(p.message)),
    )


def _finish(
    built: Built,
    notices: list[str],
    mapping: dict[str, dict[str, str]],
    study_codes: bool,
    key: Mapping[str, str] | None,
    previous: OwnSeriesFrames | None,
    previous_pseudonymised: bool | None,
) -> PreparedImport:
    f = built.frames
    problems: list[Problem] = []
    new_key, pseudonymised = _pseudonyms(
        f, study_codes, key, previous_pseudonymised, problems, notices
    )
    if problems:
        return _refused(problems, notices, mapping)
    _cancer_notice(built.unknown_cancers, notices)
    if built.renumbered:
        notices.append(
            f"courses of {counted(built.renumbered, 'patient')} renumbered in order of RT start "
            "(assessments follow their course)."
        )
    frames = OwnSeriesFrames(
        typed(_recode(f.patients, new_key), "patients"),
        typed(_recode(f.courses, new_key), "courses"),
        typed(_recode(f.assessments, new_key), "assessments"),
    )
    diff = diff_frames(previous if previous is not None else OwnSeriesFrames.empty(), frames)
    report = ImportReport((), tuple(notices))
    return PreparedImport(frames, report, new_key, pseudonymised, mapping, diff, previous)


def _cap_ages(built: Built, notices: list[str]) -> None:
    """Ages over 89 -> 90 with age_90_plus (before the rules, which expect the stored form)."""
    p = built.frames.patients
    p["age"], p["age_90_plus"] = deidentify.cap_age(p["age"])
    older = int(p["age_90_plus"].sum())
    if older:
        notices.append(
            f"{counted(older, 'patient')} older than 89: age stored as 90+ (HIPAA Safe Harbor)."
        )


def _recode(frame: pd.DataFrame, key: dict[str, str] | None) -> pd.DataFrame:
    if key is None:
        return frame
    out = frame.copy()
    out["patient_id"] = out["patient_id"].map(key)
    return out


def _pseudonyms(
    f: OwnSeriesFrames,
    study_codes: bool,
    key: Mapping[str, str] | None,
    previous_pseudonymised: bool | None,
    problems: list[Problem],
    notices: list[str],
) -> tuple[dict[str, str] | None, bool]:
    """Whether the codes are replaced, and the key. Rule in ``plexrt.data.deidentify``."""
    codes = f.patients["patient_id"]
    numberlike, namelike = deidentify.codes_may_identify(codes)
    if key:
        replace = True
    elif previous_pseudonymised:
        problems.append(Problem("key", None, None, _NEED_KEY))
        return None, True
    else:
        replace = bool(namelike.any() or (numberlike.any() and not study_codes))
    if previous_pseudonymised is False and replace:
        problems.append(Problem("patient_id", None, None, _KEEPS_CODES))
        return None, False
    if not replace:
        if numberlike.any():
            notices.append("patient codes kept as study codes, as confirmed.")
        return None, False
    respelled = deidentify.key_respellings(codes, key or {})
    for code, known in respelled.items():
        problems.append(
            Problem("patient_id", None, None, _RESPELLED.format(key_shown(code), key_shown(known)))
        )
    if respelled:
        return None, True
    new_key = deidentify.assign_pseudonyms(codes, key)
    added = len(new_key) - len(key or {})
    why = "given the key of earlier imports" if key else _WHY
    notices.append(
        f"patient codes replaced by series-local pseudonyms ({why}); "
        f"{counted(added, 'new pseudonym')}. "
        "Download the key now: PlexRT does not keep it, and an update of this series needs it."
    )
    return new_key, True


_WHY = (
    "some codes may be hospital numbers or other identifiers: 6 or more digits in a row, 9 or more "
    "digits, a date, a name or an e-mail address"
)
_RESPELLED = (
    "patient code '{}' is the key's '{}' "
    + RESPELLED_HOW
    + ": spell it as in the key, or it would be a second patient"
)
_NEED_KEY = (
    "this series was stored with pseudonyms: give the key file of its first import (--key) so "
    "that its patients are matched; without it every patient would count as new"
)
_KEEPS_CODES = (
    "this series keeps the file's own patient codes (confirmed as study codes at its first "
    "import), but these codes would be replaced by pseudonyms: confirm they are study codes "
    "(--study-codes) or import them as a new series"
)


def _cancer_notice(unknown: list[str], notices: list[str]) -> None:
    if not unknown:
        return
    names = ", ".join(shown(n) for n in unknown[:10]) + (" ..." if len(unknown) > 10 else "")
    notices.append(
        f"primary group 'other' for {counted(len(unknown), 'primary cancer name')} PlexRT does not group "
        f"({names}); the known ones are listed in the data dictionary."
    )
