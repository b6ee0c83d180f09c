"""The background job the time-to-event page draws the reconstruction ensemble in: progress,
result, cancel (a cancellation token asked before each step) and failure. Threads are
coordinated with events, never with sleeps."""

from __future__ import annotations

import threading

import pandas as pd
import pytest

from plexrt.data import store
from plexrt.ingest.background import CANCELLED, DONE, FAILED, BackgroundJob
from plexrt.ingest.ensemble import reconstruction_draws
from plexrt.reconstruct.ensemble import Cancelled


def _steps(n, gate=None, reached=None):
    """Work of ``n`` steps; before step ``gate[0]`` it waits for ``gate[1]`` (and says so)."""

    def work(progress, cancelled):
        for k in range(n):
            if gate is not None and k == gate[0]:
                reached.set()
                gate[1].wait(10)
            if cancelled():
                raise Cancelled(f"after {k}")
            progress(k + 1, n)
        return sum(range(n))

    return work


def test_job_runs_to_its_result_with_progress():
    job = BackgroundJob(_steps(5))
    assert job.wait(10)
    assert job.state == DONE and job.result() == 10 and job.progress == (5, 5)


def test_cancel_stops_before_the_next_step_and_gives_no_result():
    go, reached = threading.Event(), threading.Event()
    job = BackgroundJob(_steps(10, gate=(3, go), reached=reached))
    assert reached.wait(10)
    assert job.state == "running" and job.progress == (3, 10)
    job.cancel()
    go.set()
    assert job.wait(10)
    assert job.state == CANCELLED and job.progress == (3, 10)
    with pytest.raises(RuntimeError, match="cancelled"):
        job.result()


def test_a_failing_job_keeps_its_error():
    def work(progress, cancelled):
        raise ValueError("bad input")

    job = BackgroundJob(work)
    assert job.wait(10)
    assert job.state == FAILED and isinstance(job.error, ValueError)
    with pytest.raises(ValueError, match="bad input"):
        job.result()


def test_ensemble_reports_each_draw_and_stops_when_cancelled(con):
    seen: list[tuple[int, int]] = []
    draws = reconstruction_draws(con, 4, progress=lambda d, t: seen.append((d, t)))
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]
    # the same draws as without a progress callback (seeded: draw k = seed + k)
    plain = reconstruction_draws(con, 4)
    for a, b in zip(draws, plain, strict=True):
        pd.testing.assert_frame_equal(a, b)

    asked = []

    def cancelled():
        asked.append(1)
        return len(asked) > 2  # cancel before the third draw

    with pytest.raises(Cancelled, match="after 2 of 4"):
        reconstruction_draws(con, 4, cancelled=cancelled)


def test_ensemble_in_a_background_job_cancelled_midway(con):
    """The page's path: the draws in a BackgroundJob, cancelled after the first draw."""
    first, go = threading.Event(), threading.Event()
    cursor = con.cursor()

    def progress_hook(progress):
        def hook(done, total):
            progress(done, total)
            if done == 1:
                first.set()
                go.wait(10)

        return hook

    job = BackgroundJob(
        lambda progress, cancelled: reconstruction_draws(
            cursor, 5, progress=progress_hook(progress), cancelled=cancelled
        )
    )
    assert first.wait(60)
    job.cancel()
    go.set()
    assert job.wait(60)
    assert job.state == CANCELLED and job.progress == (1, 5)
    assert isinstance(job.error, Cancelled)
    assert store.published_times(con).shape[0] > 0  # the series needs reconstruction at all
