"""Compare mode (``?series=compare&vs=<own series>``): the own series beside the bundled data
(Sanuki 2022, or a registry served in its place, each named from its own series table) on one
Kaplan-Meier plot per endpoint with the log-rank test, response rates side by side, and both as
their own rows of the literature forest plot (never pooled). Shown in place of any page while
compare is chosen; the cohort filters do not apply (each series is shown whole)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from plexrt.charts.forest import forest_figure
from plexrt.charts.km import km_figure
from plexrt.clinical import literature_comparison as lc
from plexrt.clinical import literature_notes
from plexrt.clinical import series_compare as sc
from plexrt.clinical import tte_estimates as te
from plexrt.clinical.definitions import DEFINITION_LABELS, Definition
from plexrt.clinical.forest import forest_data
from plexrt.clinical.series_medians import series_medians
from plexrt.clinical.series_words import bundled_name, bundled_side_label, is_published
from plexrt.data import store
from plexrt.data.values import counted
from plexrt.stats import timescale
from plexrt.ui import db, series_state, widgets
from plexrt.ui.safe_text import md
from plexrt.ui.tables import dataframe


def _own_label(own_id: str) -> str:
    return f"{store.series(db.own_connection(own_id)).iloc[0]['short_name']} (own series)"


def _bundled_series() -> pd.DataFrame:
    """The bundled store's series table (compare mode reads the bundled store: ``db.connection``),
    read once per store and shared with ``db.words``."""
    return db.table("series")


def _bundled_name() -> str:
    return bundled_name(_bundled_series())


def _bundled_label() -> str:
    return bundled_side_label(_bundled_series(), db.times_reconstructed())


def _sides(own_id: str) -> tuple[sc.Side, sc.Side]:
    con = db.own_connection(own_id)
    own = sc.Side(_own_label(own_id), store.cohort(con), store.events(con))
    published = sc.Side(
        _bundled_label(),
        store.cohort(db.bundled_connection()),
        store.events(db.bundled_connection()),
        db.ensemble_events(),
    )
    return own, published


@st.cache_data(show_spinner="Comparing the series (pooled over the reconstructions)…")
def _comparison(own_id: str, version: str, endpoint: str) -> sc.Comparison:
    return sc.compare_endpoint(_sides(own_id), endpoint)


def _km(own_id: str, version: str, endpoint: str, unit: str) -> None:
    cmp = _comparison(own_id, version, endpoint)
    if len(cmp.curves) < 2:
        st.info("One of the series has no patient who can be assessed for this endpoint.")
    if not cmp.curves:
        return
    # each series' own completion (see the note), not 'as in the paper' for both
    note = db.words().note
    zero = "maximum response" if endpoint == "relief" else db.words().time_zero["completion"]
    counts = "; ".join(
        f"{label}: n = {counted(e.n, 'patient')}, {counted(e.n_events, 'event')}"
        for label, e in cmp.medians.items()
    )
    m = max((e.m for e in cmp.medians.values()), default=0)
    fig = km_figure(
        cmp.curves,
        unit=unit,
        reconstructed=cmp.reconstructed,
        title=f"{sc_title(endpoint)}: own series and {_bundled_label()}",
        x_title=f"{unit.capitalize()} from {zero}",
        footnote=f"{counts}<br>{note} "
        + (te.reconstruction_note(m) + " " if m else "")
        + timescale.unit_sentence(unit),
    )
    widgets.chart(fig, f"compare_km_{endpoint}")
    for label, est in cmp.medians.items():
        st.markdown(
            f"- {te.median_line(md(label), est, unit, sc_title(endpoint)[:1].lower() + sc_title(endpoint)[1:])}"
        )
    if cmp.test is not None:
        st.markdown(f"Log-rank test between the series: {cmp.test.text()}.")
    if m:
        st.warning(
            f"**{_bundled_name()}'s times are reconstructed** from published aggregates: its curve "
            "is one reconstruction, and its median and the test between the series are pooled over "
            f"{m} reconstructions. A p-value here cannot be read as evidence of a difference.",
            icon=":material/warning:",
        )


def sc_title(endpoint: str) -> str:
    from plexrt.clinical.endpoints import ENDPOINTS

    return ENDPOINTS[endpoint]


def _responses(sides: tuple[sc.Side, sc.Side], definition: Definition) -> None:
    dataframe(
        sc.response_table(sides, definition),
        hide_index=True,
        width="stretch",
        # counts of a registry grouped by thousands, as in the rates beside them
        column_config={"n": st.column_config.NumberColumn("n", format="localized")},
    )
    aggregate = (
        " (Sanuki 2022 publishes the analgesic changes after RT only in aggregate)"
        if is_published(_bundled_series())
        else ""
    )
    widgets.footnote(
        f"{definition.label}. Exact (Clopper–Pearson) 95% intervals; n = the sites or patients "
        f"counted. 'Not available' = the definition cannot be settled from that series' data"
        f"{aggregate}. Each series is shown whole; the cohort filters do not apply in compare mode."
    )


def _forest(sides: tuple[sc.Side, sc.Side], definition: Definition) -> None:
    own, pub = sides
    bundled = _bundled_name()
    records = []
    for side, key, name in ((own, lc.OWN_KEY, own.label), (pub, lc.PLEXRT_KEY, bundled)):
        med = series_medians(side.events, side.patients(), side.draws)
        records.append(
            lc.plexrt_series(
                side.sites,
                definition,
                med.values,
                "all sites",
                med.cis,
                med.reconstructed,
                med.ranges,
                med.m,
                name=name,
                key=key,
            )
        )
    published = db.literature_all()
    records += published.to_dict("records")
    labels = lc.series_labels(records, first=(own.label, f"{bundled} in PlexRT"))
    for measure, title in lc.FOREST_MEASURES.items():
        data = forest_data(lc.forest_rows(records, labels, measure))
        if data.empty:
            continue
        pooled = lc.pool(data)
        fig = forest_figure(
            data,
            pooled,
            title=f"{title} across series",
            footnote=f"Own series and {bundled} in PlexRT: whole series, {definition.label}"
            f"<br>{literature_notes.forest_footnote(pooled)}",
        )
        widgets.chart(fig, f"compare_forest_{measure}")
        widgets.footnote(  # names the series left out: escaped
            literature_notes.forest_caption(pooled, data.attrs.get("dropped", []))
            + f" The own series and {bundled} in PlexRT are drawn as their own rows and never "
            "pooled."
        )


def render() -> None:
    """The compare view for the own series chosen in the sidebar."""
    choice = db.series_choice()
    own_id = str(choice.own_id)
    version = str(st.session_state.get(series_state.VERSIONS, {}).get(own_id, ""))
    sides = _sides(own_id)
    st.title(f"Compare: {md(sides[0].label)} and {md(_bundled_name())}")
    c1, c2 = st.columns(2)
    unit = widgets.page_choice(
        "unit", "Time unit", {u: u for u in timescale.UNITS}, "months", container=c1
    )
    def_key = widgets.page_choice(
        "resp", "Response definition", DEFINITION_LABELS, "paper", container=c2
    )
    definition = Definition.from_key(def_key)
    tab_s, tab_r, tab_p, tab_f = st.tabs(
        ["Survival after RT", "Duration of pain relief", "Response rates", "Forest plot"]
    )
    with tab_s:
        _km(own_id, version, "survival", unit)
    with tab_r:
        _km(own_id, version, "relief", unit)
    with tab_p:
        _responses(sides, definition)
    with tab_f:
        _forest(sides, definition)
