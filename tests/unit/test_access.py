"""The access policy (issue 15), case by case: who may read, edit and manage an own series."""

from __future__ import annotations

import getpass

import pytest

from plexrt.data.access import (
    PermissionDenied,
    Principal,
    SeriesAccess,
    can_edit,
    can_manage,
    can_read,
    local_principal,
    normalise_grantee,
    person_problem,
    resolve_role,
)

ANN = Principal("ann", "editor", email="Ann@Example.org")
BOB = Principal("bob", "viewer", email="bob@example.org", groups=frozenset({"oncology"}))
CAT = Principal("cat", "editor")
ADA = Principal("ada", "admin")


def series(sharing: str = "private", **grants: bool) -> SeriesAccess:
    return SeriesAccess("own-1", owner="ann", sharing=sharing, grants=grants)


@pytest.mark.parametrize(
    ("who", "s", "read", "edit", "manage"),
    [
        # The owner (an editor) does everything with their own series.
        (ANN, series(), True, True, True),
        # Private: nobody else but an admin sees it, grants or not.
        (BOB, series(), False, False, False),
        (CAT, series(), False, False, False),
        (CAT, series("private", cat=True), False, False, False),
        (ADA, series(), True, False, True),
        # Shared with named users: the grantees read; edit only with an edit grant and a role
        # that may edit.
        (BOB, series("users", bob=False), True, False, False),
        (BOB, series("users", bob=True), True, False, False),  # a viewer never edits
        (CAT, series("users", cat=False), True, False, False),
        (CAT, series("users", cat=True), True, True, False),
        (CAT, series("users", bob=True), False, False, False),
        # A grant to the e-mail (any case) or to a group reaches the principal.
        (BOB, series("users", **{"bob@example.org": False}), True, False, False),
        (BOB, series("users", **{"group:oncology": False}), True, False, False),
        # Department-wide: everyone reads; editing still needs an edit grant.
        (BOB, series("department"), True, False, False),
        (CAT, series("department"), True, False, False),
        (CAT, series("department", cat=True), True, True, False),
    ],
)
def test_policy(who, s, read, edit, manage):
    assert (can_read(who, s), can_edit(who, s), can_manage(who, s)) == (read, edit, manage)


# 'josé' with a combining acute accent (decomposed, as some keyboards and systems send it) and
# with the precomposed é (as identity providers send it): the same address to a reader.
JOSE_DECOMPOSED = "jose\u0301@example.org"
JOSE_COMPOSED = "jos\u00e9@example.org"


def test_an_address_typed_with_a_decomposed_accent_names_the_same_person():
    """A grant typed as 'jose' + combining accent did not reach the signed-in 'josé' (the two
    strings differ code point by code point): the person was silently left without access."""
    jose = Principal(JOSE_COMPOSED, "viewer", email=JOSE_COMPOSED)
    assert can_read(jose, series("users", **{JOSE_DECOMPOSED: False}))
    assert normalise_grantee(JOSE_DECOMPOSED) == JOSE_COMPOSED
    owned = SeriesAccess("own-2", owner=JOSE_DECOMPOSED, sharing="private")
    editor = Principal(JOSE_COMPOSED, "editor", email=JOSE_COMPOSED)
    assert can_manage(editor, owned)


def test_a_group_named_like_an_address_is_matched_without_case():
    """A grant to 'group:RadOnc@H.org' is stored without case (it holds '@'); the member's group
    as the provider sends it ('RadOnc@H.org') did not match it."""
    member = Principal("d", "viewer", groups=frozenset({"RadOnc@H.org"}))
    grant = normalise_grantee("group:RadOnc@H.org")
    assert grant == "group:radonc@h.org"
    assert can_read(member, series("users", **{grant: False}))
    plain = Principal("e", "viewer", groups=frozenset({"RadOnc"}))  # no '@': case kept
    assert can_read(plain, series("users", **{"group:RadOnc": False}))
    assert not can_read(plain, series("users", **{"group:radonc": False}))


def test_owner_by_email_and_a_demoted_owner():
    by_mail = SeriesAccess("own-1", owner="ann@example.org", sharing="private")
    assert can_edit(ANN, by_mail)  # e-mail compared without case
    demoted = Principal("ann", "viewer")
    assert can_read(demoted, series()) and not can_edit(demoted, series())
    assert not can_manage(demoted, series())


def test_principal_checks_its_fields():
    with pytest.raises(ValueError, match="role"):
        Principal("x", "superuser")
    with pytest.raises(ValueError, match="user id"):
        Principal("  ", "viewer")
    assert ANN.identities() == {"ann", "ann@example.org"}
    assert BOB.identities() == {"bob", "bob@example.org", "group:oncology"}


def test_permission_denied_names_who_and_what():
    err = PermissionDenied(BOB, "change the series 'Ours'")
    assert str(err) == "bob@example.org (role viewer) may not change the series 'Ours'."


def test_resolve_role_takes_the_highest_configured_role():
    by_email = {"Ann@example.org": "editor"}
    by_group = {"radonc-admins": "admin", "radonc": "viewer"}
    assert resolve_role("ann@EXAMPLE.org", [], by_email=by_email) == "editor"
    assert resolve_role("x@example.org", ["radonc"], by_group=by_group) == "viewer"
    assert (
        resolve_role("ann@example.org", ["radonc-admins"], by_email=by_email, by_group=by_group)
        == "admin"
    )
    assert resolve_role(None, []) == "viewer"
    with pytest.raises(ValueError, match="unknown role"):
        resolve_role("a@b.c", [], by_email={"a@b.c": "owner"})


def test_local_mode_is_the_operating_system_account_as_admin():
    me = local_principal()
    assert me.user_id == getpass.getuser()
    assert me.role == "admin"


def test_a_group_typed_with_a_capital_or_a_space_is_the_group():
    """'Group:RadOnc' and 'group: RadOnc' were stored as typed: as a user id, or as the group
    ' RadOnc', a grant that reached no member of RadOnc, and said nothing."""
    member = Principal("d", "viewer", groups=frozenset({"RadOnc"}))
    for typed in ("Group:RadOnc", "group: RadOnc", "GROUP:  RadOnc "):
        assert person_problem(typed, "x") is None
        grant = normalise_grantee(typed)
        assert grant == "group:RadOnc"
        assert can_read(member, series("users", **{typed: False}))  # a grant stored before
    assert person_problem("Group:  ", "a name") == "names no group; give group:<name>"


@pytest.mark.parametrize(
    ("typed", "letter"),
    [
        ("\u0430lice@corp.org", "'\u0430' is U+0430 CYRILLIC SMALL LETTER A"),
        ("b\u03bfb@corp.org", "'\u03bf' is U+03BF GREEK SMALL LETTER OMICRON"),
    ],
)
def test_a_name_mixing_latin_with_look_alike_letters_is_refused(typed, letter):
    """'\u0430lice@corp.org' with a Cyrillic a reads as Alice's address everywhere it is shown and
    is someone else's (or no one's): the grant was stored."""
    problem = person_problem(typed, "x")
    assert problem is not None and problem.startswith("mixes Latin letters with")
    assert letter in problem


@pytest.mark.parametrize(
    "typed",
    [
        "alice@corp.org",
        "\u0430\u043b\u0438\u0441\u0430@\u043f\u043e\u0447\u0442\u0430.\u0440\u0444",
        "\u5c71\u7530@corp.jp",
        "bob+tag@corp.org",
    ],
)
def test_names_in_one_script_or_with_other_scripts_are_kept(typed):
    assert person_problem(typed, "x") is None
