"""Patient-level exports of an own series (CSV of its rows, HTML report, PPTX with per-patient
rows): every one passes ``UserStore.record_export``, the store's one check and record of exports.

The file is made when the button is pressed (Streamlit's deferred download), right after the store
has checked that the person may read the series at that moment and has recorded the export (who,
when, which series, what, how many rows) in the audit trail. A refusal leaves no file.
Exports of the bundled published series (not patient data of the department) do not pass here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from plexrt.data.access import Principal
from plexrt.data.userstore import UserStore
from plexrt.ui import db


def audited_download(
    label: str,
    *,
    series_id: str | None,
    what: str,
    make: Callable[[], bytes],
    rows: int | None,
    file_name: str,
    mime: str,
    key: str,
    container: Any = st,
) -> None:
    """A download button (in ``container``) for a patient-level export of the own series
    ``series_id``, or (None) of the person's own records outside any series (saved board cases)."""

    store, who = db.user_store(), db.principal()  # the click runs outside this script run

    def checked() -> bytes:
        record(store, who, series_id, what, rows)  # refuses, or records
        return make()

    container.download_button(
        label,
        data=checked,
        file_name=file_name,
        mime=mime,
        on_click="ignore",
        key=key,
        help="Patient-level data: the download is recorded in the audit trail.",
    )


def record(
    store: UserStore, who: Principal, series_id: str | None, what: str, rows: int | None
) -> None:
    """Check and record one patient-level export: of an own series (``record_export``: refused
    unless ``who`` may read it now), or of the person's records outside any series."""
    if series_id is not None:
        store.record_export(who, series_id, what=what, rows=rows)
        return
    store.log_event(
        who, "export", detail={"what": what, **({"rows": rows} if rows is not None else {})}
    )


def own_in_view() -> str | None:
    """The own series whose rows the pages show now (alone, or compared with the published
    series), else None."""
    from plexrt.ui.series_state import series_choice

    choice = series_choice()
    return choice.own_id if (choice.is_own or choice.is_compare) and choice.own_id else None


def download(
    container: Any,
    label: str,
    data: bytes | str | Callable[[], bytes],
    file_name: str,
    *,
    mime: str,
    what: str,
    key: str | None = None,
    rows: int | None = None,
    **kw: Any,
) -> None:
    """A download of what a page shows: when an own series is in view it is a patient-level
    export of that series (``audited_download``: checked and recorded when pressed); for the
    published series alone, a plain download. ``data`` may be a function that makes the file,
    called only when the button is pressed (a large table is not written on every rerun)."""
    sid = own_in_view()
    if sid is None:
        container.download_button(label, data, file_name, mime=mime, key=key, **kw)
        return
    if callable(data):
        make = data
    else:
        payload = data.encode("utf-8") if isinstance(data, str) else data

        def make() -> bytes:
            return payload

    audited_download(
        label,
        series_id=sid,
        what=what,
        make=make,
        rows=rows,
        file_name=file_name,
        mime=mime,
        key=key or f"dl_{what}",
        container=container,
    )
