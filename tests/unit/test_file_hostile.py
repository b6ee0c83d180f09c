"""Hostile files and arguments not covered elsewhere (issue 16 §4): the data folder's tables and
literature file, the roles file, a damaged workbook, a REDCap export and the command line's
numbers and names. Any input gives a result or the reader's own refusal (problems naming the
file, ``LiteratureFileError``, ``RolesError``, argparse's ``ArgumentTypeError``), never another
exception. (Own-series CSV cells: test_own_hostile; curve files: test_curve_hostile.)"""

from __future__ import annotations

import argparse
import csv
import io
import json
import tempfile
import zipfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from plexrt.cli.args import stored_text, whole_number
from plexrt.data.access import ROLES
from plexrt.data.literature import COLUMN_NAMES
from plexrt.data.literature_file import LiteratureFileError, load_literature
from plexrt.data.manifest import MANIFEST_FILE, read_manifest
from plexrt.data.roles import RolesConfig, RolesError, parse_roles
from plexrt.data.specs import COURSES, OPIOID_FACTORS, PATIENTS, SERIES
from plexrt.data.validation import read_table
from plexrt.ingest.own_import import Upload, prepare_import
from tests.unit.test_own_hostile import outcome_is_clear
from tests.unit.test_own_template import EXPORT_COLUMNS
from tests.unit.test_own_xlsx_damaged import SHEET, _book, _patched

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CELL = st.one_of(
    st.sampled_from(["", " ", "1", "30", "10", "psoas", "left", "true", "NA", "-1", "1e400"]),
    st.integers(-5, 200).map(str),
    st.text(max_size=12),
)


def _csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([header, *rows])
    return buf.getvalue().encode("utf-8", "surrogatepass")


@st.composite
def table_file(draw, names: tuple[str, ...]) -> bytes:
    """A file of the table's columns (some dropped, some unknown added, any order), any cells; an
    empty or blank first line; or any bytes at all."""
    header = draw(st.permutations(list(names)))
    header = header[: draw(st.integers(max(len(header) - 1, 0), len(header)))]
    header += draw(st.lists(st.sampled_from(["extra", "", *names[:1]]), max_size=1))
    rows = draw(st.lists(st.lists(CELL, min_size=len(header), max_size=len(header)), max_size=6))
    edge = st.sampled_from(
        [b"", b"\n", b"\n\n", b" \n", b"\xef\xbb\xbf\n", b"\n" + _csv_bytes(header, rows)]
    )
    return draw(st.one_of(st.just(_csv_bytes(header, rows)), edge, st.binary(max_size=300)))


# One folder for the module's thousands of examples, removed when the run ends.
_TMP = tempfile.TemporaryDirectory(prefix="plexrt-hostile-")


def _written(data: bytes, name: str) -> Path:
    folder = Path(tempfile.mkdtemp(dir=_TMP.name))
    (folder / name).write_bytes(data)
    return folder / name


@SETTINGS
@given(st.sampled_from([SERIES, PATIENTS, COURSES, OPIOID_FACTORS]), st.data())
def test_any_data_table_gives_a_frame_or_problems_naming_the_file(spec, data):
    path = _written(data.draw(table_file(spec.names)), spec.filename)
    frame, problems = read_table(path, spec, "t.csv")
    assert isinstance(frame, pd.DataFrame)
    assert all(p.file == "t.csv" and p.message for p in problems)
    if not problems:
        event("read")
        assert list(frame.columns) == [*spec.names, "_line"]


@SETTINGS
@given(table_file(tuple(COLUMN_NAMES)))
def test_any_literature_file_gives_a_table_or_every_problem(data):
    path = _written(data, "literature.csv")
    try:
        frame = load_literature(path)
    except LiteratureFileError as exc:
        assert exc.problems and all(message for *_, message in exc.problems)
        assert str(exc).startswith(str(path))
        event("refused")
        return
    event("read")
    assert sorted(frame.columns) == sorted(COLUMN_NAMES)  # in the order of the file


@SETTINGS
@given(
    st.lists(
        st.tuples(
            st.text(max_size=12), st.one_of(CELL, st.text(alphabet="0123456789²", max_size=4))
        ),
        max_size=5,
    ),
    st.booleans(),
)
def test_any_manifest_gives_entries_or_problems(rows, good_header):
    header = ["file", "rows", "sha256"] if good_header else ["file", "count"]
    data = _csv_bytes(header, [[f, r, "ab"] if good_header else [f, r] for f, r in rows])
    folder = _written(data, MANIFEST_FILE).parent
    entries, problems = read_manifest(folder)
    assert all(p.message for p in problems)
    assert all(e.rows >= 0 for e in entries)


# The roles file as people write it: known and unknown settings, roles in any case or misspelt,
# tables where strings belong and the other way round, TOML that does not parse.
ROLE = st.one_of(st.sampled_from([*ROLES, "none", "Admin ", "owner"]), st.text(max_size=8))
VALUE = st.one_of(
    ROLE.map(json.dumps),
    st.integers().map(str),
    st.sampled_from(["true", "[]", '["viewer"]', "{}", "1979-05-27", "nan"]),
)
TABLE = st.dictionaries(st.text(max_size=12), VALUE, max_size=3)


def _toml(settings_: dict[str, str], tables: dict[str, dict[str, str]]) -> str:
    lines = [f"{json.dumps(k)} = {v}" for k, v in settings_.items()]
    for name, table in tables.items():
        lines.append(f"[{json.dumps(name)}]")
        lines += [f"{json.dumps(k)} = {v}" for k, v in table.items()]
    return "\n".join(lines) + "\n"


@SETTINGS
@given(
    st.dictionaries(st.sampled_from(["default", "group_claim", "email", "other"]), VALUE),
    st.dictionaries(st.sampled_from(["email", "group", "default"]), TABLE, max_size=2),
    st.text(max_size=40),
    st.booleans(),
)
def test_any_roles_file_gives_roles_or_every_problem(top, tables, junk, structured):
    text = _toml(top, tables) if structured else junk
    try:
        cfg = parse_roles(text, "roles.toml")
    except RolesError as exc:
        assert exc.problems and all(isinstance(p, str) and p for p in exc.problems)
        assert exc.source == "roles.toml"
        event("refused")
        return
    event("read")
    assert isinstance(cfg, RolesConfig) and cfg.group_claim
    assert cfg.default in (*ROLES, None)
    assert set(cfg.by_email.values()) | set(cfg.by_group.values()) <= set(ROLES)
    for email in [*cfg.by_email, "x@y.example", None]:
        assert cfg.role_for(email, list(cfg.by_group)) in (*ROLES, None)


GOOD_BOOK = _book()


@SETTINGS
@given(st.integers(0, len(GOOD_BOOK) - 1), st.binary(min_size=1, max_size=8), st.booleans())
def test_a_workbook_damaged_anywhere_is_read_or_refused(at, junk, cut):
    damaged = GOOD_BOOK[:at] if cut else GOOD_BOOK[:at] + junk + GOOD_BOOK[at + len(junk) :]
    outcome_is_clear(prepare_import(Upload("w.xlsx", damaged)))


@SETTINGS
@given(st.data())
def test_a_sheet_damaged_anywhere_is_read_or_refused(data):
    def change(xml: bytes) -> bytes:
        at = data.draw(st.integers(0, len(xml)))
        junk = data.draw(st.sampled_from([b"<", b"&", b'"', b"</row>", b"\x00", b"\xff", b""]))
        return xml[:at] + junk + xml[at + data.draw(st.integers(0, 3)) :]

    member = data.draw(st.sampled_from([SHEET, "xl/workbook.xml", "[Content_Types].xml"]))
    damaged = _patched(GOOD_BOOK, member, change)
    zipfile.ZipFile(io.BytesIO(damaged)).testzip()
    outcome_is_clear(prepare_import(Upload("w.xlsx", damaged)))


EXPORT_CELL = {
    "redcap_repeat_instrument": st.sampled_from(["", "course", "assessment", "Course ", "x"]),
    "redcap_repeat_instance": st.one_of(st.integers(-1, 3).map(str), st.just(""), CELL),
    "patient_id": st.sampled_from(["R1", "R2", " R1", ""]),
}


@st.composite
def export_rows(draw) -> bytes:
    columns = list(EXPORT_COLUMNS)
    if draw(st.booleans()):
        columns.remove(draw(st.sampled_from(columns)))
    rows = draw(
        st.lists(
            st.fixed_dictionaries({c: EXPORT_CELL.get(c, CELL) for c in columns}),
            min_size=1,
            max_size=6,
        )
    )
    return _csv_bytes(columns, [[r[c] for c in columns] for r in rows])


@SETTINGS
@given(export_rows())
def test_any_redcap_export_gives_frames_or_problems(data):
    outcome_is_clear(prepare_import(Upload("export.csv", data)))


NUMBER_TEXT = st.one_of(
    st.text(max_size=12),
    st.integers(-(10**30), 10**30).map(str),
    st.sampled_from(["1e3", "1.0", " 7 ", "1_0", "１０", "nan", "inf", "9" * 400, "1e400"]),
)


@SETTINGS
@given(NUMBER_TEXT, st.integers(0, 5), st.one_of(st.none(), st.integers(5, 10**6)))
def test_any_whole_number_argument_is_taken_in_range_or_refused(text, low, high):
    parse = whole_number(low, high)
    try:
        value = parse(text)
    except argparse.ArgumentTypeError as exc:
        assert str(exc)
        return
    assert isinstance(value, int) and value >= low and (high is None or value <= high)
    assert parse(str(value)) == value


@SETTINGS
@given(st.text(max_size=30), st.integers(0, 20))
def test_any_name_argument_is_kept_as_typed_or_refused(text, limit):
    try:
        assert stored_text(limit)(text) == text
    except argparse.ArgumentTypeError as exc:
        assert str(exc)
