"""Seeded reconstructions: one (:func:`reconstruct`, the stored default uses seed 0) or an ensemble
of ``n`` (:func:`ensemble`, seeds ``seed, seed + 1, ...``) to show how much a curve depends on the
unknown individual times."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from plexrt.reconstruct.checks import check_table
from plexrt.reconstruct.constraints import Constraint
from plexrt.reconstruct.plan import Plan, build_plan
from plexrt.reconstruct.result import (
    Arrays,
    Reconstruction,
    patient_columns,
    site_arrays,
    sites_frame,
    source_columns,
)
from plexrt.reconstruct.solver import sample

# What every draw of one plan shares: the sites frame, the provenance columns, the site arrays.
_Statics = tuple[pd.DataFrame, Arrays, Arrays]


def _check_seed(seed: object) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a whole number >= 0, got {seed!r}")
    return int(seed)


def _statics(plan: Plan) -> _Statics:
    sites = sites_frame(plan)
    return sites, source_columns(plan), site_arrays(sites)


def _build(plan: Plan, seed: int, statics: _Statics | None = None) -> Reconstruction:
    sites, sources, S = statics or _statics(plan)
    cols = patient_columns(plan, sample(plan, np.random.default_rng(seed)))
    event = pd.array(cols["relief_event"], dtype="Int64")  # NaN (not assessable) -> NA
    patients = pd.DataFrame({**cols, "relief_event": event, **sources})
    # the checks read the very arrays the frames were built from (check_reconstruction reads the
    # frames themselves)
    checks = check_table(cols, S, plan)
    holds, kept = checks["holds"].to_numpy(), checks["kept"].to_numpy()
    if not holds[kept].all():
        bad = ", ".join(checks["constraint_id"].to_numpy()[kept & ~holds])
        raise RuntimeError(f"internal error: seed {seed} breaks kept constraint(s) {bad}")
    return Reconstruction(patients, sites.copy(), checks, list(plan.conflicts), seed, plan)


def reconstruct(
    courses: pd.DataFrame,
    patients: pd.DataFrame,
    constraints: Sequence[Constraint] | str | Path,
    seed: int = 0,
) -> Reconstruction:
    """Individual times for every patient and course satisfying every kept constraint exactly.

    Roles (who died, which non-relapsing patients are assessable, who attains each published
    minimum/maximum) are drawn at random among admissible patients, then times are drawn uniformly
    within their bounds and shifted to hit each published sum exactly. Same seed, same result.

    ``.patients``: one row per patient, days from the start of the first course: rt_end_day, death,
    death_day (NaN if alive), last_contact_day, followup_from_completion_days,
    assessable_for_relief, max_response_day, relapse, relapse_day, relief_end_day, relief_days,
    relief_event (1 relapse, 0 censored; NA with the relief columns for non-assessable patients),
    and ``<column>_source`` provenance flags. ``.sites``: one row per course. ``.checks``: every
    published constraint and logical rule recomputed (see :func:`check_reconstruction`).
    Raises ValueError if the kept constraints admit no reconstruction.
    """
    seed = _check_seed(seed)
    return _build(build_plan(courses, patients, constraints), seed)


# How many reconstructions the app draws to show how much a figure depends on the unpublished
# times (the envelope of the curves, the spread of a p-value).
ENSEMBLE_SIZE = 200


class Cancelled(Exception):
    """The ensemble was cancelled before all its draws were made."""


def ensemble(
    courses: pd.DataFrame,
    patients: pd.DataFrame,
    constraints: Sequence[Constraint] | str | Path,
    n: int = ENSEMBLE_SIZE,
    seed: int = 0,
    *,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> list[Reconstruction]:
    """``n`` reconstructions with seeds ``seed, seed + 1, ...`` (draw k equals
    ``reconstruct(..., seed=seed + k)``); the constraint analysis is done once.

    ``progress(done, n)`` is called after each draw; ``cancelled()`` is asked before each draw
    and, when it answers True, the ensemble stops with ``Cancelled`` (no partial result)."""
    seed = _check_seed(seed)
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(f"n must be a whole number >= 1, got {n!r}")
    plan = build_plan(courses, patients, constraints)
    statics = _statics(plan)
    draws = []
    for k in range(int(n)):
        if cancelled is not None and cancelled():
            raise Cancelled(f"cancelled after {k} of {n} reconstructions")
        draws.append(_build(plan, seed + k, statics))
        if progress is not None:
            progress(k + 1, int(n))
    return draws


def ensemble_frame(recs: Sequence[Reconstruction]) -> pd.DataFrame:
    """The patients of several reconstructions stacked, with ``draw`` (position) and ``seed``."""
    if not recs:
        raise ValueError("recs must hold at least one Reconstruction")
    frames = [r.patients.assign(draw=k, seed=r.seed) for k, r in enumerate(recs)]
    return pd.concat(frames, ignore_index=True)
