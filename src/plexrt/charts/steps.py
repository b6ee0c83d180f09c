"""Step curves (Kaplan-Meier, cumulative incidence) and their shaded bands, as plotly paths."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from plexrt.charts import style

__all__ = ["BAND_OPACITY", "band_trace", "step_band", "thin_steps"]

BAND_OPACITY = 0.18


def thin_steps(t: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Keep the points where a step function changes, plus its first and last point.

    With line_shape="hv" the drawn path is unchanged; rows where only censoring happened add
    nothing but clutter to the hover.
    """
    keep = np.ones(t.size, dtype=bool)
    if t.size > 2:
        keep[1:-1] = v[1:-1] != v[:-2]
    return t[keep], v[keep]


def _piece(t: np.ndarray, low: np.ndarray, high: np.ndarray, i: int, j: int) -> tuple[list, list]:
    """Closed polygon of rows i..j: along the upper limits, back along the lower limits."""
    m = t.size
    upper_x: list = []
    upper_y: list = []
    lower_x: list = []
    lower_y: list = []
    for r in range(i, j + 1):
        end = t[r + 1] if r + 1 < m else t[r]
        upper_x += [t[r], end]
        upper_y += [high[r], high[r]]
        lower_x += [t[r], end]
        lower_y += [low[r], low[r]]
    xs = [float(x) for x in upper_x + lower_x[::-1]]
    ys = [float(y) for y in upper_y + lower_y[::-1]]
    return xs, ys


def step_band(t: np.ndarray, low: np.ndarray, high: np.ndarray) -> tuple[list, list]:
    """Closed polygon(s) tracing a step-function band (right-continuous), None between pieces.

    The value at row i holds on [t_i, t_{i+1}). Rows with a missing limit (R reports NA once the
    estimate reaches 0 or 1) break the band into separate pieces.
    """
    ok = np.isfinite(low) & np.isfinite(high)
    xs: list = []
    ys: list = []
    m = t.size
    i = 0
    while i < m:
        if not ok[i]:
            i += 1
            continue
        j = i
        while j + 1 < m and ok[j + 1]:
            j += 1
        px, py = _piece(t, low, high, i, j)
        if xs:
            xs.append(None)
            ys.append(None)
        xs += px
        ys += py
        i = j + 1
    return xs, ys


def band_trace(
    t_u: np.ndarray, tab: pd.DataFrame, colour: str, group: str, name: str, meta: dict
) -> go.Scatter | None:
    """The shaded pointwise confidence band of a step curve (None when there is nothing to fill)."""
    bx, by = step_band(t_u, tab["lower"].to_numpy(float), tab["upper"].to_numpy(float))
    if not bx:
        return None
    return go.Scatter(
        x=bx,
        y=by,
        mode="lines",
        fill="toself",
        fillcolor=style.rgba(colour, BAND_OPACITY),
        line={"width": 0},
        legendgroup=group,
        showlegend=False,
        hoverinfo="skip",
        name=name,
        meta=meta,
    )
