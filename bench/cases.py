"""What `make bench` times. Add a page here when you add it to app.py."""

from __future__ import annotations

PAGE_CASES = [
    ("Cohort", "pages/cohort.py", {}),
    (
        "Cohort, filtered (psoas, palliative)",
        "pages/cohort.py",
        {"muscle": "psoas", "intent": "palliative"},
    ),
    ("Data & provenance", "pages/data.py", {}),
]


def FUNCTION_CASES():  # noqa: N802 -- a table, not a function name
    import os

    from plexrt import store
    from plexrt.filters import CohortFilter

    con = store.connect(os.environ["PLEXRT_DB"])
    flt = CohortFilter(muscles=("psoas",), intents=("palliative",))
    return [
        ("store.cohort (filtered query)", lambda: store.cohort(con, flt)),
        ("store.provenance (all rows)", lambda: store.provenance(con)),
    ]
