"""Text a user entered stays text on every page (issue 16 §4): a `<script>`, raw HTML or Markdown
(an image that loads from elsewhere, a javascript: link) in a literature series or a saved case is
never interpreted by Streamlit's Markdown, nor turned into a link or markup in a chart."""

from __future__ import annotations

import json

import pytest
import streamlit as st

from plexrt.board.case import make_case
from plexrt.data.access import local_principal
from plexrt.data.userstore import UserStore

SCRIPT = "<script>alert(1)</script>"
IMAGE = "![t](http://evil.example/x.png)"
LINK = '<a href="http://evil.example">x</a>'
HOSTILE = f"Evil {SCRIPT} {IMAGE} {LINK} [c](javascript:alert(1)) =HYPERLINK(1) 2021"


@pytest.fixture
def hostile_store(tmp_path, monkeypatch):
    path = tmp_path / "user.duckdb"
    us = UserStore(path)
    me = local_principal()
    us.add_series(  # no year: the chart label falls back to the citation itself
        me,
        {
            "citation": HOSTILE,
            "population": "malignant_psoas_syndrome",  # shown by default
            "notes": HOSTILE,
            "design": HOSTILE,
            "n_patients": "9",
            "n_patients_source": HOSTILE,
            "responders": "5",
            "responders_source": HOSTILE,
        },
    )
    case = make_case(
        primary_cancer=HOSTILE,
        involved_muscle="psoas",
        nrs_before="8",
        intent="palliative",
        dose_gy="30",
        fractions="10",
    )
    us.save_case(me, case, label=HOSTILE)
    us.release()
    monkeypatch.setenv("PLEXRT_USER_DB", str(path))
    st.cache_resource.clear()
    st.cache_data.clear()
    yield
    st.cache_resource.clear()
    st.cache_data.clear()


def _interpreted(at) -> list[str]:
    """Markdown-rendered elements that would interpret the hostile text."""
    bad = []
    for kind in ("markdown", "caption", "info", "warning", "error", "success", "title", "header"):
        for el in at.get(kind):
            value = str(getattr(el, "value", ""))
            allow_html = bool(getattr(el.proto, "allow_html", False))
            if ("<script" in value and allow_html) or IMAGE in value or "](javascript:" in value:
                bad.append(f"{kind}: {value[:120]}")
    return bad


def _chart_markup(at) -> list[str]:
    """Chart text that plotly would render as markup or a link."""
    bad = []
    for chart in at.get("plotly_chart"):
        spec = json.dumps(json.loads(chart.proto.spec))
        if "<a href" in spec or "<script" in spec:
            bad.append(spec[spec.find("Evil") - 40 : spec.find("Evil") + 160])
    return bad


@pytest.mark.parametrize("page", ["pages/literature.py", "pages/board.py"])
def test_hostile_text_stays_text(app, hostile_store, page):
    at = app().run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    shown = json.dumps([str(el.proto) for el in at.main]) + json.dumps(
        [c.proto.spec for c in at.get("plotly_chart")]
    )
    assert "Evil" in shown  # the series / case is on the page
    if page.endswith("literature.py"):
        assert any("Evil" in c.proto.spec for c in at.get("plotly_chart"))
    assert _interpreted(at) == []
    assert _chart_markup(at) == []
