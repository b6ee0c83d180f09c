"""The figures' template: plotly_white restricted to the trace types PlexRT draws."""

import re
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio
from plotly.basedatatypes import BaseTraceType

from plexrt.charts import style

SRC = Path(__file__).resolve().parents[2] / "src" / "plexrt"
TRACE_TYPES = {  # plotly's trace classes (go.Scatter, go.Bar, ...), lower case as in a template
    name.lower()
    for name in dir(go)
    if isinstance(getattr(go, name), type) and issubclass(getattr(go, name), BaseTraceType)
}
# go.Scatter(...), go.Scattergl (chosen by reference), fig.add_bar(...) (not pptx add_table)
_USE = re.compile(r"\bgo\.([A-Z][A-Za-z]*)\b|\bfig\w*\.add_([a-z]+)\(")


def test_template_is_plotly_white_for_what_is_drawn():
    white = pio.templates["plotly_white"]
    assert style.TEMPLATE.layout == white.layout
    for kind in style.DRAWN_TRACE_TYPES:
        assert style.TEMPLATE.data[kind] == white.data[kind]
    assert not style.TEMPLATE.data.heatmap  # the other trace types' defaults are left out


def test_every_trace_type_in_the_code_is_one_the_template_covers():
    """A new trace type (go.Bar, go.Heatmap...) must be added to DRAWN_TRACE_TYPES, or it would
    be drawn without plotly_white's defaults for it."""
    names = set()
    for path in SRC.rglob("*.py"):
        for cls, method in _USE.findall(path.read_text(encoding="utf-8")):
            names.add((cls or method).lower())
    traces = names & TRACE_TYPES
    assert traces, "no trace constructor found: the scan is broken"
    assert traces <= set(style.DRAWN_TRACE_TYPES), traces - set(style.DRAWN_TRACE_TYPES)


def test_a_styled_figure_carries_the_template():
    fig = style.apply(go.Figure(go.Scatter(x=[1, 2], y=[3, 4])), title="t")
    assert (
        fig.layout.template.layout.plot_bgcolor == pio.templates["plotly_white"].layout.plot_bgcolor
    )
