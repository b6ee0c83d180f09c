"""A department's own series beside the published one (compare mode): Kaplan-Meier curves of both
on one plot with the log-rank test between them, and response rates side by side.

Each side is a ``Side``: its label, its sites (``course_summary`` rows), its events (one row per
patient) and, for reconstructed times, the ensemble of reconstructions. The published series'
times are reconstructed, so its median and the log-rank test between the series are pooled over
the reconstructions (``tte_estimates``; the own series is the same in every member); the own
series' times are real and get the ordinary Kaplan-Meier estimates.

Time zero differs by design: survival after RT runs from the completion of the own patients'
FIRST course (issue 12) and from the completion of the published patients' last course (as the
paper counts); ``series_words.words('compare').note`` says so under every figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from plexrt.clinical import endpoints as tte
from plexrt.clinical import tte_estimates as te
from plexrt.clinical.definitions import Definition
from plexrt.clinical.response_summary import summarise
from plexrt.stats.survival import KMResult

_SEP = "|"  # between a series label and a patient id in the combined frames

# What compare mode counts: both series whole, whatever the sidebar's filters say.
WHOLE_SERIES = "Each series is shown whole; the cohort filters do not apply in compare mode."


@dataclass(frozen=True)
class Side:
    label: str
    sites: pd.DataFrame
    events: pd.DataFrame
    draws: Sequence[pd.DataFrame] = field(default_factory=tuple)

    @property
    def reconstructed(self) -> bool:
        return len(self.events) > 0 and tte.is_reconstructed(self.events)

    def patients(self) -> list[str]:
        return tte.cohort_patients(self.sites) if len(self.sites) else []


@dataclass(frozen=True)
class Comparison:
    """The curves drawn ((label, KMResult), own series first), each series' median, and the
    log-rank test between the series (None when a side has no patient for the endpoint)."""

    curves: list[tuple[str, KMResult]]
    medians: dict[str, te.MedianEstimate]
    test: te.TestEstimate | None
    reconstructed: bool


def _tagged(frame: pd.DataFrame, label: str) -> pd.DataFrame:
    return frame.assign(patient_id=label + _SEP + frame["patient_id"].astype(str))


def _combined(sides: Sequence[Side]) -> tuple[pd.DataFrame, list[pd.DataFrame], pd.Series]:
    """Both series' events with patient ids made distinct, the members of the ensemble (each a
    reconstruction of the published side with the real own side), and the series per patient."""
    events = pd.concat([_tagged(s.events, s.label) for s in sides], ignore_index=True)
    groups = pd.Series(
        [s.label for s in sides for _ in s.patients()],
        index=[s.label + _SEP + p for s in sides for p in s.patients()],
    )
    n = max((len(s.draws) for s in sides), default=0)
    draws = []
    for k in range(n if n >= 2 else 0):
        members = [_tagged(s.draws[k] if s.draws else s.events, s.label) for s in sides]
        draws.append(pd.concat(members, ignore_index=True))
    return events, draws, groups


def compare_endpoint(
    sides: Sequence[Side], endpoint: str, time_zero: str = "completion"
) -> Comparison:
    """Kaplan-Meier of ``endpoint`` ('survival' or 'relief') per series and the log-rank test
    between them (pooled over the reconstructions when a side's times are reconstructed)."""
    curves, medians = [], {}
    for s in sides:
        pids = s.patients()
        data = tte.endpoint_data(s.events, pids, endpoint, time_zero) if len(s.events) else None
        if data is None or data.empty:
            continue
        est = te.median_estimate(s.events, s.draws, pids, endpoint, time_zero)
        res = tte.curves(data, None, s.label)[0][1]
        curves.append((s.label, res))  # its legend: where this curve crosses 0.5
        if est is not None:
            medians[s.label] = est
    test = None
    if len(curves) == len(sides) >= 2:
        events, draws, groups = _combined(sides)
        test = te.logrank_estimate(events, draws, list(groups.index), endpoint, time_zero, groups)
    return Comparison(curves, medians, test, any(s.reconstructed for s in sides))


def response_table(
    sides: Sequence[Side], definition: Definition, method: str = "exact"
) -> pd.DataFrame:
    """Responders and complete responders per series under ``definition``: per site and per
    patient, each over all treated and over assessable ones, as 'k/n (x%; 95% CI a-b%)' with n
    always given; 'not available' where the definition cannot be settled from the series' data
    (e.g. ICPRE without per-site analgesics after RT)."""
    rows = []
    for s in sides:
        r = summarise(s.sites, definition, method)
        # The sites and patients treated are known even where no rate is (none assessable, or a
        # definition not settled): n is given then too. Assessable patients are those with an
        # assessable, settled site: none when no site is assessable, unknown when the outcomes
        # are unsettled.
        for unit, resp, comp, n in (
            ("all treated sites", r.responders_treated, r.complete_treated, r.n_treated),
            ("assessable sites", r.responders_assessable, r.complete_assessable, r.n_assessable),
            (
                "all treated patients",
                r.responders_patients_treated,
                r.complete_patients_treated,
                len(tte.cohort_patients(s.sites)),
            ),
            (
                "assessable patients",
                r.responders_patients,
                r.complete_patients,
                0 if not r.n_assessable else None,
            ),
        ):
            rows.append(
                {
                    "Series": s.label,
                    "Counted over": unit,
                    "n": n if resp is None else resp.n,
                    "Responders": _text(resp),
                    "Complete": _text(comp),
                }
            )
    table = pd.DataFrame(rows, columns=["Series", "Counted over", "n", "Responders", "Complete"])
    return table.astype({"n": "Int64"})  # whole numbers, an unknown one blank (not 12.0, NaN)


def _text(p) -> str:
    return "not available" if p is None else p.text()
