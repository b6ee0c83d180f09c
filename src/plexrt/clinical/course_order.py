"""Sites in course order, worked out once per cohort, and the lists of course ids the pain views
keep beside their rows.

A registry's cohort has 100,000 sites: the natural sort key of every course id
(``plexrt.data.values.natural_key``) costs about 0.3 CPU s the first time and 0.05 s after, and the
board's pain slides (waterfall, paired scores, weeks to maximum response, dose) each ask for the
same cohort in course order. The order depends on the course ids only, so it is kept for the last
few sequences of ids asked for and reused when the same ids come again in the same order.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from plexrt.data.values import natural_key

__all__ = ["CourseIds", "course_order", "in_course_order"]

#: Sequences of course ids whose order is kept (a page or board asks for one or two cohorts).
_KEPT = 4
_orders: list[tuple[np.ndarray, np.ndarray]] = []  # (ids, their order), the newest last
_lock = threading.Lock()


class CourseIds(tuple):
    """Course ids kept in a frame's ``attrs`` (sites left out of a figure). Immutable, so the deep
    copy pandas makes of ``attrs`` after every operation on the frame shares it instead of copying
    thousands of ids each time. Compares equal to a tuple of the same ids."""

    __slots__ = ()

    def __new__(cls, ids: Iterable[Any] = ()) -> CourseIds:
        return super().__new__(cls, ids)

    def __copy__(self) -> CourseIds:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> CourseIds:
        return self


def _natural_order(ids: np.ndarray) -> np.ndarray:
    keys = [natural_key(v) for v in ids]
    # stable: equal keys keep their order
    return np.fromiter(
        sorted(range(len(keys)), key=keys.__getitem__), dtype=np.intp, count=len(keys)
    )


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return len(a) == len(b) and bool((a == b).all())


def course_order(course_ids: Any) -> np.ndarray:
    """Positions of ``course_ids`` in the natural order of the ids ('2.1' before '10.1'; equal
    ids keep their order), as ``plexrt.data.values.natural_order`` sorts them. Reused when the
    same ids come again in the same order (a copy of the order is returned)."""
    ids = pd.Series(course_ids, dtype=object).to_numpy(dtype=object, copy=True)
    with _lock:
        for i, kept in enumerate(_orders):
            if _same(kept[0], ids):
                _orders.append(_orders.pop(i))  # the newest last
                return kept[1].copy()
    order = _natural_order(ids)
    with _lock:
        _orders.append((ids, order))
        del _orders[:-_KEPT]
    return order.copy()


def in_course_order(df: pd.DataFrame) -> pd.DataFrame:
    """Sites in the natural order of their course ids ('2.1' before '10.1'), index reset
    (``course_order``)."""
    order = course_order(df["course_id"])
    if np.array_equal(order, np.arange(len(df))):  # a cohort usually is: no copy of every column
        return df.reset_index(drop=True)
    return df.take(order).reset_index(drop=True)
