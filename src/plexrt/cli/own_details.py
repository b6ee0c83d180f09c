"""``plexrt own rename``: an own series' name, institution and treatment period changed in place.

    plexrt own rename --series NAME_OR_ID [--name NEW] [--institution TEXT] [--period TEXT]

A detail not given is kept as stored ('' clears the institution or period). The store checks the
details as an import does (``UserStore.edit_details``): a stored name that today's checks refuse
must be given anew. Exits 0 when the details were stored (or were those stored already), 2 when
they were refused (every problem is printed; nothing is written), 1 when the store failed or the
local user may not change the series.
"""

from __future__ import annotations

import argparse
import sys

from plexrt.cli.args import stored_text
from plexrt.cli.own_import import FAILED, REFUSED, target_of
from plexrt.cli.userdb import add_user_db, open_store
from plexrt.data.access import PermissionDenied, local_principal
from plexrt.data.text_limits import NAME_CHARS
from plexrt.data.userstore import SeriesDetails, SeriesInvalid, UserDataUnavailable, nothing_written
from plexrt.data.values import key_shown

_WHAT = "plexrt own rename"


def _refused(message: str, problems: list[str]) -> int:
    print(f"{_WHAT}: {message}; nothing was written.", file=sys.stderr)
    for problem in problems:
        print(f"  - {problem}", file=sys.stderr)
    return REFUSED


def _rename(args: argparse.Namespace) -> int:
    try:
        store = open_store(args)
        target = target_of(store, args.series)
    except SeriesInvalid as exc:
        return _refused("--series names no one series", exc.messages)
    except (PermissionDenied, UserDataUnavailable) as exc:
        print(f"{_WHAT}: {exc} Nothing was written.", file=sys.stderr)
        return FAILED
    if target is None:
        return _refused(f"no series you can see is called '{key_shown(args.series)}'", [])
    stored = SeriesDetails.of(target)
    new = SeriesDetails(
        stored.name if args.name is None else args.name,
        stored.institution if args.institution is None else args.institution,
        stored.period if args.period is None else args.period,
    )
    try:
        changed = store.edit_details(
            local_principal(), str(target["series_id"]), new, previous=stored
        )
    except SeriesInvalid as exc:
        return _refused("the store refused the details", exc.messages)
    except (PermissionDenied, UserDataUnavailable) as exc:
        print(f"{_WHAT}: {exc}{nothing_written(exc)}", file=sys.stderr)
        return FAILED
    shown = f"series {target['series_id']} ('{key_shown(new.cleaned().name)}')"
    if not changed:
        print(f"nothing to change: {shown} already has these details.")
    else:
        print(f"updated {shown}: {', '.join(changed)} changed.")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    own = sub.add_parser("own", help="change a department's own series stored in the user data")
    actions = own.add_subparsers(dest="own_command", required=True)
    r = actions.add_parser(
        "rename", help="change an own series' name, institution or treatment period"
    )
    r.add_argument(
        "--series",
        required=True,
        type=stored_text(NAME_CHARS),
        help="the series: its name (your own of that name first) or its series id",
    )
    r.add_argument("--name", default=None, help="the new name (kept unless given)")
    r.add_argument(
        "--institution", default=None, help="the institution (kept unless given; '' clears it)"
    )
    r.add_argument(
        "--period",
        default=None,
        help="the treatment period in years, e.g. 2015-2023 (kept unless given; '' clears it)",
    )
    add_user_db(r)
    r.set_defaults(func=_rename)
