"""The series in view (set by ``plexrt.ui.series`` from the URL at the start of every run) and the
cache decorator that keys every query of ``plexrt.ui.db`` by it."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence

import streamlit as st

from plexrt.data.series_param import SeriesChoice

SERIES_STATE = "series_choice"
VERSIONS = "series_versions"  # {own series id: last change} of the series the principal may read


def series_choice() -> SeriesChoice:
    """The choice of this run (the bundled series unless the switcher chose another)."""
    return st.session_state.get(SERIES_STATE, SeriesChoice())


def series_key() -> tuple[str, str]:
    """What the cached queries of the series in view are keyed by: its id and, for an own
    series, its last change (so a follow-up entry shows at once). Compare mode reads the
    bundled store, so it shares the bundled key."""
    choice = series_choice()
    if choice.is_own and choice.own_id:
        return choice.own_id, str(st.session_state.get(VERSIONS, {}).get(choice.own_id, ""))
    return "bundled", ""


class PatientIds(Sequence[str]):
    """The patient ids of a cohort as a cache argument: hashed once (a digest of the ids), not
    id by id on every call (100,000 ids took seconds per rerun). Not a tuple: Streamlit's hasher
    walks every item of a tuple before it looks for a hash function of the type."""

    __slots__ = ("digest", "ids")

    def __init__(self, ids):
        self.ids = tuple(str(i) for i in ids)
        self.digest = hashlib.sha256("\x1f".join(self.ids).encode()).hexdigest()

    def __getitem__(self, i):
        return self.ids[i]

    def __len__(self) -> int:
        return len(self.ids)

    def __iter__(self):
        return iter(self.ids)

    def __eq__(self, other) -> bool:
        return self.ids == (other.ids if isinstance(other, PatientIds) else other)

    def __hash__(self) -> int:
        return hash(self.digest)


def _store_stamp() -> tuple:
    """The bundled store file as it is now (a rebuild gives a new key)."""
    from plexrt.data.paths import default_db_path

    try:
        st_ = default_db_path().stat()
    except OSError:
        return ()
    return (st_.st_ino, st_.st_mtime_ns)


def per_series(resource: bool = False, frame: bool = False, **cache_kw):
    """``st.cache_data`` (or ``cache_resource``) with the series in view as part of the key, so
    one cached query never answers for another series. The wrapped function reads
    ``db.connection()``, which is the store of that same series.

    ``frame``: a DataFrame kept as a resource (with the store file in the key) and copied for
    each caller: a copy of a large frame is many times faster than unpickling it."""
    cache_kw.setdefault("hash_funcs", {}).setdefault(PatientIds, lambda ids: ids.digest)

    def wrap(fn):
        # (not '_key': streamlit leaves parameters named with a leading underscore out of the key)
        def keyed(series: tuple, *args, **kwargs):
            return fn(*args, **kwargs)

        # The cache tells functions apart by module and qualified name.
        keyed.__module__, keyed.__qualname__ = fn.__module__, f"{fn.__qualname__}[series]"
        cached = (st.cache_resource if resource or frame else st.cache_data)(**cache_kw)(keyed)

        @functools.wraps(fn)
        def call(*args, **kwargs):
            if frame:
                return cached((*series_key(), *_store_stamp()), *args, **kwargs).copy()
            return cached(series_key(), *args, **kwargs)

        call.clear = cached.clear  # type: ignore[attr-defined]
        return call

    return wrap
