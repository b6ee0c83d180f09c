"""Shared rows and finders for the literature comparison tests (forest plot, durations)."""

from __future__ import annotations

import pandas as pd

FOOT = "n = 12 sites, 11 patients · exact (Clopper-Pearson) 95% CI"


def rows(counts, plexrt_index=None):
    return pd.DataFrame(
        {
            "label": [f"Series {chr(65 + i)}" for i in range(len(counts))],
            "events": [k for k, _ in counts],
            "total": [n for _, n in counts],
            "population": ["malignant_psoas_syndrome"] * len(counts),
            "is_plexrt": [i == plexrt_index for i in range(len(counts))],
        }
    )


def traces(fig, role):
    return [t for t in fig.data if t.meta and t.meta.get("role") == role]


def annotations(fig, name):
    return [a for a in fig.layout.annotations if a.name == name]
