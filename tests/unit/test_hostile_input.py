"""Hostile input (issue 16 §4): URL parameters, the literature series form and the board's case form
take any input and give a result or a clear refusal, never an exception; text limits hold; SQL
injection strings reach both backends only as bound parameters and come back verbatim."""

from __future__ import annotations

import math

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plexrt.board.case import Case, CaseInputError, make_case
from plexrt.data import literature as lit
from plexrt.data.access import Principal
from plexrt.data.filters import DOSE_BOUNDS, KNOWN_PARAMS, CohortFilter, Options, from_query_params
from plexrt.data.literature_rules import validate_series
from plexrt.data.text_limits import CITATION_CHARS, NAME_CHARS, NOTE_CHARS
from plexrt.data.userstore import SeriesInvalid, UserStore
from plexrt.data.userstore import engine as eng
from tests.unit.own_frames import import_described, make_frames

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ANN = Principal("ann", "editor")
ADMIN = Principal("boss", "admin")
OPTS = Options(
    primary_cancers=("Gastric cancer", "Lung cancer"),
    primary_groups=("digestive", "thoracic"),
    course_ids=("1.1", "1.2", "2.1"),
)
NUMBERISH = st.one_of(
    st.text(max_size=30),
    st.from_regex(r"-?\d{1,400}(\.\d{1,5})?\s*[-–:]\s*-?\d{0,400}", fullmatch=True),
    st.sampled_from(["nan-inf", "1e300-", "-", "0-0", "25-25", "--5", "1.7976931348623157e308"]),
)
URL_VALUE = st.one_of(NUMBERISH, st.lists(NUMBERISH, max_size=3))


@SETTINGS
@given(st.dictionaries(st.one_of(st.sampled_from(KNOWN_PARAMS), st.text(max_size=20)), URL_VALUE))
def test_any_url_parameters_give_a_filter_and_notices(params):
    flt, notices = from_query_params(params, OPTS)
    assert isinstance(flt, CohortFilter) and all(isinstance(n, str) and n for n in notices)
    _, bound = flt.where()
    for value in bound:
        assert isinstance(value, str) or math.isfinite(value)
    lo, hi = DOSE_BOUNDS[flt.dose_metric]
    for v in (flt.dose_min, flt.dose_max):
        assert v is None or lo <= v <= hi
    for v in (flt.age_min, flt.age_max):
        assert v is None or 0 <= v <= 120
    again, more = from_query_params(flt.to_query_params(), OPTS)
    assert again == flt and more == []  # what the app writes back to the URL reads back the same


TEXT = st.text(max_size=60) | st.sampled_from(["", " ", "\x00", "<script>alert(1)</script>"])
FIELD = st.one_of(TEXT, st.integers(-(10**12), 10**12), st.floats(), st.none())


@SETTINGS
@given(st.fixed_dictionaries({}, optional={c.name: FIELD for c in lit.COLUMNS}))
def test_any_literature_form_gives_messages_or_none(record):
    messages = validate_series(record)
    assert all(isinstance(m, str) and m for m in messages)


@SETTINGS
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "primary_cancer": FIELD,
            "primary_group": FIELD,
            "involved_muscle": FIELD | st.sampled_from(["psoas", "Piriformis"]),
            "nrs_before": FIELD | st.integers(0, 10).map(str),
            "intent": FIELD | st.sampled_from(["palliative", "LC"]),
            "dose_gy": FIELD | st.sampled_from(["30", "8", "1e308", "inf"]),
            "fractions": FIELD | st.sampled_from(["10", "1", "0"]),
            "x" * 3: FIELD,
        },
    )
)
def test_any_case_form_gives_a_case_or_named_problems(raw):
    try:
        case = make_case(**raw)
    except CaseInputError as exc:
        assert exc.messages and all(m.split(":")[0] in exc.fields for m in exc.messages)
    else:
        assert isinstance(case, Case) and case.validate() == case


def test_text_limits_are_enforced_where_text_comes_in():
    base = {"citation": "Limit L. 2020", "n_patients": "5", "n_patients_source": "Table 1"}
    assert validate_series({**base, "citation": "c" * CITATION_CHARS}) == []
    assert validate_series({**base, "citation": "c" * (CITATION_CHARS + 1)}) == [
        f"citation: is longer than {CITATION_CHARS:,} characters ({CITATION_CHARS + 1:,})"
    ]
    assert validate_series({**base, "notes": "n" * (NOTE_CHARS + 1)})[0].startswith("notes:")
    assert validate_series({**base, "notes": "a\x00b"}) == ["notes: contains a NUL character"]
    with pytest.raises(CaseInputError, match="primary_cancer: is longer than 200"):
        make_case(
            primary_cancer="x" * 201,
            involved_muscle="psoas",
            nrs_before="8",
            intent="palliative",
            dose_gy="30",
            fractions="10",
        )


INJECTIONS = (
    "'; DROP TABLE user_series; --",
    "Robert'); DELETE FROM audit; --",
    "1' OR '1'='1",
    '" OR ""="',
    "x'||(SELECT version())||'",
    "$$; DROP TABLE own_courses; $$",
    ":name",
    "%(name)s ?",
    "\\'; COPY audit TO '/tmp/x'; --",
)


def _counts(store: UserStore) -> dict[str, int]:
    with eng.reading(store.location) as conn:
        return {
            t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar()  # noqa: S608
            for t in ("user_series", "user_cases", "own_series", "own_courses", "audit")
        }


def test_injection_strings_are_stored_verbatim_as_values(user_db):
    us = UserStore(user_db)
    case = make_case(
        primary_cancer=INJECTIONS[0],
        involved_muscle="psoas",
        nrs_before="8",
        intent="palliative",
        dose_gy="30",
        fractions="10",
    )
    for i, text in enumerate(INJECTIONS):
        record = {"citation": text, "notes": text, "n_patients": "4", "n_patients_source": text}
        us.add_series(ANN, record)
        us.save_case(ANN, case, label=text)
        us.apply_import(
            ANN, f"{text} {i}", make_frames(3, seed=i), pseudonymised=False, institution=text
        )
    assert _counts(us) == {
        "user_series": len(INJECTIONS),
        "user_cases": len(INJECTIONS),
        "own_series": len(INJECTIONS),
        "own_courses": sum(len(make_frames(3, seed=i).courses) for i in range(len(INJECTIONS))),
        "audit": 3 * len(INJECTIONS),
    }
    assert list(us.series(ANN)["citation"]) == list(INJECTIONS)
    assert list(us.series(ANN)["notes"]) == list(INJECTIONS)
    assert list(us.cases(ANN)["label"]) == list(INJECTIONS)
    assert set(us.cases(ANN)["primary_cancer"]) == {INJECTIONS[0]}
    names = set(us.own_series(ADMIN)["name"])
    assert names == {f"{t} {i}" for i, t in enumerate(INJECTIONS)}
    assert us.verify_audit().ok


def test_store_refuses_text_beyond_its_limits(user_db):
    us = UserStore(user_db)
    with pytest.raises(SeriesInvalid, match="label: is longer than 200"):
        us.save_case(
            ANN,
            make_case(
                involved_muscle="psoas",
                nrs_before="8",
                intent="palliative",
                dose_gy="30",
                fractions="10",
            ),
            label="l" * (NAME_CHARS + 1),
        )
    with pytest.raises(SeriesInvalid, match="contains a NUL character"):
        us.add_series(ANN, {"citation": "A\x00B 2020", "n_patients": "3", "n_patients_source": "T"})
    with pytest.raises(Exception, match="name: is longer than 200"):
        us.apply_import(ANN, "n" * (NAME_CHARS + 1), make_frames(2), pseudonymised=False)
    assert set(_counts(us).values()) == {0}  # nothing written, not even an audit entry


@pytest.mark.parametrize("field", ["name", "institution", "period"])
@pytest.mark.parametrize("hidden", ["\u202e", "\u200b", "\n"])
def test_an_own_series_is_not_named_with_hidden_characters(user_db, field, hidden):
    """A direction override (or a zero-width space, a line break) in an own series' name showed it
    in another order than written in the series picker, the sharing page and the audit filter,
    while a saved case's label and a literature citation refused it."""
    us = UserStore(user_db)
    text = {"name": "Ours", "institution": "Clinic", "period": "2015-2023"}
    text[field] = f"Ours {hidden}2023"
    with pytest.raises(SeriesInvalid, match=f"{field}: line breaks, control characters"):
        import_described(us, ANN, text)
    assert set(_counts(us).values()) == {0}
