"""Control and invisible formatting characters (Unicode Cc and Cf) and lone surrogates: refused
with a message wherever text comes in (file cells, the store's own series, follow-up, literature),
never stored and never a traceback. One pattern serves Arrow and Python; both agree with
``unicodedata``."""

from __future__ import annotations

import sys
import unicodedata

import pandas as pd
import pytest

from plexrt.data.access import Principal
from plexrt.data.own_validation import validate_own_series
from plexrt.data.text_limits import _HIDDEN_RANGES, HIDDEN, HIDDEN_MESSAGE, hidden_character
from plexrt.data.userstore import Change, SeriesInvalid, UserStore
from plexrt.ingest.own_import import prepare_import
from tests.unit.own_files import GOOD_ASSESSMENTS, GOOD_COURSES, write
from tests.unit.own_frames import make_frames

ANN = Principal("ann", "editor")


def test_the_ranges_are_exactly_unicodes_control_and_format_characters():
    want = {c for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) in ("Cc", "Cf")}
    have = {c for a, b in _HIDDEN_RANGES for c in range(a, b + 1)}
    assert have == want


def test_arrow_and_python_read_the_pattern_alike():
    edges = {c + d for a, b in _HIDDEN_RANGES for c in (a, b) for d in (-1, 0, 1)}
    texts = [f"x{chr(c)}y" for c in sorted(edges) if 0 <= c <= sys.maxunicode]
    texts = [t for t in texts if not 0xD800 <= ord(t[1]) <= 0xDFFF]
    arrow = pd.Series(texts, dtype="string[pyarrow]").str.contains(HIDDEN, regex=True).tolist()
    python = [hidden_character(t) for t in texts]
    truth = [unicodedata.category(t[1]) in ("Cc", "Cf") for t in texts]
    assert arrow == python == truth


@pytest.mark.parametrize(
    ("cell", "code"),
    [("S01\u200b", "zero-width space"), ("\u202eS01", "right-to-left override"), ("S\x9b01", "C1")],
)
def test_a_file_cell_with_a_hidden_character_is_refused_by_line_and_column(tmp_path, cell, code):
    rows = [GOOD_COURSES[0].replace("S01", cell, 1), *GOOD_COURSES[1:]]
    result = prepare_import(*write(tmp_path, rows, GOOD_ASSESSMENTS))
    assert not result.ok, code
    found = [(p.line, p.column, p.message) for p in result.report.problems]
    assert (2, "patient_id", HIDDEN_MESSAGE) in found


def _frames_with(table: str, column: str, value: str):
    frames = make_frames(3, seed=2)
    frame = frames.table(table).copy()
    frame.loc[0, column] = value
    return frames.replace(**{table: frame})


@pytest.mark.parametrize(
    ("table", "column", "value", "message"),
    [
        ("assessments", "opioid_drug", "morph\x9bine", "control or invisible formatting"),
        ("patients", "primary_cancer", "Gastric\u200bcancer", "control or invisible formatting"),
        ("patients", "primary_cancer", "Gastric \ud800", "is not valid Unicode text"),
        ("courses", "patient_id", "C1-\udc80", "is not valid Unicode text"),
    ],
)
def test_the_store_refuses_them_in_an_import(tmp_path, table, column, value, message):
    us = UserStore(str(tmp_path / "u.duckdb"))
    frames = _frames_with(table, column, value)
    with pytest.raises(SeriesInvalid) as refused:
        us.apply_import(ANN, "S", frames, pseudonymised=True, validate=validate_own_series)
    assert any(message in m and column in m for m in refused.value.messages)
    assert us.own_series(ANN).empty


@pytest.mark.parametrize("value", ["morph\ud800ine", "morph\u2066ine"])
def test_follow_up_refuses_them(tmp_path, value):
    us = UserStore(str(tmp_path / "u.duckdb"))
    sid = us.apply_import(ANN, "S", make_frames(3, seed=2), pseudonymised=True).series_id
    key = tuple(
        us.series_frames(ANN, sid).assessments.iloc[0][["patient_id", "course_no", "assessment_no"]]
    )
    change = Change.update("assessments", key, opioid_drug=value)
    with pytest.raises(SeriesInvalid) as refused:
        us.record_follow_up(ANN, sid, [change], validate=validate_own_series)
    assert any("opioid_drug" in m for m in refused.value.messages)
    assert value not in set(us.series_frames(ANN, sid).assessments["opioid_drug"].dropna())


def test_a_literature_series_with_a_lone_surrogate_is_refused(tmp_path):
    us = UserStore(str(tmp_path / "u.duckdb"))
    record = {"citation": "Smith \ud800 2020", "n_patients": "3", "n_patients_source": "T"}
    with pytest.raises(SeriesInvalid, match="not valid Unicode text"):
        us.add_series(ANN, record)
    assert us.series(ANN).empty


@pytest.mark.parametrize("spoof", ["\u202e", "\u2066", "\x1b", "\x07", "\x85"])
@pytest.mark.parametrize("field", ["citation", "notes"])
def test_literature_text_refuses_bidirectional_overrides_and_controls(tmp_path, spoof, field):
    """A right-to-left override would show a citation in another order than it is stored, in
    pages and exports alike: refused, with the field named. Nothing is stored."""
    us = UserStore(str(tmp_path / "u.duckdb"))
    record = {"citation": "Smith 2020", "n_patients": "3", "n_patients_source": "T"}
    record[field] = f"Smith{spoof}0202 htimS"
    with pytest.raises(SeriesInvalid, match=f"{field}: holds a control character or a bidi"):
        us.add_series(ANN, record)
    assert us.series(ANN).empty


def test_literature_text_pasted_from_a_paper_is_kept(tmp_path):
    """Line breaks, tabs, a soft hyphen and a zero-width joiner are ordinary in pasted text."""
    us = UserStore(str(tmp_path / "u.duckdb"))
    citation = (
        "Smith A, Jones B.\nPalliative radio\u00adtherapy.\tJ Test 2020;1:1 \u0645\u200c\u06cc"
    )
    record = {"citation": citation, "n_patients": "3", "n_patients_source": "T"}
    us.add_series(ANN, record)
    assert list(us.series(ANN)["citation"]) == [citation]


@pytest.mark.parametrize("hidden", ["\u200b", "\ufeff", "\u00ad"])
def test_a_header_with_an_invisible_character_is_named_not_ignored(hidden):
    from plexrt.data.own_readers import read_csv_bytes
    from tests.unit.own_files import COURSE_HEADER

    header = COURSE_HEADER.replace("age", f"age{hidden}", 1)
    result = read_csv_bytes(f"{header}\n{GOOD_COURSES[0]}\n".encode(), "c.csv")
    typed = f"age{hidden}".encode("ascii", "backslashreplace").decode()
    assert [(p.line, p.message) for p in result.problems] == [
        (
            1,
            f"the header of column 2 ('{typed}') holds an invisible or control character; retype it",
        )
    ]


def test_a_file_too_wide_is_refused_before_its_cells_are_read(monkeypatch):
    from plexrt.data import own_readers
    from plexrt.data.own_template import MAX_COLUMNS

    def not_reached(*args, **kwargs):
        raise AssertionError("the cells were read")

    monkeypatch.setattr(own_readers, "_arrow_table", not_reached)
    monkeypatch.setattr(own_readers, "_csv_rows", not_reached)
    width = MAX_COLUMNS + 1
    text = ",".join(f"c{j}" for j in range(width)) + "\n" + ",".join("1" * width) + "\n"
    result = own_readers.read_csv_bytes(text.encode(), "wide.csv")
    assert [(p.line, p.message) for p in result.problems] == [
        (1, f"{width} columns; at most {MAX_COLUMNS}")
    ]
