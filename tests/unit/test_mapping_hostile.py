"""The import's column-mapping form under hostile input (issue 16 §4): any headers, any remembered
mapping (JSON kept with the series), any per-column choices give a mapping or the form's problems,
and the import it drives gives frames or a clear refusal, never an exception. A mapping the store
keeps reads back the same."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plexrt.data.own_template import ASSESSMENTS, COURSES, known_columns
from plexrt.ingest import own_mapping as om
from plexrt.ingest.own_import import Upload, prepare_import
from tests.unit.own_files import COURSE_HEADER, GOOD_COURSES, csv_text
from tests.unit.test_own_hostile import outcome_is_clear

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TABLE = st.sampled_from([COURSES, ASSESSMENTS])
# Headers as departments write them: template names in any case, synonyms, junk, duplicates.
HEADER = st.one_of(
    st.sampled_from([*known_columns(COURSES), "Patient ID", "Dose (Gy)", "Gender", " AGE ", ""]),
    st.text(max_size=15),
)
HEADERS = st.lists(HEADER, max_size=8)
JSONISH = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=10)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=10), inner, max_size=3)
    ),
    max_leaves=8,
)


@SETTINGS
@given(st.one_of(JSONISH.map(json.dumps), st.text(max_size=40), JSONISH))
def test_any_remembered_mapping_reads_as_a_mapping_or_nothing(text):
    mapping = om.stored_mapping(text)
    assert set(mapping) <= {COURSES, ASSESSMENTS}
    assert all(
        isinstance(h, str) and isinstance(c, str) for m in mapping.values() for h, c in m.items()
    )


@SETTINGS
@given(st.dictionaries(TABLE, st.dictionaries(HEADER, HEADER, max_size=4), max_size=2))
def test_a_kept_mapping_reads_back_the_same(mapping):
    assert om.stored_mapping(json.dumps(mapping)) == mapping


def test_a_remembered_header_with_no_name_is_not_proposed():
    # found by the property below: the form drops a nameless header, so the proposal must too
    assert om.proposed([""], COURSES, {"": "patient_id"}) == {}
    assert om.from_choices(om.by_column({"": "patient_id"})) == ({}, [])


@SETTINGS
@given(HEADERS, TABLE, st.dictionaries(HEADER, HEADER, max_size=4))
def test_any_headers_get_a_proposal_of_each_header_and_column_once(headers, table, remembered):
    proposal = om.proposed(headers, table, remembered)
    assert set(proposal) <= set(headers)
    assert set(proposal.values()) <= set(known_columns(table))
    assert len(set(proposal.values())) == len(proposal)
    assert isinstance(om.needs_review(headers, table, proposal), bool)
    # the form starts from the proposal and gives it back unchanged
    assert om.from_choices(om.by_column(proposal)) == (proposal, [])


@SETTINGS
@given(
    st.dictionaries(
        st.sampled_from(known_columns(COURSES)),
        st.one_of(st.none(), st.sampled_from(COURSE_HEADER.split(",")), HEADER),
    )
)
def test_any_choices_give_a_mapping_or_problems_and_the_import_reads_or_refuses(choices):
    mapping, problems = om.from_choices(choices)
    assert all(isinstance(p, str) and p for p in problems)
    assert len(set(mapping)) == len(mapping) and set(mapping.values()) <= set(choices)
    if problems:
        return  # the form shows them; nothing is read
    data = csv_text(COURSE_HEADER, GOOD_COURSES).encode()
    outcome_is_clear(prepare_import(Upload("c.csv", data), mapping={COURSES: mapping}))


@SETTINGS
@given(st.binary(max_size=400), st.one_of(st.none(), st.binary(max_size=200)))
def test_any_files_give_their_headers_or_none(courses, assessments):
    pair = None if assessments is None else (assessments, "a.csv")
    headers = om.file_headers(courses, "c.csv", pair)
    assert set(headers) <= {COURSES, ASSESSMENTS}
    assert all(isinstance(h, str) for hs in headers.values() for h in hs)
