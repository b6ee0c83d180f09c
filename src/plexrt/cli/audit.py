"""``plexrt audit verify`` and ``plexrt audit export``: the user store's audit trail."""

from __future__ import annotations

import argparse
import sys

from plexrt.cli.args import stored_text
from plexrt.cli.userdb import add_user_db, open_existing
from plexrt.data.access import local_principal
from plexrt.data.text_limits import NAME_CHARS
from plexrt.data.userstore import UserDataUnavailable
from plexrt.data.values import key_shown


def _verify(args: argparse.Namespace) -> int:
    """0 when the chain holds, 1 naming the first broken entry, 2 when the store is unusable."""
    try:
        check = open_existing(args).verify_audit()
    except UserDataUnavailable as exc:
        print(f"plexrt audit verify: {exc}", file=sys.stderr)
        return 2
    print(check.message(), file=sys.stdout if check.ok else sys.stderr)
    return 0 if check.ok else 1


def _export(args: argparse.Namespace) -> int:
    """The whole trail as CSV (newest first), for an admin (locally: this account). The export is
    recorded in the trail, as the Audit trail page's download is (``UserStore.export_audit``)."""
    from plexrt.export.tabular import safe_csv

    try:
        log = open_existing(args).export_audit(local_principal(), series_id=args.series)
    except UserDataUnavailable as exc:
        print(f"plexrt audit export: {exc}", file=sys.stderr)
        return 2
    sys.stdout.write(safe_csv(log).decode("utf-8-sig"))
    if args.series is not None and log.empty:  # a mistyped id would give a bare header silently
        print(
            f"plexrt audit export: no entry of the audit trail names the series id "
            f"'{key_shown(args.series)}' (the CSV holds its header only); check the id.",
            file=sys.stderr,
        )
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    audit = sub.add_parser("audit", help="check or export the audit trail of the user data")
    actions = audit.add_subparsers(dest="audit_command", required=True)
    verify = actions.add_parser(
        "verify", help="check the hash chain; exit 0 when intact, 1 naming the first broken entry"
    )
    add_user_db(verify)
    verify.set_defaults(func=_verify)
    export = actions.add_parser("export", help="print the audit trail as CSV")
    add_user_db(export)
    export.add_argument(
        "--series",
        default=None,
        type=stored_text(NAME_CHARS),
        help="only the entries of this series id",
    )
    export.set_defaults(func=_export)
