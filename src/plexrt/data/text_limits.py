"""How long text a person types or imports may be, and the one check every writer of such text uses.

Free text reaches the user store from the literature form and file (citations, notes), the board
(case labels, primary cancer), the import (patient codes, coded values, series name, institution,
period), the sharing of a series (whom it is shared with or given to). Every one of them is checked here: no NUL character (databases and exports truncate or
refuse it silently) and no more than the limit of its kind.
"""

from __future__ import annotations

import re

NAME_CHARS = 200  # a series name, institution, period; a saved case's label
CODE_CHARS = 200  # a short value kept from an import or the board form (patient code, cancer)
STORED_TEXT_CHARS = 500  # any text value of a department's series in the store (a backstop)
CITATION_CHARS = 1_000  # a journal reference
NOTE_CHARS = 5_000  # notes, sources, design and other free text of a literature series
CELL_CHARS = 2_000  # any cell of an imported file, including columns that are ignored
PERSON_CHARS = 254  # whom a series is shared with or given to: an e-mail address is at most 254


# Characters no imported cell or stored code may hold: controls (Unicode Cc: line breaks, tabs,
# NUL, the C1 block a wrongly decoded file leaves behind) and invisible formatting (Cf: soft hyphen,
# zero-width space, direction marks and overrides, a stray BOM), which make two codes that look
# the same differ. The code points of both categories (Unicode 14, as Python 3.11 has them; a test
# compares them with ``unicodedata``). One pattern serves Arrow's RE2 (whole columns) and Python's
# re (one value): \xhh escapes below 256, the characters themselves above.
_HIDDEN_RANGES = (
    (0x00, 0x1F), (0x7F, 0x9F), (0xAD, 0xAD), (0x600, 0x605), (0x61C, 0x61C), (0x6DD, 0x6DD),
    (0x70F, 0x70F), (0x890, 0x891), (0x8E2, 0x8E2), (0x180E, 0x180E), (0x200B, 0x200F),
    (0x202A, 0x202E), (0x2060, 0x2064), (0x2066, 0x206F), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD), (0x110CD, 0x110CD), (0x13430, 0x13438), (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A), (0xE0001, 0xE0001), (0xE0020, 0xE007F),
)  # fmt: skip


def _char(code: int) -> str:
    return f"\\x{code:02x}" if code < 0x100 else chr(code)


HIDDEN = "[" + "".join(f"{_char(a)}-{_char(b)}" for a, b in _HIDDEN_RANGES) + "]"
_HIDDEN = re.compile(HIDDEN)
HIDDEN_MESSAGE = (
    "line breaks, control characters and invisible formatting characters are not allowed"
)
UNENCODABLE = "is not valid Unicode text (a lone surrogate, as a wrongly decoded file leaves)"

# A calendar date (ISO, or day/month with a four-digit year): no calendar date of a patient may
# reach the store (issue 12), so it is refused in every text kept with an own series (its cells,
# its name, institution, period and column mapping) and in a saved board case. Two-digit years are
# not guessed at.
_CALENDAR_DATE = re.compile(
    r"(?<!\d)(?:19|20)\d\d[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12]\d|3[01])(?!\d)"
    r"|(?<!\d)(?:0?[1-9]|[12]\d|3[01])[-/.](?:0?[1-9]|[12]\d|3[01])[-/.](?:19|20)\d\d(?!\d)"
)
DATE_MESSAGE = "looks like a calendar date (dates are never stored)"


def looks_like_date(text: str) -> bool:
    return _CALENDAR_DATE.search(text) is not None


# Literature text (citations, notes) is pasted from papers: line breaks, tabs, soft hyphens and
# zero-width joiners are ordinary there. What it may not hold are the other control characters and
# the bidirectional embeddings, overrides and isolates, which make text display in another order
# than it is stored (a citation shown reversed in a page or an export).
_SPOOFING = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
SPOOFING_MESSAGE = (
    "holds a control character or a bidirectional override (text shown in another order than "
    "it is written); retype it"
)


def spoofing_character(text: str) -> bool:
    return _SPOOFING.search(text) is not None


def hidden_character(text: str) -> bool:
    return _HIDDEN.search(text) is not None


def encodable(text: str) -> bool:
    """Whether ``text`` can be written as UTF-8 (what every store and export holds)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def text_problem(text: str, limit: int) -> str | None:
    """Why ``text`` cannot be kept (None when it can): a NUL character, a lone surrogate, or more
    than ``limit`` characters."""
    if "\x00" in text:
        return "contains a NUL character"
    if not encodable(text):
        return UNENCODABLE
    if len(text) > limit:
        return f"is longer than {limit:,} characters ({len(text):,})"
    return None
