"""The text catalogues: same keys and placeholders in every language, and no English in bokmål."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from components.i18n import LANGS, catalogue

ROOT = Path(__file__).resolve().parents[2]

# Words that only appear in English UI text (whole words, case-insensitive).
ENGLISH_WORDS = ("the", "and", "of", "with", "download", "loading", "error", "select", "choose", "show",
                 "hide", "page", "please", "click", "search", "login", "logout", "password", "overview",
                 "area", "areas", "measure", "measures", "investment", "status update", "unknown", "yes", "no",
                 "illustrative", "source", "year", "value", "sign in", "sign out", "map")
# "Status", "Admin", "Kart", "Bergen" and proper names are Norwegian too.


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_language_has_every_key():
    keys = set(catalogue("nb"))
    for lang in LANGS:
        assert set(catalogue(lang)) == keys, lang


def test_placeholders_agree_across_languages():
    for key, text in catalogue("nb").items():
        for lang in LANGS:
            assert _placeholders(catalogue(lang)[key]) == _placeholders(text), (lang, key)


@pytest.mark.parametrize("lang", ["nn", "en"])
def test_other_languages_are_translated(lang):
    """A copy of the bokmål file would pass the key test: most texts must differ."""
    nb = catalogue("nb")
    other = catalogue(lang)
    differing = sum(1 for key in nb if other[key] != nb[key])
    assert differing / len(nb) > (0.5 if lang == "nn" else 0.8), (lang, differing, len(nb))


def test_no_english_in_bokmaal():
    pattern = re.compile(r"\b(" + "|".join(re.escape(w) for w in ENGLISH_WORDS) + r")\b", re.IGNORECASE)
    offenders = {key: m.group(0) for key, text in catalogue("nb").items()
                 if (m := pattern.search(re.sub(r"`[^`]*`|\{[^}]*\}|\S+\.(no|com|org)\b\S*", "", text)))}
    assert offenders == {}


def test_every_key_used_in_code_exists():
    """Every t("section.key") literal in app.py, pages/ and components/ is in the catalogue."""
    nb = catalogue("nb")
    files = [ROOT / "app.py", *ROOT.joinpath("pages").glob("*.py"), *ROOT.joinpath("components").rglob("*.py")]
    files = [f for f in files if f.parent.name != "i18n"]  # the docstring there shows t("section.key")
    missing = set()
    for path in files:
        for key in re.findall(r"""\bt\(\s*["']([a-z_]+\.[a-z0-9_]+)["']""", path.read_text(encoding="utf-8")):
            # t("programme.view_" + v) builds the key: at least one key must start with the prefix
            if key not in nb and not (key.endswith("_") and any(k.startswith(key) for k in nb)):
                missing.add(f"{path.name}: {key}")
    assert missing == set()
