"""The ``--user-db`` option that every command reading or writing user data takes, and who acts.

The command line runs in local single-user mode: the principal is the operating-system account
(``plexrt.data.access.local_principal``), and every write is audited under that name.
"""

from __future__ import annotations

import argparse

from plexrt.data.userstore import UserDataUnavailable, UserStore
from plexrt.data.userstore import engine as eng


def add_user_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--user-db",
        default=None,
        metavar="PATH_OR_URL",
        help="the user database: a DuckDB file or a postgresql:// URL "
        "(default: $PLEXRT_USER_DB, else the user's data folder, as the app uses it)",
    )


def open_store(args: argparse.Namespace) -> UserStore:
    """The user store the command works on (raises UserDataUnavailable with the reason)."""
    return UserStore(args.user_db)


def open_existing(args: argparse.Namespace) -> UserStore:
    """The user store of a command that only reads it (checking, exporting): a DuckDB file that
    is not there is refused (UserDataUnavailable), not created empty, so a mistyped path is never
    reported as an intact, empty trail."""
    location = eng.locate(args.user_db)
    if location.path is not None and not location.path.is_file():
        reason = (
            "it is a folder, not a database file"
            if location.path.is_dir()
            else "there is no such file"
        )
        raise UserDataUnavailable(location.shown, reason)
    return UserStore(args.user_db)


def existing_or_none(args: argparse.Namespace) -> UserStore | None:
    """The user store of a command that only reads it and can do without it (listing, finding a
    series by name): None when no ``--user-db`` was given and there is no user database yet at
    the default place; a path given and missing is refused as by ``open_existing``. Neither
    creates a database."""
    location = eng.locate(args.user_db)
    if args.user_db is None and location.path is not None and not location.path.exists():
        return None
    return open_existing(args)
