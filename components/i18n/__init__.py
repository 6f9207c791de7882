"""User-facing text in the session's language: the catalogues (one TOML file per language) live in
``omradesatsing/catalogue/`` with their loader, shared with the core's messages.

``t("section.key", **values)`` returns the text in the session's language; bokmål is the
default and the fallback. A test fails when a key is missing in any catalogue.
"""

from __future__ import annotations

import streamlit as st

from omradesatsing.catalogue import DEFAULT_LANG, LANGS, Text, catalogue, in_language, tr

__all__ = ["DEFAULT_LANG", "LANG_KEY", "LANGS", "Text", "catalogue", "has", "in_language", "lang", "t", "tr"]

LANG_KEY = "lang"  # session state key and URL parameter (?lang=nn)


def lang() -> str:
    value = st.session_state.get(LANG_KEY, DEFAULT_LANG)
    return value if value in LANGS else DEFAULT_LANG


def t(key: str, **values) -> str:
    """The text for ``key`` in the session's language."""
    return tr(lang(), key, **values)


def has(key: str) -> bool:
    return key in catalogue(DEFAULT_LANG)
