"""What every command does with what it is given: whole numbers read by the one rule for typed
numbers (``plexrt.data.values.NUMBER_TEXT``) and kept within bounds, and the one-line message,
never a traceback, for a failure no command reported itself."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from decimal import Decimal

from plexrt.data.text_limits import text_problem
from plexrt.data.values import number_problem, shown_value


def whole_number(low: int, high: int | None = None) -> Callable[[str], int]:
    """An argparse ``type``: a whole number from ``low`` to ``high`` (no upper bound when None),
    written as the rule for typed numbers says ('1_0' and '１０' are refused, as in a form)."""
    span = f"{low:,} or more" if high is None else f"from {low:,} to {high:,}"

    def parse(text: str) -> int:
        problem = number_problem(text, whole=True)
        if problem:
            raise argparse.ArgumentTypeError(f"{problem} ({span})")
        value = int(Decimal(text.strip()))  # exact for any length ('1e3' is 1000)
        if value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(
                f"must be a whole number {span}, got {shown_value(text)}"
            )
        return value

    parse.__name__ = "whole number"  # argparse names the type in some of its messages
    return parse


def stored_text(limit: int) -> Callable[[str], str]:
    """An argparse ``type`` for text that is looked up in or written to the user store: refused,
    naming why, when the store could not keep it (a NUL, bytes of another encoding that the shell
    passed on as lone surrogates, more than ``limit`` characters)."""

    def parse(text: str) -> str:
        problem = text_problem(text, limit)
        if problem:
            raise argparse.ArgumentTypeError(problem)
        return text

    parse.__name__ = "text"
    return parse


def failure(command: str, exc: Exception) -> str:
    """One line for a failure that reached the top of the command: a file or folder that cannot be
    read or written is named with the system's reason; anything else by its kind and message."""
    if isinstance(exc, OSError) and exc.strerror:
        text = (
            exc.strerror if exc.filename is None else f"cannot use {exc.filename}: {exc.strerror}"
        )
        if exc.filename2 is not None:
            text += f" ({exc.filename2})"
    elif isinstance(exc, OSError) and str(exc):
        text = str(exc)  # raised by PlexRT with its own words ('no PlexRT database at ...')
    else:
        text = f"failed ({type(exc).__name__}: {exc})"
    return f"plexrt {command}: " + " ".join(text.split())
