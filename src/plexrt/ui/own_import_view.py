"""The 'Import a series' page: file(s) in, column mapping, preview (and, for an update, what
changes), then one commit into the user store. Nothing is written before Commit, and nothing at
all when a problem is found; the pseudonym key is offered once after the commit and never kept.

Reading, checking and de-identifying are ``plexrt.ingest.own_import.prepare_import``'s (the same
as ``plexrt import``); this module only keeps the page's state between reruns.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from plexrt.clinical import own_overview
from plexrt.data.access import PermissionDenied
from plexrt.data.deidentify import key_csv, merge_keys, read_key
from plexrt.data.own_schema import OwnSeriesFrames
from plexrt.data.own_validation import validate_own_series
from plexrt.data.paths import DEFAULT_DATA_DIR
from plexrt.data.text_limits import looks_like_date
from plexrt.data.userstore import SeriesInvalid, UserDataUnavailable, UserStore, nothing_written
from plexrt.ingest import own_mapping
from plexrt.ingest.own_import import PreparedImport, Upload, prepare_import
from plexrt.ingest.synth import EXAMPLE_NAME, EXAMPLE_STEM
from plexrt.ui import db, own_import_parts, writes
from plexrt.ui.safe_text import bullets, md

EXAMPLE = DEFAULT_DATA_DIR / "examples" / f"{EXAMPLE_STEM}.xlsx"
NEW = ""  # the 'a new series' choice of the target


@dataclass(frozen=True)
class Source:
    courses: Upload
    assessments: Upload | None = None
    example: bool = False

    def digest(self) -> str:
        h = hashlib.sha256()
        for u in (self.courses, self.assessments):
            if u is not None:
                h.update(u.name.encode() + b"\0" + hashlib.sha256(u.data).digest())
        return h.hexdigest()[:16]


def _use_example() -> None:
    st.session_state["oi_example"] = True
    st.session_state["oi_gen"] = st.session_state.get("oi_gen", 0) + 1  # empties the uploaders


def _source() -> Source | None:
    """The uploaded file(s), or the synthetic example when chosen (an upload replaces it)."""
    gen = st.session_state.get("oi_gen", 0)
    left, right = st.columns([3, 2])
    courses = left.file_uploader(
        "Courses: CSV or XLSX (an XLSX may hold an `assessments` sheet too)",
        type=["csv", "xlsx"],
        key=f"oi_courses_{gen}",
    )
    assessments = left.file_uploader(
        "Assessments: CSV (optional)", type=["csv"], key=f"oi_assessments_{gen}"
    )
    right.markdown("**New to PlexRT?**")
    right.button(
        "Try the synthetic example",
        icon=":material/science:",
        on_click=_use_example,
        key="oi_try_example",
        help="Loads data/examples/SYNTHETIC_example.xlsx: 42 invented patients (not real people).",
    )
    # the command as plain text: inline code in a caption is too faint to read (axe contrast) and
    # a code block this narrow scrolls without being reachable by keyboard
    right.markdown(
        "The template (CSV, XLSX with drop-down lists, or a REDCap data dictionary) is made by "
        "the command **plexrt template --format xlsx template.xlsx**. Dates are ISO (YYYY-MM-DD)."
    )
    if courses is not None:
        st.session_state.pop("oi_example", None)
        extra = None if assessments is None else Upload(assessments.name, assessments.getvalue())
        return Source(Upload(courses.name, courses.getvalue()), extra)
    if st.session_state.get("oi_example"):
        return Source(Upload(EXAMPLE.name, EXAMPLE.read_bytes()), None, example=True)
    return None


@st.cache_data(show_spinner=False, max_entries=8)
def _headers(digest: str, _source: Source) -> dict[str, list[str]]:
    extra = (
        None
        if _source.assessments is None
        else (_source.assessments.data, _source.assessments.name)
    )
    return own_mapping.file_headers(_source.courses.data, _source.courses.name, extra)


# The series the page was last drawn to update: when another session deletes or unshares it, the
# 'Store as' choice falls back to a new series, which a Commit pressed for the update must not
# create (nor update a series of the file's name instead).
_TARGET_DRAWN = "_oi_target_drawn"
_TARGET_GONE = "_oi_target_gone"


def _target_gone(ids: list[str]) -> None:
    """Say, when Commit was pressed for an update of a series no longer listed, that nothing was
    stored; the Commit of this run is then ignored (``_TARGET_GONE``)."""
    gone = writes.pressed_for_gone(_TARGET_DRAWN, ids, (writes.IMPORT_COMMIT,))
    st.session_state[_TARGET_GONE] = gone is not None
    if gone is not None:
        st.error(
            f"Not stored: the series '{md(gone[1])}' you chose to update was deleted or unshared "
            "in another session; nothing was written. Check 'Store as' and commit again.",
            icon=":material/block:",
        )


# The stored series the import went to on the run before, as it was then (None: a new one).
_MEANT = "_oi_meant"


def _still_meant(row: dict[str, Any] | None, name: str) -> None:
    """Refuse a Commit whose series is not the one, as it was, that the preview was shown for:
    another session stored a series of the typed name (a new series would replace its rows),
    changed the series (the changes shown are no longer what is written) or removed it."""
    now = None if row is None else (str(row["series_id"]), str(row["updated_at"]))
    before = st.session_state.get(_MEANT, now)
    st.session_state[_MEANT] = now
    if before != now and st.session_state.get(writes.IMPORT_COMMIT):
        st.session_state[_TARGET_GONE] = True
        st.error(
            f"Not stored: the series '{md(name.strip())}' is not as it was when the changes were "
            "shown (the name was changed, or a series of that name was stored, changed or "
            "removed in another session); nothing was written. Check what the import changes "
            "now, below, and commit again.",
            icon=":material/block:",
        )


def _target(store: UserStore, source: Source) -> tuple[dict[str, Any] | None, str, str, str]:
    """(the stored series this import updates or None, name, institution, period)."""
    listing = store.own_series(db.principal())
    editable = listing[listing["can_edit"]] if len(listing) else listing
    ids = [NEW, *editable["series_id"].astype(str)]
    names = own_overview.series_labels(editable)
    _target_gone(ids)
    a, b = st.columns(2)
    target = a.selectbox(
        "Store as",
        ids,
        format_func=lambda s: "a new series" if s == NEW else f"an update of '{names[s]}'",
        key="oi_target",
    )
    writes.drawn(_TARGET_DRAWN, None if target == NEW else target, names.get(target, ""))
    row = None if target == NEW else editable[editable["series_id"] == target].iloc[0].to_dict()
    if row is None:
        name = b.text_input(
            "Series name *", _proposed_name(source), key=f"oi_name_{source.digest()}"
        )
        try:  # the series this name means for this person, as the store will take it
            row = store.import_target(db.principal(), name)
        except SeriesInvalid as exc:
            st.error(
                "Choose the series to update under 'Store as', or give another name:\n\n"
                + bullets(exc.messages)
            )
            st.stop()
        if row is not None:
            st.info(f"A series named '{md(name.strip())}' exists: this import updates it.")
    else:
        b.text_input("Series name", row["name"], disabled=True, key=f"oi_name_fixed_{target}")
        name = str(row["name"])
    _still_meant(row, name)
    c, d = st.columns(2)
    inst = c.text_input("Institution", _text(row, "institution"), key=f"oi_inst_{target}")
    period = d.text_input(
        "Treatment period",
        _text(row, "period_text"),
        key=f"oi_period_{target}",
        placeholder="e.g. 2015-2023",
    )
    return row, name, inst, period


def _proposed_name(source: Source) -> str:
    """The file's name as the new series' name, unless it holds a calendar date: an export named
    for its patient ('Smith_John_1970-01-01.csv') must not name the series (the store refuses a
    date in a name; the user types one instead)."""
    if source.example:
        return EXAMPLE_NAME
    stem = Path(source.courses.name).stem
    return "" if looks_like_date(stem) else stem


def _text(row: dict[str, Any] | None, col: str) -> str:
    v = None if row is None else row.get(col)
    return "" if v is None or pd.isna(v) else str(v)


def _codes(row: dict[str, Any] | None) -> tuple[bool, Upload | None]:
    """The study-code confirmation, and the key file an update of a pseudonymised series needs."""
    study = st.checkbox(
        "The patient codes are study codes, not hospital numbers: keep them",
        key="oi_study_codes",
        help="Codes that may be hospital numbers (6 or more digits in a row, 9 or more digits, a "
        "date) are replaced by series-local pseudonyms unless you confirm this; a code written "
        "like a date (12.03.56) is then refused. Names and e-mail addresses are always replaced.",
    )
    if row is None or not bool(row.get("pseudonymised")):
        return study, None
    up = st.file_uploader(
        "This series was stored with pseudonyms: its key file (CSV, from the first import) *",
        type=["csv"],
        key=f"oi_key_{st.session_state.get('oi_gen', 0)}",
    )
    return study, None if up is None else Upload(up.name, up.getvalue())


def _key(upload: Upload | None) -> tuple[dict[str, str] | None, list[str]]:
    if upload is None:
        return None, []
    key, problems = read_key(upload.data, upload.name)
    merged, more = merge_keys([key])
    return merged, [str(p) for p in problems + more]


def _prepare(
    store: UserStore,
    source: Source,
    row: dict[str, Any] | None,
    mapping: dict[str, dict[str, str]],
    study: bool,
    key: dict[str, str] | None,
) -> PreparedImport:
    """prepare_import, remembered for this session while its inputs stay the same."""
    sig = json.dumps(
        [source.digest(), mapping, study, key, row and (row["series_id"], str(row["updated_at"]))],
        sort_keys=True,
        default=str,
    )
    cached = st.session_state.get("oi_prepared")
    if cached is not None and cached[0] == sig:
        return cached[1]
    previous: OwnSeriesFrames | None = None
    if row is not None:
        previous = store.series_frames(db.principal(), str(row["series_id"]))
    with st.spinner("Reading and checking the file…"):
        prepared = prepare_import(
            source.courses,
            source.assessments,
            mapping=mapping or None,
            study_codes=study,
            key=key,
            previous=previous,
            previous_pseudonymised=None if row is None else bool(row["pseudonymised"]),
        )
    st.session_state["oi_prepared"] = (sig, prepared)
    return prepared


def _commit(
    store: UserStore,
    prepared: PreparedImport,
    series_id: str | None,
    name: str,
    inst: str,
    period: str,
) -> None:
    """Store the import: an update of ``series_id`` (the series shown as updated), else a new one."""
    assert prepared.frames is not None
    try:
        result = store.apply_import(
            db.principal(),
            name,
            prepared.frames,
            mapping=prepared.mapping,
            pseudonymised=prepared.pseudonymised,
            institution=inst,
            period=period,
            validate=validate_own_series,
            series_id=series_id,
            create_only=series_id is None,
            previous=prepared.previous,
        )
    except SeriesInvalid as exc:
        st.error("The series was refused; nothing was written.\n\n" + bullets(exc.messages))
        return
    except (PermissionDenied, UserDataUnavailable) as exc:
        st.error(f"{md(exc)}{nothing_written(exc)}", icon=":material/error:")
        return
    st.session_state["oi_done"] = {
        "result": result,
        "key": key_csv(prepared.key) if prepared.key else None,
    }
    for k in ("oi_example", "oi_prepared", "oi_target", "oi_study_codes"):
        st.session_state.pop(k, None)
    st.session_state["oi_gen"] = st.session_state.get("oi_gen", 0) + 1
    st.rerun()


def _done(done: dict[str, Any]) -> None:
    r = done["result"]
    verb = "Created" if r.created else ("Nothing changed in" if r.unchanged else "Updated")
    st.success(
        f"{verb} the series '{md(r.name)}': {r.patients} patients, {r.courses} courses, "
        f"{r.assessments} assessments"
        + (
            ""
            if r.created or r.unchanged
            else f" ({r.rows_added} rows added, {r.rows_changed} changed, {r.rows_removed} removed)"
        )
        + ". Open it in the analysis pages or record follow-up on the Follow-up page.",
        icon=":material/check_circle:",
    )
    if done["key"] is not None:
        st.warning(
            "**Download the pseudonym key now.** It links the pseudonyms to your patient codes. "
            "PlexRT does not keep it anywhere: it is offered only here, once. Keep it safe (it "
            "re-identifies the patients); an update of this series needs it.",
            icon=":material/key:",
        )
        st.download_button(
            "Download the pseudonym key (CSV)",
            done["key"],
            file_name=f"pseudonym_key_{r.series_id}.csv",
            mime="text/csv",
            icon=":material/key:",
            on_click="ignore",
            key="oi_key_download",
        )
    label = "I have saved the key: import another file" if done["key"] else "Import another file"
    if st.button(label, key="oi_again"):
        st.session_state.pop("oi_done", None)
        st.rerun()


def render() -> None:
    st.title("Import a series")
    st.caption(
        "Your department's own patients, one row per irradiated site, in the PlexRT template. "
        "Dates become days from each patient's first RT start; no date, name or hospital number "
        "is stored. Nothing is written until you press Commit, and nothing at all when the file "
        "has a problem."
    )
    store = db.user_data()
    if store is None:
        st.info("Importing needs the user database, which cannot be used now (see above).")
        return
    if "oi_done" in st.session_state:
        _done(st.session_state["oi_done"])
        return
    source = _source()
    if source is None:
        st.info("Upload a file, or try the synthetic example.", icon=":material/upload_file:")
        return
    if source.example:
        st.info(
            f"Using the synthetic example `{EXAMPLE.name}`: invented patients, not real people.",
            icon=":material/science:",
        )
    _flow(store, source)


def _flow(store: UserStore, source: Source) -> None:
    row, name, inst, period = _target(store, source)
    remembered = own_mapping.stored_mapping(None if row is None else row.get("column_mapping"))
    sig = f"{source.digest()}_{'' if row is None else row['series_id']}"
    mapping, map_problems = own_import_parts.mapping(
        _headers(source.digest(), source), remembered, sig
    )
    study, key_file = _codes(row)
    key, key_problems = _key(key_file)
    if map_problems or key_problems:
        st.error("Correct these first:\n\n" + bullets(map_problems + key_problems))
        return
    prepared = _prepare(store, source, row, mapping, study, key)
    if not prepared.ok:
        own_import_parts.refusal(prepared, source.courses.name)
        return
    st.header("What will be stored")
    own_import_parts.preview(prepared)
    if row is not None and not own_import_parts.changes(prepared):
        return
    if prepared.key:
        st.caption(
            "The patient codes are replaced by pseudonyms: after the commit you get the key (once; "
            "PlexRT does not keep it)."
        )
    verb = "Commit the update" if row is not None else "Commit: store the series"
    pressed = st.button(verb, type="primary", icon=":material/save:", key=writes.IMPORT_COMMIT)
    if pressed and not st.session_state.get(_TARGET_GONE):
        _commit(store, prepared, None if row is None else str(row["series_id"]), name, inst, period)
