"""The board's input and figures for a filter and response definition, cached per series (slide
navigation must be instant): every slide for the exports, or the slide list and one slide for the
presentation; the figures come from ``plexrt.export.slides``."""

from __future__ import annotations

from plexrt.data.filters import CohortFilter
from plexrt.ui.db import (
    all_sites,
    analgesic_aggregate,
    cohort,
    course_events,
    ensemble_events,
    events,
    literature_all,
    principal,
    series_name,
    table,
    user_data,
    user_data_failed,
    words,
)
from plexrt.ui.series_state import per_series


def board_input(flt: CohortFilter, resp_key: str = "paper"):
    """Everything the board needs for the current filter and response definition."""
    from plexrt.board.summary import BoardInput, sources_line
    from plexrt.clinical.definitions import DEFINITIONS

    return BoardInput(
        sites=cohort(flt),
        all_sites=all_sites(),
        events=events(),
        course_events=course_events(),
        literature=literature_all(),
        filter_text=flt.describe(),
        definition=DEFINITIONS.get(resp_key, DEFINITIONS["paper"]),
        aggregate=analgesic_aggregate(),
        source=sources_line(table("series")),
        draws=ensemble_events(),
        factors=table("opioid_factors"),
        words=words(),
        name=series_name(),
    )


def _user_version() -> str:
    """The user's series in a cache key, so a newly added series appears on the forest slide at
    once."""
    from plexrt.data.userstore import UserDataUnavailable

    store = user_data()
    try:
        user = store.series(principal()) if store is not None else None
    except UserDataUnavailable as exc:
        user_data_failed(exc)
        user = None
    if user is None:
        return "unavailable"
    return f"{len(user)}:{user['updated_at'].max() if len(user) else ''}"


def board_slides(
    flt: CohortFilter,
    resp_key: str,
    present: bool = True,
    height: int | None = None,
    inp=None,
):
    """The board's figures for a filter (cached), laid out to ``height`` px when given; every
    slide, for the exports. The cache key includes the user's series (``_user_version``).
    ``inp``: ``board_input(flt, resp_key)`` when the page has it already (not part of the key: it
    follows from the filter and definition)."""
    return _board_slides(flt, resp_key, present, _user_version(), height, _inp=inp)


@per_series(show_spinner="Drawing the board's charts…", max_entries=16)
def _board_slides(
    flt: CohortFilter,
    resp_key: str,
    present: bool,
    user_version: str = "",
    height: int | None = None,
    _inp=None,  # the page's board_input(flt, resp_key), left out of the key (leading underscore)
):
    from plexrt.export.slides import slides

    inp = _inp if _inp is not None else board_input(flt, resp_key)
    return slides(inp, present=present, height=height)


def board_deck(flt: CohortFilter, resp_key: str, inp=None):
    """(slide list, draw) for the presentation: (key, title) of the board's slides for a filter
    without drawing them, and ``draw(key, height)``, the slide ``key`` laid out to ``height`` px.
    Both cached by filter, definition and the user's series (and the slide and height): the
    presentation draws only the slide on screen, and stepping back and forth is instant."""
    version = _user_version()

    def draw(key: str, height: int | None = None):
        return _board_slide(flt, resp_key, key, version, height, _inp=inp)

    return _board_deck(flt, resp_key, version, _inp=inp), draw


@per_series(max_entries=32)
def _board_deck(flt: CohortFilter, resp_key: str, user_version: str = "", _inp=None):
    from plexrt.export.slides import deck

    return deck(_inp if _inp is not None else board_input(flt, resp_key))


@per_series(show_spinner="Drawing the slide…", max_entries=64)
def _board_slide(
    flt: CohortFilter,
    resp_key: str,
    key: str,
    user_version: str = "",
    height: int | None = None,
    _inp=None,
):
    from plexrt.export.slides import slide

    return slide(_inp if _inp is not None else board_input(flt, resp_key), key, height=height)
