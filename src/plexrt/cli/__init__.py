"""``plexrt`` command line. Each command group lives in its own module and registers itself here."""

from __future__ import annotations

import argparse
import sys

from plexrt.cli import audit, bundled, curve, own, summary
from plexrt.cli.args import failure

# Every module here has ``register(subparsers)``; it adds its commands with a ``func`` default.
COMMAND_MODULES = (bundled, own, audit, summary, curve)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="plexrt",
        description="PlexRT: radiotherapy outcomes for malignant lumbosacral plexopathy.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for module in COMMAND_MODULES:
        module.register(sub)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except Exception as exc:  # noqa: BLE001 -- one line naming what failed, never a traceback
        print(failure(args.command, exc), file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
