"""Kaplan-Meier legend entries: each curve's name, size and median, on one line or two."""

from __future__ import annotations

import re

from plexrt.charts.axes import fmt_time, unit_abbrev
from plexrt.stats.survival import KMResult, interval_words

__all__ = ["LEGEND_LINE_CHARS", "km_legend_name", "refit_legend_name"]

# A legend entry longer than this would be about as wide as the whole plot at the assumed plot
# width (style.ASSUMED_PLOT_WIDTH_PX): it is given two lines, the series, then its median.
LEGEND_LINE_CHARS = 56


def km_legend_name(label: str, res: KMResult, unit: str, own: bool = False) -> str:
    """'All (n=11): median 5.4 mo (95% CI 1.0 to 8.2)', in the words of the key figures and
    tables (``range_words``: '0.8 to not estimable'); ``own``: only where this curve crosses 0.5
    (a reconstructed curve, whose pooled median is stated elsewhere). Longer than
    LEGEND_LINE_CHARS: a line break after the colon."""
    level = f"{100 * (1 - res.alpha):g}% CI"
    low, high = res.median_ci
    why_med, why_low, why_high = res.missing  # the words of a missing value, from the curve
    med = fmt_time(res.median, unit)
    med_text = why_med if res.median is None else f"{med} {unit_abbrev(unit)}"
    if own:
        median = f"this curve's median {med_text}"
    else:
        lo, hi = fmt_time(low, unit, why_low), fmt_time(high, unit, why_high)
        median = f"median {med_text} ({level} {interval_words(lo, hi, med_text)})"
    return _legend_lines(f"{label} (n={res.n:,}):", median)


def _legend_lines(series: str, median: str) -> str:
    joiner = "<br>" if len(series) + 1 + len(median) > LEGEND_LINE_CHARS else " "
    return f"{series}{joiner}{median}"


_SERIES_MEDIAN = re.compile(r"^(.*\(n=[\d,]+\):)(?: |<br>)(.*)$")


def refit_legend_name(name: str) -> str:
    """A legend entry ('series (n=…): median …') renamed after it was drawn, on one line or two
    by the same rule (LEGEND_LINE_CHARS); any other text as it is."""
    found = _SERIES_MEDIAN.match(name)
    return _legend_lines(*found.groups()) if found else name
