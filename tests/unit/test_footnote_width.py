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


def test_method_sentence_is_wrapped_as_wide_as_the_footnote():
    # The Pain figures' method sentence was wrapped at the 560 px plot width (58 characters on a
    # slide, 66 on a page), a narrow column under a full-width plot; it now fills the footnote's
    # line. 40 words of 4 letters: 19 to a 95-character slide line, 20 to a 102-character page
    # line.
    from plexrt.charts.layout import with_method

    sentence = " ".join(["word"] * 40)
    assert style.footnote_chars(True) == 95 and style.footnote_chars(False) == 102
    slide = with_method("Cohort: n = 2,000 sites", sentence, True).split("<br>")
    assert slide == [
        "Cohort: n = 2,000 sites",
        " ".join(["word"] * 19),
        " ".join(["word"] * 19),
        "word word",
    ]
    page = with_method("", sentence, False).split("<br>")
    assert page == [" ".join(["word"] * 20), " ".join(["word"] * 20)]
    hyphen = with_method("", "x " * 45 + "Clopper-Pearson interval", True).split("<br>")
    assert "Clopper-Pearson interval" in hyphen[-1]
