"""Proportions and their intervals for small samples.

Small n is the normal case in PlexRT, so intervals are exact (Clopper-Pearson) by default, Wilson on
request, never Wald.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats as _st

METHODS = ("exact", "wilson")

METHOD_LABELS = {
    "exact": "exact (Clopper-Pearson) 95% CI",
    "wilson": "Wilson score 95% CI",
}


def method_sentence(method: str) -> str:
    """The interval method as a sentence of a footnote: 'Exact (Clopper-Pearson) 95% CI.'"""
    label = METHOD_LABELS[method]
    return f"{label[0].upper()}{label[1:]}."


# The same methods as a choice on a page.
METHOD_CHOICES = {"exact": "Exact (Clopper–Pearson)", "wilson": "Wilson"}


def check_count_pair(k: int, n: int, k_name: str = "k", n_name: str = "n", where: str = "") -> None:
    """k of n is a proportion's count pair: n > 0 and 0 <= k <= n (whole numbers checked by the
    caller). The ValueError names ``where`` and ``k_name`` / ``n_name``, e.g. "events[2]" or
    "rows: " + "total of 'X'"."""
    if n <= 0:
        raise ValueError(f"{where}{n_name} must be positive, got {n}")
    if k < 0:
        raise ValueError(f"{where}{k_name} must not be negative, got {k}")
    if k > n:
        raise ValueError(f"{where}{k_name} ({k}) cannot exceed {n_name} ({n})")


def _check_counts(k: int, n: int) -> None:
    for name, v in (("k", k), ("n", n)):
        real = isinstance(v, int | float) and not isinstance(v, bool)
        if not real or (isinstance(v, float) and not math.isfinite(v)) or v != int(v):
            raise ValueError(f"{name} must be a whole number, got {v!r}")
        if abs(v) > 2**53:  # beyond exact float arithmetic (and 10**400 beyond any float)
            raise ValueError(f"{name} is too large to be a count of sites or patients")
    check_count_pair(k, n)


def proportion_ci(
    k: int, n: int, method: str = "exact", alpha: float = 0.05
) -> tuple[float, float]:
    """Two-sided (1 - alpha) confidence interval for the proportion k / n.

    ``method="exact"``: Clopper-Pearson (beta quantiles); ``"wilson"``: Wilson score interval
    without continuity correction. Raises ValueError for k > n, n <= 0, k < 0, non-integers,
    an unknown method or alpha outside (0, 1).
    """
    _check_counts(k, n)
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must lie strictly between 0 and 1, got {alpha}")
    k, n = int(k), int(n)
    if method == "exact":
        low = 0.0 if k == 0 else float(_st.beta.ppf(alpha / 2, k, n - k + 1))
        high = 1.0 if k == n else float(_st.beta.ppf(1 - alpha / 2, k + 1, n - k))
        return low, high
    if method == "wilson":
        z = float(_st.norm.ppf(1 - alpha / 2))
        p = k / n
        denom = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / denom
        half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
        return max(0.0, centre - half), min(1.0, centre + half)
    raise ValueError(f"unknown interval method {method!r}; choose one of {', '.join(METHODS)}")


@dataclass(frozen=True)
class Proportion:
    """k of n with its interval; ``text()`` is how every percentage is shown on screen."""

    k: int
    n: int
    low: float
    high: float
    method: str

    @property
    def estimate(self) -> float:
        return self.k / self.n

    def pct(self, digits: int = 0) -> str:
        return f"{100 * self.estimate:.{digits}f}%"

    def detail(self, unit: str = "sites", digits: int = 0) -> str:
        """'9/12 sites · 95% CI 43–95%' -- the line under a big percentage; counts grouped as in
        ``text`` ('1,579/2,000 sites')."""
        f = f"{{:.{digits}f}}"
        ci = f"{f.format(100 * self.low)}–{f.format(100 * self.high)}%"
        return f"{self.k:,}/{self.n:,} {unit} · 95% CI {ci}"

    def text(self, digits: int = 0, unit: str | None = None) -> str:
        """'75% (9/12; 95% CI 43-95%)' -- n always beside the percentage; with ``unit`` the unit
        counted is named: '75% of sites (9/12; 95% CI 43-95%)'. Counts of a thousand or more
        are grouped ('79,320/100,000'), to be read at a glance on a projector."""
        f = f"{{:.{digits}f}}"
        of = f" of {unit}" if unit else ""
        return (
            f"{f.format(100 * self.estimate)}%{of} ({self.k:,}/{self.n:,}; 95% CI "
            f"{f.format(100 * self.low)}–{f.format(100 * self.high)}%)"
        )


def proportion(k: int, n: int, method: str = "exact", alpha: float = 0.05) -> Proportion | None:
    """A Proportion with its interval, or None when n == 0 (nothing to estimate)."""
    if n == 0:
        return None
    low, high = proportion_ci(k, n, method=method, alpha=alpha)
    return Proportion(int(k), int(n), low, high, method)
