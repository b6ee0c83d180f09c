"""Signed-in identities: the identity token's expiry (checked by PlexRT, since Streamlit does not)
and the principal built from the provider's claims through the roles file."""

from __future__ import annotations

import base64
import json

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from plexrt.data.identity import (
    expiry,
    groups_of,
    is_expired,
    principal_from_claims,
    token_claims,
)
from plexrt.data.roles import parse_roles

# 2030-01-01T00:00:00Z: 60 years of 365 days after 1970-01-01 plus the 15 leap days 1972..2028,
# i.e. 21915 days of 86400 s.
EXP_2030 = 21915 * 86400


def _unsigned(payload: dict) -> str:
    def part(obj: dict) -> str:
        raw = base64.urlsafe_b64encode(json.dumps(obj).encode()).decode()
        return raw.rstrip("=")

    return f"{part({'alg': 'none'})}.{part(payload)}.sig"


def test_the_date_constant_is_what_it_says():
    from datetime import UTC, datetime

    assert datetime(2030, 1, 1, tzinfo=UTC).timestamp() == EXP_2030 == 1893456000


def test_claims_of_a_token_signed_by_a_real_key():
    key = RSAKey.generate_key(2048)
    token = jwt.encode({"alg": "RS256"}, {"sub": "ann", "exp": EXP_2030}, key)
    assert token_claims(token) == {"sub": "ann", "exp": EXP_2030}
    assert expiry({}, token) == EXP_2030


@pytest.mark.parametrize("bad", ["", "abc", "a.b", "a.!!!.c", _unsigned([1, 2]), 42])
def test_what_is_not_a_token_is_refused(bad):
    with pytest.raises(ValueError):
        token_claims(bad)


def test_expiry_prefers_the_token_and_falls_back_to_the_kept_claims():
    token = _unsigned({"exp": 1000})
    assert expiry({"exp": 2000}, token) == 1000
    assert expiry({"exp": 2000}, None) == 2000
    assert expiry({"exp": 2000}, "garbage") == 2000
    assert expiry({"exp": "soon"}, None) is None
    assert expiry({"exp": True}, None) is None
    assert expiry({}, None) is None


def test_expired_at_and_after_exp_and_without_exp():
    assert not is_expired(1000, 999.999)
    assert is_expired(1000, 1000)
    assert is_expired(1000, 5000)
    assert is_expired(None, 0)
    assert not is_expired(1000, 1009, leeway_s=10)


ROLES = parse_roles(
    """
[email]
"ann@hospital.example" = "editor"
[group]
"radonc-admins" = "admin"
"""
)


def test_principal_from_the_claims_with_its_role():
    p = principal_from_claims(
        {"sub": "x1", "email": " Ann@Hospital.example ", "name": "Ann"}, ROLES
    )
    assert p is not None
    assert (p.user_id, p.email, p.role, p.display_name) == (
        "ann@hospital.example",
        "ann@hospital.example",
        "editor",
        "Ann",
    )
    admin = principal_from_claims({"sub": "x2", "groups": ["radonc-admins", "other"]}, ROLES)
    assert admin is not None
    assert (admin.user_id, admin.email, admin.role) == ("x2", None, "admin")
    assert admin.groups == {"radonc-admins", "other"}
    viewer = principal_from_claims({"sub": "x3", "email": "zed@hospital.example"}, ROLES)
    assert viewer is not None and viewer.role == "viewer"


def test_the_name_shown_is_one_line_of_at_most_200_characters():
    def shown(name):
        p = principal_from_claims({"sub": "x1", "name": name}, ROLES)
        assert p is not None
        return p.display_name

    assert shown("Ann\nrole admin") == "Ann role admin"  # no second line under 'Signed in as'
    assert shown("  Ann \t Smith ") == "Ann Smith"
    assert shown(" \n ") is None and shown(["Ann"]) is None
    long = shown("A" * 500)
    assert len(long) == 200 and long == "A" * 199 + "…"
    assert shown("B" * 200) == "B" * 200


def test_a_subject_written_like_an_address_is_the_user_id_as_compared():
    """Without an e-mail claim the subject is the user id, normalised as every comparison of people
    is: what is stored under it is found under it again."""
    p = principal_from_claims({"sub": " Alice@Corp "}, ROLES)
    assert p is not None and (p.user_id, p.email) == ("alice@corp", None)
    assert p.identities() == {"alice@corp"}
    opaque = principal_from_claims({"sub": "AbC123"}, ROLES)  # no '@': kept with its case
    assert opaque is not None and opaque.user_id == "AbC123"


def test_nobody_or_no_role_gives_no_principal():
    assert principal_from_claims({"name": "Nobody"}, ROLES) is None
    closed = parse_roles('default = "none"\n[email]\n"ann@hospital.example" = "viewer"\n')
    assert principal_from_claims({"sub": "s", "email": "bob@hospital.example"}, closed) is None
    ann = principal_from_claims({"sub": "s", "email": "ann@hospital.example"}, closed)
    assert ann is not None and ann.role == "viewer"


def test_groups_as_a_list_a_single_name_or_missing():
    assert groups_of({"groups": ["a", "b", ""]}, "groups") == {"a", "b"}
    assert groups_of({"groups": "a"}, "groups") == {"a"}
    assert groups_of({"groups": ""}, "groups") == set()
    assert groups_of({"roles": ["a"]}, "groups") == set()
    assert groups_of({"groups": {"a": 1}}, "groups") == set()


@pytest.mark.parametrize("flag", [False, "false", " FALSE "])
def test_an_unverified_address_gives_no_role_and_names_nobody(flag):
    """A provider that lets people type their own address marks it email_verified false: typed as
    the admin's address it must not give the admin's role, grants or series; the subject is the
    person instead."""
    admin_roles = parse_roles('[email]\n"boss@hospital.example" = "admin"\n')
    claims = {"sub": "u-81", "email": "Boss@Hospital.example", "email_verified": flag}
    p = principal_from_claims(claims, admin_roles)
    assert p is not None
    assert (p.user_id, p.email, p.role) == ("u-81", None, "viewer")
    assert "boss@hospital.example" not in p.identities()
    for verified in (True, "true", None):  # verified, or not said: the address is the person
        claims["email_verified"] = verified
        p = principal_from_claims(claims, admin_roles)
        assert p is not None and (p.user_id, p.role) == ("boss@hospital.example", "admin")


def test_an_address_sent_with_a_decomposed_accent_is_the_composed_user_id():
    """Stored under the composed form, as every comparison of people normalises (NFC)."""
    p = principal_from_claims({"sub": "x9", "email": "Jose\u0301@Hospital.example"}, ROLES)
    assert p is not None and p.user_id == "jos\u00e9@hospital.example" == p.email
