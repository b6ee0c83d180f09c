"""The 'Follow-up' page: record, for one patient of an own series, an assessment, the maximum
response, a relapse of pain, death or the last contact; see every change (who, when, old -> new)
and undo the latest entry. Each entry is checked whole by the store against the same rules as an
import (``validate_own_series``), under its write lock, before anything is written."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from plexrt.clinical import own_overview
from plexrt.data.access import PermissionDenied
from plexrt.data.own_schema import OwnSeriesFrames
from plexrt.data.own_template import YEAR_RANGE
from plexrt.data.own_validation import validate_own_series
from plexrt.data.userstore import (
    SeriesInvalid,
    UserDataUnavailable,
    UserStore,
    nothing_written,
)
from plexrt.data.values import counted
from plexrt.data.vocab import OPIOID_ROUTES
from plexrt.ingest import own_followup as fu
from plexrt.ingest import own_preview
from plexrt.ui import db, follow_up_history, writes
from plexrt.ui.patient_pick import pick_patient
from plexrt.ui.safe_text import md
from plexrt.ui.tables import dataframe

DAY, DATE = "day", "date"
_DRAWN = "fu_drawn"  # the series, patient, kind and course the entry form was last drawn for
_MIN_DATE, _MAX_DATE = dt.date(YEAR_RANGE[0], 1, 1), dt.date(YEAR_RANGE[1], 12, 31)


def _flash() -> None:
    """The confirmation of the last save or undo (kept across the rerun that shows its effect)."""
    msg = st.session_state.pop("fu_flash", None)
    if msg:
        st.success(msg, icon=":material/check_circle:")


def _pick(store: UserStore) -> tuple[dict, str | None, OwnSeriesFrames | None] | None:
    """The series chosen, and its patient chosen with that patient's rows only (None, None until
    a patient is chosen); None when the user has no series."""
    listing = store.own_series(db.principal())
    if listing.empty:
        st.info("No own series yet: import one first.", icon=":material/upload_file:")
        st.page_link("pages/own_import.py", label="Import a series", icon=":material/upload:")
        return None
    names = own_overview.series_labels(listing)  # a name two series share shows each owner
    a, b = st.columns(2)
    sid = str(
        a.selectbox(
            "Series to update",
            list(names),
            format_func=lambda s: names[s],
            key="fu_series",
        )
    )
    row = listing[listing["series_id"] == sid].iloc[0].to_dict()
    pid = pick_patient(store, row, b)
    if pid is None:
        return row, None, None
    return row, pid, store.patient_frames(db.principal(), sid, pid)


def _patient(frames: OwnSeriesFrames) -> None:
    st.caption("What is stored now (days from the patient's first RT start).")
    for table in ("patients", "courses", "assessments"):
        rows = own_preview.first_rows(frames, table, n=200)
        if table != "patients":
            rows = rows.drop(columns=["patient_id"])
        dataframe(rows, hide_index=True, width="stretch")


def _courses(frames: OwnSeriesFrames, pid: str) -> dict[int, str]:
    c = frames.courses
    mine = c[c["patient_id"] == pid].sort_values("course_no")
    return {
        int(r.course_no): f"course {int(r.course_no)}: {r.involved_muscle}, "
        f"{'' if pd.isna(r.laterality) else r.laterality + ', '}day {r.rt_start_day}-{r.rt_end_day}"
        for r in mine.itertuples(index=False)
    }


def _how() -> str:
    """How the day is given (outside the form: choosing redraws the fields)."""
    return str(
        st.radio(
            "Time given as",
            [DAY, DATE],
            format_func={
                DAY: "day number (days from the first RT start)",
                DATE: "calendar date",
            }.get,
            horizontal=True,
            key="fu_how",
        )
    )


def _day(kind_key: str, how: str) -> int | None:
    """The day of the entry: typed as a day number, or counted from two dates that are then
    dropped (the first RT start date is not stored, so it is asked for here)."""
    if how == DAY:
        value = st.number_input(
            "Day (day 0 = the patient's first RT start)",
            min_value=-365,
            max_value=7305,
            value=None,
            step=1,
            key=f"fu_day_{kind_key}",
        )
        return None if value is None else int(value)
    a, b = st.columns(2)
    first = a.date_input(
        "The patient's first RT start date",
        value=None,
        min_value=_MIN_DATE,
        max_value=_MAX_DATE,
        key="fu_first_rt",
    )
    event = b.date_input(
        "Date of the entry", value=None, min_value=_MIN_DATE, max_value=_MAX_DATE, key="fu_date"
    )
    st.caption(
        "The two dates are used only to count the days between them; neither is stored (PlexRT "
        "keeps no calendar date)."
    )
    return fu.day_between(event, first)


def _form(frames: OwnSeriesFrames, row: dict, pid: str) -> fu.Entry | None:
    kind = st.radio(
        "Record", list(fu.KINDS), format_func=fu.KINDS.get, horizontal=True, key="fu_kind"
    )
    course = None
    if kind in fu.COURSE_KINDS:
        courses = _courses(frames, pid)
        course = st.selectbox(
            "Course (irradiated site)",
            list(courses),
            format_func=lambda c: courses[c],
            key="fu_course",
        )
    how = _how()
    # What the form is drawn for. Save reruns the page, which picks the series, patient and course
    # again: one deleted, unshared or replaced in another session meanwhile is no longer listed
    # and the choice falls back to another. The entry is saved only for what it was typed for.
    target = {
        "series": str(row["series_id"]),
        "name": str(row["name"]),
        "patient": pid,
        "kind": kind,
        "course": course,
    }
    typed_for = st.session_state.get(_DRAWN)
    st.session_state[_DRAWN] = target
    # The values and Save are one form: what is typed is sent whole when Save is pressed (no
    # rerun per field that could overtake a value still being typed).
    with st.form("fu_entry", border=False, enter_to_submit=False):
        entry = _values(kind, pid, course, how)
    if entry is not None and typed_for is not None and typed_for != target:
        _moved(typed_for)
        return None
    return entry


def _moved(typed_for: dict | None) -> None:
    """Save was pressed for a series, patient or course no longer open here."""
    what = (
        f"patient {typed_for['patient']} of the series '{typed_for['name']}'"
        if typed_for
        else "a series"
    )
    st.error(
        f"Not saved: the entry was typed for {md(what)}, which is no longer open here (deleted, "
        "unshared or changed in another session). Nothing was written; check what is shown now "
        "and enter it again.",
        icon=":material/block:",
    )


def _save_lost() -> None:
    """Save was pressed, but the page can no longer draw the form (the series is gone, or may no
    longer be edited by this user): say that nothing was saved rather than drop the entry."""
    if st.session_state.get(writes.FOLLOW_UP_SAVE):
        _moved(st.session_state.get(_DRAWN))


def _values(kind: str, pid: str, course: int | None, how: str) -> fu.Entry | None:
    day = _day(kind, how)
    extra: dict = {}
    if kind == "assessment":
        a, b, c, d = st.columns(4)
        extra["nrs"] = a.number_input("NRS (0-10)", 0, 10, value=None, step=1, key="fu_nrs")
        extra["opioid_drug"] = b.text_input(
            "Opioid (empty = none)",
            key="fu_drug",
            help="e.g. morphine, oxycodone, hydromorphone, fentanyl",
        )
        extra["opioid_mg_per_day"] = c.number_input(
            "Opioid mg/day", 0.0, 10_000.0, value=None, key="fu_mg"
        )
        extra["opioid_route"] = d.selectbox(
            "Route", ["", *OPIOID_ROUTES], format_func=lambda r: r or "—", key="fu_route"
        )
    if not st.form_submit_button(
        "Save", type="primary", icon=":material/save:", key=writes.FOLLOW_UP_SAVE
    ):
        return None
    nrs = extra.get("nrs")
    return fu.Entry(
        kind,
        pid,
        day,
        course,
        None if nrs is None else int(nrs),
        extra.get("opioid_drug"),
        extra.get("opioid_mg_per_day"),
        extra.get("opioid_route"),
    )


def _save(store: UserStore, sid: str, frames: OwnSeriesFrames, entry: fu.Entry) -> None:
    problems = fu.entry_problems(entry) + fu.already_stored(frames, entry)
    if problems:
        _refused(problems)
        return
    changes = fu.changes_for(frames, entry)
    try:
        batch = store.record_follow_up(db.principal(), sid, changes, validate=validate_own_series)
    except SeriesInvalid as exc:
        _refused(exc.messages)
        return
    except (PermissionDenied, UserDataUnavailable) as exc:
        st.error(f"{md(exc)}{nothing_written(exc)}", icon=":material/error:")
        return
    if batch is None:
        st.info("Nothing changed: the series already holds this value.")
        return
    st.session_state["fu_flash"] = (
        f"Saved ({md(fu.described(entry))}) as entry {batch}. The analysis pages show it now."
    )
    st.rerun()


def _refused(problems: list[str]) -> None:
    st.error(
        f"Not saved: {counted(len(problems), 'problem')}. Nothing was written.",
        icon=":material/block:",
    )
    dataframe(pd.DataFrame({"problem": problems}), hide_index=True, width="stretch")


def render() -> None:
    st.title("Follow-up")
    st.caption(
        "Record what happened after RT for a patient of one of your own series. Every entry is checked like an import and kept in the history with who made it and when."
    )
    _flash()
    store = db.user_data()
    if store is None:
        st.info("Follow-up needs the user database, which cannot be used now (see above).")
        return
    picked = _pick(store)
    if picked is None:
        _save_lost()
        return
    row, pid, frames = picked
    sid = str(row["series_id"])
    if pid is None or frames is None:  # no patient chosen yet (or none held): no entry form
        _save_lost()
    else:
        _patient(frames)
        if row["can_edit"]:
            st.header("New entry")
            entry = _form(frames, row, pid)
            if entry is not None:
                _save(store, sid, frames, entry)
        else:
            _save_lost()
            st.info("You may read this series but not record follow-up in it.")
    follow_up_history.history(store, sid, pid, bool(row["can_edit"]))
