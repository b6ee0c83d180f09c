"""Hostile input to the curve files of `plexrt curve` and the curve form (issue 16 §4): any bytes
as digitised points or as a risk table, any text in the curve's details, and any readable pair of
files given to the reconstruction give a result or a clear refusal (``DataError`` naming the file,
or the reconstruction's ``ValueError`` with its message), never another exception."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from plexrt.clinical.curve_series import details_from_text, reconstruct_curve
from plexrt.data.csvfile import DataError
from plexrt.data.curve_files import read_points, read_risk_table
from plexrt.data.vocab import CURVE_OUTCOMES, CURVE_TIME_UNITS

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Cells as people and programs write them: numbers of every shape (huge, tiny, negative, decimal
# comma, percent, exponent, inf, nan), quoting, and junk.
NUMBER = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**30), 10**30).map(str),
    st.floats(0, 100).map(lambda x: f"{x:.3f}%"),
    st.floats(0, 1).map(lambda x: f"{x:.4f}".replace(".", ",")),
    st.sampled_from(["", " ", "-", "NA", "1e400", "-0", "0x10", '"0,5"', "١٢", "½", "inf"]),
    st.text(max_size=12),
)
SEPARATOR = st.sampled_from([",", ";", "\t"])
# Mostly plain numbers, so that whole files are often readable and the checks of a read file run.
CELL = st.one_of(*[st.integers(0, 200).map(str)] * 2, st.floats(0, 1).map(repr), NUMBER)


@st.composite
def csv_like(draw, header: str | None) -> bytes:
    sep = draw(SEPARATOR)
    row = st.one_of(*[st.lists(CELL, min_size=2, max_size=2)] * 3, st.lists(CELL, max_size=4))
    rows = draw(st.lists(row, max_size=12))
    lines = [] if header is None else [header.replace(",", sep)]
    lines += [sep.join(r) for r in rows]
    ending = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = ending.join(lines)
    return text.encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "latin-1"])), "replace")


def _refusal_names_the_file(exc: DataError, label: str) -> None:
    assert exc.problems
    assert all(p.file == label and p.message for p in exc.problems)


def _points_or_refusal(data: bytes):
    try:
        points = read_points(data, "points.csv")
    except DataError as exc:
        _refusal_names_the_file(exc, "points.csv")
        event("points refused")
        return None
    event("points read")
    assert len(points.time) == len(points.survival) == len(points.lines) >= 2
    assert np.isfinite(points.time).all() and np.isfinite(points.survival).all()
    assert (points.lines >= 1).all()
    return points


def _risk_or_refusal(data: bytes):
    try:
        risk = read_risk_table(data, "risk.csv")
    except DataError as exc:
        _refusal_names_the_file(exc, "risk.csv")
        event("risk table refused")
        return None
    event("risk table read")
    # What the format promises: time 0 first, times increasing, whole counts never growing.
    assert risk.time[0] == 0 and (np.diff(risk.time) > 0).all()
    assert (risk.at_risk >= 0).all() and (np.diff(risk.at_risk) <= 0).all()
    return risk


@SETTINGS
@given(st.binary(max_size=1500))
def test_any_bytes_as_points(data):
    _points_or_refusal(data)


@SETTINGS
@given(st.binary(max_size=1500))
def test_any_bytes_as_a_risk_table(data):
    _risk_or_refusal(data)


@SETTINGS
@given(st.one_of(csv_like(None), csv_like("x,y"), csv_like("Dataset 1\nX,Y")))
def test_any_point_rows(data):
    _points_or_refusal(data)


@st.composite
def number_rows(draw, header: str) -> bytes:
    """Files in the right shape with any finite numbers, as each separator writes them."""
    sep = draw(SEPARATOR)
    number = st.one_of(
        st.floats(allow_nan=False, allow_infinity=False).map(repr),
        st.integers(-5, 10**6).map(str),
        st.floats(0, 100).map(lambda x: f"{x:.2f}%"),
    )
    if sep != ",":
        number = st.one_of(number, st.floats(0, 1).map(lambda x: f"{x:.3f}".replace(".", ",")))
    rows = draw(st.lists(st.lists(number, min_size=2, max_size=2), max_size=15))
    return "\n".join([header.replace(",", sep)] + [sep.join(r) for r in rows]).encode()


@SETTINGS
@given(st.one_of(number_rows("time,survival"), number_rows("time,at_risk")))
def test_any_numbers_in_curve_files(data):
    _points_or_refusal(data)
    _risk_or_refusal(data)


@SETTINGS
@given(st.one_of(csv_like("time,at_risk"), csv_like("Time,At risk"), csv_like("at_risk,time")))
def test_any_risk_rows(data):
    _risk_or_refusal(data)


TEXT = st.one_of(st.none(), st.text(max_size=40), NUMBER)


@SETTINGS
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "citation": TEXT,
            "outcome": st.one_of(TEXT, st.sampled_from(list(CURVE_OUTCOMES))),
            "time_unit": st.one_of(TEXT, st.sampled_from(list(CURVE_TIME_UNITS))),
            "year": TEXT,
            "population": TEXT,
            "notes": TEXT,
            "total_events": NUMBER,
            "n_patients": NUMBER,
            "published_median": NUMBER,
        },
    )
)
def test_any_curve_details(values):
    details, problems = details_from_text(values)
    assert (details is None) == bool(problems)
    assert all(
        p.split(":")[0] in values or p.split(":")[0] in ("outcome", "time_unit") for p in problems
    )


# Readable files of any content (survival drops and rises, times repeat) or shaped like a
# published curve (times increasing, survival falling).
_PAIRS = st.lists(
    st.tuples(st.floats(0, 60, allow_nan=False), st.floats(0, 1.2, allow_nan=False)),
    min_size=2,
    max_size=25,
)
POINTS = st.one_of(
    _PAIRS,
    _PAIRS.map(
        lambda ps: list(
            zip(
                sorted(p[0] for p in ps),
                sorted((min(p[1], 1.0) for p in ps), reverse=True),
                strict=True,
            )
        )
    ),
)
RISK = st.lists(st.integers(0, 300), min_size=1, max_size=6).map(
    lambda ns: sorted(ns, reverse=True)
)


@SETTINGS
@given(POINTS, RISK, st.floats(1, 24), st.one_of(st.none(), st.integers(0, 400)))
def test_any_readable_curve_reconstructs_or_is_refused(points, counts, step, events):
    body = "\n".join(f"{t!r},{s!r}" for t, s in points).encode()
    risk_rows = "\n".join(f"{k * step!r},{n}" for k, n in enumerate(counts))
    pts = read_points(body, "points.csv")
    risk = read_risk_table(f"time,at_risk\n{risk_rows}".encode(), "risk.csv")
    details, problems = details_from_text(
        {
            "citation": "C",
            "outcome": next(iter(CURVE_OUTCOMES)),
            "time_unit": next(iter(CURVE_TIME_UNITS)),
            "total_events": None if events is None else str(events),
        }
    )
    assert details is not None, problems
    try:
        rec = reconstruct_curve(pts, risk, details)
    except ValueError as exc:  # the reconstruction's refusal, in words
        assert str(exc).strip()
        event("refused")
        return
    event("reconstructed")
    ipd = rec.ipd
    assert len(ipd) == counts[0]
    assert all(math.isfinite(t) and t >= 0 for t in ipd["time"])
    assert set(ipd["event"]) <= {0, 1}
