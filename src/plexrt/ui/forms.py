"""The 'add or edit a series' form. Every figure is entered with its source; nothing is half-saved."""

from __future__ import annotations

import math

import duckdb
import pandas as pd
import streamlit as st

from plexrt.data import literature as lit
from plexrt.data.userstore import SeriesInvalid, UserDataBusy, UserStore

# (column, label, kind) for the figures; each gets a matching source field.
FIGURES = (
    ("n_patients", "Patients (n) *", "int"),
    ("n_sites", "Irradiated sites (n)", "int"),
    ("responders", "Responders (n)", "int"),
    ("complete_responders", "Complete responders (n)", "int"),
    ("median_relief_months", "Median duration of relief (months)", "float"),
    ("median_followup_months", "Median follow-up (months)", "float"),
    ("median_survival_months", "Median survival (months)", "float"),
    ("pain_scale", "Pain scale", "text"),
    ("response_definition", "Response definition", "text"),
    ("time_to_response", "Time to response", "text"),
    ("schedules", "Schedules", "text"),
)


def _text(v) -> str:
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, float) and v.is_integer():
        return f"{v:g}"
    return str(v)


def _fields(prefix: str, current: dict) -> dict:
    """Draw the inputs (inside a form) and return the record as typed text."""
    rec: dict = {}
    a, b = st.columns([3, 1])
    rec["citation"] = a.text_input(
        "Citation *", _text(current.get("citation")), key=f"{prefix}_citation"
    )
    rec["year"] = b.text_input("Year", _text(current.get("year")), key=f"{prefix}_year")
    a, b, c = st.columns([2, 2, 2])
    rec["doi"] = a.text_input("DOI", _text(current.get("doi")), key=f"{prefix}_doi")
    pops = list(lit.POPULATIONS)
    cur_pop = current.get("population")
    rec["population"] = b.selectbox(
        "Population", pops, index=pops.index(cur_pop) if cur_pop in pops else 0,
        format_func=lit.POPULATIONS.get, key=f"{prefix}_population",
    )  # fmt: skip
    rec["design"] = c.text_input("Design", _text(current.get("design")), key=f"{prefix}_design")
    st.markdown(
        "**Figures** — give the source (table, page, paragraph) for every figure you enter."
    )
    for col, label, _ in FIGURES:
        a, b = st.columns([2, 3])
        rec[col] = a.text_input(label, _text(current.get(col)), key=f"{prefix}_{col}")
        rec[f"{col}_source"] = b.text_input(
            f"Source of: {label.rstrip(' *')}", _text(current.get(f"{col}_source")),
            key=f"{prefix}_{col}_source",
        )  # fmt: skip
    rec["notes"] = st.text_area("Notes", _text(current.get("notes")), key=f"{prefix}_notes")
    return rec


def _show_errors(messages: list[str]) -> None:
    st.error(
        "Not saved — please correct:\n\n" + "\n".join(f"- **{m.split(':', 1)[0]}**:{m.split(':', 1)[1]}"
                                                      for m in messages),
        icon=":material/error:",
    )  # fmt: skip


def _plain(exc: Exception) -> str:
    if isinstance(exc, UserDataBusy):
        return str(exc)
    return "the database refused the values (a number may be too large)."


def series_editor(store: UserStore) -> None:
    """Add a series; edit or delete user-added ones. Bundled series are read-only."""
    st.markdown(
        "Series you add are stored apart from the bundled data: they survive `plexrt build-db`, "
        "restarts and upgrades. Bundled series are read-only."
    )
    with st.form("add_series", clear_on_submit=False, border=True):
        st.markdown("#### Add a published series")
        rec = _fields("add", {})
        clicked = st.form_submit_button("Save series", type="primary")
        if clicked:
            try:
                key = store.add_series(rec)
            except SeriesInvalid as exc:
                _show_errors(exc.messages)
            except (UserDataBusy, duckdb.Error) as exc:
                st.error(f"Not saved: {_plain(exc)} What you typed is kept in the form.")
            else:
                st.success(f"Saved as {key}. It now appears in the table and the forest plot.")
                st.rerun()
    try:
        user = store.series()
    except UserDataBusy as exc:
        st.warning(str(exc), icon=":material/lock:")
        return
    if user.empty:
        st.caption("No user-added series yet.")
        return
    st.markdown("#### Your series")
    st.dataframe(user[["series_key", "citation", "n_patients", "responders"]], hide_index=True)
    key = st.selectbox("Edit or delete", list(user["series_key"]), key="edit_key")
    current = user.set_index("series_key").loc[key].to_dict()
    with st.form("edit_series", clear_on_submit=False, border=True):
        rec = _fields(f"edit_{key}", current)
        save, delete = st.columns(2)
        if save.form_submit_button("Save changes", type="primary"):
            try:
                store.update_series(key, rec)
            except SeriesInvalid as exc:
                _show_errors(exc.messages)
            except KeyError:
                st.error("Not saved: this series was deleted in another session. Reload the page.")
            except (UserDataBusy, duckdb.Error) as exc:
                st.error(f"Not saved: {_plain(exc)} What you typed is kept in the form.")
            else:
                st.success("Saved.")
                st.rerun()
        confirm = delete.checkbox("Yes, delete this series", key=f"confirm_{key}")
        if delete.form_submit_button("Delete series"):
            if confirm:
                try:
                    store.delete_series(key)
                except KeyError:
                    st.info("Already deleted in another session.")
                st.rerun()
            else:
                st.warning("Tick 'Yes, delete this series' first.")
