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


def _build(args: argparse.Namespace) -> int:
    if args.if_stale:
        db = args.db or default_db_path()
        if is_current(db, args.data):
            print(f"{db} is up to date")
            return 0
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
    b.set_defaults(func=_build)
    e = sub.add_parser("export", help="write course_summary as CSV")
    e.add_argument("--db", type=Path, default=None)
    e.add_argument("--out", default="-", help="file to write (default: standard output)")
    e.set_defaults(func=_export)
