"""Every sentence in the README, footnotes and exports is true of what the code does, and titles
say "reconstructed" wherever the data are (issue 13, point 9)."""

from __future__ import annotations

import importlib
import re
from dataclasses import replace
from pathlib import Path

from plexrt.board.summary import reconstruction_note
from plexrt.cli import COMMAND_MODULES
from plexrt.data import store
from plexrt.export.slides import figure_title, pack_heading, slides

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_names_only_packages_that_exist():
    bullet = next(line for line in README.split("\n- ") if line.startswith("`src/plexrt/`"))
    names = re.findall(r"`([a-z_]+)`", bullet)
    assert names, bullet
    for name in names:
        importlib.import_module(f"plexrt.{name}")  # raises if the README names a ghost


def test_readme_commands_exist():
    import argparse

    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    for module in COMMAND_MODULES:
        module.register(sub)
    for cmd in set(re.findall(r"plexrt ([a-z-]+)", README)):
        assert cmd in sub.choices, cmd


def test_readme_says_conflicting_figures_are_dropped():
    assert "honour every published aggregate" not in README
    assert "every published figure PlexRT keeps" in README
    assert "dropped" in README and "relaxed" in README
    # 19 contradictions: the rows of discrepancies.csv
    rows = (ROOT / "data" / "sanuki2022" / "discrepancies.csv").read_text().strip().splitlines()
    assert "19 contradictions" in README and len(rows) - 1 == 19


def test_titles_say_reconstructed(inp):
    for s in slides(inp):
        if s.reconstructed:
            assert "(reconstructed times)" in s.title, s.key
            # the chart says it once, in the line under its title (not again in the title)
            labels = [a.text for a in s.fig.layout.annotations if a.name == "reconstructed"]
            assert labels and "RECONSTRUCTED TIMES" in labels[0], s.key
            assert "reconstructed" not in s.fig.layout.title.text, s.key
            # the PPTX heading (the picture goes without its title) says it instead
            assert pack_heading(s) == f"{figure_title(s.fig)} (reconstructed times)", s.key
        else:
            assert "reconstructed" not in s.title, s.key
            assert "reconstructed" not in pack_heading(s), s.key


def test_report_note_states_what_is_kept(con, inp):
    checks = store.reconstruction_checks(con)
    note = reconstruction_note(inp, checks)
    held = int(checks["holds"].astype(bool).sum())
    assert f"{held} of {len(checks)} constraints and rules hold" in note
    assert "dropped or relaxed" in note
    assert "pooled" not in note  # no ensemble given here: nothing is said to be pooled
    real = replace(
        inp,
        events=inp.events.drop(columns=[c for c in inp.events.columns if c.endswith("_source")]),
    )
    assert reconstruction_note(real, checks) is None


def test_provenance_of_reconstructed_values_says_what_is_dropped(con):
    prov = store.provenance(con)
    notes = set(prov.loc[prov["source"] == "reconstructed", "note"])
    assert len(notes) == 1
    (note,) = notes
    assert "every published figure it keeps" in note and "dropped or relaxed" in note
