"""``plexrt curve``: individual times from a published Kaplan-Meier curve (Guyot 2012).

    plexrt curve reconstruct --points POINTS.csv --risk RISK.csv [--events N] --out IPD.csv
    plexrt curve import --points POINTS.csv --risk RISK.csv --citation "..." --outcome overall_survival
    plexrt curve list

Without a risk table give ``--patients N`` (the paper's fallback, said in the output). Files: see
``plexrt.data.curve_files`` (WebPlotDigitizer's CSV export; ``time,at_risk``). A bad file or value
gets a message naming the file, line and column and exit code 2; nothing is written or stored.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from plexrt.cli.userdb import add_user_db, existing_or_none, open_store
from plexrt.clinical.curve_series import details_from_text, reconstruct_curve, to_store
from plexrt.data.access import PermissionDenied, local_principal
from plexrt.data.csvfile import DataError
from plexrt.data.curve_files import POINTS_FORMAT, RISK_FORMAT, load_points, load_risk_table
from plexrt.data.userstore import SeriesInvalid, UserDataUnavailable
from plexrt.data.values import counted, one_line
from plexrt.data.vocab import CURVE_OUTCOMES, CURVE_TIME_UNITS
from plexrt.stats.guyot_fit import fit_lines, fit_warnings

_DETAIL_ARGS = (
    "citation",
    "outcome",
    "time_unit",
    "year",
    "doi",
    "population",
    "design",
    "figure",
    "arm",
    "time_zero",
    "notes",
    "total_events",
    "n_patients",
    "published_median",
    "published_median_source",
)


def _fail(message: str, code: int = 2) -> int:
    print(f"plexrt curve: {message}", file=sys.stderr)
    return code


def _prepare(args: argparse.Namespace) -> tuple[Any, Any, Any, Any]:
    """(details, points, risk, reconstruction); raises DataError / ValueError with the message."""
    values = {name: getattr(args, name, None) for name in _DETAIL_ARGS}
    details, problems = details_from_text(values)
    if details is None:
        raise ValueError("; ".join(problems))
    if args.risk is None and details.n_patients is None:
        raise ValueError("give --risk RISK.csv, or --patients N when the paper prints no table")
    points = load_points(args.points)
    risk = None if args.risk is None else load_risk_table(args.risk)
    return details, points, risk, reconstruct_curve(points, risk, details)


def _report(rec: Any, unit: str) -> None:
    print("Cleaning of the points: " + ("; ".join(rec.cleaning_notes) or "no change needed") + ".")
    for note in rec.method_notes:
        print(note)
    for line in fit_lines(rec.fit, unit):
        print(line)
    for warning in fit_warnings(rec.fit, unit):
        print(f"Check: {warning}")


def _run(args: argparse.Namespace, action) -> int:
    try:
        details, points, risk, rec = _prepare(args)
    except DataError as exc:
        return _fail(f"the files are not valid; nothing was written.\n{exc}")
    except ValueError as exc:
        return _fail(f"cannot reconstruct the curve: {exc}; nothing was written.")
    return action(details, points, risk, rec)


def _reconstruct(args: argparse.Namespace) -> int:
    def write(details, points, risk, rec) -> int:
        _report(rec, details.time_unit)
        text = rec.ipd.to_csv(index=False, float_format="%.6g", lineterminator="\n")
        if args.out in (None, "-"):
            sys.stdout.write(text)
        else:
            Path(args.out).write_text(text, encoding="utf-8")
            print(
                f"wrote {counted(len(rec.ipd), 'patient')} (time in {details.time_unit}, event 1/0) to {args.out}"
            )
        return 0

    return _run(args, write)


def _import(args: argparse.Namespace) -> int:
    def save(details, points, risk, rec) -> int:
        _report(rec, details.time_unit)
        try:
            key = open_store(args).add_curve_series(
                local_principal(), to_store(details, points, risk, rec)
            )
        except SeriesInvalid as exc:
            return _fail("not stored:\n" + "\n".join(f"  - {m}" for m in exc.messages))
        except (UserDataUnavailable, PermissionDenied) as exc:
            return _fail(str(exc), 1)
        print(f"stored as literature series {key} (reconstructed from published curve)")
        return 0

    return _run(args, save)


def _list(args: argparse.Namespace) -> int:
    try:
        user = existing_or_none(args)
        meta = None if user is None else user.curve_series(local_principal())
    except (UserDataUnavailable, PermissionDenied) as exc:
        return _fail(str(exc), 1)
    if meta is None or meta.empty:
        print("no curve series stored")
        return 0
    for r in meta.itertuples():
        print(
            f"{r.series_key}\t{CURVE_OUTCOMES.get(r.outcome, r.outcome)}\t{counted(r.n_patients, 'patient')}"
            f"\t{one_line(r.citation)}"  # one row per series: its tabs and line breaks made spaces
        )
    return 0


def _inputs(p: argparse.ArgumentParser) -> None:
    p.add_argument("--points", type=Path, required=True, help=POINTS_FORMAT)
    p.add_argument("--risk", type=Path, default=None, help=RISK_FORMAT)
    p.add_argument(
        "--patients",
        dest="n_patients",
        default=None,
        help="patients at the start, when the paper prints no number-at-risk table",
    )
    p.add_argument("--events", dest="total_events", default=None, help="total events reported")
    p.add_argument(
        "--unit",
        dest="time_unit",
        default="months",
        choices=CURVE_TIME_UNITS,
        help="the time unit of the published axis (default: months)",
    )
    p.add_argument(
        "--median", dest="published_median", default=None, help="the published median (in --unit)"
    )
    p.add_argument("--outcome", default="overall_survival", choices=list(CURVE_OUTCOMES))


def register(sub: argparse._SubParsersAction) -> None:
    curve = sub.add_parser("curve", help="individual times from a published Kaplan-Meier curve")
    cmds = curve.add_subparsers(dest="curve_command", required=True)
    r = cmds.add_parser("reconstruct", help="write one row per patient (time,event)")
    _inputs(r)
    r.add_argument("--out", default="-", help="file to write (default: standard output)")
    r.set_defaults(func=_reconstruct)
    i = cmds.add_parser("import", help="store the curve as a literature series")
    _inputs(i)
    i.add_argument("--citation", required=True)
    for name in ("year", "doi", "population", "design", "figure", "arm", "notes"):
        i.add_argument(f"--{name}", default=None)
    i.add_argument("--time-zero", dest="time_zero", default=None, help="as the paper states it")
    i.add_argument("--median-source", dest="published_median_source", default=None)
    add_user_db(i)
    i.set_defaults(func=_import)
    lst = cmds.add_parser("list", help="the curve series stored")
    add_user_db(lst)
    lst.set_defaults(func=_list)
