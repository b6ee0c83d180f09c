"""Compare mode's HTML report: titled and sourced from the two series, their text escaped."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from plexrt.export.compare_report import comparison_report
from plexrt.export.report import Section

PUBLISHED = pd.DataFrame(
    {"short_name": ["Sanuki 2022"], "doi": ["10.7759/cureus.20939"], "licence": ["CC-BY 4.0"]}
)


def test_the_report_names_both_series_and_escapes_an_own_name():
    own = "Ours <script>alert(1)</script> (own series)"
    sections = [Section("Response rates", tables=[("Rates", pd.DataFrame({"Series": [own]}))])]
    page = comparison_report(own, PUBLISHED, sections, generated_at=datetime(2026, 12, 5, 9, 30))
    esc = "Ours &lt;script&gt;alert(1)&lt;/script&gt; (own series)"
    assert f"<h1>PlexRT comparison · {esc} and Sanuki 2022</h1>" in page
    assert "<dt>Generated</dt><dd>2026-12-05 09:30</dd>" in page
    assert (
        "<dd>Each series is shown whole; the cohort filters do not apply in compare mode.</dd>"
        in page
    )
    assert (
        f"<dd>{esc}: imported into PlexRT. Data: Sanuki 2022, doi:10.7759/cureus.20939 "
        "(CC-BY 4.0), via PlexRT.</dd>" in page
    )
    assert "<script>alert" not in page
    assert "<h2>Response rates</h2>" in page and f"<td>{esc}</td>" in page
