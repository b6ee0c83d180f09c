"""The notebook API of the top-level package: every documented name resolves to the object of its
home module, and ``import plexrt`` stays light (no plotting, fitting or database library)."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import pytest

import plexrt

HEAVY = ("streamlit", "plotly", "lifelines", "scipy", "duckdb", "kaleido", "pptx", "statsmodels")


def _loaded_after(statement: str) -> list[str]:
    code = (
        f"import json, sys; {statement}; "
        f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_import_plexrt_loads_no_heavy_library():
    assert _loaded_after("import plexrt") == []


def test_importing_the_survival_statistics_does_not_load_lifelines():
    loaded = _loaded_after("import plexrt.stats.survival")
    assert "lifelines" not in loaded and "streamlit" not in loaded and "plotly" not in loaded


@pytest.mark.parametrize(
    ("name", "home"),
    [
        ("kaplan_meier", "plexrt.stats.survival"),
        ("logrank", "plexrt.stats.survival"),
        ("cumulative_incidence", "plexrt.stats.survival"),
        ("cox_hazard_ratio", "plexrt.stats.survival"),
        ("proportion_ci", "plexrt.stats.proportions"),
        ("proportion", "plexrt.stats.proportions"),
        ("pool_proportions", "plexrt.stats.meta"),
        ("bed", "plexrt.clinical.dose"),
        ("eqd2", "plexrt.clinical.dose"),
        ("DAYS_PER_MONTH", "plexrt.stats.timescale"),
        ("connect", "plexrt.data.store"),
        ("cohort", "plexrt.data.store"),
        ("events", "plexrt.data.store"),
        ("course_events", "plexrt.data.store"),
        ("literature", "plexrt.data.store"),
        ("series", "plexrt.data.store"),
    ],
)
def test_documented_name_is_the_object_of_its_home_module(name, home):
    assert name in plexrt.__all__ and name in dir(plexrt)
    assert getattr(plexrt, name) is getattr(importlib.import_module(home), name)


def test_every_exported_name_resolves():
    for name in plexrt.__all__:
        assert getattr(plexrt, name) is not None, name
    assert plexrt.DAYS_PER_MONTH == 365.25 / 12


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no_such_thing"):
        plexrt.no_such_thing  # noqa: B018
    from plexrt import stats  # a subpackage is still imported as usual

    assert stats.__name__ == "plexrt.stats"
