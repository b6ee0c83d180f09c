"""User-added literature series and saved board cases on both backends: validated, stored apart
from the bundled data, surviving rebuilds and restarts, audited, and safe when two sessions write."""

from __future__ import annotations

import threading

import pandas as pd
import pytest

from plexrt.data import store
from plexrt.data.access import PermissionDenied, Principal
from plexrt.data.identity import principal_from_claims
from plexrt.data.roles import parse_roles
from plexrt.data.userstore import SeriesInvalid, UserStore
from plexrt.ingest.build import build_db

ME = Principal("me", "editor")
ADMIN = Principal("boss", "admin")
VIEWER = Principal("vic", "viewer")

GOOD = {
    "citation": "Smith J, et al. Example series. J Example 2023;1:1-2",
    "year": "2023",
    "population": "malignant_psoas_syndrome",
    "n_patients": "10",
    "n_patients_source": "Table 1",
    "responders": "7",
    "responders_source": "Results para 2",
    "median_relief_months": "4.0",
    "median_relief_months_source": "Figure 2",
}


def test_add_list_update_delete(user_db):
    us = UserStore(user_db)
    key = us.add_series(ME, GOOD)
    assert key.startswith("user-smith2023-")
    df = us.series(VIEWER)  # published figures: every role reads them
    assert len(df) == 1
    row = df.iloc[0]
    assert (row.n_patients, row.responders, row.median_relief_months) == (10, 7, 4.0)
    # Not given -> unknown (NULL), never 0.
    assert pd.isna(row.complete_responders) and pd.isna(row.median_survival_months)
    us.update_series(ME, key, {**GOOD, "responders": "8"})
    assert us.series(ME).iloc[0].responders == 8
    us.delete_series(ME, key)
    assert us.series(ME).empty
    with pytest.raises(KeyError):
        us.delete_series(ME, key)
    log = us.audit_log(ADMIN)
    assert list(log["action"]) == ["delete", "edit", "create"]
    assert set(log["actor"]) == {"me"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"citation": ""}, "citation"),
        ({"n_patients": "0"}, "n_patients"),
        ({"n_patients": "ten"}, "n_patients"),
        ({"responders": "11"}, "responders"),
        ({"responders_source": ""}, "responders_source"),
        ({"median_relief_months": "-1"}, "median_relief_months"),
        ({"notes": "a\x00b"}, "notes"),
        ({"notes": "x" * 5001}, "notes"),
    ],
)
def test_invalid_is_refused_and_nothing_saved(user_db, change, field):
    us = UserStore(user_db)
    with pytest.raises(SeriesInvalid) as info:
        us.add_series(ME, {**GOOD, **change})
    assert any(m.startswith(f"{field}:") for m in info.value.messages), info.value.messages
    assert us.series(ME).empty
    assert us.audit_log(ADMIN).empty


def test_who_may_change_a_literature_series(user_db):
    us = UserStore(user_db)
    with pytest.raises(PermissionDenied, match="vic .role viewer. may not add a literature series"):
        us.add_series(VIEWER, GOOD)
    key = us.add_series(ME, GOOD)
    other = Principal("other", "editor")
    with pytest.raises(PermissionDenied):
        us.update_series(other, key, {**GOOD, "responders": "8"})
    with pytest.raises(PermissionDenied):
        us.delete_series(other, key)
    us.update_series(ADMIN, key, {**GOOD, "responders": "9"})  # an admin may
    assert us.series(ME).iloc[0].responders == 9


def test_survives_rebuild_and_restart(tmp_path, data_copy, user_db):
    db = tmp_path / "b.duckdb"
    build_db(data_copy, db)
    key = UserStore(user_db).add_series(ME, GOOD)
    build_db(data_copy, db)  # rebuild the bundled store
    assert list(UserStore(user_db).series(ME)["series_key"]) == [key]
    con = store.connect(db)
    assert key not in set(store.literature(con)["series_key"])
    con.close()


def test_two_sessions_adding_at_once_lose_nothing(user_db):
    stores = [UserStore(user_db), UserStore(user_db)]
    errors: list[BaseException] = []

    def add(us: UserStore, i: int):
        try:
            for j in range(5):
                us.add_series(
                    ME, {**GOOD, "citation": f"Writer{i} entry {j}. J 2024", "year": "2024"}
                )
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=add, args=(stores[i], i)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    df = UserStore(user_db).series(ME)
    assert len(df) == 10 and df["series_key"].is_unique
    assert stores[0].verify_audit().entries == 10


def _case():
    from plexrt.board.case import make_case

    return make_case(
        primary_cancer="Gastric cancer",
        involved_muscle="psoas",
        nrs_before="8",
        intent="palliative",
        dose_gy="39",
        fractions="13",
    )


def test_saved_cases_belong_to_who_saved_them(user_db):
    us = UserStore(user_db)
    assert us.cases(ME).empty  # nothing is stored unless asked
    key = us.save_case(ME, _case(), "board 27 Nov")
    got = us.cases(ME).set_index("case_id").loc[key]
    assert (got.primary_group, got.nrs_before, got.dose_gy, got.fractions, got.saved_by) == (
        "gastrointestinal",
        8,
        39.0,
        13,
        "me",
    )
    assert us.cases(Principal("other", "editor")).empty
    assert list(us.cases(ADMIN)["case_id"]) == [key]
    with pytest.raises(PermissionDenied):
        us.save_case(VIEWER, _case(), None)
    with pytest.raises(PermissionDenied):
        us.delete_case(Principal("other", "editor"), key)
    with pytest.raises(SeriesInvalid):
        us.save_case(ME, _case(), "x" * 201)
    us.delete_case(ME, key)
    us.delete_case(ME, key)  # already gone: nothing happens
    assert us.cases(ADMIN).empty
    assert list(us.audit_log(ADMIN)["action"]) == ["delete", "create"]


def test_a_subject_with_capitals_manages_its_cases_and_series_new_and_stored_before(user_db):
    """A provider that sends no e-mail and a subject 'Alice@Corp': her cases and literature series
    are hers, both those saved now and those stored under the subject as sent (before sign-in
    normalised it)."""
    us = UserStore(user_db)
    alice = principal_from_claims({"sub": "Alice@Corp"}, parse_roles('default = "editor"\n'))
    assert alice is not None
    old = Principal("Alice@Corp", "editor")  # the principal sign-in gave her before
    stored_before = us.save_case(old, _case(), "stored before")
    lit_before = us.add_series(old, GOOD)
    new = us.save_case(alice, _case(), "saved now")
    lit_new = us.add_series(alice, GOOD)
    mine = us.cases(alice).set_index("case_id")["saved_by"].to_dict()
    assert mine == {stored_before: "Alice@Corp", new: "alice@corp"}
    assert set(us.cases(old)["case_id"]) == {stored_before, new}
    assert us.cases(Principal("alice", "editor")).empty
    us.relabel_case(alice, stored_before, "relabelled")
    assert us.cases(alice).set_index("case_id").loc[stored_before, "label"] == "relabelled"
    for key in (stored_before, new):
        us.delete_case(alice, key)
    assert us.cases(ADMIN).empty
    us.update_series(alice, lit_before, {**GOOD, "n_patients": "11"})
    for key in (lit_before, lit_new):
        us.delete_series(alice, key)
    assert us.series(ADMIN).empty
    assert set(us.audit_log(ADMIN)["actor"]) == {"Alice@Corp", "alice@corp"}


@pytest.mark.parametrize("label", ["board\u202e72 voN", "board\n27 Nov", "board\u200b 27 Nov"])
def test_a_case_label_with_hidden_characters_is_refused(user_db, label):
    """A saved case's label names it on one line, as a series name does (which refuses the same):
    a direction override, a line break or an invisible character is refused, on save and on
    relabel, and nothing is written."""
    us = UserStore(user_db)
    key = us.save_case(ME, _case(), "board 27 Nov")
    for write in (
        lambda: us.save_case(ME, _case(), label),
        lambda: us.relabel_case(ME, key, label),
    ):
        with pytest.raises(SeriesInvalid) as refused:
            write()
        assert refused.value.messages == [
            "label: line breaks, control characters and invisible formatting characters are not "
            "allowed"
        ]
    assert list(us.cases(ME)["label"]) == ["board 27 Nov"]
    assert len(us.audit_log(ADMIN)) == 1
