"""What `make bench` times. Add a page here when you add it to app.py."""

from __future__ import annotations

PAGE_CASES = [
    ("Cohort", "pages/cohort.py", {}),
    (
        "Cohort, filtered (psoas, palliative)",
        "pages/cohort.py",
        {"muscle": "psoas", "intent": "palliative"},
    ),
    ("Pain response (paper definition)", "pages/pain.py", {}),
    ("Pain response (ICPRE range, 13,860 allocations)", "pages/pain.py", {"resp": "icpre"}),
    ("Time to event (with 200-reconstruction envelope)", "pages/time_to_event.py", {}),
    ("Time to event, grouped by muscle", "pages/time_to_event.py", {"by": "involved_muscle"}),
    ("Literature comparison", "pages/literature.py", {}),
    ("Data & provenance", "pages/data.py", {}),
    ("Tumour board (case form + export panel)", "pages/board.py", {}),
    ("Tumour board, presentation slide 5 (KM)", "pages/board.py", {"present": "1", "slide": "5"}),
]


def FUNCTION_CASES():  # noqa: N802 -- a table, not a function name
    import os

    from plexrt import reconstruct
    from plexrt.board.summary import BoardInput, cohort_text, key_figures, source_line
    from plexrt.clinical import definitions, response_summary
    from plexrt.clinical.series_medians import series_medians
    from plexrt.data import store
    from plexrt.data.filters import CohortFilter
    from plexrt.export import images
    from plexrt.export.board_pack import board_pack
    from plexrt.export.report import Section, html_report
    from plexrt.export.slides import report_tables, slides
    from plexrt.ingest.ensemble import reconstruction_draws

    con = store.connect(os.environ["PLEXRT_DB"])
    flt = CohortFilter(muscles=("psoas",), intents=("palliative",))
    sites = store.cohort(con)
    patients = sites.drop_duplicates("patient_id")[["patient_id", "age", "sex", "primary_cancer"]]
    cons = [
        reconstruct.constraint_from_record(r) for r in store.published_times(con).to_dict("records")
    ]
    agg = response_summary.Aggregate(2, 6, 4)
    inp = BoardInput(
        sites=sites,
        all_sites=sites,
        events=store.events(con),
        course_events=store.course_events(con),
        literature=store.literature(con),
        filter_text="all sites",
        definition=definitions.Definition("paper"),
        aggregate=agg,
        source=source_line(store.series(con).iloc[0]),
    )
    board_slides = slides(inp)
    draws = reconstruction_draws(con, 200)

    def pack():
        return board_pack(
            "PlexRT",
            cohort_text(inp),
            inp.source,
            "today",
            [(s.title, s.fig) for s in board_slides],
            key_figures(inp),
        )

    def report():
        sec = Section("All", [(s.title, s.fig) for s in board_slides], report_tables(inp))
        return html_report("PlexRT", "all sites", inp.source, [sec], [])

    from plexrt.stats.survival import logrank

    # Twelve subjects, as in the bundled series (was a wall-clock assertion in the unit tests).
    km_t = [2.1, 3.5, 5.0, 5.0, 7.2, 9.9, 12.4, 15.0, 18.3, 21.7, 30.2, 41.0]
    km_e = [1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 0]
    cases = [
        ("stats.kaplan_meier, 12 subjects, 50 calls", _km_twelve_subjects()),
        ("stats.logrank (12 subjects, 2 groups)", lambda: logrank(km_t, km_e, [0, 1] * 6)),
        ("store.cohort (filtered query)", lambda: store.cohort(con, flt)),
        ("store.provenance (all rows)", lambda: store.provenance(con)),
        (
            "reconstruct.reconstruct (one draw)",
            lambda: reconstruct.reconstruct(sites, patients, cons),
        ),
        (
            "reconstruct.ensemble (200 draws)",
            lambda: reconstruct.ensemble(sites, patients, cons, n=200),
        ),
        (
            "response_summary.summarise ICPRE bounds (12 sites)",
            lambda: response_summary.summarise(
                sites, definitions.Definition("icpre"), "exact", sites, agg
            ),
        ),
        (
            "tte_estimates.series_medians (pooled over 200 reconstructions)",
            lambda: series_medians(inp.events, inp.patient_ids, draws),
        ),
        ("export.slides.slides (9 figures, presentation size)", lambda: slides(inp)),
        ("export.report.html_report (all figures + tables)", report),
    ]
    if images.browser_available():
        cases.append(
            (f"export.board_pack.board_pack ({len(board_slides)} charts, one Chromium)", pack)
        )
    return cases


def _km_twelve_subjects():
    """50 Kaplan-Meier fits on 12 subjects (one PlexRT cohort). Was a test asserting < 1 ms per fit
    (tests/unit/test_survival.py); the median here / 50 is the time of one fit."""
    import numpy as np

    from plexrt.stats.survival import kaplan_meier

    rng = np.random.default_rng(3)
    t = rng.exponential(10, 12).round(1)
    e = (rng.random(12) < 0.7).astype(int)

    def fifty():
        for _ in range(50):
            kaplan_meier(t, e)

    return fifty
