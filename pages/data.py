"""Data & provenance: where every value comes from, where the paper contradicts itself, what it omits."""

import streamlit as st

from plexrt.data.vocab import SOURCE_LABELS
from plexrt.ui import db, own_data, provenance, shell, widgets
from plexrt.ui.tables import dataframe, paged_rows

shell.require()

st.title("Data & provenance")
if db.series_choice().is_own:
    own_data.render(str(db.series_choice().own_id))
    st.stop()
st.markdown(provenance.source_text(db.table("series").iloc[0]))

tab_disc, tab_prov, tab_missing, tab_facts, tab_cases = widgets.view_tabs(
    [
        "Contradictions in the paper",
        "Provenance of every value",
        "What the paper does not publish",
        "Facts about single patients",
        "Case details & toxicity",
    ],
    "data_tab",
)

with tab_disc:
    if widgets.shows(tab_disc):
        disc = db.table("discrepancies")
        st.markdown(provenance.discrepancy_intro(len(disc)))
        for r in disc.itertuples():
            widgets.two_readings(
                f"**{r.discrepancy_id} · {r.topic}**",
                f"**Reading A** ({r.where_a}):  \n{r.reading_a}",
                f"**Reading B** ({r.where_b}):  \n{r.reading_b}",
                f"**How PlexRT resolves it:** {r.resolution}",
            )

with tab_prov:
    if widgets.shows(tab_prov):
        st.markdown(provenance.provenance_intro(db.source_counts()))
        c1, c2 = st.columns(2)
        tables = c1.multiselect("Table", db.provenance_tables(), placeholder="All tables")
        sources = c2.multiselect(
            "Source", list(SOURCE_LABELS), format_func=SOURCE_LABELS.get, placeholder="All sources"
        )
        chosen = (tuple(tables), tuple(sources))
        n_shown = db.provenance_count(*chosen)
        paged_rows(
            n_shown,
            lambda start, stop: provenance.in_words(db.provenance_page(*chosen, start, stop)),
            "provenance_page",
            hide_index=True,
            width="stretch",
            height=420,
            column_config={
                **provenance.PROVENANCE_HEADERS,
                "note": st.column_config.TextColumn("Note", width="large"),
            },
        )
        st.caption(provenance.shown_caption(n_shown, db.provenance_count((), ())))

with tab_missing:
    if widgets.shows(tab_missing):
        for item in db.table("not_published").itertuples():
            st.markdown(f"- **{item.topic}** {item.detail}")

with tab_facts:
    if widgets.shows(tab_facts):
        facts = db.table("patient_facts")
        used = int((facts["use"] == "constraint").sum())
        st.markdown(
            f"**{len(facts)} facts** the paper states about single patients (case narratives, Results, "
            f"Discussion). **{used}** are constraints of the reconstructed times (their status shows "
            "whether the reconstruction keeps them or a conflict drops or relaxes them, see *Time to "
            f"event › Constraints & conflicts*); **{len(facts) - used}** are deliberately not used, "
            "each with the reason."
        )
        dataframe(
            facts[
                ["fact_id", "patient_id", "fact", "location", "constraint_id", "status", "reason"]
            ],
            hide_index=True,
            width="stretch",
            column_config={
                "fact_id": "Fact",
                "patient_id": "Patient",
                "fact": st.column_config.TextColumn("What the paper says", width="large"),
                "location": "Where",
                "constraint_id": "Constraint",
                "status": "Used in the reconstruction",
                "reason": st.column_config.TextColumn("How it is used, or why not", width="large"),
            },
        )

with tab_cases:
    if widgets.shows(tab_cases):
        st.markdown("**Case narratives** (the paper describes patients 1, 5 and 8 in detail)")
        dataframe(
            db.table("case_details")[provenance.CASE_DETAIL_COLUMNS],
            hide_index=True,
            width="stretch",
            column_config={
                **provenance.CASE_DETAIL_HEADERS,
                "detail": st.column_config.TextColumn("Detail", width="large"),
            },
        )
        st.markdown(
            "**Toxicity as reported** (CTCAE grade; v4.0 per Methods, v5.0 per reference list)"
        )
        dataframe(
            db.table("toxicities")[provenance.TOXICITY_COLUMNS],
            hide_index=True,
            width="stretch",
            column_config=provenance.TOXICITY_HEADERS,
        )
