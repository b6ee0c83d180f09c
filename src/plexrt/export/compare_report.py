"""Compare mode's offline HTML report: the own series beside the bundled one, as the page draws
them (the same figures, medians, test, rates and forest plots, in the unit and response
definition chosen)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import pandas as pd

from plexrt.board.summary import sources_line
from plexrt.clinical.series_compare import WHOLE_SERIES
from plexrt.clinical.series_words import bundled_name
from plexrt.export.report import Section, html_report


def comparison_report(
    own_label: str,
    bundled_series: pd.DataFrame,
    sections: Sequence[Section],
    *,
    generated_at: datetime | None = None,
) -> str:
    """The report of ``sections`` comparing the own series ``own_label`` ('Ours (own series)')
    with the bundled store's series (its ``series`` table names it and its source)."""
    bundled = bundled_name(bundled_series)
    return html_report(
        f"PlexRT comparison · {own_label} and {bundled}",
        WHOLE_SERIES,
        f"{own_label}: imported into PlexRT. {sources_line(bundled_series)}.",
        sections,
        [],
        generated_at=generated_at,
    )
