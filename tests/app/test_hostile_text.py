"""Text a user entered stays text on every page (issue 16 §4): a `<script>`, raw HTML or Markdown
(an image that loads from elsewhere, a javascript: link) in a literature series or a saved case is
never interpreted by Streamlit's Markdown, nor turned into a link or markup in a chart."""

from __future__ import annotations

import json
import re

import pytest
import streamlit as st

from plexrt.board.case import make_case
from plexrt.data.access import local_principal
from plexrt.data.userstore import UserStore
from tests.app.conftest import as_read, on_user_db
from tests.streamlit_markdown import replaced

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
    with on_user_db(monkeypatch, path):
        yield


def _table_texts(at) -> list[str]:
    """Every cell, header and row label of the static tables (``st.table`` renders them as
    Markdown, links and images included)."""
    texts = []
    for el in at.table:
        frame = el.value
        texts += [str(v) for v in frame.to_numpy().ravel()]
        texts += [str(c) for c in frame.columns] + [str(i) for i in frame.index]
    return texts


def _interpreted(at) -> list[str]:
    """Markdown-rendered elements that would interpret the hostile text."""
    bad = [
        f"table: {t[:120]}"
        for t in _table_texts(at)
        if IMAGE in t or "](javascript:" in t or re.search(r"(?<!\\)<script", t)
    ]
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


# An own series shared with a department: its name, institution and period, a primary cancer
# and a patient code as recorded, and a link someone sent, all written to be read as Markdown,
# LaTeX, a Streamlit colour directive or plotly markup. Every page (own series and compare mode)
# must show them as written.
OWN_NAME = "Ours ![i](http://evil.example/n.png) [L](http://evil.example/l) $x^2$ :red[R]"
OWN_CANCER = "Ovarian [C](http://evil.example/c) <a href='http://evil.example/c'>C</a>"
OWN_CODE = "S2[z](//evil.example/z)<u>"
_MARKDOWN_HOSTILE = re.compile(
    r"(?<!\\)!(?<!\\)\[|(?<!\\)\]\((?:http|//)|(?<!\\)\$x|(?<!\\):red(?<!\\)\[|(?<!\\)<(?:a |u>)"
)
OWN_PAGES = (
    "pages/cohort.py",
    "pages/pain.py",
    "pages/time_to_event.py",
    "pages/literature.py",
    "pages/data.py",
    "pages/board.py",
    "pages/follow_up.py",
    "pages/sharing.py",
)


@pytest.fixture(scope="module")
def hostile_own(tmp_path_factory):
    from plexrt.ingest.own_import import prepare_import
    from tests.unit.own_files import GOOD_ASSESSMENTS, GOOD_COURSES, write

    tmp = tmp_path_factory.mktemp("hostile_own")
    courses = [
        r.replace("ovarian", OWN_CANCER.replace(",", " ")).replace("S02", OWN_CODE)
        for r in GOOD_COURSES
    ]
    assessments = [r.replace("S02", OWN_CODE) for r in GOOD_ASSESSMENTS]
    c, a = write(tmp, courses, assessments)
    prepared = prepare_import(c, a, study_codes=True)
    assert prepared.frames is not None, prepared.report.problems
    store = UserStore(tmp / "user.duckdb")
    result = store.apply_import(
        local_principal(),
        OWN_NAME,
        prepared.frames,
        pseudonymised=False,
        institution=OWN_NAME,
        period="[P](http://evil.example/p) 2023",
    )
    store.release()
    return tmp / "user.duckdb", result.series_id


def _markdown_hostile(at) -> list[str]:
    bad = []
    for kind in _KINDS:
        for el in at.get(kind):
            value = str(getattr(el, "value", ""))
            if _MARKDOWN_HOSTILE.search(value):
                bad.append(f"{kind}: {value[:160]}")
    for el in at.get("tab"):
        if _MARKDOWN_HOSTILE.search(str(el.label)):
            bad.append(f"tab: {el.label[:160]}")
    bad += [f"table: {t[:160]}" for t in _table_texts(at) if _MARKDOWN_HOSTILE.search(t)]
    return bad


def _chart_tags(at) -> list[str]:
    bad = []
    for chart in at.get("plotly_chart"):
        spec = chart.proto.spec
        for m in re.finditer(r"\\u003c(a |u\\u003e)|<(a |u>)", spec):
            bad.append(spec[max(m.start() - 60, 0) : m.start() + 60])
    return bad


_KINDS = (
    "markdown",
    "caption",
    "info",
    "warning",
    "error",
    "success",
    "title",
    "header",
    "subheader",
)


@pytest.mark.parametrize("page", OWN_PAGES)
@pytest.mark.parametrize("mode", ["own", "compare"])
def test_an_own_series_text_stays_text(app, hostile_own, monkeypatch, page, mode):
    path, series_id = hostile_own
    monkeypatch.setenv("PLEXRT_USER_DB", str(path))
    st.cache_resource.clear()
    st.cache_data.clear()
    params = {"series": series_id} if mode == "own" else {"series": "compare", "vs": series_id}
    # a link with a filter value written as Markdown (not in the data: ignored, with a notice)
    params["cancer"] = "![x](http://evil.example/u.png)"
    at = app(**params).run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert _markdown_hostile(at) == []
    assert _chart_tags(at) == []


def _citation_saved(app, citation: str):
    """The Literature page after a series with ``citation`` was typed into its form and saved."""
    at = app().run()
    at.switch_page("pages/literature.py").run()
    typed = {"citation": citation, "n_patients": "9", "n_patients_source": "Table 1"}
    for field, value in typed.items():
        at.text_input(key=f"add_{field}").input(value)
    next(b for b in at.button if b.label == "Save series").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_saved_confirmation_shows_a_typed_citation_as_text(app, tmp_path, monkeypatch):
    """Saving (and then changing) a literature series confirms it by its citation: the citation as
    typed, never its Markdown (an image loaded from elsewhere, a link)."""
    with on_user_db(monkeypatch, tmp_path / "user.duckdb"):
        at = _citation_saved(app, HOSTILE)
        edit = next(b for b in at.button if b.label == "Save changes")
        for run in ("added", "changed"):
            (saved,) = [s.value for s in at.success if s.value.startswith("Saved")]
            assert HOSTILE in as_read(saved), run
            assert _interpreted(at) == [], run
            assert _MARKDOWN_HOSTILE.search(saved) is None, run
            if run == "added":
                edit.click().run()
                assert not at.exception, [e.value for e in at.exception]


# Bare addresses, an icon and an arrow: Streamlit links, draws or replaces them even escaped
# (tests.streamlit_markdown); typed, they must read as typed.
ADDRESSES = "See http://evil.example/x, www.evil.example or a@evil.example -> :material/home:"


def _replaced_where_read(at, marker: str) -> tuple[list[str], list[str]]:
    """(every Markdown text on the page that holds ``marker`` as read, what Streamlit would draw
    as something else in them)."""
    texts = [str(getattr(el, "value", "")) for kind in _KINDS for el in at.get(kind)]
    texts += [str(el.label) for el in at.get("tab")] + _table_texts(at)
    held = [t for t in texts if marker in as_read(t)]
    return [as_read(t) for t in held], [r for t in held for r in replaced(t)]


def test_a_typed_citation_with_bare_addresses_reads_as_typed(app, tmp_path, monkeypatch):
    with on_user_db(monkeypatch, tmp_path / "user.duckdb"):
        at = _citation_saved(app, ADDRESSES)
        read, drawn_otherwise = _replaced_where_read(at, "evil.example")
        assert drawn_otherwise == []
        assert any(ADDRESSES in t for t in read)  # the confirmation, at least


def test_refused_series_form_quotes_what_was_typed_as_text(app, tmp_path, monkeypatch):
    """The 'add a series' form refuses a figure that is not a number and quotes it back: the
    quote is what was typed, shown as written (an image that loads from elsewhere was drawn as
    one), under the field's label in the form ('Patients (n)', not the column 'n_patients')."""
    from tests.app.test_pages import FORM, _fill, _page, _save

    with on_user_db(monkeypatch, tmp_path / "user.duckdb"):
        at = _page(app, "pages/literature.py")
        _fill(at, "add", {**FORM, "n_patients": IMAGE, "year": f"{LINK} 5"})
        _save(at).click().run()
        assert not at.exception, [e.value for e in at.exception]
        (error,) = [e.value for e in at.error]
        assert replaced(error) == []
        assert IMAGE not in error and "](http" not in error
        said = as_read(error)
        assert f"- **Patients (n)**: must be a whole number, got '{IMAGE}'" in said
        assert f"- **Year**: must be one whole number, got '{LINK} 5'" in said
