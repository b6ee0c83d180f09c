"""What a series' treatment period may hold: years and months, never an identifier or a day.

A period is free text ('2010-2015', '2010–2015, 2016–2023', 'Jan 2010 to Dec 2015',
'2010/01-2015/12', 'since 2018'). The rule for a name or institution
(``deidentify.identifier_in_text``: 9 or more digits in all) cannot be used here, for two ranges of
years hold 16 digits. Instead each group of numbers written together (digit runs joined only by
spaces, dots, hyphens, dashes, slashes, brackets or '+') is read: a year is 4 digits from 1900 to
2099, a month 1 or 2 digits. Refused:

- an e-mail address ('@');
- a run of 5 or more digits (a hospital, record or telephone number);
- a group of 6 or more digits holding a number that is neither a year nor a month
  ('020 7946 0958', '+44 20 7946 0958');
- two numbers of 1 or 2 digits side by side in a group: a day beside its month ('2010-01-15',
  '15.01.2010', '15.01'), or, in a group of 4 or more numbers none of them a year, a number
  written in pairs ('06 12 34 56 78');
- a day written beside a month's name ('15 Jan 2010', 'Jan 15, 2010', '3. März 2015').

A range of two years that ends before it starts ('2020-2010') is refused too (a typing slip).
"""

from __future__ import annotations

import re
import unicodedata

_GROUP = re.compile(r"\d+(?:[\s./()+\-\u2010-\u2015]{1,3}\d+)*")
_RUN = re.compile(r"\d+")
_MONTH = (
    r"(?:jan|feb|f[eé]v|m[aä]r|apr|avr|ma[iy]|jun|jui|jul|aug|ao[uû]|sep|o[ck]t|nov|d[eé][cz])"
    r"[^\W\d_]*\.?"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th|er)?\.?"
_DAY_AND_MONTH = re.compile(
    rf"(?<!\d){_DAY}\s*{_MONTH}|(?<![^\W\d_]){_MONTH}\s*{_DAY}(?!\d)", re.IGNORECASE
)
LONG_RUN = 5  # digits in a row: no year or month has as many
# a range of two years ('2010-2015', '2010 to 2015', '2010/2015'): its end may not come first
_YEARS = re.compile(
    r"(?<!\d)((?:19|20)\d\d)\s*(?:[-/\u2010-\u2015]|to|bis|au|à)\s*((?:19|20)\d\d)(?!\d)",
    re.IGNORECASE,
)

KINDS = {
    "email": "an e-mail address",
    "number": "a number that is neither a year nor a month (a telephone, hospital or record "
    "number)",
    "day": "a calendar date with its day",
}
PERIOD_ADVICE = (
    "give the period in years, or months and years ('2010-2015', 'Jan 2010 to Dec 2015', "
    "'2010/01-2015/12'); identifiers and dates are never stored"
)


def _year(run: str) -> bool:
    return len(run) == 4 and 1900 <= int(run) <= 2099


def _group_kinds(group: str) -> set[str]:
    runs = _RUN.findall(group)
    if any(len(r) >= LONG_RUN for r in runs):
        return {"number"}
    short = [len(r) <= 2 for r in runs]
    out = set()
    if any(a and b for a, b in zip(short, short[1:], strict=False)):
        # beside a year, or as day and month alone: a date; else a number written in pairs
        dated = any(_year(r) for r in runs) or len(runs) <= 3
        out.add("day" if dated else "number")
    odd = any(not s and not _year(r) for r, s in zip(runs, short, strict=True))
    if odd and sum(len(r) for r in runs) >= 6:
        out.add("number")
    return out


def period_kinds(text: str) -> list[str]:
    """What in a period may identify ('email', 'number', 'day', in that order); [] when none."""
    plain = unicodedata.normalize("NFKC", text)
    found: set[str] = {"email"} if "@" in plain else set()
    for group in _GROUP.findall(plain):
        found |= _group_kinds(group)
    if _DAY_AND_MONTH.search(plain):
        found.add("day")
    return [k for k in KINDS if k in found]


def reversed_ranges(text: str) -> list[str]:
    """The ranges of years in a period that end before they start ('2020-2010'), as written."""
    plain = unicodedata.normalize("NFKC", text)
    return [m.group(0) for m in _YEARS.finditer(plain) if int(m.group(2)) < int(m.group(1))]


def period_problem(text: str) -> str | None:
    """Why ``text`` cannot be a series' period (None when it can): what it holds, and what to
    give instead; a range of years that ends before it starts."""
    kinds, backwards = period_kinds(text), reversed_ranges(text)
    said = [f"holds {' and '.join(KINDS[k] for k in kinds)}: {PERIOD_ADVICE}"] if kinds else []
    if backwards:
        ranges = ", ".join(f"'{r}'" for r in backwards)
        said.append(f"{ranges} ends before it starts: give the first year first")
    return "; ".join(said) or None
