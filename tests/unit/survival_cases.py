"""Shared toy data and trace finders for the time-to-event figure tests.

Toy data used throughout (days): times 30, 60, 60, 90, 120 with events 1, 1, 0, 1, 0.
Kaplan-Meier by hand (events before censorings at ties):
  t = 30: n = 5, d = 1           S = 4/5                 = 0.8
  t = 60: n = 4, d = 1, c = 1    S = 0.8 * 3/4           = 0.6
  t = 90: n = 2, d = 1           S = 0.6 * 1/2           = 0.3
  t = 120: n = 1, c = 1          S stays 0.3 (curve extends to the last follow-up)
Plotly 7 may hand numeric arrays back as typed arrays, so values are compared as float arrays.
"""

from __future__ import annotations

import math

import numpy as np

TOY_T = [30, 60, 60, 90, 120]
TOY_E = [1, 1, 0, 1, 0]
MONTH = 30.4375  # 365.25 / 12
Z95 = 1.959963984540054  # qnorm(0.975)
FOOT = "Toy data; Kaplan-Meier with log-log 95% CI."


def f(values) -> np.ndarray:
    return np.asarray(values, dtype=float)


def traces(fig, role, curve=None):
    return [
        tr
        for tr in fig.data
        if isinstance(tr.meta, dict)
        and tr.meta.get("role") == role
        and (curve is None or tr.meta.get("curve") == curve)
    ]


def one(fig, role, curve=None):
    found = traces(fig, role, curve)
    assert len(found) == 1, f"expected one {role} trace, found {len(found)}"
    return found[0]


def annotation_names(fig):
    return [a.name for a in fig.layout.annotations]


def points(trace):
    """(x, y) pairs of a trace, skipping the gaps (NaN or None) between polygon pieces."""
    return [
        (float(x), float(y))
        for x, y in zip(trace.x, trace.y, strict=True)
        if x is not None and y is not None and not (math.isnan(x) or math.isnan(y))
    ]


def has_point(points, x, y, tol=1e-6):
    return any(abs(px - x) < tol and abs(py - y) < tol for px, py in points)
