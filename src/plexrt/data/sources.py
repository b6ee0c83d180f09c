"""Read and validate a data folder: the series folders, the opioid factors, the literature table and
a series' imported per-patient times. Every problem is reported with file, line and column; the
build stops before anything is written (``DataError`` lists them all).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from plexrt.data.csvfile import DataError, Problem
from plexrt.data.links import check_links, check_times
from plexrt.data.literature_file import LiteratureFileError, load_literature
from plexrt.data.manifest import check_manifest, series_folders
from plexrt.data.specs import COURSE_TIMES_FILE, EVENTS_FILE, OPIOID_FACTORS, SERIES_FILES
from plexrt.data.validation import read_table


@dataclass
class SeriesData:
    folder: Path
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def series_id(self) -> str:
        return str(self.tables["series"]["series_id"].iloc[0])

    def has(self, filename: str) -> bool:
        return (self.folder / filename).exists()


def read_series(folder: Path) -> tuple[SeriesData, list[Problem]]:
    """Every file of one series folder, then the cross-file checks (when the files are valid)."""
    sd = SeriesData(folder)
    problems: list[Problem] = []
    for spec in SERIES_FILES:
        if spec.optional and not sd.has(spec.filename):
            sd.tables[spec.table] = pd.DataFrame(columns=list(spec.names))
            continue
        frame, probs = read_table(folder / spec.filename, spec, f"{folder.name}/{spec.filename}")
        sd.tables[spec.table] = (
            frame if len(frame.columns) else pd.DataFrame(columns=list(spec.names))
        )
        problems.extend(probs)
    if not problems:
        problems = check_links(folder.name, sd.tables)
    return sd, problems


def read_data_folder(
    data_dir: Path, *, manifest: bool = True
) -> tuple[list[SeriesData], pd.DataFrame]:
    """Read and validate a whole data folder, its files first checked against its manifest
    (``plexrt.data.manifest``; skipped only to write one); raise DataError listing every problem."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise DataError([Problem(str(data_dir), None, None, "data folder does not exist")])
    problems = check_manifest(data_dir) if manifest else []
    factors, probs = read_table(data_dir / OPIOID_FACTORS.filename, OPIOID_FACTORS)
    problems += probs
    series = []
    folders = series_folders(data_dir)
    if not folders:
        problems.append(Problem(str(data_dir), None, None, "no series folder (with series.csv)"))
    for folder in folders:
        sd, probs = read_series(folder)
        problems.extend(probs)
        series.append(sd)
    if problems:
        raise DataError(problems)
    return series, factors


def read_times(sd: SeriesData) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``events.csv`` and ``course_times.csv`` of a series with real per-patient times, validated
    (see ``plexrt.data.links.check_times``); raise DataError listing every problem."""
    name = sd.folder.name
    events, problems = read_table(
        sd.folder / EVENTS_FILE.filename, EVENTS_FILE, f"{name}/{EVENTS_FILE.filename}"
    )
    course_times, probs = read_table(
        sd.folder / COURSE_TIMES_FILE.filename,
        COURSE_TIMES_FILE,
        f"{name}/{COURSE_TIMES_FILE.filename}",
    )
    problems += probs
    if not problems:
        problems = check_times(name, events, course_times, sd.tables)
    if problems:
        raise DataError(problems)
    return events, course_times


def read_literature(data_dir: Path) -> pd.DataFrame | None:
    """The bundled comparison series (optional file); problems stop the build like any other."""
    path = Path(data_dir) / "literature.csv"
    if not path.exists():
        return None
    try:
        return load_literature(path)
    except LiteratureFileError as exc:
        raise DataError(
            [Problem("literature.csv", line, col, msg) for _, line, col, msg in exc.problems]
        ) from None
