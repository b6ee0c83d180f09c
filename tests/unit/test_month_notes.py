"""One month length (stats.timescale.DAYS_PER_MONTH = 365.25 / 12), named in every footnote that
turns days into months (issue 13, point 6)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from plexrt.board.summary import key_figures, median_figure
from plexrt.charts import style
from plexrt.clinical.series_medians import SeriesMedians
from plexrt.export.slides import slides
from plexrt.stats import timescale

SRC = Path(__file__).resolve().parents[2] / "src" / "plexrt"
# The authors' month readings (30 or 365.25/12 days), a documented reading of the paper's rounding.
EXEMPT = "reconstruct/rounding.py"


def test_the_month_is_the_mean_gregorian_month():
    assert timescale.DAYS_PER_MONTH == 365.25 / 12 == 30.4375
    assert "365.25/12" in timescale.MONTH_NOTE
    assert timescale.unit_note("months") == timescale.MONTH_NOTE
    assert timescale.unit_note("days") == timescale.unit_note("weeks") == ""
    with pytest.raises(ValueError, match="unit"):
        timescale.unit_note("years")
    # as the sentence that ends a footnote
    assert timescale.unit_sentence("months") == "Times in months of 365.25/12 = 30.44 days."
    assert timescale.unit_sentence("weeks") == ""


def test_no_other_month_length_in_the_code():
    """No literal 30.4x / 30.4375 month and no 'days / 30' conversion outside stats.timescale
    (reconstruct.rounding reads the AUTHORS' 30-day months from PAPER_MONTH_READINGS: allowed)."""
    offenders = []
    for path in SRC.rglob("*.py"):
        if path.name == "timescale.py" or path.relative_to(SRC).as_posix() == EXEMPT:
            continue
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if re.search(r"\b30\.4\d*\b", code) and "365.25/12" not in code:
                offenders.append(f"{path.relative_to(SRC)}:{i}: {line.strip()}")
            if re.search(r"(days?|_days)\s*/\s*30(\.0)?\b", code):
                offenders.append(f"{path.relative_to(SRC)}:{i}: {line.strip()}")
    assert offenders == []


def test_every_time_to_event_slide_in_months_names_the_month(inp):
    for s in slides(inp, unit="months"):
        if s.key.startswith(("km_", "cif", "swimmer")):
            assert timescale.MONTH_NOTE in style.footnote_text(s.fig), s.key
    # in days nothing is converted, so nothing is said
    for s in slides(inp, unit="days"):
        if s.key.startswith(("km_", "cif", "swimmer")):
            assert timescale.MONTH_NOTE not in style.footnote_text(s.fig), s.key


def test_key_figures_in_months_name_the_month(inp):
    rows = dict(key_figures(inp))
    for label in ("Median survival after RT", "Median duration of relief"):
        assert timescale.MONTH_NOTE in rows[label], label


@pytest.mark.parametrize(("m", "flags"), [(0, 1), (200, 1)])
def test_a_median_of_reconstructed_times_says_so_once(m, flags):
    """Unpooled, the interval's words already said 'reconstructed times' and the figure added
    ' (reconstructed times)' again; pooled, the flag is the only mention."""
    med = SeriesMedians(
        values={"os": 6.0},
        cis={"os": (3.3, None)},
        reconstructed=True,
        note="",
        ranges={"os": (5.0, 7.0)} if m else {},
        m=m,
    )
    text = median_figure(med, "os")
    assert text.count("reconstructed times") == flags, text
    assert text.startswith("6.0 months (95% CI 3.3 to not reached")
