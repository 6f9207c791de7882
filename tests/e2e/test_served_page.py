"""What asgi_app.py adds to the served HTML page, checked over HTTP and in Chromium: the preload of the
page's main bundle, the idle load of every element bundle the app uses, the frame's style and repairs
in the head, the server's address for the frontend (no 404 probes under a page's path), and the
frontend files served compressed from memory."""

from __future__ import annotations

import gzip
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DECK, open_url, painted_map, wait_for_app_run

pytestmark = pytest.mark.e2e

DECK_LINK = b'<link rel="modulepreload" crossorigin href="./static/js/DeckGlJsonChart.'
VEGA_LINK = b'<link rel="modulepreload" crossorigin href="./static/js/ArrowVegaLiteChart.'


def fetch(url: str, **headers: str) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers={k.replace("_", "-"): v for k, v in headers.items()})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as exc:  # 304
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()


def html(url: str, gzipped: bool = False) -> bytes:
    _, headers, body = fetch(url, **({"Accept_Encoding": "gzip"} if gzipped else {}))
    return gzip.decompress(body) if headers.get("content-encoding") == "gzip" else body


def test_frontend_files_come_compressed_and_unchanged(server):
    import streamlit as st

    js = Path(st.__file__).parent / "static" / "static" / "js"
    index = next(js.glob("index.*.js"))
    url = f"{server.url}/static/js/{index.name}"
    status, headers, body = fetch(url, Accept_Encoding="gzip, deflate, br")
    assert status == 200 and headers["content-encoding"] == "gzip", headers
    assert gzip.decompress(body) == index.read_bytes()
    assert len(body) < index.stat().st_size / 2
    assert "immutable" in headers["cache-control"] and headers["content-type"].endswith("javascript")
    status, _, body = fetch(url, Accept_Encoding="gzip", If_None_Match=headers["etag"])
    assert status == 304 and body == b""
    # without gzip, and for a part of the file, Streamlit answers as before
    status, headers, body = fetch(url)
    assert status == 200 and "content-encoding" not in headers and body == index.read_bytes()
    status, headers, body = fetch(url, Accept_Encoding="gzip", Range="bytes=0-99")
    assert status == 206 and body == index.read_bytes()[:100]
    # what is not a frontend file is not served from here: a page address gets the app's HTML
    status, _, body = fetch(f"{server.url}/static/js/no-such-file.js", Accept_Encoding="gzip")
    assert status == 200 and b"<html" in body


def test_the_frame_style_and_repairs_are_in_the_head_not_elements(server, page):
    head = html(f"{server.url}/delprogrammer").split(b"</head>")[0]
    assert b"stCaptionContainer" in head and b"stSidebarNavItems" in head
    open_url(page, f"{server.url}/delprogrammer")
    assert page.get_by_test_id("stHtml").count() == 0
    caption = page.get_by_test_id("stCaptionContainer").first
    assert caption.evaluate("el => getComputedStyle(el).color") == "rgb(92, 91, 89)"  # 6.4:1, not 3.9:1
    assert page.get_by_test_id("stSidebarNavItems").get_attribute("role") == "none"


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


def test_once_idle_no_page_waits_for_an_element_bundle(server, page):
    """After the first page has rendered and the browser has been idle, every element bundle the pages
    use has been loaded (asgi_app.ELEMENTS): a switch to any page fetches no script. A bundle missing
    from the list would be fetched on the switch, and the page would show skeletons until it is there."""
    open_url(page, f"{server.url}/")
    seen, quiet = -1, 0
    while quiet < 2000:  # until no file has been fetched for 2 s (the idle loading is done)
        count = page.evaluate("performance.getEntriesByType('resource').length")
        quiet = quiet + 250 if count == seen else 0
        seen = count
        page.wait_for_timeout(250)
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url) if r.url.endswith(".js") else None)
    menu = page.get_by_test_id("stSidebarNav")
    for name in ("Kart", "Indikatorer", "Investeringer", "Delprogrammer", "Område", "Om dataene", "Oversikt"):
        menu.get_by_role("link", name=name, exact=True).click()
        wait_for_app_run(page)
    assert fetched == []  # (deck.gl's bundle is fetched, not evaluated: Kart still evaluates it on the switch)


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
