"""Series & sharing, "Edit details": the name, institution and period of an own series, prefilled
with the stored ones, saved with a confirmation naming what changed, refused in words (every
problem at once, escaped); a series stored with a name today's checks refuse is shown with why it
must be changed, and renamed from the form."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from plexrt.data.access import local_principal
from plexrt.data.userstore import SeriesDetails, UserStore
from plexrt.data.userstore import engine as eng
from plexrt.ui import writes
from plexrt.ui.sharing_view import details_saved
from tests.app.conftest import as_read, on_user_db
from tests.unit.own_frames import make_frames

HIDDEN = "line breaks, control characters and invisible formatting characters are not allowed"


@pytest.fixture
def owned(tmp_path, monkeypatch):
    """A user database holding the local user's series 'Ours' (RT dept, 2015-2020)."""
    path = tmp_path / "user.duckdb"
    store = UserStore(path)
    store.apply_import(
        local_principal(),
        "Ours",
        make_frames(2),
        pseudonymised=False,
        institution="RT dept",
        period="2015-2020",
    )
    store.release()
    with on_user_db(monkeypatch, path):
        yield path


def _page(app):
    at = app().run()
    at.switch_page("pages/sharing.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _typed(at, name=None, institution=None, period=None):
    for key, value in (
        ("details_name", name),
        ("details_institution", institution),
        ("details_period", period),
    ):
        if value is not None:
            at.text_input(key=key).set_value(value)
    at.button(key=writes.SERIES_DETAILS).click().run()
    assert not at.exception, [e.value for e in at.exception]


def _stored(path) -> SeriesDetails:
    return SeriesDetails.of(UserStore(path).own_series(local_principal()).iloc[0])


def test_the_confirmation_names_what_changed():
    assert details_saved([]) == "Nothing to save: the details given are those stored."
    assert details_saved(["period"]) == "Saved: the series' treatment period."
    assert details_saved(["name", "institution", "period"]) == (
        "Saved: the series' name, institution and treatment period."
    )


def test_the_details_are_prefilled_and_saved(app, owned):
    at = _page(app)
    assert [at.text_input(key=k).value for k in ("details_name", "details_institution")] == [
        "Ours",
        "RT dept",
    ]
    assert at.text_input(key="details_period").value == "2015-2020"
    hostile = "**Psoas** [x](http://e.example) <b>RT</b>"
    _typed(at, name=hostile, institution="", period="2015-2023")
    assert [as_read(s.value) for s in at.success] == [
        "Saved: the series' name, institution and treatment period."
    ]
    assert not at.error
    assert _stored(owned) == SeriesDetails(hostile, None, "2015-2023")
    # the page now names the series as stored, as text (escaped Markdown)
    assert any(hostile in as_read(m.value) for m in at.markdown)
    assert at.text_input(key="details_name").value == hostile


def test_a_refused_edit_lists_every_problem_and_writes_nothing(app, owned):
    UserStore(owned).apply_import(
        local_principal(), "Theirs", make_frames(2, seed=1), pseudonymised=False
    )
    at = _page(app)
    at.selectbox(key="sharing_series").set_value(
        UserStore(owned).import_target(local_principal(), "Ours")["series_id"]
    ).run()
    _typed(at, name="Theirs", period="seen 1970-01-01")
    assert [as_read(e.value) for e in at.error] == [
        "Not changed: period: looks like a calendar date (dates are never stored); name: you "
        "already have another series called 'Theirs'; give another name"
    ]
    store = UserStore(owned)
    ours = store.import_target(local_principal(), "Ours")
    assert (ours["institution"], ours["period_text"]) == ("RT dept", "2015-2020")


def test_an_edit_begun_before_another_session_changed_the_details_is_refused(app, owned):
    at = _page(app)
    store = UserStore(owned)
    sid = str(store.own_series(local_principal()).iloc[0]["series_id"])
    store.edit_details(local_principal(), sid, SeriesDetails("Ours", "Radiotherapy", "2015-2020"))
    _typed(at, name="Mine")
    (error,) = [as_read(e.value) for e in at.error]
    assert error.startswith("Not changed: series: the details of 'Ours' were changed in another")
    assert _stored(owned) == SeriesDetails("Ours", "Radiotherapy", "2015-2020")
    # the form shows the details stored now, and sent again from them, saves
    assert at.text_input(key="details_institution").value == "Radiotherapy"
    assert at.text_input(key="details_name").value == "Ours"
    _typed(at, name="Mine")
    assert [as_read(s.value) for s in at.success] == ["Saved: the series' name."]
    assert _stored(owned) == SeriesDetails("Mine", "Radiotherapy", "2015-2020")


def test_a_name_stored_before_todays_checks_is_shown_and_changed(app, owned):
    legacy = "Smith *J* 1970-01-01 \u202eRT"
    with eng.writing(eng.locate(str(owned))) as conn:  # as an older PlexRT stored it
        conn.execute(sa.text("UPDATE own_series SET name = :n"), {"n": legacy})
    eng.release(eng.locate(str(owned)))
    at = _page(app)
    (warning,) = [as_read(w.value) for w in at.warning]
    assert warning == (
        "The series 'Smith *J* 1970-01-01 \\u202eRT' was stored before PlexRT refused such text: "
        f"name: {HIDDEN} (the name as stored, accepted before this check; change it). Change it "
        "below: until then no import can update the series."
    )
    assert "\u202e" not in warning  # shown escaped, never reversing the text
    assert not any("\u202e" in m.value for m in at.markdown)
    assert any("1970-01-01 \\u202eRT" in as_read(m.value) for m in at.markdown)  # the heading
    assert at.text_input(key="details_name").value == legacy
    _typed(at)  # sent as stored: refused, saying why
    (error,) = [as_read(e.value) for e in at.error]
    assert error == (
        f"Not changed: name: {HIDDEN} (the name as stored, accepted before this check; change it)"
    )
    _typed(at, name="Psoas RT")
    assert [as_read(s.value) for s in at.success] == ["Saved: the series' name."]
    assert not at.warning
    assert _stored(owned).name == "Psoas RT"


def test_a_period_that_may_identify_is_refused_in_words(app, owned):
    """The period was not checked for identifiers: a telephone number or a day of a date typed
    there was stored. Now refused with the name's problem in one message; nothing written."""
    at = _page(app)
    _typed(at, name="Ours a@b.org", period="2015-2020, ring 020 7946 0958")
    assert [as_read(e.value) for e in at.error] == [
        "Not changed: name: holds an e-mail address or a number as long as a hospital, NHS or "
        "telephone number (identifiers are never stored); period: holds a number that is neither "
        "a year nor a month (a telephone, hospital or record number): give the period in years, "
        "or months and years ('2010-2015', 'Jan 2010 to Dec 2015', '2010/01-2015/12'); "
        "identifiers and dates are never stored"
    ]
    assert _stored(owned) == SeriesDetails("Ours", "RT dept", "2015-2020")
    _typed(at, name="Ours", period="2015–2020, 2021–2023")
    assert _stored(owned) == SeriesDetails("Ours", "RT dept", "2015–2020, 2021–2023")
