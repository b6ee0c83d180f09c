"""Literature table: loading, validation and the seeded figures.

The seeded CSV is checked against the figures in the project's literature notes
(tests/fixtures/literature-series.md). Per-series intervals and pooling are tested in test_meta.py.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pytest

from plexrt.data.literature import COLUMN_NAMES, FIGURE_COLUMNS, POPULATIONS
from plexrt.data.literature_file import LiteratureFileError, load_literature
from plexrt.data.literature_rules import validate_series
from tests.fixtures import LITERATURE, read_fixture

REPO = Path(__file__).resolve().parents[2]
SEEDED = REPO / "data" / "literature.csv"


# ------------------------------------------------------------------ the seeded CSV


def test_seeded_csv_has_the_literature_md_figures():
    df = load_literature(SEEDED).set_index("series_key")
    assert set(df.index) == {
        "gerontopoulos2020",
        "uno2024",
        "shindo2024",
        "ishikawa2024",
        "stevens1990",
        "agar2004",
        "takase2015",
    }
    assert "sanuki2022" not in df.index
    assert set(df["population"]) <= set(POPULATIONS)

    g = df.loc["gerontopoulos2020"]
    assert g.n_patients == 18 and g.responders == 18
    assert g.median_relief_months == 3.5 and g.median_followup_months == 5.5
    assert pd.isna(g.median_survival_months)
    assert pd.isna(g.n_sites) and pd.isna(g.complete_responders) and g.schedules is None
    assert g.response_definition == "significant pain relief (as reported; scale not available)"
    assert "Sanuki 2022 Discussion, citing ref 8" in g.responders_source
    assert "approximate" in g.median_relief_months_source.lower()
    assert g.doi == "10.4103/IJPC.IJPC_205_19"

    s = df.loc["shindo2024"]
    assert (s.n_patients, s.responders, s.complete_responders) == (112, 67, 25)
    assert s.median_survival_months == 5.5
    assert s.population == "non_bone_painful_lesions"

    assert df.loc["ishikawa2024", "n_patients"] == 291
    assert df.loc["takase2015", "population"] == "non_rt_comparator"
    assert df.loc["uno2024", "doi"] == "10.7759/cureus.73007"


def test_seeded_csv_never_stores_unknown_as_zero():
    with SEEDED.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == list(COLUMN_NAMES)
    for row in rows:
        for col in FIGURE_COLUMNS:
            assert row[col].strip() not in {"0", "0.0"}, (row["series_key"], col)


def test_every_seeded_number_appears_in_its_literature_md_row():
    lines = {}
    for line in read_fixture(LITERATURE).splitlines():
        m = re.match(r"\|\s*([a-z]+\d{4})\s*\|", line)
        if m:
            lines[m.group(1)] = line
    df = load_literature(SEEDED)
    numeric = [
        "year",
        "n_patients",
        "n_sites",
        "responders",
        "complete_responders",
        "median_relief_months",
        "median_followup_months",
        "median_survival_months",
    ]
    checked = 0
    for rec in df.to_dict("records"):
        line = lines[rec["series_key"]]
        for col in numeric:
            value = rec[col]
            if pd.isna(value):
                continue
            # A case report describes one patient; its n (and responder count) is not written
            # as a number in literature.md but follows from "case report".
            if rec["population"] == "case_report" and col in ("n_patients", "responders"):
                assert value == 1 and "case report" in line
                continue
            text = f"{value:g}" if isinstance(value, float) else str(int(value))
            assert re.search(rf"(?<![\d.]){re.escape(text)}(?![\d]|\.\d)", line), (
                rec["series_key"],
                col,
                text,
            )
            checked += 1
    # Every filled figure cell of the raw CSV was compared (none passed over): 19 cells.
    with SEEDED.open(newline="", encoding="utf-8") as fh:
        filled = sum(
            1
            for row in csv.DictReader(fh)
            for col in numeric
            if row[col].strip()
            and not (row["population"] == "case_report" and col in ("n_patients", "responders"))
        )
    assert checked == filled == 19


# ------------------------------------------------------------------ broken copies


def _write_copy(tmp_path, edit, name="broken.csv"):
    with SEEDED.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    rows = edit(rows)
    path = tmp_path / name
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return path


def _col(rows, name):
    return rows[0].index(name)


def test_missing_column_is_named_with_file_and_header_line(tmp_path):
    def drop(rows):
        i = _col(rows, "responders")
        return [r[:i] + r[i + 1 :] for r in rows]

    path = _write_copy(tmp_path, drop)
    with pytest.raises(LiteratureFileError) as err:
        load_literature(path)
    msg = str(err.value)
    assert str(path) in msg and "line 1" in msg and "'responders'" in msg and "missing" in msg


def test_non_numeric_n_names_file_row_line_and_column(tmp_path):
    def bad_n(rows):
        rows[2][_col(rows, "n_patients")] = "eighteen"  # second data row, line 3
        return rows

    path = _write_copy(tmp_path, bad_n)
    with pytest.raises(LiteratureFileError) as err:
        load_literature(path)
    msg = str(err.value)
    assert str(path) in msg
    assert "data row 2 (line 3)" in msg and "'n_patients'" in msg and "eighteen" in msg


def test_responders_above_n_counts_physical_lines(tmp_path):
    # Row 1 gets a two-line quoted note (lines 2-3), so data row 2 starts on line 4; a problem
    # is reported at the line where its record starts.
    def bad_responders(rows):
        rows[1][_col(rows, "notes")] = "first line\nsecond line"
        rows[1][_col(rows, "responders")] = "19"  # gerontopoulos2020 has n_patients 18
        rows[2][_col(rows, "responders")] = "2"  # uno2024 has n_patients 1
        return rows

    path = _write_copy(tmp_path, bad_responders)
    with pytest.raises(LiteratureFileError) as err:
        load_literature(path)
    msg = str(err.value)
    assert str(path) in msg
    assert "data row 2 (line 4)" in msg and "'responders'" in msg and "exceed" in msg
    assert "data row 1 (line 2)" in msg
    assert [p[:3] for p in err.value.problems] == [(1, 2, "responders"), (2, 4, "responders")]


def test_empty_citation_and_figure_without_source_are_rejected(tmp_path):
    def bad(rows):
        rows[1][_col(rows, "citation")] = ""
        rows[3][_col(rows, "median_survival_months_source")] = ""
        return rows

    path = _write_copy(tmp_path, bad)
    with pytest.raises(LiteratureFileError) as err:
        load_literature(path)
    msg = str(err.value)
    assert "data row 1 (line 2), column 'citation'" in msg
    assert "data row 3 (line 4), column 'median_survival_months_source'" in msg
    assert isinstance(err.value, ValueError)


def test_negative_count_is_rejected(tmp_path):
    def bad(rows):
        rows[3][_col(rows, "complete_responders")] = "-1"
        return rows

    with pytest.raises(LiteratureFileError, match="complete_responders.*negative"):
        load_literature(_write_copy(tmp_path, bad))


def test_unknown_column_and_missing_file_are_named(tmp_path):
    def extra(rows):
        return [[*r, "x"] for r in rows]

    path = _write_copy(tmp_path, extra)
    with pytest.raises(LiteratureFileError) as err:
        load_literature(path)
    assert err.value.problems == [
        (None, 1, "x", f"unknown column (expected: {', '.join(COLUMN_NAMES)})")
    ]
    with pytest.raises(LiteratureFileError, match="nowhere.csv: file is missing"):
        load_literature(tmp_path / "nowhere.csv")


def test_ragged_row_is_named_with_its_data_row(tmp_path):
    def short(rows):
        rows[2] = rows[2][:3]
        return rows

    with pytest.raises(LiteratureFileError) as err:
        load_literature(_write_copy(tmp_path, short))
    assert err.value.problems == [(2, 3, "(all)", f"has 3 fields, header has {len(COLUMN_NAMES)}")]


# ------------------------------------------------------------------ the "add a series" form


def _valid_record():
    return {
        "series_key": "example2025",
        "citation": "Example 2025. J Example 2025;1:1-2",
        "population": "lumbosacral_plexopathy",
        "n_patients": "10",
        "n_patients_source": "Table 1",
        "responders": 7,
        "responders_source": "Results",
        "complete_responders": 3,
        "complete_responders_source": "Results",
        "median_survival_months": "4.5",
        "median_survival_months_source": "Figure 2",
    }


def test_validate_series_accepts_a_complete_record():
    assert validate_series(_valid_record()) == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"citation": "  "}, "citation"),
        ({"n_patients": None}, "n_patients"),
        ({"n_patients": 0}, "n_patients"),
        ({"n_patients": "ten"}, "n_patients"),
        ({"n_patients": 2.5}, "n_patients"),
        ({"responders": 11}, "responders"),
        ({"responders": -1}, "responders"),
        ({"responders": "7.5"}, "responders"),
        ({"complete_responders": 8}, "complete_responders"),
        ({"median_survival_months": -2}, "median_survival_months"),
        ({"median_survival_months_source": ""}, "median_survival_months_source"),
        ({"population": "bone_metastases"}, "population"),
    ],
)
def test_validate_series_names_the_field(change, field):
    record = _valid_record() | change
    messages = validate_series(record)
    assert messages, change
    assert any(m.startswith(f"{field}:") for m in messages), messages


def test_validate_series_uses_sites_as_denominator_when_given():
    # 12 responders among 12 sites in 11 patients is valid (responders counted per site).
    record = _valid_record() | {
        "n_patients": 11,
        "n_sites": 12,
        "n_sites_source": "Table 1",
        "responders": 12,
        "complete_responders": 9,
    }
    assert validate_series(record) == []
    assert any(m.startswith("responders:") for m in validate_series(record | {"responders": 13}))


def test_implausible_figures_are_refused_by_the_form():
    from plexrt.data.literature_rules import validate_series

    base = {"citation": "X Y. J 2020", "n_patients": "10", "n_patients_source": "T1"}
    msgs = validate_series(
        {
            **base,
            "n_patients": "1e10",
            "year": "99999999999",
            "median_survival_months": "1e308",
            "median_survival_months_source": "s",
        }
    )
    fields = {m.split(":")[0] for m in msgs}
    assert fields == {"n_patients", "year", "median_survival_months"}
    assert validate_series({**base, "year": "1850"})[0].startswith("year:")


@pytest.mark.parametrize(
    ("doi", "said"),
    [
        ("10.7759/cureus.20939", None),
        ("10.1111/j.1440-1673.1990.tb02831.x", None),
        (
            "https://doi.org/10.7759/cureus.20939",
            "doi: give the DOI alone, '10.7759/cureus.20939', not "
            "'https://doi.org/10.7759/cureus.20939'",
        ),
        ("doi:10.7759/x", "doi: give the DOI alone, '10.7759/x', not 'doi:10.7759/x'"),
        ("PMID 35173834", "doi: is not a DOI (10.<registrant>/<suffix>"),
        ("javascript:alert(1)", "doi: is not a DOI (10.<registrant>/<suffix>"),
        ("10.7759/ cureus", "doi: is not a DOI"),
    ],
)
def test_a_doi_that_is_not_one_is_refused(doi, said):
    """Any text was kept as the series' DOI (a web address, a PubMed id, a script link)."""
    rec = {"citation": "A 2020", "n_patients": "10", "n_patients_source": "T1", "doi": doi}
    problems = validate_series(rec)
    if said is None:
        assert problems == []
    else:
        assert len(problems) == 1 and problems[0].startswith(said), problems
