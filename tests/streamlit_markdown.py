"""How Streamlit 1.67's Markdown renderer reads the text the app escapes (plexrt.ui.safe_text), as a
model for tests without a browser; tests/e2e/test_pages_browser.py checks the real one in Chromium.

Streamlit first rewrites ``:material/`` as ``:material_`` in the source; it then parses the
Markdown, taking the backslash escapes out, and draws ``:color[x]`` (its colour directive without
a colour) as a plain ``<span>`` holding ``x``. Each run of plain text between such spans is then
searched, after the escapes are gone, for what it replaces: GitHub-flavoured Markdown's autolinks
(mdast-util-gfm-autolink-literal), icons and the logo, emoji shortcodes (remark-emoji) and its
arrows and dashes. The patterns below are those of the renderer's sources.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r":color\[((?:\\.|[^\]\\])*)\]|\\(.)|(.)", re.DOTALL)

REPLACED = {
    "link": re.compile(r"(https?://|www(?=\.))([-.\w]+)([^ \t\r\n]*)", re.IGNORECASE),
    "e-mail link": re.compile(r"([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)"),
    "icon": re.compile(r":material_(\w+):"),
    "logo": re.compile(r":streamlit:"),
    "emoji": re.compile(r":\+1:|:-1:|:[\w-]+:"),
    "arrow or dash": re.compile(r"(^|\s)(<->|->|<-|--|>=|<=|~=)(\s|$)"),
}


def runs(markdown: str) -> list[str]:
    """The runs of plain text Streamlit reads in ``markdown`` (a span's text is a run of its
    own), escapes taken out."""
    source = markdown.replace(":material/", ":material_")
    found = [""]
    for m in _TOKEN.finditer(source):
        if m.group(1) is not None:
            found += [re.sub(r"\\(.)", r"\1", m.group(1), flags=re.DOTALL), ""]
        else:
            found[-1] += m.group(2) if m.group(2) is not None else m.group(3)
    return found


def as_read(markdown: str) -> str:
    """The characters a reader sees (and copies)."""
    return "".join(runs(markdown))


def replaced(markdown: str) -> list[str]:
    """What Streamlit would draw as something else than the characters: links, icons, emoji,
    arrows (``kind: text``)."""
    return [
        f"{kind}: {m.group(0)}"
        for run in runs(markdown)
        for kind, pattern in REPLACED.items()
        for m in pattern.finditer(run)
    ]
