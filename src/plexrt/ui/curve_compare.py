"""Kaplan-Meier comparison on the literature page: stored published curves (their reconstructed
patients) on the same axes as the bundled series, with log-rank and Cox hazard ratios against it
when the outcome is the same."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from plexrt.charts.curve_km import curve_km_figure
from plexrt.clinical import endpoints as tte
from plexrt.clinical import series_words
from plexrt.clinical.curve_comparison import (
    BUNDLED_WARNING,
    COMPARISON_NOTE,
    compare_curves,
    flagged,
    published_curves,
)
from plexrt.clinical.curve_series import OUTCOME_ENDPOINTS
from plexrt.data.userstore import UserDataUnavailable
from plexrt.data.vocab import CURVE_OUTCOMES
from plexrt.ui import db, widgets
from plexrt.ui.tables import dataframe


def _stored() -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """(curve metadata, reconstructed patients), or None when the user data cannot be used now
    (said once by ``db.user_data_failed``)."""
    store = db.user_data()
    if store is None:
        return None
    try:
        meta = store.curve_series(db.principal())
        return meta, store.curve_ipd(db.principal(), meta["series_key"])
    except UserDataUnavailable as exc:
        db.user_data_failed(exc)
        return None


def _tests(cmp) -> None:
    test = cmp.logrank
    st.markdown(
        f"Log-rank test across the {len(cmp.curves)} curves: χ² = {test.statistic:.2f} on "
        f"{test.df} df, p = {test.p_value:.3f}."
    )
    if cmp.cox is None:
        return
    rows = cmp.cox.table.iloc[1:].dropna(subset=["hazard_ratio"])
    dataframe(
        pd.DataFrame(
            {
                "Curve": [flagged(g) for g in rows["group"]],
                f"Hazard ratio vs {cmp.reference}": rows["hazard_ratio"].round(2),
                "95% CI": [
                    f"{a:.2f}–{b:.2f}" for a, b in zip(rows["lower"], rows["upper"], strict=True)
                ],
                "Patients": rows["n"],
                "Events": rows["events"],
            }
        ),
        hide_index=True,
    )
    widgets.footnote(cmp.cox.method_note + " " + test.method_note)  # names the series: escaped


def km_comparison(df: pd.DataFrame, cohort_line: str) -> None:
    """The comparison for the filtered cohort ``df`` (one row per site)."""
    stored = _stored()
    if stored is None:
        return
    meta, ipd = stored
    if meta.empty:
        st.info("No published curve stored yet: import one under *Import a published curve*.")
        return
    present = [o for o in CURVE_OUTCOMES if o in set(meta["outcome"])]
    outcome = str(
        st.selectbox(
            "Outcome", present, format_func=lambda k: CURVE_OUTCOMES[k], key="curve_cmp_outcome"
        )
    )
    endpoint = OUTCOME_ENDPOINTS.get(outcome)
    bundled = None
    if endpoint is not None and not df.empty and not db.events().empty:
        bundled = tte.endpoint_data(db.events(), tte.cohort_patients(df), endpoint, "completion")
        bundled = bundled[["duration_days", "event"]]
    # the series in view by its own name (Sanuki 2022, a registry, an own series), with its
    # own time zero (db.words: last course in the paper, first course in an own series)
    name = db.series_name()
    label = series_words.cohort_label(name, db.words().source)
    cmp = compare_curves(bundled, label, published_curves(meta, ipd, outcome))
    zero = "maximum response" if endpoint == "relief" else db.words().time_zero["completion"]
    fig = curve_km_figure(
        cmp.curves,
        cmp.published,
        unit="months",
        title=f"{CURVE_OUTCOMES[outcome].capitalize()}: published curves beside this cohort",
        x_title="Months from each series' time zero",
        footnote=(f"{cohort_line}; {name} from {zero}.<br>" if bundled is not None else "")
        + "Published curves: patients reconstructed from the figure (Guyot et al. 2012).",
    )
    widgets.chart(fig, "curve_comparison")
    if bundled is None:
        widgets.footnote(
            f"{name} has no counterpart for this outcome: the published curves are drawn without "
            "a test."
        )
    else:
        if db.times_reconstructed():  # never said of real times (a registry, an own series)
            st.warning(BUNDLED_WARNING, icon=":material/warning:")
        if cmp.logrank is not None:
            _tests(cmp)
    widgets.footnote(COMPARISON_NOTE)
    rows = meta[meta["outcome"] == outcome].copy()
    # Unknown stays unknown, in words (the paper did not state it).
    for col in ("arm", "figure", "time_zero"):
        rows[col] = rows[col].where(rows[col].notna(), "not stated")
    dataframe(
        rows[["citation", "arm", "figure", "time_zero", "n_patients", "total_events"]].rename(
            columns={
                "citation": "Published curve",
                "arm": "Arm",
                "figure": "Figure",
                "time_zero": "Time zero (as stated)",
                "n_patients": "Patients",
                "total_events": "Events reported",
            }
        ),
        hide_index=True,
    )
