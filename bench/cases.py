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

    from plexrt import board, reconstruct
    from plexrt.charts.slides import report_tables
    from plexrt.charts.slides import slides as board_slides
    from plexrt.clinical import outcomes, response
    from plexrt.data import store
    from plexrt.data.filters import CohortFilter
    from plexrt.export import rendering as exports

    con = store.connect(os.environ["PLEXRT_DB"])
    flt = CohortFilter(muscles=("psoas",), intents=("palliative",))
    sites = store.cohort(con)
    patients = sites.drop_duplicates("patient_id")[["patient_id", "age", "sex", "primary_cancer"]]
    cons = [
        reconstruct.constraint_from_record(r) for r in store.published_times(con).to_dict("records")
    ]
    agg = outcomes.Aggregate(2, 6, 4)
    inp = board.BoardInput(
        sites=sites, all_sites=sites, events=store.events(con),
        course_events=store.course_events(con), literature=store.literature(con),
        filter_text="all sites", definition=response.Definition("paper"), aggregate=agg,
    )  # fmt: skip
    slides = board_slides(inp)

    def pack():
        return exports.board_pack(
            "PlexRT", board.cohort_text(inp), inp.source, "today",
            [(s.title, s.fig) for s in slides], board.key_figures(inp),
        )  # fmt: skip

    def report():
        sec = exports.Section("All", [(s.title, s.fig) for s in slides], report_tables(inp))
        return exports.html_report("PlexRT", "all sites", inp.source, [sec], [])

    cases = [
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
            "outcomes.summarise ICPRE bounds (12 sites)",
            lambda: outcomes.summarise(sites, response.Definition("icpre"), "exact", sites, agg),
        ),
        ("board.slides (9 figures, presentation size)", lambda: board_slides(inp)),
        ("exports.html_report (all figures + tables)", report),
    ]
    if exports.browser_available():
        cases.append((f"exports.board_pack ({len(slides)} charts, one Chromium)", pack))
    return cases
