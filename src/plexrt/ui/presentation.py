"""Presentation mode of the tumour board: one chart per screen, sized to the window, driven by
the keyboard (arrows and Page Up/Down move, Home/End jump, Esc leaves), a counter always on top.

The keys and the window size come from a small ``st.components.v2`` component: its script listens
on the app's document and sends the key pressed (a trigger) and the window's inner size (state)
to Python, which moves the slide and lays the figure out to the height left under the header.
"""

from __future__ import annotations

import math
from typing import Any, TypeGuard

import streamlit as st

from plexrt.charts import style
from plexrt.data import page_params
from plexrt.export.images import stamp
from plexrt.export.slides import Slide, figure_title, fit_height
from plexrt.ui import widgets
from plexrt.ui.safe_text import md

# Projector styling: no sidebar, no app header, little padding; the keys component takes no room.
PRESENT_CSS = """
<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
header[data-testid="stHeader"], .st-key-slide_keys { display: none !important; }
.block-container { padding: 0.75rem 1.5rem 0 1.5rem !important; max-width: 100% !important; }
.st-key-slide_header p { font-size: 20px; line-height: 1.3; margin: 0; }
</style>
"""

# The page around the chart at presentation size (px): top padding, the header row (counter and
# buttons, one line), the gap under it and a few pixels to spare. Measured in Chromium at
# 1280x720 and 1920x1080 (tests/e2e/test_board_browser.py checks that every slide fits).
CHROME_PX = 96
# The figure height steps by this many px, so a window resized by a few pixels reuses the figures.
HEIGHT_STEP_PX = 20
MIN_FIGURE_PX = 360
# Before the browser has reported its size (first run, AppTest): a 1280x720 projector.
DEFAULT_VIEWPORT = (1280, 720)

KEYS = {
    "ArrowRight": 1,
    "PageDown": 1,
    "ArrowLeft": -1,
    "PageUp": -1,
}
KEY_HINT = "Keys: → / Page Down next · ← / Page Up previous · Home / End · Esc leaves"

_KEYS_JS = """
export default function (component) {
  const { setTriggerValue, setStateValue } = component;
  const wanted = new Set(["ArrowRight", "ArrowLeft", "PageDown", "PageUp", "Home", "End",
                          "Escape"]);
  const onKey = (e) => {
    if (!wanted.has(e.key) || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    const t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    if (t && t.closest && t.closest('[role="listbox"], [role="combobox"]')) return;
    e.preventDefault();
    setTriggerValue("key", e.key);
  };
  let timer = null;
  const report = () => setStateValue("viewport", { w: window.innerWidth, h: window.innerHeight });
  const onResize = () => { clearTimeout(timer); timer = setTimeout(report, 250); };
  document.addEventListener("keydown", onKey, true);
  window.addEventListener("resize", onResize);
  report();
  return () => {
    document.removeEventListener("keydown", onKey, true);
    window.removeEventListener("resize", onResize);
    clearTimeout(timer);
  };
}
"""

_slide_keys = st.components.v2.component("plexrt_slide_keys", js=_KEYS_JS)


def presenting() -> bool:
    """Presentation mode is on (toggle, or the URL ?present=1 on first load); keeps the URL in step."""
    if "present_on" not in st.session_state:
        on, notice = page_params.read_present(st.query_params.get("present"))
        if notice:  # quotes the URL's text: escaped
            st.warning(md(notice), icon=":material/warning:")
        st.session_state.present_on = on
    if st.session_state.present_on:
        st.query_params["present"] = "1"
    elif "present" in st.query_params:
        del st.query_params["present"]
    return st.session_state.present_on


def presentation_toggle() -> None:
    st.toggle(
        "Presentation mode (one chart per screen, for the projector; arrow keys move)",
        key="present_on",
    )


def _exit() -> None:
    st.session_state.present_on = False
    st.session_state.pop("slide_i", None)


def _slide_index(n: int) -> int:
    if "slide_i" not in st.session_state:
        i, notice = page_params.read_slide(st.query_params.get("slide"), n)
        if notice:  # quotes the URL's text: escaped
            st.warning(md(notice), icon=":material/warning:")
        st.session_state.slide_i = i
    st.session_state.slide_i = min(st.session_state.slide_i, n - 1)
    return st.session_state.slide_i


def _move(step: int, n: int) -> None:
    st.session_state.slide_i = (st.session_state.slide_i + step) % n


def viewport(value: Any) -> tuple[int, int]:
    """The window size the browser reported, or DEFAULT_VIEWPORT when it is missing or absurd."""
    if not isinstance(value, dict):
        return DEFAULT_VIEWPORT
    size = [int(v) for v in (value.get("w"), value.get("h")) if _pixels(v)]
    return (size[0], size[1]) if len(size) == 2 else DEFAULT_VIEWPORT


def _pixels(v: object) -> TypeGuard[int | float]:
    return isinstance(v, int | float) and not isinstance(v, bool) and 200 <= v <= 10_000


def figure_height(window_h: int) -> int:
    """Figure height (px) for a window ``window_h`` px tall: what the header leaves, stepped down
    to HEIGHT_STEP_PX, at least MIN_FIGURE_PX."""
    free = window_h - CHROME_PX
    return max(MIN_FIGURE_PX, int(math.floor(free / HEIGHT_STEP_PX)) * HEIGHT_STEP_PX)


def keyboard() -> tuple[str | None, tuple[int, int]]:
    """Mount the keys component: (key pressed in this run or None, window size)."""
    res = _slide_keys(
        key="slide_keys",
        default={"viewport": None},
        on_key_change=lambda: None,
        on_viewport_change=lambda: None,
    )
    key = getattr(res, "key", None)
    return (key if isinstance(key, str) else None), viewport(getattr(res, "viewport", None))


def apply_key(key: str | None, n: int) -> bool:
    """Move the slide for ``key``; False when the key leaves the presentation (Esc)."""
    if key == "Escape":
        _exit()
        return False
    if key in KEYS:
        _move(KEYS[key], n)
    elif key == "Home":
        st.session_state.slide_i = 0
    elif key == "End":
        st.session_state.slide_i = n - 1
    return True


def presentation_view(deck: list[tuple[str, str]], draw: Any, source: str) -> None:
    """The presentation: ``deck`` the board's slides as (key, title), ``draw(key, height)`` the
    one on screen laid out to a height (the others are not drawn)."""
    st.html(PRESENT_CSS)
    key, (_, window_h) = keyboard()
    height = figure_height(window_h)
    if not deck:
        st.info("No site matches the current filters.")
        st.button("Exit presentation", on_click=_exit)
        return
    n = len(deck)
    _slide_index(n)
    if not apply_key(key, n):
        st.rerun()
    i = st.session_state.slide_i
    st.query_params["slide"] = str(i + 1)
    s: Slide = draw(deck[i][0], height)
    with st.container(key="slide_header"):
        top = st.columns([6, 1, 1, 1], vertical_alignment="center", gap="small")
        # The chart's own title names the quantity (and the reconstructed times): the counter
        # names the slide only when the chart has no title, so nothing is said twice.
        name = "" if figure_title(s.fig) else f" · {md(s.title)}"
        top[0].markdown(f"**Slide {i + 1} of {n}**{name}", help=KEY_HINT)
        top[1].button("◀ Prev", on_click=_move, args=(-1, n), key="prev_slide", width="stretch")
        top[2].button("Next ▶", on_click=_move, args=(1, n), key="next_slide", width="stretch")
        top[3].button("Exit (Esc)", on_click=_exit, key="exit_present", width="stretch")
    widgets.chart(fit_height(stamp(s.fig, source), height), f"slide_{s.key}")
    methods = style.methods_of(s.fig)  # what the slide's short footnote leaves out
    if methods:
        with st.expander("Methods in full", icon=":material/functions:"):
            st.caption("  \n".join(md(m) for m in methods))
