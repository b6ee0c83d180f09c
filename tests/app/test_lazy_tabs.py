"""``$PLEXRT_LAZY_TABS``: a server for many people at once may compute only the open tab on the
bundled 12 sites too; by default every tab is drawn at once at that size."""

from __future__ import annotations

import logging

import pytest
import streamlit as st


def _data_page(app, monkeypatch, setting: str | None):
    if setting is None:
        monkeypatch.delenv("PLEXRT_LAZY_TABS", raising=False)
    else:
        monkeypatch.setenv("PLEXRT_LAZY_TABS", setting)
    st.cache_data.clear()
    at = app().run()
    at.switch_page("pages/data.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _provenance_drawn(at) -> bool:
    # The provenance tab's table filter: drawn only when that tab's content is computed.
    return any(m.label == "Table" for m in at.multiselect)


@pytest.mark.parametrize("setting", [None, "auto", "AUTO "])
def test_every_tab_is_drawn_by_default(app, monkeypatch, setting):
    assert _provenance_drawn(_data_page(app, monkeypatch, setting))


def test_always_computes_only_the_open_tab(app, monkeypatch):
    at = _data_page(app, monkeypatch, "always")
    assert not _provenance_drawn(at)
    at.session_state["data_tab"] = "Provenance of every value"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert _provenance_drawn(at)


def test_a_setting_that_is_not_one_is_logged_and_read_as_auto(app, monkeypatch, caplog):
    with caplog.at_level(logging.WARNING, logger="plexrt"):
        at = _data_page(app, monkeypatch, "sometimes")
    assert _provenance_drawn(at)
    assert "PLEXRT_LAZY_TABS is 'sometimes', not one of auto, always" in caplog.text
