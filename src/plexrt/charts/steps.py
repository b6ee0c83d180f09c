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


def _piece(
    t: np.ndarray, low: np.ndarray, high: np.ndarray, i: int, j: int
) -> tuple[np.ndarray, np.ndarray]:
    """Closed polygon of rows i..j: along the upper limits, back along the lower limits. Row r
    holds from t[r] to t[r + 1] (the last row to its own time)."""
    end = np.append(t[1:], t[-1])[i : j + 1]
    rows = np.column_stack([t[i : j + 1], end]).ravel()  # t_i, end_i, t_i+1, end_i+1, ...
    xs = np.concatenate([rows, rows[::-1]])
    ys = np.concatenate([np.repeat(high[i : j + 1], 2), np.repeat(low[i : j + 1], 2)[::-1]])
    return xs.astype(float), ys.astype(float)


def step_band(t: np.ndarray, low: np.ndarray, high: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Closed polygon(s) tracing a step-function band (right-continuous), NaN between pieces
    (a gap, as plotly draws it; arrays, not lists: plotly checks a list item by item, which took
    most of a registry's Kaplan-Meier figure).

    The value at row i holds on [t_i, t_{i+1}). Rows with a missing limit (R reports NA once the
    estimate reaches 0 or 1) break the band into separate pieces.
    """
    t = np.asarray(t, dtype=float)
    ok = np.isfinite(low) & np.isfinite(high)
    # runs of rows with both limits: starts where ok turns on, ends where it turns off
    edges = np.diff(np.concatenate([[0], ok.astype(np.int8), [0]]))
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    gap = np.array([np.nan])
    for i, j in zip(starts, stops, strict=True):
        px, py = _piece(t, low, high, int(i), int(j))
        if xs:
            xs.append(gap)
            ys.append(gap)
        xs.append(px)
        ys.append(py)
    if not xs:
        return np.array([]), np.array([])
    return np.concatenate(xs), np.concatenate(ys)


def band_trace(
    t_u: np.ndarray, tab: pd.DataFrame, colour: str, group: str, name: str, meta: dict
) -> go.Scatter | None:
    """The shaded pointwise confidence band of a step curve (None when there is nothing to fill)."""
    bx, by = step_band(t_u, tab["lower"].to_numpy(float), tab["upper"].to_numpy(float))
    if not bx.size:
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
