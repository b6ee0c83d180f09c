"""The 'Import a series' page under AppTest (issue 12 §2): the synthetic example in one click, the
preview, commit, an identical re-import that changes nothing, an updated file whose changes are
shown before they are applied, a mapping override remembered with the series, and a broken file
refused with every problem listed while the user database stays as it was."""

from __future__ import annotations

import csv
import io
import re

import pytest

from plexrt.data.access import Principal, local_principal
from plexrt.data.paths import DEFAULT_DATA_DIR
from plexrt.data.userstore import UserStore
from plexrt.ingest.own_import import prepare_import
from plexrt.ingest.own_mapping import stored_mapping
from plexrt.ingest.own_preview import DIFF_COLUMNS
from plexrt.ingest.synth import EXAMPLE_NAME
from tests.app.conftest import as_read, page_table
from tests.unit.own_files import COURSE_HEADER, GOOD_COURSES, course_row, csv_text

EXAMPLES = DEFAULT_DATA_DIR / "examples"
PAGE = "pages/own_import.py"


@pytest.fixture
def user_db(tmp_path, monkeypatch):
    """A user database of this test only (the app opens it through $PLEXRT_USER_DB)."""
    path = tmp_path / "user.duckdb"
    monkeypatch.setenv("PLEXRT_USER_DB", str(path))
    return str(path)


def _page(app):
    at = app().run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _ok(at):
    assert not at.exception, [e.value for e in at.exception]
    return at


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _keys(at, widget: str = "button") -> set[str]:
    return {w.key for w in getattr(at, widget)}


def _example_sizes() -> tuple[int, int, int]:
    """Patients, courses and assessments counted in the example's CSV files (not by PlexRT)."""
    with open(EXAMPLES / "SYNTHETIC_example_courses.csv", newline="") as f:
        courses = list(csv.DictReader(f))
    with open(EXAMPLES / "SYNTHETIC_example_assessments.csv", newline="") as f:
        assessments = list(csv.DictReader(f))
    return len({r["patient_id"] for r in courses}), len(courses), len(assessments)


def _state(store: UserStore) -> tuple:
    """Everything an import could change: the series listed, and the audit trail."""
    me = local_principal()
    listing = store.own_series(me)
    return tuple(map(tuple, listing[["name", "n_patients", "n_courses"]].values)), len(
        store.audit_log(me)
    )


def test_example_preview_commit_and_identical_reimport(app, user_db):
    at = _page(app)
    assert "oi_commit" not in _keys(at)  # nothing to commit before a file
    _ok(at.button(key="oi_try_example").click().run())
    patients, courses, assessments = _example_sizes()
    assert _metrics(at) == {
        "Patients": str(patients),
        "Courses (sites)": str(courses),
        "Assessments": str(assessments),
        "Ages stored as 90+": "0",
    }
    assert len(page_table(at, "patient_id", "course_no", "involved_muscle")) == 10  # first rows
    store = UserStore(user_db)
    assert store.own_series(local_principal()).empty  # nothing written before Commit
    _ok(at.button(key="oi_commit").click().run())
    assert at.success and at.success[0].value.startswith("Created the series")
    listing = store.own_series(local_principal())
    assert list(listing["n_patients"]) == [patients]
    assert list(listing["n_courses"]) == [courses]
    before = _state(store)
    # The same file again: recognised as the stored series, nothing to write, no Commit.
    _ok(at.button(key="oi_again").click().run())
    _ok(at.button(key="oi_try_example").click().run())
    assert any("No change" in i.value for i in at.info)
    assert "oi_commit" not in _keys(at)
    assert _state(store) == before


def _example_csv(change: dict[tuple[str, int], dict[str, str]] | None = None) -> bytes:
    """The example's courses CSV with some cells changed ((patient, n-th row of the patient):
    {column: value})."""
    text = (EXAMPLES / "SYNTHETIC_example_courses.csv").read_text()
    rows = list(csv.DictReader(io.StringIO(text)))
    seen: dict[str, int] = {}
    for r in rows:
        seen[r["patient_id"]] = seen.get(r["patient_id"], 0) + 1
        r.update((change or {}).get((r["patient_id"], seen[r["patient_id"]]), {}))
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return out.getvalue().encode()


def _relapse_update(app, sid: str):
    """The page with the example's files uploaded as an update of ``sid``, SYN-002's first course
    given a relapse on 2015-12-03."""
    updated = _example_csv({("SYN-002", 1): {"relapse_date": "2015-12-03"}})
    at = _page(app)
    at.file_uploader(key="oi_courses_0").upload("courses.csv", updated, "text/csv")
    at.file_uploader(key="oi_assessments_0").upload(
        "assessments.csv", (EXAMPLES / "SYNTHETIC_example_assessments.csv").read_bytes()
    )
    _ok(at.run())
    return _ok(at.selectbox(key="oi_target").set_value(sid).run())


def test_an_updated_file_shows_its_changes_before_they_are_applied(app, user_db):
    store = UserStore(user_db)
    first = prepare_import(EXAMPLES / "SYNTHETIC_example.xlsx")
    assert first.frames is not None
    sid = store.apply_import(local_principal(), "Ours", first.frames, pseudonymised=False).series_id
    # SYN-002's first course (RT start 2015-09-04, maximum response 2015-09-25) gets a relapse
    # on 2015-12-03: 26 + 31 + 30 + 3 = 90 days after its first RT start.
    at = _relapse_update(app, sid)
    diff = page_table(at, *DIFF_COLUMNS)
    assert diff.to_dict("records") == [
        {
            "table": "courses",
            "row": "patient SYN-002, course 1",
            "change": "changed",
            "column": "relapse_day",
            "old": "(empty)",
            "new": "90",
        }
    ]
    stored = store.series_frames(local_principal(), sid).courses
    mine = (stored["patient_id"] == "SYN-002") & (stored["course_no"] == 1)
    assert stored.loc[mine, "relapse_day"].isna().all()  # shown, not yet applied
    _ok(at.button(key="oi_commit").click().run())
    assert at.success[0].value.startswith("Updated the series")
    stored = store.series_frames(local_principal(), sid).courses
    mine = (stored["patient_id"] == "SYN-002") & (stored["course_no"] == 1)
    assert list(stored.loc[mine, "relapse_day"]) == [90]


def test_an_update_that_removes_rows_says_so_before_commit(app, user_db):
    """The update without its assessments file removes every stored assessment; the preview
    counted them only inside the summary line. A warning names them before Commit."""
    store = UserStore(user_db)
    first = prepare_import(EXAMPLES / "SYNTHETIC_example.xlsx")
    assert first.frames is not None
    sid = store.apply_import(local_principal(), "Ours", first.frames, pseudonymised=False).series_id
    at = _page(app)
    at.file_uploader(key="oi_courses_0").upload("courses.csv", _example_csv({}), "text/csv")
    _ok(at.run())
    _ok(at.selectbox(key="oi_target").set_value(sid).run())
    n = _example_sizes()[2]
    assert [as_read(w.value) for w in at.warning] == [
        f"This update removes stored rows that the files no longer hold: {n} assessments. "
        "Commit only if they are to go; a commit can be undone on the Follow-up page."
    ]
    assert len(store.series_frames(local_principal(), sid).assessments) == n  # not yet


def _renamed() -> bytes:
    """own_files' good courses with 'patient_id' called 'Kod' (no suggestion can guess it) and
    'sex' called 'Gender' (suggested by name)."""
    header = COURSE_HEADER.replace("patient_id", "Kod").replace(",sex,", ",Gender,")
    return csv_text(header, GOOD_COURSES).encode()


def test_mapping_override_and_the_mapping_remembered_per_series(app, user_db):
    at = _page(app)
    at.file_uploader(key="oi_courses_0").upload("ours.csv", _renamed(), "text/csv")
    _ok(at.run())
    choice = {s.key.rsplit("_courses_", 1)[1]: s for s in at.selectbox if "_courses_" in s.key}
    assert choice["sex"].value == "Gender"  # suggested by name
    assert choice["patient_id"].value == ""  # not guessed: the user must choose
    refused = page_table(at, "file", "row", "column", "value", "problem")
    assert list(refused["column"]) == ["patient_id"]  # the required column is missing
    _ok(choice["patient_id"].set_value("Kod").run())
    assert _metrics(at)["Patients"] == "2"
    _ok(at.button(key="oi_commit").click().run())
    store = UserStore(user_db)
    row = store.own_series(local_principal()).iloc[0]
    assert row["name"] == "ours"
    assert stored_mapping(row["column_mapping"])["courses"]["Kod"] == "patient_id"
    assert stored_mapping(row["column_mapping"])["courses"]["Gender"] == "sex"
    # The same file again: the mapping comes back from the series, so nothing is to choose.
    _ok(at.button(key="oi_again").click().run())
    at.file_uploader(key="oi_courses_1").upload("ours.csv", _renamed(), "text/csv")
    _ok(at.run())
    choice = {s.key.rsplit("_courses_", 1)[1]: s for s in at.selectbox if "_courses_" in s.key}
    assert choice["patient_id"].value == "Kod"
    assert any("No change" in i.value for i in at.info)


# A cell written as Markdown (an image and a link from elsewhere); the problem table quotes it.
HOSTILE_CELL = "![i](//ev.il/i.png) [c](//ev.il/c) P_1_"

# Each row of this file breaks one rule; (line, column) of each as the file has it.
BROKEN = [
    course_row(patient_id="X1", nrs_before="11"),  # line 2: NRS 11
    course_row(patient_id="X2", death_date="2022-01-05"),  # 3: death before RT start
    course_row(patient_id="X3", fractions="0"),  # 4: fractions 0
    course_row(patient_id="X4", intent=HOSTILE_CELL),  # 5: unknown intent (a link)
    course_row(patient_id="X5", relapse_date="2022-02-01"),  # 6: relapse before response
    course_row(patient_id="X6", age="70"),  # 7
    course_row(  # 8: the age differs from line 7
        patient_id="X6",
        age="71",
        rt_start_date="2022-03-01",
        rt_end_date="2022-03-10",
        max_response_date="",
    ),
    course_row(patient_id="X7"),  # 9
    course_row(patient_id="X7"),  # 10: the same course twice
    course_row(patient_id="X8", rt_end_date="2022-01-05", max_response_date=""),  # 11: ends first
]
BROKEN_AT = {
    (2, "nrs_before"),
    (3, "death_date"),
    (4, "fractions"),
    (5, "intent"),
    (6, "relapse_date"),
    (8, "age"),
    (10, ""),
    (11, "rt_end_date"),
}


def test_a_broken_file_lists_every_problem_and_writes_nothing(app, user_db):
    store = UserStore(user_db)
    before = _state(store)
    at = _page(app)
    broken = csv_text(COURSE_HEADER, BROKEN).encode()
    at.file_uploader(key="oi_courses_0").upload("broken.csv", broken, "text/csv")
    _ok(at.run())
    assert at.error and "Nothing was written" in at.error[0].value
    report = page_table(at, "file", "row", "column", "value", "problem")
    assert set(zip(report["row"].astype(int), report["column"], strict=True)) >= BROKEN_AT
    assert set(report["row"].astype(int)) == {line for line, _ in BROKEN_AT}
    # the static table's cells are Markdown: the value is quoted as written, not drawn as links
    assert HOSTILE_CELL in set(report["value"])
    raw = at.table[0].value.to_numpy().ravel()
    assert not [v for v in raw if re.search(r"(?<!\\)\]\(", str(v))]
    assert [b.proto.label for b in at.get("download_button")] == [
        "Download the problem report (CSV)"
    ]
    assert "oi_commit" not in _keys(at)
    assert not at.metric  # no preview of a refused file
    assert _state(store) == before


def _ward() -> bytes:
    """own_files' good courses under codes that may be hospital numbers (8 digits)."""
    rows = [r.replace("S01", "40012345").replace("S02", "40067890") for r in GOOD_COURSES]
    return csv_text(COURSE_HEADER, rows).encode()


def test_an_update_of_a_pseudonymised_series_needs_its_key(app, user_db):
    at = _page(app)
    at.file_uploader(key="oi_courses_0").upload("ward.csv", _ward(), "text/csv")
    _ok(at.run())
    assert "replaced by series-local pseudonyms" in " ".join(m.value for m in at.markdown)
    _ok(at.button(key="oi_commit").click().run())
    assert [b.proto.label for b in at.get("download_button")] == [
        "Download the pseudonym key (CSV)"
    ]
    _ok(at.button(key="oi_again").click().run())
    assert not at.get("download_button")  # offered once: gone once the user moves on
    at.file_uploader(key="oi_courses_1").upload("ward.csv", _ward(), "text/csv")
    _ok(at.run())
    refused = page_table(at, "file", "row", "column", "value", "problem")
    assert list(refused["file"]) == ["key"]
    assert "stored with pseudonyms" in refused["problem"].iloc[0]
    # Pseudonyms in order of first appearance: 40012345 -> P001, 40067890 -> P002.
    key = b'"original_code","pseudonym"\n"40012345","P001"\n"40067890","P002"\n'
    at.file_uploader(key="oi_key_1").upload("key.csv", key, "text/csv")
    _ok(at.run())
    assert any("No change" in i.value for i in at.info)


def test_one_name_of_two_series_is_chosen_by_owner_and_the_chosen_one_is_updated(app, user_db):
    """Two series of one name, neither the local user's: the name alone is refused naming their
    owners (as the store and the CLI refuse it); 'Store as' shows each with its owner, and the one
    chosen is the one updated."""
    store = UserStore(user_db)
    me = local_principal()
    frames = prepare_import(EXAMPLES / "SYNTHETIC_example.xlsx").frames
    assert frames is not None
    ids = {}
    for owner in ("alice@x.org", "carol@x.org"):
        who = Principal(owner, "editor", email=owner)
        ids[owner] = store.apply_import(who, EXAMPLE_NAME, frames, pseudonymised=False).series_id
        store.grant(who, ids[owner], me.user_id, can_edit=True)
    before = _state(store)
    at = _page(app)
    _ok(at.button(key="oi_try_example").click().run())
    (error,) = [as_read(e.value) for e in at.error]  # as a reader sees it
    assert error.startswith("Choose the series to update under 'Store as', or give another name")
    assert "2 series you can see are called" in error and "alice@x.org, carol@x.org" in error
    assert "oi_commit" not in _keys(at) and _state(store) == before
    assert list(at.selectbox(key="oi_target").options)[1:] == [
        f"an update of '{EXAMPLE_NAME} (owner alice@x.org)'",
        f"an update of '{EXAMPLE_NAME} (owner carol@x.org)'",
    ]
    updated = _example_csv({("SYN-002", 1): {"relapse_date": "2015-12-03"}})
    # The example's button emptied the uploaders by renewing their keys (oi_gen 1).
    at.file_uploader(key="oi_courses_1").upload("courses.csv", updated, "text/csv")
    at.file_uploader(key="oi_assessments_1").upload(
        "assessments.csv", (EXAMPLES / "SYNTHETIC_example_assessments.csv").read_bytes()
    )
    _ok(at.run())
    _ok(at.selectbox(key="oi_target").set_value(ids["carol@x.org"]).run())
    assert not at.error
    _ok(at.button(key="oi_commit").click().run())
    assert at.success[0].value.startswith("Updated the series")
    for owner, relapse in (("alice@x.org", []), ("carol@x.org", [90])):
        stored = store.series_frames(me, ids[owner]).courses
        mine = (stored["patient_id"] == "SYN-002") & (stored["course_no"] == 1)
        assert list(stored.loc[mine, "relapse_day"].dropna()) == relapse, owner


def test_a_file_named_with_a_date_does_not_name_the_series(app, user_db):
    """The series' name was proposed from the file's, so Commit stored an export named for its
    patient ('Smith_John_1970-01-01.csv') as the series 'Smith_John_1970-01-01', date of birth
    and all, in the series list and the audit trail. Such a name is no longer proposed, and the
    store refuses a date typed into it."""
    at = _page(app)
    good = csv_text(COURSE_HEADER, GOOD_COURSES).encode()
    at.file_uploader(key="oi_courses_0").upload("Smith_John_1970-01-01.csv", good, "text/csv")
    _ok(at.run())
    name = next(t for t in at.text_input if t.key.startswith("oi_name_"))
    assert name.value == ""
    _ok(name.set_value("Smith 1970-01-01").run())
    _ok(at.button(key="oi_commit").click().run())
    assert any("name: looks like a calendar date" in as_read(e.value) for e in at.error)
    assert UserStore(user_db).own_series(local_principal()).empty
    _ok(name.set_value("Ward 3").run())
    _ok(at.button(key="oi_commit").click().run())
    assert list(UserStore(user_db).own_series(local_principal())["name"]) == ["Ward 3"]


def test_a_period_that_may_identify_is_refused_at_commit(app, user_db):
    store = UserStore(user_db)
    at = _page(app)
    _ok(at.button(key="oi_try_example").click().run())
    at.text_input(key="oi_period_").set_value("since 12 March 2018")
    _ok(at.run())
    _ok(at.button(key="oi_commit").click().run())
    (error,) = [as_read(e.value) for e in at.error]
    assert error.startswith("The series was refused; nothing was written.")
    assert "period: holds a calendar date with its day: give the period in years" in error
    assert store.own_series(local_principal()).empty


def test_study_codes_written_like_dates_are_refused_by_line(app, user_db):
    store = UserStore(user_db)
    at = _page(app)
    rows = [course_row(patient_id="12.03.56"), course_row(patient_id="S001")]
    at.file_uploader(key="oi_courses_0").upload(
        "courses.csv", csv_text(COURSE_HEADER, rows).encode(), "text/csv"
    )
    _ok(at.run())
    _ok(at.checkbox(key="oi_study_codes").check().run())
    report = page_table(at, "file", "row", "column", "value", "problem")
    assert report[["file", "row", "column"]].astype(str).values.tolist() == [
        ["courses.csv", "2", "patient_id"]
    ]
    assert report["problem"].iloc[0].startswith("is a patient code written like a calendar date")
    assert "12.03.56" not in " ".join(report["value"].astype(str))
    assert "oi_commit" not in _keys(at) and store.own_series(local_principal()).empty
