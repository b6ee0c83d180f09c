"""A failure's own words are shown as text: an exception message may quote a series name, a label
or a file path that a user chose, and must not be read as Markdown (an image from elsewhere, a
link, LaTeX) where the page reports it."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from plexrt.ui.safe_text import md

HOSTILE = "series '![i](http://evil.example/x.png) $x$ [L](http://evil.example)'"


def _page():
    from plexrt.ui.errors import guarded

    with guarded("the test page"):
        raise ValueError("series '![i](http://evil.example/x.png) $x$ [L](http://evil.example)'")


def test_an_unexpected_failure_quotes_its_message_as_text():
    at = AppTest.from_function(_page).run()
    assert not at.exception
    (error,) = [e.value for e in at.error]
    assert error.startswith("Something went wrong while showing the test page: ValueError: ")
    assert md(HOSTILE) in error and "![i](" not in error
