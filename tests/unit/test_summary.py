"""What the board states about the cohort (plexrt.board.summary): data-source line from the series
table, header, relapse curves, key figures."""

from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd

from plexrt.board.summary import (
    header_line,
    key_figures,
    relapse_curves,
    source_line,
    sources_line,
)
from plexrt.data import store


def test_source_line_comes_from_the_series_table(con):
    # data/sanuki2022/series.csv: short_name "Sanuki 2022", doi 10.7759/cureus.20939, CC-BY 4.0
    row = store.series(con).iloc[0]
    assert source_line(row) == "Data: Sanuki 2022, doi:10.7759/cureus.20939 (CC-BY 4.0), via PlexRT"
    # a department's own series without doi or licence: nothing invented
    own = {"short_name": "Our department 2026", "doi": None, "licence": math.nan}
    assert source_line(own) == "Data: Our department 2026, via PlexRT"
    assert source_line(pd.Series({"short_name": "X", "doi": "", "licence": "CC0"})) == (
        "Data: X (CC0), via PlexRT"
    )


def test_a_registry_of_several_series_is_named_whole_not_by_its_first_centre():
    one = pd.DataFrame({"short_name": ["Sanuki 2022"], "doi": ["10.7759/x"], "licence": [None]})
    assert sources_line(one) == "Data: Sanuki 2022, doi:10.7759/x, via PlexRT"
    four = pd.DataFrame({"short_name": [f"centre {i}" for i in range(1, 5)], "doi": [None] * 4})
    assert sources_line(four) == "Data: centre 1; centre 2; centre 3 and 1 more series, via PlexRT"
    assert sources_line(four.head(2)) == "Data: centre 1; centre 2, via PlexRT"
    five = pd.concat([four, four.head(1)])
    assert sources_line(five).endswith("centre 3 and 2 more series, via PlexRT")
    assert sources_line(four.head(0)) == "Data: no series recorded, via PlexRT"


def test_header_line_says_what_is_reconstructed(inp):
    assert header_line(inp) == (
        "Cohort: n = 12 sites, 11 patients · all sites · "
        "Data: Sanuki 2022, doi:10.7759/cureus.20939 (CC-BY 4.0), via PlexRT · "
        "Time-to-event figures rest on reconstructed times (not published per patient)."
    )


def test_key_figures(inp):
    rows = dict(key_figures(inp))
    # 12/12 responders, exact lower limit 0.025 ** (1/12) = 73.5%; 9/12 complete, 42.8-94.5%
    # per site and, as patient 1 has two sites, per patient (11/11: 0.025^(1/11) = 71.5%)
    assert rows["Responders"] == (
        "100% of treated sites (12/12; 95% CI 74–100%) · 100% of treated patients (11/11; 95% CI 72–100%)"
    )
    assert rows["Complete response"].startswith("75% of treated sites (9/12; 95% CI 43–95%) · ")
    assert rows["Weeks to maximum response"] == "mean 3.2 weeks (range 1–12), n = 12 sites"
    # said once (it was said twice: in the interval's words and as a flag after it)
    assert rows["Median survival after RT"].count("reconstructed times") == 1
    # one site: "n = 1 site", not "n = 1 sites" (in the key figures of the report, pack and CSV)
    one = dict(key_figures(replace(inp, sites=inp.sites.iloc[:1])))
    assert one["Weeks to maximum response"] == "mean 3.0 weeks (range 3–3), n = 1 site"


def test_relapse_curves(inp):
    relapse = relapse_curves(inp)
    assert relapse is not None
    # Sanuki 2022, Results para 2: "Of the nine patients for whom the duration of effect could be
    # assessed ... two patients (rectal cancer and urachal cancer) experienced a relapse of pain"
    assert relapse.n_patients == 9
    assert (relapse.cif.n, relapse.cif.n_events) == (9, 2)
    # the other seven: death before relapse competes, alive without relapse is censored
    dead = inp.events["assessable_for_relief"] & ~inp.events["relapse"] & inp.events["death"]
    assert relapse.cif.n_competing == int(dead.sum())
    # 1 - KM (death censored) is drawn over the same follow-up of the same patients
    assert relapse.one_minus_km["time"].max() == relapse.cif.table["time"].max()
    none = replace(inp, events=inp.events.iloc[0:0])
    assert relapse_curves(none) is None
