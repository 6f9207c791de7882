"""No English in the bokmål and nynorsk pages (WCAG 3.1.2), Streamlit's own words included: the
"Skip to main content" link (the first Tab stop), the table toolbar, pickers and the menu, in what is
shown and in what a screen reader reads (aria-label, title, placeholder)."""

from __future__ import annotations

import re

import pytest

from tests.app.test_i18n import ENGLISH_WORDS
from tests.e2e.conftest import open_url

pytestmark = pytest.mark.e2e

# Streamlit's frame words on top of the catalogue test's list (whole words, case-insensitive).
FRAME_WORDS = ("skip", "main content", "sidebar", "fullscreen", "columns", "heading", "option", "selected",
               "clear", "open", "close", "browse", "drag", "drop", "press", "apply", "increment", "decrement",
               "month", "results", "app pages", "csv download", "download as")
PATTERN = re.compile(r"\b(" + "|".join(re.escape(w) for w in (*ENGLISH_WORDS, *FRAME_WORDS)) + r")\b", re.I)
# The language picker names English in English, and a few proper names and codes are the same in every language.
ALLOWED = {"English", "CSV", "Excel", "PNG"}
NORWEGIAN_TOO = {"nn": {"no"}}  # nynorsk «no» is «nå»
PAGES = ["", "kart", "indikatorer", "investeringer", "delprogrammer?visning=endret", "omrade", "om_dataene",
         "admin"]

COLLECT = """() => {
  const out = [];
  // Text marked as another language (lang="en" on an English title: WCAG 3.1.2) is meant to be in it.
  const page = document.documentElement.lang;
  const other = (el) => { const own = el.closest('[lang]'); return own && own !== document.documentElement && own.lang !== page; };
  const hidden = (el) => el.closest('[aria-hidden="true"], [data-testid="stIconMaterial"], .material-symbols-rounded,'
                                      + ' style, script, noscript') || other(el);
  for (const el of document.querySelectorAll('body *')) {
    if (hidden(el)) continue;
    for (const a of ['aria-label', 'title', 'placeholder', 'alt']) {
      const v = el.getAttribute(a);
      if (v) out.push(a + ': ' + v);
    }
  }
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const text = n.nodeValue.trim();
    if (text && !hidden(n.parentElement)) out.push('text: ' + text);
  }
  return out;
}"""


def _english(page, lang: str) -> list[str]:
    frames = page.locator("[data-testid='stDataFrame']")
    if frames.count():  # the toolbar appears on hover
        frames.first.scroll_into_view_if_needed()
        frames.first.hover()
        page.wait_for_timeout(400)
    hits = []
    for line in page.evaluate(COLLECT):
        said = re.sub(r"\S+\.(no|com|org)\b\S*", "", line.split(": ", 1)[1])  # addresses (regjeringen.no)
        words = {m.group(0) for m in PATTERN.finditer(said)} - ALLOWED - NORWEGIAN_TOO.get(lang, set())
        if words:
            hits.append(line[:160])
    return sorted(set(hits))


@pytest.mark.parametrize("lang", ["nb", "nn"])
def test_no_english_on_any_page(server, page, lang):
    found = {}
    for path in PAGES:
        glue = "&" if "?" in path else "?"
        open_url(page, f"{server.url}/{path}{glue}lang={lang}")
        hits = _english(page, lang)
        if hits:
            found[path or "/"] = hits
    assert found == {}, "\n".join(f"{path}: {hit}" for path, hits in found.items() for hit in hits)
