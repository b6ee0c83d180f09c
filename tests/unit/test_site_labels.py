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
