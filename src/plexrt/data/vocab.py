"""Controlled vocabularies and the words shown for them: one home for every coded value.

The codes are what the store, the files and the URL carry; the labels are what a clinician reads.
"""

from __future__ import annotations

MUSCLES = ("psoas", "piriformis")
MUSCLE_LABELS = {"psoas": "psoas", "piriformis": "piriformis"}

INTENTS = ("palliative", "local_control")
INTENT_LABELS = {"palliative": "palliative", "local_control": "local control"}

SEXES = ("F", "M")
SEX_LABELS = {"F": "female", "M": "male"}

PRIMARY_GROUPS = ("gynecological", "urological", "gastrointestinal", "other")

PLEXUS_LEVELS = ("upper", "lower")
LATERALITIES = ("left", "right", "bilateral")

# Where a stored value comes from (provenance.source), and how that is said on screen.
SOURCE_LABELS = {
    "table1": "Table 1",
    "results_text": "Results / Methods text",
    "case_narrative": "case narrative",
    "derived": "derived by PlexRT",
    "reconstructed": "reconstructed by PlexRT",
    "reference": "reference table",
    "imported": "imported per-patient data",
}
PROVENANCE_SOURCES = tuple(SOURCE_LABELS)


def label(code: object, labels: dict[str, str]) -> str:
    """The display word for a code; an unknown code is shown as itself (never hidden)."""
    return labels.get(str(code), str(code).replace("_", " "))


# What a published Kaplan-Meier curve shows (plexrt.data.curve_store): time to which event.
CURVE_OUTCOMES = {
    "overall_survival": "overall survival",
    "duration_of_relief": "duration of pain relief",
    "progression_free_survival": "progression-free survival",
    "local_control": "local control",
    "other": "other (see notes)",
}
# Units of a published time axis (their length in days: plexrt.stats.timescale.AXIS_UNITS).
CURVE_TIME_UNITS = ("days", "weeks", "months", "years")
