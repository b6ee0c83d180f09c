"""A conflict between published statements, and the rule deciding which statement yields:
the one from the lower-ranked section (Table 1 > Results / Abstract / Methods / front matter > case
presentation > Discussion)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from plexrt.reconstruct.constraints import Constraint


@dataclass(frozen=True)
class Conflict:
    """Two (groups of) published statements that cannot all hold, and what PlexRT does about it.

    ``dropped`` says in words which statement the reconstruction drops or relaxes and why;
    ``dropped_ids`` lists those constraint ids; ``resolution`` is 'dropped' or 'relaxed';
    ``relaxed_bounds`` holds the days-after-completion window used instead, for a relaxed fact.
    """

    conflict_id: str
    description: str
    source_a: str
    source_b: str
    dropped: str
    constraint_ids: tuple[str, ...]
    dropped_ids: tuple[str, ...]
    resolution: str = "dropped"
    relaxed_bounds: tuple[int, int] | None = None


def resolve(a: Constraint, b: Constraint) -> tuple[Constraint, Constraint]:
    """(dropped, kept): the statement from the lower-ranked section is dropped (b on a tie)."""
    return (a, b) if a.priority < b.priority else (b, a)


def _why(drop: Constraint, keep: Constraint) -> str:
    return (
        f"{drop.constraint_id} ({drop.section}) is dropped; {keep.constraint_id} ({keep.section}) "
        f"is kept because {keep.section} outranks {drop.section} "
        "(Table 1 > Results/Abstract/Methods > case presentation > Discussion)."
    )


def drop_one(desc: str, a: Constraint, b: Constraint, ids: Iterable[str]) -> Conflict:
    """The conflict between a and b (quoted in that order) resolved by dropping the lower-ranked."""
    drop, keep = resolve(a, b)
    return Conflict(
        conflict_id="",
        description=desc,
        source_a=a.cite(),
        source_b=b.cite(),
        dropped=_why(drop, keep),
        constraint_ids=tuple(dict.fromkeys(ids)),
        dropped_ids=(drop.constraint_id,),
    )
