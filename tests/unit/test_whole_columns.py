"""The whole-column build steps give what the row-by-row rules give: OMED per course against
``omed_mg`` applied to each course's rows, provenance against the most specific rule looked up
cell by cell, the CSV fast path against the exact reader."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plexrt.clinical.analgesics import omed_by_course, omed_mg
from plexrt.data.csvcolumns import read_columns
from plexrt.data.csvfile import read_csv
from plexrt.data.paths import DEFAULT_DATA_DIR
from plexrt.data.sources import read_data_folder
from plexrt.data.specs import COURSES, ROW_KEYS, TRACED_TABLES
from plexrt.data.validation import read_table
from plexrt.data.values import is_missing
from plexrt.ingest.provenance import cell_provenance, stack

FACTORS = pd.read_csv(DEFAULT_DATA_DIR / "opioid_factors.csv")


def _analgesics(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    drugs = ["morphine", "oxycodone", "Hydromorphone ", "paracetamol", "loxoprofen"]
    d = rng.integers(0, len(drugs), n)
    return pd.DataFrame(
        {
            "course_id": [f"c{k}" for k in rng.integers(0, n // 3 + 1, n)],
            "drug": np.asarray(drugs, dtype=object)[d],
            "mg_per_day": np.round(rng.random(n) * 100, 1),
            "route": np.asarray(["oral", None, "po", ""], dtype=object)[rng.integers(0, 4, n)],
            "is_opioid": d < 3,
        }
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_omed_by_course_equals_omed_mg_course_by_course(seed):
    rows = _analgesics(300, seed)
    got = omed_by_course(rows, FACTORS, "cdc2022")
    ids = list(dict.fromkeys(rows["course_id"]))
    expected = [omed_mg(rows[rows["course_id"] == c], FACTORS, "cdc2022") for c in ids]
    assert list(got.index) == ids
    np.testing.assert_allclose(got.to_numpy(), expected, rtol=1e-12)


def test_omed_by_course_refuses_as_the_row_rule_does():
    rows = _analgesics(60, 4)
    rows.loc[rows.index[rows["is_opioid"]][5], "mg_per_day"] = np.nan
    bad = rows[rows["mg_per_day"].isna()]
    with pytest.raises(ValueError) as row_rule:
        omed_mg(bad, FACTORS, "cdc2022")
    with pytest.raises(ValueError) as columns:
        omed_by_course(rows, FACTORS, "cdc2022")
    assert str(columns.value) == str(row_rule.value)
    unknown = pd.DataFrame(
        {
            "course_id": ["a", "b"],
            "drug": ["morphine", "tapentadol"],
            "mg_per_day": [1.0, 2.0],
            "is_opioid": [True, True],
        }
    )
    with pytest.raises(ValueError, match="tapentadol"):
        omed_by_course(unknown, FACTORS, "cdc2022")


def _rule_of(rules, table, col, row_key, first_key):
    for cand in (
        (col, row_key),
        (col, first_key),
        ("*", row_key),
        ("*", first_key),
        (col, "*"),
        ("*", "*"),
    ):
        hit = rules[
            (rules.table_name == table)
            & (rules.column_name == cand[0])
            & (rules.row_key == cand[1])
        ]
        if len(hit):
            return hit.iloc[0]
    raise AssertionError("no rule")


def test_provenance_of_the_bundled_series_cell_by_cell():
    sd = read_data_folder(DEFAULT_DATA_DIR)[0][0]
    derived = pd.DataFrame({"course_id": sd.tables["courses"]["course_id"]})
    got = cell_provenance(sd, derived)
    rules = sd.tables["provenance_rules"]
    expected = []
    for table in TRACED_TABLES:
        frame = sd.tables[table]
        keys = ROW_KEYS[table]
        for rec in frame.to_dict("records"):
            row_key = "/".join(str(rec[k]) for k in keys)
            for col in [c for c in frame.columns if c not in ("_line", "series_id")]:
                rule = _rule_of(rules, table, col, row_key, str(rec[keys[0]]))
                note = None if is_missing(rule["note"]) else rule["note"]
                if is_missing(rec[col]):
                    unknown = "Not stated in the paper (unknown)"
                    note = f"{unknown}. {note}" if note else unknown
                expected.append((table, row_key, col, rule["source"], note))
    cells = got[got["table_name"] != "course_derived"]
    # A note without text is stored as NULL, whether held as None or NaN.
    notes = [None if is_missing(n) else n for n in cells["note"]]
    as_rows = list(
        zip(
            cells["table_name"],
            cells["row_key"],
            cells["column_name"],
            cells["source"],
            notes,
            strict=True,
        )
    )
    assert as_rows == expected
    assert (got["table_name"] == "course_derived").sum() == 6 * len(derived)


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "text",
    [
        "a,b\n1,2\n\n3,4\n",
        "\ufeffa,b\n1,2\n , \n5,6,7\n8,9",
        "a,b\n1,2\n9\n\n4,5\n",
        'a,b\n"x\ny",2\n3,4\n',  # a cell spanning lines: the exact reader
        "a\n1\n\n2\n",
        "a\n,",  # blank cells of another width: skipped as blank, not reported as a short row
        "a,b\n1,2\n\xa0\n3,4\n",  # a non-breaking space alone is a blank line too
        'a,b\n"x"y,2\n3,4\n',  # text after a closing quote: refused by the exact reader, named
    ],
)
def test_columns_match_the_exact_reader(tmp_path, text):
    _assert_fast_is_exact(_write(tmp_path / "f.csv", text))


# Rows as files of registry data hold them, and what trips a reader: blanks of every kind (NBSP,
# ideographic space, the separators str.strip removes), quotes, stray commas, short and long rows.
CELL_TEXT = st.text(alphabet='ab1 ,"\t\xa0\u3000\x1c\x85\u2028\ufeffé', max_size=6)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, max_size=3, unique=True),
    st.lists(st.lists(CELL_TEXT, max_size=4), max_size=6),
    st.booleans(),
)
def test_any_rows_read_as_the_exact_reader_reads_them(header, rows, final_newline):
    text = "\n".join([",".join(header), *(",".join(r) for r in rows)]) + "\n" * final_newline
    with tempfile.TemporaryDirectory() as tmp:
        _assert_fast_is_exact(_write(Path(tmp) / "f.csv", text))


def _assert_fast_is_exact(path):
    table, problems = read_csv(path, "f.csv")
    cols, col_problems = read_columns(path, "f.csv")
    assert cols.header == table.header
    assert list(cols.lines) == [r.line for r in table.rows]
    assert list(cols.numbers) == [r.number for r in table.rows]
    for name in table.header:
        assert [str(v) for v in list(cols.columns[name])] == [r.cells[name] for r in table.rows]
    assert col_problems == problems


def test_read_table_problems_name_file_line_and_column_at_any_size(tmp_path):
    header = ",".join(COURSES.names)
    good = "s,{i},p{i},1,,psoas,upper,left,palliative,30,10,7,3,2"
    lines = [header] + [good.format(i=i) for i in range(2000)]
    lines[1500] = lines[1500].replace(",30,10,", ",thirty,10,")
    lines[1800] = lines[1800].replace("psoas", "deltoid")
    lines.append(good.format(i=7))
    frame, problems = read_table(_write(tmp_path / "courses.csv", "\n".join(lines)), COURSES)
    assert len(frame) == 2001
    assert [(p.line, p.column) for p in problems] == [
        (1501, "dose_gy"),
        (1801, "involved_muscle"),
        (2002, "series_id, course_id"),
    ]
    assert "first on line 9" in problems[-1].message


def test_stacked_provenance_reads_as_its_parts_one_after_the_other():
    cols = ["series_id", "table_name", "row_key", "column_name", "source", "location", "note"]
    a = pd.DataFrame({c: [f"{c}-a", None, f"{c}-x"] for c in cols}).astype("category")
    b = pd.DataFrame({c: [f"{c}-x", f"{c}-b"] for c in cols}).astype("category")
    empty = pd.DataFrame(columns=cols)
    got = stack([a, empty, b])
    for c in cols:
        assert list(got[c].astype(object).where(got[c].notna(), None)) == [
            f"{c}-a",
            None,
            f"{c}-x",
            f"{c}-x",
            f"{c}-b",
        ]
        assert got[c].cat.categories.is_unique
    assert stack([empty]).empty
