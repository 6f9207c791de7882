"""What asgi_app.py adds to the served HTML page, checked over HTTP and in Chromium: the preload of the
page's main bundle, the idle preload of the others, and the server's address for the frontend (no
404 probes under a page's path)."""

from __future__ import annotations

import gzip
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DECK, open_url, painted_map

pytestmark = pytest.mark.e2e

DECK_LINK = b'<link rel="modulepreload" crossorigin href="./static/js/DeckGlJsonChart.'
VEGA_LINK = b'<link rel="modulepreload" crossorigin href="./static/js/ArrowVegaLiteChart.'


def html(url: str, gzipped: bool = False) -> bytes:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if gzipped else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read()
        return gzip.decompress(body) if response.headers.get("Content-Encoding") == "gzip" else body


@pytest.mark.parametrize("gzipped", [False, True])
def test_each_page_preloads_its_own_bundle_only(server, gzipped):
    kart = html(f"{server.url}/kart", gzipped)
    assert DECK_LINK in kart and VEGA_LINK not in kart
    indikatorer = html(f"{server.url}/indikatorer?lang=nn", gzipped)
    assert VEGA_LINK in indikatorer and DECK_LINK not in indikatorer
    assert b'<html lang="nn"' in indikatorer
    front = html(f"{server.url}/", gzipped)
    assert DECK_LINK not in front and VEGA_LINK not in front
    for body in (kart, indikatorer, front):
        assert b"BACKEND_BASE_URL" in body


def test_a_direct_link_finds_the_server_at_once_and_preloads_the_rest_when_idle(server, page):
    failed, errors = [], []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    open_url(page, f"{server.url}/kart?lang=en")
    page.locator(DECK).first.wait_for(state="visible")
    painted_map(page)
    assert failed == [], failed  # no /kart/_stcore/health probe (streamlit#7074)
    assert errors == [], errors
    # once the page is idle, the other bundles (here Vega-Lite's) are preloaded for the next page
    page.wait_for_function("!!document.querySelector('link[rel=modulepreload][href*=\"ArrowVegaLiteChart.\"]')",
                           timeout=15_000)


# Every text the page menu shows while the page loads, recorded from the first byte.
_MENU_TEXTS = """window.__menu = new Set();
new MutationObserver(() => {
  document.querySelectorAll('[data-testid="stSidebarNav"] a').forEach(a => window.__menu.add(a.textContent.trim()));
}).observe(document, {childList: true, subtree: true, characterData: true});"""


def test_the_first_visitor_of_a_fresh_server_never_sees_a_menu_of_file_names(start_server, browser):
    server = start_server()  # nobody has opened it yet
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="nb-NO")
    try:
        context.add_init_script(_MENU_TEXTS)
        page = context.new_page()
        open_url(page, f"{server.url}/om_dataene")
        expect(page.get_by_role("heading", name="Om dataene", level=1)).to_be_visible()
        seen = set(page.evaluate("[...window.__menu]"))
        assert any(text.endswith("Område") for text in seen), seen  # the real menu was seen
        # Streamlit's legacy pages/ mode names the links after the files (and the entry script)
        assert not seen & {"app", "omrade", "om dataene", "oversikt", "kart"}, seen
    finally:
        context.close()
