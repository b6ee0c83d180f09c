"""Many seeded reconstructions of the unpublished times, for the spread of what they imply."""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import pandas as pd

from plexrt import reconstruct
from plexrt.data import store
from plexrt.ingest.times import DEFAULT_SEED
from plexrt.reconstruct.ensemble import ENSEMBLE_SIZE


def reconstruction_draws(
    con: duckdb.DuckDBPyConnection,
    n: int = ENSEMBLE_SIZE,
    *,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> list[pd.DataFrame]:
    """Per-patient event frames of ``n`` seeded reconstructions (seeds from DEFAULT_SEED on; draw 0
    is the stored default). Empty when the series has real times (nothing to reconstruct).
    ``progress`` / ``cancelled``: as for ``reconstruct.ensemble.ensemble`` (raises
    ``Cancelled``)."""
    published = store.published_times(con)
    if published.empty:
        return []
    cons = [reconstruct.constraint_from_record(r) for r in published.to_dict("records")]
    sites = store.cohort(con)
    patients = sites.drop_duplicates("patient_id")[["patient_id", "age", "sex", "primary_cancer"]]
    draws = reconstruct.ensemble(
        sites, patients, cons, n=n, seed=DEFAULT_SEED, progress=progress, cancelled=cancelled
    )
    return [d.patients for d in draws]
