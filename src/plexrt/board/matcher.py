"""The case at the board: the most similar irradiated sites of the series for one patient.

A radiation oncologist enters the patient being discussed (primary cancer, involved muscle, baseline
pain, intent, planned dose). PlexRT lists the sites of the series that resemble this patient, with a
plain explanation of every point of the similarity, what happened to them, where the patient's
baseline pain and dose sit within the series, and the published series of the same population.

The similarity score is a clinical rule of thumb, not a validated model: it counts shared features a
radiation oncologist would look at first (same muscle, same intent, same kind of primary, similar
baseline pain, similar biologically effective dose). Its weights were chosen by PlexRT so that the
anatomy of the syndrome counts most; they were never fitted to outcomes, and a high score does not
predict that this patient will respond like the matched site. With 12 sites, it only orders the
series for reading.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
import pandas as pd

from plexrt.clinical import dose
from plexrt.data.literature import POPULATIONS
from plexrt.data.vocab import INTENTS, MUSCLES, PRIMARY_GROUPS
from plexrt.stats.proportions import proportion_ci

__all__ = [
    "KNOWN_PRIMARY_CANCERS",
    "LIMITS",
    "MAX_SCORE",
    "SCORE_NOTE",
    "WEIGHTS",
    "Case",
    "CaseInputError",
    "benchmark_note",
    "case_position",
    "literature_benchmark",
    "make_case",
    "most_similar",
    "similarity",
]

# ---------------------------------------------------------------------------------------------
# The rule of thumb
# ---------------------------------------------------------------------------------------------

#: Points per shared feature. Anatomy first: the involved muscle decides which plexus (upper for
#: psoas, lower for piriformis) and therefore the pain syndrome. Intent and primary group come next
#: (they shape dose and prognosis); the same primary cancer adds one point on top of the group.
#: Baseline NRS and EQD2 (alpha/beta 10) score 2 when close and 1 when roughly similar.
WEIGHTS: dict[str, int] = {
    "muscle": 3,
    "intent": 2,
    "group": 2,
    "cancer": 1,
    "nrs_close": 2,  # baseline NRS within 1 point
    "nrs_near": 1,  # within 2 points
    "eqd2_close": 2,  # EQD2 within 5 Gy
    "eqd2_near": 1,  # within 10 Gy
}
MAX_SCORE = (
    WEIGHTS["muscle"]
    + WEIGHTS["intent"]
    + WEIGHTS["group"]
    + WEIGHTS["cancer"]
    + WEIGHTS["nrs_close"]
    + WEIGHTS["eqd2_close"]
)
NRS_CLOSE, NRS_NEAR = 1, 2
EQD2_CLOSE_GY, EQD2_NEAR_GY = 5.0, 10.0
# Doses are compared after rounding away floating-point noise (39 Gy/13 -> 42.25 exactly).
_EQD2_TOL = 1e-9

SCORE_NOTE = (
    "Similarity points are a clinical rule of thumb, not a validated model: same muscle +3, same "
    "intent +2, same primary group +2 (+1 more for the same primary cancer), baseline NRS within 1 "
    "point +2 or within 2 points +1, EQD2 (alpha/beta 10 Gy) within 5 Gy +2 or within 10 Gy +1; "
    f"maximum {MAX_SCORE}. The weights were chosen by hand, never fitted to outcomes; a similar "
    "site's outcome does not predict this patient's."
)

#: Plausibility limits of the form (Gy, fractions); beyond them the input is almost surely a typo.
LIMITS = {
    "nrs": (0, 10),
    "dose_gy_max": 80.0,
    "fractions": (1, 40),
    "dose_per_fraction_gy_max": 25.0,
}

#: Primary cancers whose group is unambiguous: canonical name -> primary group. Used to fill the
#: group when the form leaves it empty; any other cancer keeps an unknown group unless one is given.
KNOWN_PRIMARY_CANCERS: dict[str, str] = {
    "Ovarian cancer": "gynecological",
    "Endometrial cancer": "gynecological",
    "Cervical cancer": "gynecological",
    "Uterine cancer": "gynecological",
    "Vulvar cancer": "gynecological",
    "Vaginal cancer": "gynecological",
    "Bladder cancer": "urological",
    "Ureteral cancer": "urological",
    "Urachal cancer": "urological",
    "Prostate cancer": "urological",
    "Renal pelvic cancer": "urological",
    "Rectal cancer": "gastrointestinal",
    "Colon cancer": "gastrointestinal",
    "Colorectal cancer": "gastrointestinal",
    "Anal cancer": "gastrointestinal",
    "Gastric cancer": "gastrointestinal",
}

_MUSCLE_ALIASES = {"iliopsoas": "psoas"}
# Table 1 of Sanuki 2022 abbreviates intent as P (palliative care) and LC (local control).
_INTENT_ALIASES = {"local control": "local_control", "lc": "local_control", "p": "palliative"}
_INTENT_LABELS = {"palliative": "palliative", "local_control": "local control"}

#: Populations of the literature table that describe the same patients as each muscle.
_BENCHMARK_POPULATIONS = {
    "psoas": ("malignant_psoas_syndrome", "lumbosacral_plexopathy"),
    "piriformis": ("lumbosacral_plexopathy",),
}


def _cancer_key(name: str) -> str:
    """'Gastric cancer', ' gastric ', 'GASTRIC CARCINOMA' -> 'gastric'."""
    key = " ".join(str(name).lower().split())
    for suffix in (" cancer", " carcinoma"):
        if key.endswith(suffix):
            key = key[: -len(suffix)]
    return key


_CANCER_BY_KEY = {_cancer_key(k): k for k in KNOWN_PRIMARY_CANCERS}


def _known_group(cancer: Any) -> str | None:
    if not isinstance(cancer, str):
        return None
    canonical = _CANCER_BY_KEY.get(_cancer_key(cancer))
    return KNOWN_PRIMARY_CANCERS[canonical] if canonical else None


# ---------------------------------------------------------------------------------------------
# The case
# ---------------------------------------------------------------------------------------------


class CaseInputError(ValueError):
    """The case was refused; ``messages`` lists every problem, each starting with its field name
    (``"nrs_before: ..."``); ``fields`` lists those names in the same order."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.fields = [f for f, _ in problems]
        self.messages = [f"{f}: {m}" for f, m in problems]
        super().__init__("; ".join(self.messages))


@dataclass(frozen=True)
class Case:
    """The patient at the board. ``primary_cancer`` and ``primary_group`` may be None (unknown);
    a missing group is filled from a primary cancer listed in ``KNOWN_PRIMARY_CANCERS``.

    Build it from form input with ``make_case``; ``validate()`` checks a directly built case.
    """

    primary_cancer: str | None
    primary_group: str | None
    involved_muscle: str
    nrs_before: int
    intent: str
    dose_gy: float
    fractions: int

    def __post_init__(self) -> None:
        if self.primary_group is None:
            group = _known_group(self.primary_cancer)
            if group is not None:
                object.__setattr__(self, "primary_group", group)

    def validate(self) -> Case:
        """Return the case itself, or raise CaseInputError listing every problem by field."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        converted, problems = _convert(values)
        # A directly built case must already hold clean values: '8' or 'Psoas' are form input.
        for name in (
            "involved_muscle",
            "intent",
            "primary_group",
            "nrs_before",
            "fractions",
            "dose_gy",
        ):
            if name in converted and not _same(converted[name], values[name]):
                problems.append(
                    (
                        name,
                        f"{values[name]!r} is form input; build the case with "
                        f"make_case() to convert it",
                    )
                )
        problems += _check(converted)
        if problems:
            raise CaseInputError(problems)
        return self

    @property
    def regimen(self) -> str:
        """'39 Gy/13'."""
        return dose.regimen_label(float(self.dose_gy), int(self.fractions))


def _same(a: Any, b: Any) -> bool:
    if isinstance(b, str) != isinstance(a, str):
        return False
    return a == b


def _is_blank(v: Any) -> bool:
    if v is None or v is pd.NA:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    return isinstance(v, str) and v.strip() == ""


def _number(v: Any, *, whole: bool) -> tuple[float | int | None, str | None]:
    """Form value -> finite number (int when ``whole``), or (None, message)."""
    kind = "a whole number" if whole else "a number"
    if _is_blank(v):
        return None, "is required"
    if isinstance(v, bool) or not isinstance(v, numbers.Real | str):
        return None, f"must be {kind}, got {v!r}"
    if isinstance(v, str):
        try:
            x = float(v.strip())
        except ValueError:
            return None, f"must be {kind}, got {v!r}"
    else:
        x = float(v)
    if not math.isfinite(x):
        return None, f"must be a finite number, got {v!r}"
    if whole:
        if x != int(x):
            return None, f"must be a whole number, got {v!r}"
        return int(x), None
    return x, None


def _choice(
    v: Any, allowed: tuple[str, ...], aliases: dict[str, str]
) -> tuple[str | None, str | None]:
    if _is_blank(v):
        return None, "is required"
    if not isinstance(v, str):
        return None, f"must be one of {', '.join(allowed)}, got {v!r}"
    key = " ".join(v.strip().lower().replace("-", " ").split())
    key = aliases.get(key, key)
    if key.replace(" ", "_") in allowed:
        return key.replace(" ", "_"), None
    return None, f"must be one of {', '.join(allowed)}, got {v!r}"


def _convert(raw: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Form values -> clean values; fields that fail to convert are left out of the result."""
    out: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    known = {f.name for f in fields(Case)}
    for name in raw:
        if name not in known:
            problems.append((name, f"is not a case field (fields: {', '.join(sorted(known))})"))

    cancer = raw.get("primary_cancer")
    if _is_blank(cancer):
        out["primary_cancer"] = None
    elif not isinstance(cancer, str):
        problems.append(("primary_cancer", f"must be text, got {cancer!r}"))
    else:
        canonical = _CANCER_BY_KEY.get(_cancer_key(cancer))
        out["primary_cancer"] = canonical or " ".join(cancer.split())

    group = raw.get("primary_group")
    if _is_blank(group):
        out["primary_group"] = None
    else:
        value, msg = _choice(group, PRIMARY_GROUPS, {})
        if msg:
            problems.append(("primary_group", msg))
        else:
            out["primary_group"] = value

    for name, allowed, aliases in (
        ("involved_muscle", MUSCLES, _MUSCLE_ALIASES),
        ("intent", INTENTS, _INTENT_ALIASES),
    ):
        value, msg = _choice(raw.get(name), allowed, aliases)
        if msg:
            problems.append((name, msg))
        else:
            out[name] = value

    for name, whole in (("nrs_before", True), ("dose_gy", False), ("fractions", True)):
        value, msg = _number(raw.get(name), whole=whole)
        if msg:
            problems.append((name, msg))
        else:
            out[name] = value
    return out, problems


def _check(v: dict[str, Any]) -> list[tuple[str, str]]:
    """Range and consistency checks on converted values (missing keys failed conversion)."""
    problems: list[tuple[str, str]] = []
    lo, hi = LIMITS["nrs"]
    if "nrs_before" in v and not lo <= v["nrs_before"] <= hi:
        problems.append(
            ("nrs_before", f"NRS must be a whole number {lo}-{hi}, got {v['nrs_before']}")
        )
    dose_ok = "dose_gy" in v
    if dose_ok and not 0 < v["dose_gy"] <= LIMITS["dose_gy_max"]:
        problems.append(
            (
                "dose_gy",
                f"total dose must be > 0 and <= {LIMITS['dose_gy_max']:g} Gy, got {v['dose_gy']:g}",
            )
        )
        dose_ok = False
    f_lo, f_hi = LIMITS["fractions"]
    fx_ok = "fractions" in v
    if fx_ok and not f_lo <= v["fractions"] <= f_hi:
        problems.append(
            ("fractions", f"must be a whole number {f_lo}-{f_hi}, got {v['fractions']}")
        )
        fx_ok = False
    if dose_ok and fx_ok:
        dpf = v["dose_gy"] / v["fractions"]
        if dpf > LIMITS["dose_per_fraction_gy_max"]:
            problems.append(
                (
                    "dose_per_fraction",
                    f"dose_gy / fractions = {dpf:g} Gy per fraction exceeds "
                    f"{LIMITS['dose_per_fraction_gy_max']:g} Gy",
                )
            )
    known = _known_group(v.get("primary_cancer"))
    group = v.get("primary_group")
    if known is not None and group is not None and group != known:
        problems.append(
            (
                "primary_group",
                f"{group!r} does not match primary_cancer "
                f"{v['primary_cancer']!r}, which is {known}",
            )
        )
    return problems


def make_case(**raw: Any) -> Case:
    """Build a validated Case from form input (text or numbers).

    Converts '8' -> 8, 'Psoas'/'iliopsoas' -> 'psoas', 'local control'/'LC' -> 'local_control',
    known primary cancers to their canonical name ('gastric' -> 'Gastric cancer'); fills the primary
    group from a known primary cancer when it is not given. Raises CaseInputError (a ValueError)
    whose ``messages`` name the field of every problem: NRS a whole number 0-10; dose > 0 and
    <= 80 Gy; fractions a whole number 1-40; dose per fraction <= 25 Gy; muscle, intent and group
    among the allowed values; a given group consistent with a known cancer; no unknown fields.
    """
    converted, problems = _convert(raw)
    problems += _check(converted)
    if problems:
        raise CaseInputError(problems)
    return Case(**converted)


def _checked_case(case: Any) -> Case:
    if not isinstance(case, Case):
        raise ValueError(f"case must be a plexrt.matcher.Case, got {type(case).__name__}")
    return case.validate()


# ---------------------------------------------------------------------------------------------
# Similarity
# ---------------------------------------------------------------------------------------------

_SITE_COLUMNS = (
    "course_id",
    "patient_id",
    "primary_cancer",
    "primary_group",
    "involved_muscle",
    "intent",
    "dose_gy",
    "fractions",
    "nrs_before",
    "nrs_after",
    "nrs_change",
    "weeks_to_max_response",
)


def _checked_sites(df: Any, name: str = "df") -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise ValueError(
            f"{name} must be a pandas DataFrame (store.cohort), got {type(df).__name__}"
        )
    missing = [c for c in _SITE_COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(f"{name} is missing column(s): {', '.join(missing)}")
    return df.reset_index(drop=True)


def _fmt1(x: float) -> str:
    """One decimal, halves rounded up as clinicians read them (42.25 -> '42.3')."""
    return str(Decimal(repr(float(x))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _fmt_int(x: Any) -> str:
    return f"{float(x):g}"


def _site_eqd2(dose_gy: Any, fractions: Any, alpha_beta: float = 10.0) -> float:
    if _is_blank(dose_gy) or _is_blank(fractions):
        return math.nan
    return dose.eqd2(float(dose_gy), int(fractions), alpha_beta)


def _regimen(dose_gy: Any, fractions: Any) -> str | None:
    if _is_blank(dose_gy) or _is_blank(fractions):
        return None
    return dose.regimen_label(float(dose_gy), int(fractions))


def _points(case: Case, case_eqd2: float, site: dict[str, Any]) -> dict[str, Any]:
    """Points and explanation phrases for one site. In 'A vs B', A is the patient, B the site."""
    parts: list[str] = []

    def phrase(text: str, pts: int) -> None:
        parts.append(f"{text} +{pts}")

    # muscle
    m = site["involved_muscle"]
    if _is_blank(m):
        p_muscle = 0
        phrase("muscle unknown", 0)
    elif m == case.involved_muscle:
        p_muscle = WEIGHTS["muscle"]
        phrase(f"same muscle ({m})", p_muscle)
    else:
        p_muscle = 0
        phrase(f"different muscle ({case.involved_muscle} vs {m})", 0)

    # intent
    i = site["intent"]
    case_intent = _INTENT_LABELS[case.intent]
    if _is_blank(i):
        p_intent = 0
        phrase("intent unknown", 0)
    elif i == case.intent:
        p_intent = WEIGHTS["intent"]
        phrase(f"same intent ({case_intent})", p_intent)
    else:
        p_intent = 0
        phrase(f"different intent ({case_intent} vs {_INTENT_LABELS.get(i, i)})", 0)

    # primary group, +1 more for the same primary cancer (only within the same group)
    g, c = site["primary_group"], site["primary_cancer"]
    p_group = p_cancer = 0
    if _is_blank(g) or case.primary_group is None:
        phrase("primary group unknown", 0)
    elif g != case.primary_group:
        phrase(f"different primary group ({case.primary_group} vs {g})", 0)
    else:
        p_group = WEIGHTS["group"]
        same_cancer = (
            not _is_blank(c)
            and case.primary_cancer is not None
            and _cancer_key(c) == _cancer_key(case.primary_cancer)
        )
        if same_cancer:
            p_cancer = WEIGHTS["cancer"]
            phrase(f"same primary cancer ({c}, {g})", p_group + p_cancer)
        else:
            phrase(f"same primary group ({g})", p_group)

    # baseline NRS
    n = site["nrs_before"]
    nrs_diff = math.nan
    if _is_blank(n):
        p_nrs = 0
        phrase("baseline NRS unknown", 0)
    else:
        nrs_diff = abs(case.nrs_before - float(n))
        if nrs_diff <= NRS_CLOSE:
            p_nrs = WEIGHTS["nrs_close"]
        elif nrs_diff <= NRS_NEAR:
            p_nrs = WEIGHTS["nrs_near"]
        else:
            p_nrs = 0
        phrase(f"NRS {case.nrs_before} vs {_fmt_int(n)}", p_nrs)

    # EQD2, alpha/beta 10 Gy
    e = _site_eqd2(site["dose_gy"], site["fractions"])
    eqd2_diff = math.nan
    if math.isnan(e):
        p_eqd2 = 0
        phrase("EQD2 unknown", 0)
    else:
        eqd2_diff = round(abs(case_eqd2 - e), 9)
        if eqd2_diff <= EQD2_CLOSE_GY + _EQD2_TOL:
            p_eqd2 = WEIGHTS["eqd2_close"]
        elif eqd2_diff <= EQD2_NEAR_GY + _EQD2_TOL:
            p_eqd2 = WEIGHTS["eqd2_near"]
        else:
            p_eqd2 = 0
        apart = "" if eqd2_diff < 0.05 else f" ({_fmt1(eqd2_diff)} Gy apart)"
        phrase(f"EQD2 {_fmt1(case_eqd2)} vs {_fmt1(e)} Gy{apart}", p_eqd2)

    score = p_muscle + p_intent + p_group + p_cancer + p_nrs + p_eqd2
    return {
        "score": score,
        "max_score": MAX_SCORE,
        "explanation": ", ".join(parts),
        "points_muscle": p_muscle,
        "points_intent": p_intent,
        "points_group": p_group,
        "points_cancer": p_cancer,
        "points_nrs": p_nrs,
        "points_eqd2": p_eqd2,
        "nrs_diff": nrs_diff,
        "eqd2_10_gy": e,
        "eqd2_diff_gy": eqd2_diff,
        "regimen": _regimen(site["dose_gy"], site["fractions"]),
    }


def similarity(case: Case, df: pd.DataFrame) -> pd.DataFrame:
    """One row per series site with a transparent similarity score (rule of thumb, see SCORE_NOTE).

    Points: same involved muscle +3; same intent +2; same primary group +2 and +1 more for the same
    primary cancer; baseline NRS within 1 point +2 or within 2 points +1; EQD2 (alpha/beta 10 Gy)
    within 5 Gy +2 or within 10 Gy +1 (limits inclusive); maximum 12. An unknown value on either
    side scores 0 and the explanation says "unknown". The weights are a clinical rule of thumb
    chosen by hand, not a validated or fitted model.

    Columns: course_id, patient_id, score, max_score, explanation (plain English; in "NRS 8 vs 4"
    the first value is the patient's, the second the site's), the points per part
    (points_muscle, points_intent, points_group, points_cancer, points_nrs, points_eqd2),
    nrs_diff, eqd2_10_gy (the site's), eqd2_diff_gy, the site's involved_muscle, intent,
    primary_cancer, primary_group, and its outcome: nrs_before, nrs_after, nrs_change,
    weeks_to_max_response, regimen ('39 Gy/13'). Rows keep the order of ``df``.
    Raises ValueError for an invalid case or a frame without the cohort columns.
    """
    case = _checked_case(case)
    sites = _checked_sites(df)
    case_eqd2 = dose.eqd2(float(case.dose_gy), int(case.fractions), 10)
    scored = [_points(case, case_eqd2, rec) for rec in sites.to_dict("records")]
    parts = pd.DataFrame(
        scored,
        columns=[
            "score",
            "max_score",
            "explanation",
            "points_muscle",
            "points_intent",
            "points_group",
            "points_cancer",
            "points_nrs",
            "points_eqd2",
            "nrs_diff",
            "eqd2_10_gy",
            "eqd2_diff_gy",
            "regimen",
        ],
    )
    keys = [c for c in ("series_id",) if c in sites.columns] + ["course_id", "patient_id"]
    site_cols = [
        "involved_muscle",
        "intent",
        "primary_cancer",
        "primary_group",
        "nrs_before",
        "nrs_after",
        "nrs_change",
        "weeks_to_max_response",
    ]
    out = pd.concat([sites[keys], parts.iloc[:, :9], sites[site_cols], parts.iloc[:, 9:]], axis=1)
    for col in ("score", "max_score") + tuple(c for c in parts.columns if c.startswith("points_")):
        out[col] = out[col].astype(int)
    return out


# ---------------------------------------------------------------------------------------------
# Most similar sites with their relief
# ---------------------------------------------------------------------------------------------

_EVENT_COLUMNS = ("patient_id", "assessable_for_relief", "relief_days", "relief_event")


def _reconstructed(rec: dict[str, Any], *cols: str) -> bool:
    return any(rec.get(f"{c}_source") == "reconstructed" for c in cols)


def _days(x: float) -> str:
    return f"{x:.0f}" if float(x) == int(x) else f"{x:.1f}"


def _relief(rec: dict[str, Any]) -> tuple[float, str]:
    """(relief_days, note) for one patient's event row.

    Only published (or imported) facts are shown per patient at the board: a reconstructed
    duration is a draw that fits the series' aggregates, not this patient's history, so it is
    not shown; what the paper does say (e.g. that the patient relapsed) still is.
    """
    assessable = rec.get("assessable_for_relief")
    if _is_blank(assessable):
        return math.nan, "relief duration unknown"
    if _reconstructed(rec, "assessable_for_relief", "relief_days", "relief_event"):
        relapse, src = rec.get("relapse"), rec.get("relapse_source")
        if not _is_blank(src) and src != "reconstructed" and not _is_blank(relapse):
            where = f" ({str(src).replace('_', ' ')})"
            if bool(relapse):
                return (
                    math.nan,
                    f"relapsed after maximum response{where}; timing not published per patient",
                )
            return math.nan, f"no relapse reported{where}; duration not published per patient"
        return math.nan, "not published per patient"
    if not bool(assessable):
        return math.nan, "not assessable"
    days, event = rec.get("relief_days"), rec.get("relief_event")
    if _is_blank(days):
        return math.nan, "relief duration unknown"
    days = float(days)
    if _is_blank(event):
        return days, f"relief {_days(days)} days, end of relief unknown"
    if int(event) == 1:
        return days, f"relapse at {_days(days)} days"
    return days, f"relief ≥ {_days(days)} days, censored"


def _checked_k(k: Any) -> int:
    if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 1:
        raise ValueError(f"k must be a positive whole number, got {k!r}")
    return int(k)


def most_similar(
    case: Case, df: pd.DataFrame, events: pd.DataFrame | None = None, k: int = 5
) -> pd.DataFrame:
    """The ``k`` most similar sites: ``similarity`` rows sorted by score (highest first), ties
    broken by the smaller EQD2 difference, then by the order of ``df`` (course order).

    Adds ``rank`` (1 = most similar), ``relief_days`` and ``relief_note`` from ``events``
    (store.events: one row per patient, so both sites of a patient with two courses share it):
    "relapse at 76 days", "relief ≥ 151 days, censored", "not assessable", each followed by
    "(reconstructed)" when its source flag says the value was reconstructed, not published.
    A patient without an event row, or ``events=None``, gives NaN and None (unknown).
    Raises ValueError for an invalid case, k < 1, or frames missing their columns.
    """
    k = _checked_k(k)
    sim = similarity(case, df)
    sim["_order"] = np.arange(len(sim))
    sim = sim.sort_values(
        ["score", "eqd2_diff_gy", "_order"],
        ascending=[False, True, True],
        na_position="last",
        kind="mergesort",
    ).head(k)
    sim = sim.drop(columns="_order").reset_index(drop=True)
    sim.insert(0, "rank", np.arange(1, len(sim) + 1))

    days: list[float] = [math.nan] * len(sim)
    notes: list[str | None] = [None] * len(sim)
    if events is not None:
        if not isinstance(events, pd.DataFrame):
            raise ValueError(
                f"events must be a pandas DataFrame (store.events) or None, got "
                f"{type(events).__name__}"
            )
        missing = [c for c in _EVENT_COLUMNS if c not in events.columns]
        if missing:
            raise ValueError(f"events is missing column(s): {', '.join(missing)}")
        by_series = "series_id" in events.columns and "series_id" in sim.columns
        key_cols = ["series_id", "patient_id"] if by_series else ["patient_id"]
        ev = events.assign(patient_id=events["patient_id"].astype(str))
        dup = ev.duplicated(key_cols, keep=False)
        if dup.any():
            first = ev.loc[dup, "patient_id"].iloc[0]
            raise ValueError(f"events has more than one row for patient {first}")
        lookup = {tuple(str(r[c]) for c in key_cols): r for r in ev.to_dict("records")}
        for i, rec in enumerate(sim.to_dict("records")):
            row = lookup.get(tuple(str(rec[c]) for c in key_cols))
            if row is not None:
                days[i], notes[i] = _relief(row)
    sim["relief_days"] = pd.Series(days, dtype=float)
    sim["relief_note"] = pd.Series(notes, dtype=object)
    return sim


# ---------------------------------------------------------------------------------------------
# Where the patient sits in the series
# ---------------------------------------------------------------------------------------------


def _share(count: int, n: int) -> float | None:
    return count / n if n else None


def case_position(case: Case, df: pd.DataFrame) -> dict[str, Any]:
    """Where the patient's baseline pain and dose sit within the series.

    Keys: eqd2_10_gy, eqd2_3_gy, bed10_gy, dose_per_fraction_gy, regimen; n_sites;
    n_nrs_known and nrs_below / nrs_equal / nrs_above (sites whose baseline NRS is lower / the
    same / higher than the patient's) with their shares of n_nrs_known (None when no site has an
    NRS); n_eqd2_known, eqd2_below / eqd2_equal / eqd2_above, eqd2_rank = 1 + eqd2_below (1 = the
    lowest EQD2 among the series sites and this patient, ties share the lowest rank) out of
    eqd2_rank_of = n_eqd2_known + 1; and nrs_text / eqd2_text, plain sentences of the same counts.
    """
    case = _checked_case(case)
    sites = _checked_sites(df)
    d, n = float(case.dose_gy), int(case.fractions)
    e10 = dose.eqd2(d, n, 10)

    nrs = pd.to_numeric(sites["nrs_before"], errors="coerce").dropna()
    n_nrs = int(len(nrs))
    below = int((nrs < case.nrs_before).sum())
    equal = int((nrs == case.nrs_before).sum())
    above = int((nrs > case.nrs_before).sum())

    eq = np.array(
        [_site_eqd2(a, b) for a, b in zip(sites["dose_gy"], sites["fractions"], strict=True)],
        dtype=float,
    )
    eq = eq[~np.isnan(eq)]
    close = np.isclose(eq, e10, rtol=0.0, atol=1e-6)
    e_below = int(((eq < e10) & ~close).sum())
    e_equal = int(close.sum())
    e_above = int(((eq > e10) & ~close).sum())

    nrs_text = (
        f"Baseline NRS {case.nrs_before}: {below} of {n_nrs} sites lower, {equal} the same, "
        f"{above} higher."
        if n_nrs
        else f"Baseline NRS {case.nrs_before}: no site of the series has a baseline NRS."
    )
    eqd2_text = (
        f"EQD2 {_fmt1(e10)} Gy (alpha/beta 10): {e_below} of {len(eq)} sites lower, {e_equal} the "
        f"same, {e_above} higher."
    )
    return {
        "regimen": dose.regimen_label(d, n),
        "dose_per_fraction_gy": dose.dose_per_fraction(d, n),
        "eqd2_10_gy": e10,
        "eqd2_3_gy": dose.eqd2(d, n, 3),
        "bed10_gy": dose.bed(d, n, 10),
        "n_sites": int(len(sites)),
        "nrs_before": case.nrs_before,
        "n_nrs_known": n_nrs,
        "nrs_below": below,
        "nrs_equal": equal,
        "nrs_above": above,
        "nrs_below_share": _share(below, n_nrs),
        "nrs_equal_share": _share(equal, n_nrs),
        "nrs_above_share": _share(above, n_nrs),
        "n_eqd2_known": int(len(eq)),
        "eqd2_below": e_below,
        "eqd2_equal": e_equal,
        "eqd2_above": e_above,
        "eqd2_rank": e_below + 1,
        "eqd2_rank_of": int(len(eq)) + 1,
        "nrs_text": nrs_text,
        "eqd2_text": eqd2_text,
    }


# ---------------------------------------------------------------------------------------------
# Literature benchmark
# ---------------------------------------------------------------------------------------------

_BENCHMARK_COLUMNS = (
    "series_key",
    "citation",
    "doi",
    "year",
    "population",
    "design",
    "n_patients",
    "n_sites",
    "response_definition",
    "responders",
    "responders_source",
    "complete_responders",
    "median_relief_months",
    "median_relief_months_source",
    "median_followup_months",
    "median_followup_months_source",
    "median_survival_months",
    "median_survival_months_source",
    "schedules",
    "notes",
)


def benchmark_note(involved_muscle: str) -> str:
    """What the literature benchmark of a psoas or piriformis case covers, in one paragraph."""
    if involved_muscle == "psoas":
        return (
            "Published series of malignant psoas syndrome, and of malignant lumbosacral "
            "plexopathy more broadly (psoas involvement is an upper lumbosacral plexopathy)."
        )
    if involved_muscle == "piriformis":
        return (
            "No piriformis-specific series: the literature table holds none, and Sanuki 2022 notes "
            "there is no malignant pain syndrome specific to the piriformis muscle. Shown instead: "
            "series of malignant lumbosacral plexopathy (piriformis involvement is a lower "
            "lumbosacral plexopathy). Malignant psoas syndrome series are not the same population."
        )
    raise ValueError(
        f"involved_muscle must be one of {', '.join(MUSCLES)}, got {involved_muscle!r}"
    )


def literature_benchmark(case: Case, literature_df: pd.DataFrame) -> pd.DataFrame:
    """Published series of the patient's population (store.literature), most specific first.

    psoas -> 'malignant_psoas_syndrome' then 'lumbosacral_plexopathy'; piriformis ->
    'lumbosacral_plexopathy' only (no piriformis-specific series exists; ``benchmark_note`` and
    ``.attrs['note']`` say so). Columns: series_key, citation, doi, year, population,
    population_label, design, n_patients, n_sites, response_definition, responders,
    response_n (n_sites when reported, else n_patients), response_unit ('sites'|'patients'),
    responders_text ('18/18 patients' or 'not reported'), response_rate with its exact
    (Clopper-Pearson) 95% interval response_low/response_high, complete_responders, the three
    medians (months) with their *_source, schedules, notes. A figure the series did not report
    stays missing (NaN/NA), never 0. Raises ValueError for an invalid case or a frame without
    series_key, citation and population.
    """
    case = _checked_case(case)
    if not isinstance(literature_df, pd.DataFrame):
        raise ValueError(
            f"literature_df must be a pandas DataFrame (store.literature), got "
            f"{type(literature_df).__name__}"
        )
    missing = [c for c in ("series_key", "citation", "population") if c not in literature_df]
    if missing:
        raise ValueError(f"literature_df is missing column(s): {', '.join(missing)}")
    pops = _BENCHMARK_POPULATIONS[case.involved_muscle]
    lit = literature_df[literature_df["population"].isin(pops)].copy()
    for col in _BENCHMARK_COLUMNS:
        if col not in lit.columns:
            lit[col] = pd.Series(pd.NA, index=lit.index, dtype=object)
    lit["_pop_order"] = lit["population"].map({p: i for i, p in enumerate(pops)})
    lit = lit.sort_values(
        ["_pop_order", "year", "series_key"], kind="mergesort", na_position="last"
    )
    out = lit[list(_BENCHMARK_COLUMNS)].reset_index(drop=True)
    out.insert(5, "population_label", out["population"].map(POPULATIONS))

    resp_n, unit, text, rate, low, high = [], [], [], [], [], []
    for rec in out.to_dict("records"):
        if not _is_blank(rec["n_sites"]):
            n, u = int(rec["n_sites"]), "sites"
        elif not _is_blank(rec["n_patients"]):
            n, u = int(rec["n_patients"]), "patients"
        else:
            n, u = None, None
        resp_n.append(n)
        unit.append(u)
        r = rec["responders"]
        if n is None or _is_blank(r):
            text.append("not reported")
            rate.append(math.nan)
            low.append(math.nan)
            high.append(math.nan)
        else:
            r = int(r)
            lo, hi = proportion_ci(r, n, method="exact")
            text.append(f"{r}/{n} {u}")
            rate.append(r / n)
            low.append(lo)
            high.append(hi)
    pos = out.columns.get_loc("responders") + 1
    out.insert(pos, "response_n", pd.array(resp_n, dtype="Int64"))
    out.insert(pos + 1, "response_unit", pd.Series(unit, dtype=object))
    out.insert(pos + 2, "responders_text", pd.Series(text, dtype=object))
    out.insert(pos + 3, "response_rate", pd.Series(rate, dtype=float))
    out.insert(pos + 4, "response_low", pd.Series(low, dtype=float))
    out.insert(pos + 5, "response_high", pd.Series(high, dtype=float))
    out.attrs["note"] = benchmark_note(case.involved_muscle)
    return out
