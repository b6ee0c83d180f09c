"""Figures for the "Time to event" page: Kaplan-Meier with a number-at-risk table, cumulative
incidence beside 1 - Kaplan-Meier, a swimmer plot, and the reconstruction-ensemble envelope.

All times going in are **days** from the start of radiotherapy (``KMResult`` / ``CIFResult`` tables
must have been computed on days); ``unit`` only changes what the axes show. Every figure takes
``footnote`` (cohort and method, required), ``present`` (projector variant) and ``reconstructed``
(adds the visible "RECONSTRUCTED TIMES" label), which are passed to ``style.apply``.

Traces carry ``meta = {"role": ..., ...}`` so pages and tests can find them without relying on
trace order. Roles: ``km``, ``km_band``, ``censor``, ``envelope``, ``risk_table`` (km_figure);
``cif``, ``cif_band``, ``one_minus_km`` (cif_figure); ``lane``, ``rt``, ``max_response``,
``relapse``, ``death``, ``alive`` (swimmer_figure, each with ``"reconstructed": bool``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from numbers import Real

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from plexrt.charts import style
from plexrt.stats import survival

__all__ = [
    "UNITS",
    "cif_figure",
    "envelope_from_ensemble",
    "km_figure",
    "nice_ticks",
    "risk_table",
    "swimmer_figure",
    "to_unit",
]

# Days per display unit. A month is the mean Gregorian month (365.25 / 12 days), the convention of
# most survival software when converting days to months.
UNITS = {"days": 1, "weeks": 7, "months": 30.4375}
UNIT_ABBREV = {"days": "d", "weeks": "wk", "months": "mo"}

# Candidate tick steps in each unit (consecutive ratios at most 2, so a step giving 5-8 ticks
# always exists); outside these ranges a 1-2-2.5-5 series is used.
_STEPS = {
    "days": (1, 2, 3, 5, 7, 10, 14, 20, 25, 30, 50, 60, 100, 150, 200, 250, 300, 500, 750, 1000),
    "weeks": (1, 2, 4, 8, 12, 16, 26, 52, 104, 156, 260),
    "months": (0.25, 0.5, 1, 2, 3, 6, 12, 24, 36, 60, 120),
}
_MIN_TICKS, _MAX_TICKS = 5, 8

DEFAULT_ENVELOPE_LABEL = "Reconstruction ensemble 5–95%"
_BAND_OPACITY = 0.18
_ENVELOPE_FILL = "rgba(107,107,107,0.25)"


# ----------------------------------------------------------------------------------------------
# Units and ticks
# ----------------------------------------------------------------------------------------------


def _check_unit(unit) -> str:
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {', '.join(UNITS)}, got {unit!r}")
    return unit


def to_unit(days, unit: str):
    """Convert days to ``unit`` ("days", "weeks", "months" = 30.4375 days); scalar in, float out."""
    unit = _check_unit(unit)
    try:
        arr = np.asarray(days, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"days must be numbers, got {days!r}") from None
    out = arr / UNITS[unit]
    return float(out) if out.ndim == 0 else out


def _step_candidates(unit: str) -> list[float]:
    own = list(_STEPS[unit])
    generic = [m * 10.0**k for k in range(-3, 7) for m in (1, 2, 2.5, 5)]
    lo, hi = own[0], own[-1]
    return sorted([g for g in generic if g < lo] + own + [g for g in generic if g > hi])


def nice_ticks(max_days, unit: str = "months") -> list[float]:
    """Evenly spaced tick positions in ``unit`` from 0 to at least ``max_days``: 5-8 ticks.

    The step is a "round" number for the unit (e.g. every 3 months, 4 weeks or 100 days); among
    steps giving 5-8 ticks the one whose last tick overshoots ``max_days`` least is chosen (ties:
    the larger step, i.e. fewer ticks).
    """
    unit = _check_unit(unit)
    if isinstance(max_days, bool) or not isinstance(max_days, Real) or not math.isfinite(max_days):
        raise ValueError(f"max_days must be a finite number, got {max_days!r}")
    if max_days <= 0:
        raise ValueError(f"max_days must be positive, got {max_days!r}")
    top = float(max_days) / UNITS[unit]
    best: tuple[float, float, int] | None = None
    for step in _step_candidates(unit):
        k = math.ceil(top / step - 1e-9)
        if not _MIN_TICKS <= k + 1 <= _MAX_TICKS:
            continue
        overshoot = k * step - top
        key = (round(overshoot, 9), -step)
        if best is None or key < (round(best[0], 9), -best[1]):
            best = (overshoot, step, k)
    if best is None:  # unreachable with the candidate lists above; kept as a guard
        raise ValueError(f"no tick step found for max_days={max_days!r} in {unit}")
    _, step, k = best
    return [round(i * step, 10) for i in range(k + 1)]


def _fmt_time(days: float | None, unit: str) -> str:
    if days is None or not math.isfinite(days):
        return "not reached"
    v = days / UNITS[unit]
    return f"{v:.0f}" if unit == "days" else f"{v:.1f}"


def _x_title(unit: str) -> str:
    return f"Time from start of radiotherapy ({unit})"


# ----------------------------------------------------------------------------------------------
# Small drawing helpers
# ----------------------------------------------------------------------------------------------


def _rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def _check_footnote(footnote) -> str:
    if not isinstance(footnote, str) or not footnote.strip():
        raise ValueError("footnote must be a non-empty string stating the cohort and the method")
    return footnote


def _check_flag(value, name: str) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise ValueError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def _thin_steps(t: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Keep the points where a step function changes, plus its first and last point.

    With line_shape="hv" the drawn path is unchanged; rows where only censoring happened add
    nothing but clutter to the hover.
    """
    keep = np.ones(t.size, dtype=bool)
    if t.size > 2:
        keep[1:-1] = v[1:-1] != v[:-2]
    return t[keep], v[keep]


def _step_band(t: np.ndarray, low: np.ndarray, high: np.ndarray) -> tuple[list, list]:
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
        ends = [t[r + 1] if r + 1 < m else t[r] for r in range(i, j + 1)]
        upper_x, upper_y, lower_x, lower_y = [], [], [], []
        for r, end in zip(range(i, j + 1), ends, strict=True):
            upper_x += [t[r], end]
            upper_y += [high[r], high[r]]
            lower_x += [t[r], end]
            lower_y += [low[r], low[r]]
        if xs:
            xs.append(None)
            ys.append(None)
        xs += [float(x) for x in upper_x + lower_x[::-1]]
        ys += [float(y) for y in upper_y + lower_y[::-1]]
        i = j + 1
    return xs, ys


def _band_trace(t_u, tab: pd.DataFrame, colour: str, group: str, name: str, meta: dict):
    """The shaded pointwise confidence band of a step curve (None when there is nothing to fill)."""
    bx, by = _step_band(t_u, tab["lower"].to_numpy(float), tab["upper"].to_numpy(float))
    if not bx:
        return None
    return go.Scatter(
        x=bx,
        y=by,
        mode="lines",
        fill="toself",
        fillcolor=_rgba(colour, _BAND_OPACITY),
        line={"width": 0},
        legendgroup=group,
        showlegend=False,
        hoverinfo="skip",
        name=name,
        meta=meta,
    )


def _km_durations(result: survival.KMResult) -> np.ndarray:
    """The individual follow-up times behind a Kaplan-Meier table (one per subject)."""
    tab = result.table
    counts = (tab["events"] + tab["censored"]).to_numpy(dtype=np.int64)
    return np.repeat(tab["time"].to_numpy(dtype=float), counts)


def _check_curves(curves) -> list[tuple[str, survival.KMResult]]:
    if isinstance(curves, str | bytes) or not isinstance(curves, Sequence) or not curves:
        raise ValueError("curves must be a non-empty list of (label, KMResult) pairs")
    out = []
    for item in curves:
        if not isinstance(item, Sequence) or isinstance(item, str | bytes) or len(item) != 2:
            raise ValueError(f"curves must hold (label, KMResult) pairs, got {item!r}")
        label, result = item
        if not isinstance(label, str) or not label.strip():
            raise ValueError(f"curve labels must be non-empty strings, got {label!r}")
        if not isinstance(result, survival.KMResult):
            raise ValueError(f"curve {label!r}: expected a KMResult from survival.kaplan_meier()")
        out.append((label, result))
    labels = [lab for lab, _ in out]
    if len(set(labels)) != len(labels):
        raise ValueError(f"curve labels must be unique, got {labels}")
    if len(out) > len(style.OKABE_ITO):
        raise ValueError(
            f"curves: at most {len(style.OKABE_ITO)} curves can be told apart, got {len(out)}"
        )
    return out


def _check_reference_lines(reference_lines) -> list[tuple[float, str]]:
    if reference_lines is None:
        return []
    if isinstance(reference_lines, str | bytes) or not isinstance(reference_lines, Sequence):
        raise ValueError("reference_lines must be a list of (value_days, label) pairs")
    out = []
    for item in reference_lines:
        ok = isinstance(item, Sequence) and not isinstance(item, str | bytes) and len(item) == 2
        if not ok:
            raise ValueError(f"reference_lines must hold (value_days, label) pairs, got {item!r}")
        value, label = item
        if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
            raise ValueError(f"reference_lines: value_days must be a finite number, got {value!r}")
        if value < 0:
            raise ValueError(f"reference_lines: value_days must not be negative, got {value!r}")
        if not isinstance(label, str) or not label.strip():
            raise ValueError(f"reference_lines: label must be a non-empty string, got {label!r}")
        out.append((float(value), label))
    return out


def _check_envelope(envelope) -> pd.DataFrame:
    if not isinstance(envelope, pd.DataFrame):
        raise ValueError("envelope must be a DataFrame with columns time_days, low, high")
    missing = {"time_days", "low", "high"} - set(envelope.columns)
    if missing:
        raise ValueError(f"envelope is missing column(s) {sorted(missing)}")
    if envelope.empty:
        raise ValueError("envelope has no rows")
    env = envelope.sort_values("time_days")
    try:
        t = env["time_days"].to_numpy(dtype=float)
        lo = env["low"].to_numpy(dtype=float)
        hi = env["high"].to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise ValueError("envelope columns time_days, low, high must be numbers") from None
    if not (np.isfinite(t).all() and np.isfinite(lo).all() and np.isfinite(hi).all()):
        raise ValueError("envelope contains NaN or infinite values")
    if (lo > hi).any():
        raise ValueError("envelope: low must not exceed high")
    return pd.DataFrame({"time_days": t, "low": lo, "high": hi})


def _add_reference_lines(fig, refs, unit, axis_max_unit, fs) -> None:
    """Dashed vertical lines on the main plot, each labelled (labels staggered downwards)."""
    for i, (value_days, label) in enumerate(refs):
        x = value_days / UNITS[unit]
        fig.add_shape(
            type="line",
            x0=x,
            x1=x,
            xref="x",
            y0=0,
            y1=1,
            yref="y domain",
            line={"color": style.GREY, "dash": "dash", "width": 1.5},
            name=f"reference: {label}",
        )
        right = x > 0.6 * axis_max_unit
        fig.add_annotation(
            text=label,
            x=x,
            xref="x",
            y=1 - 0.08 * i,
            yref="y domain",
            xanchor="right" if right else "left",
            yanchor="top",
            xshift=-4 if right else 4,
            showarrow=False,
            font={"size": fs["footnote"] + 1, "color": style.GREY},
            bgcolor="rgba(255,255,255,0.8)",
            name=f"reference: {label}",
        )


# ----------------------------------------------------------------------------------------------
# Risk table
# ----------------------------------------------------------------------------------------------


def risk_table(curves_durations: Mapping, ticks_days) -> pd.DataFrame:
    """Number at risk (follow-up time >= t) per curve at each tick, as under a Kaplan-Meier plot.

    ``curves_durations`` maps a curve label to its subjects' follow-up times in days; returns one
    row per label (index ``curve``) and one integer column per tick (column names = ticks in days).
    """
    if not isinstance(curves_durations, Mapping) or not curves_durations:
        raise ValueError("curves_durations must be a non-empty mapping label -> durations")
    ticks = np.atleast_1d(np.asarray(ticks_days, dtype=float))
    if ticks.ndim != 1 or ticks.size == 0 or not np.isfinite(ticks).all():
        raise ValueError("ticks_days must be a non-empty list of finite numbers")
    rows = {
        label: survival.at_risk_at(durations, ticks)
        for label, durations in curves_durations.items()
    }
    out = pd.DataFrame.from_dict(rows, orient="index", columns=[float(t) for t in ticks])
    out.index.name = "curve"
    return out.astype(np.int64)


# ----------------------------------------------------------------------------------------------
# Kaplan-Meier
# ----------------------------------------------------------------------------------------------


def _km_legend_name(label: str, res: survival.KMResult, unit: str) -> str:
    level = f"{100 * (1 - res.alpha):g}% CI"
    low, high = res.median_ci
    med = _fmt_time(res.median, unit)
    med_text = "not reached" if res.median is None else f"{med} {UNIT_ABBREV[unit]}"
    return (
        f"{label} (n={res.n}): median {med_text} "
        f"({level} {_fmt_time(low, unit)}–{_fmt_time(high, unit)})"
    )


def km_figure(
    curves,
    unit: str = "months",
    band: bool = True,
    envelope: pd.DataFrame | None = None,
    reference_lines=(),
    show_risk_table: bool = True,
    *,
    footnote: str,
    present: bool = False,
    reconstructed: bool = False,
    title: str | None = None,
    y_title: str = "Proportion",
    x_title: str | None = None,
    envelope_label: str | None = None,
    height: int | None = None,
) -> go.Figure:
    """Kaplan-Meier curves with censor ticks, CI bands, optional envelope, number-at-risk table.

    ``curves``: list of ``(label, KMResult)`` computed on days. Each curve is a right-continuous
    step line from (0, 1) to its last follow-up time, with "|" ticks at censoring times (at the
    curve's height) and, if ``band``, its pointwise CI as a shaded band. ``envelope``: DataFrame
    ``time_days, low, high`` (see ``envelope_from_ensemble``) drawn as a grey band behind the
    curves; it implies a reconstructed chart, so the reconstructed label is shown. The legend
    gives each curve's median with its CI in ``unit``. ``reference_lines``: ``(value_days,
    label)`` pairs drawn as labelled dashed vertical lines. The number-at-risk table (numbers from
    ``survival.at_risk_at`` at the x ticks) sits under the plot on the same x axis.
    """
    items = _check_curves(curves)
    unit = _check_unit(unit)
    footnote = _check_footnote(footnote)
    band = _check_flag(band, "band")
    show_risk_table = _check_flag(show_risk_table, "show_risk_table")
    present = _check_flag(present, "present")
    reconstructed = _check_flag(reconstructed, "reconstructed")
    refs = _check_reference_lines(reference_lines)
    env = None if envelope is None else _check_envelope(envelope)
    if env is not None:
        reconstructed = True
        if envelope_label is None:
            attrs = getattr(envelope, "attrs", {})
            if "lo" in attrs and "hi" in attrs:
                envelope_label = (
                    f"Reconstruction ensemble {100 * attrs['lo']:g}–{100 * attrs['hi']:g}%"
                )
            else:
                envelope_label = DEFAULT_ENVELOPE_LABEL

    fs = style.font_sizes(present)
    colours = [style.OKABE_ITO[i] for i in range(len(items))]
    n_rows = len(items)

    max_days = max(float(res.table["time"].max()) for _, res in items)
    if env is not None:
        max_days = max(max_days, float(env["time_days"].max()))
    if refs:
        max_days = max(max_days, max(v for v, _ in refs))
    ticks_unit = nice_ticks(max(max_days, 1.0), unit)
    ticks_days = [t * UNITS[unit] for t in ticks_unit]
    axis_max = ticks_unit[-1]

    if height is None:
        height = (720 if present else 600) + (
            (n_rows * (34 if present else 24)) if show_risk_table else 0
        )
    if show_risk_table:
        n_foot = footnote.count("<br>") + 1
        plot_px = height - (70 if title else 30) - (60 + n_foot * (fs["footnote"] + 6))
        gap_px = fs["tick"] + 2 * fs["base"] + 40
        table_frac = min(0.4, max(0.22, 0.08 * n_rows))
        fig = make_subplots(
            rows=2,
            cols=1,
            shared_xaxes=True,
            row_heights=[1 - table_frac, table_frac],
            vertical_spacing=min(0.3, gap_px / max(plot_px, 1)),
        )
    else:
        fig = make_subplots(rows=1, cols=1)

    # Envelope first so that it sits behind the curves.
    if env is not None:
        ex, ey = _step_band(
            env["time_days"].to_numpy() / UNITS[unit], env["low"].to_numpy(), env["high"].to_numpy()
        )
        fig.add_trace(
            go.Scatter(
                x=ex,
                y=ey,
                mode="lines",
                fill="toself",
                fillcolor=_ENVELOPE_FILL,
                line={"width": 0},
                name=envelope_label,
                hoverinfo="skip",
                meta={"role": "envelope"},
            ),
            row=1,
            col=1,
        )

    line_width = 3.5 if present else 2.2
    abbrev = UNIT_ABBREV[unit]
    for (label, res), colour in zip(items, colours, strict=True):
        tab = res.table
        t_days = tab["time"].to_numpy(dtype=float)
        t_u = t_days / UNITS[unit]
        surv = tab["survival"].to_numpy(dtype=float)
        if band:
            ci = _band_trace(t_u, tab, colour, label, f"{label} {100 * (1 - res.alpha):g}% CI",
                             {"role": "km_band", "curve": label})  # fmt: skip
            if ci is not None:
                fig.add_trace(ci, row=1, col=1)
        sx, sy = _thin_steps(t_u, surv)
        fig.add_trace(
            go.Scatter(
                x=sx,
                y=sy,
                mode="lines",
                line_shape="hv",
                line={"color": colour, "width": line_width},
                name=_km_legend_name(label, res, unit),
                legendgroup=label,
                hovertemplate=f"{label}<br>%{{x:.1f}} {abbrev}: %{{y:.2f}}<extra></extra>",
                meta={"role": "km", "curve": label},
            ),
            row=1,
            col=1,
        )
        cens = tab["censored"].to_numpy() > 0
        if cens.any():
            fig.add_trace(
                go.Scatter(
                    x=t_u[cens],
                    y=surv[cens],
                    mode="markers",
                    marker={
                        "symbol": "line-ns-open",
                        "size": 14 if present else 10,
                        "color": colour,
                        "line": {"width": 3 if present else 2, "color": colour},
                    },
                    customdata=tab["censored"].to_numpy()[cens],
                    hovertemplate=(
                        f"{label}: %{{customdata}} censored at %{{x:.1f}} {abbrev}<extra></extra>"
                    ),
                    legendgroup=label,
                    showlegend=False,
                    name=f"{label} censored",
                    meta={"role": "censor", "curve": label},
                ),
                row=1,
                col=1,
            )

    if show_risk_table:
        for i, ((label, res), colour) in enumerate(zip(items, colours, strict=True)):
            counts = survival.at_risk_at(_km_durations(res), ticks_days)
            fig.add_trace(
                go.Scatter(
                    x=ticks_unit,
                    y=[i] * len(ticks_unit),
                    mode="text",
                    text=[str(c) for c in counts],
                    textfont={"color": colour, "size": fs["tick"]},
                    textposition="middle center",
                    showlegend=False,
                    name=f"{label} at risk",
                    hovertemplate=f"{label}: %{{text}} at risk at %{{x:.1f}} {abbrev}<extra></extra>",
                    meta={"role": "risk_table", "curve": label},
                ),
                row=2,
                col=1,
            )

    style.apply(
        fig,
        title=title,
        footnote=footnote,
        present=present,
        height=height,
        reconstructed=reconstructed,
    )
    x_range = [-0.02 * axis_max, axis_max * 1.03]
    fig.update_xaxes(range=x_range, tickvals=ticks_unit, showgrid=True)
    fig.update_xaxes(title_text=x_title or _x_title(unit), showticklabels=True, row=1, col=1)
    fig.update_yaxes(
        range=[0, 1.05],
        tickvals=[0, 0.25, 0.5, 0.75, 1.0],
        title_text=y_title,
        row=1,
        col=1,
    )
    # Survival curves fall to the right, so the top right of the plot is usually free.
    legend_y = fig.layout.yaxis.domain[1] - 0.01
    fig.update_layout(
        legend={
            "x": 0.99,
            "y": legend_y,
            "xanchor": "right",
            "yanchor": "top",
            "bgcolor": "rgba(255,255,255,0.85)",
        }
    )
    if show_risk_table:
        labels = [lab for lab, _ in items]
        fig.update_xaxes(showticklabels=False, showline=False, row=2, col=1)
        fig.update_yaxes(
            tickvals=list(range(n_rows)),
            ticktext=[
                f'<span style="color:{c}">{lab}</span>'
                for lab, c in zip(labels, colours, strict=True)
            ],
            range=[n_rows - 0.5, -0.5],
            showgrid=False,
            zeroline=False,
            showline=False,
            ticks="",
            fixedrange=True,
            row=2,
            col=1,
        )
        fig.add_annotation(
            text="Number at risk",
            xref="paper",
            x=0,
            xanchor="left",
            yref="y2 domain",
            y=1,
            yanchor="bottom",
            showarrow=False,
            font={"size": fs["base"]},
            name="risk_table_title",
        )
        longest = max(len(lab) for lab in labels)
        fig.update_layout(margin={"l": max(70, int(14 + 0.62 * fs["tick"] * longest))})
    _add_reference_lines(fig, refs, unit, axis_max, fs)
    return fig


# ----------------------------------------------------------------------------------------------
# Competing risks
# ----------------------------------------------------------------------------------------------


def cif_figure(
    cif_result,
    one_minus_km_table: pd.DataFrame | None = None,
    unit: str = "months",
    band: bool = True,
    *,
    footnote: str,
    present: bool = False,
    reconstructed: bool = False,
    event_name: str = "the event",
    competing_name: str = "competing events",
    title: str | None = None,
    x_title: str | None = None,
    height: int | None = None,
) -> go.Figure:
    """Aalen-Johansen cumulative incidence (step line + CI band) beside 1 - Kaplan-Meier (dashed).

    ``cif_result``: ``survival.cumulative_incidence`` on days; ``one_minus_km_table``:
    ``survival.one_minus_km`` on the same data (competing events censored) or None to omit. The
    gap between the two lines is the overstatement of risk that comes from censoring competing
    events.
    """
    if not isinstance(cif_result, survival.CIFResult):
        raise ValueError("cif_result must be a CIFResult from survival.cumulative_incidence()")
    omk_ok = isinstance(one_minus_km_table, pd.DataFrame) and {"time", "one_minus_km"} <= set(
        one_minus_km_table.columns
    )
    if one_minus_km_table is not None and not omk_ok:
        raise ValueError(
            "one_minus_km_table must be the DataFrame from survival.one_minus_km() "
            "(columns time, one_minus_km)"
        )
    unit = _check_unit(unit)
    footnote = _check_footnote(footnote)
    band = _check_flag(band, "band")
    present = _check_flag(present, "present")
    reconstructed = _check_flag(reconstructed, "reconstructed")
    for name, value in (("event_name", event_name), ("competing_name", competing_name)):
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{name} must be a non-empty string, got {value!r}")

    colour = style.OKABE_ITO[0]
    km_colour = style.OKABE_ITO[5]
    abbrev = UNIT_ABBREV[unit]
    tab = cif_result.table
    t_u = tab["time"].to_numpy(dtype=float) / UNITS[unit]
    cif = tab["cif"].to_numpy(dtype=float)
    max_days = float(tab["time"].max())
    if one_minus_km_table is not None and not one_minus_km_table.empty:
        max_days = max(max_days, float(one_minus_km_table["time"].max()))
    ticks_unit = nice_ticks(max(max_days, 1.0), unit)
    axis_max = ticks_unit[-1]

    fig = go.Figure()
    if band:
        ci = _band_trace(t_u, tab, colour, "cif", f"{100 * (1 - cif_result.alpha):g}% CI",
                         {"role": "cif_band"})  # fmt: skip
        if ci is not None:
            fig.add_trace(ci)
    width = 3.5 if present else 2.2
    cx, cy = _thin_steps(t_u, cif)
    fig.add_trace(
        go.Scatter(
            x=cx,
            y=cy,
            mode="lines",
            line_shape="hv",
            line={"color": colour, "width": width},
            name=(
                f"Cumulative incidence of {event_name} (Aalen–Johansen, {competing_name} as "
                "competing risk)"
            ),
            legendgroup="cif",
            hovertemplate=f"CIF %{{x:.1f}} {abbrev}: %{{y:.2f}}<extra></extra>",
            meta={"role": "cif"},
        )
    )
    if one_minus_km_table is not None:
        km_t = one_minus_km_table["time"].to_numpy(dtype=float) / UNITS[unit]
        km_v = one_minus_km_table["one_minus_km"].to_numpy(dtype=float)
        kx, ky = _thin_steps(km_t, km_v)
        fig.add_trace(
            go.Scatter(
                x=kx,
                y=ky,
                mode="lines",
                line_shape="hv",
                line={"color": km_colour, "width": width, "dash": "dash"},
                name=f"1 − Kaplan–Meier for {event_name} ({competing_name} censored)",
                hovertemplate=f"1 − KM %{{x:.1f}} {abbrev}: %{{y:.2f}}<extra></extra>",
                meta={"role": "one_minus_km"},
            )
        )
    style.apply(
        fig,
        title=title,
        footnote=footnote,
        present=present,
        height=height if height is not None else (620 if present else 460),
        reconstructed=reconstructed,
    )
    fig.update_xaxes(
        range=[-0.02 * axis_max, axis_max * 1.03],
        tickvals=ticks_unit,
        title_text=x_title or _x_title(unit),
    )
    fig.update_yaxes(
        range=[0, 1.05], tickvals=[0, 0.25, 0.5, 0.75, 1.0], title_text="Cumulative incidence"
    )
    # Incidence curves rise to the right, so the top left of the plot is usually free.
    fig.update_layout(
        legend={
            "x": 0.01,
            "y": 0.99,
            "xanchor": "left",
            "yanchor": "top",
            "bgcolor": "rgba(255,255,255,0.8)",
        }
    )
    return fig


# ----------------------------------------------------------------------------------------------
# Swimmer plot
# ----------------------------------------------------------------------------------------------

_PATIENT_REQUIRED = ("patient_id", "last_day", "death")
_SITE_REQUIRED = ("patient_id", "course_id", "rt_start_day", "rt_end_day")
_FLAGGED_FIELDS = ("last_day", "max_response_day", "relapse_day")


def _bool_column(df: pd.DataFrame, col: str, frame: str) -> np.ndarray:
    s = df[col]
    if s.isna().any():
        raise ValueError(f"{frame}.{col} has missing values; it must be True or False per row")
    vals = s.tolist()
    if not all(isinstance(v, bool | np.bool_) or v in (0, 1) for v in vals):
        raise ValueError(f"{frame}.{col} must be True or False, got {sorted(set(map(str, vals)))}")
    return np.asarray([bool(v) for v in vals], dtype=bool)


def _float_column(df: pd.DataFrame, col: str, frame: str) -> np.ndarray:
    try:
        return pd.to_numeric(df[col], errors="raise").to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{frame}.{col} must be numbers (days)") from None


def _field_flags(patients: pd.DataFrame) -> dict[str, np.ndarray]:
    n = len(patients)
    row = (
        _bool_column(patients, "reconstructed", "patients")
        if "reconstructed" in patients.columns
        else np.zeros(n, dtype=bool)
    )
    out = {}
    for field in _FLAGGED_FIELDS:
        col = f"{field}_reconstructed"
        out[field] = _bool_column(patients, col, "patients") if col in patients.columns else row
    return out


def swimmer_figure(
    patients: pd.DataFrame,
    sites: pd.DataFrame | None = None,
    unit: str = "months",
    *,
    footnote: str,
    present: bool = False,
    reconstructed: bool = False,
    title: str | None = None,
    x_title: str | None = None,
    height: int | None = None,
) -> go.Figure:
    """One lane per patient from first RT start to death or last contact, longest at the top.

    ``patients`` columns (days from the first RT start): ``patient_id``, ``last_day`` (death or
    last contact), ``death`` (bool); optional ``max_response_day`` (NaN = not known / no marker),
    ``relapse`` (bool), ``relapse_day`` (NaN if none or not known), ``reconstructed`` (bool: this
    patient's times are reconstructed). Per-field flags ``last_day_reconstructed``,
    ``max_response_day_reconstructed``, ``relapse_day_reconstructed`` override ``reconstructed``
    for that field. ``sites``: ``patient_id, course_id, rt_start_day, rt_end_day`` (optional
    ``reconstructed``), drawn as thick bars. Lanes are labelled "Pt <patient_id>". Reconstructed
    parts are dotted (lanes, RT bars) or hollow (markers) and listed as separate legend entries;
    a relapse without a known day is not drawn and is named in a line added to the footnote.
    """
    unit = _check_unit(unit)
    footnote = _check_footnote(footnote)
    present = _check_flag(present, "present")
    reconstructed = _check_flag(reconstructed, "reconstructed")
    if not isinstance(patients, pd.DataFrame) or patients.empty:
        raise ValueError("patients must be a non-empty DataFrame")
    missing = [c for c in _PATIENT_REQUIRED if c not in patients.columns]
    if missing:
        raise ValueError(f"patients is missing column(s) {missing}")
    pts = patients.reset_index(drop=True)
    if pts["patient_id"].isna().any():
        raise ValueError("patients.patient_id has missing values")
    lane = [f"Pt {pid}" for pid in pts["patient_id"]]
    if len(set(lane)) != len(lane):
        raise ValueError("patients.patient_id must be unique")
    n = len(pts)
    last = _float_column(pts, "last_day", "patients")
    if not np.isfinite(last).all():
        raise ValueError("patients.last_day must be known for every patient (no NaN)")
    if (last < 0).any():
        raise ValueError("patients.last_day must not be negative")
    death = _bool_column(pts, "death", "patients")
    resp = (
        _float_column(pts, "max_response_day", "patients")
        if "max_response_day" in pts.columns
        else np.full(n, np.nan)
    )
    relapse = (
        _bool_column(pts, "relapse", "patients")
        if "relapse" in pts.columns
        else np.zeros(n, dtype=bool)
    )
    rel_day = (
        _float_column(pts, "relapse_day", "patients")
        if "relapse_day" in pts.columns
        else np.full(n, np.nan)
    )
    flags = _field_flags(pts)
    for name, arr in (("max_response_day", resp), ("relapse_day", rel_day)):
        known = np.isfinite(arr)
        if (arr[known] < 0).any():
            raise ValueError(f"patients.{name} must not be negative")
        late = known & (arr > last)
        if late.any():
            bad = [lane[i] for i in np.flatnonzero(late)]
            raise ValueError(f"patients.{name} is after last_day (death / last contact) for {bad}")
    stray = np.isfinite(rel_day) & ~relapse
    if stray.any():
        bad = [lane[i] for i in np.flatnonzero(stray)]
        raise ValueError(f"patients.relapse_day is given but relapse is False for {bad}")

    site_rows: list[tuple[str, float, float, bool, object]] = []
    if sites is not None:
        if not isinstance(sites, pd.DataFrame):
            raise ValueError("sites must be a DataFrame or None")
        missing = [c for c in _SITE_REQUIRED if c not in sites.columns]
        if missing:
            raise ValueError(f"sites is missing column(s) {missing}")
        s = sites.reset_index(drop=True)
        start = _float_column(s, "rt_start_day", "sites")
        end = _float_column(s, "rt_end_day", "sites")
        if not (np.isfinite(start).all() and np.isfinite(end).all()):
            raise ValueError("sites.rt_start_day and sites.rt_end_day must be known (no NaN)")
        if (start < 0).any() or (end < start).any():
            raise ValueError("sites: need 0 <= rt_start_day <= rt_end_day for every course")
        s_flag = (
            _bool_column(s, "reconstructed", "sites")
            if "reconstructed" in s.columns
            else np.zeros(len(s), dtype=bool)
        )
        index = {lab: i for i, lab in enumerate(lane)}
        for k, pid in enumerate(s["patient_id"]):
            lab = f"Pt {pid}"
            if lab not in index:
                raise ValueError(f"sites.patient_id {pid!r} is not in patients")
            if end[k] > last[index[lab]]:
                raise ValueError(f"sites: RT course of {lab} ends after last_day")
            site_rows.append((lab, start[k], end[k], bool(s_flag[k]), s["course_id"].iloc[k]))

    fs = style.font_sizes(present)
    abbrev = UNIT_ABBREV[unit]
    u = UNITS[unit]
    # Longest follow-up at the top: plotly puts the first category at the bottom.
    order_top_down = sorted(range(n), key=lambda i: -last[i])
    category_array = [lane[i] for i in reversed(order_top_down)]
    fig = go.Figure()

    def when(days: float) -> str:
        return f"{days / u:.1f} {abbrev} (day {days:g})" if unit != "days" else f"day {days:g}"

    def add_segments(idx, x0, x1, name, role, recon, line):
        xs, ys = [], []
        for i, a, b in zip(idx, x0, x1, strict=True):
            xs += [a / u, b / u, None]
            ys += [i, i, None]
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                line=line,
                name=name,
                hoverinfo="skip",
                meta={"role": role, "reconstructed": recon},
            )
        )

    lane_w = 2.5 if present else 1.5
    for recon in (False, True):
        sel = [i for i in range(n) if flags["last_day"][i] == recon]
        if sel:
            add_segments(
                [lane[i] for i in sel],
                [0.0] * len(sel),
                [last[i] for i in sel],
                "Follow-up (reconstructed)" if recon else "Follow-up",
                "lane",
                recon,
                {"color": style.GREY, "width": lane_w, "dash": "dot" if recon else "solid"},
            )
    bar_w = 14 if present else 9
    for recon in (False, True):
        sel = [r for r in site_rows if r[3] == recon]
        if sel:
            add_segments(
                [r[0] for r in sel],
                [r[1] for r in sel],
                [r[2] for r in sel],
                "RT course (reconstructed dates)" if recon else "RT course",
                "rt",
                recon,
                {"color": style.OKABE_ITO[0], "width": bar_w, "dash": "dot" if recon else "solid"},
            )

    size = 16 if present else 11

    def add_markers(role, name, idx, x_days, symbol, colour, recon, what):
        if not idx:
            return
        fig.add_trace(
            go.Scatter(
                x=[x_days[i] / u for i in idx],
                y=[lane[i] for i in idx],
                mode="markers",
                marker={
                    "symbol": f"{symbol}-open" if recon else symbol,
                    "size": size,
                    "color": colour,
                    "line": {"width": 2, "color": colour},
                },
                name=f"{name} (reconstructed time)" if recon else name,
                text=[
                    f"{lane[i]}: {what} at {when(x_days[i])}"
                    + (" — reconstructed" if recon else "")
                    for i in idx
                ],
                hovertemplate="%{text}<extra></extra>",
                meta={"role": role, "reconstructed": recon},
            )
        )

    for recon in (False, True):
        has_resp = [
            i for i in range(n) if np.isfinite(resp[i]) and flags["max_response_day"][i] == recon
        ]
        add_markers(
            "max_response",
            "Maximum response",
            has_resp,
            resp,
            "star",
            style.OKABE_ITO[2],
            recon,
            "maximum response",
        )
        has_rel = [
            i
            for i in range(n)
            if relapse[i] and np.isfinite(rel_day[i]) and flags["relapse_day"][i] == recon
        ]
        add_markers(
            "relapse", "Relapse", has_rel, rel_day, "square", style.OKABE_ITO[5], recon, "relapse"
        )
        dead = [i for i in range(n) if death[i] and flags["last_day"][i] == recon]
        add_markers("death", "Death", dead, last, "x", "#000000", recon, "death")
        alive = [i for i in range(n) if not death[i] and flags["last_day"][i] == recon]
        add_markers(
            "alive",
            "Alive at last contact",
            alive,
            last,
            "triangle-right",
            style.GREY,
            recon,
            "alive at last contact",
        )

    ticks_unit = nice_ticks(max(float(last.max()), 1.0), unit)
    axis_max = ticks_unit[-1]
    # A relapse whose day is unknown cannot be placed; say so under the plot rather than guess.
    undrawn = [lane[i] for i in range(n) if relapse[i] and not np.isfinite(rel_day[i])]
    if undrawn:
        footnote = f"{footnote}<br>Relapse with no known day (not drawn): {', '.join(undrawn)}."
    if height is None:
        lanes_px = (48 if present else 32) * n
        legend_px = (fs["base"] + 12) * sum(1 for tr in fig.data if tr.showlegend is not False)
        height = 160 + max(lanes_px, legend_px)
    style.apply(
        fig,
        title=title,
        footnote=footnote,
        present=present,
        height=height,
        reconstructed=reconstructed,
    )
    fig.update_xaxes(
        range=[-0.01 * axis_max, axis_max * 1.04],
        tickvals=ticks_unit,
        title_text=x_title or f"Time from first RT start ({unit})",
        zeroline=False,
    )
    fig.update_yaxes(
        type="category",
        categoryorder="array",
        categoryarray=category_array,
        showgrid=False,
        title_text=None,
    )
    return fig


# ----------------------------------------------------------------------------------------------
# Reconstruction ensemble
# ----------------------------------------------------------------------------------------------


def envelope_from_ensemble(ensemble, grid_days, lo: float = 0.05, hi: float = 0.95) -> pd.DataFrame:
    """Pointwise quantiles of Kaplan-Meier survival over an ensemble of reconstructed data sets.

    ``ensemble``: list of ``(durations, events)`` pairs (days; 1 = event, 0 = censored), one per
    reconstruction. At each ``grid_days`` point the survival of every member is computed
    (``survival.km_curve_on_grid``) and the ``lo`` / 0.5 / ``hi`` quantiles taken (numpy's default
    linear interpolation, R quantile type 7). Returns ``time_days, low, high, median`` with
    ``attrs`` ``lo``, ``hi``, ``n_members``. The band shows how much the curve depends on the
    unpublished times; it is not a confidence interval.
    """
    if isinstance(ensemble, str | bytes) or not isinstance(ensemble, Sequence) or not ensemble:
        raise ValueError("ensemble must be a non-empty list of (durations, events) pairs")
    for name, q in (("lo", lo), ("hi", hi)):
        if isinstance(q, bool) or not isinstance(q, Real) or not 0 <= q <= 1:
            raise ValueError(f"{name} must be a number between 0 and 1, got {q!r}")
    if not lo < hi:
        raise ValueError(f"lo must be smaller than hi, got lo={lo!r}, hi={hi!r}")
    try:
        grid = np.atleast_1d(np.asarray(grid_days, dtype=float))
    except (TypeError, ValueError):
        raise ValueError("grid_days must be numbers") from None
    if grid.ndim != 1 or grid.size == 0 or not np.isfinite(grid).all():
        raise ValueError("grid_days must be a non-empty list of finite numbers")
    if (grid < 0).any() or (np.diff(grid) <= 0).any():
        raise ValueError("grid_days must be non-negative and strictly increasing")
    curves = []
    for k, member in enumerate(ensemble):
        if isinstance(member, str | bytes) or not isinstance(member, Sequence) or len(member) != 2:
            raise ValueError(f"ensemble member {k} must be a (durations, events) pair")
        durations, events = member
        try:
            curves.append(survival.km_curve_on_grid(durations, events, grid))
        except ValueError as exc:
            raise ValueError(f"ensemble member {k}: {exc}") from None
    mat = np.vstack(curves)
    low, med, high = np.quantile(mat, [lo, 0.5, hi], axis=0)
    out = pd.DataFrame({"time_days": grid, "low": low, "high": high, "median": med})
    out.attrs.update({"lo": float(lo), "hi": float(hi), "n_members": len(curves)})
    return out
