"""Own-series import at 1k / 10k / 100k synthetic courses (`plexrt synth`): CPU seconds of reading,
of the checks + de-identification (everything else `prepare_import` does), peak memory, beside the
DuckDB `read_csv` floor of the same files. Each size runs in a fresh process (peak memory is the
process's). CPU seconds, because the machine is shared; wall seconds are printed too.

    .venv/bin/python bench/own_import_scale.py [1000 10000 100000]
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def measure(folder: str) -> dict:
    """Run in the child process: read, then the whole import, then the DuckDB floor."""
    import resource

    import duckdb

    from plexrt.data.own_readers import read_path
    from plexrt.ingest.own_import import prepare_import

    c, a = Path(folder) / "courses.csv", Path(folder) / "assessments.csv"
    t0, w0 = time.process_time(), time.perf_counter()
    read_path(c), read_path(a, "assessments")
    read_cpu = time.process_time() - t0
    t0, w0 = time.process_time(), time.perf_counter()
    result = prepare_import(c, a)
    total_cpu, total_wall = time.process_time() - t0, time.perf_counter() - w0
    assert result.ok, result.report.problems[:3]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    con = duckdb.connect()
    t0 = time.process_time()
    for path in (c, a):
        con.execute("SELECT count(*) FROM read_csv(?, all_varchar = true)", [str(path)]).fetchall()
    floor = time.process_time() - t0
    return {
        "courses": len(result.frames.courses),
        "assessments": len(result.frames.assessments),
        "read_cpu": read_cpu,
        "checks_cpu": total_cpu - read_cpu,
        "total_cpu": total_cpu,
        "total_wall": total_wall,
        "peak_mb": peak,
        "floor_cpu": floor,
    }


def main(sizes: list[int]) -> None:
    from plexrt.ingest.synth import write_registry

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            folder = Path(tmp) / str(n)
            write_registry(folder, n)  # what `plexrt synth --courses N --out DIR` writes
            out = subprocess.run(
                [sys.executable, __file__, "--child", str(folder)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            rows.append(json.loads(out.strip().splitlines()[-1]))
    print(
        "| courses | assessments | read (CPU s) | checks + de-identification (CPU s) | whole import (CPU s / wall s) | peak memory | DuckDB read_csv floor (CPU s) | import / floor |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['courses']:,} | {r['assessments']:,} | {r['read_cpu']:.2f} | {r['checks_cpu']:.2f} | "
            f"{r['total_cpu']:.2f} / {r['total_wall']:.2f} | {r['peak_mb']:.0f} MB | "
            f"{r['floor_cpu']:.2f} | {r['total_cpu'] / max(r['floor_cpu'], 1e-3):.1f}x |"
        )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        sys.path.insert(0, str(ROOT / "src"))
        print(json.dumps(measure(sys.argv[2])))
    else:
        main([int(a) for a in sys.argv[1:]] or [1000, 10000, 100000])
