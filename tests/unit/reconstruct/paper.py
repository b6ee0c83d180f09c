"""What the reconstruct tests share: where the bundled series is, what the reconstruction drops, and
the paper's rounding written out by hand (independently of plexrt.reconstruct.rounding)."""

from __future__ import annotations

import math
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SERIES = ROOT / "data" / "sanuki2022"
# Sanuki et al., Cureus 2022 (CC BY 4.0, see the licence line in the file): the reference text the
# transcription in published_times.csv is checked against.
PAPER = ROOT / "tests" / "fixtures" / "sanuki2022-cureus.md"
# How the authors may have turned days into months: 30-day months or 365.25/12-day months.
MONTHS = (30.0, 365.25 / 12)

# Dropped / relaxed by the reconstruction (see test_conflicts_found_on_the_paper)
DROPPED = {"disc_median", "p8_relapse", "p5_fractions"}
RELAXED = {"p5_pain_free"}


def half_up(x: float) -> int:
    return math.floor(x + 0.5)


def rounds_to_months(days: float, months: float, step: float = 1.0) -> bool:
    """True if `days` is reported as `months` (to the nearest `step`) with either month length."""
    return any(half_up(days / length / step) == round(months / step) for length in MONTHS)
