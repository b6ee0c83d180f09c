"""Time to event: survival after RT and duration of pain relief (on reconstructed times for the
bundled series, on real times for an imported one)."""

import streamlit as st

from plexrt.charts.cif import cif_figure
from plexrt.charts.km import km_figure
from plexrt.clinical import endpoint_notes as notes
from plexrt.clinical import endpoints as tte
from plexrt.clinical import tte_estimates as te
from plexrt.clinical import tte_rates
from plexrt.reconstruct.ensemble import ENSEMBLE_SIZE
from plexrt.stats import timescale
from plexrt.ui import db, ensemble_job, large_charts, pooled_estimates, shell, sidebar, widgets
from plexrt.ui.safe_text import md
from plexrt.ui.series_state import PatientIds
from plexrt.ui.tables import dataframe

shell.require()

events = db.events()
reconstructed = db.times_reconstructed()
st.title("Time to event" + (" (reconstructed times)" if reconstructed else ""))
flt = sidebar.current_filter()
df = db.cohort(flt)
if df.empty:
    widgets.empty_cohort()
    st.stop()
if events.empty:
    st.info(
        "This series has no time-to-event data (no per-patient times and no published aggregates)."
    )
    st.stop()
pids = PatientIds(tte.cohort_patients(df))
words = db.words()
if words.note:
    st.caption(words.note)
if reconstructed:
    st.warning(
        "**These curves rest on reconstructed times.** The paper publishes no per-patient dates, "
        "only aggregates (deaths, means and ranges, two relapses, case narratives). PlexRT generates "
        "individual times that satisfy every published figure it keeps (statements that contradict "
        "each other are dropped or relaxed: see *Constraints & conflicts* below). The curve drawn is "
        f"one such reconstruction; the grey band shows how much the curve moves over {ENSEMBLE_SIZE} "
        f"of them, and medians, rates and tests are pooled over all {ENSEMBLE_SIZE}.",
        icon=":material/warning:",
    )

if reconstructed and not ensemble_job.ready(db.connection()):
    st.stop()

# Three choices on one row, wide enough for their longest option; the two toggles under them.
c1, c2, c3 = st.columns([2, 2, 3])
unit = widgets.page_choice(
    "unit", "Time unit", {u: u for u in timescale.UNITS}, "months", container=c1
)
group = widgets.page_choice("by", "Group by", tte.GROUPS, "none", container=c2)
t0 = widgets.page_choice("t0", "Survival time zero", words.time_zero, "completion", container=c3)
c4, c5 = st.columns(2)
band = c4.toggle("95% CI band", value=True, key="tte_band")
with c5:
    # (offered only on reconstructed times: real times have no reconstruction to spread)
    show_env = reconstructed and st.toggle(
        "Reconstruction envelope (5–95%)", value=True, key="tte_env"
    )
groups = None if group == "none" else tte.patient_groups(db.all_sites(), group)
lit = db.literature_bundled()
cohort_line = widgets.cohort_line(flt, df)
source = db.series_name()


def km_section(endpoint: str, refs: list, key: str) -> None:
    data = tte.endpoint_data(events, pids, endpoint, t0)
    if data.empty:
        st.info("No patient in the current cohort can be assessed for this endpoint.")
        return
    ests = pooled_estimates.median_estimates(pids, endpoint, t0, group)
    # the curve drawn, its legend median where it crosses 0.5 (pooled medians: under the chart)
    cs = list(tte.curves(data, groups))
    pooled = max((e.m for e in ests.values()), default=0)
    env = None
    if show_env and reconstructed and groups is None:
        env = pooled_estimates.envelope(pids, endpoint, t0, float(data["duration_days"].max()))
    what = tte.ENDPOINTS[endpoint]
    zero = notes.time_zero_text(endpoint, t0, words.source)
    fig = km_figure(
        cs,
        unit=unit,
        band=band,
        envelope=env,
        reference_lines=refs,
        reconstructed=reconstructed,
        title=notes.chart_title(endpoint, t0, source, reconstructed),
        x_title=f"{unit.capitalize()} from {zero}",
        y_title=notes.Y_TITLES[endpoint],
        footnote=f"{cohort_line} · {notes.km_footnote(data, cs[0][1].method_note)} "
        + (te.reconstruction_note(pooled) + " " if pooled else "")
        + timescale.unit_sentence(unit),
    )
    widgets.chart(fig, key)
    for label, est in ests.items():
        st.markdown(f"- {te.median_line(md(label), est, unit, what[0].lower() + what[1:])}")
    what_at = "Survival" if endpoint == "survival" else "Still relieved (no relapse)"
    dataframe(
        tte_rates.fixed_time_table(pooled_estimates.fixed_time_rates(pids, endpoint, t0), what_at),
        hide_index=True,
    )
    st.caption(
        f"Kaplan–Meier at fixed times from {zero}, {timescale.MONTH_NOTE}; "
        + ("pooled over the reconstructions as the medians are." if pooled else "95% CI log-log.")
    )
    if groups is not None:
        _group_test(data, endpoint)


def _group_test(data, endpoint: str) -> None:
    test = pooled_estimates.logrank_pooled(pids, endpoint, t0, group)
    if test is not None:
        sizes = tte.split_by_group(data, groups)
        st.markdown(
            f"Log-rank test: {test.text()} "
            f"({', '.join(f'{k} n = {len(v)}' for k, v in sizes.items() if len(v))})."
        )
        if reconstructed:
            st.warning(
                "**The published data cannot answer this comparison.** The paper does not say "
                "which patient had which time, and every reconstruction fits its figures equally "
                "well; the pooled p-value carries that uncertainty and the reconstructions' own "
                "p-values show how far it moves. Do not read a p-value here as evidence.",
                icon=":material/warning:",
            )
    small = tte.small_groups(tte.split_by_group(data, groups))
    if small:
        widgets.too_small(small, "by", "none", "curves and the test", endpoint)
    if show_env and reconstructed:
        st.caption("The reconstruction envelope is drawn for the ungrouped curve only.")


tab_s, tab_r, tab_c, tab_sw, tab_k = widgets.view_tabs(
    [
        "Survival after RT",
        "Duration of pain relief",
        "Relapse vs death",
        "Swimmer plot",
        "Constraints & conflicts",
    ],
    "tte_tab",
)
with tab_s:
    if widgets.shows(tab_s):
        km_section("survival", [], "km_survival")
with tab_r:
    if widgets.shows(tab_r):
        km_section("relief", notes.relief_reference_lines(lit), "km_relief")
        st.caption(
            f"{words.relief_caption} The Gerontopoulos 2020 line is their median as quoted in "
            f"Sanuki 2022 (their time zero is not stated), placed on the axis with "
            f"{timescale.MONTH_NOTE}."
        )
with tab_c:
    if widgets.shows(tab_c):
        risks = tte.relapse_competing_risks(events, pids)
        if risks is None:
            st.info("No assessable patient in the current cohort.")
        else:
            cif, omk = risks
            fig = cif_figure(
                cif,
                omk,
                unit=unit,
                band=band,
                reconstructed=reconstructed,
                event_name="relapse of pain",
                competing_name="death before relapse",
                title="Cumulative incidence of pain relapse (death competing)"
                + (" — reconstructed times" if reconstructed else ""),
                x_title=f"{unit.capitalize()} from maximum response",
                footnote=f"{cohort_line} · {notes.cif_footnote(cif)} {timescale.unit_sentence(unit)}",
            )
            widgets.chart(fig, "cif")
            dataframe(
                tte_rates.fixed_time_table(
                    pooled_estimates.relapse_incidence(pids), "Relapse (cumulative incidence)"
                ),
                hide_index=True,
            )
            st.markdown(
                "**Why the two lines differ:** 1 − Kaplan–Meier treats a patient who died without relapse "
                "as if they could still relapse later, so it overstates the chance of relapse; the "
                "cumulative incidence counts death as ending that chance."
            )
with tab_sw:
    if widgets.shows(tab_sw):
        large_charts.swimmer(
            tte.swimmer_patients(events, pids),
            tte.swimmer_sites(db.course_events(), pids),
            unit=unit,
            reconstructed=reconstructed,
            title="Each patient from the start of RT"
            + (" — reconstructed times" if reconstructed else ""),
            footnote=f"{cohort_line}<br>{words.swimmer_note} {timescale.unit_sentence(unit)}",
        )
with tab_k:
    if widgets.shows(tab_k):
        checks, conflicts = db.reconstruction_report()
        if checks.empty:
            st.info("This series has real per-patient times: no published constraint to check.")
        else:
            st.markdown(f"**Conflicts found by computation ({len(conflicts)}):**")
            st.caption(
                "Each published statement is named by a short code (as in the table below) and "
                "where the paper makes it."
            )
            for k in conflicts.itertuples():
                widgets.two_readings(
                    f"**{k.conflict_id}.** {k.description}",
                    f"**A:** {k.source_a}",
                    f"**B:** {k.source_b}",
                    k.dropped,
                )
            held, total = tte.checks_held(checks)
            st.markdown(
                f"**Published constraints and rules: {held} of {total} hold** in the stored "
                "default reconstruction (dropped ones are the conflicts above)."
            )
            dataframe(
                checks.drop(columns="series_id", errors="ignore"),
                hide_index=True,
                width="stretch",
                column_config={
                    "constraint_id": st.column_config.TextColumn(
                        "Code",
                        help="Short code of the published statement; the conflicts above name "
                        "statements by these codes.",
                    ),
                    "description": st.column_config.TextColumn("What is checked", width="large"),
                    "target": "Published",
                    "achieved": "In the reconstruction",
                    "holds": st.column_config.CheckboxColumn("Holds"),
                    "kept": st.column_config.CheckboxColumn("Kept"),
                    "status": "Status",
                },
            )
