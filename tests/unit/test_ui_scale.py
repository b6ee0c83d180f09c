"""The exclude list's site labels, built once over whole columns."""

from __future__ import annotations

import pandas as pd

from plexrt.ui.sidebar import site_labels


def test_site_labels_name_site_patient_cancer_and_muscle():
    sites = pd.DataFrame(
        {
            "course_id": ["1.1", "10.2"],
            "patient_id": ["1", "10"],
            "primary_cancer": ["Ovarian cancer", None],
            "involved_muscle": ["psoas", "piriformis"],
        }
    )
    assert site_labels(sites) == {
        "1.1": "1.1 · pt 1, ovarian cancer, psoas",
        "10.2": "10.2 · pt 10, not stated, piriformis",
    }


def test_page_bounds_cover_every_row_once():
    from plexrt.ui.tables import page_bounds

    assert page_bounds(0, 1, 500) == (0, 0, 1)
    assert page_bounds(1200, 1, 500) == (0, 500, 3)
    assert page_bounds(1200, 3, 500) == (1000, 1200, 3)
    assert page_bounds(1200, 9, 500) == (1000, 1200, 3)  # past the end: the last page
    assert page_bounds(1200, 0, 500) == (0, 500, 3)
    covered = [i for p in range(1, 4) for i in range(*page_bounds(1200, p, 500)[:2])]
    assert covered == list(range(1200))
