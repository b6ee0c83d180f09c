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
OTHER_GROUP = "other"  # the group of a primary cancer not listed in KNOWN_PRIMARY_CANCERS

#: Primary cancers whose group is unambiguous: canonical name -> primary group. Used to fill the
#: group (board case form, own-series import); any other cancer has no known group.
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


def cancer_key(name: str) -> str:
    """'Gastric cancer', ' gastric ', 'GASTRIC CARCINOMA' -> 'gastric'."""
    key = " ".join(str(name).lower().split())
    for suffix in (" cancer", " carcinoma"):
        if key.endswith(suffix):
            key = key[: -len(suffix)]
    return key


_CANCER_BY_KEY = {cancer_key(k): k for k in KNOWN_PRIMARY_CANCERS}


def canonical_cancer(name: str) -> str:
    """A known cancer's canonical name ('gastric' -> 'Gastric cancer'); any other name with its
    spaces tidied ('  Lung   cancer ' -> 'Lung cancer')."""
    return _CANCER_BY_KEY.get(cancer_key(name)) or " ".join(str(name).split())


def known_group(cancer: object) -> str | None:
    """The primary group of a cancer in ``KNOWN_PRIMARY_CANCERS``; None for any other."""
    if not isinstance(cancer, str):
        return None
    canonical = _CANCER_BY_KEY.get(cancer_key(cancer))
    return KNOWN_PRIMARY_CANCERS[canonical] if canonical else None


# What clinicians type for a coded value. The iliopsoas is the psoas for this syndrome; Table 1 of
# Sanuki 2022 abbreviates intent as P (palliative care) and LC (local control).
MUSCLE_ALIASES = {"iliopsoas": "psoas"}
INTENT_ALIASES = {"local control": "local_control", "lc": "local_control", "p": "palliative"}
SEX_ALIASES = {"female": "F", "male": "M", "f": "F", "m": "M"}

# Route of an opioid in a follow-up assessment. The OMED factors (data/opioid_factors.csv) are for
# oral dosing; an empty route is read as oral there.
OPIOID_ROUTES = ("oral", "transdermal", "subcutaneous", "intravenous", "rectal", "sublingual")

PLEXUS_LEVELS = ("upper", "lower")
LATERALITIES = ("left", "right", "bilateral")

# Where a stored value comes from (provenance.source), and how that is said on screen. A value the
# paper does not publish at all (listed under "What the paper does not publish") is unknown and
# claims no place in the paper: its cells are empty (refused otherwise at build).
NOT_PUBLISHED_SOURCE = "not_published"
SOURCE_LABELS = {
    "table1": "Table 1",
    "results_text": "Results / Methods text",
    "case_narrative": "case narrative",
    "derived": "derived by PlexRT",
    "reconstructed": "reconstructed by PlexRT",
    "reference": "reference table",
    "imported": "imported per-patient data",
    NOT_PUBLISHED_SOURCE: "not published",
}
PROVENANCE_SOURCES = tuple(SOURCE_LABELS)


def label(code: object, labels: dict[str, str]) -> str:
    """The display word for a code; an unknown code is shown as itself (never hidden)."""
    return labels.get(str(code), str(code).replace("_", " "))


# What a published Kaplan-Meier curve shows (plexrt.data.curve_schema): time to which event.
CURVE_OUTCOMES = {
    "overall_survival": "overall survival",
    "duration_of_relief": "duration of pain relief",
    "progression_free_survival": "progression-free survival",
    "local_control": "local control",
    "other": "other (see notes)",
}
# Units of a published time axis (their length in days: plexrt.stats.timescale.AXIS_UNITS).
CURVE_TIME_UNITS = ("days", "weeks", "months", "years")
