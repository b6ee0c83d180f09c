"""Hostile input to the forms and URL parameters not covered elsewhere (issue 16 §4): the series
named in the URL (``?series=`` / ``&vs=``) and the Follow-up form's entry as the store receives it.
Any input gives a result or a clear refusal (notices; ``SeriesInvalid`` with its messages), never
another exception. (Cohort-filter URL parameters, the literature and case forms: test_hostile_input;
own-series files: test_own_hostile; curve files: test_curve_hostile.)"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from plexrt.data import access
from plexrt.data.access import Principal
from plexrt.data.own_validation import validate_own_series
from plexrt.data.series_param import BUNDLED, COMPARE, PARAM, VS_PARAM, SeriesChoice, choose
from plexrt.data.userstore import SeriesInvalid, UserStore
from plexrt.data.vocab import OPIOID_ROUTES
from plexrt.ingest import own_followup as fu
from plexrt.ingest.own_import import Upload, prepare_import
from tests.unit.own_files import (
    ASSESSMENT_HEADER,
    COURSE_HEADER,
    GOOD_ASSESSMENTS,
    GOOD_COURSES,
    csv_text,
)

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
ANN = Principal("ann", "editor")
READABLE = {"own-0a1b": "Our series", "own-ffff": "Theirs <b>"}
VALUE = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.sampled_from([BUNDLED, COMPARE, *READABLE, "own-", "OWN-0A1B", " own-0a1b"]),
    st.lists(st.text(max_size=10), max_size=3),
)


@SETTINGS
@given(
    st.dictionaries(st.one_of(st.sampled_from([PARAM, VS_PARAM]), st.text(max_size=8)), VALUE),
    st.sampled_from([READABLE, {}]),
)
def test_any_series_parameters_give_a_readable_choice_and_notices(params, readable):
    choice, notices = choose(params, readable)
    assert isinstance(choice, SeriesChoice)
    assert choice.mode in ("bundled", "own", COMPARE)
    if choice.mode == "bundled":
        assert choice.own_id is None
    else:  # never a series the person may not read
        assert choice.own_id in readable
    assert all(isinstance(n, str) and n for n in notices)


@pytest.fixture(scope="module")
def follow_up_series(tmp_path_factory):
    """A valid own series (tests/unit/own_files: S01 with two courses, S02 with one) as stored."""
    store = UserStore(tmp_path_factory.mktemp("fu") / "user.duckdb")
    prepared = prepare_import(
        Upload("c.csv", csv_text(COURSE_HEADER, GOOD_COURSES).encode()),
        Upload("a.csv", csv_text(ASSESSMENT_HEADER, GOOD_ASSESSMENTS).encode()),
    )
    assert prepared.frames is not None
    result = store.apply_import(
        ANN, "S", prepared.frames, pseudonymised=False, validate=validate_own_series
    )
    yield store, result.series_id, ["S01", "S02", "S01"]
    store.release()


def _mostly(likely, *rare):
    """``likely`` three times as often as each of ``rare`` (so that many entries reach the store)."""
    return st.one_of(likely, likely, likely, *rare)


ENTRY = st.builds(
    fu.Entry,
    kind=_mostly(st.sampled_from(list(fu.KINDS)), st.text(max_size=12)),
    patient_id=st.just(""),  # replaced by a stored or an unknown patient below
    day=_mostly(st.integers(-30, 200), st.none(), st.integers(-(10**12), 10**12)),
    course_no=_mostly(st.integers(1, 2), st.none(), st.integers(-3, 5)),
    nrs=_mostly(st.integers(0, 10), st.integers(-5, 15)),
    opioid_drug=st.one_of(st.none(), st.text(max_size=40), st.just("<script>x</script>")),
    opioid_mg_per_day=st.one_of(
        st.none(), st.floats(allow_nan=True, allow_infinity=True), st.floats(0, 2e4)
    ),
    opioid_route=st.one_of(st.none(), st.sampled_from(["", *OPIOID_ROUTES]), st.text(max_size=8)),
)


# Entries the form lets through (a known kind, a day, a course): their values reach the store.
COMPLETE = ENTRY.map(
    lambda e: fu.Entry(
        **{
            **e.__dict__,
            "kind": e.kind if e.kind in fu.KINDS else "assessment",
            "day": 0 if e.day is None else e.day,
            "course_no": 1 if e.course_no is None else e.course_no,
            "nrs": 5 if e.nrs is None else e.nrs,
        }
    )
)


@SETTINGS
@given(st.one_of(ENTRY, COMPLETE), st.one_of(st.integers(0, 2), st.text(max_size=10)))
def test_any_follow_up_entry_is_saved_or_refused_with_messages(follow_up_series, entry, who):
    store, sid, patients = follow_up_series
    pid = patients[who] if isinstance(who, int) else who
    entry = fu.Entry(**{**entry.__dict__, "patient_id": pid})
    if fu.entry_problems(entry):  # the form says what is missing; nothing reaches the store
        event("refused by the form")
        return
    frames = store.series_frames(ANN, sid)
    try:
        batch = store.record_follow_up(
            ANN, sid, fu.changes_for(frames, entry), validate=validate_own_series
        )
    except SeriesInvalid as exc:
        assert exc.messages and all(isinstance(m, str) and m for m in exc.messages)
        event("refused by the store")
        return
    event("saved" if batch is not None else "nothing changed")
    assert store.verify_audit().ok


GRANTEE = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        ["", "   ", "group:", "GROUP:Physics", "Ann@Example.org ", "'; DROP TABLE grants;--"]
    ),
)


@SETTINGS
@given(GRANTEE, st.booleans())
@example("\U0002f800", False)  # a compatibility ideograph, stored as U+4E3D
def test_any_grantee_is_shared_with_or_refused(follow_up_series, grantee, can_edit):
    """The Series & sharing form's 'share with' text: stored as one grant (found again under the
    text as the store shows it, and revoked by it), or refused with a message naming the field."""
    store, sid, _ = follow_up_series
    try:
        stored = store.grant(ANN, sid, grantee, can_edit=can_edit)
    except SeriesInvalid as exc:
        assert exc.messages and all(m.startswith("grantee: ") for m in exc.messages)
        event("refused")
        return
    event("shared")
    # Found under the name as stored (normalised: case, width, compatibility characters such as
    # U+2F800, which is stored as U+4E3D), and revoked by the text as typed.
    assert access.normalise_grantee(grantee) == stored
    grants = store.grants(ANN, sid)
    shown = grants[grants["grantee"] == stored]
    assert len(shown) == 1 and bool(shown.iloc[0]["can_edit"]) == can_edit
    store.revoke(ANN, sid, grantee)
    assert stored not in set(store.grants(ANN, sid)["grantee"])
