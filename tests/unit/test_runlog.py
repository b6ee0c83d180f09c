"""The run log: one JSON line per script run when PLEXRT_RUN_LOG names a file, nothing otherwise."""

from __future__ import annotations

import json
import logging

import pytest

from plexrt.ui import runlog


def test_a_run_is_written_with_its_page(tmp_path, monkeypatch):
    path = tmp_path / "runs.jsonl"
    monkeypatch.setenv(runlog.ENV, str(path))
    with runlog.timed() as run:
        run.page = "pain"
    with runlog.timed() as run:
        run.page = "cohort"
    lines = [json.loads(x) for x in path.read_text().splitlines()]
    assert [x["page"] for x in lines] == ["pain", "cohort"]
    assert set(lines[0]) == {"page", "wall_s", "cpu_s"}
    assert [r.page for r in runlog.read(path)] == ["pain", "cohort"]
    assert all(r.wall_s >= 0 and r.cpu_s >= 0 for r in runlog.read(path))


def test_a_run_that_stops_early_is_still_written(tmp_path, monkeypatch):
    """st.stop and a rerun end a script run with an exception; the run still counts."""
    path = tmp_path / "runs.jsonl"
    monkeypatch.setenv(runlog.ENV, str(path))

    class StopException(Exception):
        pass

    with pytest.raises(StopException), runlog.timed() as run:
        run.page = "compare"
        raise StopException
    assert [r.page for r in runlog.read(path)] == ["compare"]


def test_nothing_is_written_when_unset(tmp_path, monkeypatch):
    monkeypatch.delenv(runlog.ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    with runlog.timed() as run:
        run.page = "pain"
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_log_loses_only_the_timing(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv(runlog.ENV, str(tmp_path))  # a directory: open() fails
    with caplog.at_level(logging.WARNING, logger="plexrt"), runlog.timed() as run:
        run.page = "pain"
    assert "could not write the run log" in caplog.text


def test_read_skips_a_line_cut_short(tmp_path):
    path = tmp_path / "runs.jsonl"
    good = runlog.Run("data", 0.25, 0.125).line()
    path.write_text(good + "\n" + good[:12] + "\n" + '{"page": "x"}\n')
    assert runlog.read(path) == [runlog.Run("data", 0.25, 0.125)]
