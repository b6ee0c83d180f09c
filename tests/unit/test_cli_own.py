"""plexrt template / import / synth from the command line: refusal paths, --dry-run, and real
imports into a user database given by --user-db."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd

from plexrt.cli import main
from plexrt.data.access import Principal, local_principal
from plexrt.data.userstore import UserDataUnavailable, UserStore
from plexrt.ingest.own_import import prepare_import
from tests.unit.own_files import GOOD_ASSESSMENTS, GOOD_COURSES, course_row, write
from tests.unit.own_frames import make_frames

EXAMPLES = Path(__file__).resolve().parents[2] / "data" / "examples"


def test_template_in_three_formats(tmp_path, capsys):
    assert main(["template", "--format", "csv", str(tmp_path / "t.csv")]) == 0
    assert main(["template", "--format", "xlsx", str(tmp_path / "t.xlsx")]) == 0
    assert main(["template", "--format", "redcap", str(tmp_path / "dd.csv")]) == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["dd.csv", "t.csv", "t.xlsx", "t_assessments.csv", "t_data_dictionary.csv"]


def test_import_dry_run_prints_what_would_be_stored(tmp_path, capsys):
    c, a = write(tmp_path, GOOD_COURSES, GOOD_ASSESSMENTS)
    assert main(["import", str(c), str(a), "--series", "S", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "series 'S': 2 patients, 3 courses, 4 assessments" in out
    assert "courses: 3 added" in out and "dry run: nothing was written." in out


def test_import_refusal_prints_every_problem_and_writes_the_report(tmp_path, capsys):
    c, _ = write(
        tmp_path, [course_row(nrs_before="11"), course_row(patient_id="X2", fractions="0")]
    )
    report = tmp_path / "report.csv"
    rc = main(["import", str(c), "--series", "S", "--report", str(report)])
    assert rc == 2
    err = capsys.readouterr().err
    assert "refused (2 problems); nothing was written" in err
    assert "line 2, column 'nrs_before'" in err and "line 3, column 'fractions'" in err
    frame = pd.read_csv(report, encoding="utf-8-sig")
    assert frame[["row", "column"]].values.tolist() == [[2, "nrs_before"], [3, "fractions"]]


def test_pseudonyms_need_a_key_file_and_a_bad_key_is_refused(tmp_path, capsys):
    c, _ = write(tmp_path, [course_row(patient_id="12345678")])
    assert main(["import", str(c), "--series", "S"]) == 2
    assert "--key-out" in capsys.readouterr().err
    bad = tmp_path / "key.csv"
    bad.write_text("code,alias\n")
    assert main(["import", str(c), "--series", "S", "--key", str(bad), "--dry-run"]) == 2
    assert "not a key file" in capsys.readouterr().err


def test_dry_run_of_the_example_workbook(capsys):
    rc = main(["import", str(EXAMPLES / "SYNTHETIC_example.xlsx"), "--series", "ex", "--dry-run"])
    assert rc == 0
    assert "42 patients, 52 courses, 165 assessments" in capsys.readouterr().out


def test_synth_writes_a_registry(tmp_path, capsys):
    assert main(["synth", "--courses", "50", "--out", str(tmp_path), "--seed", "3"]) == 0
    assert len(pd.read_csv(tmp_path / "courses.csv")) == 50
    assert (tmp_path / "assessments.csv").exists()
    assert main(["synth", "--out", str(tmp_path)]) == 2


def test_import_stores_the_series_then_a_reimport_reports_the_change(tmp_path, capsys):
    db = tmp_path / "user.duckdb"
    c, a = write(tmp_path, GOOD_COURSES, GOOD_ASSESSMENTS)
    args = ["import", str(c), str(a), "--series", "S", "--user-db", str(db)]
    assert main(args) == 0
    assert "created series 'S': 2 patients, 3 courses, 4 assessments" in capsys.readouterr().out
    changed = [GOOD_COURSES[0].replace(",7,3,2023-04-03", ",7,1,2023-04-03"), *GOOD_COURSES[1:]]
    c2, _ = write(tmp_path, changed, GOOD_ASSESSMENTS)
    assert main(["import", str(c2), str(a), "--series", "S", "--user-db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "courses: 0 added, 1 changed (1 values)" in out and "updated series 'S'" in out
    assert main(["audit", "verify", "--user-db", str(db)]) == 0
    raw = db.read_bytes()
    for date in ("2023-04-03", "2023-03-01", "2023-06-30", "2023-09-01"):
        assert date.encode() not in raw  # no calendar date reaches the database


def test_an_update_keeps_the_institution_and_period_it_is_not_given(tmp_path, capsys):
    """--institution and --period are 'shown with the series'; an update run without them erased
    the stored ones. Now kept unless given (an empty value clears one). Identical rows are no
    update, as the docs say: nothing is written then."""
    db = tmp_path / "user.duckdb"
    c, a = write(tmp_path, GOOD_COURSES, GOOD_ASSESSMENTS)
    base = [str(c), str(a), "--series", "S", "--user-db", str(db)]
    assert main(["import", *base, "--institution", "Hosp A", "--period", "2015-2023"]) == 0
    changed = [GOOD_COURSES[0].replace(",7,3,2023-04-03", ",7,1,2023-04-03"), *GOOD_COURSES[1:]]
    c2, _ = write(tmp_path, changed, GOOD_ASSESSMENTS)
    assert main(["import", str(c2), str(a), "--series", "S", "--user-db", str(db)]) == 0
    assert "updated series 'S'" in capsys.readouterr().out

    def stored() -> list:
        listing = UserStore(db).own_series(local_principal())
        return listing[["institution", "period_text"]].iloc[0].tolist()

    assert stored() == ["Hosp A", "2015-2023"]
    assert main(["import", str(c2), str(a), "--series", "S", "--user-db", str(db)]) == 0
    assert stored() == ["Hosp A", "2015-2023"]  # nothing changed, nothing written
    c3, _ = write(tmp_path, GOOD_COURSES, GOOD_ASSESSMENTS)  # the first rows again: an update
    assert (
        main(
            ["import", str(c3), str(a), "--series", "S", "--user-db", str(db)]
            + ["--institution", ""]
        )
        == 0
    )
    assert stored() == [None, "2015-2023"]


def test_an_output_path_that_cannot_be_written_is_a_message_and_nothing_is_stored(tmp_path, capsys):
    db = str(tmp_path / "u.duckdb")
    c, _ = write(tmp_path, [course_row(patient_id="12345678")])
    missing = tmp_path / "no such folder" / "key.csv"
    rc = main(["import", str(c), "--series", "S", "--user-db", db, "--key-out", str(missing)])
    err = capsys.readouterr().err
    assert rc == 1 and "Traceback" not in err
    assert f"cannot write the pseudonym key to {missing} (No such file or directory)" in err
    assert "Nothing was written." in err
    assert main(["import", str(c), "--series", "S", "--user-db", db, "--dry-run"]) == 0
    assert "courses: 1 added" in capsys.readouterr().out  # the store is still empty
    bad, _ = write(tmp_path, [course_row(nrs_before="11")])
    report = tmp_path / "no such folder" / "report.csv"
    assert main(["import", str(bad), "--series", "S", "--report", str(report)]) == 2
    assert f"cannot write the problem report to {report}" in capsys.readouterr().err


def _patients(source, series_id: str | None = None) -> set[str]:
    frames = source if series_id is None else source.series_frames(local_principal(), series_id)
    return set(frames.patients["patient_id"])


def test_import_by_name_updates_your_own_series_and_refuses_a_name_of_two_others(tmp_path, capsys):
    """As the store and the Import page: --series NAME means the local user's own series of that
    name; two of others' are refused naming their owners, and a series id names one of them."""
    db = tmp_path / "user.duckdb"
    c, a = write(tmp_path, GOOD_COURSES, GOOD_ASSESSMENTS)
    store = UserStore(db)
    me = local_principal()
    frames = prepare_import(c, a, study_codes=True).frames
    assert frames is not None
    mine = store.apply_import(me, "Clinic", make_frames(3), pseudonymised=False).series_id
    ids = {}
    for owner in ("alice@x.org", "carol@x.org"):
        who = Principal(owner, "editor", email=owner)
        ids[owner] = store.apply_import(
            who, "Clinic", make_frames(3), pseudonymised=False
        ).series_id
        store.apply_import(who, "Other", frames, pseudonymised=False)
        store.grant(who, ids[owner], me.user_id, can_edit=True)
    store.release()
    # (each update replaces the 3 patients of make_frames, so it removes rows: allowed here)
    args = ["import", str(c), str(a), "--study-codes", "--allow-removals", "--user-db", str(db)]
    args += ["--series"]
    assert main([*args, "Clinic"]) == 0
    assert "updated series 'Clinic'" in capsys.readouterr().out
    store = UserStore(db)
    assert _patients(store, mine) == _patients(frames)
    for sid in ids.values():
        assert _patients(store, sid) == _patients(make_frames(3))
    store.release()
    assert main([*args, "Other"]) == 2
    err = capsys.readouterr().err
    assert "name: 2 series you can see are called 'Other' (owners alice@x.org, carol@x.org)" in err
    assert main([*args, ids["carol@x.org"]]) == 0
    assert "updated series 'Clinic'" in capsys.readouterr().out
    store = UserStore(db)
    assert _patients(store, ids["alice@x.org"]) == _patients(make_frames(3))
    assert _patients(store, ids["carol@x.org"]) == _patients(frames)


def test_audit_export_is_itself_recorded_in_the_trail(tmp_path, capsys):
    """`plexrt audit export` printed the trail without recording that it was read out, unlike
    the Audit trail page's download: the CSV holds the import, the next export finds itself."""
    db = tmp_path / "user.duckdb"
    c, a = write(tmp_path, GOOD_COURSES, GOOD_ASSESSMENTS)
    assert main(["import", str(c), str(a), "--series", "S", "--user-db", str(db)]) == 0
    capsys.readouterr()
    assert main(["audit", "export", "--user-db", str(db)]) == 0
    first = pd.read_csv(io.StringIO(capsys.readouterr().out.lstrip("\ufeff")))
    assert list(first["action"]) == ["import"]
    assert main(["audit", "export", "--user-db", str(db)]) == 0
    second = pd.read_csv(io.StringIO(capsys.readouterr().out.lstrip("\ufeff")))
    assert list(second["action"]) == ["export", "import"]
    assert json.loads(second.loc[0, "detail"]) == {"filter": {}, "rows": 1, "what": "audit trail"}
    assert main(["audit", "verify", "--user-db", str(db)]) == 0


def test_an_update_that_removes_rows_needs_allow_removals(tmp_path, capsys):
    """Run again without its assessments file, an import removed the series' 4 stored
    assessments at once (the counts were printed, nothing asked). Now refused, naming what would
    go; with --allow-removals written, and undone as any change batch."""
    db = tmp_path / "user.duckdb"
    c, a = write(tmp_path, GOOD_COURSES, GOOD_ASSESSMENTS)
    base = ["--series", "S", "--user-db", str(db)]
    assert main(["import", str(c), str(a), *base]) == 0
    capsys.readouterr()
    assert main(["import", str(c), *base]) == 2
    err = capsys.readouterr().err
    assert (
        f"({len(GOOD_ASSESSMENTS)} assessments); to write it, run it again with --allow-removals"
    ) in err
    store = UserStore(db)
    sid = str(store.own_series(local_principal())["series_id"].iloc[0])
    assert len(store.series_frames(local_principal(), sid).assessments) == len(GOOD_ASSESSMENTS)
    assert main(["import", str(c), *base, "--allow-removals"]) == 0
    assert store.series_frames(local_principal(), sid).assessments.empty
    store.undo_last(local_principal(), sid)
    assert len(store.series_frames(local_principal(), sid).assessments) == len(GOOD_ASSESSMENTS)


def test_the_pseudonym_key_never_writes_over_a_file(tmp_path, capsys, monkeypatch):
    """--key-out named an existing file (another series' key, or the courses file itself) and
    the import wrote the new key over it. Now refused before anything is read or written; and a
    key whose series the store then refuses is removed again."""
    db = str(tmp_path / "u.duckdb")
    c, _ = write(tmp_path, [course_row(patient_id="12345678")])
    other_key = tmp_path / "other_series_key.csv"
    other_key.write_text("original_code,pseudonym\n87654321,P001\n")
    for taken in (other_key, c):
        before = taken.read_bytes()
        rc = main(["import", str(c), "--series", "S", "--user-db", db, "--key-out", str(taken)])
        err = capsys.readouterr().err
        assert (
            rc == 2 and f"--key-out {taken} exists; the pseudonym key is written to a new " in err
        )
        assert taken.read_bytes() == before
    assert UserStore(db).own_series(local_principal()).empty
    # The store refuses (here: told it cannot be used once the key is written).
    fresh = tmp_path / "key.csv"

    def refused(*_a, **_k):
        raise UserDataUnavailable(db, "a test stops it here")

    monkeypatch.setattr(UserStore, "apply_import", refused)
    rc = main(["import", str(c), "--series", "S", "--user-db", db, "--key-out", str(fresh)])
    err = capsys.readouterr().err
    assert rc == 1 and f"the key written to {fresh} was removed again." in err
    assert not fresh.exists()


def test_the_problem_report_is_never_written_over_a_file_the_import_reads(tmp_path, capsys):
    db = str(tmp_path / "u.duckdb")
    c, _ = write(tmp_path, [course_row(nrs_before="11")])
    before = c.read_bytes()
    assert main(["import", str(c), "--series", "S", "--user-db", db, "--report", str(c)]) == 2
    assert f"--report {c} is a file this import reads" in capsys.readouterr().err
    assert c.read_bytes() == before


def test_import_refuses_a_period_that_may_identify_and_writes_nothing(tmp_path, capsys):
    """The period was stored unchecked for identifiers (the name's rule trips on years). Now
    `plexrt import --period` holding a telephone number is refused by the store, exit 2, naming
    the field; an ordinary period passes."""
    db = tmp_path / "user.duckdb"
    c, a = write(tmp_path, GOOD_COURSES, GOOD_ASSESSMENTS)
    base = ["import", str(c), str(a), "--series", "S", "--user-db", str(db)]
    assert main([*base, "--period", "2015-2023, tel 020 7946 0958"]) == 2
    err = capsys.readouterr().err
    assert "the store refused the series; nothing was written" in err
    assert "  - period: holds a number that is neither a year nor a month" in err
    assert UserStore(db).own_series(local_principal()).empty
    assert main([*base, "--period", "2010–2015, 2016–2023"]) == 0
    stored = UserStore(db).own_series(local_principal())
    assert list(stored["period_text"]) == ["2010–2015, 2016–2023"]


def test_import_refuses_study_codes_written_like_dates_naming_each_line(tmp_path, capsys):
    db = tmp_path / "user.duckdb"
    rows = [course_row(patient_id="12/03/1956"), course_row(patient_id="S001")]
    c, _ = write(tmp_path, rows)
    args = ["import", str(c), "--series", "S", "--study-codes", "--user-db", str(db)]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "refused (1 problem); nothing was written" in err
    assert (
        "courses.csv, line 2, column 'patient_id': is a patient code written like a calendar date"
        in err
    )
    assert "12/03/1956" not in err
    assert UserStore(db).own_series(local_principal()).empty


def test_audit_export_of_a_series_id_no_entry_names_says_so(tmp_path, capsys):
    """`plexrt audit export --series` with a mistyped id printed the CSV header alone and exited
    0, saying nothing: it read as 'this series has no history'. The header is still printed (the
    filter is valid), and standard error says that no entry names that id."""
    db = tmp_path / "user.duckdb"
    c, a = write(tmp_path, GOOD_COURSES, GOOD_ASSESSMENTS)
    assert main(["import", str(c), str(a), "--series", "S", "--user-db", str(db)]) == 0
    capsys.readouterr()
    assert main(["audit", "export", "--series", "own-nope\u200b", "--user-db", str(db)]) == 0
    out, err = capsys.readouterr()
    assert pd.read_csv(io.StringIO(out.lstrip("\ufeff"))).empty
    assert err == (
        "plexrt audit export: no entry of the audit trail names the series id "
        "'own-nope\\u200b' (the CSV holds its header only); check the id.\n"
    )
    (sid,) = UserStore(db).own_series(local_principal())["series_id"]
    assert main(["audit", "export", "--series", sid, "--user-db", str(db)]) == 0
    out, err = capsys.readouterr()
    assert list(pd.read_csv(io.StringIO(out.lstrip("\ufeff")))["action"]) == ["import"]
    assert err == ""
