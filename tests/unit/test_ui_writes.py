"""The buttons that write to the user data (plexrt.ui.writes): every key it names is a button of
the app, and a pressed one is told apart from the rest of the session state."""

from __future__ import annotations

import re
from pathlib import Path

from plexrt.ui import writes

UI = Path(__file__).resolve().parents[2] / "src" / "plexrt" / "ui"


def test_what_a_pressed_button_would_have_written():
    assert writes.pressed({}) is None
    assert writes.pressed({"fu_save": False, "oi_commit": None, "other": True}) is None
    assert writes.pressed({"fu_save": False, "oi_commit": True}) == "the import"


def test_every_write_key_is_the_key_of_a_button_drawn_by_the_app():
    names = {v: k for k, v in vars(writes).items() if k.isupper() and isinstance(v, str)}
    assert set(writes.WRITES) <= set(names)
    used = set()
    for path in UI.glob("*.py"):
        if path.name != "writes.py":
            used |= set(re.findall(r"button\([^)]*key=writes\.([A-Z_]+)", path.read_text()))
    assert used == {names[k] for k in writes.WRITES}
