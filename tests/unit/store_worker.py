"""A second program using the user store, for the tests that need real processes.

``python -m tests.unit.store_worker imports TARGET N_PATIENTS`` imports series 0, 1, 2, ... of
N_PATIENTS patients each, printing "committed I" after each; ``... follow-up TARGET SERIES_ID
WORKER N`` records N follow-up assessments and N literature series, then prints "done".
"""

from __future__ import annotations

import sys

from plexrt.data.access import Principal
from plexrt.data.userstore import Change, UserStore
from tests.unit.own_frames import make_frames

WORKER = Principal("worker", "editor")


def imports(target: str, n_patients: int) -> None:
    us = UserStore(target, busy_wait_s=60)
    i = 0
    while True:
        us.apply_import(WORKER, f"Series {i}", make_frames(n_patients, seed=i), pseudonymised=False)
        print(f"committed {i}", flush=True)
        i += 1


def follow_up(target: str, series_id: str, worker: int, n: int) -> None:
    us = UserStore(target, busy_wait_s=60)
    frames = us.series_frames(WORKER, series_id)
    patient = str(frames.courses["patient_id"].iloc[0])
    for i in range(n):
        number = 1000 * (worker + 1) + i
        us.record_follow_up(
            WORKER, series_id, [Change.add("assessments", (patient, 1, number), day=number, nrs=3)]
        )
        us.add_series(
            WORKER,
            {
                "citation": f"Worker{worker} {i}. J 2024",
                "n_patients": "5",
                "n_patients_source": "T1",
            },
        )
    print("done", flush=True)


if __name__ == "__main__":
    command, target, *rest = sys.argv[1:]
    if command == "imports":
        imports(target, int(rest[0]))
    else:
        follow_up(target, rest[0], int(rest[1]), int(rest[2]))
