"""Individual event times consistent with the aggregates Sanuki et al. 2022 publish.

The paper gives no per-patient dates, only aggregates (8 deaths, mean/range of time to death and of
follow-up, mean/range of relief in 7 patients, two relapses) and a few case narratives. This package

1. reads the published figures and facts about time it encodes from ``published_times.csv``
   (:func:`load_published_times`; the series' ``patient_facts.csv`` lists every fact about a single
   patient, the ones not used with the reason),
2. finds, by computation, the statements that cannot all be true together (:func:`find_conflicts`)
   and decides which one each conflict drops or relaxes,
3. draws individual times satisfying every kept statement exactly (:func:`reconstruct`,
   :func:`ensemble`), and
4. recomputes every statement from the drawn times (:func:`check_reconstruction`).

Modules, in the order they build on each other:
    constraints          the file's vocabulary, :class:`Constraint`, reading and validation
    rounding             which days a rounded figure allows; the paper's month readings
    timeline             course and patient days from Table 1; relapse days; the study calendar
    summaries            what a published mean / range / median of n values allows
    resolution           :class:`Conflict` and which statement yields (section rank)
    conflicts            :func:`find_conflicts`; Table 1, counts, means against ranges
    narrative_conflicts  relapse times, "free of pain" months later, the Discussion's figures
    plan                 kept constraints turned into bounds for the solver
    solver               one random draw meeting every bound and sum exactly
    result               :class:`Reconstruction` and the frames built from a draw
    checks               every constraint and rule recomputed (:func:`check_reconstruction`)
    ensemble             :func:`reconstruct`, :func:`ensemble`, :func:`ensemble_frame`

Time axis
    Days from the first fraction of the patient's first course (day 0, a Monday); see ``timeline``.

Conventions the paper does not state (PlexRT's assumptions, each shown in the checks):
    * time to death and follow-up are counted from RT completion (the shortest follow-up, 31 days,
      equals the shortest time to death, which it must if both run from the same origin);
    * maximal response is on day ``7 * weeks`` after the start of that course (NRS recorded weekly);
      for patient 1 relief is counted from the maximal response of the first course;
    * duration of relief runs from maximal response to relapse, or to death / last contact (censored);
    * a figure the paper gives in months holds if it holds with 30-day months or with 365.25/12-day
      months: two readings of how the authors converted (the paper's "6.8 months" for a mean of
      205 days only works with 30-day months); PlexRT's own conversions use 365.25/12
      (``rounding.PAPER_MONTH_READINGS``, ``stats.timescale.DAYS_PER_MONTH``);
    * "assessable for duration of relief": the relapsing patients plus non-relapsing patients followed
      at least as long after maximal response as the shortest published relief (70 days); the
      non-assessable ones were followed for less than that;
    * the second course of patient 1 starts when the right-sided pain became pronounced, about
      10 days + 2 weeks = day 24 (flagged ``reconstructed``);
    * a relief the narrative calls "durable" (patient 1) makes the patient one of the assessable
      patients without relapse; no number of days is read into "durable";
    * when two statements conflict, the one from the higher-ranked section wins:
      Table 1 > Results / Abstract / Methods / front matter > case presentation > Discussion.
      A narrative written after the data cut-off is relaxed rather than dropped when that removes the
      conflict.
"""

from __future__ import annotations

from plexrt.reconstruct.checks import check_reconstruction
from plexrt.reconstruct.conflicts import find_conflicts
from plexrt.reconstruct.constraints import (
    COLUMNS,
    DATE_QUANTITIES,
    KINDS,
    POPULATIONS,
    QUANTITIES,
    ROUNDINGS,
    SECTION_PRIORITY,
    UNITS,
    Constraint,
    constraint_from_record,
    load_published_times,
)
from plexrt.reconstruct.ensemble import ensemble, ensemble_frame, reconstruct
from plexrt.reconstruct.resolution import Conflict
from plexrt.reconstruct.result import Reconstruction
from plexrt.reconstruct.rounding import PAPER_MONTH_READINGS
from plexrt.reconstruct.solver import MAX_TRIES
from plexrt.reconstruct.timeline import fraction_days

__all__ = [
    "COLUMNS",
    "DATE_QUANTITIES",
    "KINDS",
    "MAX_TRIES",
    "PAPER_MONTH_READINGS",
    "POPULATIONS",
    "QUANTITIES",
    "ROUNDINGS",
    "SECTION_PRIORITY",
    "UNITS",
    "Conflict",
    "Constraint",
    "Reconstruction",
    "check_reconstruction",
    "constraint_from_record",
    "ensemble",
    "ensemble_frame",
    "find_conflicts",
    "fraction_days",
    "load_published_times",
    "reconstruct",
]
