"""Pieces of the 'Import a series' page: the column mapping, the refusal, the preview and the
changes an update would make. All user text is shown in tables or escaped."""

from __future__ import annotations

import streamlit as st

from plexrt.data.values import counted
from plexrt.export.tabular import safe_csv
from plexrt.ingest import own_mapping, own_preview
from plexrt.ingest.own_import import PreparedImport
from plexrt.ui.safe_text import bullets, md
from plexrt.ui.tables import dataframe, paged_dataframe, static_table

NOT_IN_FILE = ""
WHOLE_TABLE_MAX = 200  # problems shown as one static table; more in a scrolling grid
TABLE_TITLES = {"courses": "Courses (one row per irradiated site)", "assessments": "Assessments"}


def mapping(
    headers: dict[str, list[str]], remembered: dict[str, dict[str, str]], sig: str
) -> tuple[dict[str, dict[str, str]], list[str]]:
    """One choice per template column (pre-filled from the mapping remembered with the series,
    then by name); open when a header differs from the template. Returns ({table: {header:
    column}}, problems)."""
    out: dict[str, dict[str, str]] = {}
    problems: list[str] = []
    for table, heads in headers.items():
        proposal = own_mapping.proposed(heads, table, remembered.get(table))
        review = own_mapping.needs_review(heads, table, proposal)
        title = f"Column mapping: {TABLE_TITLES.get(table, table)}" + (
            " (check it: some headers differ from the template)" if review else " (all matched)"
        )
        with st.expander(title, expanded=review):
            st.caption(
                "Which column of your file holds each template column. Suggested by name; "
                "change any choice. Columns of the file chosen for nothing are ignored (a notice "
                "says which). The mapping is kept with the series and offered again next time."
            )
            chosen = _choices(table, heads, own_mapping.by_column(proposal), sig)
        table_map, found = own_mapping.from_choices(chosen)
        out[table] = table_map
        problems += [f"{TABLE_TITLES.get(table, table)}: {p}" for p in found]
    return out, problems


def _choices(table: str, heads: list[str], current: dict[str, str], sig: str) -> dict:
    options = [NOT_IN_FILE, *heads]
    chosen: dict[str, str | None] = {}
    cols = st.columns(3)
    for i, (name, label, required) in enumerate(own_mapping.columns(table)):
        start = current.get(name, NOT_IN_FILE)
        chosen[name] = cols[i % 3].selectbox(
            f"{label} · `{name}`" + (" *" if required else ""),
            options,
            index=options.index(start) if start in options else 0,
            format_func=lambda h: "— not in the file —" if h == NOT_IN_FILE else h,
            key=f"oi_map_{sig}_{table}_{name}",
        )
    return chosen


def refusal(prepared: PreparedImport, file_label: str) -> None:
    """Every problem, by file, row and column, with the report to download. Nothing written."""
    problems = prepared.report.problems
    st.error(
        f"The file was refused: {counted(len(problems), 'problem')}, listed below. Nothing was written. "
        "Correct them in your file and upload it again.",
        icon=":material/block:",
    )
    frame = prepared.report.frame()
    if len(frame) <= WHOLE_TABLE_MAX:  # every problem on the page at once (and printable)
        static_table(frame.astype({"row": "string"}).fillna(""), hide_index=True)
    else:
        st.caption(f"{len(frame):,} problems: page through the table, or download the report.")
        paged_dataframe(
            frame,
            "problems_page",
            hide_index=True,
            width="stretch",
            column_config={
                "row": st.column_config.NumberColumn("row", format="%d", width="small"),
                "problem": st.column_config.TextColumn("problem", width="large"),
            },
        )
    st.download_button(
        "Download the problem report (CSV)",
        safe_csv(frame),
        file_name=f"import_problems_{_stem(file_label)}.csv",
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
        key="oi_report",
    )
    notices(prepared)


def _stem(label: str) -> str:
    keep = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in label.rsplit(".", 1)[0])
    return keep[:60] or "file"


def notices(prepared: PreparedImport) -> None:
    if prepared.report.notices:
        st.markdown("**Notices**\n\n" + bullets(list(prepared.report.notices)))


def preview(prepared: PreparedImport) -> None:
    """Counts, codes, notices and the first rows as they will be stored (days, not dates)."""
    frames = prepared.frames
    assert frames is not None
    n = own_preview.counts(frames)
    a, b, c, d = st.columns(4)
    a.metric("Patients", n.patients)
    b.metric("Courses (sites)", n.courses)
    c.metric("Assessments", n.assessments)
    d.metric("Ages stored as 90+", n.aged_90_plus)
    codes = (
        "replaced by series-local pseudonyms (P001, ...)"
        if prepared.pseudonymised
        else "kept as they are (study codes)"
    )
    st.markdown(
        f"Patient codes: **{codes}**. Every date is stored as days from the patient's "
        "first RT start (day 0); no calendar date is kept."
    )
    notices(prepared)
    tabs = st.tabs(["Courses", "Patients", "Assessments"])
    for tab, table in zip(tabs, ("courses", "patients", "assessments"), strict=True):
        with tab:
            rows = own_preview.first_rows(frames, table)
            st.caption(f"First {len(rows)} of {len(frames.table(table))} rows, as stored.")
            dataframe(rows, hide_index=True, width="stretch")


def changes(prepared: PreparedImport) -> bool:
    """What the update would change in the stored series; True when it changes anything."""
    diff = prepared.diff
    assert diff is not None
    if diff.is_empty:
        st.info(
            "No change: the stored series already holds exactly these rows. Nothing to write.",
            icon=":material/check_circle:",
        )
        return False
    st.markdown(f"**What this import changes in the stored series** — {md(diff.summary())}")
    removed = diff.removed_words()
    if removed:
        # An update leaves out what its files leave out (a forgotten assessments file removes
        # every stored assessment): said before Commit, not only counted in the line above.
        st.warning(
            f"This update removes stored rows that the files no longer hold: {md(removed)}. "
            "Commit only if they are to go; a commit can be undone on the Follow-up page.",
            icon=":material/delete:",
        )
    paged_dataframe(own_preview.diff_table(diff), "diff_page", hide_index=True, width="stretch")
    st.caption("Times in days from the patient's first RT start; '(empty)' = not known.")
    return True
