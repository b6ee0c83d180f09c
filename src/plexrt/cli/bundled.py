"""``plexrt build-db`` and ``plexrt export``: the bundled store."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from plexrt.data import store
from plexrt.data.csvfile import DataError
from plexrt.data.fingerprint import is_current
from plexrt.data.paths import default_db_path
from plexrt.ingest.build import build_db


def _other_folder(args: argparse.Namespace) -> str | None:
    """Why the build would replace a store built from another data folder (unless --replace)."""
    from plexrt.data.paths import default_data_dir
    from plexrt.data.store_origin import store_state

    db, data = args.db or default_db_path(), args.data or default_data_dir()
    state = store_state(db, data)
    if args.replace or state.built_from is None or state.same_folder:
        return None
    return (
        f"{db} was built from {state.built_from}, not from {data}; nothing was changed. "
        f"Pass --data {state.built_from} to rebuild it, or --replace to build it from {data}."
    )


def _not_a_store(args: argparse.Namespace) -> str | None:
    """Why the build must not replace the file at --db: a PlexRT user database (own series,
    follow-up, the audit trail) never; another file that is not a bundled store only with
    --replace (the project's own data/plexrt.duckdb is always rebuilt)."""
    from plexrt.data.paths import default_data_dir
    from plexrt.data.store_origin import store_state
    from plexrt.data.userstore.migrate import holds_user_data

    db = Path(args.db or default_db_path())
    state = store_state(db, args.data or default_data_dir())
    if state.locked:
        # Only a writer locks a DuckDB file against readers: a running PlexRT holding its user
        # database, or another build. What the file is cannot be read, so it is never replaced.
        holder = f" ({state.held_by})" if state.held_by else ""
        return (
            f"{db} is open for writing in another program{holder}: a running PlexRT holding its "
            "user database, or another build. Its contents cannot be checked, so nothing was "
            "changed, with or without --replace. Stop that program and run the build again."
        )
    if not state.exists or state.problem is None or db.is_dir():
        return None
    if holds_user_data(db):
        return (
            f"{db} is a PlexRT user database (own series, follow-up, the audit trail), not the "
            "bundled store; nothing was changed. Give the bundled store's path with --db."
        )
    if args.replace or state.is_project_default:
        return None
    return (
        f"{db} is not a PlexRT store ({state.problem}); nothing was changed. Give another --db, "
        "or --replace to overwrite that file."
    )


def _build(args: argparse.Namespace) -> int:
    if args.if_stale:
        db = args.db or default_db_path()
        if is_current(db, args.data):
            print(f"{db} is up to date")
            return 0
    refusal = _not_a_store(args) or _other_folder(args)
    if refusal:
        print(f"plexrt build-db: {refusal}", file=sys.stderr)
        return 2
    try:
        report = build_db(args.data, args.db)
    except DataError as exc:
        print(
            f"plexrt build-db: the data folder is not valid; nothing was changed.\n{exc}",
            file=sys.stderr,
        )
        return 2
    except OSError as exc:
        print(f"plexrt build-db: {exc}; nothing was changed.", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 -- a message, never a traceback, for a failed build
        print(
            f"plexrt build-db: the build failed ({type(exc).__name__}: {exc}); nothing was changed.",
            file=sys.stderr,
        )
        return 1
    print(report)
    return 0


def _export(args: argparse.Namespace) -> int:
    from plexrt.clinical.analgesics import DEFAULT_FACTOR_TABLE, table_label
    from plexrt.export.tabular import safe_csv

    con = store.connect(args.db)
    frame = store.cohort(con)
    # baseline_omed_mg is computed at build with the default factor table: name it on every row
    label = table_label(store.opioid_factors(con), DEFAULT_FACTOR_TABLE)
    frame.insert(frame.columns.get_loc("baseline_omed_mg") + 1, "omed_factor_table", label)
    data = safe_csv(frame)
    if args.out in (None, "-"):
        sys.stdout.write(data.decode("utf-8-sig"))
    else:
        Path(args.out).write_bytes(data)
        print(f"wrote {len(frame)} rows to {args.out}")
    return 0


def _manifest(args: argparse.Namespace) -> int:
    from plexrt.data.paths import default_data_dir
    from plexrt.ingest.build import write_checked_manifest

    data = args.data or default_data_dir()
    try:
        entries = write_checked_manifest(data)
    except DataError as exc:
        print(
            f"plexrt manifest: the data folder is not valid; no manifest was written.\n{exc}",
            file=sys.stderr,
        )
        return 2
    rows = sum(e.rows for e in entries)
    print(f"wrote {Path(data) / 'manifest.csv'}: {len(entries)} files, {rows} data rows")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    b = sub.add_parser("build-db", help="build the DuckDB store from the CSV files in data/")
    b.add_argument("--data", type=Path, default=None, help="data folder (default: data/)")
    b.add_argument(
        "--db",
        type=Path,
        default=None,
        help="database file (default: $PLEXRT_DB or data/plexrt.duckdb)",
    )
    b.add_argument(
        "--if-stale",
        action="store_true",
        help="build only when the file is missing or was built from other data or code",
    )
    b.add_argument(
        "--replace",
        action="store_true",
        help="replace a store that was built from another data folder, or a file that is not a "
        "PlexRT store (never a user database, nor a file another program holds open for writing)",
    )
    b.set_defaults(func=_build)
    m = sub.add_parser(
        "manifest",
        help="check a data folder whole and write its manifest.csv (rows and SHA-256 per file)",
    )
    m.add_argument("--data", type=Path, default=None, help="data folder (default: data/)")
    m.set_defaults(func=_manifest)
    e = sub.add_parser("export", help="write course_summary as CSV")
    e.add_argument("--db", type=Path, default=None)
    e.add_argument("--out", default="-", help="file to write (default: standard output)")
    e.set_defaults(func=_export)
