"""Patient-level exports of an own series (CSV of its rows, HTML report, PPTX with per-patient
rows): every one passes ``UserStore.record_export``, the store's one check and record of exports.

The file is made when the button is pressed (Streamlit's deferred download), right after the store
has checked that the person may read the series at that moment and has recorded the export (who,
when, which series, what, how many rows) in the audit trail. A refusal leaves no file.
Exports of the bundled published series (not patient data of the department) do not pass here.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from plexrt.ui import db


def audited_download(
    label: str,
    *,
    series_id: str,
    what: str,
    make: Callable[[], bytes],
    rows: int | None,
    file_name: str,
    mime: str,
    key: str,
) -> None:
    """A download button for a patient-level export of the own series ``series_id``."""

    store, who = db.user_store(), db.principal()  # the click runs outside this script run

    def checked() -> bytes:
        store.record_export(who, series_id, what=what, rows=rows)  # refuses, or records
        return make()

    st.download_button(
        label,
        data=checked,
        file_name=file_name,
        mime=mime,
        on_click="ignore",
        key=key,
        help="Patient-level data: the download is recorded in the audit trail.",
    )
