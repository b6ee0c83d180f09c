"""What the literature comparison says under its figures: the method line under a forest plot
(per-series intervals, the pool or why there is none), the warning when the series drawn define
response differently, and the PlexRT medians not reached or not estimable (so not drawn on the
duration plot).
"""

from __future__ import annotations

from typing import Any

from plexrt.clinical.literature_comparison import PLEXRT_KEYS, TABLE_LABELS, median_display
from plexrt.data.values import NOT_REPORTED, is_missing
from plexrt.stats.meta import PooledResult
from plexrt.stats.survival import ALL_NOT_REACHED, MissingWords

FOREST_NOTE = (
    "Exact (Clopper–Pearson) 95% CI per series; denominators in the series' own unit (sites or "
    "patients); the PlexRT row is never pooled."
)


def pool_note(pooled: PooledResult | None) -> str:
    """The footnote words of a pooled figure (or of its absence): method, k, n and the verdict."""
    if pooled is None:
        return "No pooled estimate: fewer than two published series report this figure."
    words = (
        f"Pooled over the published series only: {pooled.summary}"
        + ("; 0.5 added to 0%/100% series" if any(pooled.corrected) else "")
        + "."
    )
    return f"{words} {pooled.verdict}" if pooled.verdict else words


NO_POOL_NOTE = (
    "No pooled estimate: fewer than two published series in the selection report this figure "
    "(one series is not a pool). Add populations or series above to pool."
)


def definition_warning(records: list[dict[str, Any]], labels: list[str]) -> str | None:
    """A plain warning when the series drawn define response differently (or not at all)."""
    defs = {}
    for rec, label in zip(records, labels, strict=True):
        if rec.get("series_key") in PLEXRT_KEYS or is_missing(rec.get("responders")):
            continue
        d = rec.get("response_definition")
        defs[label] = NOT_REPORTED if is_missing(d) else str(d)
    if len(set(defs.values())) <= 1:
        return None
    return (
        "These series define response differently: "
        + "; ".join(f"{k}: {v}" for k, v in defs.items())
        + ". A pooled figure mixes these definitions."
    )


def forest_footnote(pooled: PooledResult | None) -> str:
    """The method line under a forest plot: the per-series intervals and, when pooled, the pooling
    method with k, n and its verdict (``pool_note``)."""
    return FOREST_NOTE + (f" {pool_note(pooled)}" if pooled else "")


def forest_caption(pooled: PooledResult | None, dropped: list[str]) -> str:
    """Under a forest plot: the pooling method (or why there is no pool) and the series left out
    for want of the figure (a published series that does not report it; a PlexRT cohort in which
    no site is assessable)."""
    text = pooled.method_note if pooled else NO_POOL_NOTE
    return text + (f" {FOREST_LEFT_OUT}: {', '.join(dropped)}." if dropped else "")


FOREST_LEFT_OUT = "Not drawn for want of the figure (not reported, or no site assessable)"


def unreached_medians(
    values: dict[str, float | None],
    cis: dict[str, tuple[float | None, float | None]],
    reconstructed: bool,
    ranges: dict[str, tuple[float | None, float | None]] | None = None,
    pooled_over: int = 0,
    missing: dict[str, MissingWords] | None = None,
) -> str | None:
    """The PlexRT medians that are missing (so not drawn on the duration plot), with their
    intervals (pooled over ``pooled_over`` reconstructions, with their range, when given), said
    'not reached' or 'not estimable' as ``missing`` (``SeriesMedians.missing``) has it; None
    when every median is there."""
    ranges = ranges or {}
    gone = [col for col, v in values.items() if v is None]
    why = {col: (missing or {}).get(col, ALL_NOT_REACHED) for col in gone}
    parts = [
        f"{TABLE_LABELS[col]} ("
        + median_display(None, cis.get(col), reconstructed, ranges.get(col), pooled_over, why[col])
        + ")"
        for col in gone
    ]
    # 'not reached', 'not estimable' or both, in the order the medians come.
    words = " or ".join(dict.fromkeys(w[0].split(":")[0] for w in why.values()))
    return f"PlexRT medians {words}, so not drawn: {'; '.join(parts)}." if parts else None
