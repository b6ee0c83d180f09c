"""The shared sidebar filters, their URL state, the what-if banner and the URL notices."""

from __future__ import annotations

import math

import streamlit as st

from plexrt.charts.scale import PICK_LIST_MAX
from plexrt.clinical import cohort_summary as cohort_mod
from plexrt.data.filters import (
    DOSE_LABELS,
    KNOWN_PARAMS,
    RANGE_BOUNDS,
    VALUE_LABELS,
    CohortFilter,
    from_query_params,
)
from plexrt.data.own_schema import AGE_CAP, AGE_TOP_TEXT
from plexrt.data.values import NOT_STATED, is_missing
from plexrt.data.vocab import label
from plexrt.ui import db, series_state
from plexrt.ui.safe_text import md

# The multiselect filters in sidebar order: (widget key, CohortFilter and Options field, label,
# placeholder); coded values are shown in words (filters.VALUE_LABELS). Excluded sites are chosen
# further down.
_CHOICES = (
    ("f_muscle", "muscles", "Involved muscle", "All muscles"),
    ("f_intent", "intents", "Intent of RT", "All intents"),
    ("f_group", "primary_groups", "Primary group", "All groups"),
    ("f_cancer", "primary_cancers", "Primary cancer", "All primaries"),
    ("f_sex", "sexes", "Sex", "Both"),
)
KEYS = (*(c[0] for c in _CHOICES), "f_age", "f_nrs", "f_metric", "f_dose", "f_exclude")
FILTER_STATE = "cohort_filter"
EXCLUDE_TEXT = "f_exclude_text"  # the typed form of f_exclude (a series above PICK_LIST_MAX)
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
    # the series switcher's (plexrt.data.series_param.PARAMS)
    "series",
    "vs",
    "manage",  # the series managed on the Series & sharing page
)


def _bounds(lo: float, hi: float, step: float) -> tuple[float, float]:
    """Slider bounds that enclose the observed values on the slider's step grid."""
    return math.floor(lo / step) * step, math.ceil(hi / step) * step


def _two_ends(lo, hi, param: str, step: float) -> tuple[float, float]:
    """A slider needs two different ends. Data with no known value of the column (an own series
    that recorded no age) span the plausible range (``filters.RANGE_BOUNDS``); a single value (one
    patient, or one regimen for every course) is widened by a step to either side within it."""
    hard = RANGE_BOUNDS[param]
    if is_missing(lo) or is_missing(hi):
        return hard
    if lo < hi:
        return lo, hi
    return max(hard[0], lo - step), min(hard[1], hi + step)


def _dose_bounds(metric: str) -> tuple[float, float, float]:
    lo, hi = db.ranges()[metric]
    step = 0.1 if metric == "dpf" else 0.5
    if not (is_missing(lo) or is_missing(hi)):
        lo, hi = (round(v, 1) for v in _bounds(lo, hi, step))
    a, b = _two_ends(lo, hi, metric, step)
    return round(a, 1), round(b, 1), step


def _data_bounds(kind: str) -> tuple[float, float]:
    """Slider range from the data: age / nrs as whole numbers, dose on its step grid."""
    if kind == "dose":
        d0, d1, _ = _dose_bounds(st.session_state.get("f_metric", "dpf"))
        return d0, d1
    lo, hi = db.ranges()[kind]
    lo, hi = _two_ends(lo, hi, kind, 1)
    return int(lo), int(hi)


def slider_bounds(kind: str) -> tuple[float, float]:
    """The data range, widened to a range a URL asked for, so that '?age=10-20' filters exactly
    that (an empty cohort is an honest answer) instead of being clamped to the data."""
    return st.session_state.get(f"b_{kind}", _data_bounds(kind))


def _from_url(kind: str, lo, hi, cast) -> tuple:
    b0, b1 = _data_bounds(kind)
    if lo is not None:
        b0 = min(b0, cast(lo))
    if hi is not None:
        b1 = max(b1, cast(hi))
    if (b0, b1) != _data_bounds(kind):
        st.session_state[f"b_{kind}"] = (b0, b1)
    return (cast(lo) if lo is not None else b0, cast(hi) if hi is not None else b1)


def _apply_url(opts) -> None:
    """First run of a session: put the URL's filter into the widgets; keep notices for display."""
    flt, notices = from_query_params(st.query_params.to_dict(), opts, ignore=PAGE_PARAMS)
    for key, field, *_ in _CHOICES:
        st.session_state[key] = list(getattr(flt, field))
    st.session_state.f_exclude = list(flt.exclude)
    st.session_state.pop(EXCLUDE_TEXT, None)  # typed again from f_exclude
    st.session_state.f_metric = flt.dose_metric
    st.session_state.f_age = _from_url("age", flt.age_min, flt.age_max, int)
    st.session_state.f_nrs = _from_url("nrs", flt.nrs_min, flt.nrs_max, int)
    st.session_state.f_dose = _from_url("dose", flt.dose_min, flt.dose_max, float)
    st.session_state.url_notices = notices


# On an own series an age of 90 is a top-coded one (plexrt.data.deidentify.cap_age).
_AGE_HELP = (
    f"On a department's own series {AGE_CAP} stands for {AGE_TOP_TEXT}: ages over 89 are stored "
    f"as {AGE_CAP} at import (de-identification)."
)


def reset_filters() -> None:
    for k in (*KEYS, EXCLUDE_TEXT, "b_age", "b_nrs", "b_dose"):
        st.session_state.pop(k, None)
    for k in KNOWN_PARAMS:
        if k in st.query_params:
            del st.query_params[k]
    st.session_state.pop("url_applied", None)


# The widget behind each part of the filter (plexrt.data.filter_undo.PARTS).
_PART_WIDGETS = {
    **{field: key for key, field, *_ in _CHOICES},
    "age": "f_age",
    "nrs": "f_nrs",
    "dose": "f_dose",
    "exclude": "f_exclude",
}


def clear_part(part: str) -> None:
    """Undo one part of the filter (a button callback: the widgets are redrawn without it)."""
    key = _PART_WIDGETS[part]
    if part in ("age", "nrs", "dose"):
        st.session_state.pop(f"b_{part}", None)
        st.session_state[key] = slider_bounds(part)
    else:
        st.session_state[key] = []
        if part == "exclude":
            st.session_state.pop(EXCLUDE_TEXT, None)


def _on_metric_change() -> None:
    # A new dose metric has a different scale: start from its full range.
    st.session_state.pop("f_dose", None)
    st.session_state.pop("b_dose", None)


def _filter_from_widgets() -> CohortFilter:
    s = st.session_state

    def rng(value, full):
        lo, hi = value
        return (None if lo <= full[0] else lo), (None if hi >= full[1] else hi)

    age = rng(s.f_age, slider_bounds("age"))
    nrs = rng(s.f_nrs, slider_bounds("nrs"))
    dose = rng(s.f_dose, slider_bounds("dose"))
    return CohortFilter(
        **{field: tuple(s[key]) for key, field, *_ in _CHOICES},
        age_min=age[0],
        age_max=age[1],
        nrs_min=nrs[0],
        nrs_max=nrs[1],
        dose_metric=s.f_metric,
        dose_min=dose[0],
        dose_max=dose[1],
        exclude=tuple(s.f_exclude),
    )


def site_labels(sites) -> dict[str, str]:
    """'1.1 · pt 1, ovarian cancer, psoas' for every site, built once per store over whole
    columns (the exclude list formats each of up to 100,000 options from it)."""
    cancer = sites["primary_cancer"].astype("string").str.lower().fillna(NOT_STATED)
    text = (
        sites["course_id"].astype(str)
        + " · pt "
        + sites["patient_id"].astype(str)
        + ", "
        + cancer.astype(str)
        + ", "
        + sites["involved_muscle"].astype(str)
    )
    return dict(zip(sites["course_id"], text, strict=True))


@series_state.per_series(show_spinner=False)
def _labels() -> dict[str, str]:
    return site_labels(db.all_sites())


def render() -> CohortFilter:
    """Draw the filters in the sidebar, keep the URL in step, and return the current filter."""
    db.check_rebuilt()
    db.store_notice()
    opts = db.options()
    if not st.session_state.get("url_applied"):
        _apply_url(opts)
        st.session_state.url_applied = True
    sb = st.sidebar
    sb.header("Cohort filters")
    for key, field, title, placeholder in _CHOICES:
        words = VALUE_LABELS.get(field)
        sb.multiselect(
            title,
            getattr(opts, field),
            key=key,
            format_func=(lambda v, w=words: label(v, w)) if words else str,
            placeholder=placeholder,
        )
    for kind, title in (("age", "Age (years)"), ("nrs", "NRS before RT")):
        if f"f_{kind}" not in st.session_state:  # after a reset
            st.session_state[f"f_{kind}"] = slider_bounds(kind)
        lo, hi = slider_bounds(kind)
        sb.slider(
            title, int(lo), int(hi), key=f"f_{kind}", help=_AGE_HELP if kind == "age" else None
        )
    sb.radio(
        "Dose range by",
        ("dpf", "eqd2"),
        key="f_metric",
        horizontal=True,
        format_func=lambda m: DOSE_LABELS[m],
        on_change=_on_metric_change,
    )
    _, _, step = _dose_bounds(st.session_state.f_metric)
    d0, d1 = slider_bounds("dose")
    if "f_dose" not in st.session_state:
        st.session_state.f_dose = (d0, d1)
    sb.slider(
        f"{DOSE_LABELS[st.session_state.f_metric].capitalize()} (Gy)",
        d0,
        d1,
        key="f_dose",
        step=step,
    )
    if len(opts.course_ids) > PICK_LIST_MAX:
        _exclude_typed(opts)
    else:
        labels = _labels()
        sb.multiselect(
            "Exclude these sites",
            opts.course_ids,
            key="f_exclude",
            format_func=lambda c: labels.get(c, c),
            placeholder="None excluded",
        )
    flt = _filter_from_widgets()
    st.session_state[FILTER_STATE] = flt
    _sync_url(flt)
    return flt


def _exclude_typed(opts) -> None:
    """A registry's sites to leave out, typed as ids (``PICK_LIST_MAX``), read as the URL's
    ``exclude`` parameter is: ids the series does not have are named and ignored."""
    s = st.session_state
    if EXCLUDE_TEXT not in s:
        s[EXCLUDE_TEXT] = ", ".join(s.get("f_exclude", []))
    text = st.sidebar.text_input(
        "Exclude these sites (site ids, comma-separated)",
        key=EXCLUDE_TEXT,
        placeholder="None excluded",
        help=f"This series has more than {PICK_LIST_MAX:,} sites: type the ids, e.g. 12.1, 40.2.",
    )
    flt, notices = from_query_params({"exclude": text} if text.strip() else {}, opts)
    for notice in notices:
        st.sidebar.warning(md(notice), icon=":material/warning:")
    s.f_exclude = list(flt.exclude)


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
        st.warning(md(note), icon=":material/warning:")
    if st.session_state.get("url_notices") and st.button(
        "Dismiss URL notices", key="dismiss_notices"
    ):
        st.session_state.url_notices = []
        st.rerun()
    text = cohort_mod.banner_text(*db.cohort_size(flt), *db.cohort_size(CohortFilter()))
    cols = st.columns([5, 1], vertical_alignment="center")
    if flt.is_empty:
        cols[0].info(f"**{text}** · all sites, no filter applied", icon=":material/groups:")
    else:
        cols[0].warning(
            f"**{text}** · what-if filter: {md(flt.describe())}", icon=":material/filter_alt:"
        )
        cols[1].button(
            "Reset filters", on_click=reset_filters, key="reset_filters", width="stretch"
        )


def presenting() -> bool:
    """Presentation mode hides the banner (the slide header states the cohort instead)."""
    return bool(st.session_state.get("present_on")) or (
        "present_on" not in st.session_state and st.query_params.get("present") == "1"
    )
