"""A write whose outcome the store cannot tell (``WriteOutcomeUnknown``: the PostgreSQL connection
was lost during COMMIT and the server could not be asked afterwards; the real fault is made in
test_userstore_lost_commit) must not be reported as 'Nothing was written' by the command line or
the pages: the store's own message, which says it is not known and where to look, stands alone.
Here the store call raises it. Every other failure says once that nothing was written: a store that
cannot be used says 'Nothing was changed.' in its own message, which no caller repeats."""

from __future__ import annotations

import pytest

from plexrt.cli import main
from plexrt.data.access import PermissionDenied, local_principal
from plexrt.data.userstore import (
    UserDataUnavailable,
    UserStore,
    WriteOutcomeUnknown,
    nothing_written,
    unless_unknown,
)
from tests.unit.own_files import GOOD_ASSESSMENTS, GOOD_COURSES, write

UNKNOWN = WriteOutcomeUnknown("PostgreSQL at db.example", "connection refused", "entry 7 (import)")
DOWN = UserDataUnavailable("PostgreSQL at db.example", "connection refused")


def test_the_words_are_dropped_only_for_an_unknown_outcome():
    assert unless_unknown(" Nothing was written.", UNKNOWN) == ""
    assert unless_unknown("Not saved: ", UNKNOWN) == ""
    assert unless_unknown(" Nothing was written.", DOWN) == " Nothing was written."
    assert "not known whether the change was saved" in str(UNKNOWN)
    assert "Nothing was changed" not in str(UNKNOWN)
    assert isinstance(UNKNOWN, UserDataUnavailable)  # every page's handler still catches it


def test_nothing_written_is_said_once():
    assert nothing_written(UNKNOWN) == ""
    assert nothing_written(DOWN) == ""  # its message ends 'Nothing was changed.'
    assert str(DOWN).endswith("Nothing was changed.")
    assert nothing_written(PermissionDenied(local_principal(), "change this series")) == (
        " Nothing was written."
    )


def _said_nothing_written(err: str) -> int:
    return err.count("Nothing was written") + err.count("Nothing was changed")


def _raising(exc):
    def call(*args, **kwargs):
        raise exc

    return call


@pytest.mark.parametrize(("exc", "says_nothing_written"), [(UNKNOWN, 0), (DOWN, 1)])
def test_plexrt_import(tmp_path, capsys, monkeypatch, exc, says_nothing_written):
    c, a = write(tmp_path, GOOD_COURSES, GOOD_ASSESSMENTS)
    monkeypatch.setattr(UserStore, "apply_import", _raising(exc))
    args = ["import", str(c), str(a), "--series", "S", "--user-db", str(tmp_path / "u.duckdb")]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert str(exc) in err
    assert _said_nothing_written(err) == says_nothing_written


@pytest.mark.parametrize(("exc", "says_nothing_written"), [(UNKNOWN, 0), (DOWN, 1)])
def test_plexrt_own_rename(tmp_path, capsys, monkeypatch, exc, says_nothing_written):
    db = str(tmp_path / "u.duckdb")
    c, a = write(tmp_path, GOOD_COURSES, GOOD_ASSESSMENTS)
    assert main(["import", str(c), str(a), "--series", "S", "--user-db", db]) == 0
    capsys.readouterr()
    monkeypatch.setattr(UserStore, "edit_details", _raising(exc))
    assert main(["own", "rename", "--series", "S", "--name", "T", "--user-db", db]) == 1
    err = capsys.readouterr().err
    assert str(exc) in err
    assert _said_nothing_written(err) == says_nothing_written
