"""Read and validate the human-readable source files in ``data/``.

A data folder holds ``opioid_factors.csv`` and one sub-folder per case series (``sanuki2022/``) with
``series.csv, patients.csv, courses.csv, analgesics.csv, toxicities.csv, case_details.csv,
discrepancies.csv, provenance.csv``. Every problem is reported with file, line and column; the build stops
before anything is written.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

MUSCLES = ("psoas", "piriformis")
INTENTS = ("palliative", "local_control")
SEXES = ("F", "M")
PRIMARY_GROUPS = ("gynecological", "urological", "gastrointestinal", "other")
PROVENANCE_SOURCES = (
    "table1",
    "results_text",
    "case_narrative",
    "derived",
    "reconstructed",
    "reference",
    "imported",
)


@dataclass(frozen=True)
class Col:
    """One column of a source file: its type, whether it may be blank, and its allowed values."""

    name: str
    kind: str = "text"  # text | int | float | bool
    required: bool = True
    choices: tuple[str, ...] | None = None
    min: float | None = None
    max: float | None = None
    positive: bool = False


@dataclass(frozen=True)
class FileSpec:
    filename: str
    table: str
    columns: tuple[Col, ...]
    key: tuple[str, ...]
    optional: bool = False


def _c(name, kind="text", **kw) -> Col:
    return Col(name, kind, **kw)


SERIES_FILES: tuple[FileSpec, ...] = (
    FileSpec(
        "series.csv",
        "series",
        (
            _c("series_id"),
            _c("short_name"),
            _c("citation"),
            _c("doi", required=False),
            _c("licence", required=False),
            _c("design", required=False),
            _c("period_start", required=False),
            _c("period_end", required=False),
            _c("data_cutoff", required=False),
            _c("pain_scale", required=False),
            _c("n_patients_reported", "int", required=False, min=0),
            _c("n_sites_reported", "int", required=False, min=0),
            # After-RT analgesic change published only as counts (Sanuki: reduced 2, unchanged 6,
            # increased 4; read as sites, see discrepancy X6).
            _c("analgesic_change_unit", required=False, choices=("sites", "patients")),
            _c("analgesic_reduced", "int", required=False, min=0),
            _c("analgesic_unchanged", "int", required=False, min=0),
            _c("analgesic_increased", "int", required=False, min=0),
        ),
        ("series_id",),
    ),
    FileSpec(
        "patients.csv",
        "patients",
        (
            _c("series_id"),
            _c("patient_id"),
            _c("age", "int", required=False, min=0, max=120),
            _c("sex", required=False, choices=SEXES),
            _c("primary_cancer"),
            _c("primary_group", choices=PRIMARY_GROUPS),
        ),
        ("series_id", "patient_id"),
    ),
    FileSpec(
        "courses.csv",
        "courses",
        (
            _c("series_id"),
            _c("course_id"),
            _c("patient_id"),
            _c("course_no", "int", min=1, max=50),
            _c("pain_at_presentation", required=False),
            _c("involved_muscle", choices=MUSCLES),
            _c("plexus_level", required=False, choices=("upper", "lower")),
            _c("laterality", required=False, choices=("left", "right", "bilateral")),
            _c("intent", choices=INTENTS),
            _c("dose_gy", "float", positive=True, max=200),
            _c("fractions", "int", positive=True, max=100),
            _c("nrs_before", "int", required=False, min=0, max=10),
            _c("nrs_after", "int", required=False, min=0, max=10),
            _c("weeks_to_max_response", "int", required=False, min=0, max=520),
        ),
        ("series_id", "course_id"),
    ),
    FileSpec(
        "analgesics.csv",
        "analgesics",
        (
            _c("series_id"),
            _c("course_id"),
            _c("timepoint", choices=("baseline", "after")),
            _c("drug"),
            _c("mg_per_day", "float", required=False, min=0, max=100000),
            _c("route", required=False),
            _c("is_opioid", "bool"),
        ),
        ("series_id", "course_id", "timepoint", "drug"),
    ),
    FileSpec(
        "toxicities.csv",
        "toxicities",
        (
            _c("series_id"),
            _c("toxicity_id"),
            _c("event"),
            _c("ctcae_grade", "int", required=False, min=1, max=5),
            _c("n_patients", "int", required=False, min=0),
            _c("patient_id", required=False),
            _c("attribution", required=False),
            _c("location", required=False),
        ),
        ("series_id", "toxicity_id"),
        optional=True,
    ),
    FileSpec(
        "case_details.csv",
        "case_details",
        (
            _c("series_id"),
            _c("detail_id"),
            _c("patient_id", required=False),
            _c("course_id", required=False),
            _c("topic"),
            _c("detail"),
            _c("location"),
        ),
        ("series_id", "detail_id"),
        optional=True,
    ),
    FileSpec(
        "discrepancies.csv",
        "discrepancies",
        (
            _c("series_id"),
            _c("discrepancy_id"),
            _c("topic"),
            _c("affects", required=False),
            _c("reading_a"),
            _c("where_a"),
            _c("reading_b"),
            _c("where_b"),
            _c("resolution"),
        ),
        ("series_id", "discrepancy_id"),
        optional=True,
    ),
    FileSpec(
        "provenance.csv",
        "provenance_rules",
        (
            _c("table_name"),
            _c("column_name"),
            _c("row_key"),
            _c("source", choices=PROVENANCE_SOURCES),
            _c("location", required=False),
            _c("note", required=False),
        ),
        ("table_name", "column_name", "row_key"),
    ),
)

OPIOID_FACTORS = FileSpec(
    "opioid_factors.csv",
    "opioid_factors",
    (
        _c("table_key"),
        _c("table_label"),
        _c("drug"),
        _c("route"),
        _c("factor", "float", positive=True),
        _c("source"),
    ),
    ("table_key", "drug", "route"),
)

# Tables whose every cell must be traceable (the provenance rules must cover each column).
TRACED_TABLES = ("series", "patients", "courses", "analgesics", "toxicities", "case_details")

# The column(s) that name a row in the provenance table.
ROW_KEYS = {
    "series": ("series_id",),
    "patients": ("patient_id",),
    "courses": ("course_id",),
    "analgesics": ("course_id", "timepoint", "drug"),
    "toxicities": ("toxicity_id",),
    "case_details": ("detail_id",),
}


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.column:
            where += f", column '{self.column}'"
        return f"{where}: {self.message}"


class DataError(ValueError):
    """The data folder is not valid; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        head = f"{len(problems)} problem(s) in the data files:\n" if len(problems) > 1 else ""
        super().__init__(head + "\n".join(f"  - {p}" for p in problems))


def _parse(value: str, col: Col) -> tuple[object, str | None]:
    """Convert one cell; return (value, error message or None)."""
    v = value.strip()
    if v == "":
        return None, (None if not col.required else "is empty but required")
    if col.kind == "int":
        try:
            f = float(v)
        except ValueError:
            return None, f"'{v}' is not a whole number"
        if not math.isfinite(f) or f != int(f):
            return None, f"'{v}' is not a whole number"
        out: object = int(f)
    elif col.kind == "float":
        try:
            out = float(v)
        except ValueError:
            return None, f"'{v}' is not a number"
        if not math.isfinite(out):
            return None, f"'{v}' is not a finite number"
    elif col.kind == "bool":
        low = v.lower()
        if low not in ("true", "false", "1", "0", "yes", "no"):
            return None, f"'{v}' is not true/false"
        out = low in ("true", "1", "yes")
    else:
        out = v
    if col.choices is not None and out not in col.choices:
        return None, f"'{v}' is not one of: {', '.join(col.choices)}"
    if col.kind in ("int", "float"):
        if col.positive and out <= 0:
            return None, f"{v} must be positive"
        lo, hi = col.min, col.max
        if (lo is not None and out < lo) or (hi is not None and out > hi):
            if lo is not None and hi is not None:
                rng = f"{lo:g}–{hi:g}"
            elif lo is not None:
                rng = f">= {lo:g}"
            else:
                rng = f"<= {hi:g}"
            return None, f"{v} is outside the allowed range {rng}"
    return out, None


def read_file(path: Path, spec: FileSpec, label: str | None = None) -> tuple[pd.DataFrame, list]:
    """Read one CSV against its spec; returns (frame, problems). Line numbers count the header as 1."""
    label = label or path.name
    problems: list[Problem] = []
    try:
        # utf-8-sig: spreadsheets often save CSV with a byte-order mark
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            try:
                header = [h.strip() for h in next(reader)]
            except StopIteration:
                return pd.DataFrame(), [Problem(label, 1, None, "file is empty (no header row)")]
            rows = list(reader)
    except UnicodeDecodeError as exc:
        return pd.DataFrame(), [Problem(label, None, None, f"not UTF-8 text ({exc.reason})")]
    except OSError as exc:
        return pd.DataFrame(), [Problem(label, None, None, f"cannot be read ({exc.strerror})")]

    names = [c.name for c in spec.columns]
    missing = [n for n in names if n not in header]
    for n in missing:
        problems.append(Problem(label, 1, n, "required column is missing from the header"))
    for h in header:
        if h not in names:
            problems.append(Problem(label, 1, h, f"unknown column (expected: {', '.join(names)})"))
    if missing:
        return pd.DataFrame(columns=names), problems

    index = {h: i for i, h in enumerate(header)}
    records = []
    seen: dict[tuple, int] = {}
    for lineno, raw in enumerate(rows, start=2):
        if not any(cell.strip() for cell in raw):
            continue  # blank line
        if len(raw) != len(header):
            problems.append(
                Problem(label, lineno, None, f"has {len(raw)} fields, header has {len(header)}")
            )
            continue
        rec = {}
        for col in spec.columns:
            value, err = _parse(raw[index[col.name]], col)
            if err:
                problems.append(Problem(label, lineno, col.name, err))
            rec[col.name] = value
        key = tuple(rec[k] for k in spec.key)
        if None not in key:
            if key in seen:
                problems.append(
                    Problem(
                        label,
                        lineno,
                        ", ".join(spec.key),
                        f"duplicate {'/'.join(map(str, key))} (first on line {seen[key]})",
                    )
                )
            else:
                seen[key] = lineno
        rec["_line"] = lineno
        records.append(rec)
    frame = pd.DataFrame.from_records(records, columns=[*names, "_line"])
    return frame, problems


@dataclass
class SeriesData:
    folder: Path
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)


def _check_links(sd: SeriesData, problems: list[Problem]) -> None:
    """Cross-file checks: every course's patient exists, every analgesic row's course exists, etc."""
    t = sd.tables
    name = sd.folder.name
    sid = set(t["series"]["series_id"]) if len(t["series"]) else set()
    for table, fname in (
        ("patients", "patients.csv"),
        ("courses", "courses.csv"),
        ("analgesics", "analgesics.csv"),
        ("toxicities", "toxicities.csv"),
        ("case_details", "case_details.csv"),
        ("discrepancies", "discrepancies.csv"),
    ):
        frame = t.get(table)
        if frame is None or frame.empty:
            continue
        for _, r in frame.iterrows():
            if r["series_id"] not in sid:
                problems.append(
                    Problem(
                        f"{name}/{fname}",
                        r["_line"],
                        "series_id",
                        f"'{r['series_id']}' is not in series.csv",
                    )
                )
    patients = set(t["patients"]["patient_id"])
    courses = set(t["courses"]["course_id"])
    for _, r in t["courses"].iterrows():
        if r["patient_id"] is not None and r["patient_id"] not in patients:
            problems.append(
                Problem(
                    f"{name}/courses.csv",
                    r["_line"],
                    "patient_id",
                    f"patient '{r['patient_id']}' is not in patients.csv",
                )
            )
    for table, col, known, fname in (
        ("analgesics", "course_id", courses, "analgesics.csv"),
        ("toxicities", "patient_id", patients, "toxicities.csv"),
        ("case_details", "patient_id", patients, "case_details.csv"),
        ("case_details", "course_id", courses, "case_details.csv"),
    ):
        frame = t.get(table)
        if frame is None or frame.empty:
            continue
        for _, r in frame.iterrows():
            if r[col] is not None and r[col] not in known:
                problems.append(
                    Problem(f"{name}/{fname}", r["_line"], col, f"'{r[col]}' is not known")
                )
    # Every column of every traced table needs a provenance rule.
    rules = t["provenance_rules"]
    covered = {(r.table_name, r.column_name) for r in rules.itertuples()}
    for table in TRACED_TABLES:
        spec = next(s for s in SERIES_FILES if s.table == table)
        if t.get(table) is None or t[table].empty:
            continue
        for col in spec.columns:
            if col.name == "series_id":
                continue
            if (table, col.name) not in covered and (table, "*") not in covered:
                problems.append(
                    Problem(
                        f"{name}/provenance.csv",
                        None,
                        "column_name",
                        f"no provenance rule for {table}.{col.name}",
                    )
                )


def read_series(folder: Path) -> tuple[SeriesData, list[Problem]]:
    sd = SeriesData(folder)
    problems: list[Problem] = []
    for spec in SERIES_FILES:
        path = folder / spec.filename
        label = f"{folder.name}/{spec.filename}"
        if not path.exists():
            if spec.optional:
                sd.tables[spec.table] = pd.DataFrame(columns=[c.name for c in spec.columns])
                continue
            problems.append(Problem(label, None, None, "file is missing"))
            sd.tables[spec.table] = pd.DataFrame(columns=[c.name for c in spec.columns])
            continue
        frame, probs = read_file(path, spec, label)
        sd.tables[spec.table] = frame
        problems.extend(probs)
    if not problems:
        _check_links(sd, problems)
    return sd, problems


def read_data_folder(data_dir: Path) -> tuple[list[SeriesData], pd.DataFrame]:
    """Read and validate a whole data folder; raise DataError listing every problem."""
    data_dir = Path(data_dir)
    problems: list[Problem] = []
    if not data_dir.is_dir():
        raise DataError([Problem(str(data_dir), None, None, "data folder does not exist")])
    factors, probs = read_file(data_dir / OPIOID_FACTORS.filename, OPIOID_FACTORS)
    if not (data_dir / OPIOID_FACTORS.filename).exists():
        probs = [Problem(OPIOID_FACTORS.filename, None, None, "file is missing")]
    problems.extend(probs)
    series = []
    folders = sorted(p for p in data_dir.iterdir() if p.is_dir() and (p / "series.csv").exists())
    if not folders:
        problems.append(Problem(str(data_dir), None, None, "no series folder (with series.csv)"))
    for folder in folders:
        sd, probs = read_series(folder)
        problems.extend(probs)
        series.append(sd)
    if problems:
        raise DataError(problems)
    return series, factors


# Real per-patient times for an imported series (no reconstruction then). Days from the start of
# the patient's first RT course; no calendar dates.
EVENTS_FILE = FileSpec(
    "events.csv",
    "events",
    (
        _c("patient_id"),
        _c("death", "bool"),
        _c("last_contact_day", "int", min=0),
        _c("assessable_for_relief", "bool"),
        _c("relapse", "bool", required=False),
        _c("relapse_day", "int", required=False, min=0),
    ),
    ("patient_id",),
)
COURSE_TIMES_FILE = FileSpec(
    "course_times.csv",
    "course_times",
    (
        _c("course_id"),
        _c("rt_start_day", "int", min=0),
        _c("rt_end_day", "int", min=0),
        _c("max_response_day", "int", required=False, min=0),
    ),
    ("course_id",),
)


def read_events(folder: Path, tables: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Validate events.csv + course_times.csv of an imported series and derive the event columns.

    Order rules: RT ends on or after it starts; maximum response, relapse and death/last contact
    come in that order; a relapse needs its day.
    """
    problems: list[Problem] = []
    ev, p1 = read_file(folder / EVENTS_FILE.filename, EVENTS_FILE, f"{folder.name}/events.csv")
    ct, p2 = read_file(
        folder / COURSE_TIMES_FILE.filename, COURSE_TIMES_FILE, f"{folder.name}/course_times.csv"
    )
    problems += p1 + p2
    if not (folder / COURSE_TIMES_FILE.filename).exists():
        problems = [Problem(f"{folder.name}/course_times.csv", None, None, "file is missing")]
    if problems:
        raise DataError(problems)
    courses = tables["courses"].set_index("course_id")
    patients = set(tables["patients"]["patient_id"])
    for r in ct.itertuples():
        where = f"{folder.name}/course_times.csv"
        if r.course_id not in courses.index:
            problems.append(
                Problem(where, r._5, "course_id", f"'{r.course_id}' is not in courses.csv")
            )
        elif r.rt_end_day < r.rt_start_day:
            problems.append(Problem(where, r._5, "rt_end_day", "RT ends before it starts"))
    ct = ct.assign(patient_id=[courses["patient_id"].get(c) for c in ct["course_id"]])
    last_end = ct.groupby("patient_id")["rt_end_day"].max()
    first_mr = ct.groupby("patient_id")["max_response_day"].min()
    rows = []
    for r in ev.to_dict("records"):
        where, line = f"{folder.name}/events.csv", r["_line"]
        pid = r["patient_id"]
        if pid not in patients:
            problems.append(Problem(where, line, "patient_id", f"'{pid}' is not in patients.csv"))
            continue
        end = last_end.get(pid)
        if end is None:
            problems.append(Problem(where, line, "patient_id", "no course times for this patient"))
            continue
        relapse = False if pd.isna(r["relapse"]) else bool(r["relapse"])
        if relapse and pd.isna(r["relapse_day"]):
            problems.append(Problem(where, line, "relapse_day", "a relapse needs its day"))
            continue
        if relapse and r["relapse_day"] > r["last_contact_day"]:
            problems.append(Problem(where, line, "relapse_day", "relapse after last contact"))
        mr = first_mr.get(pid)
        relief_end = r["relapse_day"] if relapse else r["last_contact_day"]
        assessable = bool(r["assessable_for_relief"]) and mr is not None and not pd.isna(mr)
        rows.append(
            {
                "patient_id": pid,
                "rt_end_day": int(end),
                "death": bool(r["death"]),
                "death_day": float(r["last_contact_day"]) if r["death"] else None,
                "last_contact_day": int(r["last_contact_day"]),
                "followup_from_completion_days": int(r["last_contact_day"] - end),
                "assessable_for_relief": assessable,
                "max_response_day": None if mr is None or pd.isna(mr) else int(mr),
                "relapse": relapse,
                "relapse_day": float(r["relapse_day"]) if relapse else None,
                "relief_end_day": float(relief_end) if assessable else None,
                "relief_days": float(relief_end - mr) if assessable else None,
                "relief_event": int(relapse) if assessable else None,
            }
        )
    if problems:
        raise DataError(problems)
    events = pd.DataFrame(rows)
    for col in list(events.columns):
        if col != "patient_id":
            events[f"{col}_source"] = "imported"
    course_events = ct.drop(columns="_line").assign(
        rt_start_day_source="imported",
        rt_end_day_source="imported",
        max_response_day_source="imported",
    )
    return events, course_events
