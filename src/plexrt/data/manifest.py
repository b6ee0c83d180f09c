"""The manifest of a bundled data folder: every file the build reads, with its data rows and SHA-256.

A partial copy (a file cut short, a file missing its last rows, a file missing or added) reads as
valid CSV often enough to build a store that silently lacks data. The manifest (``manifest.csv`` at
the top of the data folder) is written by ``plexrt manifest --data DIR`` once the files are checked,
and the build refuses a folder whose files do not match it, naming the file and the expected and
actual rows.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from plexrt.data.csvfile import Problem, header_problems, read_csv

MANIFEST_FILE = "manifest.csv"
COLUMNS = ("file", "rows", "sha256")
HOW_TO_WRITE = "after checking the files, write it with `plexrt manifest --data DIR`"


@dataclass(frozen=True)
class Entry:
    """One file: its path inside the data folder (with '/'), data rows and SHA-256."""

    file: str
    rows: int
    sha256: str


def series_folders(data_dir: Path) -> list[Path]:
    """The series folders of a data folder (those with a series.csv), by name."""
    return sorted(p for p in Path(data_dir).iterdir() if p.is_dir() and (p / "series.csv").exists())


def data_files(data_dir: Path) -> list[Path]:
    """Every file the build may read: the CSV files at the top and in each series folder."""
    data_dir = Path(data_dir)
    top = [p for p in data_dir.glob("*.csv") if p.name != MANIFEST_FILE]
    inner = [p for folder in series_folders(data_dir) for p in folder.glob("*.csv")]
    return sorted(p for p in top + inner if p.is_file())


def _name(data_dir: Path, path: Path) -> str:
    return path.relative_to(data_dir).as_posix()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""


def entry(data_dir: Path, path: Path) -> tuple[Entry, list[Problem]]:
    """The manifest entry of one file as it is now, and the problems reading it (if any)."""
    name = _name(data_dir, path)
    table, problems = read_csv(path, name)
    return Entry(name, table.count, _digest(path)), problems


def current(data_dir: Path) -> tuple[list[Entry], list[Problem]]:
    """The entries of every data file as they are now, and every problem reading them."""
    entries, problems = [], []
    for path in data_files(data_dir):
        e, probs = entry(Path(data_dir), path)
        entries.append(e)
        problems += probs
    return entries, problems


def manifest_text(entries: list[Entry]) -> str:
    lines = [",".join(COLUMNS)] + [f"{e.file},{e.rows},{e.sha256}" for e in entries]
    return "\n".join(lines) + "\n"


def read_manifest(data_dir: Path) -> tuple[list[Entry], list[Problem]]:
    """The entries the manifest lists, or the problems that keep it from being read."""
    path = Path(data_dir) / MANIFEST_FILE
    if not path.is_file():
        return [], [Problem(MANIFEST_FILE, None, None, f"the manifest is missing; {HOW_TO_WRITE}")]
    table, problems = read_csv(path, MANIFEST_FILE)
    problems += header_problems(table.header, COLUMNS, MANIFEST_FILE) if table.header else []
    if problems:
        return [], problems
    entries = []
    for row in table.rows:
        rows = row.cells["rows"].strip()
        if not (rows.isascii() and rows.isdigit()):  # "²" is a digit to isdigit, not to int
            problems.append(Problem(MANIFEST_FILE, row.line, "rows", f"'{rows}' is not a count"))
            continue
        entries.append(Entry(row.cells["file"].strip(), int(rows), row.cells["sha256"].strip()))
    return entries, problems


def _mismatch(expected: Entry, actual: Entry) -> str:
    if actual.rows != expected.rows:
        return (
            f"has {actual.rows} data rows, the manifest expects {expected.rows} "
            "(a partial or changed copy?)"
        )
    return (
        f"its content differs from the manifest (SHA-256 {actual.sha256[:12]}…, expected "
        f"{expected.sha256[:12]}…; same number of rows, {actual.rows})"
    )


def check_manifest(data_dir: Path) -> list[Problem]:
    """Every difference between the data folder and its manifest (empty when they match)."""
    data_dir = Path(data_dir)
    listed, problems = read_manifest(data_dir)
    if problems:
        return problems
    present = {_name(data_dir, p): p for p in data_files(data_dir)}
    for expected in listed:
        path = present.pop(expected.file, None)
        if path is None:
            problems.append(
                Problem(expected.file, None, None, "is listed in the manifest but missing")
            )
            continue
        # The same SHA-256 is the same bytes the manifest was written from, rows and all; a
        # file is parsed here (its rows counted) only to say how it differs.
        if _digest(path) == expected.sha256:
            continue
        actual, _ = entry(data_dir, path)
        if actual != expected:
            problems.append(Problem(expected.file, None, None, _mismatch(expected, actual)))
    for name in sorted(present):
        problems.append(Problem(name, None, None, f"is not listed in the manifest; {HOW_TO_WRITE}"))
    return problems


def write_manifest(data_dir: Path) -> list[Entry]:
    """Write ``manifest.csv`` for the files as they are now (the caller has checked them)."""
    entries, _ = current(Path(data_dir))
    path = Path(data_dir) / MANIFEST_FILE
    tmp = path.with_name(f".{MANIFEST_FILE}.tmp")
    tmp.write_text(manifest_text(entries), encoding="utf-8")
    os.replace(tmp, path)  # a reader sees the old manifest or the new, never half
    return entries
