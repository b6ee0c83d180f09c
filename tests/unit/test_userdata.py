"""User-added literature series: validated, stored apart from the bundled data, surviving rebuilds,
restarts and upgrades, and safe when two sessions write at once."""

from __future__ import annotations

import threading

import duckdb
import pandas as pd
import pytest

from plexrt.data import store
from plexrt.data.userstore import SeriesInvalid, UserStore
from plexrt.ingest.build import build_db

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


def test_add_list_update_delete(tmp_path):
    us = UserStore(tmp_path / "u.duckdb")
    key = us.add_series(GOOD)
    assert key.startswith("user-smith2023-")
    df = us.series()
    assert len(df) == 1
    row = df.iloc[0]
    assert (row.n_patients, row.responders, row.median_relief_months) == (10, 7, 4.0)
    # Not given -> unknown (NULL), never 0.
    assert pd.isna(row.complete_responders) and pd.isna(row.median_survival_months)
    us.update_series(key, {**GOOD, "responders": "8"})
    assert us.series().iloc[0].responders == 8
    us.delete_series(key)
    assert us.series().empty
    with pytest.raises(KeyError):
        us.delete_series(key)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"citation": ""}, "citation"),
        ({"n_patients": "0"}, "n_patients"),
        ({"n_patients": "ten"}, "n_patients"),
        ({"responders": "11"}, "responders"),
        ({"responders_source": ""}, "responders_source"),
        ({"median_relief_months": "-1"}, "median_relief_months"),
    ],
)
def test_invalid_is_refused_and_nothing_saved(tmp_path, change, field):
    us = UserStore(tmp_path / "u.duckdb")
    with pytest.raises(SeriesInvalid) as info:
        us.add_series({**GOOD, **change})
    assert any(m.startswith(f"{field}:") for m in info.value.messages), info.value.messages
    assert us.series().empty


def test_survives_rebuild_and_restart(tmp_path, data_copy):
    db, udb = tmp_path / "b.duckdb", tmp_path / "u.duckdb"
    build_db(data_copy, db)
    key = UserStore(udb).add_series(GOOD)
    build_db(data_copy, db)  # rebuild the bundled store
    assert list(UserStore(udb).series()["series_key"]) == [key]  # a new process opens it again
    # The bundled literature is untouched by user rows and vice versa.
    con = store.connect(db)
    assert key not in set(store.literature(con)["series_key"])
    con.close()


def test_upgrade_from_an_older_file_keeps_rows(tmp_path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))  # a file written by an older PlexRT with fewer columns
    con.execute(
        "CREATE TABLE user_series (series_key VARCHAR PRIMARY KEY, citation VARCHAR, n_patients INTEGER)"
    )
    con.execute("INSERT INTO user_series VALUES ('user-old-1', 'Old J. 2019', 5)")
    con.close()
    df = UserStore(path).series()
    assert list(df["series_key"]) == ["user-old-1"]
    assert df.iloc[0].n_patients == 5
    assert "median_survival_months" in df.columns and pd.isna(df.iloc[0].median_survival_months)


def test_two_sessions_adding_at_once_lose_nothing(tmp_path):
    path = tmp_path / "u.duckdb"
    stores = [UserStore(path), UserStore(path)]
    errors: list[BaseException] = []

    def add(us: UserStore, i: int):
        try:
            for j in range(5):
                us.add_series({**GOOD, "citation": f"Writer{i} entry {j}. J 2024", "year": "2024"})
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=add, args=(stores[i], i)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    df = UserStore(path).series()
    assert len(df) == 10
    assert df["series_key"].is_unique


def test_file_held_by_another_program_gives_a_plain_message(tmp_path):
    import subprocess
    import sys

    from plexrt.data.userstore import UserDataBusy

    path = tmp_path / "u.duckdb"
    UserStore(path).add_series(GOOD)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); "
            "time.sleep(30)",
            str(path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(UserDataBusy) as info:
            UserStore(path, timeout_s=0.3).series()
        assert "open in another program" in str(info.value) and "nothing was changed" in str(
            info.value
        )
    finally:
        holder.kill()
        holder.wait()
    assert len(UserStore(path).series()) == 1  # nothing lost once the other program is gone
