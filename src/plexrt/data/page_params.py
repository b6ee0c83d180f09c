"""The URL parameters a page owns (view options, presentation mode, the slide shown), read from
whatever text the address bar holds: a value or the default, and a notice naming what was
ignored. Pure functions; ``plexrt.ui`` shows the notices. The cohort filter's parameters are read
by ``plexrt.data.filters.from_query_params``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from plexrt.data.filters import clip_param

# ?present=1 opens the board in presentation mode; 0 (or no parameter) does not.
PRESENT_VALUES = ("0", "1")


def read_choice(
    param: str, raw: Any, options: Mapping[Any, Any], default: Any
) -> tuple[Any, str | None]:
    """A page choice (?resp=, ?unit=, ...): ``raw`` when it is one of ``options``, else
    ``default`` and a notice (None: no parameter given)."""
    if raw is None:
        return default, None
    if raw in options:
        return raw, None
    known = clip_param(", ".join(map(str, options)), 200)
    return (
        default,
        f"Ignored URL parameter {param}={clip_param(str(raw), 30)!r}: expected one of {known}.",
    )


def read_present(raw: Any) -> tuple[bool, str | None]:
    """Presentation mode from ?present= (only '1' turns it on)."""
    if raw is None or raw in PRESENT_VALUES:
        return raw == "1", None
    return False, f"Ignored URL parameter present={clip_param(str(raw), 20)!r}: use present=1."


_SLIDE_NUMBER = re.compile(r"[+-]?[0-9]{1,8}")  # one sign at most; ASCII digits only


def read_slide(raw: Any, n: int) -> tuple[int, str | None]:
    """The 0-based slide index from ?slide= (1-based, 1 to ``n``); slide 1 and a notice otherwise."""
    if raw is None:
        return 0, None
    shown = clip_param(str(raw), 20)
    text = str(raw).strip()
    if not _SLIDE_NUMBER.fullmatch(text):
        return 0, f"Ignored URL parameter slide={shown!r}: not a slide number."
    i = int(text) - 1
    if not 0 <= i < n:
        return 0, f"URL parameter slide={shown!r} is outside 1–{n}: showing slide 1."
    return i, None
