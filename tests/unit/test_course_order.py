"""Sites in course order worked out once per cohort (``clinical.course_order``), the course-id
lists of the pain views never deep-copied, and the board's large waterfall slide drawn without
the bars' order."""

from __future__ import annotations

import copy

import pandas as pd
import pytest

from plexrt.charts import scale
from plexrt.charts.summaries import change_distribution_figure
from plexrt.clinical import course_order, large_views, pain_views
from plexrt.clinical.definitions import DEFINITIONS
from plexrt.data import values
from plexrt.export import large_slides, slides

# Course ids out of natural order on purpose: by hand, the natural order is
# 2.1, 2.2, 10.1, P9.1, P10.1 ('2' < '10' as numbers, digits before letters).
IDS = ["10.1", "2.2", "P10.1", "2.1", "P9.1"]
NATURAL = ["2.1", "2.2", "10.1", "P9.1", "P10.1"]


def _sites(ids=IDS):
    n = len(ids)
    return pd.DataFrame(
        {
            "course_id": ids,
            "patient_id": [i.split(".")[0] for i in ids],
            "nrs_before": [8, 6, 0, 7, 5][:n],
            "nrs_after": [2, 6, 0, None, 7][:n],
            "dose_gy": [30.0, 20.0, 8.0, 30.0, None][:n],
            "fractions": [10, 5, 1, 10, None][:n],
            "weeks_to_max_response": [4, None, 2, 6, 8][:n],
        }
    )


@pytest.fixture
def counted_keys(monkeypatch):
    """Counts the natural sort keys asked for (``plexrt.data.values._text_key``, behind both
    ``natural_key`` and ``natural_order``); the orders kept are cleared."""
    calls = []
    real = values._text_key

    def counting(text):
        calls.append(text)
        return real(text)

    monkeypatch.setattr(values, "_text_key", counting)
    monkeypatch.setattr(course_order, "_orders", [])
    return calls


def test_course_order_is_the_natural_order(counted_keys):
    d = course_order.in_course_order(_sites())
    assert d["course_id"].tolist() == NATURAL
    assert d.index.tolist() == list(range(5))
    # ties keep their order
    assert course_order.course_order(["b1", "a", "b01", "a"]).tolist() == [1, 3, 0, 2]


def test_the_four_pain_views_of_one_cohort_sort_it_once(counted_keys):
    """The board's four pain slides (and an export's) ask for the same cohort in course order:
    its keys are worked out once (5 ids: 5 keys), not once per view (20)."""
    sites = _sites()
    wf = pain_views.waterfall_data(sites, DEFINITIONS["paper"])
    paired = pain_views.paired_data(sites)
    ttm = pain_views.time_to_max(sites)
    dose = pain_views.dose_response(sites, 10.0)
    assert len(counted_keys) == 5
    # the same values in the same order as sorted by hand
    assert paired["course_id"].tolist() == ["2.2", "10.1", "P9.1", "P10.1"]  # 2.1: no NRS after
    assert ttm.sites["course_id"].tolist() == ["2.1", "10.1", "P9.1", "P10.1"]  # 2.2: no weeks
    assert dose.sites["course_id"].tolist() == ["2.2", "10.1", "P10.1"]  # P9.1: no dose
    # changes -6 (10.1), 0 (2.2, P10.1: course order), +2 (P9.1), none (2.1: last)
    assert wf["course_id"].tolist() == ["10.1", "2.2", "P10.1", "P9.1", "2.1"]
    assert list(wf.attrs["not_assessable"]) == ["2.1"]
    # a copy of the cohort (a rerun's cache gives a new frame) reuses the order
    pain_views.paired_data(sites.copy())
    assert len(counted_keys) == 5
    # another cohort is sorted afresh
    pain_views.paired_data(_sites(IDS[:4]))
    assert len(counted_keys) == 9


def test_a_changed_id_is_not_given_the_old_order(counted_keys):
    course_order.in_course_order(_sites())
    other = _sites(["10.1", "2.2", "P10.1", "2.1", "P1.1"])
    assert course_order.in_course_order(other)["course_id"].tolist() == [
        "2.1",
        "2.2",
        "10.1",
        "P1.1",
        "P10.1",
    ]


def test_the_course_id_lists_in_attrs_are_shared_not_deep_copied():
    """pandas deep-copies ``attrs`` after every operation on a frame: the pain views' lists of
    course ids (19,277 at 100,000 courses) are immutable and shared instead of copied."""
    wf = pain_views.waterfall_data(_sites(), DEFINITIONS["paper"], percent=True)
    paired = pain_views.paired_data(_sites())
    for frame, key, ids in (
        (wf, "undefined", ["P10.1"]),  # NRS 0 before RT
        (wf, "not_assessable", ["2.1"]),
        (paired, "not_assessable", ["2.1"]),
    ):
        held = frame.attrs[key]
        assert list(held) == ids
        assert copy.deepcopy(frame.attrs)[key] is held
        assert frame.sort_values("course_id").attrs[key] is held
        assert frame[frame["nrs_before"] > 0].attrs[key] is held
    # one patient's rows keep that patient's ids, still shared-safe
    one = large_views.one_patient(wf, "2")
    assert list(one.attrs["not_assessable"]) == ["2.1"] and list(one.attrs["undefined"]) == []
    assert copy.deepcopy(one.attrs)["not_assessable"] is one.attrs["not_assessable"]


def test_the_large_waterfall_slide_counts_without_ordering_the_bars(inp, counted_keys, monkeypatch):
    """Above SUMMARY_ABOVE sites the board's waterfall slide is the distribution of change: the
    sites are not put in course order (no sort key worked out), and the counts are those of the
    ordered waterfall's rows."""
    monkeypatch.setattr(scale, "SUMMARY_ABOVE", 3)
    slides.slide(inp, "waterfall")  # the bundled cohort's 12 sites
    assert counted_keys == []
    d = DEFINITIONS["paper"]
    fig = large_slides.waterfall_slide(_sites(), d, footnote="Cohort", present=True)
    assert counted_keys == []
    # by hand: 4 sites with a change (2.1 has no NRS after RT): -6, 0, 0, +2
    assert sum(sum(t.y) for t in fig.data) == 4
    # the same figure as drawn before from the ordered waterfall's rows
    note = scale.summary_note(5, "sites", "one bar per site", "")
    before = change_distribution_figure(
        large_views.change_distribution(pain_views.waterfall_data(_sites(), d)),
        x_title="Change in NRS (points, after − before)",
        footnote=f"Cohort<br>{note}",
        present=True,
    )
    assert fig.to_plotly_json() == before.to_plotly_json()
