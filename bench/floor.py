"""The scale benchmarks' common ground: the floor they are measured against, DuckDB reading the
same CSV files into tables, every column as text (no checks, no types, nothing derived: a build or
an import cannot do less than read its files; its ratio to this floor is what they report), and
the run of one fresh process per size."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
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


def per_size(
    script: str,
    sizes: Iterable[int],
    write_data: Callable[[Path, int], None],
    table: Callable[[list[dict]], str],
    child_args: Sequence[str] = (),
) -> str:
    """Each size measured in a fresh process (``script --child FOLDER [child_args]``, whose last
    line of output is its figures as JSON) on data ``write_data(folder, size)`` writes; printed
    as it goes. Returns the block a benchmark page holds: the run line, then ``table(rows)``."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            folder = Path(tmp) / f"d{n}"
            write_data(folder, n)
            cmd = [sys.executable, script, "--child", str(folder), *child_args]
            run = subprocess.run(cmd, capture_output=True, text=True)
            if run.returncode:
                raise SystemExit(f"{n:,} courses: the measuring process failed:\n{run.stderr}")
            rows.append(json.loads(run.stdout.strip().splitlines()[-1]))
            print(table(rows[-1:]), flush=True)
    return (
        f"Run of {time.strftime('%Y-%m-%d')} · {os.cpu_count()} CPUs (load average "
        f"{os.getloadavg()[0]:.1f} at the end) · CPU seconds of one process per size\n\n"
        + table(rows)
    )
