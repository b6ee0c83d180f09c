"""``plexrt summary --series NAME [--json]``: a series' key figures, for scripts and checks.

Which series a name means is decided by the loaders in ``LOADERS``, tried in order; each takes the
name and the parsed arguments and returns a ``SummaryInput`` or None (not mine). The bundled series
is the first. A department's own series (real times, no reconstruction) is added with one call:
``LOADERS.append(own_series_loader)``, where the loader returns
``SummaryInput(name, sites, events)`` with no draws.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from plexrt.clinical.series_summary import series_summary
from plexrt.data import store


@dataclass(frozen=True)
class SummaryInput:
    """What ``series_summary`` needs for one series."""

    name: str
    sites: pd.DataFrame
    events: pd.DataFrame
    draws: Sequence[pd.DataFrame] = field(default_factory=tuple)


def bundled_series(name: str, args: argparse.Namespace) -> SummaryInput | None:
    """A series of the bundled store, with its ensemble of reconstructions when its times are
    reconstructed; None when the store has no series of that name."""
    from plexrt.clinical.endpoints import is_reconstructed
    from plexrt.ingest.ensemble import reconstruction_draws

    con = store.connect(args.db)
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


Loader = Callable[[str, argparse.Namespace], SummaryInput | None]
LOADERS: list[Loader] = [bundled_series]


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
    except FileNotFoundError as exc:
        print(f"plexrt summary: {exc}", file=sys.stderr)
        return 1
    if found is None:
        print(f"plexrt summary: no series named {args.series!r}", file=sys.stderr)
        return 2
    out = series_summary(found.name, found.sites, found.events, found.draws)
    print(json.dumps(out, indent=2, ensure_ascii=False) if args.json else _text(out))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser(
        "summary",
        help="a series' patients, courses, deaths, median survival and relief, responders",
    )
    s.add_argument("--series", required=True, help="series name, e.g. sanuki2022")
    s.add_argument("--json", action="store_true", help="print JSON (days; null = not reached)")
    s.add_argument(
        "--db", type=Path, default=None, help="database file (default: $PLEXRT_DB or data/...)"
    )
    s.add_argument(
        "--draws",
        type=int,
        default=200,
        help="reconstructions to pool over when the times are reconstructed (default 200)",
    )
    s.set_defaults(func=_summary)
