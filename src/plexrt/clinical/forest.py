"""Per-series response proportions with their intervals: the rows of the literature forest plot.

A count that is not reported stays unknown: the series is left out (and named), never shown as 0%.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from plexrt.clinical.inputs import count, require_columns, yes_no
from plexrt.data.values import is_missing
from plexrt.stats.proportions import METHODS, check_count_pair, proportion_ci

__all__ = ["FOREST_COLUMNS", "FOREST_ROW_COLUMNS", "forest_data", "pct_text", "proportion_display"]

#: What a caller hands to ``forest_data`` (usually ``comparison.forest_rows``).
FOREST_ROW_COLUMNS = ("label", "events", "total", "is_plexrt")
#: What ``forest_data`` adds per kept row.
FOREST_COLUMNS = ("proportion", "low", "high", "display")


def pct_text(p: float) -> str:
    # Same rounding as plexrt.stats.proportions.Proportion.text, so the figure agrees with tables.
    return f"{100 * p:.0f}"


def proportion_display(k: int, n: int, low: float, high: float) -> str:
    """'3/4 = 75% (19–99%)': the text beside a series in the forest plot."""
    return f"{k:,}/{n:,} = {pct_text(k / n)}% ({pct_text(low)}–{pct_text(high)}%)"


def _check_rows(rows: Any) -> list[str]:
    require_columns(rows, "rows", FOREST_ROW_COLUMNS)
    if any(is_missing(v) for v in rows["label"]):
        raise ValueError("rows: every row needs a label")
    labels = [str(v) for v in rows["label"]]
    duplicated = sorted({lab for lab in labels if labels.count(lab) > 1})
    if duplicated:
        raise ValueError(f"rows: duplicate label(s): {', '.join(duplicated)}")
    return labels


def _counts(record: dict[str, Any], label: str) -> tuple[int, int]:
    k_name, n_name = f"events of {label!r}", f"total of {label!r}"
    k, n = count(record["events"], f"rows: {k_name}"), count(record["total"], f"rows: {n_name}")
    check_count_pair(k, n, k_name, n_name, where="rows: ")
    return k, n


def forest_data(rows: pd.DataFrame, method: str = "exact") -> pd.DataFrame:
    """Per-series proportion events/total with its 95% interval, ready for ``forest_figure``.

    ``rows`` has columns label, events, total, is_plexrt (bool) and usually population. Adds
    proportion, low, high (``plexrt.stats.proportions.proportion_ci``, exact Clopper-Pearson by
    default) and display ("3/4 = 75% (19–99%)"). Rows whose events or total is missing are dropped;
    their labels are listed in ``result.attrs["dropped"]`` (the page shows them as "not
    reported"). Raises ValueError for a missing column, an unknown method, duplicate labels,
    non-whole counts, total <= 0, events < 0 or events > total.
    """
    if method not in METHODS:
        raise ValueError(f"unknown interval method {method!r}; choose one of {', '.join(METHODS)}")
    labels = _check_rows(rows)
    kept: list[dict[str, Any]] = []
    dropped: list[str] = []
    for record, label in zip(rows.to_dict("records"), labels, strict=True):
        if is_missing(record["events"]) or is_missing(record["total"]):
            dropped.append(label)
            continue
        k, n = _counts(record, label)
        low, high = proportion_ci(k, n, method=method)
        out = dict(record)
        out.update(
            label=label,
            events=k,
            total=n,
            is_plexrt=yes_no(record["is_plexrt"], f"rows: is_plexrt of {label!r}"),
            proportion=k / n,
            low=low,
            high=high,
            display=proportion_display(k, n, low, high),
        )
        kept.append(out)

    columns = list(rows.columns) + [c for c in FOREST_COLUMNS if c not in rows.columns]
    df = pd.DataFrame(kept, columns=columns)
    if not kept:
        df = df.astype({"proportion": float, "low": float, "high": float})
    df.attrs["dropped"] = dropped
    df.attrs["method"] = method
    return df
