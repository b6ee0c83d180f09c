"""A response rate that cannot be given says why, in the same words on every surface: the board's
key figures (PPTX pack, handout, HTML report), `plexrt summary` and the Literature table."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from plexrt.board.summary import key_figures
from plexrt.clinical import literature_comparison as cmp
from plexrt.clinical.definitions import Definition
from plexrt.clinical.series_summary import series_summary
from plexrt.data import store

NO_SCORES = "not assessable (no site has an NRS both before and after RT)"


def test_no_site_with_both_pain_scores_says_so_in_the_key_figures(con, inp):
    # A department's series with no NRS recorded: the Literature table said 'not assessable (no
    # site has an NRS both before and after RT)', while the board's key figures (pack, handout,
    # report) and `plexrt summary` said a bare 'not available' for both rates.
    sites = store.cohort(con).assign(nrs_before=pd.NA, nrs_after=pd.NA)
    board = dict(key_figures(replace(inp, sites=sites, all_sites=sites)))
    assert (board["Responders"], board["Complete response"]) == (NO_SCORES, NO_SCORES)
    summary = series_summary("S", sites, store.events(con).iloc[:0])["response"]
    assert (summary["responders_text"], summary["complete_text"]) == (NO_SCORES, NO_SCORES)
    rec = cmp.plexrt_series(sites, Definition("paper"))
    assert rec["_display"]["responders"] == NO_SCORES


def test_icpre_without_the_dose_after_rt_says_why(con, inp):
    # ICPRE on sites without the opioid dose after RT and no published aggregate to bound them
    # (an own series): the key figures said a bare 'not available'.
    sites = store.cohort(con)
    own = replace(inp, sites=sites, all_sites=sites, definition=Definition("icpre"), aggregate=None)
    rows = dict(key_figures(own))
    assert rows["Responders"].startswith("not available (")
    assert "after RT" in rows["Responders"]
