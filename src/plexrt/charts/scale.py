"""How the charts stay readable and fast with many points: the thresholds, one home.

Above ``WEBGL_ABOVE`` points a per-point trace is drawn with WebGL (``go.Scattergl``: the browser
draws tens of thousands of markers without slowing down) and without a hover text per point.
Above ``SUMMARY_ABOVE`` sites or patients the waterfall and the swimmer plot, whose bars and lanes
would be thinner than a pixel, are replaced by a summary (the distribution of the change in pain
score; follow-up by status), with a way to draw one patient's lane, and the paired, weeks and
dose plots draw one mark per value (pair of scores, weeks, regimen and change) sized by its
sites; the counts come from ``plexrt.clinical.large_views``.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

__all__ = [
    "LAZY_TABS_ABOVE",
    "LAZY_TABS_ENV",
    "lazy_tabs",
    "PICK_LIST_MAX",
    "SUMMARY_ABOVE",
    "WEBGL_ABOVE",
    "CENSOR_TICKS_MAX",
    "COUNT_DOT_MAX",
    "censor_ticks",
    "censor_note",
    "scatter_trace",
    "id_list",
    "summary_note",
    "uses_webgl",
    "webgl_note",
]

WEBGL_ABOVE = 2000
SUMMARY_ABOVE = 300
#: The largest dot (px across) of a summary that sizes its dots by their sites (weeks to maximum
#: response, dose), drawn for the dot with the most sites.
COUNT_DOT_MAX = 40
# Above this many sites in the series in view a page computes only the tab that is open (choosing
# another tab reruns the page for it, about a second at 100,000 sites); at or below it every tab is
# drawn at once, so switching tabs needs no rerun. The size at which the views switch to summaries:
# from there on computing every tab costs more than a second per filter change (the board at 1,000
# sites: 1.2 s with every tab, measured by bench/bundled_scale.py).
LAZY_TABS_ABOVE = SUMMARY_ABOVE
# A server that many people use at once may compute only the open tab at every size
# ($PLEXRT_LAZY_TABS=always): a page switch then costs the server and each browser about half as
# much on the pages with many tabs, and opening another tab costs a rerun. "auto" (the default):
# only above LAZY_TABS_ABOVE sites.
LAZY_TABS_ENV = "PLEXRT_LAZY_TABS"
LAZY_TABS_SETTINGS = ("auto", "always")
# A list to pick sites from holds at most this many; a larger series has the sites to leave out
# typed as ids instead (a drop-down of 100,000 sites is sent with every page and helps no one).
PICK_LIST_MAX = 2000
# A footnote names at most this many sites or patients; more are counted.
IDS_NAMED = 20
# A Kaplan-Meier curve draws at most this many censoring ticks: a registry's curve censors
# patients on hundreds of days, whose ticks would merge into a band over the curve and its CI.
CENSOR_TICKS_MAX = 60


def lazy_tabs(n_sites: int, setting: str = "auto") -> bool:
    """Whether a page of a series of ``n_sites`` sites computes only its open tab, under the
    deployment's ``setting`` (one of ``LAZY_TABS_SETTINGS``)."""
    if setting not in LAZY_TABS_SETTINGS:
        raise ValueError(
            f"{LAZY_TABS_ENV} is {setting!r}, not one of {', '.join(LAZY_TABS_SETTINGS)}"
        )
    return setting == "always" or n_sites > LAZY_TABS_ABOVE


def uses_webgl(n_points: int) -> bool:
    """True when a trace of ``n_points`` points is drawn with WebGL."""
    return n_points > WEBGL_ABOVE


def scatter_trace(n_points: int, **kwargs) -> go.Scatter | go.Scattergl:
    """A scatter trace of ``n_points`` points: WebGL above ``WEBGL_ABOVE``, where the per-point
    hover text is dropped (the hover template then shows the values)."""
    if not uses_webgl(n_points):
        return go.Scatter(**kwargs)
    kwargs.pop("hovertext", None)
    if "%{hovertext}" in str(kwargs.get("hovertemplate", "")):
        kwargs["hovertemplate"] = "x %{x}, y %{y}<extra></extra>"
    return go.Scattergl(**kwargs)


def webgl_note(n_points: int) -> str:
    """The footnote sentence of a chart drawn with WebGL ('' when it is not)."""
    if not uses_webgl(n_points):
        return ""
    return f"More than {WEBGL_ABOVE:,} points: drawn with WebGL, without a hover text per point."


def summary_note(n: int, what: str, instead_of: str, pick: str) -> str:
    """The caption of a summary shown instead of a per-item chart (``pick``: how to see one)."""
    return (
        f"{n:,} {what} (more than {SUMMARY_ABOVE:,}): the distribution is shown instead of "
        f"{instead_of}. {pick}"
    )


def id_list(ids) -> str:
    """'1.1, 2.1' for a few ids; '1,234 sites' above ``IDS_NAMED`` (a footnote stays short)."""
    ids = list(ids)
    if len(ids) > IDS_NAMED:
        return f"{len(ids):,} sites"
    return ", ".join(map(str, ids))


def censor_ticks(
    t: np.ndarray, surv: np.ndarray, censored: np.ndarray, most: int = CENSOR_TICKS_MAX
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The "|" ticks of one Kaplan-Meier curve, from its table (times ascending, survival and
    patients censored at each): ``(x, y, patients, first, last)`` per tick. One tick per time
    with censoring; above ``most`` such times, one per bin of ``most`` equal bins over their range,
    drawn at the bin's first censoring time on the curve, counting every patient censored in the
    bin, ``first`` / ``last`` its first and last censoring times."""
    keep = np.asarray(censored) > 0
    x, y, k = np.asarray(t)[keep], np.asarray(surv)[keep], np.asarray(censored)[keep]
    if len(x) <= most:
        return x, y, k, x, x
    edges = np.linspace(x[0], x[-1], most + 1)
    bins = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, most - 1)
    start = np.flatnonzero(np.r_[True, bins[1:] != bins[:-1]])
    end = np.r_[start[1:] - 1, len(x) - 1]
    return x[start], y[start], np.add.reduceat(k, start), x[start], x[end]


def censor_note(grouped: bool) -> str:
    """The footnote sentence of a Kaplan-Meier figure whose censoring ticks are grouped."""
    if not grouped:
        return ""
    return (
        f"Censoring ticks grouped into at most {CENSOR_TICKS_MAX} per curve (hover for the "
        "patients and times)."
    )
