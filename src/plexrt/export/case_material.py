"""The patient at the board as every view and export states it: the screen, the HTML report, the
PPTX pack and the printed handout all take their words, tables and figures from ``CaseMaterial``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from plexrt.board.benchmarks import benchmark_note, literature_benchmark
from plexrt.board.case import Case
from plexrt.board.position import case_facts, case_position
from plexrt.board.similarity import MAX_SCORE, SCORE_NOTE, most_similar, shown_outcomes
from plexrt.charts import board as marks
from plexrt.charts.dose import dose_response_figure
from plexrt.charts.tables import benchmark_table, similar_table
from plexrt.charts.waterfall import waterfall_figure
from plexrt.clinical import pain_views
from plexrt.clinical.cohort_summary import sites_patients
from plexrt.clinical.definitions import Definition
from plexrt.clinical.dose import DEFAULT_ALPHA_BETA
from plexrt.export.report import Section

#: How many similar patients the board lists.
N_MATCHES = 5
MATCH_LABEL = "most similar to this patient"


@dataclass(frozen=True)
class CaseMaterial:
    """What the board says about one patient; tables are ready to show (headers in words)."""

    facts: list[tuple[str, str]]  # the case's inputs, in words
    position: list[str]  # where its baseline NRS and EQD2 sit among the searched sites
    cohort_line: str  # 'Cohort: n = 12 sites, 11 patients · all sites searched'
    matches: pd.DataFrame  # one row per patient at the best-matching site
    match_notes: list[str]  # what a left-out column would have said, and the score's method
    benchmark: pd.DataFrame  # published series of the same population (may be empty)
    benchmark_note: str
    figures: list[tuple[str, go.Figure]] = field(default_factory=list)
    matched_sites: list[str] = field(default_factory=list)  # course ids, best match first


def case_material(
    case: Case,
    sites: pd.DataFrame,
    definition: Definition,
    events: pd.DataFrame | None,
    literature: pd.DataFrame,
    searched: str,
    *,
    present: bool = False,
) -> CaseMaterial:
    """The case against ``sites`` (the sites the matcher searched; ``searched`` says which, e.g.
    'all sites' or the filter in words): its inputs, its position, the ``N_MATCHES`` most similar
    patients, the published benchmark, and the waterfall and dose figures with the case marked.
    Raises ValueError for an invalid case or frames without their columns."""
    pos = case_position(case, sites)
    top = most_similar(case, sites, events, k=N_MATCHES)
    outcomes, left_out = shown_outcomes(top)
    table = similar_table(top, outcomes).rename(columns={"Score": f"Score (of {MAX_SCORE})"})
    bench = literature_benchmark(case, literature)
    n_patients = sites["patient_id"].nunique()
    line = f"Cohort: n = {sites_patients(len(sites), n_patients)} · {searched}"
    matched = [str(c) for c in top["course_id"]]
    return CaseMaterial(
        facts=case_facts(case),
        position=[pos["nrs_text"], pos["eqd2_text"]],
        cohort_line=line,
        matches=table,
        match_notes=[*left_out, SCORE_NOTE],
        benchmark=benchmark_table(bench) if len(bench) else pd.DataFrame(),
        benchmark_note=str(bench.attrs.get("note") or benchmark_note(case.involved_muscle)),
        figures=_figures(sites, definition, line, matched, pos["eqd2_10_gy"], case, present),
        matched_sites=matched,
    )


def _figures(
    sites: pd.DataFrame,
    definition: Definition,
    line: str,
    matched: list[str],
    eqd2_gy: float,
    case: Case,
    present: bool,
) -> list[tuple[str, go.Figure]]:
    """The waterfall with the matched sites marked, the dose view with the planned EQD2."""
    water = waterfall_figure(
        pain_views.waterfall_data(sites, definition),
        definition,
        footnote=f"{line}<br>{definition.label}<br>▼ = the {len(matched)} best-matching sites",
        present=present,
    )
    marks.highlight_sites(water, matched, MATCH_LABEL, present=present)
    dose = dose_response_figure(
        pain_views.dose_response(sites, DEFAULT_ALPHA_BETA),
        footnote=f"{line}<br>Dashed line: the planned regimen of this patient",
        present=present,
    )
    marks.mark_eqd2(dose, eqd2_gy, f"this patient: {case.regimen}", present=present)
    return [
        ("Change in pain per site, best-matching sites marked", water),
        ("Dose (EQD2, α/β 10 Gy) and change in pain, this patient's plan marked", dose),
    ]


def facts_table(material: CaseMaterial) -> pd.DataFrame:
    """The case's inputs as a two-column table (Item, Value)."""
    return pd.DataFrame(material.facts, columns=["Item", "Value"])


def case_section(material: CaseMaterial) -> Section:
    """The HTML report's section on the patient at the board."""
    tables = [
        ("The patient", facts_table(material)),
        (
            "Most similar patients (one row per patient, at the best-matching site)",
            material.matches,
        ),
    ]
    if not material.benchmark.empty:
        tables.append(("Published series of the same population", material.benchmark))
    return Section(
        "The patient at the board",
        material.figures,
        tables,
        [material.cohort_line, *material.position, *material.match_notes, material.benchmark_note],
    )
