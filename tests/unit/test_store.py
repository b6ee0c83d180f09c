"""Store queries that are not covered elsewhere: natural order of ids, the citation line, the
published analgesic change, what the paper does not publish, and the generated literature DDL."""

from __future__ import annotations

import duckdb

from plexrt.data import store
from plexrt.data.ddl import literature_ddl
from plexrt.data.literature import COLUMNS


def test_natural_order_of_ids():
    ids = ["X10", "2.10", "X2", "10.1", "2.2", "1.1", "sanuki2022", "D9", "D14", "11", "b"]
    con = duckdb.connect()
    con.execute("CREATE TABLE t (id VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?)", [[i] for i in ids])
    sql = f"SELECT id FROM t ORDER BY {store.natural('id')}"  # noqa: S608 -- fixed column name
    got = [r[0] for r in con.execute(sql).fetchall()]
    # by first number, then second number (none first), then text; ids without a number last
    assert got == ["1.1", "X2", "2.2", "2.10", "D9", "X10", "10.1", "11", "D14", "sanuki2022", "b"]


def test_citations_are_the_series_citation(con):
    assert store.citations(con) == store.series(con).loc[0, "citation"]
    assert "Cureus 14(1): e20939 (2022)" in store.citations(con)


def test_analgesic_change_counts_as_published(con):
    # Results para 2: "The analgesic dose was reduced in two patients, unchanged in six
    # patients, and increased in four patients."
    assert store.analgesic_change_counts(con) == (2, 6, 4)


def test_not_published_items_are_stored_in_order_with_their_location(con):
    items = store.not_published(con)
    assert list(items["item_id"]) == [f"N{i}" for i in range(1, 8)]
    assert items.loc[0, "topic"] == "No per-patient times."
    assert items["location"].str.len().min() > 0
    assert items.loc[4, "location"] == "Discussion para 9 (limitations)"


def test_literature_table_follows_its_column_spec(con):
    types = dict(
        con.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = 'literature' ORDER BY ordinal_position"
        ).fetchall()
    )
    assert list(types) == [c.name for c in COLUMNS]
    assert types["year"] == "INTEGER" and types["median_survival_months"] == "DOUBLE"
    assert types["responders_source"] == "VARCHAR"
    assert literature_ddl().count(" PRIMARY KEY") == 1


def test_case_details_provenance_follows_natural_order(con):
    prov = store.provenance(con)
    keys = list(dict.fromkeys(prov.loc[prov["table_name"] == "case_details", "row_key"]))
    assert keys == [f"D{i}" for i in range(1, 15)]


def test_every_value_read_from_the_paper_says_where(con):
    """A value the paper states (Table 1, Results, a case narrative) names its place in the paper:
    the event values stated for one patient (patient 4's relapse, Results para 2; patient 5 alive,
    her case narrative) had none."""
    prov = store.provenance(con)
    paper = prov[prov["source"].isin(["table1", "results_text", "case_narrative"])]
    assert not paper["location"].isna().any(), paper[paper["location"].isna()]
    events = prov[prov["table_name"] == "events"].set_index(["row_key", "column_name"])
    assert events.loc[("4", "relapse"), "location"] == "Results para 2"
    assert events.loc[("5", "death"), "location"] == "Case presentation: Patient 5"
    assert events.loc[("1", "relapse"), "location"] == "Case presentation: Patient 1"
