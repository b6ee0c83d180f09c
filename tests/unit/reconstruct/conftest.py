"""The bundled Sanuki 2022 series as the reconstruct tests read it (CSV text, as a user would)."""

from __future__ import annotations

import pandas as pd
import pytest

from plexrt import reconstruct as R
from tests.unit.reconstruct.paper import SERIES


@pytest.fixture(scope="module")
def courses() -> pd.DataFrame:
    return pd.read_csv(SERIES / "courses.csv", dtype=str)


@pytest.fixture(scope="module")
def patients() -> pd.DataFrame:
    return pd.read_csv(SERIES / "patients.csv", dtype=str)


@pytest.fixture(scope="module")
def cons() -> list[R.Constraint]:
    return R.load_published_times(SERIES / "published_times.csv")


@pytest.fixture(scope="module")
def recs(courses, patients, cons) -> list[R.Reconstruction]:
    return [R.reconstruct(courses, patients, cons, seed=s) for s in range(50)]
