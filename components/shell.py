"""The frame every page runs in: the deep-link guard, the signed-in actor, the page header."""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from components.i18n import t
from omradesatsing.permissions import ANONYMOUS, Actor

ACTOR_KEY = "actor"


def ensure_frame() -> None:
    """Make sure this run goes through ``app.py`` (its menu, language and login gate).

    Streamlit treats a ``pages/`` folder as a legacy multipage app until some session has run
    ``st.navigation``: the first direct link to ``/kart`` on a fresh server would run
    ``pages/kart.py`` on its own. Each page calls this first; in that legacy mode it switches the
    process to ``st.navigation`` mode and reruns, keeping the URL path and query string, so the run
    starts again in ``app.py``. (STREAMLIT-NOTES §1.1.)
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


# Less empty space above the page title: a 1280×720 projector shows little else.
_CSS = """<style>
[data-testid="stMainBlockContainer"] { padding-top: 2.5rem; }
</style>"""


def style() -> None:
    st.html(_CSS)


def actor() -> Actor:
    value = st.session_state.get(ACTOR_KEY)
    return value if isinstance(value, Actor) else ANONYMOUS


def sign_in(who: Actor) -> None:
    st.session_state[ACTOR_KEY] = who


def sign_out() -> None:
    st.session_state.pop(ACTOR_KEY, None)


def header(title_key: str, intro_key: str | None = None) -> None:
    st.title(t(title_key))
    if intro_key:
        st.markdown(t(intro_key))
