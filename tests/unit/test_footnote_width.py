"""Footnote lines are as wide on a page as they were at 12 px (measured at 1280x720 in Chromium),
whatever the footnote size: larger type, fewer characters per line."""

from __future__ import annotations

import plotly.graph_objects as go

from plexrt.charts import style


def _lines(fig: go.Figure) -> list[str]:
    (note,) = [a for a in fig.layout.annotations if a.name == "footnote"]
    return note.text.split("<br>")


def test_page_footnote_lines_keep_their_width_at_any_size():
    sizes = {present: style.font_sizes(present)["footnote"] for present in (False, True)}
    # 120 characters at 12 px fitted a page; 95 at 16 px a slide
    assert style.footnote_chars(False) == 120 * 12 // sizes[False]
    assert style.footnote_chars(True) == 95 * 16 // sizes[True]
    words = " ".join(f"word{k:03d}" for k in range(120))
    for present in (False, True):
        fig = style.apply(go.Figure(), footnote=words, present=present)
        lines = _lines(fig)
        assert len(lines) > 1
        assert max(len(line) for line in lines) <= style.footnote_chars(present)
        assert " ".join(lines) == words  # nothing lost in the wrapping
