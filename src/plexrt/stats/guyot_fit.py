"""How well reconstructed individual times reproduce the published curve they came from.

Three comparisons, as Guyot et al. check theirs: the Kaplan-Meier curve of the reconstructed
times against every digitised point (the largest vertical gap, allowing the drawn line to sit up to
``GAP_TIME_TOLERANCE`` of the time axis to either side: a point digitised on a vertical drop a pixel
left of the reconstructed drop is on the curve, not 0.1 off it), the median (reconstructed, read
off the digitised points, and as published when given) and the numbers at risk at the published
times (reconstructed = patients whose time is at or after that time), plus the total events.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from plexrt.stats.curve_points import CleanCurve
from plexrt.stats.survival import NOT_REACHED, KMResult, at_risk_at, survival_at

__all__ = [
    "FIT_WARNING_GAP",
    "GAP_TIME_TOLERANCE",
    "CurveFit",
    "curve_fit",
    "digitised_median",
    "fit_lines",
    "fit_warnings",
    "gaps",
]

# The precision of digitising along the time axis: about a pixel or two of a figure a few hundred
# pixels wide.
GAP_TIME_TOLERANCE = 0.01
# A gap larger than this is more than digitising noise and rounding to whole patients: worth a look.
FIT_WARNING_GAP = 0.05


@dataclass(frozen=True)
class CurveFit:
    """Reconstruction vs published figure (times in the curve's unit).

    ``max_gap``: the largest vertical distance from a cleaned digitised point to the reconstructed
    Kaplan-Meier line within ``GAP_TIME_TOLERANCE`` of the time axis (see ``gaps``), at
    ``max_gap_time``, between the point's survival ``max_gap_point`` and the line's nearest value
    ``max_gap_line``; ``mean_gap`` the mean of the same. Medians are None when not reached (or,
    for ``median_published``, not given). ``at_risk``: per published time, ``published``,
    ``reconstructed`` and ``difference`` (reconstructed - published).
    """

    max_gap: float
    max_gap_time: float
    max_gap_point: float
    max_gap_line: float
    mean_gap: float
    n_points: int
    median_reconstructed: float | None
    median_digitised: float | None
    median_published: float | None
    at_risk: pd.DataFrame
    events_reconstructed: int
    events_published: int | None
    n: int


def digitised_median(curve: CleanCurve) -> float | None:
    """The first time the digitised curve is at or below 0.5 (R's rule: where it sits exactly at
    0.5 until a later drop, the midpoint of that stretch); None when it never falls that far."""
    t, s = curve.time, curve.survival
    below = np.flatnonzero(s <= 0.5)
    if not below.size:
        return None
    k = int(below[0])
    if s[k] == 0.5:
        lower = np.flatnonzero(s < 0.5)
        if lower.size:
            return float((t[k] + t[int(lower[0])]) / 2)
    return float(t[k])


def _nearest_line(km: KMResult, curve: CleanCurve) -> np.ndarray:
    """The reconstructed line's value nearest each point within [t - h, t + h], h =
    GAP_TIME_TOLERANCE x the curve's last time (the point itself when the line passes through it
    there, as on a drop)."""
    h = GAP_TIME_TOLERANCE * float(curve.time[-1])
    high = survival_at(km, np.maximum(curve.time - h, 0.0))
    low = survival_at(km, curve.time + h)
    return np.clip(curve.survival, low, high)


def gaps(km: KMResult, curve: CleanCurve) -> np.ndarray:
    """Vertical distance from each digitised point to the reconstructed Kaplan-Meier line drawn
    over [t - h, t + h] (see ``_nearest_line``): 0 when the point lies between the line's lowest
    and highest value there, else the distance to the nearer."""
    return np.abs(curve.survival - _nearest_line(km, curve))


def curve_fit(
    ipd: pd.DataFrame,
    km: KMResult,
    curve: CleanCurve,
    risk_table: pd.DataFrame,
    total_events: int | None,
    published_median: float | None,
) -> CurveFit:
    """Compare the reconstruction with the digitised curve, the medians and the risk table."""
    line = _nearest_line(km, curve)
    gap = np.abs(curve.survival - line)
    worst = int(np.argmax(gap))
    reconstructed = at_risk_at(ipd["time"], risk_table["time"])
    published = risk_table["at_risk"].to_numpy(dtype=np.int64)
    at_risk = pd.DataFrame(
        {
            "time": risk_table["time"].to_numpy(dtype=float),
            "published": published,
            "reconstructed": np.asarray(reconstructed, dtype=np.int64),
        }
    )
    at_risk["difference"] = at_risk["reconstructed"] - at_risk["published"]
    return CurveFit(
        max_gap=float(gap[worst]),
        max_gap_time=float(curve.time[worst]),
        max_gap_point=float(curve.survival[worst]),
        max_gap_line=float(line[worst]),
        mean_gap=float(gap.mean()),
        n_points=int(curve.time.size),
        median_reconstructed=km.median,
        median_digitised=digitised_median(curve),
        median_published=None if published_median is None else float(published_median),
        at_risk=at_risk,
        events_reconstructed=int(ipd["event"].sum()),
        events_published=total_events,
        n=len(ipd),
    )


def _median(v: float | None) -> str:
    # A median of a digitised curve or of its reconstruction is missing only when the curve stays
    # above 0.5: a curve that falls to 0 passes 0.5 on the way, and a digitised curve has
    # follow-up, so 'not estimable' (r_conventions.why_missing) cannot apply here.
    return NOT_REACHED if v is None else f"{v:.2f}"


def fit_lines(fit: CurveFit, unit: str = "time units") -> list[str]:
    """The fit in plain sentences (command line, page captions)."""
    lines = [
        f"Patients reconstructed: {fit.n}, events {fit.events_reconstructed}"
        + (
            f" (reported: {fit.events_published})"
            if fit.events_published is not None
            else " (total events not reported)"
        )
        + ".",
        f"Largest vertical gap between the reconstructed Kaplan–Meier curve and the {fit.n_points} "
        f"digitised points: {fit.max_gap:.3f} at {fit.max_gap_time:.2f} {unit} "
        f"(mean gap {fit.mean_gap:.3f}; the curve may sit up to {100 * GAP_TIME_TOLERANCE:g}% of "
        "the time axis to either side, the precision of digitising).",
        f"Median ({unit}): reconstructed {_median(fit.median_reconstructed)}, read off the "
        f"digitised curve {_median(fit.median_digitised)}"
        + (
            f", published {_median(fit.median_published)}."
            if fit.median_published is not None
            else " (no published median given)."
        ),
    ]
    pairs = ", ".join(
        f"{r.time:g}: {r.published} vs {r.reconstructed}" for r in fit.at_risk.itertuples()
    )
    lines.append(f"Numbers at risk, published vs reconstructed ({unit}: n): {pairs}.")
    return lines


def fit_warnings(fit: CurveFit, unit: str = "time units") -> list[str]:
    """What in the fit deserves a look before the curve is used: a gap above FIT_WARNING_GAP,
    numbers at risk not matched, a total of events other than the one reported."""
    out = []
    if fit.max_gap > FIT_WARNING_GAP:
        out.append(
            f"The reconstructed curve departs from the digitised points by {fit.max_gap:.2f} at "
            f"{fit.max_gap_time:.2f} {unit}: check the points there (a missed step, a drop "
            "digitised off the line) and the risk table."
        )
    off = fit.at_risk[fit.at_risk["difference"] != 0]
    if len(off):
        out.append(
            "Numbers at risk not matched exactly: "
            + ", ".join(
                f"{r.time:g} {unit} (published {r.published}, reconstructed {r.reconstructed})"
                for r in off.itertuples()
            )
            + "."
        )
    if fit.events_published is not None and fit.events_published != fit.events_reconstructed:
        out.append(
            f"Events: {fit.events_reconstructed} reconstructed, {fit.events_published} reported."
        )
    return out
