"""User text in Markdown is shown as written (plexrt.ui.safe_text)."""

from __future__ import annotations

import pytest

from plexrt.ui.safe_text import bullets, md


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("**bold**", r"\*\*bold\*\*"),
        ("[x](javascript:alert(1))", r"\[x\]\(javascript\:alert\(1\)\)"),
        (":red[alarm] :material/home:", r"\:red\[alarm\] \:material/home\:"),
        ("<img src=x>", r"\<img src\=x\>"),
        ("# title\n- item", r"\# title \- item"),
        ("$x$ `code` ~~s~~ a_b", r"\$x\$ \`code\` \~\~s\~\~ a\_b"),
        ("plain words 42", "plain words 42"),
    ],
)
def test_md_escapes_every_markdown_sign(text, escaped):
    assert md(text) == escaped


def test_bullets():
    assert bullets(["a*b", "c"]) == "- a\\*b\n- c"
