"""Make sure every page is drawn inside the app shell (sidebar filters, banner, navigation).

Streamlit still has its legacy multipage mode: when a folder named ``pages/`` sits beside the entry
point, the first script run of a server process (and every AppTest run) treats a deep link such as
``/data`` as a legacy page and runs ``pages/data.py`` on its own, without ``app.py``. A page that
finds itself outside the shell switches the legacy mode off and runs ``app.py`` in its place, which
declares the real navigation and draws this same page inside the shell; then it stops. No rerun is
needed, so no click or form submission is lost.
"""

from __future__ import annotations

import runpy
import threading
from pathlib import Path

import streamlit as st

_state = threading.local()


def enter() -> None:
    _state.active = True


def leave() -> None:
    _state.active = False


def _entry_point() -> Path:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is not None and getattr(ctx, "pages_manager", None) is not None:
        return Path(ctx.pages_manager.main_script_path)
    from plexrt.data.paths import PROJECT_ROOT

    return PROJECT_ROOT / "app.py"


def gate(pages: list | None = None):
    """The one sign-in gate, passed by every script run in ``app.py`` before anything is drawn
    (``plexrt.ui.signin.gate``): the principal when access is allowed; otherwise only the
    sign-in screen is drawn (``pages`` registered but hidden, so a deep link stays valid) and
    the run stops. Local mode: no sign-in."""
    from plexrt.ui import signin

    return signin.gate(pages)


def require() -> None:
    """Call at the top of every page script. Inside the shell the gate has been passed already;
    a page run on its own runs ``app.py`` instead, whose first step is the gate."""
    if getattr(_state, "active", False):
        return
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False
    runpy.run_path(str(_entry_point()), run_name="__main__")
    st.stop()
