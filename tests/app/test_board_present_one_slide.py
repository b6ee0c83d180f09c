"""The board's presentation draws only the slide on screen: its slide list (``export.slides.deck``)
is known without drawing, and is the full deck's (what the exports draw, ``slides``) on the
bundled series and on a synthetic own series above ``SUMMARY_ABOVE`` sites."""

from __future__ import annotations

import pytest
import streamlit as st

from plexrt.charts.scale import SUMMARY_ABOVE
from plexrt.export import slides as slides_mod
from tests.app.conftest import slide_counter
from tests.unit.test_slides import WHOLE_COHORT_SLIDES


@pytest.fixture
def spied(monkeypatch):
    """(slides drawn by key, (board input, deck) of each deck worked out), counted from here.
    A Kaplan-Meier, swimmer or forest figure drawn outside ``slide`` counts too: the presentation
    drew every slide on each run, whichever one was on screen."""
    drawn: list[str] = []
    decks: list[tuple] = []
    inside: list[str] = []
    real_slide, real_deck = getattr(slides_mod, "slide", None), getattr(slides_mod, "deck", None)

    def slide(inp, key, *args, **kwargs):
        drawn.append(key)
        inside.append(key)
        try:
            return real_slide(inp, key, *args, **kwargs)
        finally:
            inside.pop()

    def deck(inp):
        out = real_deck(inp)
        decks.append((inp, out))
        return out

    def figure_spy(name: str):
        real = getattr(slides_mod, name)

        def spy(*args, **kwargs):
            if not inside:
                drawn.append(f"{name} outside a slide")
            return real(*args, **kwargs)

        monkeypatch.setattr(slides_mod, name, spy)

    monkeypatch.setattr(slides_mod, "slide", slide, raising=False)
    monkeypatch.setattr(slides_mod, "deck", deck, raising=False)
    for name in ("km_figure", "swimmer_slide", "forest_figure"):
        figure_spy(name)
    st.cache_data.clear()
    yield drawn, decks
    st.cache_data.clear()


def _present(app, **params):
    at = app(present="1", slide="2", **params).run()
    at.switch_page("pages/board.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _check(at, drawn, decks, n_sites_above: int):
    # first render: the slide on screen only (before: every slide of the board)
    assert drawn == ["paired"]
    inp, names = decks[-1]
    assert len(inp.sites) > n_sites_above
    # the slide list is the full deck's, key for key and title for title
    full = [(s.key, s.title) for s in slides_mod.slides(inp)]
    assert names == full
    assert slide_counter(at) == (2, len(full))
    drawn.clear()
    # a filter change draws the one slide on screen again, nothing else
    lo, hi = at.slider(key="f_age").value
    at.slider(key="f_age").set_value((lo + 1, hi)).run()
    assert not at.exception
    assert drawn == ["paired"]
    assert slide_counter(at) == (2, len(decks[-1][1]))
    # the next slide is drawn when asked for; going back finds the one drawn (cached)
    at.button(key="next_slide").click().run()
    assert drawn == ["paired", "time_to_max"]
    at.button(key="prev_slide").click().run()
    assert drawn == ["paired", "time_to_max"] and slide_counter(at)[0] == 2
    return full


def test_the_presentation_of_the_bundled_series_draws_one_slide(app, spied):
    drawn, decks = spied
    full = _check(_present(app), drawn, decks, 0)
    assert [k for k, _ in full] == WHOLE_COHORT_SLIDES  # the nine charts of the whole cohort


def test_the_presentation_of_a_large_own_series_draws_one_slide(app, large_series, spied):
    sid, _ = large_series
    drawn, decks = spied
    full = _check(_present(app, series=sid), drawn, decks, SUMMARY_ABOVE)
    keys = [k for k, _ in full]
    assert keys[:4] == ["waterfall", "paired", "time_to_max", "dose"]
    assert keys[-2:] == ["swimmer", "forest"]
