"""The generated blocks of the benchmark pages: each script rewrites the text between its two
markers in a Markdown file and leaves the hand-written notes around it alone."""

from __future__ import annotations

from pathlib import Path


def replace_block(path: Path, begin: str, end: str, block: str, heading: str | None = None) -> None:
    """Put ``block`` between the ``begin`` and ``end`` markers of ``path``. Markers missing: with a
    ``heading`` the section is added at the end (a new file is created); without, it is an error."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if begin not in text or end not in text:
        if heading is None:
            raise SystemExit(f"{path}: markers {begin!r} ... {end!r} not found")
        text = f"{text.rstrip()}\n\n{heading}\n\n{begin}\n{end}\n".lstrip()
    head, rest = text.split(begin, 1)
    tail = rest.split(end, 1)[1]
    path.write_text(f"{head}{begin}\n{block}\n{end}{tail}", encoding="utf-8")
