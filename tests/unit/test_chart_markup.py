"""Text in a figure is drawn as written (plexrt.charts.markup): plotly's HTML subset can link,
restyle or load; only PlexRT's own tags survive on the way out, every other '<' is escaped."""

from __future__ import annotations

import json
import re

import numpy as np
import plotly.graph_objects as go
from hypothesis import given
from hypothesis import strategies as st

from plexrt.charts.markup import OWN_TAGS, safe_figure, safe_markup, safe_spec
from plexrt.export.slides import slides

LINK = "<a href='http://evil.example/c'>Ovarian</a>"
SPOOF = '<span style="font-size:90px;color:red">'


def test_own_tags_stay_and_every_other_tag_is_escaped():
    assert safe_markup("n = 12<br><b>psoas</b> 10<sup>2</sup>%{x}<extra></extra>") == (
        "n = 12<br><b>psoas</b> 10<sup>2</sup>%{x}<extra></extra>"
    )
    assert safe_markup('<span style="color:#E69F00">A</span>') == (
        '<span style="color:#E69F00">A</span>'
    )
    assert safe_markup(LINK) == "&lt;a href='http://evil.example/c'>Ovarian&lt;/a>"
    assert safe_markup("<A HREF=x>y</A>") == "&lt;A HREF=x>y&lt;/A>"
    assert safe_markup(SPOOF + "x</span>") == "&lt;" + SPOOF[1:] + "x</span>"
    assert safe_markup("age <65 and >80, <br/>") == "age &lt;65 and >80, &lt;br/>"
    assert safe_markup("already &lt;escaped&gt;") == "already &lt;escaped&gt;"


@given(st.text(alphabet=st.sampled_from(list('<>/abrspixtyle="#:0 E9F')), max_size=40))
def test_no_tag_but_an_own_one_survives(text):
    out = safe_markup(text)
    for tag in re.findall(r"<[^<]*", out):
        assert any(tag.startswith(t.replace("#RRGGBB", "#")[:-1]) for t in OWN_TAGS), (text, out)
    # nothing but '<' is ever changed (the alphabet holds no '&')
    assert out.replace("&lt;", "<") == text


def _hostile_figure() -> go.Figure:
    fig = go.Figure(
        go.Scatter(
            x=[1, 2],
            y=[3, 4],
            name=f"Ours {LINK}",
            customdata=np.array([["S1<img src=x>"], ["S2"]], dtype=object),
            hovertemplate="%{customdata[0]}<extra></extra>",
        )
    )
    fig.update_layout(
        title=f"Overall survival — {LINK}", yaxis={"ticktext": [LINK], "tickvals": [3]}
    )
    fig.add_annotation(text=f"Cohort: n = 2 · {LINK}<br>Exact 95% CI", name="footnote")
    return fig


def test_hostile_text_escaped_everywhere_in_a_copy():
    fig = _hostile_figure()
    before = fig.to_json()
    safe = safe_figure(fig)
    assert fig.to_json() == before  # the figure given is not changed (it may be cached)
    spec = json.loads(safe.to_json())
    assert spec["data"][0]["name"] == "Ours &lt;a href='http://evil.example/c'>Ovarian&lt;/a>"
    assert spec["data"][0]["customdata"] == [["S1&lt;img src=x>"], ["S2"]]
    assert spec["data"][0]["hovertemplate"] == "%{customdata[0]}<extra></extra>"
    assert spec["layout"]["title"]["text"].endswith(
        "&lt;a href='http://evil.example/c'>Ovarian&lt;/a>"
    )
    assert spec["layout"]["yaxis"]["ticktext"] == [safe_markup(LINK)]
    assert spec["layout"]["annotations"][0]["text"] == (
        f"Cohort: n = 2 · {safe_markup(LINK)}<br>Exact 95% CI"
    )
    assert "<a " not in json.dumps(safe_spec(fig), default=np.ndarray.tolist)


def test_every_board_figure_uses_only_own_tags(inp):
    # PlexRT's own chart text passes unchanged: the same object comes back, so no tag PlexRT
    # writes is missing from OWN_TAGS.
    figures = [s.fig for s in slides(inp)] + [s.fig for s in slides(inp, present=True)]
    assert len(figures) >= 18
    for fig in figures:
        assert safe_figure(fig) is fig, fig.layout.title.text


def test_the_chart_in_words_keeps_a_users_tag_as_words():
    from plexrt.charts.alt_text import describe

    fig = go.Figure(go.Scatter(x=[1], y=[2], name=LINK))
    assert LINK in describe(safe_figure(fig))  # escaped for plotly, decoded back to the words
    assert LINK not in describe(fig)  # read as a tag, the words around it would be lost
