"""The sentences around figures and tables that depend on where the series in view comes from: the
one home of every footnote, caption and label that would be untrue on another kind of series.

``words(source)`` gives the ``SeriesWords`` of a source: 'published' (the bundled series, Sanuki
2022, whose per-patient values come from the paper's Table 1 and text and whose times are
reconstructed), 'registry' (other data in the bundled format served in its place, e.g. a registry
built with `plexrt synth` or from a department's folder: real per-patient times, no paper behind
them), 'own' (a department's own series, imported per patient with real dates) or 'compare' (the
compare view, an own series beside the bundled data; ``compare_words(series)`` gives the paper's
words beside the published series and a registry's own beside a registry). ``source_of(mode)``
maps the mode of the series switcher (``plexrt.data.series_param.SeriesChoice.mode``) to it;
``bundled_source(series)`` tells the published series from a registry by its ``series`` table.

Time origins (days count from the start of each patient's first course, day 0, in every series):
- published: survival after RT from the end of the patient's LAST course (as the paper counts);
  relief from the patient's first maximum response (RT start + 7 x the weeks of Table 1);
- registry: as published (``plexrt.ingest.times.imported_times``), from the times given;
- own: survival after RT from the end of the patient's FIRST course (issue 12); relief from the
  maximum response of the first course that has one, to the relapse of that course
  (``plexrt.clinical.own_series``).
In both, relief ends at relapse of pain (event) and is censored at last contact or death;
survival ends at death (event) or last contact (censored).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from plexrt.data.values import is_missing

PUBLISHED, REGISTRY, OWN, COMPARE = "published", "registry", "own", "compare"
SOURCES = (PUBLISHED, REGISTRY, OWN, COMPARE)

PAPER_COHORT_LABEL = "PlexRT (this cohort)"

_RELIEF_END = "to relapse of pain (event), censored at last contact or death"


@dataclass(frozen=True)
class SeriesWords:
    """The source-dependent words (see the module docstring)."""

    source: str
    time_zero: dict[str, str]  # the survival time-zero choices {'completion'|'start': label}
    survival_origin: str  # where survival after RT counts from, in words
    relief_origin: str  # where duration of relief counts from and to, in words
    followup_origin: str  # where median follow-up counts from (survival's zero), in words
    note: str  # the time-zero sentence shown under time-to-event figures ('' = none needed)
    improvement_help: str  # the help of the cohort page's 'Improved by >= 2 points'
    weeks_help: str  # the help of 'Weeks to max. response'
    age_note: str  # how ages are counted and where they come from ('{citation}' filled in)
    cohort_table_note: str  # under the cohort table (after the OMED factor note)
    omed_route_note: str  # how the route and timing of the analgesics are read
    relief_caption: str  # under the duration of relief curve
    swimmer_note: str  # what the swimmer plot's styles mean
    site_unit: str  # why rates count irradiated sites, in brackets after 'irradiated sites'


_START = "RT start (first course)"
# Median follow-up counts from survival's time zero with the status reversed.
_REVERSE = "reverse Kaplan–Meier: alive at last contact is the event, death censors"

_PUBLISHED = SeriesWords(
    source=PUBLISHED,
    time_zero={"completion": "RT completion (as in the paper)", "start": _START},
    survival_origin=(
        "the completion of the patient's last course of RT (as the paper counts); death is the "
        "event, last contact censors"
    ),
    followup_origin=(
        f"the completion of the patient's last course of RT (as the paper counts); {_REVERSE}"
    ),
    relief_origin=f"the patient's first maximum response {_RELIEF_END}",
    note="",
    improvement_help="The paper's definition of improvement: a fall of {k} or more on the NRS",
    weeks_help="From the start of RT (Table 1)",
    age_note="Age is counted once per patient. Source: {citation}, Table 1.",
    cohort_table_note=(
        "Blank cells are not stated in the paper. 'Disputed in the paper' names the discrepancies "
        "recorded on the Data & provenance page (e.g. X1: patient 5's dose)."
    ),
    omed_route_note=(
        "Route is not stated in the paper; oral dosing is assumed. Regimens are those at the start "
        "of RT (Table 1)."
    ),
    relief_caption=(
        "Duration of relief is counted from maximum response (PlexRT's reading of the paper's "
        "'after their maximal response'); death and last contact censor."
    ),
    swimmer_note=(
        "Filled markers, solid lines and dark RT bars: published or imported times; outlined "
        "markers with a centre dot and light RT bars: derived by a rule from published values (RT "
        "end counting the fractions at five a week, maximum response = RT start + 7 × Table 1 "
        "weeks); hollow markers and dotted lines: reconstructed (not published per patient)."
    ),
    site_unit="the paper's unit",
)

_OWN = SeriesWords(
    source=OWN,
    time_zero={"completion": "RT completion (first course)", "start": _START},
    survival_origin=(
        "the completion of the patient's first course of RT; death is the event, last contact "
        "censors"
    ),
    followup_origin=f"the completion of the patient's first course of RT; {_REVERSE}",
    relief_origin=(
        "the maximum response of the patient's first course that has one, to the relapse of pain "
        "at that site (event), censored at last contact or death"
    ),
    note=(
        "Own series: real per-patient times. Survival after RT counts from the completion of each "
        "patient's first course; duration of relief from the maximum response of the first course "
        "that has one to the relapse of pain at that site, censored at last contact or death."
    ),
    improvement_help=(
        "Improvement as Sanuki 2022 defines it, applied to this series: a fall of {k} or more on "
        "the NRS"
    ),
    weeks_help="From the start of the site's course of RT to its recorded maximum response",
    age_note=(
        "Age at first RT, counted once per patient; ages over 89 are stored and shown as 90+. "
        "Source: {citation}."
    ),
    cohort_table_note=(
        "Blank cells were not recorded in the imported file (pain at presentation is not part of "
        "the template); a blank baseline OMED means no assessment on or before RT start, no dose, "
        "or a drug or route without a factor in the table."
    ),
    omed_route_note=(
        "Route as recorded with each assessment (a blank route is read as oral). Regimens are "
        "those of each site's latest assessment on or before its RT start."
    ),
    relief_caption=(
        "Duration of relief is counted from the maximum response of each patient's first course "
        "that has one; death and last contact censor."
    ),
    swimmer_note=(
        "Every time is imported from the series' own dates (days from each patient's first RT "
        "start): filled markers, solid lines and dark RT bars."
    ),
    site_unit="one per course of RT, as the published series counts",
)

_REGISTRY = SeriesWords(
    source=REGISTRY,
    time_zero={"completion": "RT completion (last course)", "start": _START},
    survival_origin=(
        "the completion of the patient's last course of RT; death is the event, last contact "
        "censors"
    ),
    followup_origin=f"the completion of the patient's last course of RT; {_REVERSE}",
    relief_origin=f"the patient's first maximum response {_RELIEF_END}",
    note=(
        "Real per-patient times from the data folder. Survival after RT counts from the "
        "completion of each patient's last course; duration of relief from the patient's first "
        "maximum response to relapse of pain, censored at last contact or death."
    ),
    improvement_help=_OWN.improvement_help,
    weeks_help="From the start of RT, as recorded",
    age_note="Age is counted once per patient. Source: {citation}.",
    cohort_table_note="Blank cells are not recorded in the data.",
    omed_route_note="Route as recorded with each dose; a blank route is read as oral.",
    relief_caption=(
        "Duration of relief is counted from the patient's first maximum response; death and last "
        "contact censor."
    ),
    swimmer_note=(
        "Every time is taken from the data folder's per-patient times: filled markers, solid "
        "lines and dark RT bars."
    ),
    site_unit=_OWN.site_unit,
)

_COMPARE = SeriesWords(
    source=COMPARE,
    time_zero={"completion": "RT completion", "start": _START},
    survival_origin=(
        "RT completion: of the patient's first course in the own series, of the last course in "
        "the published series (as the paper counts)"
    ),
    followup_origin=(
        "RT completion: of the patient's first course in the own series, of the last course in "
        f"the published series (as the paper counts); {_REVERSE}"
    ),
    relief_origin=f"maximum response in both series {_RELIEF_END}",
    note=(
        "Survival after RT counts from RT completion: of the patient's first course in the own "
        "series, of the last course in the published series (as the paper counts). Duration of "
        "relief counts from maximum response in both."
    ),
    improvement_help=_PUBLISHED.improvement_help,
    weeks_help=_PUBLISHED.weeks_help,
    age_note=_PUBLISHED.age_note,
    cohort_table_note=_PUBLISHED.cohort_table_note,
    omed_route_note=_PUBLISHED.omed_route_note,
    relief_caption=_PUBLISHED.relief_caption,
    swimmer_note=_PUBLISHED.swimmer_note,
    site_unit=_OWN.site_unit,
)

# Compare mode beside a registry served as the bundled store: its times are real, from its data
# folder, and survival counts from its last course (``ingest.times``); nothing of the paper.
_COMPARE_REGISTRY = replace(
    _REGISTRY,
    source=COMPARE,
    time_zero=_COMPARE.time_zero,
    survival_origin=(
        "RT completion: of the patient's first course in the own series, of the last course in "
        "the bundled data"
    ),
    followup_origin=(
        "RT completion: of the patient's first course in the own series, of the last course in "
        f"the bundled data; {_REVERSE}"
    ),
    relief_origin=_COMPARE.relief_origin,
    note=(
        "Survival after RT counts from RT completion: of the patient's first course in the own "
        "series, of the last course in the bundled data. Duration of relief counts from maximum "
        "response in both."
    ),
    site_unit=_OWN.site_unit,
)

_WORDS = {PUBLISHED: _PUBLISHED, REGISTRY: _REGISTRY, OWN: _OWN, COMPARE: _COMPARE}


def words(source: str) -> SeriesWords:
    """The words of ``source`` ('published', 'own' or 'compare'); ValueError otherwise."""
    if source not in _WORDS:
        raise ValueError(f"source must be one of {', '.join(SOURCES)}, got {source!r}")
    return _WORDS[source]


def source_of(mode: str) -> str:
    """The source of a series-switcher mode: 'bundled' -> 'published', 'own', 'compare'."""
    modes = {"bundled": PUBLISHED, "own": OWN, "compare": COMPARE}
    if mode not in modes:
        raise ValueError(f"mode must be one of {', '.join(modes)}, got {mode!r}")
    return modes[mode]


def series_names(series: Any) -> str:
    """The series of a store by name, from its ``series`` table: 'Sanuki 2022', or 'SYNTHETIC
    centre 1 and 3 more' for a store of several series ('' for none)."""
    names = [str(n) for n in series["short_name"]] if len(series) else []
    if not names:
        return ""
    return names[0] if len(names) == 1 else f"{names[0]} and {len(names) - 1} more"


def series_designs(series: Any) -> str | None:
    """The design(s) a store's ``series`` table states ('retrospective single-centre case series',
    "department's own series (imported)"), each once; None when none is stated."""
    if "design" not in series:
        return None
    designs = [str(d).strip() for d in series["design"] if not is_missing(d) and str(d).strip()]
    return "; ".join(dict.fromkeys(designs)) or None


def is_published(series: Any) -> bool:
    """Whether every series of a store's ``series`` table has a DOI (the published series)."""
    return bool(len(series)) and "doi" in series and bool(series["doi"].notna().all())


def bundled_source(series: Any) -> str:
    """The source of the bundled store in view: 'published' when ``is_published``, else
    'registry' (never the paper's words for data that are not the paper)."""
    return PUBLISHED if is_published(series) else REGISTRY


def bundled_label(series: Any) -> str:
    """The series switcher's name for the bundled store, from its ``series`` table: 'Sanuki 2022
    (published)' for the project's data; a registry served from another data folder
    ($PLEXRT_DATA) by its own names ('SYNTHETIC centre 1 and 3 more (bundled data)'), never as
    Sanuki 2022. 'published' only when every series has a DOI."""
    shown = series_names(series)
    if not shown:
        return "Bundled data"
    return f"{shown} ({'published' if is_published(series) else 'bundled data'})"


def compare_words(series: Any) -> SeriesWords:
    """The compare view's words for the bundled store in view: the paper's beside the published
    series, the registry's own beside other bundled data (``is_published``)."""
    return _COMPARE if is_published(series) else _COMPARE_REGISTRY


def bundled_name(series: Any) -> str:
    """The bundled side of the compare view by name: 'Sanuki 2022', or a registry's own names
    ('SYNTHETIC centre 1 and 3 more'); 'Bundled data' for a store without a series."""
    return series_names(series) or "Bundled data"


def cohort_label(name: str, source: str) -> str:
    """The series in view as one row or curve beside published series (the Literature page's side
    by side and forest plots, the board's forest slide, the curve comparison): the published
    series keeps 'PlexRT (this cohort)' (its paper is a published row of its own); any other
    series by its own name ('Example clinic (this cohort)'), never as PlexRT's or the paper's.
    ``source`` as ``words`` takes it."""
    if source == PUBLISHED:
        return PAPER_COHORT_LABEL
    return f"{name or 'Bundled data'} (this cohort)"


def bundled_side_label(series: Any, reconstructed: bool) -> str:
    """The bundled side's label in compare figures: its name, and '(reconstructed times)' when
    any of its times is reconstructed (never said of real times)."""
    name = bundled_name(series)
    return f"{name} (reconstructed times)" if reconstructed else name
