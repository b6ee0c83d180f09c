"""Shared fixtures: every test session builds its own store from data/ into a temporary file.

Tests are hermetic: they read only the repository (data/, tests/fixtures/), never shared reference
files beside it. In CI (CI=true) a skipped test fails: what CI does not run, it must not report as
passed (locally, tests that need Chromium are skipped when it is missing, with the reason shown).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
ARTIFACTS = ROOT / "test-artifacts"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") == "true" and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"CI=true: a test may not be skipped in CI ({reason})"


@pytest.fixture(scope="session", autouse=True)
def test_db(tmp_path_factory) -> Path:
    """Build the bundled store once per session and point PLEXRT_DB (and the app) at it."""
    from plexrt.ingest.build import build_db

    path = tmp_path_factory.mktemp("db") / "plexrt.duckdb"
    build_db(DATA, path)
    os.environ["PLEXRT_DB"] = str(path)
    os.environ["PLEXRT_USER_DB"] = str(path.with_name("user.duckdb"))
    # pages wait for the reconstruction ensemble instead of showing its progress bar
    os.environ["PLEXRT_ENSEMBLE_WAIT_S"] = "600"

    return path


@pytest.fixture(scope="session")
def con(test_db):
    from plexrt.data import store

    c = store.connect(test_db)
    yield c
    c.close()


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A writable copy of data/ (CSV files only) for breaking on purpose."""
    dest = tmp_path / "data"
    shutil.copytree(DATA, dest, ignore=shutil.ignore_patterns("*.duckdb*", ".*", "user"))
    return dest


# -- the user store on both backends ---------------------------------------------------------

BACKENDS = ("duckdb", "postgresql")


def _started_pg_server():
    """Debian's PostgreSQL started on a free local port. Missing PostgreSQL skips locally and
    fails under CI=true (scripts/ensure-postgres.sh)."""
    from tests.pgserver import PgServer, find_bin

    if find_bin() is None:
        message = (
            "PostgreSQL is not installed: scripts/ensure-postgres.sh installs Debian's package"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return PgServer().start()


@pytest.fixture(scope="session")
def pg_server():
    """One PostgreSQL server for the whole test session (stopped at the end)."""
    server = _started_pg_server()
    yield server
    server.stop()


@pytest.fixture
def pg_server_alone():
    """A PostgreSQL server of one test's own, which the test may stop and start (an outage)."""
    server = _started_pg_server()
    yield server
    server.stop()


@pytest.fixture(params=BACKENDS)
def user_db(request, tmp_path) -> str:
    """A new, empty user database on each backend: a DuckDB file, or a PostgreSQL database."""
    from plexrt.data.userstore import engine

    if request.param == "duckdb":
        target = str(tmp_path / "user.duckdb")
    else:
        target = request.getfixturevalue("pg_server").new_database()
    yield target
    engine.release(engine.locate(target))
