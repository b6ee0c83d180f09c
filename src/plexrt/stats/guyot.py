"""Individual times from a digitised Kaplan-Meier curve: the iterative algorithm of Guyot et al.

Guyot P, Ades AE, Ouwens MJNM, Welton NJ. Enhanced secondary analysis of survival data:
reconstructing the data from published Kaplan-Meier survival curves. BMC Med Res Methodol
2012;12:9, doi:10.1186/1471-2288-12-9. Implemented here from the paper's description.

The published number-at-risk table cuts the time axis into intervals. Within an interval, the
number of patients censored is first guessed from the drop of the curve and the published numbers
at risk; those censorings are spread evenly over the interval; the events at each digitised point
then follow by inverting the Kaplan-Meier product (d = n at risk x (1 - S(t) / S before)); the
number censored is corrected by the difference between the reconstructed and the published number
at risk at the start of the next interval, and the interval redone, until the two agree. After the
last time of the table, censoring continues at the average rate of the earlier intervals, or, when
the total number of events is reported, at the rate that makes the events add up to it. With no
numbers at risk after time 0, the paper's fallback: no censoring before the end of the curve, or,
with the total events, censoring spread over the whole curve to match them.

Choices of PlexRT where the paper leaves room (each said in ``method_notes``): a point at the
curve's level is added at every time of the risk table, so that each interval starts exactly at
its published time; censored patients keep the evenly spread times (not the midpoints between
digitised points); an event count is kept between 0 and the number at risk.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from plexrt.stats.curve_points import CleanCurve, clean_points
from plexrt.stats.guyot_fit import CurveFit, curve_fit
from plexrt.stats.guyot_inputs import check_risk_table, check_total_events
from plexrt.stats.survival import KMResult, kaplan_meier

__all__ = ["CITATION", "SCENARIOS", "Reconstruction", "reconstruct"]

CITATION = "Guyot et al., BMC Med Res Methodol 2012;12:9"
SCENARIOS = {
    "risk_table_and_events": "numbers at risk and total events",
    "risk_table": "numbers at risk (no total events)",
    "events_only": "patients at the start and total events (no numbers at risk)",
    "start_only": "patients at the start only (no numbers at risk, no total events)",
}
# The correction of the number censored settles in a few rounds; this only stops a pathological
# input from looping (the best round so far is kept and the mismatch reported).
MAX_ROUNDS = 200


@dataclass(frozen=True)
class Reconstruction:
    """Reconstructed individual times and how well they reproduce the published figure.

    ``ipd``: one row per patient, ``time`` (the curve's unit) and ``event`` (1 event, 0 censored),
    in time order. ``curve``: the cleaned points (``curve.notes`` says what cleaning changed).
    ``risk_table``: the rows used (``time``, ``at_risk``). ``intervals``: per interval of the risk
    table, the published and reconstructed number at risk at its start and the events and
    censorings placed in it. ``scenario``: a key of ``SCENARIOS``. ``method_notes``: the method and
    every assumption, in words. ``fit``: reconstructed vs digitised curve, median, numbers at risk
    and events. ``km``: the Kaplan-Meier estimate of ``ipd``.
    """

    ipd: pd.DataFrame
    curve: CleanCurve
    risk_table: pd.DataFrame
    intervals: pd.DataFrame
    total_events: int | None
    scenario: str
    method_notes: tuple[str, ...]
    fit: CurveFit
    km: KMResult

    @property
    def cleaning_notes(self) -> tuple[str, ...]:
        return self.curve.notes

    @property
    def n(self) -> int:
        return len(self.ipd)


@dataclass(frozen=True)
class _Grid:
    """The points the algorithm walks: the cleaned curve plus a point at each risk-table time."""

    t: np.ndarray
    s: np.ndarray
    lower: np.ndarray  # index of each risk-table time in t
    added: int


@dataclass(frozen=True)
class _Pass:
    """One interval walked once: events and censorings per point, what is left at its end."""

    events: np.ndarray
    censored: np.ndarray
    censor_times: np.ndarray
    n_start: int
    n_end: int
    km_end: float


def _grid(curve: CleanCurve, risk_t: np.ndarray) -> _Grid:
    t, s = curve.time, curve.survival
    missing = risk_t[~np.isin(risk_t, t)]
    if missing.size:
        level = s[np.searchsorted(t, missing, side="right") - 1]
        t = np.concatenate((t, missing))
        s = np.concatenate((s, level))
        order = np.argsort(t, kind="stable")
        t, s = t[order], s[order]
    return _Grid(t, s, np.searchsorted(t, risk_t), int(missing.size))


def _spread(t_from: float, t_to: float, n: int, last: bool) -> np.ndarray:
    """``n`` censoring times evenly spread after t_from: t_from + j (t_to - t_from) / (n + 1)
    inside an interval; in the last one t_from + j (t_to - t_from) / n, the last at the curve's
    end (a curve stops at its last follow-up, a censoring when it ends above 0)."""
    return t_from + (t_to - t_from) * np.arange(1, n + 1) / (n if last else n + 1)


def _walk(g: _Grid, lo: int, hi: int, t_to: float, n_start: int, km: float, n_cens: int) -> _Pass:
    """Points lo..hi with ``n_cens`` censorings spread over (t[lo], t_to): events by inverting the
    Kaplan-Meier product at each point, then that point's censorings leave the risk set."""
    times = _spread(float(g.t[lo]), t_to, n_cens, last=hi == g.t.size - 1)
    bins = np.searchsorted(g.t[lo : hi + 1], times, side="right") - 1
    wanted = np.bincount(bins, minlength=hi - lo + 1)
    events = np.zeros(hi - lo + 1, dtype=np.int64)
    placed = np.zeros(hi - lo + 1, dtype=np.int64)
    n = n_start
    for j in range(hi - lo + 1):
        d = 0
        if lo + j > 0 and n > 0 and km > 0:
            d = min(max(int(round(n * (1.0 - g.s[lo + j] / km))), 0), n)
            km *= 1.0 - d / n
        events[j] = d
        placed[j] = min(int(wanted[j]), n - d)  # nobody is censored who is not at risk
        n -= d + int(placed[j])
    rank = np.arange(times.size) - np.searchsorted(bins, bins, side="left")
    kept = times[rank < placed[bins]] if times.size else times
    return _Pass(events, placed, kept, n_start, n, km)


def _adjust(first: int, cap: int, run: Any) -> _Pass:
    """Correct the number censored by the mismatch ``run(n)`` reports until it is 0, a bound is
    hit or a value comes back (then the round with the smallest mismatch is kept)."""
    n_cens, tried = min(max(first, 0), cap), set()
    best: tuple[int, _Pass] | None = None
    for _ in range(MAX_ROUNDS):
        gap, walked = run(n_cens)
        if best is None or abs(gap) < abs(best[0]):
            best = (gap, walked)
        tried.add(n_cens)
        n_cens = min(max(n_cens + gap, 0), cap)
        if gap == 0 or n_cens in tried:
            break
    assert best is not None
    return best[1]


def _interval(g: _Grid, i: int, risk_t: np.ndarray, risk_n: np.ndarray, n: int, km: float) -> _Pass:
    """Interval i (not the last): censorings adjusted until the number at risk at the next
    published time matches."""
    lo, hi = int(g.lower[i]), int(g.lower[i + 1]) - 1
    target = int(risk_n[i + 1])
    s_from, s_to = g.s[lo], g.s[hi + 1]
    guess = int(round(n * s_to / s_from - target)) if s_from > 0 else n - target

    def run(n_cens: int) -> tuple[int, _Pass]:
        walked = _walk(g, lo, hi, float(risk_t[i + 1]), n, km, n_cens)
        return walked.n_end - target, walked

    return _adjust(guess, n, run)


def _censoring_guess(passes: list[_Pass], risk_t: np.ndarray, n: int, length: float) -> int:
    """Patients censored after the last risk-table time if censoring goes on as before: the
    earlier intervals' censorings per patient-time at risk (patients at risk taken as the mean of
    each interval's start and end), applied to the ``n`` still at risk over ``length``."""
    widths = np.diff(risk_t)
    at_risk = np.array([(p.n_start + p.n_end) / 2 for p in passes], dtype=float)
    person_time = float((widths * at_risk).sum())
    censored = sum(int(p.censored.sum()) for p in passes)
    if person_time <= 0 or censored == 0:
        return 0
    return min(int(round(n * (1.0 - np.exp(-censored / person_time * length)))), n)


def _last_interval(
    g: _Grid, passes: list[_Pass], risk_t: np.ndarray, n: int, km: float, total: int | None
) -> tuple[_Pass, list[str]]:
    lo, hi, t_end = int(g.lower[-1]), g.t.size - 1, float(g.t[-1])
    guess = _censoring_guess(passes, risk_t, n, t_end - float(risk_t[-1]))
    if total is None:
        return _walk(g, lo, hi, t_end, n, km, guess), []
    before = sum(int(p.events.sum()) for p in passes)
    if before >= total:
        # Guyot et al. place nothing after this time; PlexRT follows the curve's later drops (the
        # published fact) and says by how much the total then exceeds the one reported.
        walked = _walk(g, lo, hi, t_end, n, km, guess)
        extra = before + int(walked.events.sum()) - total
        return walked, [] if extra == 0 else [
            f"The {before} events placed before the last risk-table time ({risk_t[-1]:g}) already "
            f"reach the {total} reported; the curve's drops after it are kept (Guyot et al. would "
            f"drop them), so the reconstruction has more events than reported (by {extra})."
        ]

    def run(n_cens: int) -> tuple[int, _Pass]:
        walked = _walk(g, lo, hi, t_end, n, km, n_cens)
        return before + int(walked.events.sum()) - total, walked

    walked = _adjust(guess, n, run)
    got = before + int(walked.events.sum())
    notes = [] if got == total else [f"Only {got} of the {total} reported events could be placed."]
    return walked, notes


def _scenario(n_rows: int, total: int | None) -> str:
    if n_rows > 1:
        return "risk_table_and_events" if total is not None else "risk_table"
    return "events_only" if total is not None else "start_only"


def _method_notes(scenario: str, g: _Grid, risk_t: np.ndarray, last: _Pass) -> list[str]:
    notes = [
        f"Individual times reconstructed with the iterative algorithm of {CITATION}, implemented "
        "in PlexRT from the paper's description; inputs: " + SCENARIOS[scenario] + "."
    ]
    if risk_t.size > 1:
        notes.append(
            "Between two times of the number-at-risk table, censoring is spread evenly over the "
            "interval and the number censored adjusted until the reconstructed number at risk at "
            "the next time matches the published one; the events at each digitised point follow "
            "from the Kaplan–Meier formula."
        )
        after = (
            "the number censored was adjusted until the total events matched the number reported"
            if scenario == "risk_table_and_events"
            else "censoring continues at the average rate per unit of time of the earlier intervals"
        )
        notes.append(f"After the last risk-table time ({risk_t[-1]:g}), {after}.")
    elif scenario == "events_only":
        notes.append(
            "No number at risk after time 0: as Guyot et al. describe for this case, censoring is "
            "spread evenly over the whole curve, its number chosen so that the reconstructed "
            "events match the total reported."
        )
    else:
        notes.append(
            "No number at risk after time 0 and no total events: as Guyot et al. describe for "
            "this case, no censoring is assumed before the end of the curve."
        )
    if risk_t.size == 1:
        notes.append(
            "Guyot et al. found hazard ratios reasonably accurate only when numbers at risk or the "
            "total events are reported: read this curve's tail and any hazard ratio with caution."
        )
    if g.added:
        notes.append(
            f"Points added at risk-table times ({g.added}), at the curve's level there, so that "
            "each interval starts at its published time."
        )
    if last.n_end:
        notes.append(
            f"Patients still at risk at the curve's last point ({last.n_end}) are censored there "
            f"({g.t[-1]:g})."
        )
    return notes


def _tables(
    g: _Grid, passes: list[_Pass], risk_t: np.ndarray, risk_n: np.ndarray
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(one row per patient, one row per interval of the risk table)."""
    events = np.concatenate([p.events for p in passes])
    times = np.concatenate(
        [
            np.repeat(g.t, events),
            *(p.censor_times for p in passes),
            np.full(passes[-1].n_end, g.t[-1]),
        ]
    )
    flags = np.concatenate([np.ones(int(events.sum())), np.zeros(times.size - int(events.sum()))])
    order = np.lexsort((-flags, times))
    ipd = pd.DataFrame({"time": times[order], "event": flags[order].astype(np.int64)})
    ends = np.append(risk_t[1:], g.t[-1])
    intervals = pd.DataFrame(
        {
            "start": risk_t,
            "end": ends,
            "at_risk_published": risk_n.astype(np.int64),
            "at_risk_reconstructed": [p.n_start for p in passes],
            "events": [int(p.events.sum()) for p in passes],
            "censored": [int(p.censored.sum()) for p in passes],
        }
    )
    return ipd, intervals


def reconstruct(
    time: Any,
    survival: Any,
    risk_times: Any = None,
    risk_counts: Any = None,
    *,
    n_patients: int | None = None,
    total_events: int | None = None,
    published_median: float | None = None,
) -> Reconstruction:
    """Individual event and censoring times from a digitised Kaplan-Meier curve (Guyot 2012).

    ``time``, ``survival``: the digitised points (survival as a proportion or a percentage;
    cleaned by ``clean_points``). ``risk_times``, ``risk_counts``: the published number-at-risk
    table, starting at time 0; without it give ``n_patients`` (the paper's fallback, said in the
    notes). ``total_events``: the reported total, when there is one. ``published_median``: only
    compared with the reconstruction. Times are in the curve's own unit throughout. Raises
    ValueError naming the problem for invalid input.
    """
    curve = clean_points(time, survival)
    risk_t, risk_n, risk_notes = check_risk_table(risk_times, risk_counts, n_patients, curve)
    total = check_total_events(total_events, int(risk_n[0]))
    g = _grid(curve, risk_t)
    passes: list[_Pass] = []
    n, km = int(risk_n[0]), 1.0
    for i in range(risk_t.size - 1):
        passes.append(_interval(g, i, risk_t, risk_n, n, km))
        n, km = passes[-1].n_end, passes[-1].km_end
    last, last_notes = _last_interval(g, passes, risk_t, n, km, total)
    passes.append(last)
    ipd, intervals = _tables(g, passes, risk_t, risk_n)
    scenario = _scenario(risk_t.size, total)
    notes = risk_notes + _method_notes(scenario, g, risk_t, last) + last_notes
    km_result = kaplan_meier(ipd["time"], ipd["event"])
    risk_table = pd.DataFrame({"time": risk_t, "at_risk": risk_n.astype(np.int64)})
    fit = curve_fit(ipd, km_result, curve, risk_table, total, published_median)
    return Reconstruction(
        ipd=ipd,
        curve=curve,
        risk_table=risk_table,
        intervals=intervals,
        total_events=total,
        scenario=scenario,
        method_notes=tuple(notes),
        fit=fit,
        km=km_result,
    )
