"""Where the bundled data folder and the bundled store live (environment variables win)."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"


def default_data_dir() -> Path:
    """``$PLEXRT_DATA`` if set, else the project's ``data/`` folder."""
    env = os.environ.get("PLEXRT_DATA")
    return Path(env) if env else DEFAULT_DATA_DIR


def default_db_path() -> Path:
    """``$PLEXRT_DB`` if set, else ``data/plexrt.duckdb`` in the project."""
    env = os.environ.get("PLEXRT_DB")
    return Path(env) if env else DEFAULT_DATA_DIR / "plexrt.duckdb"
