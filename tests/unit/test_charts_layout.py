"""What every Pain response figure shares (plexrt.charts.layout): the page's footnote followed
by the figure's method sentence, and the larger presentation variant."""

from __future__ import annotations

import pandas as pd
import pytest

from plexrt.charts import style
from plexrt.data import store
from tests.unit.pain_cases import FOOT, PAPER, dose_response, paired, time_to_max, waterfall


@pytest.fixture(scope="module")
def df(con) -> pd.DataFrame:
    return store.cohort(con)


FIGURES = {
    "waterfall": lambda d, **kw: waterfall(d, PAPER, **kw),
    "waterfall_percent": lambda d, **kw: waterfall(d, PAPER, percent=True, **kw),
    "paired": paired,
    "time_to_max": time_to_max,
    "dose_response": dose_response,
}


@pytest.mark.parametrize("name", list(FIGURES))
def test_footnote_and_present_mode(df, name):
    normal = FIGURES[name](df, footnote=FOOT)
    big = FIGURES[name](df, footnote=FOOT, present=True)
    for fig in (normal, big):
        foot = style.footnote_text(fig)
        assert foot.startswith(FOOT + "<br>") and len(foot) > len(FOOT) + 20
    # style.font_sizes: base 15 -> 22, ticks 14 -> 20 with present=True.
    assert (normal.layout.font.size, big.layout.font.size) == (15, 22)
    assert big.layout.xaxis.tickfont.size > normal.layout.xaxis.tickfont.size
    assert big.layout.height > normal.layout.height
