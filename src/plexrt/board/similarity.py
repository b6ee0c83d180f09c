"""The irradiated sites of the series that most resemble the patient at the board.

The similarity score is a clinical rule of thumb, not a validated model: it counts shared features
a radiation oncologist would look at first (same muscle, same intent, same kind of primary, similar
baseline pain, similar dose as EQD2 with alpha/beta 10 Gy). Its weights were chosen by PlexRT so
that the anatomy of the syndrome counts most; they were never fitted to outcomes, and a high score
does not predict that this patient will respond like the matched site. With 12 sites, it only
orders the series for reading.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np
import pandas as pd

from plexrt.board.case import Case, checked_case
from plexrt.board.doses import site_eqd2, site_regimen
from plexrt.board.relief import relief_columns, relief_sentence, states_a_fact
from plexrt.clinical import dose
from plexrt.clinical.inputs import require_columns
from plexrt.data.values import is_missing, one_decimal
from plexrt.data.vocab import INTENT_LABELS, cancer_key, label

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
    "point +2 or within 2 points +1, EQD2 (α/β 10 Gy) within 5 Gy +2 or within 10 Gy +1; "
    f"maximum {MAX_SCORE}. The weights were chosen by hand, never fitted to outcomes; a similar "
    "site's outcome does not predict this patient's."
)

#: The columns of store.cohort the matcher reads.
SITE_COLUMNS = (
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

_POINT_COLUMNS = (
    "points_muscle",
    "points_intent",
    "points_group",
    "points_cancer",
    "points_nrs",
    "points_eqd2",
)
# The site's own features and outcome, shown beside its points.
_SITE_SHOWN = (
    "involved_muscle",
    "intent",
    "primary_cancer",
    "primary_group",
    "nrs_before",
    "nrs_after",
    "nrs_change",
    "weeks_to_max_response",
)


def checked_sites(df: Any, name: str = "df") -> pd.DataFrame:
    """``df`` (store.cohort) with a fresh 0..n-1 index; ValueError when it lacks a column."""
    return require_columns(df, name, SITE_COLUMNS, "store.cohort").reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Points per feature. Each returns the points and the phrase; in 'A vs B', A is the patient.
# ---------------------------------------------------------------------------------------------


def _phrase(text: str, pts: int) -> str:
    return f"{text} +{pts}"


def _muscle_points(case: Case, m: Any) -> tuple[int, str]:
    if is_missing(m):
        return 0, _phrase("muscle unknown", 0)
    if m == case.involved_muscle:
        return WEIGHTS["muscle"], _phrase(f"same muscle ({m})", WEIGHTS["muscle"])
    return 0, _phrase(f"different muscle ({case.involved_muscle} vs {m})", 0)


def _intent_points(case: Case, i: Any) -> tuple[int, str]:
    case_intent = label(case.intent, INTENT_LABELS)
    if is_missing(i):
        return 0, _phrase("intent unknown", 0)
    if i == case.intent:
        return WEIGHTS["intent"], _phrase(f"same intent ({case_intent})", WEIGHTS["intent"])
    return 0, _phrase(f"different intent ({case_intent} vs {label(i, INTENT_LABELS)})", 0)


def _primary_points(case: Case, g: Any, c: Any) -> tuple[int, int, str]:
    """(group points, cancer points, phrase): the same cancer counts only within the same group."""
    if is_missing(g) or case.primary_group is None:
        return 0, 0, _phrase("primary group unknown", 0)
    if g != case.primary_group:
        return 0, 0, _phrase(f"different primary group ({case.primary_group} vs {g})", 0)
    p_group = WEIGHTS["group"]
    same_cancer = (
        not is_missing(c)
        and case.primary_cancer is not None
        and cancer_key(c) == cancer_key(case.primary_cancer)
    )
    if same_cancer:
        p_cancer = WEIGHTS["cancer"]
        return p_group, p_cancer, _phrase(f"same primary cancer ({c}, {g})", p_group + p_cancer)
    return p_group, 0, _phrase(f"same primary group ({g})", p_group)


def _nrs_points(case: Case, n: Any) -> tuple[int, float, str]:
    """(points, absolute difference in baseline NRS, phrase)."""
    if is_missing(n):
        return 0, math.nan, _phrase("baseline NRS unknown", 0)
    diff = abs(case.nrs_before - float(n))
    if diff <= NRS_CLOSE:
        pts = WEIGHTS["nrs_close"]
    elif diff <= NRS_NEAR:
        pts = WEIGHTS["nrs_near"]
    else:
        pts = 0
    return pts, diff, _phrase(f"NRS {case.nrs_before} vs {float(n):g}", pts)


def _eqd2_points(case_eqd2: float, site_eqd2_gy: float) -> tuple[int, float, str]:
    """(points, absolute EQD2 difference in Gy, phrase); limits inclusive."""
    if math.isnan(site_eqd2_gy):
        return 0, math.nan, _phrase("EQD2 unknown", 0)
    diff = round(abs(case_eqd2 - site_eqd2_gy), 9)
    if diff <= EQD2_CLOSE_GY + _EQD2_TOL:
        pts = WEIGHTS["eqd2_close"]
    elif diff <= EQD2_NEAR_GY + _EQD2_TOL:
        pts = WEIGHTS["eqd2_near"]
    else:
        pts = 0
    apart = "" if diff < 0.05 else f" ({one_decimal(diff)} Gy apart)"
    text = f"EQD2 {one_decimal(case_eqd2)} vs {one_decimal(site_eqd2_gy)} Gy{apart}"
    return pts, diff, _phrase(text, pts)


def _points(case: Case, case_eqd2: float, site: dict[str, Any]) -> dict[str, Any]:
    """Points and explanation phrases for one site."""
    p_muscle, muscle = _muscle_points(case, site["involved_muscle"])
    p_intent, intent = _intent_points(case, site["intent"])
    p_group, p_cancer, primary = _primary_points(
        case, site["primary_group"], site["primary_cancer"]
    )
    p_nrs, nrs_diff, nrs = _nrs_points(case, site["nrs_before"])
    e = site_eqd2(site["dose_gy"], site["fractions"])
    p_eqd2, eqd2_diff, eqd2 = _eqd2_points(case_eqd2, e)
    return {
        "score": p_muscle + p_intent + p_group + p_cancer + p_nrs + p_eqd2,
        "max_score": MAX_SCORE,
        "explanation": ", ".join((muscle, intent, primary, nrs, eqd2)),
        "points_muscle": p_muscle,
        "points_intent": p_intent,
        "points_group": p_group,
        "points_cancer": p_cancer,
        "points_nrs": p_nrs,
        "points_eqd2": p_eqd2,
        "nrs_diff": nrs_diff,
        "eqd2_10_gy": e,
        "eqd2_diff_gy": eqd2_diff,
        "regimen": site_regimen(site["dose_gy"], site["fractions"]),
    }


# ---------------------------------------------------------------------------------------------
# Every site scored, and the most similar ones
# ---------------------------------------------------------------------------------------------


def similarity(case: Case, df: pd.DataFrame) -> pd.DataFrame:
    """One row per series site with a transparent similarity score (rule of thumb, see SCORE_NOTE).

    Points: same involved muscle +3; same intent +2; same primary group +2 and +1 more for the same
    primary cancer; baseline NRS within 1 point +2 or within 2 points +1; EQD2 (alpha/beta 10 Gy)
    within 5 Gy +2 or within 10 Gy +1 (limits inclusive); maximum 12. An unknown value on either
    side scores 0 and the explanation says "unknown". The weights are a clinical rule of thumb
    chosen by hand, not a validated or fitted model.

    Columns: series_id (when ``df`` has it), course_id, patient_id, score, max_score, explanation
    (plain English; in "NRS 8 vs 4" the first value is the patient's, the second the site's), the
    points per part (points_muscle, points_intent, points_group, points_cancer, points_nrs,
    points_eqd2), the site's involved_muscle, intent, primary_cancer, primary_group, and its
    outcome: nrs_before, nrs_after, nrs_change, weeks_to_max_response; then nrs_diff, eqd2_10_gy
    (the site's), eqd2_diff_gy and regimen ('39 Gy/13'). Rows keep the order of ``df``.
    Raises ValueError for an invalid case or a frame without the cohort columns.
    """
    case = checked_case(case)
    sites = checked_sites(df)
    case_eqd2 = dose.eqd2(float(case.dose_gy), int(case.fractions), dose.DEFAULT_ALPHA_BETA)
    head = ["score", "max_score", "explanation", *_POINT_COLUMNS]
    tail = ["nrs_diff", "eqd2_10_gy", "eqd2_diff_gy", "regimen"]
    parts = pd.DataFrame(
        [_points(case, case_eqd2, rec) for rec in sites.to_dict("records")], columns=head + tail
    )
    keys = [c for c in ("series_id",) if c in sites.columns] + ["course_id", "patient_id"]
    out = pd.concat([sites[keys], parts[head], sites[list(_SITE_SHOWN)], parts[tail]], axis=1)
    for col in ("score", "max_score", *_POINT_COLUMNS):
        out[col] = out[col].astype(int)
    return out


def _checked_k(k: Any) -> int:
    if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 1:
        raise ValueError(f"k must be a positive whole number, got {k!r}")
    return int(k)


def most_similar(
    case: Case, df: pd.DataFrame, events: pd.DataFrame | None = None, k: int = 5
) -> pd.DataFrame:
    """The ``k`` most similar patients, one row each at their best-matching site.

    Sites are sorted by score (highest first), ties broken by the smaller EQD2 difference (unknown
    last), then by the order of ``df``; a patient's first site in that order is kept and their
    other sites are named in ``other_sites`` ('1.2 (9 points)'; None when the patient has one
    site in ``df``). Patients are told apart by series and patient when ``df`` has series_id.

    Adds ``rank`` (1 = most similar), ``other_sites``, ``relief_days`` and ``relief_note`` from
    ``events`` (store.events: one row per patient). Only published or imported relief is shown
    ("relapse at 76 days", "relief ≥ 151 days, censored", "not assessable"); a reconstructed
    duration is not this patient's history, so it gives NaN and "not published per patient", or
    what the paper does say ("relapsed after maximum response (results text); timing not published
    per patient"). A patient without an event row, or ``events=None``, gives NaN and None.
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
    )
    who = [c for c in ("series_id", "patient_id") if c in sim.columns]
    others = _other_sites(sim, who)
    sim = sim.drop_duplicates(who, keep="first").head(k)
    sim = sim.drop(columns="_order").reset_index(drop=True)
    sim.insert(0, "rank", np.arange(1, len(sim) + 1))
    sim.insert(
        sim.columns.get_loc("patient_id") + 1,
        "other_sites",
        pd.Series([others.get(_key(r, who)) for r in sim.to_dict("records")], dtype=object),
    )
    days, notes = relief_columns(sim, events)
    sim["relief_days"] = pd.Series(days, dtype=float)
    sim["relief_note"] = pd.Series(notes, dtype=object)
    return sim


def _key(rec: dict[str, Any], who: list[str]) -> tuple[str, ...]:
    return tuple(str(rec[c]) for c in who)


def _other_sites(ranked: pd.DataFrame, who: list[str]) -> dict[tuple[str, ...], str]:
    """{patient: '1.2 (9 points)'}: each patient's sites after their best one, in ranked order."""
    out: dict[tuple[str, ...], list[str]] = {}
    seen: set[tuple[str, ...]] = set()
    for rec in ranked.to_dict("records"):
        key = _key(rec, who)
        if key in seen:
            out.setdefault(key, []).append(f"{rec['course_id']} ({rec['score']} points)")
        seen.add(key)
    return {key: ", ".join(v) for key, v in out.items()}


#: An outcome column of the matched patients is shown only when at least half of the listed
#: patients have something in it; a column of blanks tells a clinician nothing, so it is left out
#: and one sentence says what is not published or not recorded.
MIN_SHARE_SHOWN = 0.5
_OUTCOME_WORDS = {
    "nrs_after": "NRS at RT completion",
    "weeks_to_max_response": "Weeks to maximum response",
}


def shown_outcomes(top: pd.DataFrame) -> tuple[list[str], list[str]]:
    """(outcome columns of ``most_similar`` worth a column, sentences for those left out).

    Columns considered: nrs_after, weeks_to_max_response and relief_note (a relief note counts
    only when it states something about this patient; see ``relief.states_a_fact``).
    """
    n = len(top)
    shown: list[str] = []
    said: list[str] = []
    for col, words in _OUTCOME_WORDS.items():
        known = int(top[col].map(lambda v: not is_missing(v)).sum())
        if n and known >= MIN_SHARE_SHOWN * n:
            shown.append(col)
        elif n:
            said.append(f"{words}: not recorded for {n - known} of the {n} patients listed.")
    facts = [states_a_fact(v) for v in top["relief_note"]]
    if n and sum(facts) >= MIN_SHARE_SHOWN * n:
        shown.append("relief_note")
    elif n:
        said.append(relief_sentence(top, facts))
    return shown, said


def scope_note(n_filtered: int, n_all: int, filter_text: str, restricted: bool) -> str | None:
    """Which sites the matcher searched, in words: all of them (the default) or, when the user
    asked for it, only those the sidebar filter keeps. None when the filter keeps every site."""
    if n_filtered == n_all:
        return None
    if restricted:
        return (
            f"Searching only the {n_filtered} of {n_all} sites that the sidebar filter keeps "
            f"({filter_text})."
        )
    return (
        f"Searching all {n_all} sites of the series; the sidebar filter ({filter_text}) keeps "
        f"{n_filtered} of them."
    )
