"""The patient at the board (``Case``) and the validation of the case form.

A radiation oncologist enters the patient being discussed: primary cancer, involved muscle,
baseline pain, intent and planned dose. ``make_case`` turns the form's text into a ``Case`` or
refuses it with one message per problem, each naming its field.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, TypedDict

from plexrt.clinical import dose
from plexrt.data.deidentify import private_text_problem
from plexrt.data.own_template import (
    DOSE_GY_MAX,
    DOSE_PER_FRACTION_GY_MAX,
    FRACTIONS_RANGE,
    NRS_RANGE,
)
from plexrt.data.text_limits import CODE_CHARS, text_problem
from plexrt.data.values import is_missing, number_problem, parse_number
from plexrt.data.vocab import (
    INTENT_ALIASES,
    INTENTS,
    MUSCLE_ALIASES,
    MUSCLES,
    PRIMARY_GROUPS,
    canonical_cancer,
    known_group,
)


class Limits(TypedDict):
    nrs: tuple[int, int]  # lowest and highest score of the 0-10 numeric rating scale
    dose_gy_max: float  # highest total dose (Gy)
    fractions: tuple[int, int]  # fewest and most fractions
    dose_per_fraction_gy_max: float  # highest dose per fraction (Gy)


#: Plausibility limits of the form; beyond them the input is almost surely a typo. The same
#: ranges check a department's own series (one home: ``plexrt.data.own_template``).
LIMITS: Limits = {
    "nrs": NRS_RANGE,
    "dose_gy_max": DOSE_GY_MAX,
    "fractions": FRACTIONS_RANGE,
    "dose_per_fraction_gy_max": DOSE_PER_FRACTION_GY_MAX,
}


class CaseInputError(ValueError):
    """The case was refused; ``messages`` lists every problem, each starting with its field name
    (``"nrs_before: ..."``); ``fields`` lists those names in the same order."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.fields = [f for f, _ in problems]
        self.messages = [f"{f}: {m}" for f, m in problems]
        super().__init__("; ".join(self.messages))


@dataclass(frozen=True)
class Case:
    """The patient at the board. ``primary_cancer`` and ``primary_group`` may be None (unknown);
    a missing group is filled from a primary cancer listed in ``KNOWN_PRIMARY_CANCERS``.

    Build it from form input with ``make_case``; ``validate()`` checks a directly built case.
    """

    primary_cancer: str | None
    primary_group: str | None
    involved_muscle: str
    nrs_before: int
    intent: str
    dose_gy: float
    fractions: int

    def __post_init__(self) -> None:
        if self.primary_group is None:
            group = known_group(self.primary_cancer)
            if group is not None:
                object.__setattr__(self, "primary_group", group)

    def validate(self) -> Case:
        """Return the case itself, or raise CaseInputError listing every problem by field."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        converted, problems = _convert(values)
        # A directly built case must already hold clean values: '8' or 'Psoas' are form input.
        for name in (
            "involved_muscle",
            "intent",
            "primary_group",
            "nrs_before",
            "fractions",
            "dose_gy",
        ):
            problems += _not_clean(name, converted, values)
        problems += _check(converted)
        if problems:
            raise CaseInputError(problems)
        return self

    @property
    def regimen(self) -> str:
        """'39 Gy/13'."""
        return dose.regimen_label(float(self.dose_gy), int(self.fractions))


def _not_clean(
    name: str, converted: dict[str, Any], values: dict[str, Any]
) -> list[tuple[str, str]]:
    """A problem when the field converted to something else than it holds (text vs number)."""
    if name not in converted:
        return []
    a, b = converted[name], values[name]
    if isinstance(b, str) == isinstance(a, str) and a == b:
        return []
    msg = f"{b!r} is form input; build the case with make_case() to convert it"
    return [(name, msg)]


def make_case(**raw: Any) -> Case:
    """Build a validated Case from form input (text or numbers).

    Converts '8' -> 8, 'Psoas'/'iliopsoas' -> 'psoas', 'local control'/'LC' -> 'local_control',
    known primary cancers to their canonical name ('gastric' -> 'Gastric cancer'); fills the primary
    group from a known primary cancer when it is not given. Raises CaseInputError (a ValueError)
    whose ``messages`` name the field of every problem: NRS a whole number 0-10; dose > 0 and
    <= 80 Gy; fractions a whole number 1-40; dose per fraction <= 25 Gy; muscle, intent and group
    among the allowed values; a given group consistent with a known cancer; no unknown fields.
    """
    converted, problems = _convert(raw)
    problems += _check(converted)
    if problems:
        raise CaseInputError(problems)
    return Case(**converted)


def checked_case(case: Any) -> Case:
    """``case`` when it is a valid Case; ValueError (CaseInputError for bad values) otherwise."""
    if not isinstance(case, Case):
        raise ValueError(f"case must be a plexrt.board.case.Case, got {type(case).__name__}")
    return case.validate()


# ---------------------------------------------------------------------------------------------
# Form values -> clean values
# ---------------------------------------------------------------------------------------------


def _number(v: Any, *, whole: bool) -> tuple[float | int | None, str | None]:
    """Form value -> finite number (int when ``whole``), or (None, message)."""
    if is_missing(v):
        return None, "is required"
    problem = number_problem(v, whole=whole)
    if problem:
        return None, problem
    return parse_number(v, whole=whole), None


def _choice(
    v: Any, allowed: tuple[str, ...], aliases: dict[str, str]
) -> tuple[str | None, str | None]:
    """A coded value from what was typed ('Local-control', 'LC' -> 'local_control'), or a message."""
    if is_missing(v):
        return None, "is required"
    if not isinstance(v, str):
        return None, f"must be one of {', '.join(allowed)}, got {v!r}"
    key = " ".join(v.strip().lower().replace("-", " ").split())
    key = aliases.get(key, key)
    if key.replace(" ", "_") in allowed:
        return key.replace(" ", "_"), None
    return None, f"must be one of {', '.join(allowed)}, got {v!r}"


def _cancer_problem(cancer: object) -> str | None:
    """What keeps a typed primary cancer out of a case (None when it can be kept)."""
    if not isinstance(cancer, str):
        return f"must be text, got {cancer!r}"
    # The case is a patient at the board, and a saved case keeps this text: no calendar date of a
    # patient is kept (as in an own series' primary_cancer), nor an identifier that can be seen.
    return text_problem(cancer, CODE_CHARS) or private_text_problem(cancer)


def _convert(raw: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Form values -> clean values; fields that fail to convert are left out of the result."""
    out: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    known = {f.name for f in fields(Case)}
    for name in raw:
        if name not in known:
            problems.append((name, f"is not a case field (fields: {', '.join(sorted(known))})"))

    cancer = raw.get("primary_cancer")
    problem = None if is_missing(cancer) else _cancer_problem(cancer)
    if problem:
        problems.append(("primary_cancer", problem))
    else:
        out["primary_cancer"] = canonical_cancer(cancer) if isinstance(cancer, str) else None

    # The primary group may be left empty (unknown); muscle and intent are required.
    choices: list[tuple[str, tuple[str, ...], dict[str, str]]] = [
        ("involved_muscle", MUSCLES, MUSCLE_ALIASES),
        ("intent", INTENTS, INTENT_ALIASES),
    ]
    if is_missing(raw.get("primary_group")):
        out["primary_group"] = None
    else:
        choices.insert(0, ("primary_group", PRIMARY_GROUPS, {}))
    for name, allowed, aliases in choices:
        value, msg = _choice(raw.get(name), allowed, aliases)
        if msg:
            problems.append((name, msg))
        else:
            out[name] = value

    for name, whole in (("nrs_before", True), ("dose_gy", False), ("fractions", True)):
        number, msg = _number(raw.get(name), whole=whole)
        if msg:
            problems.append((name, msg))
        else:
            out[name] = number
    return out, problems


# ---------------------------------------------------------------------------------------------
# Range and consistency checks
# ---------------------------------------------------------------------------------------------


def _check(v: dict[str, Any]) -> list[tuple[str, str]]:
    """Range and consistency checks on converted values (missing keys failed conversion)."""
    problems = _check_nrs(v) + _check_dose(v)
    known = known_group(v.get("primary_cancer"))
    group = v.get("primary_group")
    if known is not None and group is not None and group != known:
        problems.append(
            (
                "primary_group",
                f"{group!r} does not match primary_cancer "
                f"{v['primary_cancer']!r}, which is {known}",
            )
        )
    return problems


def _check_nrs(v: dict[str, Any]) -> list[tuple[str, str]]:
    lo, hi = LIMITS["nrs"]
    if "nrs_before" in v and not lo <= v["nrs_before"] <= hi:
        return [("nrs_before", f"NRS must be a whole number {lo}-{hi}, got {v['nrs_before']}")]
    return []


def _check_dose(v: dict[str, Any]) -> list[tuple[str, str]]:
    """Total dose, fractions, and the dose per fraction when both are plausible."""
    problems: list[tuple[str, str]] = []
    dose_max = LIMITS["dose_gy_max"]
    dose_ok = "dose_gy" in v
    if dose_ok and not 0 < v["dose_gy"] <= dose_max:
        problems.append(
            ("dose_gy", f"total dose must be > 0 and <= {dose_max:g} Gy, got {v['dose_gy']:g}")
        )
        dose_ok = False
    f_lo, f_hi = LIMITS["fractions"]
    fx_ok = "fractions" in v
    if fx_ok and not f_lo <= v["fractions"] <= f_hi:
        problems.append(
            ("fractions", f"must be a whole number {f_lo}-{f_hi}, got {v['fractions']}")
        )
        fx_ok = False
    if dose_ok and fx_ok:
        dpf = v["dose_gy"] / v["fractions"]
        dpf_max = LIMITS["dose_per_fraction_gy_max"]
        if dpf > dpf_max:
            problems.append(
                (
                    "dose_per_fraction",
                    f"dose_gy / fractions = {dpf:g} Gy per fraction exceeds {dpf_max:g} Gy",
                )
            )
    return problems
