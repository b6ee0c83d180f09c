"""Getting a bundled store the app can serve, without ever losing a good one.

The rules (issue 16 §3), in order:
- a store another process holds, or one built by this code from these data files, is served;
- a missing store is built from the data folder;
- a store built from this data folder by other code, or before the files changed, is rebuilt
  from it (into a temporary file renamed into place, so a failed build changes nothing);
- a store built from *another* data folder (or by an older PlexRT that did not record its folder,
  unless it is the project's own data/plexrt.duckdb) is never rebuilt from this one;
- when a rebuild is not allowed or fails (invalid data files, a full disk), a store this code can
  still read is served as it is, with a notice saying why; otherwise ``StoreUnavailable`` says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from plexrt.data.csvfile import DataError
from plexrt.data.store_origin import StoreState, store_state
from plexrt.ingest.build import build_db

MAX_PROBLEMS_SHOWN = 5


class StoreUnavailable(RuntimeError):
    """No bundled store can be served; the message says why and what to do."""


@dataclass(frozen=True)
class Ready:
    """The store to open, and why it is not the one the data folder would give (if so)."""

    path: Path
    notice: str | None = None


def _problems_text(exc: DataError) -> str:
    shown = [f"- {p}" for p in exc.problems[:MAX_PROBLEMS_SHOWN]]
    more = len(exc.problems) - MAX_PROBLEMS_SHOWN
    if more > 0:
        shown.append(f"- and {more} more (run `plexrt build-db` to see them all)")
    return "\n".join(shown)


def _may_rebuild(state: StoreState) -> bool:
    if not state.exists:
        return True
    if state.built_from is not None:
        return state.same_folder
    return state.is_project_default  # unrecorded origin: only the project's own store


def _older_store_served(state: StoreState, why: str) -> Ready:
    if state.readable and state.tables_match:
        built = f" (built {state.built_at})" if state.built_at else ""
        return Ready(state.path, f"{why} The store {state.path}{built} is shown as it is.")
    if state.readable:
        reason = "it was built by another version of PlexRT whose tables differ"
    else:
        reason = state.problem or "it cannot be read"
    raise StoreUnavailable(f"{why} The existing store {state.path} cannot be shown: {reason}.")


def _not_rebuilt_why(state: StoreState, data_dir: Path) -> str:
    if not state.readable:
        return (
            f"{state.path} is not a PlexRT store PlexRT may replace ({state.problem}); it is left "
            "as it is: move it away, or set $PLEXRT_DB to another file."
        )
    origin = state.built_from or "a data folder it did not record (an older PlexRT)"
    return (
        f"The store was built from {origin}, not from {data_dir} ($PLEXRT_DATA), so it is never "
        "rebuilt from this folder. To rebuild it from its own folder: "
        f"`plexrt build-db --data {state.built_from or 'DIR'} --db {state.path}`; to use "
        f"{data_dir}, set $PLEXRT_DB to another file."
    )


def ensure_store(db_path: Path, data_dir: Path) -> Ready:
    """The store at ``db_path``, built or rebuilt from ``data_dir`` when the rules above allow."""
    db_path, data_dir = Path(db_path), Path(data_dir)
    state = store_state(db_path, data_dir)
    if state.locked or state.current:
        return Ready(db_path)
    if not _may_rebuild(state):
        why = _not_rebuilt_why(state, data_dir)
        if not state.readable:
            raise StoreUnavailable(why)
        return _older_store_served(state, why)
    try:
        build_db(data_dir, db_path)
    except DataError as exc:
        why = (
            f"The data folder {data_dir} has problems, so the store was not rebuilt:\n"
            f"{_problems_text(exc)}\n"
        )
        if not state.exists:
            raise StoreUnavailable(f"{why}There is no store to show yet.") from None
        return _older_store_served(state, why)
    except OSError as exc:  # a full disk, a read-only folder
        why = f"The store could not be rebuilt ({exc.strerror or exc}); nothing was changed."
        if not state.exists:
            raise StoreUnavailable(why) from None
        return _older_store_served(state, why)
    return Ready(db_path)
