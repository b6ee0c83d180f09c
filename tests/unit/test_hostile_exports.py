"""User text in exports stays text (issue 16 §4): the HTML report escapes it in headings, notes,
tables and the figures' embedded data; the PPTX stores it as text; CSV neutralises formulas."""

from __future__ import annotations

import io
import re
import zipfile
from html.parser import HTMLParser

import pandas as pd
import plotly.graph_objects as go

from plexrt.export import report
from plexrt.export.tabular import safe_csv

HOSTILE = '</script><script>alert(1)</script><img src=x onerror=alert(2)> =HYPERLINK("x")'


def test_the_html_report_never_carries_user_markup():
    fig = go.Figure(go.Bar(x=[1], y=[HOSTILE], name=HOSTILE))
    doc = report.html_report(
        HOSTILE,
        HOSTILE,
        HOSTILE,
        [report.Section(HOSTILE, [(HOSTILE, fig)], [(HOSTILE, pd.DataFrame({"s": [HOSTILE]}))])],
        [HOSTILE],
    )
    body = doc.split("</head>", 1)[1]
    assert "<script>alert" not in body and "<img src=x" not in body
    assert body.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 5  # shown, as text
    # in the figure's data the text is escaped for plotly (charts.markup: drawn as text, never a
    # tag) and then JSON with / and > escaped, so it can neither end the script nor be markup
    assert re.search(r"&lt;\\u002fscript\\u003e&lt;script\\u003ealert\(1\)", body)


def test_the_pptx_stores_user_text_as_text(tmp_path):
    from pptx import Presentation

    from plexrt.export import board_pack

    prs = Presentation()
    board_pack._key_figures_slide(prs, [(HOSTILE, HOSTILE)], HOSTILE)
    path = tmp_path / "p.pptx"
    prs.save(path)
    again = Presentation(path)  # well-formed XML: the text did not break the document
    texts = [
        cell.text
        for shape in again.slides[0].shapes
        if shape.has_table
        for row in shape.table.rows
        for cell in row.cells
    ]
    texts += [s.text_frame.text for s in again.slides[0].shapes if s.has_text_frame]
    assert texts.count(HOSTILE) >= 3


def test_csv_exports_neutralise_every_formula_start():
    # "\r=..." was written with a bare CR that split the row: the formula began a row of its own
    cells = ["=1+1", "+1", "-1+1", "@SUM(A1)", "\tx", "\r=HYPERLINK(1)", "ok"]
    back = pd.read_csv(io.BytesIO(safe_csv(pd.DataFrame({"t": cells}))), encoding="utf-8-sig")
    assert [v for v in back["t"]][:6] == ["'" + c for c in cells[:6]]
    assert back["t"].iloc[6] == "ok"


ADDRESSES = "Series http://evil.example/x www.evil.example a@evil.example"


class _Tags(HTMLParser):
    """The start tags of a document (a script's content is not parsed: it holds none)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append(tag)


def test_bare_addresses_in_the_html_report_are_text_not_links():
    fig = go.Figure(go.Scatter(x=[1], y=[1], name=ADDRESSES))
    doc = report.html_report(
        ADDRESSES,
        ADDRESSES,
        ADDRESSES,
        [
            report.Section(
                ADDRESSES, [(ADDRESSES, fig)], [(ADDRESSES, pd.DataFrame({"s": [ADDRESSES]}))]
            )
        ],
        [ADDRESSES],
    )
    parser = _Tags()
    parser.feed(doc)
    assert "a" not in parser.tags
    assert doc.count(ADDRESSES) >= 5  # shown as typed: headings, notes, table


def test_bare_addresses_in_the_pptx_are_text_not_hyperlinks(tmp_path):
    from pptx import Presentation

    from plexrt.export import board_pack

    prs = Presentation()
    board_pack._key_figures_slide(prs, [(ADDRESSES, ADDRESSES)], ADDRESSES)
    path = tmp_path / "p.pptx"
    prs.save(path)
    with zipfile.ZipFile(path) as z:
        slide = z.read("ppt/slides/slide1.xml").decode("utf-8")
        rels = z.read("ppt/slides/_rels/slide1.xml.rels").decode("utf-8")
    assert "hlinkClick" not in slide and "hyperlink" not in rels
    assert slide.count(ADDRESSES) >= 3
