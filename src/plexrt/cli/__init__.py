"""``plexrt`` command line. Each command group lives in its own module and registers itself here."""

from __future__ import annotations

import argparse

from plexrt.cli import audit, bundled, curve, own, summary

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
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
