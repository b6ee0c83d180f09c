"""Import a published Kaplan-Meier curve: upload its digitised points and risk table, preview the
reconstruction over the points, then save it as a literature series (nothing is stored before)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from plexrt.charts.curve_fit import curve_fit_figure
from plexrt.clinical.curve_series import (
    USER_TEXT_CHARS,
    details_from_text,
    reconstruct_curve,
    to_store,
)
from plexrt.data import literature as lit
from plexrt.data.access import PermissionDenied, Principal
from plexrt.data.csvfile import DataError
from plexrt.data.curve_files import POINTS_FORMAT, RISK_FORMAT, read_points, read_risk_table
from plexrt.data.userstore import SeriesInvalid, UserDataUnavailable, UserStore, unless_unknown
from plexrt.data.vocab import CURVE_OUTCOMES, CURVE_TIME_UNITS
from plexrt.stats.guyot_fit import fit_lines, fit_warnings
from plexrt.ui import widgets, writes
from plexrt.ui.safe_text import md
from plexrt.ui.tables import dataframe

_FILE_TYPES = ["csv", "txt", "tsv"]


def _problems(title: str, lines: list[str]) -> None:
    """Problems shown as literal text (file names and cells are the user's, never markdown)."""
    st.error(title, icon=":material/error:")
    st.code("\n".join(lines), language=None)


def _inputs() -> dict[str, Any]:
    # A saved curve empties the uploaders (new keys), so that it is not saved twice by mistake.
    gen = st.session_state.get("curve_uploads", 0)
    suffix = f"_{gen}" if gen else ""
    a, b = st.columns(2)
    rec: dict[str, Any] = {
        "points": a.file_uploader(
            "Digitised points (CSV)",
            type=_FILE_TYPES,
            key=f"curve_points{suffix}",
            help=POINTS_FORMAT,
        ),
        "risk": b.file_uploader(
            "Number-at-risk table (CSV; leave empty if the paper prints none)",
            type=_FILE_TYPES,
            key=f"curve_risk{suffix}",
            help=RISK_FORMAT,
        ),
    }
    a, b, c, d = st.columns(4)
    rec["outcome"] = a.selectbox(
        "Outcome",
        list(CURVE_OUTCOMES),
        format_func=lambda k: CURVE_OUTCOMES[k],
        key="curve_outcome",
    )
    rec["time_unit"] = b.selectbox(
        "Time unit of the published axis", CURVE_TIME_UNITS, index=2, key="curve_unit"
    )
    rec["total_events"] = c.text_input("Total events reported (optional)", key="curve_events")
    rec["n_patients"] = d.text_input(
        "Patients at the start (only without a risk table)", key="curve_n"
    )
    a, b = st.columns([1, 3])
    rec["published_median"] = a.text_input(
        "Published median (optional, in the axis unit)", key="curve_median"
    )
    rec["published_median_source"] = b.text_input(
        "Where the paper states the median",
        key="curve_median_source",
        max_chars=USER_TEXT_CHARS["published_median_source"],
    )
    return rec


def _read(values: dict):
    """(details, points, risk, reconstruction) or None after showing what is wrong."""
    details, problems = details_from_text(values)
    if details is None:
        _problems("Not reconstructed — please correct:", problems)
        return None
    try:
        points = read_points(values["points"].getvalue(), values["points"].name)
        risk = (
            None
            if values["risk"] is None
            else read_risk_table(values["risk"].getvalue(), values["risk"].name)
        )
    except DataError as exc:
        _problems("The file is not valid; nothing was read:", [str(p) for p in exc.problems])
        return None
    if risk is None and details.n_patients is None:
        st.warning("Without a risk table, give the number of patients at the start.")
        return None
    try:
        rec = reconstruct_curve(points, risk, details)
    except ValueError as exc:
        _problems("The curve cannot be reconstructed:", [str(exc)])
        return None
    return details, points, risk, rec


def _preview(details, rec) -> None:
    unit = details.time_unit
    fig = curve_fit_figure(
        rec,
        unit,
        title=f"Preview: {CURVE_OUTCOMES[details.outcome]}, reconstructed over the digitised points",
        footnote=f"{rec.n} patients reconstructed; {rec.method_notes[0]}",
    )
    widgets.chart(fig, "curve_preview")
    for line in fit_lines(rec.fit, unit):
        st.markdown(f"- {line}")
    for warning in fit_warnings(rec.fit, unit):
        st.warning(warning, icon=":material/warning:")
    with st.expander("What was cleaned, and how the times were reconstructed"):
        st.markdown(
            "**Cleaning of the points:** " + ("; ".join(rec.cleaning_notes) or "none") + "."
        )
        for note in rec.method_notes:
            st.markdown(f"- {note}")
        dataframe(rec.intervals, hide_index=True)


def _save_form(store: UserStore, principal: Principal, values: dict) -> None:
    with st.form("curve_save", border=True):
        st.markdown("## Save as a literature series")
        a, b = st.columns([3, 1])
        values["citation"] = a.text_input("Citation *", key="curve_citation")
        values["year"] = b.text_input("Year", key="curve_year")
        a, b, c = st.columns(3)
        values["doi"] = a.text_input("DOI", key="curve_doi")
        values["population"] = b.selectbox(
            "Population",
            list(lit.POPULATIONS),
            format_func=lambda k: lit.POPULATIONS[k],
            key="curve_pop",
        )
        values["design"] = c.text_input("Design", key="curve_design")
        a, b, c = st.columns(3)
        values["figure"] = a.text_input(
            "Figure (where in the paper)", key="curve_figure", max_chars=USER_TEXT_CHARS["figure"]
        )
        values["arm"] = b.text_input(
            "Arm or group of this curve", key="curve_arm", max_chars=USER_TEXT_CHARS["arm"]
        )
        values["time_zero"] = c.text_input("Time zero, as the paper states it", key="curve_t0")
        values["notes"] = st.text_area(
            "Notes", key="curve_notes", max_chars=USER_TEXT_CHARS["notes"]
        )
        if not st.form_submit_button("Save curve series", type="primary", key=writes.CURVE_SAVE):
            return
    _save(store, principal, values)


def _save(store: UserStore, principal: Principal, values: dict) -> None:
    prepared = _read(values)
    if prepared is None:
        return
    details, points, risk, rec = prepared
    try:
        key = store.add_curve_series(principal, to_store(details, points, risk, rec))
    except SeriesInvalid as exc:
        _problems("Not saved — please correct:", exc.messages)
    except (UserDataUnavailable, PermissionDenied) as exc:
        lead = unless_unknown("Not saved: ", exc)
        st.error(f"{lead}{md(str(exc))} What you entered is kept in the form.")
    else:
        # Rerun so that every tab shows the new series; the message waits for that run.
        st.session_state["curve_saved"] = (
            f"Saved as {key}, flagged 'reconstructed from published curve'. It now appears on "
            "the Kaplan–Meier comparison, in the side-by-side table and the durations."
        )
        st.session_state["curve_uploads"] = st.session_state.get("curve_uploads", 0) + 1
        st.rerun()


def curve_importer(store: UserStore, principal: Principal) -> None:
    """Upload, preview, save (as ``principal``, audited). Nothing is stored until 'Save curve
    series' succeeds."""
    st.markdown(
        "Turn a published Kaplan–Meier figure into individual times: digitise the curve (for "
        "example with WebPlotDigitizer, *View data → Download .CSV*), type its number-at-risk "
        "table into a small CSV (`time,at_risk`, from time 0), and upload both. The individual "
        "times are reconstructed with the algorithm of Guyot et al. (BMC Med Res Methodol "
        "2012;12:9) and stay flagged *reconstructed from published curve*."
    )
    saved = st.session_state.pop("curve_saved", None)
    if saved:
        st.success(saved, icon=":material/check_circle:")
    values = _inputs()
    if values["points"] is None:
        st.info("Upload the digitised points to see the reconstruction.")
        return
    prepared = _read(values)
    if prepared is None:
        return
    _preview(prepared[0], prepared[3])
    if not principal.at_least("editor"):
        st.caption(f"Saving a curve needs the editor role ({principal.label} is a viewer).")
        return
    _save_form(store, principal, values)
