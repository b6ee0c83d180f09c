"""Sign-in under AppTest (issue 15 §1-2): with [auth] configured every page shows only the sign-in
screen until signed in; roles come from the roles file; an expired identity token signs the person
out with a message; a bad roles file or a person without a role gets a message, never a trace.
Without [auth] nothing changes (the existing app tests run that way)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.app.conftest import as_read

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted(p.name for p in (ROOT / "pages").glob("*.py"))
AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "test-cookie-secret-not-used-by-apptest",
    "client_id": "plexrt",
    "client_secret": "secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
    "expose_tokens": "id",
}
FUTURE = 4102444800  # 2100-01-01T00:00:00Z
PAST = 946684800  # 2000-01-01T00:00:00Z
ROLES = """
[email]
"ann@h.example" = "editor"
"boss@h.example" = "admin"
"""


def id_token(claims: dict) -> str:
    def part(obj: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    return f"{part({'alg': 'RS256'})}.{part(claims)}.signature"


def user(email: str, exp: int = FUTURE, **extra) -> dict:
    claims = {"sub": email, "email": email, "iss": "http://idp.test", "iat": 1, "exp": exp}
    return {"is_logged_in": True, **claims, **extra, "tokens": {"id": id_token(claims)}}


@pytest.fixture
def team(tmp_path, monkeypatch):
    """An app with sign-in configured, its own user database and roles file."""
    roles = tmp_path / "roles.toml"
    roles.write_text(ROLES, encoding="utf-8")
    monkeypatch.setenv("PLEXRT_USER_DB", str(tmp_path / "user.duckdb"))
    monkeypatch.setenv("PLEXRT_ROLES", str(roles))
    st.cache_resource.clear()
    st.cache_data.clear()

    def make(who: dict | None) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.secrets["auth"] = AUTH
        at.user = who if who is not None else {"is_logged_in": False}
        return at

    make.roles = roles  # type: ignore[attr-defined]
    yield make
    st.cache_resource.clear()
    st.cache_data.clear()


def _texts(at) -> str:
    parts = [m.value for m in at.markdown] + [e.value for e in [*at.info, *at.warning, *at.error]]
    return " ".join(str(p) for p in parts)


def _signin_screen(at) -> bool:
    return any(b.label in ("Sign in", "Sign in again") for b in at.button)


@pytest.mark.parametrize("page", [None, *(f"pages/{p}" for p in PAGES)])
def test_every_page_shows_only_the_sign_in_screen(team, page):
    at = team(None).run()
    if page is not None:  # every page is registered (hidden), so a deep link reaches the gate
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.sidebar.text  # no navigation, no "signed in as"
    assert _signin_screen(at)
    assert [t.value for t in at.title] == ["PlexRT"]
    # Nothing of the app: no filters, no figures, no tables, no banner.
    assert not at.sidebar.multiselect and not at.metric and not at.dataframe
    assert "sites" not in _texts(at)


def test_a_deep_link_with_parameters_shows_the_sign_in_screen_too(team):
    at = team(None)
    at.query_params["muscle"] = "psoas"
    at.query_params["series"] = "anything"
    at.run()
    assert _signin_screen(at) and not at.metric and not at.dataframe


def test_a_signed_in_editor_gets_the_app_with_sign_out_and_no_audit_page(team):
    at = team(user("ann@h.example")).run()
    assert not at.exception
    assert not _signin_screen(at)
    assert any(m.label == "Irradiated sites" for m in at.metric)
    sidebar = " ".join(t.value for t in at.sidebar.text)
    assert "Signed in as ann@h.example · role editor" in sidebar
    assert [b.label for b in at.sidebar.button if b.key == "signout_button"] == ["Sign out"]
    at.switch_page("pages/sharing.py").run()
    assert not at.exception
    assert "There is no own series you can see." in _texts(at)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/audit.py")


def test_an_admin_reads_the_audit_trail_with_the_sign_ins(team):
    team(user("ann@h.example")).run()
    at = team(user("boss@h.example", name="The Boss")).run()
    assert "Signed in as The Boss · role admin" in " ".join(t.value for t in at.sidebar.text)
    at.switch_page("pages/audit.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Audit trail intact: 2 entries" in s.value for s in at.success)
    log = at.dataframe[0].value
    assert list(log["Who"]) == ["boss@h.example", "ann@h.example"]
    assert list(log["What"]) == ["sign-in", "sign-in"]
    assert json.loads(log["Detail"].iloc[0]) == {"issuer": "http://idp.test", "role": "admin"}


def test_the_same_token_signs_in_once_per_process(team):
    for _ in range(3):  # three browser sessions (reloads) with the same identity token
        team(user("ann@h.example")).run()
    at = team(user("boss@h.example")).run()
    at.switch_page("pages/audit.py").run()
    who = list(at.dataframe[0].value["Who"])
    assert who.count("ann@h.example") == 1


def test_a_sign_in_the_store_fails_to_record_is_said_and_recorded_later(team, monkeypatch):
    """The user database stops between being checked and the sign-in's audit entry (a server
    going down): the app opens with one notice, and the next run records the sign-in."""
    from plexrt.data.userstore import UserDataUnavailable, UserStore

    real = UserStore.log_event

    def down(self, *args, **kwargs):
        raise UserDataUnavailable("user.duckdb", "the server went away")

    monkeypatch.setattr(UserStore, "log_event", down)
    at = team(user("ann@h.example", iat=7)).run()
    assert not at.exception and not _signin_screen(at)
    notices = [w.value for w in at.warning if "the server went away" in w.value]
    assert len(notices) == 1 and "Only the bundled data are shown" in notices[0]
    monkeypatch.setattr(UserStore, "log_event", real)
    monkeypatch.setattr("plexrt.ui.user_data._RETRY_S", 0.0)
    at.run()
    boss = team(user("boss@h.example")).run()
    boss.switch_page("pages/audit.py").run()
    assert list(boss.dataframe[0].value["Who"]).count("ann@h.example") == 1


def test_an_unlisted_person_is_a_viewer_by_default(team):
    at = team(user("zed@h.example")).run()
    assert "role viewer" in " ".join(t.value for t in at.sidebar.text)


def test_an_expired_token_signs_the_person_out_with_a_message(team):
    at = team(user("ann@h.example", exp=PAST)).run()
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in again"]
    warning = " ".join(w.value for w in at.warning)
    assert "Your identity token expired (2000-01-01 00:00 UTC)" in warning
    assert not at.metric and not at.sidebar.multiselect
    # The sign-out is recorded (reason: expired).
    boss = team(user("boss@h.example")).run()
    boss.switch_page("pages/audit.py").run()
    log = boss.dataframe[0].value
    out = log[log["What"] == "sign-out"]
    assert list(out["Who"]) == ["ann@h.example"]
    assert json.loads(out["Detail"].iloc[0]) == {"exp": PAST, "reason": "identity token expired"}


def test_the_token_expiry_wins_over_the_kept_claims(team):
    who = user("ann@h.example")  # claims say 2100 ...
    who["tokens"] = {"id": id_token({"sub": "ann@h.example", "exp": PAST})}  # ... the token 2000
    at = team(who).run()
    assert [b.label for b in at.button] == ["Sign in again"]


def test_a_bad_roles_file_is_a_message_listing_every_problem(team):
    team.roles.write_text('default = "boss"\n[email]\n"x" = "editor"\n', encoding="utf-8")
    at = team(user("ann@h.example")).run()
    assert not at.exception
    message = " ".join(e.value for e in at.error)
    assert "its roles file is not valid" in message
    assert "default: 'boss' is not a role" in message
    assert "[email] 'x': not an e-mail address" in message
    assert not at.metric
    assert [b.label for b in at.button] == ["Sign out"]


def test_a_missing_roles_file_is_a_message(team, tmp_path, monkeypatch):
    monkeypatch.setenv("PLEXRT_ROLES", str(tmp_path / "nowhere.toml"))
    at = team(user("ann@h.example")).run()
    assert not at.exception
    assert "cannot be read: No such file" in " ".join(e.value for e in at.error)


def test_a_person_without_a_role_is_refused(team):
    team.roles.write_text('default = "none"\n[email]\n"ann@h.example" = "viewer"\n')
    at = team(user("eve*@h.example")).run()
    assert not at.exception and not at.metric
    shown = " ".join(e.value for e in at.error)
    assert "eve*@h.example has no role in PlexRT" in as_read(shown)
    assert r"eve\*" in shown  # escaped: not read as emphasis
    assert not team(user("ann@h.example")).run().error
