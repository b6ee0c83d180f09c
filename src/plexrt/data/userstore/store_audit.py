"""The audit trail's calls of ``UserStore``: events recorded (sign-in, sign-out, exports) and the
trail read, exported and verified. Each call is one transaction of the store (``_read`` /
``_write``), as every other call of ``UserStore`` is."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager
from typing import Any

import pandas as pd
import sqlalchemy as sa

from plexrt.data.access import Principal, require
from plexrt.data.userstore import audit, sharing
from plexrt.data.userstore.audit import AuditCheck

EVENT_ACTIONS = ("sign_in", "sign_out", "export")


class AuditCalls:
    """The audit part of ``UserStore`` (which gives the connections)."""

    def _read(self) -> AbstractContextManager[sa.Connection]:
        raise NotImplementedError

    def _write(self) -> AbstractContextManager[sa.Connection]:
        raise NotImplementedError

    def log_event(
        self,
        principal: Principal,
        action: str,
        *,
        series_id: str | None = None,
        patient_id: str | None = None,
        detail: Mapping[str, Any] | None = None,
    ) -> int:
        """Record a sign-in, sign-out or export (of a series the principal may read)."""
        if action not in EVENT_ACTIONS:
            raise ValueError(f"log_event records {', '.join(EVENT_ACTIONS)}, not {action!r}")
        with self._write() as conn:
            if series_id is not None:
                sharing.checked(conn, principal, series_id, "read")
            return audit.append(
                conn,
                actor=principal.user_id,
                action=action,
                series_id=series_id,
                patient_id=patient_id,
                detail=dict(detail or {}),
            )

    def record_export(
        self,
        principal: Principal,
        series_id: str,
        *,
        what: str,
        rows: int | None = None,
        detail: Mapping[str, Any] | None = None,
    ) -> int:
        """The one check of every patient-level export of an own series (cohort CSV, HTML report,
        PPTX, ...): refused (``PermissionDenied``) unless the principal may read the series now,
        else recorded in the audit trail (what, how many rows) before the file is made."""
        extra = {
            "what": what,
            **({"rows": int(rows)} if rows is not None else {}),
            **(detail or {}),
        }
        return self.log_event(principal, "export", series_id=series_id, detail=extra)

    def audit_log(
        self,
        principal: Principal,
        *,
        series_id: str | None = None,
        actor: str | None = None,
        action: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> pd.DataFrame:
        """Entries newest first, filtered by series, actor and action (admins only)."""
        require(principal.role == "admin", principal, "read the audit trail")
        with self._read() as conn:
            return audit.log(conn, series_id, limit, actor=actor, action=action, offset=offset)

    def audit_count(
        self,
        principal: Principal,
        *,
        series_id: str | None = None,
        actor: str | None = None,
        action: str | None = None,
    ) -> int:
        require(principal.role == "admin", principal, "read the audit trail")
        with self._read() as conn:
            return audit.count(conn, series_id, actor=actor, action=action)

    def audit_actors(self, principal: Principal) -> list[str]:
        require(principal.role == "admin", principal, "read the audit trail")
        with self._read() as conn:
            return audit.actors(conn)

    def audit_series(self, principal: Principal) -> dict[str, str]:
        """{series id: name} of every series in the trail, deleted ones too (admins only)."""
        require(principal.role == "admin", principal, "read the audit trail")
        with self._read() as conn:
            return audit.series_names(conn)

    def export_audit(
        self,
        principal: Principal,
        *,
        series_id: str | None = None,
        actor: str | None = None,
        action: str | None = None,
    ) -> pd.DataFrame:
        """The filtered trail for a CSV file (admins only); the export itself is recorded in the
        trail, in the same transaction as the read."""
        require(principal.role == "admin", principal, "export the audit trail")
        filters = {"series_id": series_id, "actor": actor, "action": action}
        with self._write() as conn:
            log = audit.log(conn, series_id, None, actor=actor, action=action)
            audit.append(
                conn,
                actor=principal.user_id,
                action="export",
                detail={
                    "what": "audit trail",
                    "rows": len(log),
                    "filter": {k: v for k, v in filters.items() if v is not None},
                },
            )
        return log

    def verify_audit(self) -> AuditCheck:
        with self._read() as conn:
            return audit.verify(conn)
