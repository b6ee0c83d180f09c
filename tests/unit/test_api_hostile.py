"""Hostile values through the checks of the public computations (issue 16 §4): survival times,
events and codes, alpha, a pain score, an OMED, an alpha/beta ratio, typed counts, chart ticks and
reference lines, series counts. Any value gives the checked value or a ValueError in words, never
another exception (an int beyond any float, 10**400, raised OverflowError in most of them)."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plexrt.charts.axes import nice_ticks
from plexrt.charts.km_inputs import check_reference_lines
from plexrt.clinical import inputs
from plexrt.clinical.analgesics import omed_mg
from plexrt.clinical.dose import check_alpha_beta
from plexrt.clinical.icpre import check_omed
from plexrt.clinical.pain_scores import check_nrs
from plexrt.data.paths import DEFAULT_DATA_DIR
from plexrt.export.renderer import check_size
from plexrt.stats.meta import pool_proportions
from plexrt.stats.survival import _checks as checks

_FACTORS = pd.read_csv(DEFAULT_DATA_DIR / "opioid_factors.csv")
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
HUGE = 10**400
SCALAR = st.one_of(
    st.integers(),
    st.integers(-(10**500), 10**500),
    st.sampled_from([HUGE, -HUGE, Fraction(HUGE), Fraction(1, HUGE), 1, 0, 0.5, 3, 10]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.fractions(),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.text(max_size=8),
    st.complex_numbers(allow_nan=False, max_magnitude=10),
    st.builds(np.float64, st.floats()),
    st.builds(np.int64, st.integers(-(2**63), 2**63 - 1)),
)
VALUE = st.one_of(
    SCALAR, st.lists(SCALAR, max_size=4), st.dictionaries(st.text(max_size=3), SCALAR)
)


def _checked_or_refused(check, value):
    try:
        return check(value)
    except ValueError as exc:
        assert str(exc)
        return None


CHECKS = {
    "durations": checks.check_durations,
    "events": lambda v: checks.check_events(v, 1),
    "codes": lambda v: checks.check_codes(v, 2),
    "times": checks.check_times,
    "alpha": checks.check_alpha,
    "event of interest": checks.check_event_of_interest,
    "nrs": lambda v: check_nrs(v, "nrs"),
    "omed": lambda v: check_omed(v, "omed"),
    "alpha/beta": check_alpha_beta,
    "number": lambda v: inputs.number(v, "dose"),
    "count": lambda v: inputs.count(v, "sites"),
    "check count": lambda v: inputs.check_count(v, "sites"),
    "pixels": lambda v: check_size("width", v),
    "ticks": nice_ticks,
    "reference line": lambda v: check_reference_lines([(v, "median")]),
    "pooled": lambda v: pool_proportions([v, 1], [10, 10]),
    "omed of an opioid": lambda v: omed_mg(
        [{"drug": "morphine", "mg_per_day": v, "is_opioid": True}], _FACTORS
    ),
}


@SETTINGS
@given(st.sampled_from(sorted(CHECKS)), VALUE)
def test_any_value_is_checked_or_refused_in_words(name, value):
    _checked_or_refused(CHECKS[name], value)


@SETTINGS
@given(SCALAR)
def test_a_scalar_accepted_is_a_finite_number_in_range(value):
    alpha = _checked_or_refused(checks.check_alpha, value)
    assert alpha is None or 0 < alpha < 1
    nrs = _checked_or_refused(lambda v: check_nrs(v, "nrs"), value)
    assert nrs is None or (isinstance(nrs, int) and 0 <= nrs <= 10)
    ab = _checked_or_refused(check_alpha_beta, value)
    assert ab is None or (math.isfinite(ab) and ab > 0)
    omed = _checked_or_refused(lambda v: check_omed(v, "omed"), value)
    assert omed is None or (math.isfinite(omed) and omed >= 0)
    k = _checked_or_refused(checks.check_event_of_interest, value)
    assert k is None or (isinstance(k, int) and k >= 1)


@pytest.mark.parametrize("name", sorted(CHECKS))
@pytest.mark.parametrize(
    "value",
    [HUGE, -HUGE, Fraction(HUGE), [HUGE], Decimal("1e400")],
    ids=["10**400", "-10**400", "Fraction(10**400)", "[10**400]", "Decimal('1e400')"],
)
def test_a_number_beyond_any_float_is_refused_in_words(name, value):
    """Each raised OverflowError (int too large to convert to float) before."""
    _checked_or_refused(CHECKS[name], value)
