"""PlexRT: radiotherapy outcomes for malignant lumbosacral plexopathy.

Pure, importable code. Only ``plexrt.ui`` imports streamlit.

The notebook API is importable from here, whatever the internal layout::

    import plexrt
    con = plexrt.connect()                      # the bundled store (read-only)
    sites = plexrt.cohort(con)                  # one row per irradiated site
    km = plexrt.kaplan_meier(days, events)      # R conventions (survfit)
    plexrt.proportion(9, 12).text()             # '75% (9/12; 95% CI 43–95%)'

Each name is loaded from its home module on first use (PEP 562), so ``import plexrt`` loads no
plotting, fitting or database library.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# name -> the module that defines it (its one home).
_API: dict[str, str] = {
    # time-to-event statistics
    "kaplan_meier": "plexrt.stats.survival",
    "survival_at": "plexrt.stats.survival",
    "at_risk_at": "plexrt.stats.survival",
    "logrank": "plexrt.stats.survival",
    "cox_hazard_ratio": "plexrt.stats.survival",
    "cumulative_incidence": "plexrt.stats.survival",
    "cif_at": "plexrt.stats.survival",
    "one_minus_km": "plexrt.stats.survival",
    # proportions and pooling
    "proportion_ci": "plexrt.stats.proportions",
    "proportion": "plexrt.stats.proportions",
    "series_ci": "plexrt.stats.meta",
    "pool_proportions": "plexrt.stats.meta",
    # time units
    "DAYS_PER_MONTH": "plexrt.stats.timescale",
    "to_unit": "plexrt.stats.timescale",
    # clinical rules
    "bed": "plexrt.clinical.dose",
    "eqd2": "plexrt.clinical.dose",
    "Definition": "plexrt.clinical.definitions",
    "DEFINITIONS": "plexrt.clinical.definitions",
    "classify": "plexrt.clinical.definitions",
    "response_counts": "plexrt.clinical.definitions",
    "omed_mg": "plexrt.clinical.analgesics",
    "omed_by_course": "plexrt.clinical.analgesics",
    # the bundled store: build, connect, query
    "build_db": "plexrt.ingest.build",
    "connect": "plexrt.data.store",
    "cohort": "plexrt.data.store",
    "events": "plexrt.data.store",
    "course_events": "plexrt.data.store",
    "analgesics": "plexrt.data.store",
    "opioid_factors": "plexrt.data.store",
    "literature": "plexrt.data.store",
    "series": "plexrt.data.store",
    "provenance": "plexrt.data.store",
    "discrepancies": "plexrt.data.store",
    "CohortFilter": "plexrt.data.filters",
}

__all__ = ["__version__", *sorted(_API)]


def __getattr__(name: str) -> Any:
    home = _API.get(name)
    if home is None:
        raise AttributeError(f"module 'plexrt' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value  # resolved once; later lookups do not come here
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_API))
