"""Published comparison series: the literature table, per-series intervals and pooling.

The literature table (``data/literature.csv``) holds one row per published series. Every figure in it
carries a ``<column>_source`` saying where the figure comes from; a figure that is not reported stays an
empty cell (unknown), never 0. The Sanuki 2022 series is not in the file: the app computes it from the
store.

Pooling is a random-effects meta-analysis of proportions on the logit scale with the
DerSimonian-Laird between-series variance. With the handful of small series available here, any pooled
figure is fragile; the result object says so in plain words.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as _st

from plexrt.data.csvfile import CsvRow, Problem, header_problems, read_csv
from plexrt.data.paths import DEFAULT_DATA_DIR
from plexrt.data.values import is_missing, parse_number
from plexrt.stats.proportions import METHODS as CI_METHODS
from plexrt.stats.proportions import proportion_ci

__all__ = [
    "COLUMNS",
    "COLUMN_NAMES",
    "DEFAULT_LITERATURE_PATH",
    "FIGURE_COLUMNS",
    "INTEGER_COLUMNS",
    "NUMBER_COLUMNS",
    "POPULATIONS",
    "SOURCE_COLUMNS",
    "ColumnSpec",
    "LiteratureFileError",
    "PooledResult",
    "load_literature",
    "pool_proportions",
    "series_ci",
    "validate_series",
]

DEFAULT_LITERATURE_PATH = DEFAULT_DATA_DIR / "literature.csv"

POPULATIONS: dict[str, str] = {
    "malignant_psoas_syndrome": "malignant psoas syndrome",
    "lumbosacral_plexopathy": "malignant lumbosacral plexopathy",
    "non_bone_painful_lesions": "painful non-bone lesions (broader comparator)",
    "frequency_survey": "frequency survey (how often the syndrome occurs)",
    "non_rt_comparator": "non-radiotherapy comparator",
    "case_report": "case report",
}


# How each kind of column is stored (the bundled literature table and the user's own series).
SQL_TYPES = {"text": "VARCHAR", "integer": "INTEGER", "number": "DOUBLE"}


@dataclass(frozen=True)
class ColumnSpec:
    """One column of the literature CSV: name, kind ('text' | 'integer' | 'number'), meaning."""

    name: str
    kind: str
    description: str
    is_figure: bool = False

    @property
    def sql_type(self) -> str:
        return SQL_TYPES[self.kind]


_BASE_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("series_key", "text", "short unique key, e.g. 'gerontopoulos2020' (required)"),
    ColumnSpec("citation", "text", "journal reference (required)"),
    ColumnSpec("doi", "text", "DOI when known"),
    ColumnSpec("year", "integer", "publication year"),
    ColumnSpec("population", "text", "one of: " + ", ".join(POPULATIONS)),
    ColumnSpec("design", "text", "study design in a few words"),
    ColumnSpec("n_patients", "integer", "number of patients (evaluable, as reported)", True),
    ColumnSpec("n_sites", "integer", "number of irradiated sites, when reported", True),
    ColumnSpec("pain_scale", "text", "pain scale used (e.g. NRS 0-10)", True),
    ColumnSpec("response_definition", "text", "what counts as a responder", True),
    # Responders are counted per site when n_sites is given, otherwise per patient.
    ColumnSpec(
        "responders", "integer", "responders (per site if n_sites given, else patients)", True
    ),
    ColumnSpec(
        "complete_responders", "integer", "complete responders (subset of responders)", True
    ),
    ColumnSpec("time_to_response", "text", "time to response as reported (free text)", True),
    ColumnSpec("median_relief_months", "number", "median duration of pain relief, months", True),
    ColumnSpec("median_followup_months", "number", "median follow-up, months", True),
    ColumnSpec("median_survival_months", "number", "median overall survival, months", True),
    ColumnSpec("schedules", "text", "dose/fractionation schedules as reported", True),
    ColumnSpec("notes", "text", "other reported figures, each with its source; caveats"),
)


def _with_sources(base: tuple[ColumnSpec, ...]) -> tuple[ColumnSpec, ...]:
    out: list[ColumnSpec] = []
    for spec in base:
        out.append(spec)
        if spec.is_figure:
            out.append(ColumnSpec(f"{spec.name}_source", "text", f"where {spec.name} comes from"))
    return tuple(out)


#: Full schema in file order: each figure column is followed by its ``<column>_source``.
COLUMNS: tuple[ColumnSpec, ...] = _with_sources(_BASE_COLUMNS)
COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
FIGURE_COLUMNS: tuple[str, ...] = tuple(c.name for c in _BASE_COLUMNS if c.is_figure)
SOURCE_COLUMNS: tuple[str, ...] = tuple(f"{c}_source" for c in FIGURE_COLUMNS)
INTEGER_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.kind == "integer")
NUMBER_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.kind == "number")
_MEDIAN_COLUMNS = ("median_relief_months", "median_followup_months", "median_survival_months")
# Plausibility limits for entered figures (a series of a million patients or a median of 50 years
# is a typing error, and would not fit the store's integer columns either).
MAX_COUNT = 1_000_000
MAX_MONTHS = 600


def _this_year() -> int:
    import datetime

    return datetime.date.today().year


# (data row or None for the header/the whole file, physical line, column, message)
_FileProblem = tuple[int | None, int | None, str, str]


class LiteratureFileError(ValueError):
    """The literature CSV is malformed. ``problems`` lists (data row, line, column, message)."""

    def __init__(self, path: str | Path, problems: list[_FileProblem]):
        self.path = str(path)
        self.problems = problems
        lines = []
        for row, line, column, message in problems:
            if line is None:
                lines.append(f"{self.path}: {message}")
                continue
            where = "header" if row is None else f"data row {row}"
            lines.append(f"{self.path}: {where} (line {line}), column '{column}': {message}")
        super().__init__("\n".join(lines))


# --------------------------------------------------------------------------------------------
# record validation shared by the file loader and the "add a series" form
# --------------------------------------------------------------------------------------------


def _parse_number(value: Any, *, whole: bool) -> float | int | None:
    """The value as a finite number (int when ``whole``); raises ValueError if it is not one."""
    if isinstance(value, bool):
        raise ValueError(f"must be a number, got {value!r}")
    if isinstance(value, int | float | np.integer | np.floating):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            kind = "a whole number" if whole else "a number"
            raise ValueError(f"must be {kind}, got {value!r}") from None
    else:
        raise ValueError(f"must be a number, got {value!r}")
    if not math.isfinite(number):
        raise ValueError(f"must be a finite number, got {value!r}")
    if whole:
        if number != int(number):
            raise ValueError(f"must be a whole number, got {value!r}")
        return int(number)
    return number


def _text_problems(record: Mapping[str, Any]) -> list[tuple[str, str]]:
    problems = []
    if is_missing(record.get("citation")):
        problems.append(("citation", "a citation is required"))
    population = record.get("population")
    if not is_missing(population) and str(population).strip() not in POPULATIONS:
        problems.append(
            (
                "population",
                f"unknown population {population!r}; use one of {', '.join(POPULATIONS)}",
            )
        )
    return problems


_Parsed = dict[str, float | int | None]


def _parse_figures(record: Mapping[str, Any]) -> tuple[_Parsed, list[tuple[str, str]]]:
    """The numeric columns as numbers (None when blank or not a number, with a problem)."""
    parsed: _Parsed = {}
    problems = []
    for name in INTEGER_COLUMNS + NUMBER_COLUMNS:
        try:
            parsed[name] = parse_number(record.get(name), whole=name in INTEGER_COLUMNS)
        except ValueError as exc:
            parsed[name] = None
            problems.append((name, str(exc)))
    return parsed, problems


def _limit_problems(parsed: _Parsed) -> list[tuple[str, str]]:
    """Implausible counts, years and medians (each is then treated as not given)."""
    problems = []
    for name in ("n_patients", "n_sites"):
        v = parsed[name]
        if v is not None and v < 1:
            problems.append((name, f"must be a positive whole number, got {v}"))
            parsed[name] = None
        elif v is not None and v > MAX_COUNT:
            problems.append((name, f"must be at most {MAX_COUNT:,}, got {v:,}"))
            parsed[name] = None
    year = parsed.get("year")
    if year is not None and not 1900 <= year <= _this_year() + 1:
        problems.append(
            ("year", f"must be a publication year from 1900 to {_this_year() + 1}, got {year}")
        )
        parsed["year"] = None
    for name in _MEDIAN_COLUMNS:
        v = parsed[name]
        if v is not None and v > MAX_MONTHS:
            problems.append((name, f"must be at most {MAX_MONTHS} months, got {v:g}"))
            parsed[name] = None
    return problems


def _negative_problems(parsed: _Parsed) -> list[tuple[str, str]]:
    problems = []
    for name in ("responders", "complete_responders", *_MEDIAN_COLUMNS):
        v = parsed[name]
        if v is not None and v < 0:
            problems.append((name, f"must not be negative, got {v}"))
            parsed[name] = None
    return problems


def _responder_problems(parsed: _Parsed, n_reported: bool) -> list[tuple[str, str]]:
    """Responders within their denominator; ``n_reported``: a count problem was already given."""
    # Responders are counted in the unit of n_sites when sites are given, otherwise per patient.
    denom_name = "n_sites" if parsed["n_sites"] is not None else "n_patients"
    denom = parsed[denom_name]
    responders, complete = parsed["responders"], parsed["complete_responders"]
    problems = []
    for name, v in (("responders", responders), ("complete_responders", complete)):
        if v is None:
            continue
        if denom is None:
            if not n_reported:
                problems.append((name, "needs n_patients (or n_sites) as its denominator"))
        elif v > denom:
            problems.append((name, f"({v}) cannot exceed {denom_name} ({denom})"))
    if responders is not None and complete is not None and complete > responders:
        problems.append(
            ("complete_responders", f"({complete}) cannot exceed responders ({responders})")
        )
    return problems


def _record_problems(record: Mapping[str, Any], *, require_n: bool) -> list[tuple[str, str]]:
    """(column, message) for everything wrong with one series record."""
    problems = _text_problems(record)
    parsed, parse_problems = _parse_figures(record)
    problems += parse_problems + _limit_problems(parsed)
    if (
        require_n
        and parsed["n_patients"] is None
        and not any(c == "n_patients" for c, _ in problems)
    ):
        problems.append(("n_patients", "the number of patients is required"))
    problems += _negative_problems(parsed)
    n_reported = any(c in ("n_patients", "n_sites") for c, _ in problems)
    problems += _responder_problems(parsed, n_reported)
    # Every figure needs to say where it comes from.
    for name in FIGURE_COLUMNS:
        if not is_missing(record.get(name)) and is_missing(record.get(f"{name}_source")):
            problems.append((f"{name}_source", f"a source is required for {name}"))
    return problems


def validate_series(record: Mapping[str, Any]) -> list[str]:
    """Check one series entered in the "add a series" form; [] when valid.

    Keys are the CSV column names. Rules: citation required; n_patients a positive whole number;
    responders and complete_responders whole numbers with 0 <= complete <= responders <= n (n =
    n_sites when given, else n_patients); medians non-negative; every figure given has a non-empty
    ``<figure>_source``; population one of POPULATIONS. Each message starts with the field name.
    """
    if not isinstance(record, Mapping):
        raise ValueError(f"record must be a mapping of field -> value, got {type(record).__name__}")
    return [f"{col}: {msg}" for col, msg in _record_problems(record, require_n=True)]


# --------------------------------------------------------------------------------------------
# the CSV file
# --------------------------------------------------------------------------------------------


def _as_tuple(p: Problem) -> _FileProblem:
    return (p.row, p.line, p.column or "(all)", p.message)


def _row_problems(rows: Sequence[CsvRow]) -> list[_FileProblem]:
    """Key and figure problems of every data row, in file order."""
    problems: list[_FileProblem] = []
    seen_keys: dict[str, int] = {}
    for row in rows:
        key = row.cells["series_key"].strip()
        if not key:
            problems.append((row.number, row.line, "series_key", "a series key is required"))
        elif key in seen_keys:
            problems.append(
                (
                    row.number,
                    row.line,
                    "series_key",
                    f"duplicate key {key!r} (also data row {seen_keys[key]})",
                )
            )
        else:
            seen_keys[key] = row.number
        for column, message in _record_problems(row.cells, require_n=False):
            problems.append((row.number, row.line, column, message))
    return problems


def _typed(column: str, cells: Sequence[str]) -> pd.Series:
    """One column of text cells in its type: Int64, float (NaN = not reported) or text/None."""
    if column in INTEGER_COLUMNS:
        return pd.Series([parse_number(v, whole=True) for v in cells], dtype="Int64")
    if column in NUMBER_COLUMNS:
        return pd.Series([parse_number(v) for v in cells], dtype=float)
    return pd.Series([None if is_missing(v) else v.strip() for v in cells], dtype=object)


def load_literature(path: str | Path = DEFAULT_LITERATURE_PATH) -> pd.DataFrame:
    """Read and validate the literature CSV; one row per series.

    Integer columns come back as nullable ``Int64``, medians as float (NaN = not reported), text
    as object with None for empty cells. Raises LiteratureFileError (a ValueError) naming the file,
    the data row and physical line, and the column of every problem: missing or unknown columns,
    non-numeric figures, responders > n, negative counts, empty citation or series_key, duplicate
    keys, unknown population, figures without a source.
    """
    path = Path(path)
    table, problems = read_csv(path, str(path))
    if not table.header:
        raise LiteratureFileError(path, [_as_tuple(p) for p in problems])
    head = header_problems(table.header, COLUMN_NAMES, str(path))
    if head:
        raise LiteratureFileError(path, [_as_tuple(p) for p in head])
    found = [_as_tuple(p) for p in problems] + _row_problems(table.rows)
    if found:
        raise LiteratureFileError(path, sorted(found, key=lambda p: p[1] or 0))
    df = pd.DataFrame(
        {name: _typed(name, [r.cells[name] for r in table.rows]) for name in table.header}
    )
    return df.reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# per-series intervals and pooling
# --------------------------------------------------------------------------------------------


def _check_event_counts(
    events: Sequence[Any], totals: Sequence[Any]
) -> tuple[np.ndarray, np.ndarray]:
    try:
        ev, tot = list(events), list(totals)
    except TypeError:
        raise ValueError("events and totals must be sequences of counts") from None
    if len(ev) != len(tot):
        raise ValueError(
            f"events ({len(ev)} values) and totals ({len(tot)} values) differ in length"
        )
    if not ev:
        raise ValueError("events and totals are empty: at least one series is needed")
    out_e, out_t = [], []
    for i, (e, t) in enumerate(zip(ev, tot, strict=True)):
        try:
            e_i = _parse_number(e, whole=True)
        except ValueError as exc:
            raise ValueError(f"events[{i}] {exc}") from None
        try:
            t_i = _parse_number(t, whole=True)
        except ValueError as exc:
            raise ValueError(f"totals[{i}] {exc}") from None
        if t_i <= 0:
            raise ValueError(f"totals[{i}] must be positive, got {t_i}")
        if e_i < 0:
            raise ValueError(f"events[{i}] must not be negative, got {e_i}")
        if e_i > t_i:
            raise ValueError(f"events[{i}] ({e_i}) cannot exceed totals[{i}] ({t_i})")
        out_e.append(e_i)
        out_t.append(t_i)
    return np.asarray(out_e, dtype=int), np.asarray(out_t, dtype=int)


def series_ci(
    events: Sequence[int],
    totals: Sequence[int],
    method: str = "exact",
    alpha: float = 0.05,
    labels: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Per-series proportion events/totals with its exact (Clopper-Pearson) or Wilson interval.

    Returns columns label (when labels are given), events, totals, proportion, low, high, method.
    Raises ValueError for mismatched lengths, empty input, events > totals, negative events,
    totals <= 0 or an unknown method.
    """
    if method not in CI_METHODS:
        raise ValueError(
            f"unknown interval method {method!r}; choose one of {', '.join(CI_METHODS)}"
        )
    ev, tot = _check_event_counts(events, totals)
    rows = []
    for e, t in zip(ev, tot, strict=True):
        low, high = proportion_ci(int(e), int(t), method=method, alpha=alpha)
        rows.append(
            {"events": int(e), "totals": int(t), "proportion": e / t, "low": low, "high": high}
        )
    df = pd.DataFrame(rows, columns=["events", "totals", "proportion", "low", "high"])
    df["method"] = method
    if labels is not None:
        labels = list(labels)
        if len(labels) != len(df):
            raise ValueError(f"labels ({len(labels)}) and events ({len(df)}) differ in length")
        df.insert(0, "label", labels)
    return df


@dataclass(frozen=True)
class PooledResult:
    """Random-effects pooled proportion (logit scale, DerSimonian-Laird) and heterogeneity.

    estimate/low/high and prediction are proportions (back-transformed); logit_estimate and
    logit_se are on the log-odds scale. i2 is in percent (None for a single series); prediction is
    None for fewer than 3 series. ``corrected`` flags the series that received the continuity
    correction; ``weights`` are relative random-effects weights in percent.
    """

    estimate: float
    low: float
    high: float
    tau2: float
    i2: float | None
    q: float
    q_df: int
    q_p: float | None
    prediction: tuple[float, float] | None
    k: int
    method_note: str
    warning: str | None
    logit_estimate: float
    logit_se: float
    effects: tuple[float, ...]
    variances: tuple[float, ...]
    weights: tuple[float, ...]
    corrected: tuple[bool, ...]
    alpha: float = 0.05


def _expit(x: float) -> float:
    return float(1.0 / (1.0 + math.exp(-x)))


def pool_proportions(
    events: Sequence[int],
    totals: Sequence[int],
    method: str = "DL",
    correction: float = 0.5,
    alpha: float = 0.05,
) -> PooledResult:
    """Random-effects pooled proportion of several series (logit scale, DerSimonian-Laird tau^2).

    Each series contributes logit(p_i) with variance 1/e_i + 1/(n_i - e_i). Series with 0% or
    100% get ``correction`` added to their events and non-events (only those series). The pooled
    log-odds uses weights 1/(v_i + tau^2), its Wald interval is back-transformed; the prediction
    interval for a new series follows Higgins, Thompson & Spiegelhalter 2009 (t with k-2 df).
    One series: its own logit estimate and Wald-logit interval, tau2 = 0, I2 None. Fewer than 3
    series set ``warning``. Raises ValueError on invalid counts, empty input, unknown method,
    correction <= 0 or alpha outside (0, 1).
    """
    if method.upper() != "DL":
        raise ValueError(f"unknown pooling method {method!r}; only 'DL' (DerSimonian-Laird)")
    if isinstance(correction, bool) or not isinstance(correction, int | float):
        raise ValueError(f"correction must be a positive number, got {correction!r}")
    if not (math.isfinite(correction) and correction > 0):
        raise ValueError(f"correction must be a positive number, got {correction!r}")
    if isinstance(alpha, bool) or not isinstance(alpha, int | float) or not 0 < alpha < 1:
        raise ValueError(f"alpha must lie strictly between 0 and 1, got {alpha!r}")
    ev, tot = _check_event_counts(events, totals)
    k = len(ev)
    level = f"{100 * (1 - alpha):g}%"
    z = float(_st.norm.ppf(1 - alpha / 2))

    # A 0% or 100% series has an infinite log-odds; add `correction` to its events and
    # non-events (a 0.5 continuity correction by default), leave all other series as observed.
    corrected = (ev == 0) | (ev == tot)
    e_adj = ev + np.where(corrected, correction, 0.0)
    ne_adj = (tot - ev) + np.where(corrected, correction, 0.0)
    y = np.log(e_adj / ne_adj)
    v = 1.0 / e_adj + 1.0 / ne_adj
    n_corr = int(corrected.sum())

    if n_corr:
        corr_text = (
            f"{n_corr} of {k} series had 0% or 100% and received a continuity correction of "
            f"{correction:g} added to their events and non-events (other series used as observed)."
        )
    else:
        corr_text = "No series had 0% or 100%, so no continuity correction was needed."

    if k == 1:
        se = math.sqrt(float(v[0]))
        mu = float(y[0])
        note = (
            "Only one series, so nothing is pooled: its own proportion on the logit (log-odds) "
            f"scale with a Wald {level} interval (logit ± z·SE, SE² = 1/events + 1/non-events), "
            f"back-transformed to a proportion. {corr_text} No heterogeneity or prediction "
            "interval can be estimated."
        )
        return PooledResult(
            estimate=_expit(mu),
            low=_expit(mu - z * se),
            high=_expit(mu + z * se),
            tau2=0.0,
            i2=None,
            q=0.0,
            q_df=0,
            q_p=None,
            prediction=None,
            k=1,
            method_note=note,
            warning="Only 1 series: no pooling; the figure is that series' own estimate.",
            logit_estimate=mu,
            logit_se=se,
            effects=(mu,),
            variances=(float(v[0]),),
            weights=(100.0,),
            corrected=(bool(corrected[0]),),
            alpha=alpha,
        )

    # DerSimonian-Laird: Q from fixed-effect weights w_i = 1/v_i, then
    # tau^2 = max(0, (Q - (k-1)) / (sum w - sum w^2 / sum w)).
    w = 1.0 / v
    y_fe = float(np.sum(w * y) / np.sum(w))
    q = float(np.sum(w * (y - y_fe) ** 2))
    q_df = k - 1
    c = float(np.sum(w) - np.sum(w**2) / np.sum(w))
    tau2 = max(0.0, (q - q_df) / c) if c > 0 else 0.0
    q_p = float(_st.chi2.sf(q, q_df))
    # I^2 = (Q - df) / Q, truncated at 0, as a percentage (Higgins & Thompson 2002).
    i2 = 100.0 * max(0.0, (q - q_df) / q) if q > 0 else 0.0

    w_re = 1.0 / (v + tau2)
    mu = float(np.sum(w_re * y) / np.sum(w_re))
    se = math.sqrt(1.0 / float(np.sum(w_re)))

    prediction = None
    if k >= 3:
        # Higgins, Thompson & Spiegelhalter 2009: mu ± t_{k-2} sqrt(tau^2 + SE(mu)^2).
        t_crit = float(_st.t.ppf(1 - alpha / 2, k - 2))
        half = t_crit * math.sqrt(tau2 + se**2)
        prediction = (_expit(mu - half), _expit(mu + half))
        pi_text = (
            f"The {level} prediction interval for the proportion in a new series is "
            "mu ± t(k-2)·sqrt(tau² + SE²) (Higgins, Thompson & Spiegelhalter 2009), back-transformed."
        )
    else:
        pi_text = "No prediction interval: it needs at least 3 series."

    note = (
        f"Random-effects meta-analysis of {k} proportions on the logit (log-odds) scale; "
        "between-series variance tau² by the DerSimonian-Laird moment estimator; weights "
        f"1/(variance + tau²); {level} Wald interval on the logit scale, back-transformed to a "
        f"proportion. {corr_text} {pi_text}"
    )
    warning = None
    if k < 3:
        warning = (
            f"Only {k} series pooled: tau² and I² are very uncertain and no prediction interval "
            "is given."
        )
    return PooledResult(
        estimate=_expit(mu),
        low=_expit(mu - z * se),
        high=_expit(mu + z * se),
        tau2=tau2,
        i2=i2,
        q=q,
        q_df=q_df,
        q_p=q_p,
        prediction=prediction,
        k=k,
        method_note=note,
        warning=warning,
        logit_estimate=mu,
        logit_se=se,
        effects=tuple(float(a) for a in y),
        variances=tuple(float(a) for a in v),
        weights=tuple(float(a) for a in 100.0 * w_re / np.sum(w_re)),
        corrected=tuple(bool(a) for a in corrected),
        alpha=alpha,
    )
