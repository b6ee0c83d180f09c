"""User text inside Markdown: escaped so that a file name, header or patient code is shown as
written and never read as formatting, a link, an image, a colour directive or an icon.

Backslash escapes are not enough in Streamlit: its renderer works on the text *after* the escapes
are taken out, and there turns a bare address (``http://…``, ``www.…``, ``a@b.example``) into a
live link (GitHub-flavoured Markdown's autolinks), ``:material_home:`` or ``:streamlit:`` into a
picture, ``:smile:`` into an emoji and ``a -> b``, ``--``, ``>=`` into arrows and dashes. Each of
these reads one run of plain text; so the one character that completes such a sequence (the
``@``, the ``:`` of ``://`` or of ``:name:``, the ``.`` after ``www``, the second sign of
``->``) is written as Streamlit's colour directive with no colour, ``:color[@]``, which Streamlit
draws as a bare ``<span>`` holding that character: the same characters on screen and when
copied, in a run of text of its own, so no sequence is ever whole. (An invisible character such
as a zero-width joiner would also break the sequence, but it would change the text a reader
copies.)
"""

from __future__ import annotations

import re

from plexrt.data.values import one_line

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$=:&/])")

# The characters that complete a sequence Streamlit would replace (module docstring): an e-mail's
# @; the colon of "://" or of a ":name:" shortcode; the dot of "www."; the second sign of "--",
# "->", "<-", ">=", "<=" and "~=" (arrows and dashes). "/" is always escaped, so that the text
# never holds ":material/", which Streamlit rewrites into an icon's name before reading.
_COMPLETES = re.compile(
    r"@|:(?=//|[\w+-]+:)|(?<=www)\.|(?<=[-<])-|(?<=-)>|(?<=[<>~])=", re.IGNORECASE
)
# Streamlit's colour directive without a colour: a plain <span>, nothing added (module docstring).
_PLAIN_SPAN = ":color[{}]"


def _escaped(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", text)


def md(text: object) -> str:
    """``text`` escaped for ``st.markdown`` (and widget labels, tables, alerts, tabs), on one
    line: shown as written, never a link, picture, emoji or arrow."""
    line = one_line(text)
    parts, start = [], 0
    for m in _COMPLETES.finditer(line):
        parts += [_escaped(line[start : m.start()]), _PLAIN_SPAN.format(_escaped(m.group()))]
        start = m.end()
    parts.append(_escaped(line[start:]))
    return "".join(parts)


def bullets(lines: list[str]) -> str:
    """A Markdown list of escaped lines."""
    return "\n".join(f"- {md(line)}" for line in lines)
