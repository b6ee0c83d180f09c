"""The reconstruction ensemble per endpoint: each reconstruction's patients with their durations
and events by the rules of ``plexrt.clinical.endpoints``, for the estimates pooled over the
reconstructions (``tte_estimates``, ``tte_rates``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from plexrt.clinical import endpoints as tte


def endpoint_frame(
    events: pd.DataFrame, pids: Sequence[str], endpoint: str, time_zero: str
) -> pd.DataFrame:
    """Duration and event per patient; follow-up is survival data with the event reversed."""
    if endpoint == "followup":
        d = tte.survival_data(events, pids, time_zero)
        return d.assign(event=1 - d["event"])
    return tte.endpoint_data(events, pids, endpoint, time_zero)


_STACKED = tuple(dict.fromkeys((*tte.SURVIVAL_COLUMNS, *tte.RELIEF_COLUMNS)))

# One reconstruction's patients for an endpoint: (patient ids, durations, events or codes).
Member = tuple[np.ndarray, np.ndarray, np.ndarray]


def _stack(draws: Sequence[pd.DataFrame]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The event columns of every reconstruction as (m, n) arrays, patients in one order (pandas
    once per column, not once per reconstruction and endpoint: the ensemble has 200 of them)."""
    first = draws[0]["patient_id"].to_numpy().astype(str)
    frames = []
    for d in draws:
        ids = d["patient_id"].to_numpy().astype(str)
        same = ids.size == first.size and (ids == first).all()
        # not in the first one's patient order (never for one plan's draws): reorder
        frames.append(d if same else d.set_index(ids).loc[first].reset_index(drop=True))
    return first, {c: np.stack([f[c].to_numpy() for f in frames]) for c in _STACKED}


def ensemble_members(
    draws: Sequence[pd.DataFrame],
    pids: Sequence[str],
    endpoint: str,
    time_zero: str,
    codes: bool = False,
) -> list[Member]:
    """Every reconstruction's patients for the endpoint, by the rules of ``endpoints``
    (``survival_columns``, ``relief_columns``); reconstructions without a patient are left out."""
    ids, cols = _stack(draws)
    sel = np.isin(ids, list(pids))
    c = {k: v[:, sel] for k, v in cols.items()}
    if endpoint == "relief":
        keep = c["assessable_for_relief"].astype(bool)
        dur, ev, code = tte.relief_columns(
            c["relief_end_day"], c["max_response_day"], c["relapse"], c["death"]
        )
        ev = code if codes else ev
    else:
        dur, ev = tte.survival_columns(
            c["last_contact_day"], c["rt_end_day"], c["death"], time_zero
        )
        ev = 1 - ev if endpoint == "followup" else ev
        keep = np.ones(dur.shape, bool)
    return [
        (ids[sel][keep[k]], dur[k][keep[k]], ev[k][keep[k]].astype(float))
        for k in range(dur.shape[0])
        if keep[k].any()
    ]


def member_pairs(members: list[Member]) -> list[tuple[np.ndarray, np.ndarray]]:
    """The (durations, events) of every reconstruction, for the pooled estimators."""
    return [(d, e) for _, d, e in members]


def uses_ensemble(events: pd.DataFrame, draws: Sequence[pd.DataFrame]) -> bool:
    """True when the times are reconstructed and an ensemble of at least two is at hand."""
    return len(draws) >= 2 and tte.is_reconstructed(events)
