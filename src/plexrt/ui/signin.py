"""Sign-in with the hospital's identity provider (Streamlit's ``st.login`` / ``st.user``).

Sign-in is on when ``.streamlit/secrets.toml`` has an ``[auth]`` table (see docs/deployment.md);
then ``gate()`` lets nobody past the sign-in screen until they are signed in, have a role in the
roles file (``plexrt.data.roles``) and hold an identity token that has not expired (Streamlit does
not check expiry; ``plexrt.data.identity`` does). Without ``[auth]`` (``make run`` on a laptop)
nothing changes: no sign-in, the principal is the operating-system account.

Sign-in and sign-out are recorded in the audit trail: a sign-in once per identity token and app
process (a page reload opens a new Streamlit session with the same token, which is not a new
sign-in), a sign-out when the person presses "Sign out" or their token is found expired.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import streamlit as st

from plexrt.data.access import Principal, local_principal
from plexrt.data.identity import expiry, is_expired, principal_from_claims
from plexrt.data.roles import RolesConfig, RolesError, load_roles, roles_path
from plexrt.ui.safe_text import md
from plexrt.ui.user_data import user_data, user_data_failed

_SIGNED_IN: set[tuple[str, str, Any]] = set()  # (database, user id, token) recorded here
_LOCK = threading.Lock()
_KEY = "_signin_principal"
_PAGES = threading.local()  # the pages of this script run (hidden while signed out)


class NotSignedIn(PermissionError):
    """User data were asked for before the gate let anyone in (a programming error)."""


def _secret(name: str) -> Any:
    try:
        return st.secrets.get(name)
    except FileNotFoundError:  # no secrets.toml at all (StreamlitSecretNotFoundError is one)
        return None


def configured() -> bool:
    """Is sign-in on (an ``[auth]`` table in the secrets)?"""
    return bool(_secret("auth"))


def _roles_file() -> str | None:
    plexrt = _secret("plexrt")
    value = plexrt.get("roles_file") if isinstance(plexrt, Mapping) else None
    return roles_path(str(value) if value else None)


@st.cache_data(show_spinner=False, max_entries=4)
def _roles_cached(path: str, stamp: tuple) -> RolesConfig:
    return load_roles(path)


def roles() -> RolesConfig:
    """The roles file as it is now on disk (re-read when it changes); RolesError when unusable."""
    path = _roles_file()
    if path is None:
        return RolesConfig()
    try:
        s = Path(path).stat()
        stamp: tuple = (s.st_mtime_ns, s.st_size)
    except OSError:
        stamp = ()
    return _roles_cached(path, stamp)


def _claims() -> dict[str, Any]:
    return {k: v for k, v in st.user.to_dict().items() if k != "tokens"}


def _id_token() -> str | None:
    try:
        return st.user.tokens["id"]  # exposed with expose_tokens = "id" in [auth]
    except (AttributeError, KeyError, TypeError):
        return None


def _audit(principal: Principal, action: str, detail: dict[str, Any], once: Any = None) -> None:
    """Record a sign-in or sign-out; with ``once``, only the first time per user database and
    app process."""
    from plexrt.data.userstore import UserDataUnavailable

    store = user_data()
    if store is None:
        return
    key = None if once is None else (store.where, principal.user_id, once)
    if key is not None:
        with _LOCK:
            if key in _SIGNED_IN:
                return
            _SIGNED_IN.add(key)
    try:
        store.log_event(principal, action, detail=detail)
    except UserDataUnavailable as exc:  # the store stopped between the check and the write
        if key is not None:
            with _LOCK:
                _SIGNED_IN.discard(key)  # recorded on a later run, once the store is back
        user_data_failed(exc)


def _record_sign_in(principal: Principal, claims: Mapping[str, Any]) -> None:
    detail = {"role": principal.role, "issuer": str(claims.get("iss", ""))}
    _audit(principal, "sign_in", detail, once=("sign_in", claims.get("iat")))


def _screen(title: str, body: str, *, button: str = "Sign in", kind: str = "info") -> None:
    _hide_navigation()
    st.title("PlexRT")
    st.header(title)
    getattr(st, kind)(body, icon=":material/lock:")
    if st.button(button, type="primary", key="signin_button"):
        st.login()
    st.stop()


def _hide_navigation() -> None:
    """Register the app's pages without showing them (no menu before sign-in; a deep link keeps
    its address), so Streamlit does not list the page files of its legacy mode either."""
    if _PAGES.pages:
        st.navigation(_PAGES.pages, position="hidden")


def _expired(claims: Mapping[str, Any], exp: int | None) -> None:
    if not st.session_state.get("_signin_expired_logged"):
        st.session_state["_signin_expired_logged"] = True
        known = principal_from_claims(claims, roles())
        if known is not None:
            _audit(known, "sign_out", {"reason": "identity token expired", "exp": exp})
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(exp)) if exp is not None else "unknown"
    st.session_state.pop(_KEY, None)
    _screen(
        "Your sign-in has expired",
        f"Your identity token expired ({when}), so you have been signed out. "
        "Sign in again to go on.",
        button="Sign in again",
        kind="warning",
    )


def gate(pages: list | None = None) -> Principal:
    """The one gate of every page: the principal when access is allowed; otherwise the sign-in
    (or refusal) screen is drawn, with ``pages`` registered but hidden, and the run stops."""
    _PAGES.pages = pages or []
    if not configured():
        return local_principal()
    if not st.user.is_logged_in:
        _screen(
            "Sign in",
            "PlexRT holds patient data of this department: sign in with your hospital account "
            "to go on.",
        )
    claims = _claims()
    exp = expiry(claims, _id_token())
    if is_expired(exp, time.time()):
        _expired(claims, exp)
    try:
        principal = principal_from_claims(claims, roles())
    except RolesError as exc:
        _hide_navigation()
        st.error(
            f"PlexRT cannot sign anyone in: its roles file is not valid.\n\n```\n{exc}\n```\n\n"
            "Nobody can sign in until the file is fixed.",
            icon=":material/error:",
        )
        _sign_out_button()
        st.stop()
    if principal is None:
        _hide_navigation()
        who = claims.get("email") or claims.get("sub") or "this account"
        st.error(
            f"{md(str(who))} has no role in PlexRT. Ask the department's PlexRT administrator to add "
            "you to the roles file.",
            icon=":material/block:",
        )
        _sign_out_button()
        st.stop()
    st.session_state[_KEY] = principal
    _record_sign_in(principal, claims)
    return principal


def principal() -> Principal:
    """The person using the app (the gate has run at the top of this script run)."""
    if not configured():
        return local_principal()
    who = st.session_state.get(_KEY)
    if who is None:
        raise NotSignedIn("no one is signed in in this session")
    return who


def _sign_out_button() -> None:
    if st.button("Sign out", key="signout_button", icon=":material/logout:"):
        who = st.session_state.pop(_KEY, None)
        if who is not None:
            _audit(who, "sign_out", {"reason": "signed out"})
        st.logout()


def sidebar(who: Principal) -> None:
    """Who is signed in, their role, and the sign-out button (nothing in local mode)."""
    if not configured():
        return
    with st.sidebar:
        st.text(f"Signed in as {who.label} · role {who.role}")
        _sign_out_button()
