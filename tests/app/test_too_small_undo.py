"""Issue 14: every 'too small to compare' message on the Pain page offers an undo, as the empty
cohort does (the filter part, or the grouping, is removed by one button)."""

from __future__ import annotations


def _pain(app, **params):
    at = app(**params).run()
    at.switch_page("pages/pain.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_subgroups_left_with_one_group_offer_to_remove_the_filter(app):
    at = _pain(app, muscle="piriformis")
    (msg,) = [w.value for w in at.warning if "Subgroups that cannot be compared" in w.value]
    assert "Involved muscle (piriformis only)" in msg
    # 4 of the 12 sites are piriformis (Table 1); removing the filter brings all 12 back
    assert "The filters leave 4 sites" in msg
    undo = next(b for b in at.button if b.label == "Remove Involved muscle: piriformis (12 sites)")
    undo.click().run()
    assert not any("Subgroups that cannot be compared" in w.value for w in at.warning)


def test_unfiltered_series_has_no_subgroup_message(app):
    at = _pain(app)
    assert not any("Subgroups that cannot be compared" in w.value for w in at.warning)


def test_small_time_to_max_groups_offer_to_ungroup(app):
    # by involved muscle: 4 piriformis sites, under the minimum of 5 for a comparison
    at = _pain(app, ttm="involved_muscle")
    (msg,) = [w.value for w in at.warning if "Groups too small to compare" in w.value]
    assert "n = 4 sites" in msg
    at.button(key="ungroup_ttm").click().run()
    assert not any("Groups too small to compare" in w.value for w in at.warning)
    assert at.selectbox(key="pp_ttm").value == "none"
