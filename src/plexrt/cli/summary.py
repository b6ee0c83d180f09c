"""``plexrt summary --series NAME [--json]``: a series' key figures, for scripts and checks.

Which series a name means is decided by the loaders in ``LOADERS``, tried in order; each takes the
name and the parsed arguments and returns a ``SummaryInput`` or None (not mine). The bundled series
is the first; a department's own series of the user store (``--user-db``; real times, no
reconstruction, so no draws) the second.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from plexrt.cli.args import whole_number
from plexrt.cli.userdb import add_user_db
from plexrt.clinical.series_summary import series_summary
from plexrt.clinical.series_words import OWN, PUBLISHED
from plexrt.data import store
from plexrt.data.series_param import BUNDLED
from plexrt.data.userstore import UserDataUnavailable

MAX_DRAWS = 10_000  # about half a minute; the pooled figures settle long before


@dataclass(frozen=True)
class SummaryInput:
    """What ``series_summary`` needs for one series."""

    name: str
    sites: pd.DataFrame
    events: pd.DataFrame
    draws: Sequence[pd.DataFrame] = field(default_factory=tuple)
    source: str = PUBLISHED  # 'published' (bundled) or 'own' (plexrt.clinical.series_words)


def bundled_series(name: str, args: argparse.Namespace) -> SummaryInput | None:
    """A series of the bundled store, with its ensemble of reconstructions when its times are
    reconstructed; None when the store has no series of that name (or there is no store)."""
    from plexrt.clinical.endpoints import is_reconstructed
    from plexrt.ingest.ensemble import reconstruction_draws

    try:
        con = store.connect(args.db)
    except FileNotFoundError:
        if name == BUNDLED:
            raise
        return None
    try:
        if name not in set(store.series(con)["series_id"]):
            return None
        sites = store.cohort(con)
        sites = sites[sites["series_id"] == name]
        events = store.events(con)
        events = events[events["series_id"] == name]
        draws = (
            reconstruction_draws(con, args.draws)
            if len(events) and is_reconstructed(events)
            else []
        )
    finally:
        con.close()
    return SummaryInput(name, sites, events, draws)


def own_series(name: str, args: argparse.Namespace) -> SummaryInput | None:
    """An own series of the user store (``--user-db``) that the local user may read, by its name
    or series id: real times, no reconstruction; survival after RT from the completion of each
    patient's first course (``plexrt.clinical.own_series``). None when there is no such series."""
    from plexrt.cli.userdb import existing_or_none
    from plexrt.data.access import local_principal
    from plexrt.ingest.own_store import find_own, own_connection

    user = existing_or_none(args)
    if user is None:
        return None
    p = local_principal()
    record = find_own(user.own_series(p), name)
    if record is None:
        return None
    frames = user.series_frames(p, str(record["series_id"]))
    con = own_connection(record, frames, _factors(args))
    try:
        return SummaryInput(str(record["name"]), store.cohort(con), store.events(con), source=OWN)
    finally:
        con.close()


def _factors(args: argparse.Namespace) -> pd.DataFrame:
    """The opioid factor table of the bundled store (the data folder's when there is no store)."""
    try:
        con = store.connect(args.db)
    except FileNotFoundError:
        from plexrt.data.paths import default_data_dir
        from plexrt.data.sources import read_data_folder

        return read_data_folder(default_data_dir())[1]
    try:
        return store.opioid_factors(con)
    finally:
        con.close()


Loader = Callable[[str, argparse.Namespace], SummaryInput | None]
LOADERS: list[Loader] = [bundled_series, own_series]


def _text(summary: dict) -> str:
    lines = [f"{k}: {v}" for k, v in summary.items() if not isinstance(v, dict)]
    for k, v in summary.items():
        if isinstance(v, dict):
            lines.append(f"{k}:")
            lines += [f"  {kk}: {vv}" for kk, vv in v.items()]
    return "\n".join(lines)


def _summary(args: argparse.Namespace) -> int:
    try:
        found = next((inp for load in LOADERS if (inp := load(args.series, args))), None)
    except (FileNotFoundError, UserDataUnavailable, ValueError) as exc:
        print(f"plexrt summary: {exc}", file=sys.stderr)
        return 1
    if found is None:
        print(f"plexrt summary: no series named {args.series!r}", file=sys.stderr)
        return 2
    out = series_summary(found.name, found.sites, found.events, found.draws, found.source)
    print(json.dumps(out, indent=2, ensure_ascii=False) if args.json else _text(out))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser(
        "summary",
        help="a series' patients, courses, deaths, median survival and relief, responders",
    )
    s.add_argument(
        "--series",
        required=True,
        help="series name: sanuki2022 (bundled) or the name (or id) of an own series",
    )
    s.add_argument("--json", action="store_true", help="print JSON (days; null = not reached)")
    s.add_argument(
        "--db", type=Path, default=None, help="database file (default: $PLEXRT_DB or data/...)"
    )
    s.add_argument(
        "--draws",
        type=whole_number(1, MAX_DRAWS),
        default=200,
        help="reconstructions to pool over when the times are reconstructed (default 200, at "
        f"most {MAX_DRAWS:,})",
    )
    add_user_db(s)
    s.set_defaults(func=_summary)
