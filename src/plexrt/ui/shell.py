"""Make sure every page is drawn inside the app shell (sidebar filters, banner, theme).

Streamlit still has its legacy multipage mode: when a folder named ``pages/`` sits beside the entry
point, the very first script run of a server process treats a deep link such as ``/data`` as a
legacy page and runs ``pages/data.py`` on its own, without ``app.py``. ``st.navigation`` switches
that mode off, but only once ``app.py`` has run. A page that finds itself outside the shell switches
the legacy mode off and reruns, so the deep link opens the same page inside the shell.
"""

from __future__ import annotations

import threading

import streamlit as st

_state = threading.local()


def enter() -> None:
    _state.active = True


def leave() -> None:
    _state.active = False


def require() -> None:
    """Call at the top of every page script."""
    if getattr(_state, "active", False):
        return
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False
    st.rerun()
