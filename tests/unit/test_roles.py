"""The roles file (issue 15): parsed whole, every problem named with its place, the highest role
wins, "none" refuses people the file does not name."""

from __future__ import annotations

import pytest

from plexrt.data.roles import RolesConfig, RolesError, load_roles, parse_roles, roles_path

GOOD = """
default = "viewer"
group_claim = "roles"

[email]
"Ann.Lead@Hospital.example" = "admin"
"bob@hospital.example" = "editor"

[group]
"radonc-physicians" = "editor"
"radonc-admins" = "admin"
"""


def test_a_valid_file_gives_each_person_the_highest_role():
    cfg = parse_roles(GOOD, "roles.toml")
    assert cfg.group_claim == "roles"
    assert cfg.role_for("ann.lead@hospital.example", []) == "admin"  # case of the address ignored
    assert cfg.role_for("bob@hospital.example", []) == "editor"
    assert cfg.role_for("bob@hospital.example", ["radonc-admins"]) == "admin"
    assert cfg.role_for("cat@hospital.example", ["radonc-physicians"]) == "editor"
    assert cfg.role_for("cat@hospital.example", ["RADONC-PHYSICIANS"]) == "viewer"  # groups exact
    assert cfg.role_for("dan@hospital.example", []) == "viewer"  # the default
    assert cfg.role_for(None, []) == "viewer"


def test_defaults_when_settings_are_left_out():
    cfg = parse_roles("")
    assert (cfg.default, cfg.group_claim, dict(cfg.by_email), dict(cfg.by_group)) == (
        "viewer",
        "groups",
        {},
        {},
    )
    assert RolesConfig().role_for("x@y.z", []) == "viewer"


def test_default_none_admits_only_people_the_file_names():
    cfg = parse_roles('default = "none"\n[email]\n"a@b.example" = "viewer"\n')
    assert cfg.default is None
    assert cfg.role_for("a@b.example", []) == "viewer"
    assert cfg.role_for("c@b.example", ["x"]) is None


def test_every_problem_is_reported_at_once_with_its_place():
    text = """
default = "superuser"
group_claim = 3
colour = "blue"
[email]
"not-an-address" = "viewer"
"a@b.example" = "owner"
[group]
"physicians" = 1
"""
    with pytest.raises(RolesError) as err:
        parse_roles(text, "/etc/plexrt/roles.toml")
    problems = err.value.problems
    assert len(problems) == 6
    message = str(err.value)
    assert message.startswith("The roles file /etc/plexrt/roles.toml cannot be used:")
    for needle in (
        "unknown setting 'colour'",
        "default: 'superuser' is not a role",
        "group_claim: 3 is not a claim name",
        "[email] 'not-an-address': not an e-mail address",
        "[email] 'a@b.example': 'owner' is not a role",
        "[group] 'physicians': 1 is not a role",
    ):
        assert needle in message


def test_a_table_that_is_not_a_table_and_broken_toml():
    with pytest.raises(RolesError, match=r"\[email\]: must be a table"):
        parse_roles('email = "a@b.example"')
    with pytest.raises(RolesError, match="not valid TOML"):
        parse_roles("[email\n")


def test_load_names_a_missing_or_unreadable_file(tmp_path):
    with pytest.raises(RolesError, match="cannot be read: No such file"):
        load_roles(tmp_path / "missing.toml")
    bad = tmp_path / "latin1.toml"
    bad.write_bytes('[email]\n"zoë@b.example" = "viewer"\n'.encode("latin-1"))
    with pytest.raises(RolesError, match="cannot be read"):
        load_roles(bad)
    good = tmp_path / "roles.toml"
    good.write_text(GOOD, encoding="utf-8")
    assert load_roles(good).source == str(good)


def test_the_environment_names_the_file_before_the_secrets(monkeypatch):
    monkeypatch.delenv("PLEXRT_ROLES", raising=False)
    assert roles_path(None) is None
    assert roles_path("/srv/roles.toml") == "/srv/roles.toml"
    monkeypatch.setenv("PLEXRT_ROLES", "/env/roles.toml")
    assert roles_path("/srv/roles.toml") == "/env/roles.toml"
