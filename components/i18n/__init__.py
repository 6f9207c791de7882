"""User-facing text: one TOML catalogue per language (nb, nn, en) in this folder.

``t("section.key", **values)`` returns the text in the session's language; bokmål is the
default and the fallback. A test fails when a key is missing in any catalogue.
"""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path

import streamlit as st

LANGS = ("nb", "nn", "en")
DEFAULT_LANG = "nb"
LANG_KEY = "lang"  # session state key and URL parameter (?lang=nn)
_DIR = Path(__file__).parent


def _flatten(tree: dict, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, val in tree.items():
        full = f"{prefix}{key}"
        if isinstance(val, dict):
            out.update(_flatten(val, full + "."))
        else:
            out[full] = str(val)
    return out


@functools.cache
def catalogue(lang: str) -> dict[str, str]:
    with (_DIR / f"{lang}.toml").open("rb") as fh:
        return _flatten(tomllib.load(fh))


def lang() -> str:
    value = st.session_state.get(LANG_KEY, DEFAULT_LANG)
    return value if value in LANGS else DEFAULT_LANG


def tr(language: str, key: str, **values) -> str:
    """The text for ``key`` in ``language`` (for cached code that takes the language as an argument)."""
    text = catalogue(language).get(key) or catalogue(DEFAULT_LANG).get(key)
    if text is None:
        raise KeyError(f"missing UI text: {key}")
    return text.format(**values) if values else text


def t(key: str, **values) -> str:
    """The text for ``key`` in the session's language."""
    return tr(lang(), key, **values)


def has(key: str) -> bool:
    return key in catalogue(DEFAULT_LANG)
