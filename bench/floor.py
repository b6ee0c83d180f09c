"""The floor every scale benchmark is measured against: DuckDB reading the same CSV files into
tables, every column as text (no checks, no types, nothing derived). A build or an import cannot
do less than read its files; its ratio to this floor is what the benchmarks report."""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path


def read_csv_floor(paths: Iterable[Path]) -> float:
    """CPU seconds (this process, all threads) for DuckDB to read each file into a table."""
    import duckdb

    con = duckdb.connect()
    t0 = time.process_time()
    for k, path in enumerate(paths):
        con.read_csv(str(path), all_varchar=True).create(f"t{k}")
    floor = time.process_time() - t0
    con.close()
    return floor
