"""Compare mode (``?series=compare&vs=<own series>``): the own series beside the bundled data
(Sanuki 2022, or a registry served in its place, each named from its own series table) on one
Kaplan-Meier plot per endpoint with the log-rank test, response rates side by side, and both as
their own rows of the literature forest plot (never pooled). Shown in place of any page that shows
a series while compare is chosen (not in place of import, follow-up, sharing or the audit trail);
the cohort filters do not apply (each series is shown whole)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from plexrt.charts.forest import forest_figure
from plexrt.charts.km import km_figure
from plexrt.charts.series_style import esc
from plexrt.clinical import literature_comparison as lc
from plexrt.clinical import literature_notes
from plexrt.clinical import series_compare as sc
from plexrt.clinical import tte_estimates as te
from plexrt.clinical.definitions import DEFINITION_SHORT_LABELS, Definition
from plexrt.clinical.forest import forest_data
from plexrt.clinical.per_patient import RATES_PATIENT_RULE
from plexrt.clinical.series_medians import series_medians
from plexrt.clinical.series_words import bundled_name, bundled_side_label, is_published
from plexrt.data import store
from plexrt.data.values import counted
from plexrt.export.compare_report import comparison_report
from plexrt.export.report import Section
from plexrt.stats import timescale
from plexrt.ui import db, exports, series_state, widgets
from plexrt.ui.safe_text import md
from plexrt.ui.tables import count_column, dataframe


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


def _km(own_id: str, version: str, endpoint: str, unit: str) -> Section:
    """One endpoint's curves, medians and test drawn; the same as a section of the report."""
    title = sc_title(endpoint)
    cmp = _comparison(own_id, version, endpoint)
    notes: list[str] = []
    if len(cmp.curves) < 2:
        notes.append("One of the series has no patient who can be assessed for this endpoint.")
        st.info(notes[-1])
    if not cmp.curves:
        return Section(title, notes=notes)
    # each series' own completion (see the note), not 'as in the paper' for both
    note = db.words().note
    zero = "maximum response" if endpoint == "relief" else db.words().time_zero["completion"]
    counts = "; ".join(  # chart text: the series' names escaped for plotly
        f"{esc(label)}: n = {counted(e.n, 'patient')}, {counted(e.n_events, 'event')}"
        for label, e in cmp.medians.items()
    )
    m = max((e.m for e in cmp.medians.values()), default=0)
    fig = km_figure(
        cmp.curves,
        unit=unit,
        reconstructed=cmp.reconstructed,
        title=f"{title}: own series and {_bundled_label()}",
        x_title=f"{unit.capitalize()} from {zero}",
        footnote=f"{counts}<br>{note} "
        + (te.reconstruction_note(m) + " " if m else "")
        + timescale.unit_sentence(unit),
    )
    widgets.chart(fig, f"compare_km_{endpoint}")
    what = title[:1].lower() + title[1:]
    for label, est in cmp.medians.items():
        st.markdown(f"- {te.median_line(md(label), est, unit, what)}")
        notes.append(te.median_line(label, est, unit, what, bold=False))
    if cmp.test is not None:
        notes.append(f"Log-rank test between the series: {cmp.test.text()}.")
        st.markdown(notes[-1])
    if m:
        warning = (
            "{name}'s times are reconstructed from published aggregates: its curve is one "
            "reconstruction, and its median and the test between the series are pooled over "
            f"{m} reconstructions. A p-value here cannot be read as evidence of a difference."
        )
        st.warning(warning.format(name=f"**{md(_bundled_name())}**"), icon=":material/warning:")
        notes.append(warning.format(name=_bundled_name()))
    return Section(title, [("Kaplan–Meier curves of both series", fig)], notes=notes)


def sc_title(endpoint: str) -> str:
    from plexrt.clinical.endpoints import ENDPOINTS

    return ENDPOINTS[endpoint]


def _responses(sides: tuple[sc.Side, sc.Side], definition: Definition) -> Section:
    table = sc.response_table(sides, definition)
    dataframe(
        table,
        hide_index=True,
        width="stretch",
        # counts of a registry grouped by thousands, as in the rates beside them
        column_config={"n": count_column("n")},
    )
    aggregate = (
        " (Sanuki 2022 publishes the analgesic changes after RT only in aggregate)"
        if is_published(_bundled_series())
        else ""
    )
    footnote = (
        f"{definition.label}. Exact (Clopper–Pearson) 95% intervals; n = the sites or patients "
        f"counted; per patient, {RATES_PATIENT_RULE}. 'Not available' = the definition cannot be settled from that series' data"
        f"{aggregate}. {sc.WHOLE_SERIES}"
    )
    widgets.footnote(footnote)
    return Section(
        "Response rates", tables=[("Response rates side by side", table)], notes=[footnote]
    )


def _forest(sides: tuple[sc.Side, sc.Side], definition: Definition) -> Section:
    own, pub = sides
    figures: list[tuple[str, go.Figure]] = []
    notes: list[str] = []
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
                not_available=med.not_available,
                median_missing=med.missing,
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
        caption = (
            literature_notes.forest_caption(pooled, data.attrs.get("dropped", []))
            + f" The own series and {bundled} in PlexRT are drawn as their own rows and never "
            "pooled."
        )
        widgets.footnote(caption)  # names the series left out: escaped
        figures.append((f"{title} across series", fig))
        notes.append(caption)
    return Section("Forest plot", figures, notes=notes)


def render() -> None:
    """The compare view for the own series chosen in the sidebar."""
    choice = db.series_choice()
    own_id = str(choice.own_id)
    version = str(st.session_state.get(series_state.VERSIONS, {}).get(own_id, ""))
    sides = _sides(own_id)
    st.title(f"Compare: {md(sides[0].label)} and {md(_bundled_name())}")
    c1, c2, c3 = st.columns([1, 2, 1], vertical_alignment="bottom")
    download_slot = c3.empty()  # filled once every tab has been drawn
    unit = widgets.page_choice(
        "unit", "Time unit", {u: u for u in timescale.UNITS}, "months", container=c1
    )
    # The column is too narrow for a definition's whole label: the option names it in a few
    # words, and the whole definition is written under the row.
    def_key = widgets.page_choice(
        "resp", "Response definition", DEFINITION_SHORT_LABELS, "paper", container=c2
    )
    definition = Definition.from_key(def_key)
    st.caption(f"Response definition: {definition.label}")
    tab_s, tab_r, tab_p, tab_f = st.tabs(
        ["Survival after RT", "Duration of pain relief", "Response rates", "Forest plot"]
    )
    with tab_s:
        sections = [_km(own_id, version, "survival", unit)]
    with tab_r:
        sections.append(_km(own_id, version, "relief", unit))
    with tab_p:
        sections.append(_responses(sides, definition))
    with tab_f:
        sections.append(_forest(sides, definition))
    _report_download(download_slot, sides, sections)


def _report_download(slot, sides: tuple[sc.Side, sc.Side], sections: list[Section]) -> None:
    """The comparison as drawn (these choices of unit and definition) in one offline HTML file."""
    own, bundled = sides[0].label, _bundled_series()

    def make() -> bytes:
        return comparison_report(own, bundled, sections).encode("utf-8")

    exports.download(
        slot,
        "Download report (HTML)",
        make,
        "plexrt_comparison.html",
        mime="text/html",
        what="comparison HTML report",
        key="dl_compare_html",
    )
