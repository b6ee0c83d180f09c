"""The presentation's window size and figure height (plexrt.ui.presentation)."""

from __future__ import annotations

from plexrt.ui.presentation import DEFAULT_VIEWPORT, figure_height, viewport


def test_figure_height_leaves_room_for_the_header():
    # 96 px of padding, header row and gap; the rest in 20 px steps
    assert figure_height(720) == 620  # 624 -> 620
    assert figure_height(1080) == 980  # 984 -> 980
    assert figure_height(800) == 700  # 704 -> 700
    assert figure_height(300) == 360  # never below 360 px


def test_viewport_from_the_browser_is_checked():
    assert viewport({"w": 1920, "h": 1080}) == (1920, 1080)
    assert viewport({"w": 1280.0, "h": 720.4}) == (1280, 720)
    for bad in (None, "1280x720", {"w": 1280}, {"w": True, "h": 720}, {"w": 1280, "h": 50_000}):
        assert viewport(bad) == DEFAULT_VIEWPORT == (1280, 720)
