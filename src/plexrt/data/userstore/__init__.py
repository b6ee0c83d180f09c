"""The user store: everything a user adds, kept apart from the bundled data and never touched by a
rebuild (own series and their follow-up, saved board cases, user-added literature series, sharing,
and the audit trail). A DuckDB file by default, PostgreSQL for a team (``$PLEXRT_USER_DB``).

Every call takes the acting ``plexrt.data.access.Principal``. Modules: ``store`` (the API, its
audit calls in ``store_audit``), ``location`` (where it is), ``engine`` (opening either backend),
``failures`` (the database's errors in words), ``outcome`` (a write whose COMMIT lost its
connection), ``migrate`` (Alembic on open), ``own`` / ``details`` (a series' name, institution,
period) / ``patients`` (one patient's rows) / ``overview`` (the Data page's counts, in SQL) /
``followup`` / ``sharing`` / ``literature`` /
``cases`` (the operations), ``changes`` (diffs and follow-up edits), ``checks`` (storage rules),
``bulk`` (fast whole-table writes), ``audit`` (the hash-chained trail).
"""

from __future__ import annotations

from plexrt.data.userstore.audit import AuditCheck
from plexrt.data.userstore.changes import Change, apply_changes, diff
from plexrt.data.userstore.details import SeriesDetails
from plexrt.data.userstore.engine import default_target
from plexrt.data.userstore.errors import (
    NothingToUndo,
    SeriesInvalid,
    UserDataBusy,
    UserDataUnavailable,
    WriteOutcomeUnknown,
    nothing_written,
    unless_unknown,
)
from plexrt.data.userstore.own import ImportResult
from plexrt.data.userstore.store import UserStore

__all__ = [
    "AuditCheck",
    "Change",
    "ImportResult",
    "NothingToUndo",
    "SeriesDetails",
    "SeriesInvalid",
    "UserDataBusy",
    "UserDataUnavailable",
    "UserStore",
    "WriteOutcomeUnknown",
    "nothing_written",
    "unless_unknown",
    "apply_changes",
    "default_target",
    "diff",
]
