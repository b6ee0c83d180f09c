"""Never a stack trace in the browser: known failures become plain messages."""

from __future__ import annotations

import contextlib
import logging

import streamlit as st

from plexrt.data.csvfile import DataError
from plexrt.data.userstore import UserDataUnavailable
from plexrt.ingest.ensure import StoreUnavailable
from plexrt.ui import db
from plexrt.ui.safe_text import md

log = logging.getLogger("plexrt")


@contextlib.contextmanager
def guarded(what: str):
    """Run a block; on failure show what went wrong in words and stop this page run."""
    try:
        yield
    except DataError as exc:
        st.error(
            f"PlexRT could not build its database because the data files are not valid. "
            f"Nothing was changed.\n\n```\n{exc}\n```",
            icon=":material/error:",
        )
        st.stop()
    except StoreUnavailable as exc:
        st.error(f"PlexRT has no database it can show.\n\n```\n{exc}\n```", icon=":material/error:")
        st.stop()
    except UserDataUnavailable as exc:
        # The user data stopped being usable while this page was reading them (a server going
        # down): the same notice as everywhere, and the next run shows the bundled data.
        db.user_data_failed(exc)
        st.caption(
            f"{md(what[:1].upper() + what[1:])} stopped here because your own data cannot be used "
            "now; it shows the bundled data again on the next run.",
        )
        st.stop()
    except FileNotFoundError as exc:
        st.error(f"PlexRT could not open its data: {md(str(exc))}", icon=":material/error:")
        st.stop()
    except Exception as exc:  # noqa: BLE001 -- last line of defence for the browser
        if type(exc).__name__ in ("StopException", "RerunException"):
            raise
        log.exception("error while rendering %s", what)
        st.error(
            f"Something went wrong while showing {what}: {type(exc).__name__}: {md(str(exc))}. "
            "The details are in the server log; your filters are kept.",
            icon=":material/error:",
        )
        st.stop()
