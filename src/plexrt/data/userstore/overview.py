"""What the Data page says of an own series' rows, worked out in SQL: how many patients, courses,
assessments, deaths and relapses it holds, and the few patient codes that may be one code written
two ways (``own_schema.plain_code``). A registry of 100,000 courses is counted, never read."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from plexrt.data.own_schema import plain_code


@dataclass(frozen=True)
class SeriesCounts:
    """Rows as stored (deaths: patients with a death day; relapses: courses with a relapse day),
    and the codes ``respelling_candidates`` gives."""

    patients: int
    courses: int
    assessments: int
    deaths: int
    relapses: int
    candidates: tuple[str, ...] = ()


_SIZES = sa.text(
    "SELECT p.n, c.n, a.n, p.deaths, c.relapses FROM "
    "(SELECT count(*) AS n, count(death_day) AS deaths FROM own_patients WHERE series_id = :s) p, "
    "(SELECT count(*) AS n, count(relapse_day) AS relapses FROM own_courses WHERE series_id = :s) c, "
    "(SELECT count(*) AS n FROM own_assessments WHERE series_id = :s) a"
)


def counts(conn: sa.Connection, series_id: str) -> SeriesCounts:
    """The counts of the series (zeros for a series without rows) and its candidate codes."""
    patients, courses, assessments, deaths, relapses = (
        int(n) for n in conn.execute(_SIZES, {"s": series_id}).one()
    )
    candidates = tuple(respelling_candidates(conn, series_id))
    return SeriesCounts(patients, courses, assessments, deaths, relapses, candidates)


def _folded(conn: sa.Connection) -> str:
    """SQL for a code of ASCII characters with A-Z folded to a-z: its plain form (str.casefold
    folds nothing else there). PostgreSQL lowers in the C collation, ASCII letters only, whatever
    the database's locale (a Turkish one would lower 'I' to a dotless 'i')."""
    return (
        'lower(patient_id COLLATE "C")'
        if conn.dialect.name == "postgresql"
        else "lower(patient_id)"
    )


def _wide(conn: sa.Connection) -> str:
    """SQL true for a code holding a character beyond ASCII (more bytes than characters)."""
    octets = "octet_length" if conn.dialect.name == "postgresql" else "strlen"
    return f"{octets}(patient_id) <> length(patient_id)"


def respelling_candidates(conn: sa.Connection, series_id: str) -> list[str]:
    """The patient codes of the series, in the order the series is read (by code), that may share
    a plain form with another: every code beyond ASCII, every ASCII code that another folds to,
    and every ASCII code that is the plain form of a code beyond ASCII. Any code written two ways
    is among them with each of its other spellings; a usual registry gives none."""
    wide = _wide(conn)
    beyond = conn.execute(
        sa.text(f"SELECT patient_id FROM own_patients WHERE series_id = :s AND {wide}"),  # noqa: S608 -- fixed SQL
        {"s": series_id},
    ).scalars()
    plains = sorted({plain_code(c) for c in beyond})
    sql = sa.text(
        f"WITH p AS (SELECT patient_id, {_folded(conn)} AS folded, {wide} AS wide "  # noqa: S608 -- fixed SQL
        "FROM own_patients WHERE series_id = :s) "
        "SELECT patient_id FROM p WHERE wide OR folded IN :plains "
        "OR folded IN (SELECT folded FROM p GROUP BY folded HAVING count(*) > 1) "
        "ORDER BY patient_id"
    ).bindparams(sa.bindparam("plains", expanding=True, type_=sa.String))
    return list(conn.execute(sql, {"s": series_id, "plains": plains}).scalars())
