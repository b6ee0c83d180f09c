"""The roles file: which signed-in person gets which role (viewer, editor, admin).

A TOML file, named by ``$PLEXRT_ROLES`` or by ``roles_file`` in the ``[plexrt]`` table of
``.streamlit/secrets.toml`` (the environment wins). Example::

    # Role of a signed-in person the file does not name: "viewer", "editor", "admin", or "none"
    # (no access at all). Optional; "viewer" when absent.
    default = "viewer"
    # The identity-token claim that lists a person's groups. Optional; "groups" when absent.
    group_claim = "groups"

    [email]                       # by e-mail address (compared without case)
    "a.lead@hospital.example" = "admin"

    [group]                       # by group name, exactly as the identity provider sends it
    "radonc-physicians" = "editor"

A person gets the highest role any line gives them (``plexrt.data.access.resolve_role``). The file is
checked whole: every problem is reported at once with its place, and a file with any problem is
refused as a whole (nobody signs in until it is fixed).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plexrt.data.access import ROLES, resolve_role

ENV = "PLEXRT_ROLES"
NO_ACCESS = "none"
_KEYS = ("default", "group_claim", "email", "group")


class RolesError(ValueError):
    """The roles file cannot be used; ``problems`` lists every reason with its place."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        listed = "\n".join(f"- {p}" for p in problems)
        super().__init__(f"The roles file {source} cannot be used:\n{listed}")


@dataclass(frozen=True)
class RolesConfig:
    """The parsed file. ``default`` None means: a person the file does not name gets no access."""

    default: str | None = "viewer"
    group_claim: str = "groups"
    by_email: Mapping[str, str] = field(default_factory=dict)
    by_group: Mapping[str, str] = field(default_factory=dict)
    source: str = "(no roles file: every signed-in person is a viewer)"

    def role_for(self, email: str | None, groups: Iterable[str]) -> str | None:
        return resolve_role(
            email,
            list(groups),
            by_email=self.by_email,
            by_group=self.by_group,
            default=self.default,
        )


def _role(value: Any, where: str, problems: list[str], *, allow_none: bool = False) -> str | None:
    allowed = (*ROLES, NO_ACCESS) if allow_none else ROLES
    if not isinstance(value, str) or value.strip().lower() not in allowed:
        problems.append(f"{where}: {value!r} is not a role; use one of {', '.join(allowed)}")
        return None
    role = value.strip().lower()
    return None if role == NO_ACCESS else role


def _table(data: dict, key: str, problems: list[str]) -> dict[str, str]:
    raw = data.get(key, {})
    if not isinstance(raw, dict):
        problems.append(f'[{key}]: must be a table of name = "role" lines')
        return {}
    out: dict[str, str] = {}
    for name, value in raw.items():
        where = f"[{key}] {name!r}"
        if not name.strip():
            problems.append(f"[{key}]: an empty name")
        elif key == "email" and "@" not in name:
            problems.append(f"{where}: not an e-mail address (no @)")
        role = _role(value, where, problems)
        if role is not None:
            out[name.strip()] = role
    return out


def parse_roles(text: str, source: str = "the roles file") -> RolesConfig:
    """The roles of ``text`` (TOML); ``RolesError`` listing every problem when any."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RolesError(source, [f"not valid TOML: {exc}"]) from None
    problems = [
        f"unknown setting {k!r}; the file holds {', '.join(_KEYS)}" for k in data if k not in _KEYS
    ]
    default = _role(data.get("default", "viewer"), "default", problems, allow_none=True)
    claim = data.get("group_claim", "groups")
    if not isinstance(claim, str) or not claim.strip():
        problems.append(f"group_claim: {claim!r} is not a claim name")
    by_email = _table(data, "email", problems)
    by_group = _table(data, "group", problems)
    if problems:
        raise RolesError(source, problems)
    return RolesConfig(default, str(claim).strip(), by_email, by_group, source)


def load_roles(path: str | os.PathLike[str]) -> RolesConfig:
    """Read and parse the roles file at ``path`` (RolesError when missing or unreadable)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise RolesError(str(p), [f"cannot be read: {reason}"]) from None
    return parse_roles(text, str(p))


def roles_path(secrets_value: str | None) -> str | None:
    """Where the roles file is: ``$PLEXRT_ROLES``, else the secrets' ``roles_file``, else None."""
    return os.environ.get(ENV) or secrets_value or None
