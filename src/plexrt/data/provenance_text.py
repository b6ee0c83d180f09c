"""Words for provenance: source labels and what the paper leaves unpublished."""

SOURCE_LABELS = {
    "table1": "Table 1",
    "results_text": "Results / Methods text",
    "case_narrative": "case narrative",
    "derived": "derived by PlexRT",
    "reconstructed": "reconstructed by PlexRT",
    "reference": "reference table",
    "imported": "imported per-patient data",
}

NOT_PUBLISHED = (
    "**No per-patient times.** Dates of RT, of maximum response, of relapse, of death and of last "
    "contact are not given; only aggregates are (8 deaths by March 2021, mean 125 days from RT "
    "completion to death, range 31–260; mean follow-up 215 days, range 31–675; relief in 7 "
    "patients mean 205 days, range 70–481; two relapses). Any time-to-event curve of this series "
    "rests on reconstructed times and is labelled so.",
    "**No per-site analgesics after RT.** Only the aggregate is reported (dose reduced for 2, "
    "unchanged for 6, increased for 4); ICPRE categories can therefore only be bounded.",
    "**No route of administration** for any analgesic; oral morphine equivalents assume oral dosing.",
    "**No NRS between completion and maximum response** except the week of maximum response; the "
    "score at maximum response itself is not tabulated.",
    "**No neurological level** of plexopathy per patient (stated as a limitation); PlexRT derives "
    "upper/lower from the involved muscle and flags it.",
    "**No per-patient toxicity** except that the one case of frequent urination had ureteral cancer; "
    "the four patients with grade 1 diarrhoea are not named.",
    "**No performance status, target volumes or imaging response** per site.",
)


def source_counts(provenance) -> list[tuple[str, int]]:
    """[(source in words, number of stored values)] in SOURCE_LABELS order, zeros left out."""
    counts = provenance["source"].value_counts()
    return [(label, int(counts[k])) for k, label in SOURCE_LABELS.items() if counts.get(k, 0)]
