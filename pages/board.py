"""Tumour board: presentation view, the case at the board, and exports."""

from datetime import date

import streamlit as st

from plexrt.board.case import CaseInputError, make_case
from plexrt.board.summary import header_line
from plexrt.clinical import definitions
from plexrt.data import vocab
from plexrt.data.vocab import KNOWN_PRIMARY_CANCERS
from plexrt.ui import board_exports, boardview, presentation, shell, sidebar, widgets
from plexrt.ui.board_data import board_deck, board_input, board_slides
from plexrt.ui.safe_text import bullets, md

shell.require()

flt = sidebar.current_filter()
DEFS = definitions.DEFINITION_LABELS
resp = st.session_state.get("pp_resp", st.query_params.get("resp", "paper"))
resp = resp if resp in DEFS else "paper"
inp = board_input(flt, resp)
if presentation.presenting():
    presentation.presentation_view(*board_deck(flt, resp, inp=inp), inp.source)
    st.stop()

st.title("Tumour board")
presentation.presentation_toggle()
widgets.page_choice("resp", "Response definition on the board's charts", DEFS, "paper")
st.caption(md(header_line(inp)))
tab_case, tab_export = widgets.view_tabs(["Case at the board", "Exports"], "board_tab")
case = st.session_state.get("board_case")
on_screen = None  # the case's results as drawn in the first tab (when that tab ran)

with tab_case:
    if widgets.shows(tab_case):
        st.markdown(
            "Enter the patient being discussed. Nothing is stored unless you press **Save this case**."
        )
        with st.form("case_form", border=True):
            c = st.columns(4)
            cancers = ["(not listed)", *sorted(KNOWN_PRIMARY_CANCERS)]
            raw = {
                "primary_cancer": c[0].selectbox("Primary cancer", cancers, key="case_cancer"),
                "primary_group": c[1].selectbox(
                    "Primary group (if not listed)",
                    ["(from the cancer)", *vocab.PRIMARY_GROUPS],
                    key="case_group",
                ),
                "involved_muscle": c[2].selectbox(
                    "Involved muscle",
                    vocab.MUSCLES,
                    key="case_muscle",
                    format_func=lambda v: vocab.label(v, vocab.MUSCLE_LABELS),
                ),
                "intent": c[3].selectbox(
                    "Intent",
                    vocab.INTENTS,
                    key="case_intent",
                    format_func=lambda v: vocab.label(v, vocab.INTENT_LABELS),
                ),
            }
            c = st.columns(4)
            raw["nrs_before"] = c[0].text_input("Baseline NRS (0–10)", "8", key="case_nrs")
            raw["dose_gy"] = c[1].text_input("Planned dose (Gy)", "39", key="case_dose")
            raw["fractions"] = c[2].text_input("Fractions", "13", key="case_fx")
            submitted = c[3].form_submit_button("Find similar sites", type="primary")
        if submitted:
            raw["primary_cancer"] = (
                None if raw["primary_cancer"] == "(not listed)" else raw["primary_cancer"]
            )
            raw["primary_group"] = (
                None if raw["primary_group"].startswith("(") else raw["primary_group"]
            )
            try:
                st.session_state.board_case = make_case(**raw)
            except CaseInputError as exc:
                st.session_state.pop("board_case", None)
                st.error(
                    "Not used — please correct:\n\n" + bullets(exc.messages),
                    icon=":material/error:",
                )
        case = st.session_state.get("board_case")
        on_screen = boardview.case_results(case, inp) if case is not None else None
        boardview.saved_cases()


def case_for(present: bool):
    """The case at the board for the exports (None when no case was entered); the projector's
    version has larger type."""
    if case is None:
        return None
    if present or on_screen is None:
        return boardview.material(case, inp, present)
    return on_screen


with tab_export:
    if widgets.shows(tab_export):
        board_exports.start_renderer()
        board_exports.export_panel(
            inp, board_slides(flt, resp, inp=inp), date.today().isoformat(), case_for
        )
