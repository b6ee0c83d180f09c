"""``plexrt template``, ``plexrt import`` (``plexrt.cli.own_import``), ``plexrt own rename``
(``plexrt.cli.own_details``) and ``plexrt synth``: a department's own series."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from plexrt.cli import own_details, own_import
from plexrt.cli.args import whole_number
from plexrt.cli.own_import import REFUSED
from plexrt.data.own_template_files import FORMATS, template_paths, write_template
from plexrt.ingest.synth import DEFAULT_SEED, write_example, write_registry
from plexrt.ingest.synth_bundled import DEFAULT_SERIES, write_bundled

SYNTH_MAX_COURSES = 1_000_000  # ten times the largest benchmark; more is a typo, not a test
SYNTH_MAX_SERIES = 1_000


def _taken(paths: list[Path]) -> str | None:
    """Why writing these files would replace something that is there (unless --replace)."""
    there = [str(p) for p in paths if p.exists()]
    if not there:
        return None
    return f"{', '.join(there)} already {'exists' if len(there) == 1 else 'exist'}"


def _template(args: argparse.Namespace) -> int:
    taken = None if args.replace else _taken(template_paths(args.format, args.out))
    if taken:
        print(
            f"plexrt template: {taken}; nothing was written. Give another name, or --replace.",
            file=sys.stderr,
        )
        return REFUSED
    for path in write_template(args.format, args.out):
        print(f"wrote {path}")
    return 0


def _held(folder: Path) -> str:
    """The first few names in a folder that exists and is not empty ('' otherwise)."""
    if not folder.is_dir():
        return ""
    names = sorted(p.name for p in folder.iterdir())
    return ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")


def _synth(args: argparse.Namespace) -> int:
    held = _held(args.out)
    if held and not args.replace:
        # A department's own export could sit in that folder: SYNTHETIC files never replace it.
        print(
            f"plexrt synth: {args.out} already holds files ({held}); nothing was written. "
            "Give a new or empty folder, or --replace.",
            file=sys.stderr,
        )
        return REFUSED
    if args.example:
        for path in write_example(args.out):
            print(f"wrote {path}")
        return 0
    if args.courses is None or args.courses < 1:
        print("plexrt synth: give --courses N (N >= 1) or --example", file=sys.stderr)
        return REFUSED
    t0 = time.perf_counter()
    if args.format == "bundled":
        files = write_bundled(args.out, args.courses, args.seed, args.series)
        print(
            f"wrote {len(files)} files under {args.out} ({args.courses:,} SYNTHETIC courses in "
            f"{args.series} series, seed {args.seed}, {time.perf_counter() - t0:.1f} s)"
        )
        return 0
    paths = write_registry(args.out, args.courses, args.seed)
    print(
        f"wrote {paths[0]} and {paths[1]} ({args.courses:,} SYNTHETIC courses, seed {args.seed}, "
        f"{time.perf_counter() - t0:.1f} s)"
    )
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    t = sub.add_parser("template", help="write the blank own-series template")
    t.add_argument("--format", choices=FORMATS, default="csv")
    t.add_argument(
        "out", type=Path, help="file to write (csv: also _assessments and _data_dictionary)"
    )
    t.add_argument("--replace", action="store_true", help="overwrite files of those names")
    t.set_defaults(func=_template)

    own_import.register(sub)
    own_details.register(sub)

    s = sub.add_parser("synth", help="write a SYNTHETIC registry in the own-series template")
    s.add_argument(
        "--courses",
        type=whole_number(1, SYNTH_MAX_COURSES),
        default=None,
        help=f"number of courses (1 to {SYNTH_MAX_COURSES:,})",
    )
    s.add_argument(
        "--out", type=Path, required=True, help="folder for courses.csv and assessments.csv"
    )
    s.add_argument("--seed", type=whole_number(0), default=DEFAULT_SEED)
    s.add_argument(
        "--format",
        choices=("own", "bundled"),
        default="own",
        help="own: the own-series template (plexrt import); bundled: a data folder with one "
        "series per centre and real per-patient times (plexrt build-db --data)",
    )
    s.add_argument(
        "--series",
        type=whole_number(1, SYNTH_MAX_SERIES),
        default=DEFAULT_SERIES,
        help=f"series (centres) with --format bundled (1 to {SYNTH_MAX_SERIES:,})",
    )
    s.add_argument(
        "--example", action="store_true", help="write the bundled example series instead"
    )
    s.add_argument(
        "--replace", action="store_true", help="write into a folder that already holds files"
    )
    s.set_defaults(func=_synth)
