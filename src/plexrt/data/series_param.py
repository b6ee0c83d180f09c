"""Which series a page shows, as the URL keeps it: ``?series=sanuki2022`` (the bundled series, the
default), ``?series=<own series id>`` (a department's own series), or ``?series=compare`` with
``&vs=<own series id>`` (the own series beside the bundled one).

An own series is named in the URL by its series id ('own-' + hex, URL-safe, stable when the series
is renamed). Only the series the acting principal may read are offered: a link to any other id --
unknown or not shared -- gets the same notice, so a link never tells whether such a series exists.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from plexrt.data.filters import clip_param

PARAM = "series"
VS_PARAM = "vs"
BUNDLED = "sanuki2022"  # the bundled series' id in data/ (its key in the URL)
COMPARE = "compare"
PARAMS = (PARAM, VS_PARAM)


@dataclass(frozen=True)
class SeriesChoice:
    """``mode`` 'bundled' | 'own' | 'compare'; ``own_id`` the own series shown or compared."""

    mode: str = "bundled"
    own_id: str | None = None

    @property
    def is_own(self) -> bool:
        return self.mode == "own"

    @property
    def is_compare(self) -> bool:
        return self.mode == COMPARE

    def url_value(self) -> str:
        """The value of ``?series=``."""
        if self.mode == "own" and self.own_id:
            return self.own_id
        return COMPARE if self.is_compare else BUNDLED

    def query_params(self) -> dict[str, str]:
        """The URL parameters that keep this choice (``vs`` only in compare mode)."""
        out = {PARAM: self.url_value()}
        if self.is_compare and self.own_id:
            out[VS_PARAM] = self.own_id
        return out


def _refused(what: str, value: str, fallback: str) -> str:
    return (
        f"The link asks for {what} '{clip_param(str(value))}', which is not a series you can open here "
        f"(there is no such series, or it is not shared with you). Showing {fallback}."
    )


def choose(
    params: Mapping[str, object], readable: Mapping[str, str], bundled_label: str = "Sanuki 2022"
) -> tuple[SeriesChoice, list[str]]:
    """The series the URL asks for, among ``readable`` ({own series id: name}) only, and notices
    for whatever was refused. Never raises for bad input; falls back to the bundled series."""
    raw = _first(params.get(PARAM))
    vs = _first(params.get(VS_PARAM))
    notices: list[str] = []
    if raw is None or raw == BUNDLED:
        return SeriesChoice(), notices
    if raw == COMPARE:
        if not readable:
            notices.append(
                "Compare needs one of your own series, and there is none you can open. "
                f"Showing {bundled_label}."
            )
            return SeriesChoice(), notices
        if vs is not None and vs not in readable:
            notices.append(_refused("the series to compare", vs, "the first of your series"))
            vs = None
        return SeriesChoice(COMPARE, vs or next(iter(readable))), notices
    if raw in readable:
        return SeriesChoice("own", raw), notices
    notices.append(_refused("the series", raw, bundled_label))
    return SeriesChoice(), notices


def _first(value: object) -> str | None:
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    if value is None:
        return None
    return str(value).strip()
