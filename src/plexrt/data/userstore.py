"""The user's own additions (literature series for now), kept apart from the bundled data.

They live in a second DuckDB file (``$PLEXRT_USER_DB``, else ``~/.local/share/plexrt/``) that
``plexrt build-db`` never touches. Each operation opens the file, works in one transaction and closes
it, under a process-wide lock, so two browser sessions (threads) or two app processes take turns and
neither loses a row. Opening an older file adds any column a newer PlexRT expects (never drops one).
"""

from __future__ import annotations

import os
import re
import threading
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from plexrt.data import literature as lit
from plexrt.data.values import is_missing, parse_number


def _platform_dir() -> Path:
    # Outside the checkout and the virtualenv, so a re-clone or a new .venv keeps the user's rows.
    import platformdirs

    return platformdirs.user_data_path("plexrt", appauthor=False)


SCHEMA_VERSION = "2"
_LOCK = threading.Lock()
# Tables whose rows belong to a user series (user_schema.sql): deleted with it.
SERIES_CHILD_TABLES = ("curve_ipd", "curve_points", "curve_risk", "curve_series")


class SeriesInvalid(ValueError):
    """The record was refused; ``messages`` name each field and what is wrong with it."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("; ".join(messages))


def default_user_db() -> Path:
    """``$PLEXRT_USER_DB``, else the user's data folder (Linux: ~/.local/share/plexrt/)."""
    env = os.environ.get("PLEXRT_USER_DB")
    return Path(env) if env else _platform_dir() / "plexrt-user.duckdb"


class UserDataBusy(RuntimeError):
    """Another program holds the user's data file; nothing was read or written."""

    def __init__(self, path: Path):
        super().__init__(
            f"Your own series and cases ({path}) are open in another program (for example a "
            "notebook or a second PlexRT). Close it and reload; nothing was changed."
        )


def _schema() -> str:
    return resources.files("plexrt.data").joinpath("user_schema.sql").read_text(encoding="utf-8")


class UserStore:
    """User-added literature series. All writes go through add / update / delete."""

    def __init__(self, path: Path | str | None = None, timeout_s: float = 10.0):
        self.path = Path(path) if path else default_user_db()
        self.timeout_s = timeout_s
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._open() as con:
            self._migrate(con)

    # -- connection ---------------------------------------------------------------------------

    def _open(self, read_only: bool = False, timeout_s: float | None = None):
        """Open the file, waiting briefly while another process holds it (readers share it)."""
        limit = self.timeout_s if timeout_s is None else timeout_s
        deadline = time.monotonic() + limit
        while True:
            try:
                return duckdb.connect(str(self.path), read_only=read_only)
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower():
                    raise
                if time.monotonic() > deadline:
                    raise UserDataBusy(self.path) from None
                time.sleep(0.05)

    def _migrate(self, con) -> None:
        with _LOCK:
            con.execute(_schema())
            have = {
                r[0]
                for r in con.execute(
                    "SELECT column_name FROM information_schema.columns "
                    "WHERE table_name = 'user_series'"
                ).fetchall()
            }
            for spec in lit.COLUMNS:
                if spec.name not in have:
                    con.execute(f'ALTER TABLE user_series ADD COLUMN "{spec.name}" {spec.sql_type}')
            for name in ("created_at", "updated_at"):
                if name not in have:
                    con.execute(f"ALTER TABLE user_series ADD COLUMN {name} TIMESTAMP")
            con.execute(
                "INSERT OR REPLACE INTO user_meta VALUES ('schema_version', ?)", [SCHEMA_VERSION]
            )

    # -- reads --------------------------------------------------------------------------------

    def series(self) -> pd.DataFrame:
        """All user-added series, oldest first, in the literature table's columns."""
        cols = ", ".join(f'"{c}"' for c in lit.COLUMN_NAMES)
        with _LOCK, self._open(read_only=True, timeout_s=3.0) as con:
            df = con.execute(
                f"SELECT {cols}, created_at, updated_at FROM user_series ORDER BY created_at, series_key"  # noqa: S608 -- column names from the schema spec
            ).df()
        return df

    # -- writes -------------------------------------------------------------------------------

    def add_series(self, record: Mapping[str, Any]) -> str:
        """Validate and store a new series; returns its key. Nothing is stored if invalid."""
        clean = _clean(record)
        key = _new_key(clean)
        clean["series_key"] = key
        cols = list(clean)
        with _LOCK, self._open() as con:
            con.execute("BEGIN TRANSACTION")
            try:
                con.execute(
                    f"INSERT INTO user_series ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",  # noqa: S608
                    [clean[c] for c in cols],
                )
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        return key

    def update_series(self, key: str, record: Mapping[str, Any]) -> None:
        clean = _clean(record)
        clean.pop("series_key", None)
        sets = ", ".join(f"{c} = ?" for c in clean)
        with _LOCK, self._open() as con:
            con.execute("BEGIN TRANSACTION")
            try:
                n = con.execute(
                    f"UPDATE user_series SET {sets}, updated_at = current_timestamp "  # noqa: S608
                    "WHERE series_key = ? RETURNING series_key",
                    [*clean.values(), key],
                ).fetchall()
                if not n:
                    raise KeyError(f"no user-added series with key {key!r}")
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise

    def save_case(self, case, label: str | None = None) -> str:
        """Keep a board case (a validated ``plexrt.matcher.Case``) at the user's request."""
        row = _case_row(case.validate(), label)
        cols = list(row)
        with _LOCK, self._open() as con:
            con.execute(
                f"INSERT INTO user_cases ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",  # noqa: S608
                [row[c] for c in cols],
            )
        return row["case_id"]

    def cases(self) -> pd.DataFrame:
        with _LOCK, self._open(read_only=True, timeout_s=3.0) as con:
            return con.execute("SELECT * FROM user_cases ORDER BY saved_at").df()

    def delete_series(self, key: str) -> None:
        with self.transaction() as con:
            for table in SERIES_CHILD_TABLES:
                con.execute(f"DELETE FROM {table} WHERE series_key = ?", [key])  # noqa: S608
            n = con.execute(
                "DELETE FROM user_series WHERE series_key = ? RETURNING series_key", [key]
            ).fetchall()
            if not n:
                raise KeyError(f"no user-added series with key {key!r}")

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One write transaction (committed at the end, rolled back on any error), for modules
        that store rows beside a series (``plexrt.data.curve_store``)."""
        with _LOCK, self._open() as con:
            con.execute("BEGIN TRANSACTION")
            try:
                yield con
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise

    @contextmanager
    def reading(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only connection, under the same lock as every other access."""
        with _LOCK, self._open(read_only=True, timeout_s=3.0) as con:
            yield con

    def delete_case(self, case_id: str) -> None:
        with _LOCK, self._open() as con:
            con.execute("DELETE FROM user_cases WHERE case_id = ?", [case_id])


def _case_row(case, label: str | None) -> dict[str, Any]:
    return {
        "case_id": f"case-{uuid.uuid4().hex[:8]}",
        "label": (label or "").strip() or None,
        "primary_cancer": case.primary_cancer,
        "primary_group": case.primary_group,
        "involved_muscle": case.involved_muscle,
        "nrs_before": int(case.nrs_before),
        "intent": case.intent,
        "dose_gy": float(case.dose_gy),
        "fractions": int(case.fractions),
    }


def _clean(record: Mapping[str, Any]) -> dict[str, Any]:
    """Validated record with numbers as numbers and blanks as None (unknown, never 0)."""
    messages = lit.validate_series(record)
    if messages:
        raise SeriesInvalid(messages)
    out: dict[str, Any] = {}
    for spec in lit.COLUMNS:
        if spec.name == "series_key":
            continue
        v = record.get(spec.name)
        if spec.kind in ("integer", "number"):
            out[spec.name] = parse_number(v, whole=spec.kind == "integer")
        else:
            out[spec.name] = None if is_missing(v) else str(v).strip()
    return out


def prepared_series(record: Mapping[str, Any]) -> dict[str, Any]:
    """A new series record validated and typed as ``add_series`` stores it, with its new key
    (``series_key``); raises SeriesInvalid naming every problem. For modules that insert the
    series in their own transaction (``plexrt.data.curve_store``)."""
    clean = _clean(record)
    clean["series_key"] = _new_key(clean)
    return clean


def _new_key(record: Mapping[str, Any]) -> str:
    """'user-smith2023-1a2b3c': readable, and never equal to a bundled key."""
    first = re.sub(r"[^a-z]", "", str(record.get("citation", "")).split(" ")[0].lower())[:20]
    year = record.get("year") or ""
    return f"user-{first or 'series'}{year}-{uuid.uuid4().hex[:6]}"
