"""The literature benchmark of the case (plexrt.board.benchmarks)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from plexrt.board.benchmarks import literature_benchmark
from plexrt.board.case import Case, make_case
from plexrt.data import store
from tests.unit.board_cases import GOOD, LIKE_10_1


@pytest.fixture(scope="module")
def like_10_1() -> Case:
    return LIKE_10_1


def test_literature_benchmark_psoas_on_bundled_literature(con, like_10_1):
    lit = store.literature(con)
    bench = literature_benchmark(like_10_1, lit)
    # data/literature.csv: the malignant psoas syndrome series are stevens1990, agar2004 and
    # gerontopoulos2020; no lumbosacral_plexopathy series is bundled.
    assert set(bench["series_key"]) == {"stevens1990", "agar2004", "gerontopoulos2020"}
    assert set(bench["population"]) == {"malignant_psoas_syndrome"}
    g = bench.set_index("series_key").loc["gerontopoulos2020"]
    # Sanuki 2022 Discussion: "All 18 patients achieved significant pain relief ... median duration
    # of pain relief was approximately 3.5 months at a median of 5.5 months of follow-up."
    assert (g["responders"], g["response_n"], g["responders_text"]) == (18, 18, "18/18 patients")
    assert g["median_relief_months"] == 3.5 and g["median_followup_months"] == 5.5
    # exact interval for 18/18: lower = (alpha/2)^(1/n) = 0.025^(1/18) = 0.8147, upper 1
    assert g["response_low"] == pytest.approx(0.025 ** (1 / 18), abs=1e-9)
    assert g["response_high"] == 1.0
    # not reported stays unknown, never 0
    assert pd.isna(g["median_survival_months"])
    assert pd.isna(g["n_sites"]) and pd.isna(g["complete_responders"])
    s = bench.set_index("series_key").loc["stevens1990"]
    assert pd.isna(s["responders"]) and math.isnan(s["response_rate"])
    assert s["responders_text"] == "not reported"
    # every carried figure is missing exactly where the literature table has it missing
    src = lit.set_index("series_key").loc[bench["series_key"]]
    for col in ("n_sites", "responders", "complete_responders", "median_survival_months"):
        assert bench[col].isna().tolist() == src[col].isna().tolist()
        assert not (bench[col].fillna(-1) == 0).any()


def _lit_row(key, population, **over):
    row = {
        "series_key": key,
        "citation": f"{key} citation",
        "year": 2020,
        "population": population,
        "n_patients": 10,
        "responders": np.nan,
        "median_relief_months": np.nan,
    }
    row.update(over)
    return row


def test_literature_benchmark_populations_and_piriformis_note():
    lit = pd.DataFrame(
        [
            _lit_row("lsp", "lumbosacral_plexopathy", year=2010, n_sites=12, responders=9),
            _lit_row("mps", "malignant_psoas_syndrome", year=2021),
            _lit_row("nonbone", "non_bone_painful_lesions"),
            _lit_row("cr", "case_report"),
        ]
    )
    psoas = make_case(
        primary_cancer=None,
        involved_muscle="psoas",
        nrs_before=8,
        intent="palliative",
        dose_gy=30,
        fractions=10,
    )
    piri = make_case(**{**GOOD, "involved_muscle": "piriformis"})
    # psoas: the syndrome-specific series first, then the broader plexopathy series
    assert literature_benchmark(psoas, lit)["series_key"].tolist() == ["mps", "lsp"]
    bench = literature_benchmark(piri, lit)
    assert bench["series_key"].tolist() == ["lsp"]
    # responders per site when n_sites is given: 9/12 sites
    assert bench.loc[0, "responders_text"] == "9/12 sites"
    assert bench.loc[0, "response_rate"] == pytest.approx(0.75)
    assert "No piriformis-specific series" in bench.attrs["note"]
    with pytest.raises(ValueError, match="literature_df is missing"):
        literature_benchmark(piri, lit.drop(columns="population"))
