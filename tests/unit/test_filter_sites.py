"""A filtered cohort cut from the whole series (``store.filter_sites``, what the pages use) is
the cohort the filter's query returns (``store.cohort(con, flt)``): the same sites, in the same
order, with the same values, on a synthetic registry with missing values."""

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plexrt.data import store
from plexrt.data.filters import CohortFilter
from plexrt.ingest.build import build_db
from plexrt.ingest.synth_bundled import write_bundled


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("filter-sites")
    write_bundled(tmp / "data", 400, 3)
    build_db(tmp / "data", tmp / "s.duckdb")
    con = store.connect(tmp / "s.duckdb")
    yield con, store.cohort(con), store.options(con)
    con.close()


def _same(con, sites, flt: CohortFilter) -> None:
    cut = store.filter_sites(sites, flt)
    queried = store.cohort(con, flt)
    # dtypes may differ: a cut keeps the whole series' nullable integers where a query of sites
    # without a missing value returns plain ones; the values are the same
    pd.testing.assert_frame_equal(cut, queried, check_dtype=False)


def test_missing_values_do_not_pass_a_range(registry):
    con, sites, _ = registry
    assert sites["age"].isna().any() and sites["nrs_before"].isna().any()
    flt = CohortFilter(age_min=0, nrs_min=0)
    cut = store.filter_sites(sites, flt)
    assert len(cut) == int((sites["age"].notna() & sites["nrs_before"].notna()).sum())
    _same(con, sites, flt)


def test_no_site_passes(registry):
    con, sites, _ = registry
    flt = CohortFilter(age_min=119)
    assert store.filter_sites(sites, flt).empty
    _same(con, sites, flt)


def test_hostile_values_are_bound_not_run(registry):
    con, sites, _ = registry
    flt = CohortFilter(primary_cancers=("x') OR TRUE --",), exclude=("'; DROP TABLE x; --",))
    assert store.filter_sites(sites, flt).empty
    _same(con, sites, flt)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_filter_cuts_what_its_query_returns(registry, data):
    con, sites, opts = registry

    def subset(values):
        return tuple(data.draw(st.lists(st.sampled_from(values), unique=True, max_size=2)))

    def bound(lo, hi):
        return data.draw(st.none() | st.integers(lo, hi))

    age = sorted([bound(20, 95), bound(20, 95)], key=lambda v: (v is None, v or 0))
    flt = CohortFilter(
        primary_cancers=subset(opts.primary_cancers),
        primary_groups=subset(opts.primary_groups),
        muscles=subset(opts.muscles),
        intents=subset(opts.intents),
        sexes=subset(opts.sexes),
        age_min=age[0],
        age_max=None if age[1] is not None and age[0] is not None and age[1] < age[0] else age[1],
        nrs_min=bound(0, 10),
        dose_metric=data.draw(st.sampled_from(["dpf", "eqd2"])),
        dose_max=data.draw(st.none() | st.floats(1, 60)),
        exclude=subset(opts.course_ids[:50]),
    )
    _same(con, sites, flt)
