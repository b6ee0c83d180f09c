"""User text inside Markdown: escaped so that a file name, header or patient code is shown as
written and never read as formatting, a link, an image, a colour directive or an icon."""

from __future__ import annotations

import re

from plexrt.data.values import one_line

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$=:&])")


def md(text: object) -> str:
    """``text`` escaped for ``st.markdown`` (and widget labels), on one line."""
    return _SPECIAL.sub(r"\\\1", one_line(text))


def bullets(lines: list[str]) -> str:
    """A Markdown list of escaped lines."""
    return "\n".join(f"- {md(line)}" for line in lines)
