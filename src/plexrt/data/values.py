"""What counts as a missing value, how a typed number is read, and the natural order of ids.

One home for each rule: every reader, validator, form and chart imports them from here.
"""

from __future__ import annotations

import functools
import math
import numbers
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from plexrt.data.text_limits import HIDDEN

# The words for a value that is not known (never shown as 0):
NOT_STATED = "not stated"  # a patient or site value the source does not give
NOT_REPORTED = "not reported"  # a figure a published series does not report
NOT_AVAILABLE = "not available"  # a summary that cannot be computed (no site has the value)


def is_missing(value: Any) -> bool:
    """None, pandas NA/NaT, a float NaN, or text that is empty after stripping: not known.

    Clinical rule: an empty cell means "not stated" (unknown), never 0.
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float | np.floating):
        return math.isnan(value)
    return isinstance(value, str) and value.strip() == ""


def missing_mask(values: pd.Series) -> pd.Series:
    """``is_missing`` of every value of a Series (a boolean Series on its index); whole-column
    for numbers (only NaN / NA can be missing) and for text (NA, or blank once stripped)."""
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values.isna()
    # Once per distinct value (a column repeats its codes and names); NA is missing.
    codes, uniques = pd.factorize(values)
    distinct = pd.Series(np.asarray(uniques, dtype=object))
    if pd.api.types.infer_dtype(distinct, skipna=True) == "string":
        blank = distinct.str.strip().eq("").to_numpy(dtype=bool)
    else:
        blank = np.asarray([is_missing(v) for v in distinct], dtype=bool)
    missing = np.append(blank, True)[codes]  # code -1 (NA) takes the appended True
    return pd.Series(missing, index=values.index)


# A typed number as a clinician writes it, the one rule of every form, file reader and the own
# series import: ASCII digits with an optional sign, decimal point and exponent ('39', '-2', '+5',
# '59.4', '.5', '3.', '1e3'), once stripped of surrounding spaces. Python's float() also reads
# what no one means as a number: digits grouped with '_' ('1_5' is 15, a typo for 1.5), digits of
# other scripts (full-width '１０', Arabic-Indic '١٠'), 'nan' and 'inf'; they are refused.
NUMBER_TEXT = r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
_NUMBER_TEXT = re.compile(NUMBER_TEXT)


def number_problem(value: Any, *, whole: bool = False) -> str | None:
    """Why ``value`` is not a finite number (a whole one when ``whole``), or None when it is.

    Text must be written as ``NUMBER_TEXT`` says; 'inf' and 'nan' are named as not finite."""
    kind = "a whole number" if whole else "a number"
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real | str):
        return f"must be {kind}, got {shown_value(value)}"
    if isinstance(value, str):
        text = value.strip()
        if not _NUMBER_TEXT.fullmatch(text):
            if not _float_text(text):
                return f"must be {kind}, got {shown_value(value)}"
            if not math.isfinite(float(text)):  # 'inf', '-nan'
                return f"must be a finite number, got {shown_value(value)}"
            # '1_0', '１０': a number to float(), not as the rule writes it.
            return f"must be {kind} written with the digits 0-9, got {shown_value(value)}"
        x = float(text)
    else:
        try:
            x = float(value)
        except OverflowError:  # an int beyond any float (10**400)
            x = math.inf
    if not math.isfinite(x):
        return f"must be a finite number, got {shown_value(value)}"
    if whole and x != int(x):
        return f"must be a whole number, got {shown_value(value)}"
    return None


def finite_float(value: Any) -> float | None:
    """``value`` as a float when it is a finite real number (not a bool, not text); None for
    anything else, an int or fraction beyond any float (10**400) included, which ``float()``
    refuses with OverflowError."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        return None
    try:
        x = float(value)
    except OverflowError:
        return None
    return x if math.isfinite(x) else None


def shown_value(value: Any, limit: int = 40) -> str:
    """``value`` as a message quotes it, cut to ``limit`` characters ('1000…(401 digits)');
    an int too long for ``str`` (over 4,300 digits) as '1.00e+5000'."""
    whole = isinstance(value, int | np.integer) and not isinstance(value, bool)
    if whole and abs(int(value)) >= 10**4000:
        return number_shown(value)
    text = repr(value) if isinstance(value, str) else str(value)
    if len(text) <= limit:
        return text
    digits = f" ({len(text)} digits)" if text.lstrip("-").isdigit() else ""
    return text[:limit] + "…" + digits


def key_shown(value: Any, limit: int = 60) -> str:
    """A key value (patient code, course number) as a message names the row it is refusing:
    '(empty)' when missing, cut to ``limit`` characters, control, invisible and unencodable
    characters escaped, so that the message is plain, short text whatever the value."""
    if is_missing(value):
        return "(empty)"
    if isinstance(value, int | np.integer) and not isinstance(value, bool | np.timedelta64):
        return number_shown(value) if abs(int(value)) >= 10**15 else str(int(value))
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))  # course 2.0 is course 2
    text = str(value)
    text = text if len(text) <= limit else text[:limit] + "…"
    text = _HIDDEN.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def number_shown(x: float | int | np.integer, grouped: bool = False) -> str:
    """A parsed number as a message quotes it: '1,234' (``grouped``), '2.5', and '1e+300' or
    '1.00e+400' when it is too long to read."""
    if isinstance(x, int | np.integer) and not isinstance(x, bool):
        if abs(int(x)) >= 10**15:
            return format(Decimal(int(x)), ".2e")
        return f"{int(x):,}" if grouped else str(int(x))
    return f"{x:g}"


def parse_number(value: Any, *, whole: bool = False) -> float | int | None:
    """A typed or stored value as a finite number (int when ``whole``); None when missing.

    Raises ValueError with a message naming what is wrong ("must be a whole number, got '2.5'").
    """
    if is_missing(value):
        return None
    problem = number_problem(value, whole=whole)
    if problem:
        raise ValueError(problem)
    x = float(value.strip()) if isinstance(value, str) else float(value)
    return int(x) if whole else x


_DIGITS = re.compile(r"(\d+)")
_HIDDEN = re.compile(HIDDEN)


def natural_key(value: Any) -> tuple:
    """Sort key in which digit runs compare as numbers: '2.1' < '10.1', '1.1' < '1.2', 'P9' < 'P10'."""
    return _text_key(str(value))


@functools.lru_cache(maxsize=1 << 18)  # course and patient ids recur on every rerun
def _text_key(text: str) -> tuple:
    parts = [p for p in _DIGITS.split(text) if p]
    # isdecimal, as \d matches: a superscript "²" is a digit to isdigit() but not a number to int().
    return tuple((0, int(p), "") if p.isdecimal() else (1, 0, p) for p in parts)


def natural_sorted(values: Iterable[Any]) -> list[Any]:
    """The values in natural order (see ``natural_key``)."""
    return sorted(values, key=natural_key)


def natural_order(df: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """The rows of ``df`` in natural order of ``columns`` (ties keep their order), index reset."""
    keys = [[_text_key(str(v)) for v in df[c].tolist()] for c in columns]
    rows = keys[0] if len(keys) == 1 else list(zip(*keys, strict=True))
    order = sorted(range(len(df)), key=rows.__getitem__)  # stable; linear when already in order
    if order == list(range(len(df))):  # a cohort usually is: no copy of every column
        return df.reset_index(drop=True)
    return df.take(order).reset_index(drop=True)


def utc_shown(values: Iterable[Any]) -> list[str]:
    """Stored UTC times ('2026-12-04T07:58:19.209927Z') as shown on screen: to the second
    ('2026-12-04 07:58:19'). Text that is not a time is shown as it is; a missing one as ''."""
    raw = pd.Series(list(values), dtype=object)
    times = pd.to_datetime(raw, utc=True, errors="coerce", format="ISO8601")
    shown = times.dt.strftime("%Y-%m-%d %H:%M:%S")
    return [
        s if isinstance(s, str) else ("" if is_missing(r) else str(r))
        for s, r in zip(shown, raw, strict=True)
    ]


# A typed figure may carry words around its number ("approximately 3.5 months", "n = 12",
# "~40 patients"). The number is read when the text holds exactly one; the wording is kept beside
# it (``entered_number``). A bound ("> 12", "at least 6") or a range ("3-6") is not one value:
# reading it as one would invent a figure, so it is refused with a message saying so.
_NUMBER_IN_TEXT = re.compile(r"[-−]?\d+(?:\.\d+)?")
_BOUND_WORDS = re.compile(
    r"[<>≤≥]|\b(?:at least|at most|more than|less than|over|under|up to|not reached|range)\b",
    re.IGNORECASE,
)


def entered_number(text: Any, *, whole: bool = False) -> tuple[float | int | None, str | None]:
    """(number, wording) for a typed figure: ('3.5', ...) -> (3.5, None); 'approximately 3.5
    months' -> (3.5, 'approximately 3.5 months'); blank -> (None, None). The wording is returned
    only when it differs from the bare number. ValueError (message naming what is wrong) for no
    number, several numbers, a bound or a range."""
    if is_missing(text):
        return None, None
    if not isinstance(text, str) or number_problem(text) is None or _float_text(text):
        # A number as written ('1e400' and 'inf' too: parse_number says they are not finite).
        return parse_number(text, whole=whole), None
    wording = " ".join(text.split())
    found = _NUMBER_IN_TEXT.findall(wording)
    kind = "a whole number" if whole else "a number"
    if re.search(r"\d,\d", wording):  # '3,5' is 3.5 in much of Europe, '3,500' is 3500 elsewhere
        raise ValueError(
            f"must be {kind}, got {_short(wording)!r}: a comma between digits could be a decimal "
            "comma or a thousands separator; write decimals with a point (3.5) and numbers "
            "without separators (3500)"
        )
    if _BOUND_WORDS.search(wording) or len(found) > 1 or re.search(r"\d\s*[-–]\s*\d", wording):
        one = "one whole number" if whole else "one number"
        raise ValueError(
            f"must be {one}, got {_short(wording)!r} (a range or bound is not one value: "
            "leave the figure blank and write it in Notes)"
        )
    if not found:
        raise ValueError(f"must be {kind}, got {_short(wording)!r}")
    number = found[0].replace("−", "-")
    return parse_number(number, whole=whole), wording


def _float_text(text: str) -> bool:
    try:
        float(text.strip())
    except ValueError:
        return False
    return True


def _short(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def one_line(text: object) -> str:
    """``text`` on one line: every run of whitespace (line breaks and tabs a citation may hold)
    one space, none at either end."""
    return " ".join(str(text).split())


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """'1 site', '3 sites', '0 problems', '1,200 patients': a count with its noun in the right
    number."""
    return f"{n:,} {noun if n == 1 else (plural or noun + 's')}"


def half_up(values: Any, decimals: int) -> np.ndarray:
    """``values`` rounded to ``decimals`` with halves away from zero as they read in decimal
    (42.25 -> 42.3; 2.675 -> 2.68 although binary stores it a hair below), as a clinician reads
    a figure and as the screen's number columns round a half that binary holds exactly (42.25);
    NaN stays NaN. Python's and numpy's ``round`` send halves to the even digit (42.25 -> 42.2),
    so a CSV and the page it comes from disagreed."""
    if isinstance(values, pd.Series | pd.Index | pd.api.extensions.ExtensionArray):
        x = pd.Series(values).to_numpy(dtype=float, na_value=np.nan)  # pd.NA -> NaN
    else:
        x = np.asarray(values, dtype=float)
    scale = 10.0**decimals
    # The nudge lifts a decimal half stored a hair below .5 after scaling; it is far smaller
    # than any real difference in a clinical figure.
    with np.errstate(invalid="ignore"):
        return np.sign(x) * np.floor(np.abs(x) * scale + 0.5 + 1e-9) / scale


def one_decimal(x: float) -> str:
    """One decimal, halves rounded up as clinicians read them (42.25 -> '42.3'; ``half_up``)."""
    return f"{float(half_up(x, 1)):.1f}"
