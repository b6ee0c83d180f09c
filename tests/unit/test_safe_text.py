"""User text in Markdown is shown as written (plexrt.ui.safe_text)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plexrt.data.values import one_line
from plexrt.ui.safe_text import bullets, md
from tests.streamlit_markdown import as_read, replaced, runs


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("**bold**", r"\*\*bold\*\*"),
        ("[x](javascript:alert(1))", r"\[x\]\(javascript\:alert\(1\)\)"),
        # "/" escaped: Streamlit rewrote the escaped ":material/home:" into the icon's name and drew
        # the icon
        (":red[alarm] :material/home:", r"\:red\[alarm\] \:material\/home\:"),
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


# What Streamlit 1.67 drew as something else, escaped or not (seen in Chromium): a link, an icon,
# the logo, an emoji, an arrow or a dash.
REPLACED_BY_STREAMLIT = [
    "see http://evil.example/x",
    "www.evil.example",
    "a@b.example",
    "HTTPS://WwW.Evil.example/a@b",
    "wwww.evil.example",
    ":material/home: :material_home: :streamlit: :smile: :+1:",
    "a -> b <- c <-> d -- e >= f <= g ~= h",
    "x ---> y",
]


@pytest.mark.parametrize("text", REPLACED_BY_STREAMLIT)
def test_what_streamlit_would_replace_reads_as_typed(text):
    assert replaced(md(text)) == []
    assert as_read(md(text)) == text


def test_the_completing_character_is_a_plain_span_of_its_own():
    # the same characters, Streamlit's colour directive without a colour around the one that
    # would complete a link (independently written out)
    assert md("a@b.example") == r"a:color[@]b\.example"
    assert md("http://x.example") == r"http:color[\:]\/\/x\.example"
    assert md("www.x") == r"www:color[\.]x"
    assert md("a -> b") == r"a \-:color[\>] b"
    assert runs(md("www.x")) == ["www", ".", "x"]


def test_text_without_such_sequences_is_only_escaped():
    assert md("Sanuki 2022: 10 Gy in 5 fr.") == r"Sanuki 2022\: 10 Gy in 5 fr\."


# Text made mostly of what the sequences are made of, to meet them often.
PARTS = st.sampled_from(
    [
        "http",
        "HTTPS",
        "://",
        "www",
        "WwW",
        ".",
        "@",
        ":",
        "material",
        "/",
        "_",
        "streamlit",
        "smile",
    ]
    + ["-", "<", ">", "=", "~", " ", "\\", "[", "]", "{", "}", "a", "1", "+", "é", "\t"]
)
SEQUENCE_TEXT = st.lists(PARTS, max_size=30).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(SEQUENCE_TEXT, st.text(max_size=60)))
def test_any_text_reads_as_typed_and_nothing_is_replaced(text):
    shown = md(text)
    assert as_read(shown) == one_line(text)
    assert replaced(shown) == []
