"""``plexrt curve``: reconstruct to a file, import into the user store, clear failures."""

from __future__ import annotations

import pandas as pd

from plexrt.cli import main
from plexrt.data.access import local_principal
from plexrt.data.userstore import UserStore
from tests.fixtures import FIXTURES

EX = FIXTURES / "curve_example"
POINTS = str(EX / "points.csv")
RISK = str(EX / "risk.csv")


def test_reconstruct_writes_one_row_per_patient(tmp_path, capsys):
    out = tmp_path / "ipd.csv"
    assert (
        main(
            [
                "curve",
                "reconstruct",
                "--points",
                POINTS,
                "--risk",
                RISK,
                "--events",
                "41",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    ipd = pd.read_csv(out)
    assert list(ipd.columns) == ["time", "event"] and len(ipd) == 60
    assert ipd["event"].sum() == 41 and set(ipd["event"]) == {0, 1}
    text = capsys.readouterr().out
    assert "Patients reconstructed: 60, events 41 (reported: 41)." in text
    assert "Numbers at risk, published vs reconstructed" in text
    assert "survival read as percentages" in text


def test_reconstruct_without_risk_table_needs_patients(tmp_path, capsys):
    out = tmp_path / "ipd.csv"
    assert main(["curve", "reconstruct", "--points", POINTS, "--out", str(out)]) == 2
    assert "--patients N" in capsys.readouterr().err and not out.exists()
    assert (
        main(["curve", "reconstruct", "--points", POINTS, "--patients", "60", "--out", str(out)])
        == 0
    )
    assert "no censoring is assumed before the end" in capsys.readouterr().out
    assert len(pd.read_csv(out)) == 60


def test_bad_file_clear_message_nothing_written(tmp_path, capsys):
    bad = tmp_path / "risk.csv"
    bad.write_text("time,at_risk\n0,60\n3,abc\n", encoding="utf-8")
    out = tmp_path / "ipd.csv"
    assert (
        main(["curve", "reconstruct", "--points", POINTS, "--risk", str(bad), "--out", str(out)])
        == 2
    )
    err = capsys.readouterr().err
    assert "nothing was written" in err
    assert f"{bad}, line 3, column 'at_risk': must be a whole number 0 or more, got 'abc'" in err
    assert not out.exists()


def test_import_stores_a_literature_series(tmp_path, capsys):
    db = tmp_path / "user.duckdb"
    args = [
        "curve",
        "import",
        "--points",
        POINTS,
        "--risk",
        RISK,
        "--events",
        "41",
        "--citation",
        "Synthetic A.\tExample.\n2024",  # pasted: a tab and a line break (literature text keeps them)
        "--year",
        "2024",
        "--outcome",
        "overall_survival",
        "--figure",
        "Figure 2",
        "--user-db",
        str(db),
    ]
    assert main(args) == 0
    assert "stored as literature series user-synthetic2024-" in capsys.readouterr().out
    me = local_principal()
    meta = UserStore(db).curve_series(me)
    assert len(meta) == 1 and meta.iloc[0].n_patients == 60
    assert meta.iloc[0].created_by == me.user_id  # the command line acts as the local account
    log = UserStore(db).audit_log(me)
    assert list(log["action"]) == ["import"] and list(log["actor"]) == [me.user_id]
    assert main(["curve", "list", "--user-db", str(db)]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert len(listed) == 1 and len(listed[0].split("\t")) == 4  # one row, four columns
    assert listed[0].endswith("overall survival\t60 patients\tSynthetic A. Example. 2024")


def test_import_refused_stores_nothing(tmp_path, capsys):
    db = tmp_path / "user.duckdb"
    args = [
        "curve",
        "import",
        "--points",
        POINTS,
        "--risk",
        RISK,
        "--citation",
        " ",
        "--year",
        "1800",
        "--user-db",
        str(db),
    ]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "citation: a citation is required" in err and "year: must be a publication year" in err
    me = local_principal()
    assert UserStore(db).curve_series(me).empty and UserStore(db).series(me).empty
    assert UserStore(db).audit_log(me).empty
