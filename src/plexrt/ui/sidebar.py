"""The shared sidebar filters, their URL state, the what-if banner and the URL notices."""

from __future__ import annotations

import math

import streamlit as st

from plexrt import cohort as cohort_mod
from plexrt.filters import (
    DOSE_LABELS,
    INTENT_LABELS,
    KNOWN_PARAMS,
    MUSCLE_LABELS,
    SEX_LABELS,
    CohortFilter,
    from_query_params,
)
from plexrt.ui import db

KEYS = ("f_cancer", "f_group", "f_muscle", "f_intent", "f_sex", "f_age", "f_nrs", "f_metric",
        "f_dose", "f_exclude")  # fmt: skip
FILTER_STATE = "cohort_filter"
# URL parameters owned by pages (view options), not by the cohort filter.
PAGE_PARAMS = (
    "present",
    "slide",
    "resp",
    "ci",
    "colour",
    "ab",
    "omed",
    "unit",
    "t0",
    "by",
    "ttm",
    "screen",
)


def _bounds(lo: float, hi: float, step: float) -> tuple[float, float]:
    """Slider bounds that enclose the observed values on the slider's step grid."""
    return math.floor(lo / step) * step, math.ceil(hi / step) * step


def _dose_bounds(metric: str) -> tuple[float, float, float]:
    lo, hi = db.ranges()[metric]
    step = 0.1 if metric == "dpf" else 0.5
    a, b = _bounds(lo, hi, step)
    return round(a, 1), round(b, 1), step


def _apply_url(opts) -> None:
    """First run of a session: put the URL's filter into the widgets; keep notices for display."""
    flt, notices = from_query_params(st.query_params.to_dict(), opts, ignore=PAGE_PARAMS)
    r = db.ranges()
    st.session_state.f_cancer = list(flt.primary_cancers)
    st.session_state.f_group = list(flt.primary_groups)
    st.session_state.f_muscle = list(flt.muscles)
    st.session_state.f_intent = list(flt.intents)
    st.session_state.f_sex = list(flt.sexes)
    st.session_state.f_exclude = list(flt.exclude)
    a0, a1 = r["age"]
    st.session_state.f_age = (
        int(min(max(flt.age_min, a0), a1)) if flt.age_min is not None else int(a0),
        int(max(min(flt.age_max, a1), a0)) if flt.age_max is not None else int(a1),
    )
    n0, n1 = r["nrs"]
    st.session_state.f_nrs = (
        int(min(max(flt.nrs_min, n0), n1)) if flt.nrs_min is not None else int(n0),
        int(max(min(flt.nrs_max, n1), n0)) if flt.nrs_max is not None else int(n1),
    )
    st.session_state.f_metric = flt.dose_metric
    d0, d1, _ = _dose_bounds(flt.dose_metric)
    st.session_state.f_dose = (
        float(min(max(flt.dose_min, d0), d1)) if flt.dose_min is not None else d0,
        float(max(min(flt.dose_max, d1), d0)) if flt.dose_max is not None else d1,
    )
    st.session_state.url_notices = notices


def reset_filters() -> None:
    for k in KEYS:
        st.session_state.pop(k, None)
    for k in KNOWN_PARAMS:
        if k in st.query_params:
            del st.query_params[k]
    st.session_state.pop("url_applied", None)


def _on_metric_change() -> None:
    # A new dose metric has a different scale: start from its full range.
    st.session_state.pop("f_dose", None)


def _filter_from_widgets() -> CohortFilter:
    s = st.session_state
    r = db.ranges()

    def rng(value, full):
        lo, hi = value
        return (None if lo <= full[0] else lo), (None if hi >= full[1] else hi)

    age = rng(s.f_age, (int(r["age"][0]), int(r["age"][1])))
    nrs = rng(s.f_nrs, (int(r["nrs"][0]), int(r["nrs"][1])))
    d0, d1, _ = _dose_bounds(s.f_metric)
    dose = rng(s.f_dose, (d0, d1))
    return CohortFilter(
        primary_cancers=tuple(s.f_cancer),
        primary_groups=tuple(s.f_group),
        muscles=tuple(s.f_muscle),
        intents=tuple(s.f_intent),
        sexes=tuple(s.f_sex),
        age_min=age[0],
        age_max=age[1],
        nrs_min=nrs[0],
        nrs_max=nrs[1],
        dose_metric=s.f_metric,
        dose_min=dose[0],
        dose_max=dose[1],
        exclude=tuple(s.f_exclude),
    )


def _site_label(course_id: str) -> str:
    sites = db.all_sites().set_index("course_id")
    if course_id not in sites.index:
        return course_id
    r = sites.loc[course_id]
    return f"{course_id} · pt {r.patient_id}, {r.primary_cancer.lower()}, {r.involved_muscle}"


def render() -> CohortFilter:
    """Draw the filters in the sidebar, keep the URL in step, and return the current filter."""
    opts = db.options()
    if not st.session_state.get("url_applied"):
        _apply_url(opts)
        st.session_state.url_applied = True
    r = db.ranges()
    sb = st.sidebar
    sb.header("Cohort filters")
    sb.multiselect("Involved muscle", opts.muscles, key="f_muscle",
                   format_func=lambda v: MUSCLE_LABELS.get(v, v), placeholder="All muscles")  # fmt: skip
    sb.multiselect("Intent of RT", opts.intents, key="f_intent",
                   format_func=lambda v: INTENT_LABELS.get(v, v), placeholder="All intents")  # fmt: skip
    sb.multiselect("Primary group", opts.primary_groups, key="f_group", placeholder="All groups")
    sb.multiselect("Primary cancer", opts.primary_cancers, key="f_cancer",
                   placeholder="All primaries")  # fmt: skip
    sb.multiselect("Sex", opts.sexes, key="f_sex", format_func=lambda v: SEX_LABELS.get(v, v),
                   placeholder="Both")  # fmt: skip
    sb.slider("Age (years)", int(r["age"][0]), int(r["age"][1]), key="f_age")
    sb.slider("NRS before RT", int(r["nrs"][0]), int(r["nrs"][1]), key="f_nrs")
    sb.radio("Dose range by", ("dpf", "eqd2"), key="f_metric", horizontal=True,
             format_func=lambda m: DOSE_LABELS[m], on_change=_on_metric_change)  # fmt: skip
    d0, d1, step = _dose_bounds(st.session_state.f_metric)
    if "f_dose" not in st.session_state:
        st.session_state.f_dose = (d0, d1)
    sb.slider(f"{DOSE_LABELS[st.session_state.f_metric].capitalize()} (Gy)", d0, d1, key="f_dose",
              step=step)  # fmt: skip
    sb.multiselect("Exclude these sites", opts.course_ids, key="f_exclude",
                   format_func=_site_label, placeholder="None excluded")  # fmt: skip
    flt = _filter_from_widgets()
    st.session_state[FILTER_STATE] = flt
    _sync_url(flt)
    return flt


def _sync_url(flt: CohortFilter) -> None:
    wanted = flt.to_query_params()
    current = st.query_params.to_dict()
    for k in KNOWN_PARAMS:
        if k in current and k not in wanted:
            del st.query_params[k]
    for k, v in wanted.items():
        if current.get(k) != v:
            st.query_params[k] = v


def current_filter() -> CohortFilter:
    return st.session_state.get(FILTER_STATE, CohortFilter())


def banner(flt: CohortFilter) -> None:
    """The what-if banner at the top of every page, with the URL notices and a one-click reset."""
    for note in st.session_state.get("url_notices", []):
        st.warning(note, icon=":material/warning:")
    if st.session_state.get("url_notices") and st.button(
        "Dismiss URL notices", key="dismiss_notices"
    ):
        st.session_state.url_notices = []
        st.rerun()
    shown = db.cohort(flt)
    total = db.all_sites()
    text = cohort_mod.banner_text(
        len(shown),
        shown["patient_id"].nunique(),
        len(total),
        total["patient_id"].nunique(),
    )
    cols = st.columns([5, 1], vertical_alignment="center")
    if flt.is_empty:
        cols[0].info(f"**{text}** · all sites, no filter applied", icon=":material/groups:")
    else:
        cols[0].warning(
            f"**{text}** · what-if filter: {flt.describe()}", icon=":material/filter_alt:"
        )
        cols[1].button("Reset filters", on_click=reset_filters, key="reset_filters",
                       width="stretch")  # fmt: skip


def presenting() -> bool:
    """Presentation mode hides the banner (the slide header states the cohort instead)."""
    return bool(st.session_state.get("present_on")) or (
        "present_on" not in st.session_state and st.query_params.get("present") == "1"
    )
