"""The offline HTML report (plexrt.export.report)."""

from __future__ import annotations

import re
from datetime import datetime

import pandas as pd
import pytest
from plotly.offline import get_plotlyjs

from plexrt.export import report
from tests.unit.export_figures import CITATION, small_fig


def test_html_report_is_self_contained_and_complete():
    table = pd.DataFrame(
        {"site": ["psoas <major>", "sacral plexus"], "NRS before": [8, None]},
    )
    sections = [
        report.Section(
            "Pain",
            figures=[("Response", small_fig()), ("Change", small_fig("Change"))],
            tables=[("Per-site scores", table)],
            notes=["Response = drop of ≥2 NRS points (paper's definition)."],
        ),
        report.Section(
            "Survival",
            figures=[("Overall survival", small_fig("OS", reconstructed=True))],
            tables=[("Literature", pd.DataFrame({"series": ["A & B"], "n": [40]}))],
            notes=["Times RECONSTRUCTED from published aggregates."],
        ),
    ]
    doc = report.html_report(
        "Board <pack> & review",
        "Psoas cases only; palliative intent",
        CITATION,
        sections,
        ["Provenance: Sanuki 2022 case series"],
        generated_at=datetime(2026, 11, 3, 9, 5),
    )
    assert doc.startswith("<!DOCTYPE html>")
    assert doc.count('class="plotly-graph-div"') == 3
    assert "Board &lt;pack&gt; &amp; review" in doc
    assert "Board <pack>" not in doc
    assert "Psoas cases only; palliative intent" in doc
    assert CITATION in doc
    assert "2026-11-03 09:05" in doc
    # plotly.js inline exactly once, nothing fetched from the network.
    assert doc.count(get_plotlyjs()) == 1
    assert len(re.findall(r"<script\b[^>]*\bsrc=", doc)) == 0
    assert '<script src="http' not in doc
    assert "<link" not in doc and "@import" not in doc and "@font-face" not in doc
    # Tables, escaped, with missing values shown as a dash.
    body = doc.split("</head>", 1)[1]
    assert body.count("<table") == 2
    assert "psoas &lt;major&gt;" in body and "A &amp; B" in body
    assert "NaN" not in body
    for text in (
        "Per-site scores",
        "Response = drop of ≥2 NRS points (paper&#x27;s definition).",
        "Times RECONSTRUCTED from published aggregates.",
        "Provenance: Sanuki 2022 case series",
        "@media print",
    ):
        assert text in doc


def test_html_report_arguments_are_checked():
    with pytest.raises(ValueError, match=r"sections\[0\]"):
        report.html_report("T", "", CITATION, ["not a section"], [])
    with pytest.raises(ValueError, match="title"):
        report.html_report("", "", CITATION, [], [])
    with pytest.raises(ValueError, match=r"figures\[0\]"):
        report.html_report("T", "", CITATION, [report.Section("S", figures=[("x", 1)])], [])


def test_unknowns_in_report_and_handout_tables_are_a_dash():
    """An own series with values not recorded: the sites table held None (sex, pain text), <NA>
    (NRS as whole numbers) and blank text (age), which pandas' na_rep does not reach: the report
    and the handout showed 'None' and '<NA>' where the value is unknown."""
    from plexrt.export import handout

    table = pd.DataFrame(
        {
            "Sex": [None, "F"],
            "NRS before RT": pd.array([pd.NA, 8], dtype="Int64"),
            "Age (years)": ["", "70"],
            "Dose per fraction (Gy)": [3.0, float("nan")],
        }
    )
    doc = report.html_report(
        "R", "all sites", CITATION, [report.Section("Pain", [], [("T", table)])], []
    )
    cells = re.findall(r"<td>(.*?)</td>", doc.split("</head>", 1)[1])
    assert cells == ["—", "—", "—", "3.0", "F", "8", "70", "—"]
    page = handout._table(table)
    assert re.findall(r"<td>(.*?)</td>", page) == cells
