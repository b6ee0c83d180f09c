"""Who may do what with user data: the acting ``Principal`` and the one access policy.

Every read and write of user data (own series, follow-up, saved cases, user-added literature,
sharing, the audit trail) passes through the user store, which asks this module. Pages never
decide access themselves.

The policy (issue 15):
- viewer: reads the bundled data, the user-added literature, and the own series shared with them
  (named users or department-wide);
- editor: also imports series and records follow-up for series they own or were granted edit on,
  adds literature series and saves board cases, and shares the series they own;
- admin: also reads every series, manages the sharing of any series, and reads the audit trail.
  An admin edits another's series only after granting themselves edit (which the audit records).
A principal whose role drops to viewer keeps read access to what they own, not write access.

Local single-user mode (no sign-in configured): the principal is the operating-system account with
role admin. With sign-in, ``resolve_role`` maps the identity provider's e-mail and group claims to a
role from the configuration file.
"""

from __future__ import annotations

import getpass
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from plexrt.data.text_limits import HIDDEN_MESSAGE, PERSON_CHARS, hidden_character, text_problem

ROLES: tuple[str, ...] = ("viewer", "editor", "admin")  # in increasing rights
SHARINGS: tuple[str, ...] = ("private", "users", "department")
SHARING_WORDS = {
    "private": "private (owner only)",
    "users": "shared with named users",
    "department": "shared with the whole department",
}
GROUP_PREFIX = "group:"  # a grant to "group:<name>" reaches every member of that group


class PermissionDenied(PermissionError):
    """The principal may not do this; the message names who, their role, and what was refused."""

    def __init__(self, principal: Principal, what: str):
        self.principal = principal
        self.what = what
        super().__init__(f"{principal.label} (role {principal.role}) may not {what}.")


def normalise_id(identity: str) -> str:
    """A user id, e-mail address or grantee as every comparison of people uses it (the one
    normalisation): in Unicode's composed form (NFC: 'josé' typed with a combining accent, as some
    keyboards send it, is the provider's 'josé'), trimmed, and without case when it holds '@' (an
    e-mail address, or a provider's subject written like one)."""
    s = unicodedata.normalize("NFC", identity).strip()
    if s[: len(GROUP_PREFIX)].lower() == GROUP_PREFIX:
        # 'Group: RadOnc' as typed is the group 'RadOnc': stored as typed, it matched no one
        s = GROUP_PREFIX + s[len(GROUP_PREFIX) :].strip()
    return s.lower() if "@" in s else s


@dataclass(frozen=True)
class Principal:
    """The person acting: a stable user id (OS account locally; the identity provider's subject or
    e-mail with sign-in), the role, and the groups the identity provider reports."""

    user_id: str
    role: str = "viewer"
    email: str | None = None
    display_name: str | None = None
    groups: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if not isinstance(self.user_id, str) or not self.user_id.strip():
            raise ValueError("a principal needs a non-empty user id")
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}; one of {', '.join(ROLES)}")
        object.__setattr__(self, "groups", frozenset(self.groups))

    @property
    def label(self) -> str:
        return self.display_name or self.email or self.user_id

    def at_least(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)

    def identities(self) -> frozenset[str]:
        """Every name a grant or ownership may use for this principal."""
        out = {normalise_id(self.user_id)}
        if self.email:
            out.add(normalise_id(self.email))
        # As a grant to the group is stored (``normalise_grantee``): 'group:RadOnc@H.org' is
        # matched without case, like any name holding '@'.
        out |= {normalise_id(GROUP_PREFIX + g) for g in self.groups}
        return frozenset(out)


@dataclass(frozen=True)
class SeriesAccess:
    """What the policy needs to know of one own series: its owner, sharing, and grants
    (grantee -> may edit)."""

    series_id: str
    owner: str
    sharing: str
    grants: Mapping[str, bool] = field(default_factory=dict)


def person_problem(value: object, wanted: str) -> str | None:
    """Why ``value`` cannot name whom a series is shared with or given to (None when it can): it is
    empty or not text (``wanted`` says what to give), breaks the stored-text rules (NUL, not valid
    Unicode, longer than an e-mail address may be), holds a line break, control or invisible
    character (``bob\u200b@x.org`` looks like Bob's address and is not), or is 'group:' alone."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return f"is empty; give {wanted}"
    if not isinstance(value, str):
        return f"is not text; give {wanted}"
    text = value.strip()
    problem = text_problem(text, PERSON_CHARS)
    if problem:
        return problem
    if hidden_character(text):
        return HIDDEN_MESSAGE
    if text[: len(GROUP_PREFIX)].lower() == GROUP_PREFIX and not text[len(GROUP_PREFIX) :].strip():
        return f"names no group; give {GROUP_PREFIX}<name>"
    return _look_alike(text)


# Scripts whose letters look like Latin ones: 'аlice@corp.org' with a Cyrillic 'а' is shown as
# Alice's address and is not (a grant that reaches someone else, or no one).
_LOOK_ALIKE_SCRIPTS = ("CYRILLIC", "GREEK")


def _look_alike(text: str) -> str | None:
    """Why a name mixing Latin letters with Cyrillic or Greek ones cannot be used (None when it
    does not): the first such letter, by its Unicode name."""
    scripts = {
        ch: unicodedata.name(ch, "").split(" ")[0]
        for ch in text
        if unicodedata.category(ch)[0] == "L"
    }
    if "LATIN" not in scripts.values():
        return None
    for ch, script in scripts.items():
        if script in _LOOK_ALIKE_SCRIPTS:
            return (
                f"mixes Latin letters with {script.title()} ones, which look the same "
                f"('{ch}' is U+{ord(ch):04X} {unicodedata.name(ch)}); retype it"
            )
    return None


def normalise_grantee(grantee: str) -> str:
    """A grantee or owner as grants and ownership store and compare it (``person_problem`` first)."""
    g = normalise_id(grantee)
    if not g:
        raise ValueError("a grant needs a user id, an e-mail address or group:<name>")
    return g


def is_person(p: Principal, stored_id: str | None) -> bool:
    """Whether an owner or author id as stored (a series' owner, a saved case's or literature
    series' author) names this principal. Both sides are normalised: an id stored as the provider
    sent it ('Alice@Corp', before user ids were normalised at sign-in) still names 'alice@corp'."""
    return isinstance(stored_id, str) and normalise_id(stored_id) in p.identities()


def is_owner(p: Principal, s: SeriesAccess) -> bool:
    return is_person(p, s.owner)


def _granted(p: Principal, s: SeriesAccess) -> dict[str, bool]:
    ids = p.identities()
    return {g: e for g, e in s.grants.items() if normalise_id(g) in ids}


def can_read(p: Principal, s: SeriesAccess) -> bool:
    if p.role == "admin" or is_owner(p, s) or s.sharing == "department":
        return True
    return s.sharing == "users" and bool(_granted(p, s))


def can_edit(p: Principal, s: SeriesAccess) -> bool:
    if not p.at_least("editor"):
        return False
    if is_owner(p, s):
        return True
    return s.sharing != "private" and any(_granted(p, s).values())


def can_manage(p: Principal, s: SeriesAccess) -> bool:
    """Change sharing and grants, transfer or delete the series."""
    return p.role == "admin" or (p.at_least("editor") and is_owner(p, s))


def require(ok: bool, p: Principal, what: str) -> None:
    if not ok:
        raise PermissionDenied(p, what)


def require_role(p: Principal, role: str, what: str) -> None:
    require(p.at_least(role), p, what)


def resolve_role(
    email: str | None,
    groups: Iterable[str] = (),
    *,
    by_email: Mapping[str, str] | None = None,
    by_group: Mapping[str, str] | None = None,
    default: str | None = "viewer",
) -> str | None:
    """The highest role the configuration gives this e-mail or any of its groups, else
    ``default`` (None: a person the configuration does not name gets no role and no access).

    The roles file (``plexrt.data.roles``) supplies ``by_email``, ``by_group`` and ``default``.
    """
    found = []
    if email and by_email:
        found += [r for e, r in by_email.items() if normalise_id(e) == normalise_id(email)]
    if by_group:
        found += [by_group[g] for g in groups if g in by_group]
    if default is not None:
        found.append(default)
    bad = [r for r in found if r not in ROLES]
    if bad:
        raise ValueError(f"unknown role {bad[0]!r} in the role configuration")
    return max(found, key=ROLES.index) if found else None


@lru_cache(maxsize=1)
def local_principal() -> Principal:
    """Local single-user mode: the operating-system account, with role admin."""
    try:
        name = getpass.getuser()
    except (OSError, KeyError):  # no login name in the environment or the password database
        name = "local-user"
    return Principal(user_id=name, role="admin", display_name=f"{name} (this computer)")
