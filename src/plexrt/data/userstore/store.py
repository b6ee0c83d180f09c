"""``UserStore``: every read and write of user data, each call on behalf of a ``Principal``.

One call = one transaction. Writes check access (``plexrt.data.access``), validate whole, write,
and append the audit entry in that same transaction; nothing is written unless all of it is.
Failures of the database itself raise ``UserDataUnavailable`` (``UserDataBusy`` when another
program holds a DuckDB file); refused values ``SeriesInvalid``; refused access ``PermissionDenied``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa

from plexrt.data.access import Principal, require_role
from plexrt.data.curve_schema import CurveSeries
from plexrt.data.own_schema import OwnSeriesFrames
from plexrt.data.userstore import cases, curves, followup, migrate, own, patients, sharing
from plexrt.data.userstore import details as details_mod
from plexrt.data.userstore import engine as eng
from plexrt.data.userstore import literature as user_lit
from plexrt.data.userstore import overview as overview_mod
from plexrt.data.userstore.changes import Change
from plexrt.data.userstore.details import SeriesDetails
from plexrt.data.userstore.errors import UserDataUnavailable
from plexrt.data.userstore.own import ImportResult, Validator
from plexrt.data.userstore.store_audit import AuditCalls


class UserStore(AuditCalls):
    """The user database at ``target`` (a DuckDB file path or a postgresql:// URL; default
    ``$PLEXRT_USER_DB`` or the platform data folder), upgraded to this PlexRT's schema on open."""

    def __init__(
        self,
        target: str | os.PathLike[str] | None = None,
        *,
        busy_wait_s: float = eng.BUSY_WAIT_S,
    ):
        self.location = eng.locate(target)
        self.busy_wait_s = busy_wait_s
        self.revision = migrate.ensure_current(self.location, busy_wait_s)

    @property
    def path(self) -> Path | None:
        """The DuckDB file (None for PostgreSQL)."""
        return self.location.path

    @property
    def where(self) -> str:
        return self.location.shown

    # -- connections ------------------------------------------------------------------------

    @contextmanager
    def _read(self) -> Iterator[sa.Connection]:
        with eng.reading(self.location, self.busy_wait_s) as conn:
            yield conn

    @contextmanager
    def _write(self) -> Iterator[sa.Connection]:
        with eng.writing(self.location, self.busy_wait_s) as conn:
            yield conn

    def check(self) -> None:
        """Raise UserDataUnavailable (at once, without waiting for another program) when the
        database cannot be used now."""
        with eng.reading(self.location, wait_s=0.0) as conn:
            have = migrate.current_revision(conn)
        if have != self.revision:
            raise UserDataUnavailable(self.where, f"its schema changed under PlexRT ({have})")

    def available(self) -> bool:
        """Cheap: can the database be used right now? (``check`` says why not.)"""
        try:
            self.check()
        except UserDataUnavailable:
            return False
        return True

    def release(self) -> None:
        """Close this process's hold on the database (a DuckDB file is then free for others)."""
        eng.release(self.location)

    # -- user-added literature series --------------------------------------------------------

    def series(self, principal: Principal) -> pd.DataFrame:
        """All user-added literature series, oldest first, in the literature table's columns."""
        require_role(principal, "viewer", "read the literature")
        with self._read() as conn:
            return user_lit.series(conn)

    def add_series(self, principal: Principal, record: Mapping[str, Any]) -> str:
        """Validate and store a new literature series; returns its key."""
        with self._write() as conn:
            return user_lit.add(conn, principal, record)

    def update_series(self, principal: Principal, key: str, record: Mapping[str, Any]) -> None:
        with self._write() as conn:
            user_lit.update(conn, principal, key, record)

    def delete_series(self, principal: Principal, key: str) -> None:
        """Delete a literature series, with its published curve's rows when it has one."""
        with self._write() as conn:
            user_lit.delete(conn, principal, key, curves.delete_rows)

    # -- published Kaplan-Meier curves (literature series with reconstructed patients) --------

    def add_curve_series(self, principal: Principal, curve: CurveSeries) -> str:
        """Validate whole, then store a curve series (its literature series, points, risk
        table, reconstructed patients, provenance) and one audit entry; returns its key."""
        prepared = curves.prepare(principal, curve)
        with self._write() as conn:
            return curves.add(conn, principal, prepared)

    def curve_series(self, principal: Principal) -> pd.DataFrame:
        """Every stored curve series with its citation, oldest first."""
        require_role(principal, "viewer", "read the literature")
        with self._read() as conn:
            return curves.listing(conn)

    def curve_ipd(self, principal: Principal, keys: Iterable[str]) -> pd.DataFrame:
        """The reconstructed patients (series_key, time_days, event) of the given curve series."""
        require_role(principal, "viewer", "read the literature")
        with self._read() as conn:
            return curves.ipd(conn, keys)

    def curve_inputs(self, principal: Principal, key: str) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(points, risk table) of a curve series, as given."""
        require_role(principal, "viewer", "read the literature")
        with self._read() as conn:
            return curves.inputs(conn, key)

    # -- saved board cases -------------------------------------------------------------------

    def save_case(self, principal: Principal, case: Any, label: str | None = None) -> str:
        """Keep a board case (a validated ``plexrt.board.case.Case``) at the user's request."""
        with self._write() as conn:
            return cases.save(conn, principal, case, label)

    def cases(self, principal: Principal) -> pd.DataFrame:
        with self._read() as conn:
            return cases.listing(conn, principal)

    def delete_case(self, principal: Principal, case_id: str) -> None:
        with self._write() as conn:
            cases.delete(conn, principal, case_id)

    def relabel_case(self, principal: Principal, case_id: str, label: str | None) -> None:
        with self._write() as conn:
            cases.relabel(conn, principal, case_id, label)

    # -- own series ----------------------------------------------------------------------------

    def own_series(self, principal: Principal) -> pd.DataFrame:
        """The own series the principal may see: their record, patient and course counts, and
        ``can_edit`` / ``can_manage`` for this principal."""
        with self._read() as conn:
            return sharing.listing(conn, principal)

    def series_frames(self, principal: Principal, series_id: str) -> OwnSeriesFrames:
        with self._read() as conn:
            sharing.checked(conn, principal, series_id, "read")
            return own.load_frames(conn, series_id)

    def series_counts(self, principal: Principal, series_id: str) -> overview_mod.SeriesCounts:
        """How many patients, courses, assessments, deaths and relapses the series holds, and the
        codes that may be one code written two ways (counted in SQL; no row of the series read)."""
        with self._read() as conn:
            sharing.checked(conn, principal, series_id, "read")
            return overview_mod.counts(conn, series_id)

    def patient_codes_version(self, principal: Principal, series_id: str) -> int:
        """The last change of the series that could add or remove a patient (its import, or
        a later batch adding or removing a patient row): the code list is the same while it is."""
        with self._read() as conn:
            sharing.checked(conn, principal, series_id, "read")
            return patients.codes_version(conn, series_id)

    def patient_codes(self, principal: Principal, series_id: str) -> list[str]:
        """Every patient code of the series (to find one patient; no other column is read)."""
        with self._read() as conn:
            sharing.checked(conn, principal, series_id, "read")
            return patients.codes(conn, series_id)

    def patient_frames(
        self, principal: Principal, series_id: str, patient_id: str
    ) -> OwnSeriesFrames:
        """The rows of one patient of the series (empty tables for a code it does not hold)."""
        with self._read() as conn:
            sharing.checked(conn, principal, series_id, "read")
            return patients.one_patient(conn, series_id, patient_id)

    def apply_import(
        self,
        principal: Principal,
        name: str,
        frames: OwnSeriesFrames,
        *,
        mapping: Mapping[str, Any] | None = None,
        pseudonymised: bool,
        institution: str | None = None,
        period: str | None = None,
        validate: Validator | None = None,
        series_id: str | None = None,
        create_only: bool = False,
        previous: OwnSeriesFrames | None = None,
    ) -> ImportResult:
        """Create the series ``name``, or replace its rows with ``frames`` (an identical import
        changes nothing); rows, change history and audit entry in one transaction. The series
        updated is ``series_id`` when given, else the one ``name`` means for this principal
        (``import_target``). ``create_only``: the import was checked and shown as a new series; refused
        when ``name`` now means a stored one (another session stored it meanwhile). ``previous``:
        the stored rows the update's changes were shown against; refused when the series no longer
        holds them (another session changed it meanwhile)."""
        prepared = own.prepare_import(
            principal,
            name,
            frames,
            mapping=mapping,
            pseudonymised=pseudonymised,
            institution=institution,
            period=period,
            validate=validate,
            previous=previous,
        )
        with self._write() as conn:
            return own.apply_import(conn, principal, prepared, series_id, create_only=create_only)

    def import_target(self, principal: Principal, name: str) -> dict[str, Any] | None:
        """The stored series an import called ``name`` updates for this principal (their own of
        that name, else the only one they may see), None when it creates one; SeriesInvalid when
        several series they may see, none theirs, are called so (``sharing.named``)."""
        with self._read() as conn:
            return sharing.series_named(conn, principal, name.strip())

    def record_follow_up(
        self,
        principal: Principal,
        series_id: str,
        changes: Iterable[Change],
        *,
        validate: Validator | None = None,
    ) -> int | None:
        """Apply follow-up changes to the series as stored now; returns the batch id (None when
        the changes change nothing). ``validate`` (the import side's ``validate_own_series``)
        sees the rows of the patients the changes concern, each patient whole."""
        with self._write() as conn:
            return followup.record(conn, principal, series_id, changes, validate)

    def undo_last(
        self,
        principal: Principal,
        series_id: str,
        *,
        expected_batch: int | None = None,
        validate: Validator | None = None,
    ) -> int:
        """Reverse the latest change batch not undone yet (refused when it is not
        ``expected_batch``, given); returns the new batch's id."""
        with self._write() as conn:
            return followup.undo_last(conn, principal, series_id, expected_batch, validate)

    def history(
        self,
        principal: Principal,
        series_id: str,
        *,
        patient_id: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> pd.DataFrame:
        """The change history of the series (or of one patient's rows), newest first; at most
        ``limit`` lines after the ``offset`` newest (read in SQL, never the whole history)."""
        with self._read() as conn:
            return followup.history(conn, principal, series_id, patient_id, limit, offset)

    def history_size(
        self, principal: Principal, series_id: str, *, patient_id: str | None = None
    ) -> int:
        """How many lines ``history`` holds for the same scope."""
        with self._read() as conn:
            return followup.history_size(conn, principal, series_id, patient_id)

    def history_page(
        self,
        principal: Principal,
        series_id: str,
        *,
        patient_id: str | None = None,
        limit: int,
        page: int,
    ) -> tuple[int, int, pd.DataFrame]:
        """(lines in all, the page shown, its lines): page ``page`` (from 1) of ``limit`` lines
        of ``history``, moved into range, with the count read in the same transaction, so that
        a write by another session in between cannot make them disagree."""
        with self._read() as conn:
            total = followup.history_size(conn, principal, series_id, patient_id)
            page = min(max(int(page), 1), max(1, -(-total // limit)))
            offset = (page - 1) * limit
            lines = followup.history(conn, principal, series_id, patient_id, limit, offset)
            return total, page, lines

    def history_batches(self, principal: Principal, series_id: str) -> pd.DataFrame:
        """One row per import, follow-up entry or undo of the series, newest first, with the
        number of values it changed (counted in SQL; the lines themselves are not read)."""
        with self._read() as conn:
            return followup.batches(conn, principal, series_id)

    def latest_undoable(self, principal: Principal, series_id: str) -> int | None:
        """The entry 'Undo latest entry' would reverse now (None when there is none)."""
        with self._read() as conn:
            return followup.latest_undoable(conn, principal, series_id)

    def edit_details(
        self,
        principal: Principal,
        series_id: str,
        details: SeriesDetails,
        *,
        previous: SeriesDetails | None = None,
    ) -> list[str]:
        """Rename the series, change its institution and period (``details.edit``): the fields
        changed, [] when none; refused whole, as an import is, and when the details are no longer
        ``previous`` (those the edit was begun from: another session changed them)."""
        with self._write() as conn:
            return details_mod.edit(conn, principal, series_id, details, previous)

    def delete_own_series(self, principal: Principal, series_id: str) -> None:
        with self._write() as conn:
            sharing.delete(conn, principal, series_id)

    # -- sharing -------------------------------------------------------------------------------

    def set_sharing(self, principal: Principal, series_id: str, level: str) -> None:
        """'private' | 'users' (the named grantees) | 'department' (everyone signed in)."""
        with self._write() as conn:
            sharing.set_sharing(conn, principal, series_id, level)

    def grant(
        self, principal: Principal, series_id: str, grantee: str, *, can_edit: bool = False
    ) -> str:
        """Share with one grantee; the grantee as stored (normalised: 'Bob@X.org' -> 'bob@x.org')."""
        with self._write() as conn:
            return sharing.grant(conn, principal, series_id, grantee, can_edit)

    def revoke(self, principal: Principal, series_id: str, grantee: str) -> str:
        """Stop sharing with one grantee; the sharing level afterwards ('private' once the last
        named user of a series shared with named users is gone)."""
        with self._write() as conn:
            return sharing.revoke(conn, principal, series_id, grantee)

    def transfer(self, principal: Principal, series_id: str, new_owner: str) -> str:
        """Give the series to another owner; the new owner as stored (normalised)."""
        with self._write() as conn:
            return sharing.transfer(conn, principal, series_id, new_owner)

    def grants(self, principal: Principal, series_id: str) -> pd.DataFrame:
        with self._read() as conn:
            sharing.checked(conn, principal, series_id, "read")
            return sharing.grants_of(conn, series_id)
