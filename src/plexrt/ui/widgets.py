"""Small shared pieces of page layout: footnotes, figure display, safe error display."""

from __future__ import annotations

import streamlit as st

from plexrt.filters import CohortFilter

PLOTLY_CONFIG = {"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2}}


def proportion_metric(container, label: str, prop, help: str | None = None, unit: str = "sites"):
    """A big percentage with 'k/n · 95% CI' under it; 'not available' when n = 0."""
    if prop is None:
        container.metric(label, "not available", help=help)
        return
    container.metric(
        label, prop.pct(), delta=prop.detail(unit), delta_color="off", delta_arrow="off", help=help
    )


def footnote(*lines: str) -> None:
    """Cohort and method under a chart or table, in small type."""
    st.caption("  \n".join(line for line in lines if line))


def cohort_line(flt: CohortFilter, n_sites: int, n_patients: int) -> str:
    s = "site" if n_sites == 1 else "sites"
    p = "patient" if n_patients == 1 else "patients"
    return f"Cohort: n = {n_sites} {s}, {n_patients} {p} · {flt.describe()}"


def chart(fig, key: str) -> None:
    st.plotly_chart(fig, key=key, config=PLOTLY_CONFIG)


def empty_cohort() -> bool:
    """Show a plain message and return True when the filter leaves no site."""
    st.info("No site matches the current filters. Widen them or press **Reset filters** above.")
    return True
