"""Published curves (their reconstructed patients) beside the bundled series on one Kaplan-Meier
plot, with a log-rank test and Cox hazard ratios against the bundled series when the outcome is
the same. Times in days, as every curve of PlexRT.

What such a comparison can say is limited, and the page says so: the series differ in population,
time zero and era; the published curve's patients are reconstructed from its figure (Guyot 2012);
and the bundled series' own times are reconstructed from published aggregates.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from plexrt.clinical.literature_comparison import short_label, unique_labels
from plexrt.data.curve_schema import CURVE_FLAG
from plexrt.data.vocab import CURVE_OUTCOMES
from plexrt.stats.survival import (
    CoxResult,
    KMResult,
    LogRankResult,
    cox_hazard_ratio,
    kaplan_meier,
    logrank,
)

__all__ = [
    "BUNDLED_WARNING",
    "COMPARISON_NOTE",
    "CurveComparison",
    "compare_curves",
    "curve_label",
    "flagged",
    "published_curves",
]

BUNDLED_WARNING = (
    "The bundled series' per-patient times are themselves reconstructed from the aggregates "
    "Sanuki 2022 publishes (no per-patient times exist): both sides of this comparison rest on "
    "reconstructed times, and the bundled curve can move (see the envelope on the Time to event "
    "page)."
)
COMPARISON_NOTE = (
    "Series differ in who was treated, from when time is counted and when: a log-rank p-value or "
    "hazard ratio here describes two curves, not an effect of treatment. Published curves are "
    "drawn from their patients reconstructed from the figure (Guyot et al., BMC Med Res Methodol "
    "2012;12:9)."
)


@dataclass(frozen=True)
class CurveComparison:
    """``curves``: (label, KMResult on days), the bundled series first when given; ``published``:
    the labels of the published (reconstructed) curves among them. ``logrank`` across all curves
    and ``cox`` (each published curve against the bundled one, the reference) only when the
    bundled series is part of the comparison."""

    curves: list[tuple[str, KMResult]]
    published: tuple[str, ...]
    logrank: LogRankResult | None
    cox: CoxResult | None
    reference: str | None


def curve_label(row: Any) -> str:
    """'Smith 2023 (added), RT arm': the series and its arm. The user's words are HTML-escaped: the
    label goes into figure legends, which read tags. Wherever it is shown, the label is followed
    by ``flagged(label)`` or sits beside the flag."""
    arm = row.get("arm")
    head = short_label(row) + (f", {arm.strip()}" if isinstance(arm, str) and arm.strip() else "")
    return html.escape(head, quote=False)


def flagged(label: str) -> str:
    """'Smith 2023 (added): reconstructed from published curve'."""
    return f"{label}: {CURVE_FLAG}"


def published_curves(
    meta: pd.DataFrame, ipd: pd.DataFrame, outcome: str
) -> list[tuple[str, pd.DataFrame]]:
    """(label, duration_days/event frame) of every stored curve series of ``outcome``
    (``UserStore.curve_series`` / ``curve_ipd`` frames), oldest first, labels unique."""
    if outcome not in CURVE_OUTCOMES:
        raise ValueError(f"outcome must be one of {', '.join(CURVE_OUTCOMES)}, got {outcome!r}")
    rows = meta[meta["outcome"] == outcome]
    labels = unique_labels([curve_label(r) for r in rows.to_dict("records")])
    out = []
    for label, key in zip(labels, rows["series_key"], strict=True):
        part = ipd[ipd["series_key"] == key]
        out.append(
            (
                label,
                pd.DataFrame(
                    {
                        "duration_days": part["time_days"].to_numpy(dtype=float),
                        "event": part["event"].to_numpy(dtype=int),
                    }
                ),
            )
        )
    return out


def compare_curves(
    bundled: pd.DataFrame | None,
    bundled_label: str,
    published: list[tuple[str, pd.DataFrame]],
) -> CurveComparison:
    """Kaplan-Meier curves of the bundled series (``duration_days``, ``event``; None when the
    outcome has no bundled counterpart) and the published ones; with the bundled series, the
    log-rank test across all curves and Cox hazard ratios of each published curve against it."""
    parts = ([(bundled_label, bundled)] if bundled is not None and len(bundled) else []) + [
        (label, frame) for label, frame in published if len(frame)
    ]
    curves = [(label, kaplan_meier(f["duration_days"], f["event"])) for label, f in parts]
    drawn = tuple(label for label, f in published if len(f))
    if bundled is None or not len(bundled) or len(parts) < 2:
        return CurveComparison(curves, drawn, None, None, None)
    t = np.concatenate([f["duration_days"].to_numpy(dtype=float) for _, f in parts])
    e = np.concatenate([f["event"].to_numpy(dtype=int) for _, f in parts])
    g = np.concatenate([[label] * len(f) for label, f in parts])
    test = logrank(t, e, g)
    cox = cox_hazard_ratio(t, e, g, reference=bundled_label) if e.sum() else None
    return CurveComparison(curves, drawn, test, cox, bundled_label)
