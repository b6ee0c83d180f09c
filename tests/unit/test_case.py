"""The case form: conversion of what is typed and validation, every problem named by its field
(plexrt.board.case)."""

from __future__ import annotations

import pytest

from plexrt.board.case import Case, CaseInputError, make_case
from tests.unit.board_cases import GOOD


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("nrs_before", 11),
        ("nrs_before", -1),
        ("nrs_before", 7.5),
        ("nrs_before", "seven"),
        ("nrs_before", True),
        ("nrs_before", None),
        ("dose_gy", 0),
        ("dose_gy", -3),
        ("dose_gy", 80.5),
        ("dose_gy", "abc"),
        ("dose_gy", float("nan")),
        ("fractions", 0),
        ("fractions", 41),
        ("fractions", 2.5),
        ("fractions", ""),
        ("involved_muscle", "quadratus"),
        ("involved_muscle", None),
        ("intent", "curative"),
        ("intent", 3),
        ("primary_group", "haematological"),
        ("primary_group", "gastrointestinal"),  # bladder cancer is urological
        ("primary_cancer", 42),
    ],
)
def test_each_invalid_field_is_named(field, value):
    with pytest.raises(CaseInputError) as info:
        make_case(**{**GOOD, field: value})
    assert info.value.fields == [field]
    assert info.value.messages[0].startswith(f"{field}: ")
    assert isinstance(info.value, ValueError)


def test_dose_per_fraction_limit_and_all_problems_reported_together():
    # 26 Gy in 1 fraction: 26 > 25 Gy per fraction; 25 Gy/1 is allowed
    with pytest.raises(CaseInputError) as info:
        make_case(**{**GOOD, "dose_gy": 26, "fractions": 1})
    assert info.value.fields == ["dose_per_fraction"]
    assert "dose_gy / fractions" in info.value.messages[0]
    assert make_case(**{**GOOD, "dose_gy": 25, "fractions": 1}).dose_gy == 25
    with pytest.raises(CaseInputError) as info:
        make_case(
            primary_group="x",
            involved_muscle="x",
            nrs_before=12,
            intent="x",
            dose_gy=100,
            fractions=50,
            colour="blue",
        )
    assert sorted(info.value.fields) == sorted(
        [
            "colour",
            "primary_group",
            "involved_muscle",
            "intent",
            "nrs_before",
            "dose_gy",
            "fractions",
        ]
    )
    for msg, field in zip(info.value.messages, info.value.fields, strict=True):
        assert msg.startswith(f"{field}: ")


def test_form_input_is_converted_and_group_derived():
    case = make_case(
        primary_cancer=" gastric ",
        primary_group="",
        involved_muscle="Iliopsoas",
        nrs_before="8",
        intent="LC",
        dose_gy="59.4",
        fractions="33",
    )
    assert case == Case("Gastric cancer", "gastrointestinal", "psoas", 8, "local_control", 59.4, 33)
    # limits are inclusive: NRS 0 and 10, 80 Gy, 40 fractions
    assert make_case(**{**GOOD, "nrs_before": 10, "dose_gy": 80, "fractions": 40}).nrs_before == 10
    assert make_case(**{**GOOD, "nrs_before": 0}).nrs_before == 0
    # an unlisted primary cancer keeps an unknown group unless one is given
    assert make_case(**{**GOOD, "primary_cancer": "Myxoid liposarcoma"}).primary_group is None
    # directly built cases are checked too; the group is filled from a known cancer
    direct = Case("Ovarian cancer", None, "psoas", 9, "palliative", 39.0, 13)
    assert direct.validate().primary_group == "gynecological"
    with pytest.raises(CaseInputError) as info:
        Case(None, None, "Psoas", 12, "palliative", 39.0, 13).validate()
    assert sorted(info.value.fields) == ["involved_muscle", "nrs_before"]
