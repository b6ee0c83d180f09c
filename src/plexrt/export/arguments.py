"""Checks of what the exports are given: every problem is a ValueError that names the argument."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeGuard


def text(value: object, name: str) -> str:
    """``value`` when it is a string; otherwise ValueError naming ``name``."""
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string, got {type(value).__name__}")
    return value


def is_list(value: object) -> TypeGuard[Sequence[object]]:
    """A list-like of items (a string is one value, not a list of characters)."""
    return isinstance(value, Sequence) and not isinstance(value, str | bytes)


def is_pair(item: object, second: type) -> bool:
    """A (text, ``second``) tuple: a caption or label with its figure, table or value."""
    return (
        isinstance(item, tuple)
        and len(item) == 2
        and isinstance(item[0], str)
        and isinstance(item[1], second)
    )
