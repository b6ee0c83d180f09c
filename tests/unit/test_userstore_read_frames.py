"""How the user store reads a series back from DuckDB (``bulk.read_frame``): one Arrow table,
each column converted once into its dtype, instead of a pandas fetch converted column by column
afterwards (half the CPU of opening a 100,000-course series' read). The frames are those of the
old fetch, values and dtypes, for every table, a subset of patients and an empty answer."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pandas as pd
import pytest
import sqlalchemy as sa

from plexrt.data.access import Principal
from plexrt.data.own_schema import TABLES
from plexrt.data.userstore import UserStore, bulk
from plexrt.data.userstore import engine as eng
from plexrt.data.userstore.own import load_frames
from tests.unit.own_frames import make_frames

ANN = Principal("ann", "editor")


def _old_read(conn: sa.Connection, sql: str, params: dict, kinds: dict) -> pd.DataFrame:
    """The read as it was: a pandas fetch, then every column through ``as_kind``."""
    lists = [k for k, v in params.items() if isinstance(v, list)]
    statement = sa.text(sql).bindparams(*(sa.bindparam(k, expanding=True) for k in lists))
    df = conn.execute(statement, params).cursor.fetch_df()
    return bulk._typed(df, kinds) if len(df) else bulk._empty(kinds)


@pytest.fixture
def duck_db(tmp_path) -> Iterator[str]:
    """A new DuckDB user database (PostgreSQL reads through COPY, unchanged)."""
    target = str(tmp_path / "user.duckdb")
    yield target
    eng.release(eng.locate(target))


def _stored(user_db: str) -> str:
    frames = make_frames(40, seed=3)
    # unknowns in every kind of column, and text beyond ASCII
    frames.patients.loc[0, "sex"] = None
    frames.patients.loc[1, "primary_cancer"] = "Cancer du col de l'utérus"
    store = UserStore(user_db)
    result = store.apply_import(ANN, "Read back", frames, pseudonymised=True)
    store.release()
    return result.series_id


def test_series_read_as_by_the_pandas_fetch(duck_db):
    sid = _stored(duck_db)
    with eng.reading(eng.locate(duck_db)) as conn:
        for table, (columns, key) in TABLES.items():
            kinds = bulk.kinds_of(columns)
            cols = ", ".join(kinds)
            sql = f"SELECT {cols} FROM own_{table} WHERE series_id = :s ORDER BY {', '.join(key)}"  # noqa: S608
            for params in (
                {"s": sid},
                {"s": sid, "ids": ["S000001", "S000007"]},
                {"s": "own-none"},
            ):
                where = (
                    sql
                    if "ids" not in params
                    else sql.replace(" ORDER", " AND patient_id IN :ids ORDER")
                )
                with warnings.catch_warnings():
                    warnings.simplefilter("error")  # no warning about the Arrow fetch
                    got = bulk.read_frame(conn, where, params, kinds)
                want = _old_read(conn, where, params, kinds)
                pd.testing.assert_frame_equal(got, want, check_exact=True)
                assert list(got.dtypes.astype(str)) == [
                    {"text": "object", "integer": "Int64", "number": "float64"}.get(k, "boolean")
                    for k in kinds.values()
                ]
        frames = load_frames(conn, sid)
    assert frames.patients["sex"].iloc[0] is None  # unknown text is None, never NaN
    assert len(frames.courses) > 40


def test_each_column_comes_in_its_dtype_without_converting_it_again(duck_db, monkeypatch):
    sid = _stored(duck_db)
    converted: list[str] = []
    real = bulk.as_kind
    monkeypatch.setattr(bulk, "as_kind", lambda s, kind: converted.append(s.name) or real(s, kind))
    with eng.reading(eng.locate(duck_db)) as conn:
        frames = load_frames(conn, sid)
    assert converted == []
    assert len(frames.assessments) > 0
