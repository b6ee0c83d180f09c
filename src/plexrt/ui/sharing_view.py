"""The "Series & sharing" page: the own series this person may see, who owns each and with whom it
is shared; whoever may edit a series changes its name, institution and period ("Edit details"); the
owner (or an admin) makes it private, shares it with named people or groups or the whole
department, grants and revokes, or gives it to another owner.

Nothing here decides who may do what: the listing holds only what the store lets this person see,
and every change goes to the store, which refuses it (``PermissionDenied``) when the person may not.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from plexrt.data.access import SHARING_WORDS, SHARINGS, PermissionDenied, Principal
from plexrt.data.text_limits import NAME_CHARS
from plexrt.data.userstore import SeriesDetails, SeriesInvalid, UserDataUnavailable, UserStore
from plexrt.data.userstore.details import stored_problems
from plexrt.data.values import key_shown
from plexrt.ui import writes
from plexrt.ui.safe_text import md
from plexrt.ui.tables import dataframe

PARAM = "manage"  # the series being managed, kept in the address (not ?series=, the switcher)


def _rights(row: pd.Series) -> str:
    if row["can_manage"]:
        return "may share and transfer"
    return "may record follow-up" if row["can_edit"] else "read-only"


def overview(listing: pd.DataFrame) -> pd.DataFrame:
    """The table of series shown to this person (one row per series they may see)."""
    return pd.DataFrame(
        {
            "Series": listing["name"],
            "Owner": listing["owner"],
            "Sharing": [SHARING_WORDS.get(s, s) for s in listing["sharing"]],
            "Patients": listing["n_patients"].astype(int),
            "Courses": listing["n_courses"].astype(int),
            "You": [_rights(r) for _, r in listing.iterrows()],
        }
    )


# The series the forms below were last drawn for, and whether a form was sent for a series that is
# gone since (deleted, given away or unshared in another session): the list then falls back to
# another series, which the form's change must not reach instead.
_DRAWN = "_sharing_drawn"
_STALE = "_sharing_stale"
_FORMS = (
    writes.SHARING_SAVE,
    writes.SHARING_GRANT,
    writes.SHARING_REVOKE,
    writes.SHARING_TRANSFER,
    writes.SERIES_DETAILS,
)


def chosen(listing: pd.DataFrame) -> pd.Series | None:
    """The series named in the address (only among those this person may see) or picked here."""
    ids = list(listing["series_id"])
    gone = writes.pressed_for_gone(_DRAWN, ids, _FORMS)
    st.session_state[_STALE] = gone is not None
    if gone is not None:
        st.error(
            f"Not changed: the series '{md(gone[1])}' was deleted, given away or unshared in "
            "another session, so what you sent for it was not applied to any series. Check the "
            "series shown now.",
            icon=":material/block:",
        )
    wanted = st.query_params.get(PARAM)
    if wanted is not None and wanted not in ids:
        # The same words whether the series does not exist or is not shared with this person:
        # the page says nothing about series it may not show.
        st.warning(
            "The series in the address is not one you can see; choose one below.",
            icon=":material/visibility_off:",
        )
        wanted = None
    names = dict(zip(listing["series_id"], listing["name"], strict=True))
    pick = st.selectbox(
        "Series to share",
        ids,
        index=ids.index(wanted) if wanted in ids else 0,
        format_func=lambda sid: names[sid],
        key="sharing_series",
    )
    st.query_params[PARAM] = pick
    writes.drawn(_DRAWN, pick, names[pick])
    return listing[listing["series_id"] == pick].iloc[0]


def _done(message: str, *, given_away: bool = False) -> None:
    """Confirm a change on the next run, at the top of the page (``confirmation``): a series given
    away may no longer be one this person sees, so neither it nor the address names it then."""
    st.session_state["_sharing_done"] = message
    if given_away:
        st.query_params.pop(PARAM, None)  # not "a series you cannot see": the person just gave it
    st.rerun()


def confirmation() -> None:
    """The confirmation of the last change, shown before anything else (also when no series is
    left to show)."""
    done = st.session_state.pop("_sharing_done", None)
    if done:
        st.success(md(done), icon=":material/check_circle:")


def _attempt(action, message: str | Callable[[Any], str], *, given_away: bool = False) -> None:
    """Run one store call; its refusal or failure is shown in words, never as a trace. Nothing is
    run when the form was sent for a series that is gone (``chosen`` says so). ``message`` may be
    worded from what the call returns."""
    if st.session_state.get(_STALE):
        return
    try:
        result = action()
    except PermissionDenied as exc:
        st.error(md(str(exc)), icon=":material/block:")
    except SeriesInvalid as exc:
        st.error("Not changed: " + md("; ".join(exc.messages)), icon=":material/error:")
    except UserDataUnavailable as exc:
        st.error(md(str(exc)), icon=":material/lock:")
    else:
        _done(message(result) if callable(message) else message, given_away=given_away)


def _sharing_form(store: UserStore, who: Principal, row: pd.Series) -> None:
    sid = row["series_id"]
    # The choice shows the stored level whenever that changes (another series chosen, or a change
    # made by a grant, the last revoke or another session), not the button last clicked.
    stored = (sid, row["sharing"])
    if st.session_state.get("_sharing_level_of") != stored:
        st.session_state["_sharing_level_of"] = stored
        st.session_state["sharing_level_choice"] = row["sharing"]
    with st.form("sharing_level"):
        level = st.radio(
            "Who may see this series",
            SHARINGS,
            format_func=lambda s: SHARING_WORDS[s],
            key="sharing_level_choice",
        )
        if st.form_submit_button("Save sharing", key=writes.SHARING_SAVE):
            _attempt(
                lambda: store.set_sharing(who, sid, level),
                f"Sharing saved: {SHARING_WORDS[level]}.",
            )


def _grant_form(store: UserStore, who: Principal, sid: str) -> None:
    with st.form("sharing_grant", clear_on_submit=True):
        grantee = st.text_input(
            "Share with (e-mail address, user id, or group:<name>)", key="grant_who"
        )
        edit = st.checkbox("May also record follow-up (editors only)", key="grant_edit")
        if st.form_submit_button("Share", key=writes.SHARING_GRANT):
            _attempt(
                lambda: store.grant(who, sid, grantee, can_edit=edit),
                lambda stored: f"Shared with {stored}.",  # as the list of grants names it
            )


def _revoke_form(store: UserStore, who: Principal, sid: str, grants: pd.DataFrame) -> None:
    if grants.empty:
        return
    with st.form("sharing_revoke"):
        gone = st.selectbox("Stop sharing with", list(grants["grantee"]), key="revoke_who")
        if st.form_submit_button("Stop sharing", key=writes.SHARING_REVOKE):
            _attempt(lambda: store.revoke(who, sid, gone), lambda level: _revoked(gone, level))


def _revoked(gone: str, level: str) -> str:
    if level == "private":
        return (
            f"No longer shared with {gone}. No one else was named, so the series is "
            f"{SHARING_WORDS['private']} again."
        )
    return f"No longer shared with {gone}."


def _transfer_form(store: UserStore, who: Principal, sid: str) -> None:
    with st.expander("Give this series to another owner"), st.form("sharing_transfer"):
        new_owner = st.text_input("New owner (e-mail address or user id)", key="new_owner")
        sure = st.checkbox("I understand that I may lose the right to manage it", key="sure")
        if st.form_submit_button("Transfer", key=writes.SHARING_TRANSFER):
            if not sure:
                st.error("Tick the box to confirm the transfer.", icon=":material/error:")
            else:
                _attempt(
                    lambda: store.transfer(who, sid, new_owner),
                    lambda stored: f"The series now belongs to {stored}.",
                    given_away=True,
                )


# The series and stored details the "Edit details" inputs were filled from: an edit is sent with
# them (``previous``), so one begun before another session changed the details is refused (by the
# store, in words), and the inputs are then filled again from the details stored now, as they are
# whenever those change (but never over what a successful send typed).
_DETAILS_OF = "_details_of"
_DETAIL_KEYS = {
    "name": "details_name",
    "institution": "details_institution",
    "period": "details_period",
}


def details_saved(changed: list[str]) -> str:
    """The confirmation of an edit of the details, naming what changed."""
    if not changed:
        return "Nothing to save: the details given are those stored."
    words = {"name": "name", "institution": "institution", "period": "treatment period"}
    listed = [words[f] for f in changed]
    text = listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + " and " + listed[-1]
    return f"Saved: the series' {text}."


def _stored_note(stored: SeriesDetails, can_edit: bool) -> None:
    """A stored detail today's checks refuse (a series stored before them): shown, escaped, with
    why it must be changed."""
    problems = stored_problems(stored)
    if not problems:
        return
    shown = f"'{md(key_shown(stored.name))}'"
    then = (
        "Change it below: until then no import can update the series."
        if can_edit
        else "Someone who may edit the series must change it: until then no import can update it."
    )
    st.warning(
        f"The series {shown} was stored before PlexRT refused such text: "
        + md("; ".join(problems))
        + f". {then}",
        icon=":material/warning:",
    )


def _details_form(store: UserStore, who: Principal, row: pd.Series) -> None:
    sid = str(row["series_id"])
    stored = SeriesDetails.of(row)
    drawn = st.session_state.get(_DETAILS_OF)
    sent = bool(st.session_state.get(writes.SERIES_DETAILS))
    handled = False
    if sent and drawn is not None and drawn[0] == sid and drawn[1] != stored:
        # Sent from inputs filled before another session changed the details: the store refuses
        # it (in words), and the inputs are filled with the details stored now.
        typed = SeriesDetails(*(st.session_state.get(k) for k in _DETAIL_KEYS.values()))
        seen = drawn[1]
        _attempt(lambda: store.edit_details(who, sid, typed, previous=seen), details_saved)
        handled = True
    if drawn is None or drawn[0] != sid or (drawn[1] != stored and (handled or not sent)):
        drawn = (sid, stored)
        st.session_state[_DETAILS_OF] = drawn
        for field, key in _DETAIL_KEYS.items():
            st.session_state[key] = getattr(stored, field) or ""
    expanded = bool(stored_problems(stored))
    with st.expander("Edit details", expanded=expanded), st.form("series_details"):
        name = st.text_input("Name", key=_DETAIL_KEYS["name"])
        institution = st.text_input("Institution", key=_DETAIL_KEYS["institution"])
        period = st.text_input(
            "Treatment period (in years, e.g. 2015-2023)", key=_DETAIL_KEYS["period"]
        )
        if st.form_submit_button("Save details", key=writes.SERIES_DETAILS) and not handled:
            new = SeriesDetails(name, institution, period)
            _attempt(lambda: store.edit_details(who, sid, new, previous=stored), details_saved)


def _export(store: UserStore, who: Principal, row: pd.Series) -> None:
    """The series' courses (days from first RT, no dates) as CSV: an audited patient-level export."""
    from plexrt.export.tabular import safe_csv
    from plexrt.ui.exports import audited_download

    sid = str(row["series_id"])

    def make() -> bytes:
        return safe_csv(store.series_frames(who, sid).courses)

    audited_download(
        "Download its courses (CSV, patient-level)",
        series_id=sid,
        what="courses CSV",
        make=make,
        rows=int(row["n_courses"]),
        file_name=f"plexrt_{sid}_courses.csv",
        mime="text/csv",
        key="sharing_export",
    )


def details(store: UserStore, who: Principal, row: pd.Series) -> None:
    """One series: its sharing and grants, and the forms its manager may use."""
    sid = row["series_id"]
    owner = str(row["owner"]).replace("`", "'")  # a code span: an address is not made a link
    st.markdown(
        # hidden characters of a name stored before they were refused are shown as escapes
        f"**{md(key_shown(row['name'], NAME_CHARS))}** · owner `{owner}` · "
        f"{SHARING_WORDS.get(row['sharing'], row['sharing'])}"
    )
    _stored_note(SeriesDetails.of(row), bool(row["can_edit"]))
    _export(store, who, row)
    if row["can_edit"]:
        _details_form(store, who, row)
    grants = store.grants(who, sid)
    if grants.empty:
        st.caption("Not shared with anyone by name.")
    else:
        shown = grants.assign(can_edit=grants["can_edit"].map({True: "yes", False: "no"}))
        dataframe(
            shown.rename(
                columns={
                    "grantee": "Shared with",
                    "can_edit": "May record follow-up",
                    "granted_by": "By",
                    "granted_at": "When (UTC)",
                }
            ).drop(columns=["series_id"]),
            hide_index=True,
        )
    if not row["can_manage"]:
        st.info(
            "Only the owner or an admin changes who may see this series. "
            + ("You may record follow-up." if row["can_edit"] else "You can read it only."),
            icon=":material/visibility:",
        )
        return
    _sharing_form(store, who, row)
    _grant_form(store, who, sid)
    _revoke_form(store, who, sid, grants)
    _transfer_form(store, who, sid)
