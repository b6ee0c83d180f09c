"""From a signed-in identity (the identity provider's claims) to a ``Principal``, and when it expires.

Streamlit checks the identity token's signature once, at sign-in, and then keeps its claims in a
signed cookie for up to 30 days; it never looks at the token's expiry again. PlexRT does: a person
whose identity token has expired (``exp``, seconds since 1970 UTC, OpenID Connect Core 2) is treated
as signed out. The token's payload is read here without checking the signature again (Streamlit
did that when it accepted the token, and the cookie that carries it is signed).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
from collections.abc import Mapping
from typing import Any

from plexrt.data.access import Principal, normalise_id
from plexrt.data.roles import RolesConfig
from plexrt.data.text_limits import NAME_CHARS
from plexrt.data.values import one_line

LEEWAY_S = 0  # no grace period after exp: an expired token is expired


def token_claims(token: str) -> dict[str, Any]:
    """The payload of a compact JWT (header.payload.signature), not verified; ValueError when
    ``token`` is not one."""
    parts = token.split(".") if isinstance(token, str) else []
    if len(parts) != 3:
        raise ValueError("not a JSON Web Token (expected three dot-separated parts)")
    body = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(body.encode("ascii")))
    except (binascii.Error, UnicodeError, ValueError):
        raise ValueError("the token's payload is not base64url-encoded JSON") from None
    if not isinstance(claims, dict):
        raise ValueError("the token's payload is not a JSON object")
    return claims


def expiry(user: Mapping[str, Any], id_token: str | None) -> int | None:
    """The identity token's ``exp``: from the token itself when exposed, else the claims Streamlit
    kept from it; None when neither holds a number."""
    sources: list[Mapping[str, Any]] = []
    if id_token:
        with contextlib.suppress(ValueError):  # not a token: use the kept claims
            sources.append(token_claims(id_token))
    sources.append(user)
    for claims in sources:
        exp = claims.get("exp")
        if isinstance(exp, int | float) and not isinstance(exp, bool):
            return int(exp)
    return None


def is_expired(exp: int | None, now_s: float, leeway_s: int = LEEWAY_S) -> bool:
    """True when the token has expired at ``now_s`` (or carries no expiry at all: OpenID Connect
    requires one, so a token without it is not accepted)."""
    return exp is None or now_s >= exp + leeway_s


def groups_of(claims: Mapping[str, Any], claim: str) -> frozenset[str]:
    """The groups in ``claim``: a list of names, or one name (some providers send a string)."""
    raw = claims.get(claim)
    if isinstance(raw, str):
        return frozenset({raw}) if raw.strip() else frozenset()
    if isinstance(raw, list | tuple):
        return frozenset(str(g) for g in raw if str(g).strip())
    return frozenset()


def _unverified(claims: Mapping[str, Any]) -> bool:
    """Whether the provider says the ``email`` claim is not verified (``email_verified`` false,
    OpenID Connect Core 5.1; some providers send it as the text "false"). Such an address may be
    one the person typed themselves, perhaps an admin's: it gives no role from the roles file's
    [email] table, no grant and no ownership, and the subject identifies the person instead.
    Providers that send no ``email_verified`` at all (many hospital directories) are trusted."""
    flag = claims.get("email_verified")
    return flag is False or (isinstance(flag, str) and flag.strip().lower() == "false")


def principal_from_claims(claims: Mapping[str, Any], roles: RolesConfig) -> Principal | None:
    """The person of these claims with the role the roles file gives them; None when the file
    gives them none (default "none") or the claims name nobody.

    The user id is the e-mail address (normalised) when the provider sends one it does not call
    unverified, else the subject (``sub``): ownership, grants and the audit trail then read as
    addresses people recognise. Either is normalised as every comparison of people normalises it (``access.normalise_id``: a subject
    written like an address, 'Alice@Corp', is 'alice@corp'), so what is stored under it is found
    under it again.
    """
    email = claims.get("email")
    email = normalise_id(email) if isinstance(email, str) and email.strip() else None
    if email is not None and _unverified(claims):
        email = None  # an address the provider has not verified names nobody (see _unverified)
    sub = claims.get("sub")
    user_id = email or (normalise_id(sub) if isinstance(sub, str) else "")
    if not user_id:
        return None
    groups = groups_of(claims, roles.group_claim)
    role = roles.role_for(email, groups)
    if role is None:
        return None
    return Principal(
        user_id=user_id,
        role=role,
        email=email,
        display_name=_display_name(claims.get("name")),
        groups=groups,
    )


def _display_name(name: Any) -> str | None:
    """The provider's ``name`` claim as shown beside the role: one line (a line break would put a
    second, made-up line such as 'role admin' under it), at most ``NAME_CHARS`` characters."""
    if not isinstance(name, str) or not one_line(name):
        return None
    shown = one_line(name)
    return shown if len(shown) <= NAME_CHARS else shown[: NAME_CHARS - 1] + "…"
