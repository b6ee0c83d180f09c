"""Cohort filters: one frozen value that yields parameterised SQL, a plain-English description and
URL query parameters (and reads them back, ignoring what it cannot understand with a notice).

Column names come from a fixed whitelist; every value is a bound parameter.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from plexrt.data.own_template import DOSE_PER_FRACTION_GY_MAX, EQD2_10_GY_MAX
from plexrt.data.values import parse_number
from plexrt.data.vocab import (
    INTENT_LABELS,
    INTENTS,
    MUSCLE_LABELS,
    MUSCLES,
    SEX_LABELS,
    SEXES,
    label,
)

# Dose filter: dose per fraction (Gy) or EQD2 with alpha/beta 10 Gy.
DOSE_METRICS = {"dpf": "dose_per_fraction_gy", "eqd2": "eqd2_10_gy"}
DOSE_LABELS = {"dpf": "dose per fraction", "eqd2": "EQD2 (α/β 10 Gy)"}
# A URL dose bound beyond any plausible course (the import's limits) is refused, not applied.
DOSE_BOUNDS = {"dpf": (0.0, DOSE_PER_FRACTION_GY_MAX), "eqd2": (0.0, round(EQD2_10_GY_MAX, 1))}

# Set-valued filters: dataclass field -> (URL parameter, SQL column).
_SET_FILTERS = {
    "primary_cancers": ("cancer", "primary_cancer"),
    "primary_groups": ("group", "primary_group"),
    "muscles": ("muscle", "involved_muscle"),
    "intents": ("intent", "intent"),
    "sexes": ("sex", "sex"),
}
# Set-valued filters whose coded values have words (the others are shown as stored).
VALUE_LABELS = {"muscles": MUSCLE_LABELS, "intents": INTENT_LABELS, "sexes": SEX_LABELS}
# Range filters: (low field, high field) -> (URL parameter, SQL column, hard bounds).
_RANGE_FILTERS = {
    ("age_min", "age_max"): ("age", "age", (0, 120)),
    ("nrs_min", "nrs_max"): ("nrs", "nrs_before", (0, 10)),
}
# The plausible range of each range filter by URL parameter: what a slider spans when the data
# hold no value of its column (an own series that recorded no age), and what a URL may ask for.
RANGE_BOUNDS = {
    **{param: bounds for param, _, bounds in _RANGE_FILTERS.values()},
    **DOSE_BOUNDS,
}
KNOWN_PARAMS = (
    *(p for p, _ in _SET_FILTERS.values()),
    "age",
    "nrs",
    "dpf",
    "eqd2",
    "exclude",
)
# ASCII digits, as every typed number (values.NUMBER_TEXT): ?age=４５-７５ is not a range.
_RANGE_RE = re.compile(r"^\s*(-?[0-9]+(?:\.[0-9]+)?)?\s*[-–:]\s*(-?[0-9]+(?:\.[0-9]+)?)?\s*$")


@dataclass(frozen=True)
class CohortFilter:
    """Which irradiated sites to show. Empty tuples / None mean 'no restriction'."""

    primary_cancers: tuple[str, ...] = ()
    primary_groups: tuple[str, ...] = ()
    muscles: tuple[str, ...] = ()
    intents: tuple[str, ...] = ()
    sexes: tuple[str, ...] = ()
    age_min: float | None = None
    age_max: float | None = None
    nrs_min: float | None = None
    nrs_max: float | None = None
    dose_metric: str = "dpf"
    dose_min: float | None = None
    dose_max: float | None = None
    exclude: tuple[str, ...] = ()

    def __post_init__(self):
        if self.dose_metric not in DOSE_METRICS:
            raise ValueError(f"dose_metric must be one of {sorted(DOSE_METRICS)}")
        for f in fields(self):
            v = getattr(self, f.name)
            if isinstance(v, list):  # keep the value hashable for caching
                object.__setattr__(self, f.name, tuple(v))

    @property
    def is_empty(self) -> bool:
        return self == CohortFilter(dose_metric=self.dose_metric)

    def where(self) -> tuple[str, list]:
        """SQL condition over ``course_summary`` columns and its bound parameters."""
        clauses: list[str] = []
        params: list = []
        for attr, (_, column) in _SET_FILTERS.items():
            values = getattr(self, attr)
            if values:
                clauses.append(f"{column} IN ({', '.join('?' * len(values))})")
                params.extend(values)
        ranges = [(lo, hi, col) for (lo, hi), (_, col, _) in _RANGE_FILTERS.items()]
        ranges.append(("dose_min", "dose_max", DOSE_METRICS[self.dose_metric]))
        for lo_attr, hi_attr, column in ranges:
            lo, hi = getattr(self, lo_attr), getattr(self, hi_attr)
            if lo is not None:
                clauses.append(f"{column} >= ?")
                params.append(lo)
            if hi is not None:
                clauses.append(f"{column} <= ?")
                params.append(hi)
        if self.exclude:
            clauses.append(f"course_id NOT IN ({', '.join('?' * len(self.exclude))})")
            params.extend(self.exclude)
        return (" AND ".join(clauses) if clauses else "TRUE"), params

    def describe(self) -> str:
        """Plain English, e.g. 'psoas · palliative · age 45–75 · excluding site 1.2'."""
        parts: list[str] = []
        for attr in ("muscles", "intents", "primary_groups", "primary_cancers", "sexes"):
            values = getattr(self, attr)
            if values and attr in VALUE_LABELS:
                parts.append(" or ".join(label(v, VALUE_LABELS[attr]) for v in values))
            elif values:  # cancers and groups are shown as stored
                parts.append(" or ".join(values))
        if self.age_min is not None or self.age_max is not None:
            parts.append(f"age {_range_words(self.age_min, self.age_max)}")
        if self.nrs_min is not None or self.nrs_max is not None:
            parts.append(f"NRS before RT {_range_words(self.nrs_min, self.nrs_max)}")
        if self.dose_min is not None or self.dose_max is not None:
            unit = " Gy"
            parts.append(
                f"{DOSE_LABELS[self.dose_metric]} {_range_words(self.dose_min, self.dose_max)}{unit}"
            )
        if self.exclude:
            word = "site" if len(self.exclude) == 1 else "sites"
            parts.append(f"excluding {word} {', '.join(self.exclude)}")
        return " · ".join(parts) if parts else "all sites"

    def to_query_params(self) -> dict[str, str]:
        """The filter as URL query parameters (only those that restrict something)."""
        out: dict[str, str] = {}
        for attr, (param, _) in _SET_FILTERS.items():
            values = getattr(self, attr)
            if values:
                out[param] = ",".join(values)
        for (lo, hi), (param, _, _) in _RANGE_FILTERS.items():
            text = _range_text(getattr(self, lo), getattr(self, hi))
            if text:
                out[param] = text
        text = _range_text(self.dose_min, self.dose_max)
        if text:
            out[self.dose_metric] = text
        if self.exclude:
            out["exclude"] = ",".join(self.exclude)
        return out


def _num(v: float) -> str:
    return f"{v:g}"


def _range_text(lo, hi) -> str:
    if lo is None and hi is None:
        return ""
    return f"{'' if lo is None else _num(lo)}-{'' if hi is None else _num(hi)}"


def _range_words(lo, hi) -> str:
    if lo is not None and hi is not None:
        return f"{_num(lo)}–{_num(hi)}"
    if lo is not None:
        return f"≥ {_num(lo)}"
    return f"≤ {_num(hi)}"


def parse_range(text: str) -> tuple[float | None, float | None]:
    """'45-75' -> (45, 75); '45-' -> (45, None); '-75' -> (None, 75). ValueError if malformed."""
    m = _RANGE_RE.match(text or "")
    if not m or (m.group(1) is None and m.group(2) is None):
        raise ValueError(f"'{text}' is not a range like 45-75")
    lo, hi = parse_number(m.group(1)), parse_number(m.group(2))
    if lo is not None and hi is not None and lo > hi:
        raise ValueError(f"'{text}': the lower end is above the upper end")
    return lo, hi


@dataclass(frozen=True)
class Options:
    """What values exist in the store, so URL values can be checked against them."""

    primary_cancers: tuple[str, ...] = ()
    primary_groups: tuple[str, ...] = ()
    muscles: tuple[str, ...] = MUSCLES
    intents: tuple[str, ...] = INTENTS
    sexes: tuple[str, ...] = SEXES
    course_ids: tuple[str, ...] = ()


def _first(value) -> str:
    if isinstance(value, list | tuple):
        return str(value[-1]) if value else ""
    return str(value)


def _read_set(key: str, value: str, options: Options, kw: dict[str, Any]) -> str | None:
    """A set-valued parameter: keep the values the data has; a notice for the others."""
    attr = next((a for a, (p, _) in _SET_FILTERS.items() if p == key), "exclude")
    known = getattr(options, "course_ids" if attr == "exclude" else attr)
    chosen: list[str] = []
    bad: list[str] = []
    for item in dict.fromkeys(v.strip() for v in value.split(",") if v.strip()):
        (chosen if item in known else bad).append(item)
    if chosen:
        kw[attr] = tuple(dict.fromkeys(chosen))
    if not bad:
        return None
    shown = ", ".join(repr(clip_param(b)) for b in bad[:10])
    more = f" and {len(bad) - 10} more" if len(bad) > 10 else ""
    return (
        f"Ignored {key} {'value' if len(bad) == 1 else 'values'} {shown}{more}: not in the data "
        f"(known: {clip_param(', '.join(known), 200)})."
    )


def _read_range(key: str, value: str, kw: dict[str, Any]) -> str | None:
    """A range parameter (age, NRS, one dose metric); a notice when it cannot apply."""
    try:
        lo, hi = parse_range(value)
    except ValueError as exc:
        return f"Ignored URL parameter {key}: {clip_param(str(exc), 80)}."
    if key in DOSE_METRICS:
        if "dose_metric" in kw:
            return f"Ignored URL parameter {key}: only one dose range can apply."
        if (lo is not None and lo < 0) or (hi is not None and hi < 0):
            return f"Ignored URL parameter {key}: doses cannot be negative."
        (bmin, bmax), attrs = DOSE_BOUNDS[key], ("dose_min", "dose_max")
    else:
        attrs, (_, _, (bmin, bmax)) = next((k, v) for k, v in _RANGE_FILTERS.items() if v[0] == key)
    if (lo is not None and not bmin <= lo <= bmax) or (hi is not None and not bmin <= hi <= bmax):
        return f"Ignored URL parameter {key}='{clip_param(value)}': outside {bmin:g}–{bmax:g}."
    if key in DOSE_METRICS:
        kw["dose_metric"] = key
    kw[attrs[0]], kw[attrs[1]] = lo, hi
    return None


def from_query_params(
    params: Mapping[str, object], options: Options, ignore: tuple[str, ...] = ()
) -> tuple[CohortFilter, list[str]]:
    """Read a filter from URL parameters. Returns the filter and notices for whatever was ignored.

    Never raises for bad input: unknown parameters, malformed ranges and values not in the data are
    dropped with a notice naming the parameter and value.
    """
    notices: list[str] = []
    kw: dict[str, Any] = {}
    set_params = {p for p, _ in _SET_FILTERS.values()} | {"exclude"}
    for key, raw in params.items():
        if key in ignore:
            continue
        value = _first(raw).strip()
        if key not in KNOWN_PARAMS:
            notice: str | None = f"Ignored unknown URL parameter '{clip_param(key)}'."
        elif key in set_params:
            notice = _read_set(key, value, options, kw)
        else:
            notice = _read_range(key, value, kw)
        if notice:
            notices.append(notice)
    return CohortFilter(**kw), notices


def clip_param(text: str, n: int = 40) -> str:
    """A URL value as it may be quoted in a notice: printable characters only, at most ``n``."""
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return text if len(text) <= n else text[: n - 1] + "…"
