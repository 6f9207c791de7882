"""User-facing text: one TOML catalogue per language (nb, nn, en) in this folder, for the pages and
for the core's messages alike (no Streamlit here; ``components.i18n`` adds the session's language).

``tr(language, "section.key", **values)`` returns the text in that language; bokmål is the default and
the fallback. A test fails when a key is missing in any catalogue.

The core's messages to users (an import's refusals, its summary) are ``Text``: a string whose value is
the bokmål text — what the command line prints and the logs keep — and which remembers its key and
values, so that a page renders it in the reader's language with ``in_language(text, lang)``.
"""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path

LANGS = ("nb", "nn", "en")
DEFAULT_LANG = "nb"
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


def tr(language: str, key: str, **values) -> str:
    """The text for ``key`` in ``language``; ``Text`` values are rendered in that language too."""
    text = catalogue(language if language in LANGS else DEFAULT_LANG).get(key) or catalogue(DEFAULT_LANG).get(key)
    if text is None:
        raise KeyError(f"missing UI text: {key}")
    if not values:
        return text
    return text.format(**{k: in_language(v, language) for k, v in values.items()})


class Text(str):
    """A message in bokmål (the string itself) that can be rendered in another language."""

    key: str
    values: dict

    def __new__(cls, key: str, **values) -> Text:
        self = super().__new__(cls, tr(DEFAULT_LANG, key, **values))
        self.key, self.values = key, values
        return self

    def __reduce__(self):  # pickled (Streamlit's cache) as what it is
        return _text, (self.key, self.values)


def _text(key: str, values: dict) -> Text:
    return Text(key, **values)


def in_language(value, language: str):
    """``value`` in ``language`` when it is a ``Text`` (a list of them: each); anything else as it is."""
    if isinstance(value, Text):
        return tr(language, value.key, **value.values)
    if isinstance(value, list | tuple) and any(isinstance(v, Text) for v in value):
        return type(value)(in_language(v, language) for v in value)
    return value
