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
    from plexrt.board.summary import BoardInput, source_line
    from plexrt.clinical import definitions, response_summary
    from plexrt.clinical.series_medians import series_medians
    from plexrt.data import store
    from plexrt.data.filters import CohortFilter
    from plexrt.export import images
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

    def report():
        sec = Section("All", [(s.title, s.fig) for s in board_slides], report_tables(inp))
        return html_report("PlexRT", "all sites", inp.source, [sec], [])

    from plexrt.stats.survival import logrank

    curve = _example_curve()

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
        ("stats.guyot.reconstruct (example curve: 250 points, 60 patients)", curve),
        (
            "tte_estimates.series_medians (pooled over 200 reconstructions)",
            lambda: series_medians(inp.events, inp.patient_ids, draws),
        ),
        ("export.slides.slides (9 figures, presentation size)", lambda: slides(inp)),
        ("export.report.html_report (all figures + tables)", report),
    ]
    cases.append(_own_import_case(10_000))
    if images.browser_available():
        cases += _export_cases(inp, board_slides)
    return cases


# Cold and warm exports run fewer times: a cold one starts Chromium each time.
EXPORT_RUNS = 3


def _export_cases(inp, board_slides):
    """What a user waits for after clicking export: one PNG and the whole pack, cold (Chromium
    started for it, nothing cached), warm (the shared browser running, the cache emptied) and
    again (the same charts, from the cache); first the way it was done before the shared
    renderer (a browser per export, one tab, no cache)."""
    from plexrt.board.case import make_case
    from plexrt.board.summary import cohort_text, key_figures
    from plexrt.export import images, rendering
    from plexrt.export.board_pack import IMAGE_H_PX, IMAGE_W_PX, board_pack, pack_picture
    from plexrt.export.case_material import case_material
    from plexrt.export.slides import pack_heading

    # The patient of site 10.1 (Table 1): gastric cancer, psoas, palliative, NRS 8, 39 Gy/13.
    like_10_1 = make_case(
        primary_cancer="Gastric cancer",
        involved_muscle="psoas",
        nrs_before=8,
        intent="palliative",
        dose_gy=39,
        fractions=13,
    )
    km = images.stamp(next(s.fig for s in board_slides if s.key == "km_survival"), inp.source)
    case = case_material(
        like_10_1, inp.all_sites, inp.definition, inp.events, inp.literature, "all", present=True
    )
    charts = [(pack_heading(s), s.fig) for s in board_slides]
    n = len(charts) + len(case.figures)

    def png():
        return images.figure_png(km)

    def pack():
        return board_pack(
            "PlexRT", cohort_text(inp), inp.source, "today", charts, key_figures(inp), case
        )

    def cold(fn):
        def run():
            rendering.close()
            rendering.clear_cache()
            return fn()

        return run

    def warm(fn):
        def run():
            rendering.clear_cache()
            return fn()

        return run

    def png_before():
        with images.Renderer() as r:
            return r.png(km)

    def pack_pictures_before():
        with images.Renderer() as r:
            return [
                r.png(pack_picture(f, inp.source), IMAGE_W_PX, IMAGE_H_PX)
                for _, f in [*case.figures, *charts]
            ]

    return [
        ("export: one PNG, before (a browser started for it)", png_before, EXPORT_RUNS),
        ("export: one PNG, cold (shared browser started, empty cache)", cold(png), EXPORT_RUNS),
        ("export: one PNG, warm (shared browser running, cache emptied)", warm(png), EXPORT_RUNS),
        ("export: one PNG, same chart again (cache)", png, EXPORT_RUNS),
        (
            f"export: pack pictures, before (one browser, one tab, {n} charts)",
            pack_pictures_before,
            EXPORT_RUNS,
        ),
        (f"export: whole pack, cold ({n} charts + case tables)", cold(pack), EXPORT_RUNS),
        (
            "export: whole pack, warm (shared browser running, cache emptied)",
            warm(pack),
            EXPORT_RUNS,
        ),
        ("export: whole pack, same charts again (cache)", pack, EXPORT_RUNS),
    ]


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


def _example_curve():
    """The synthetic published-style curve of tests/fixtures/curve_example, reconstructed."""
    from pathlib import Path

    from plexrt.data.curve_files import load_points, load_risk_table
    from plexrt.stats.guyot import reconstruct

    folder = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "curve_example"
    points = load_points(folder / "points.csv")
    risk = load_risk_table(folder / "risk.csv")
    return lambda: reconstruct(
        points.time, points.survival, risk.time, risk.at_risk, total_events=41
    )


def _own_import_case(n: int):
    """Own-series import (read, check, de-identify, build, diff) of ``n`` synthetic courses and
    their assessments, as `plexrt synth` writes them. bench/own_import_scale.py gives 1k/10k/100k
    with peak memory and the DuckDB read_csv floor."""
    import tempfile
    from pathlib import Path

    from plexrt.ingest.own_import import prepare_import
    from plexrt.ingest.synth import write_registry

    folder = tempfile.TemporaryDirectory(prefix="plexrt-bench-", ignore_cleanup_errors=True)
    courses, assessments = write_registry(Path(folder.name), n)
    # The folder is held by the closure, so it is removed once the case has been timed.
    return (
        f"ingest.own_import.prepare_import ({n:,} synthetic courses + assessments)",
        lambda folder=folder: prepare_import(courses, assessments),
    )
