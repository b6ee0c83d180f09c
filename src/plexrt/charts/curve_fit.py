"""A reconstructed published curve drawn over the points it was reconstructed from.

The digitised points (as cleaned), the Kaplan-Meier line of the reconstructed patients, the
largest vertical gap between them (a red segment), the medians (reconstructed, read off the points,
published when given) and, under the plot, the published and reconstructed numbers at risk at the
times of the published table. Everything comes from ``plexrt.stats.guyot`` (``Reconstruction``);
times are in the curve's own unit (the unit of the published axis). Traces carry ``meta =
{"role": ...}``: ``points``, ``km``, ``gap``, ``median``, ``risk_table``.
"""

from __future__ import annotations

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from plexrt.charts import scale, style
from plexrt.charts.checks import check_flag, check_footnote, check_title
from plexrt.charts.layout import risk_table_title
from plexrt.charts.steps import thin_steps
from plexrt.stats.guyot import Reconstruction

__all__ = ["CURVE_LABEL", "curve_fit_figure"]

CURVE_LABEL = "RECONSTRUCTED FROM PUBLISHED CURVE — individual times by Guyot et al. 2012"
_RISK_ROWS = ("published", "reconstructed")


def _add_points(fig: go.Figure, rec: Reconstruction, unit: str, size: int) -> None:
    c = rec.curve
    fig.add_trace(
        scale.scatter_trace(
            c.time.size,
            x=c.time,
            y=c.survival,
            mode="markers",
            marker={"color": style.GREY, "size": size, "symbol": "circle-open"},
            name=f"Digitised points ({c.time.size} after cleaning)",
            hovertemplate=f"point: %{{x:.2f}} {unit}, %{{y:.3f}}<extra></extra>",
            meta={"role": "points"},
        ),
        row=1,
        col=1,
    )


def _add_km(fig: go.Figure, rec: Reconstruction, unit: str, width: float) -> None:
    tab = rec.km.table
    x, y = thin_steps(tab["time"].to_numpy(dtype=float), tab["survival"].to_numpy(dtype=float))
    fig.add_trace(
        go.Scatter(
            x=x,
            y=y,
            mode="lines",
            line_shape="hv",
            line={"color": style.OKABE_ITO[0], "width": width},
            name=(
                f"Reconstructed Kaplan–Meier ({rec.fit.n} patients, "
                f"{rec.fit.events_reconstructed} events)"
            ),
            hovertemplate=f"reconstructed: %{{x:.2f}} {unit}, %{{y:.3f}}<extra></extra>",
            meta={"role": "km"},
        ),
        row=1,
        col=1,
    )


def _add_gap(fig: go.Figure, rec: Reconstruction, unit: str, width: float) -> None:
    f = rec.fit
    fig.add_trace(
        go.Scatter(
            x=[f.max_gap_time, f.max_gap_time],
            y=[f.max_gap_point, f.max_gap_line],
            mode="lines+markers",
            line={"color": style.OKABE_ITO[5], "width": width},
            marker={"size": 6, "color": style.OKABE_ITO[5]},
            name=f"Largest gap: {f.max_gap:.3f} at {f.max_gap_time:.2f} {unit}",
            hoverinfo="skip",
            meta={"role": "gap"},
        ),
        row=1,
        col=1,
    )


def _add_medians(fig: go.Figure, rec: Reconstruction, unit: str, size: int) -> None:
    f = rec.fit
    marks = (
        ("reconstructed", f.median_reconstructed, style.OKABE_ITO[0], "diamond"),
        ("read off the points", f.median_digitised, style.GREY, "circle"),
        ("published", f.median_published, style.BLACK, "x"),
    )
    for what, value, colour, symbol in marks:
        if value is None:
            continue
        fig.add_trace(
            go.Scatter(
                x=[value],
                y=[0.5],
                mode="markers",
                marker={"color": colour, "size": size + 6, "symbol": symbol},
                name=f"Median {what}: {value:.2f} {unit}",
                hoverinfo="skip",
                meta={"role": "median", "which": what},
            ),
            row=1,
            col=1,
        )
    fig.add_hline(y=0.5, line={"color": style.LIGHT_GREY, "dash": "dot", "width": 1}, row=1, col=1)


def _add_risk_rows(fig: go.Figure, rec: Reconstruction, fs: dict) -> None:
    at = rec.fit.at_risk
    for i, which in enumerate(_RISK_ROWS):
        colour = style.BLACK if which == "published" else style.OKABE_ITO[0]
        fig.add_trace(
            go.Scatter(
                x=at["time"],
                y=[i] * len(at),
                mode="text",
                text=[str(v) for v in at[which]],
                textfont={"color": colour, "size": fs["tick"]},
                showlegend=False,
                name=f"at risk, {which}",
                hoverinfo="skip",
                meta={"role": "risk_table", "which": which},
            ),
            row=2,
            col=1,
        )
    fig.update_yaxes(
        tickvals=[0, 1],
        ticktext=["Published", "Reconstructed"],
        range=[1.5, -0.5],
        showgrid=False,
        zeroline=False,
        fixedrange=True,
        row=2,
        col=1,
    )
    fig.update_xaxes(showticklabels=False, showline=False, row=2, col=1)
    risk_table_title(fig, fs["base"])


def _add_label(fig: go.Figure, fs: dict) -> None:
    fig.add_annotation(
        text=f"<b>{CURVE_LABEL}</b>",
        xref="paper",
        yref="paper",
        x=0,
        y=1,
        xanchor="left",
        yanchor="bottom",
        showarrow=False,
        font={"size": fs["footnote"] + 1, "color": style.OKABE_ITO[5]},
        bgcolor=style.backdrop(0.85),
        name="curve_label",
    )


def curve_fit_figure(
    rec: Reconstruction,
    unit: str,
    *,
    footnote: str,
    title: str | None = None,
    present: bool = False,
    height: int | None = None,
) -> go.Figure:
    """The reconstruction over its digitised points, with the largest gap, the medians and the
    numbers at risk (published and reconstructed) under the plot. ``unit`` names the curve's time
    unit (axis title and hover); ``footnote`` states the source and the method."""
    if not isinstance(rec, Reconstruction):
        raise ValueError("rec must be a Reconstruction from plexrt.stats.guyot.reconstruct()")
    if not isinstance(unit, str) or not unit.strip():
        raise ValueError("unit must name the curve's time unit, e.g. 'months'")
    footnote = check_footnote(footnote)
    title = check_title(title)
    present = check_flag(present, "present")
    # a digitised file of many thousand points (a curve traced pixel by pixel) is drawn with WebGL
    footnote = " ".join(filter(None, (footnote, scale.webgl_note(rec.curve.time.size))))
    fs = style.font_sizes(present)
    fig = make_subplots(
        rows=2, cols=1, shared_xaxes=True, row_heights=[0.78, 0.22], vertical_spacing=0.17
    )
    size, width = (9, 3.5) if present else (6, 2.4)
    _add_points(fig, rec, unit, size)
    _add_km(fig, rec, unit, width)
    _add_gap(fig, rec, unit, width)
    _add_medians(fig, rec, unit, size)
    _add_risk_rows(fig, rec, fs)
    style.apply(
        fig,
        title=title,
        footnote=footnote,
        present=present,
        height=height or (720 if present else 600),
    )
    fig.update_xaxes(title_text=f"Time ({unit})", showticklabels=True, row=1, col=1)
    fig.update_yaxes(range=[0, 1.05], title_text="Proportion", row=1, col=1)
    fig.update_layout(
        legend={
            "x": 0.99,
            "y": 0.99,
            "xanchor": "right",
            "yanchor": "top",
            "bgcolor": style.backdrop(0.85),
        }
    )
    _add_label(fig, fs)
    return fig
