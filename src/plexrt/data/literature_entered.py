"""The wording of a literature figure as the user typed it, kept beside the number PlexRT uses.

A figure typed as "approximately 3.5 months" is used as 3.5 (``values.entered_number`` reads it)
and its wording is stored in ``user_series.entered_text`` (JSON {column: text as typed}, only for
figures whose text was more than the bare number), so the table says what the paper said.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from plexrt.data.curve_schema import curve_figure, is_curve_source
from plexrt.data.literature import INTEGER_COLUMNS, NUMBER_COLUMNS
from plexrt.data.values import NOT_REPORTED, entered_number, is_missing

ENTERED_TEXT = "entered_text"


def entered_wording(record: Mapping[str, Any]) -> dict[str, str]:
    """{column: text as typed} for the figures typed with words around their number (of a valid
    record: ``literature_rules.validate_series`` found nothing)."""
    out = {}
    for name in INTEGER_COLUMNS + NUMBER_COLUMNS:
        wording = entered_number(record.get(name), whole=name in INTEGER_COLUMNS)[1]
        if wording is not None:
            out[name] = wording
    return out


def to_json(wording: Mapping[str, str]) -> str | None:
    """The stored form (None when every figure was typed as a bare number)."""
    return json.dumps(dict(wording), ensure_ascii=False, sort_keys=True) if wording else None


def from_json(stored: Any) -> dict[str, str]:
    """The stored wording back as a dict ({} for none, or for a value that is not such JSON)."""
    if is_missing(stored):
        return {}
    try:
        value = json.loads(str(stored))
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def figure_text(value: Any, wording: str | None, unit: str = "", source: Any = None) -> str:
    """'3.5 months (as entered: "approximately 3.5 months")'; the bare value when typed bare;
    read off a reconstructed published curve (``source`` says so), to the tenth and flagged
    (``curve_schema.curve_figure``); 'not reported' when there is no value."""
    if is_missing(value):
        return NOT_REPORTED
    shown = curve_figure(value, unit) if is_curve_source(source) else f"{float(value):g}{unit}"
    return shown if not wording else f'{shown} (as entered: "{wording}")'
