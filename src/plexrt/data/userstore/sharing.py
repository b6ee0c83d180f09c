"""Own series as records (owner, sharing, grants), the changes of who may see or edit them, and
the deletion of a series."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd
import sqlalchemy as sa

from plexrt.data import access
from plexrt.data.access import Principal, SeriesAccess, require
from plexrt.data.own_schema import TABLES
from plexrt.data.userstore import audit
from plexrt.data.userstore.errors import SeriesInvalid
from plexrt.data.userstore.literature import now
from plexrt.data.values import key_shown

SERIES_COLUMNS = (
    "series_id",
    "name",
    "institution",
    "period_text",
    "owner",
    "sharing",
    "pseudonymised",
    "column_mapping",
    "content_hash",
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
)
SELECT = f"SELECT {', '.join(SERIES_COLUMNS)} FROM own_series"  # noqa: S608 -- schema names


def series_row(conn: sa.Connection, series_id: str) -> dict[str, Any]:
    """The series' record; SeriesInvalid naming it when there is none (deleted by another
    session or program since the caller listed it)."""
    row = (
        conn.execute(sa.text(f"{SELECT} WHERE series_id = :s"), {"s": series_id}).mappings().first()
    )
    if row is None:
        raise SeriesInvalid(
            [f"series: {key_shown(series_id)} is not stored (deleted in another session?)"]
        )
    return dict(row)


def named(p: Principal, rows: Iterable[Mapping[str, Any]], name: str) -> Mapping[str, Any] | None:
    """The series an import or update called ``name`` means for ``p``, among ``rows``: the series
    p may see, and only those (a series p may not see is never matched, so the answer never tells
    that it exists).

    A name is unique per owner, not among all users. Of the series of that name p may see, p's own
    is meant; when p owns none, the only one (which p may then be refused to change); None when
    there is none (the import creates p's series). Several of that name owned by others (or p's own
    stored under two spellings of p's id) are refused naming their owners: the update must name
    the series by its id. The store, ``plexrt import --series`` and the Import page all use this.
    """
    same = [r for r in rows if r["name"] == name]
    mine = [r for r in same if access.is_person(p, r["owner"])]
    meant = mine or same
    if len(meant) <= 1:
        return meant[0] if meant else None
    owners = ", ".join(sorted({key_shown(r["owner"]) for r in meant}))
    ids = ", ".join(sorted(str(r["series_id"]) for r in meant))
    raise SeriesInvalid(
        [
            f"name: {len(meant)} series you can see are called '{key_shown(name)}' (owners "
            f"{owners}); choose the one to update by its series id ({ids}), or give another name"
        ]
    )


def series_named(conn: sa.Connection, p: Principal, name: str) -> dict[str, Any] | None:
    """The stored record ``named`` picks for ``p`` (SeriesInvalid when it is ambiguous)."""
    result = conn.execute(sa.text(f"{SELECT} WHERE name = :n"), {"n": name}).mappings()
    rows = [dict(r) for r in result]
    seen = [r for r in rows if access.can_read(p, access_of(r, grants_of(conn, r["series_id"])))]
    row = named(p, seen, name)
    return None if row is None else dict(row)


def grants_of(conn: sa.Connection, series_id: str | None = None) -> pd.DataFrame:
    where = "WHERE series_id = :s" if series_id is not None else ""
    cols = "series_id, grantee, can_edit, granted_by, granted_at"
    sql = f"SELECT {cols} FROM grants {where} ORDER BY series_id, grantee"  # noqa: S608
    result = conn.execute(sa.text(sql), {"s": series_id})
    return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def access_of(row: Mapping[str, Any], grants: pd.DataFrame) -> SeriesAccess:
    mine = grants[grants["series_id"] == row["series_id"]]
    return SeriesAccess(
        series_id=row["series_id"],
        owner=row["owner"],
        sharing=row["sharing"],
        grants={str(g): bool(e) for g, e in zip(mine["grantee"], mine["can_edit"], strict=True)},
    )


def checked(conn: sa.Connection, p: Principal, series_id: str, need: str) -> dict[str, Any]:
    """The series' record once the principal may ``need`` ('read' | 'edit' | 'manage') it."""
    row = series_row(conn, series_id)
    acc = access_of(row, grants_of(conn, series_id))
    rule = {"read": access.can_read, "edit": access.can_edit, "manage": access.can_manage}[need]
    words = {"read": "see", "edit": "change", "manage": "manage the sharing of"}[need]
    # The series is named only to one who may see it: its id alone tells nothing more.
    shown = repr(row["name"]) if access.can_read(p, acc) else str(row["series_id"])
    require(rule(p, acc), p, f"{words} the series {shown}")
    return row


def touch(conn: sa.Connection, p: Principal, series_id: str, **fields: Any) -> None:
    values = {**fields, "updated_at": now(), "updated_by": p.user_id, "s": series_id}
    sets = ", ".join(f"{k} = :{k}" for k in values if k != "s")
    conn.execute(sa.text(f"UPDATE own_series SET {sets} WHERE series_id = :s"), values)  # noqa: S608


def _sharing_changed(
    conn: sa.Connection, p: Principal, series_id: str, detail: dict[str, Any], **fields: Any
) -> None:
    """Stamp the series as changed by ``p`` (with ``fields``) and log the change in the audit
    chain, in the same transaction."""
    touch(conn, p, series_id, **fields)
    audit.append(conn, actor=p.user_id, action="sharing", series_id=series_id, detail=detail)


def set_sharing(conn: sa.Connection, p: Principal, series_id: str, sharing: str) -> None:
    if sharing not in access.SHARINGS:
        raise SeriesInvalid([f"sharing: one of {', '.join(access.SHARINGS)}"])
    row = checked(conn, p, series_id, "manage")
    if row["sharing"] == sharing:
        return
    _sharing_changed(
        conn, p, series_id, {"sharing": sharing, "was": row["sharing"]}, sharing=sharing
    )


# What each change asks for when the name it was given cannot be used.
_GRANTEE = "an e-mail address, a user id or group:<name> to share with"
_REVOKED = "whom to stop sharing with, as the list of grants names them"
_NEW_OWNER = "the new owner's e-mail address or user id"


def _person(field: str, value: object, wanted: str) -> str:
    """``value`` as grants and ownership store it; SeriesInvalid naming ``field`` when it cannot
    name a person or group (``access.person_problem``)."""
    problem = access.person_problem(value, wanted)
    if problem:
        raise SeriesInvalid([f"{field}: {problem}"])
    return access.normalise_grantee(str(value))


def grant(conn: sa.Connection, p: Principal, series_id: str, grantee: str, can_edit: bool) -> str:
    """Share with one user (or group:<name>); a private series becomes shared with named users.
    The grantee as stored (``access.normalise_grantee``), for the confirmation to name."""
    who = _person("grantee", grantee, _GRANTEE)
    row = checked(conn, p, series_id, "manage")
    if access.normalise_id(row["owner"]) == who:
        # The owner always sees and edits their series: a grant to them would add nothing but
        # turn a private series into one "shared with named users" that no one else can see.
        raise SeriesInvalid(
            [f"grantee: {key_shown(who)} owns this series and always sees it; share with another"]
        )
    _drop_spellings(conn, series_id, who, keep=who)
    conn.execute(
        sa.text(
            "INSERT INTO grants (series_id, grantee, can_edit, granted_by, granted_at) "
            "VALUES (:s, :g, :e, :by, :at) ON CONFLICT (series_id, grantee) "
            "DO UPDATE SET can_edit = excluded.can_edit, granted_by = excluded.granted_by, "
            "granted_at = excluded.granted_at"
        ),
        {"s": series_id, "g": who, "e": bool(can_edit), "by": p.user_id, "at": now()},
    )
    sharing = "users" if row["sharing"] == "private" else row["sharing"]
    detail = {"grant": who, "can_edit": bool(can_edit), "sharing": sharing}
    _sharing_changed(conn, p, series_id, detail, sharing=sharing)
    return who


def _drop_spellings(conn: sa.Connection, series_id: str, who: str, keep: str | None = None) -> int:
    """Delete the grants of the series to ``who`` (normalised), under any spelling but ``keep``:
    grants stored before the normalisation of names had its present rules may hold another case
    of an address or a decomposed accent. How many were deleted. A grant then leaves one row per
    person, and a revoke reaches every spelling."""
    stored = grants_of(conn, series_id)["grantee"]
    other = [g for g in stored if g != keep and access.normalise_id(g) == who]
    for g in other:
        conn.execute(
            sa.text("DELETE FROM grants WHERE series_id = :s AND grantee = :g"),
            {"s": series_id, "g": g},
        )
    return len(other)


def revoke(conn: sa.Connection, p: Principal, series_id: str, grantee: str) -> str:
    """Stop sharing with one grantee of the series; the sharing level afterwards. Only the text
    rules of a name that can be matched apply: a grant stored before them (with an invisible
    character) can still be revoked; a name that is not among the grants is refused, not audited
    as a change."""
    if not isinstance(grantee, str) or not grantee.strip():
        raise SeriesInvalid([f"grantee: {access.person_problem(grantee, _REVOKED)}"])
    who = access.normalise_grantee(grantee)
    row = checked(conn, p, series_id, "manage")
    if not _drop_spellings(conn, series_id, who):
        raise SeriesInvalid([f"grantee: {key_shown(who)} is not among the grants of this series"])
    # "Shared with named users" with no one named left is what "private" means; saying it the
    # way the owner sees it keeps the listing and the audit trail true (a grant made it "users").
    left = grants_of(conn, series_id).empty
    sharing = "private" if row["sharing"] == "users" and left else row["sharing"]
    detail: dict[str, Any] = {"revoke": who}
    if sharing != row["sharing"]:
        detail.update(sharing=sharing, was=row["sharing"])
    _sharing_changed(conn, p, series_id, detail, sharing=sharing)
    return str(sharing)


def transfer(conn: sa.Connection, p: Principal, series_id: str, new_owner: str) -> str:
    """Give the series to another owner (for example when it moves from a laptop to the server);
    the new owner as stored (``access.normalise_grantee``)."""
    who = _person("new owner", new_owner, _NEW_OWNER)
    if who.startswith(access.GROUP_PREFIX):
        # An owner is one person: a group as owner would let every editor in it manage, give away
        # or delete the series. A group is given access with a grant instead.
        raise SeriesInvalid(
            [
                f"new owner: {key_shown(who)} is a group, and a series is owned by one person; "
                "give the new owner's e-mail address or user id (share with the group instead)"
            ]
        )
    row = checked(conn, p, series_id, "manage")
    if access.normalise_id(row["owner"]) == who:
        raise SeriesInvalid([f"new owner: {key_shown(who)} already owns this series"])
    # A name is unique per owner: the new owner may not already have a series of this name.
    same = same_name(conn, row["name"], series_id, who)
    if same:
        # Said as such only when p may see that series: else the words tell nothing about it.
        held = (
            f"already owns a series called '{key_shown(row['name'])}'; one of the two needs "
            "another name first"
            if any(readable(conn, p, r) for r in same)
            else f"cannot be given this series under its name '{key_shown(row['name'])}'; give "
            "it another name first"
        )
        raise SeriesInvalid([f"new owner: {key_shown(who)} {held}"])
    _sharing_changed(conn, p, series_id, {"owner": who, "was": row["owner"]}, owner=who)
    return who


def same_name(conn: sa.Connection, name: str, series_id: str, owner: str) -> list[dict[str, Any]]:
    """The records of ``owner`` (normalised) called ``name``, other than ``series_id``."""
    result = conn.execute(
        sa.text(f"{SELECT} WHERE name = :n AND series_id <> :s"), {"n": name, "s": series_id}
    ).mappings()
    return [dict(r) for r in result if access.normalise_id(str(r["owner"])) == owner]


def readable(conn: sa.Connection, p: Principal, row: Mapping[str, Any]) -> bool:
    """Whether ``p`` may see the series of this record."""
    return access.can_read(p, access_of(row, grants_of(conn, row["series_id"])))


def listing(conn: sa.Connection, p: Principal) -> pd.DataFrame:
    """The series the principal may see, with counts and what they may do with each."""
    result = conn.execute(
        sa.text(
            f"SELECT {', '.join('s.' + c for c in SERIES_COLUMNS)}, "  # noqa: S608
            "(SELECT count(*) FROM own_patients x WHERE x.series_id = s.series_id) AS n_patients, "
            "(SELECT count(*) FROM own_courses x WHERE x.series_id = s.series_id) AS n_courses "
            "FROM own_series s ORDER BY s.name"
        )
    )
    df = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
    grants = grants_of(conn)
    acc = [access_of(r, grants) for r in df.to_dict("records")]
    df["can_edit"] = [access.can_edit(p, a) for a in acc]
    df["can_manage"] = [access.can_manage(p, a) for a in acc]
    visible = pd.Series([access.can_read(p, a) for a in acc], index=df.index, dtype=bool)
    return df[visible].drop(columns=["content_hash"]).reset_index(drop=True)


def _count_rows(conn: sa.Connection, table: str, series_id: str) -> int:
    sql = f"SELECT count(*) FROM own_{table} WHERE series_id = :s"  # noqa: S608
    return int(conn.execute(sa.text(sql), {"s": series_id}).scalar() or 0)


def delete(conn: sa.Connection, p: Principal, series_id: str) -> None:
    """Remove a series, its rows, history and grants (the audit keeps that it happened)."""
    row = checked(conn, p, series_id, "manage")
    sizes = {t: _count_rows(conn, t, series_id) for t in TABLES}
    for table in (
        "own_assessments",
        "own_courses",
        "own_patients",
        "change_history",
        "change_batches",
        "grants",
        "own_series",
    ):
        conn.execute(sa.text(f"DELETE FROM {table} WHERE series_id = :s"), {"s": series_id})  # noqa: S608
    audit.append(
        conn,
        actor=p.user_id,
        action="delete",
        series_id=series_id,
        detail={"name": row["name"], **sizes},
    )
