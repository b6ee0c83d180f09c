"""Small shared pieces of page layout: footnotes, figure display, safe error display."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from plexrt.clinical import cohort_summary
from plexrt.data.filters import CohortFilter
from plexrt.data.values import NOT_AVAILABLE

PLOTLY_CONFIG = {"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2}}


def proportion_metric(container, label: str, prop, help: str | None = None, unit: str = "sites"):
    """A big percentage with 'k/n · 95% CI' under it; 'not available' when n = 0."""
    if prop is None:
        container.metric(label, NOT_AVAILABLE, help=help)
        return
    container.metric(
        label, prop.pct(), delta=prop.detail(unit), delta_color="off", delta_arrow="off", help=help
    )


def table_height(n_rows: int) -> int:
    """Pixel height that shows every row (no inner scroll: the whole table is on the projector)."""
    return 38 + 35 * max(n_rows, 1)


def footnote(*lines: str) -> None:
    """Cohort and method under a chart or table, in small type."""
    st.caption("  \n".join(line for line in lines if line))


def cohort_line(flt: CohortFilter, df: pd.DataFrame) -> str:
    """'Cohort: n = 12 sites, 11 patients · all sites' for the filtered sites ``df``."""
    return f"Cohort: {cohort_summary.cohort_text(df, flt.describe())}"


def chart(fig, key: str) -> None:
    st.plotly_chart(fig, key=key, config=PLOTLY_CONFIG)


def empty_cohort() -> bool:
    """Show a plain message and return True when the filter leaves no site."""
    st.info("No site matches the current filters. Widen them or press **Reset filters** above.")
    return True


def page_choice(param: str, label: str, options: dict, default, *, container=None, **kw):
    """A selectbox whose value lives in the URL (?param=key); a bad value falls back with a notice."""
    import streamlit as st

    container = container or st
    key = f"pp_{param}"
    if key not in st.session_state:
        raw = st.query_params.get(param)
        if raw is not None and raw not in options:
            note = (
                f"Ignored URL parameter {param}={str(raw)[:30]!r}: expected one of "
                f"{', '.join(map(str, options))}."
            )
            st.session_state.setdefault("url_notices", []).append(note)
            st.warning(note, icon=":material/warning:")
            raw = None
        st.session_state[key] = raw if raw is not None else default
    value = container.selectbox(label, list(options), format_func=options.get, key=key, **kw)
    if value == default:
        if param in st.query_params:
            del st.query_params[param]
    elif st.query_params.get(param) != value:
        st.query_params[param] = value
    return value


def scenario_table(bounds):
    """Best- and worst-case allocations of the aggregate analgesic changes, one row per site."""
    rows = []
    for cid in bounds.best_case.categories:
        rows.append(
            {
                "Site": cid,
                "Best case: analgesic change": bounds.best_case.labels.get(cid),
                "Best case: ICPRE": bounds.best_case.categories.get(cid),
                "Worst case: analgesic change": bounds.worst_case.labels.get(cid),
                "Worst case: ICPRE": bounds.worst_case.categories.get(cid),
                "Possible from the pain score alone": ", ".join(
                    sorted(bounds.possible.get(cid, ()))
                ),
            }
        )
    return pd.DataFrame(rows)


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def plain(text: str) -> str:
    """User or identity-provider text shown inside Markdown, as text (every Markdown character
    backslash-escaped, so it can neither format nor link)."""
    return _MARKDOWN.sub(r"\\\1", text)
