"""The 'add or edit a series' form. Every figure is entered with its source; nothing is half-saved."""

from __future__ import annotations

import streamlit as st
from sqlalchemy.exc import DBAPIError

from plexrt.charts.tables import user_series_table
from plexrt.data import literature as lit
from plexrt.data.access import PermissionDenied, Principal
from plexrt.data.userstore import SeriesInvalid, UserDataUnavailable, UserStore, unless_unknown
from plexrt.data.values import is_missing
from plexrt.ui import widgets, writes
from plexrt.ui.safe_text import md
from plexrt.ui.tables import dataframe

# The figures of a series, in the order of the literature schema (plexrt.data.literature.COLUMNS,
# the one home of their names, kinds and labels); each gets a matching source field.
FIGURES = tuple(c for c in lit.COLUMNS if c.is_figure)
REQUIRED = ("citation", "n_patients")


def _text(v: object) -> str:
    if is_missing(v):
        return ""
    if isinstance(v, float) and v.is_integer():
        return f"{v:g}"
    return str(v)


def _label(column: str) -> str:
    """The column's label, starred when the form requires it."""
    label = lit.COLUMN_LABELS[column]
    return f"{label} *" if column in REQUIRED else label


def _fields(prefix: str, current: dict) -> dict:
    """Draw the inputs (inside a form) and return the record as typed text."""
    rec: dict = {}
    a, b = st.columns([3, 1])
    rec["citation"] = a.text_input(
        _label("citation"), _text(current.get("citation")), key=f"{prefix}_citation"
    )
    rec["year"] = b.text_input("Year", _text(current.get("year")), key=f"{prefix}_year")
    a, b, c = st.columns([2, 2, 2])
    rec["doi"] = a.text_input("DOI", _text(current.get("doi")), key=f"{prefix}_doi")
    pops = list(lit.POPULATIONS)
    cur_pop = current.get("population")
    rec["population"] = b.selectbox(
        "Population",
        pops,
        index=pops.index(cur_pop) if cur_pop in pops else 0,
        format_func=lambda p: lit.POPULATIONS.get(p, p),
        key=f"{prefix}_population",
    )
    rec["design"] = c.text_input("Design", _text(current.get("design")), key=f"{prefix}_design")
    st.markdown(
        "**Figures** — give the source (table, page, paragraph) for every figure you enter."
    )
    for spec in FIGURES:
        col = spec.name
        a, b = st.columns([2, 3])
        rec[col] = a.text_input(_label(col), _text(current.get(col)), key=f"{prefix}_{col}")
        rec[f"{col}_source"] = b.text_input(
            lit.COLUMN_LABELS[f"{col}_source"],
            _text(current.get(f"{col}_source")),
            key=f"{prefix}_{col}_source",
        )
    rec["notes"] = st.text_area("Notes", _text(current.get("notes")), key=f"{prefix}_notes")
    return rec


def _show_errors(messages: list[str]) -> None:
    """Every problem on its own line, named by the field's label in the form; the message quotes
    what was typed, so it is escaped (shown as written, never as a link or a picture)."""
    lines = []
    for m in messages:
        field, _, what = m.partition(":")
        label = lit.COLUMN_LABELS.get(field.strip(), field)
        lines.append(f"- **{md(label)}**: {md(what)}")
    st.error("Not saved — please correct:\n\n" + "\n".join(lines), icon=":material/error:")


def _not(done: str, exc: Exception) -> str:
    return unless_unknown(f"Not {done}: ", exc)


def _plain(exc: Exception) -> str:
    if isinstance(exc, (UserDataUnavailable, PermissionDenied)):
        return md(str(exc))
    return "the database refused the values (a number may be too large)."


def series_editor(store: UserStore, principal: Principal) -> None:
    """Add a series; edit or delete user-added ones. Bundled series are read-only."""
    st.markdown(
        "Series you add are stored apart from the bundled data: they survive `plexrt build-db`, "
        "restarts and upgrades. Bundled series are read-only. A figure may be typed with its "
        'words ("approximately 3.5 months"): PlexRT uses the number and keeps your wording '
        "beside it."
    )
    widgets.show_flash()
    _add_form(store, principal)
    try:
        user = store.series(principal)
    except UserDataUnavailable as exc:
        st.warning(str(exc), icon=":material/lock:")
        return
    if user.empty:
        st.caption("No user-added series yet.")
        return
    st.markdown("## Series added by users")
    dataframe(user_series_table(user, lit.COLUMN_LABELS), hide_index=True, width="stretch")
    names = dict(zip(user["series_key"], user["citation"].fillna("(no citation)"), strict=True))
    gone = writes.pressed_for_gone(_EDITED, names, (writes.SERIES_SAVE, writes.SERIES_DELETE))
    if gone is not None:
        st.error(
            f"Not saved: the series “{md(gone[1])}” was deleted in another session; nothing was "
            "changed. Check the series chosen now.",
            icon=":material/block:",
        )
    key = str(
        st.selectbox("Edit or delete", list(names), format_func=lambda k: names[k], key="edit_key")
    )
    writes.drawn(_EDITED, key, names[key])
    if gone is None:  # the form's buttons act this run only when what they were drawn for is here
        _edit_form(store, principal, key, user.set_index("series_key").loc[key].to_dict())


# The series the edit form was last drawn for (see writes.pressed_for_gone).
_EDITED = "_series_edited"


def _add_form(store: UserStore, principal: Principal) -> None:
    with st.form("add_series", clear_on_submit=False, border=True):
        st.markdown("## Add a published series")
        rec = _fields("add", {})
        if not st.form_submit_button("Save series", type="primary", key=writes.SERIES_ADD):
            return
        try:
            key = store.add_series(principal, rec)
        except SeriesInvalid as exc:
            _show_errors(exc.messages)
        except (UserDataUnavailable, PermissionDenied, DBAPIError) as exc:
            st.error(f"{_not('saved', exc)}{_plain(exc)} What you typed is kept in the form.")
        else:
            widgets.flash(
                f"Saved “{md(rec['citation'])}” ({key}). It now appears in the side-by-side table "
                "and the forest plot."
            )
            st.rerun()


def _edit_form(store: UserStore, principal: Principal, key: str, current: dict) -> None:
    with st.form("edit_series", clear_on_submit=False, border=True):
        rec = _fields(f"edit_{key}", current)
        save, delete = st.columns(2)
        if save.form_submit_button("Save changes", type="primary", key=writes.SERIES_SAVE):
            _save_changes(store, principal, key, rec)
        confirm = delete.checkbox("Yes, delete this series", key=f"confirm_{key}")
        if delete.form_submit_button("Delete series", key=writes.SERIES_DELETE):
            _delete(store, principal, key, confirm)


def _save_changes(store: UserStore, principal: Principal, key: str, rec: dict) -> None:
    try:
        store.update_series(principal, key, rec)
    except SeriesInvalid as exc:
        _show_errors(exc.messages)
    except KeyError:
        st.error("Not saved: this series was deleted in another session. Reload the page.")
    except (UserDataUnavailable, PermissionDenied, DBAPIError) as exc:
        st.error(f"{_not('saved', exc)}{_plain(exc)} What you typed is kept in the form.")
    else:
        widgets.flash(f"Saved your changes to “{md(rec['citation'])}”.")
        st.rerun()


def _delete(store: UserStore, principal: Principal, key: str, confirm: bool) -> None:
    if not confirm:
        st.warning("Tick 'Yes, delete this series' first.")
        return
    try:
        store.delete_series(principal, key)
    except KeyError:
        st.info("Already deleted in another session.")
    except (UserDataUnavailable, PermissionDenied) as exc:
        st.error(f"{_not('deleted', exc)}{_plain(exc)}")
        return
    widgets.flash("Deleted the series. The bundled series are unchanged.")
    st.rerun()
