"""Competing risks figure: Aalen-Johansen cumulative incidence beside 1 - Kaplan-Meier.

Times going in are **days**; ``unit`` only changes what the axes show. Traces carry
``meta = {"role": ...}`` with roles ``cif``, ``cif_band``, ``one_minus_km``.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from plexrt.charts import style
from plexrt.charts.axes import (
    PROPORTION_AXIS,
    check_unit,
    curve_width,
    time_axis_range,
    time_axis_title,
    time_ticks,
    unit_abbrev,
)
from plexrt.charts.checks import check_flag, check_footnote
from plexrt.charts.steps import band_trace, thin_steps
from plexrt.stats.survival import CIFResult
from plexrt.stats.timescale import to_unit

__all__ = ["cif_figure"]


def _check_inputs(cif_result: Any, one_minus_km_table: Any, names: dict[str, Any]) -> None:
    if not isinstance(cif_result, CIFResult):
        raise ValueError("cif_result must be a CIFResult from survival.cumulative_incidence()")
    omk_ok = isinstance(one_minus_km_table, pd.DataFrame) and {"time", "one_minus_km"} <= set(
        one_minus_km_table.columns
    )
    if one_minus_km_table is not None and not omk_ok:
        raise ValueError(
            "one_minus_km_table must be the DataFrame from survival.one_minus_km() "
            "(columns time, one_minus_km)"
        )
    for name, value in names.items():
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{name} must be a non-empty string, got {value!r}")


def _ticks(cif_result: CIFResult, one_minus_km_table: pd.DataFrame | None, unit: str) -> list:
    max_days = float(cif_result.table["time"].max())
    if one_minus_km_table is not None and not one_minus_km_table.empty:
        max_days = max(max_days, float(one_minus_km_table["time"].max()))
    return time_ticks(max_days, unit)


def _one_minus_km_trace(
    table: pd.DataFrame, unit: str, width: float, event_name: str, competing_name: str
) -> go.Scatter:
    """1 - KM for the event with competing events censored: dashed, in vermillion."""
    kx, ky = thin_steps(
        to_unit(table["time"].to_numpy(dtype=float), unit),
        table["one_minus_km"].to_numpy(dtype=float),
    )
    return go.Scatter(
        x=kx,
        y=ky,
        mode="lines",
        line_shape="hv",
        line={"color": style.OKABE_ITO[5], "width": width, "dash": "dash"},
        name=f"1 − Kaplan–Meier for {event_name} ({competing_name} censored)",
        hovertemplate=f"1 − KM %{{x:.1f}} {unit_abbrev(unit)}: %{{y:.2f}}<extra></extra>",
        meta={"role": "one_minus_km"},
    )


def _cif_trace(
    tab: pd.DataFrame, t_u: Any, unit: str, width: float, event_name: str, competing_name: str
) -> go.Scatter:
    cx, cy = thin_steps(t_u, tab["cif"].to_numpy(dtype=float))
    return go.Scatter(
        x=cx,
        y=cy,
        mode="lines",
        line_shape="hv",
        line={"color": style.OKABE_ITO[0], "width": width},
        name=(
            f"Cumulative incidence of {event_name} (Aalen–Johansen, {competing_name} as "
            "competing risk)"
        ),
        legendgroup="cif",
        hovertemplate=f"CIF %{{x:.1f}} {unit_abbrev(unit)}: %{{y:.2f}}<extra></extra>",
        meta={"role": "cif"},
    )


def _style_axes(fig: go.Figure, ticks: list, unit: str, x_title: str | None) -> None:
    fig.update_xaxes(
        range=time_axis_range(ticks), tickvals=ticks, title_text=x_title or time_axis_title(unit)
    )
    fig.update_yaxes(**PROPORTION_AXIS, title_text="Cumulative incidence")
    # Incidence curves rise to the right, so the top left of the plot is usually free.
    fig.update_layout(legend=style.legend_box(right=False, y=0.99, alpha=0.8))


def cif_figure(
    cif_result: CIFResult,
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
    names = {"event_name": event_name, "competing_name": competing_name}
    _check_inputs(cif_result, one_minus_km_table, names)
    unit = check_unit(unit)
    footnote = check_footnote(footnote)
    band = check_flag(band, "band")
    present = check_flag(present, "present")
    reconstructed = check_flag(reconstructed, "reconstructed")

    tab = cif_result.table
    t_u = to_unit(tab["time"].to_numpy(dtype=float), unit)
    fig = go.Figure()
    if band:
        level = f"{100 * (1 - cif_result.alpha):g}% CI"
        ci = band_trace(t_u, tab, style.OKABE_ITO[0], "cif", level, {"role": "cif_band"})
        if ci is not None:
            fig.add_trace(ci)
    width = curve_width(present)
    fig.add_trace(_cif_trace(tab, t_u, unit, width, event_name, competing_name))
    if one_minus_km_table is not None:
        fig.add_trace(
            _one_minus_km_trace(one_minus_km_table, unit, width, event_name, competing_name)
        )
    style.apply(
        fig,
        title=title,
        footnote=footnote,
        present=present,
        height=height if height is not None else (620 if present else 460),
        reconstructed=reconstructed,
    )
    _style_axes(fig, _ticks(cif_result, one_minus_km_table, unit), unit, x_title)
    return fig
