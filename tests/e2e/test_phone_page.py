"""The phone page a QR code opens, in Chromium as a phone (390×844): served by the app as a plain file
(no Streamlit session, no websocket), readable without sideways scrolling, axe clean in bokmål and
nynorsk, the same figures as the store gives, and a link on to the live Område page."""

from __future__ import annotations

import time
import urllib.request

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from omradesatsing import db, formatting as fmt, read
from omradesatsing.read import Store
from tests.e2e.conftest import open_url, screenshot

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}


def _served(url: str, timeout: float = 90) -> bytes:
    """The page once the server has written it (on start, in the background)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                assert response.headers["content-type"] == "text/html; charset=utf-8"
                return response.read()
        except urllib.error.HTTPError as exc:
            if exc.code != 404 or time.monotonic() > deadline:
                raise
        time.sleep(0.5)


@pytest.mark.parametrize("lang", ["nb", "nn"])
def test_the_phone_page_is_a_plain_readable_page_that_leads_to_the_live_one(server, browser, store_file, lang):
    url = f"{server.url}/telefon/olsvik-{lang}.html"
    body = _served(url).decode()
    assert f'<html lang="{lang}">' in body
    store = Store.of(db.make_engine(f"sqlite:///{store_file}"))
    gaps = read.indicators.area_gaps(store, "olsvik", lang)
    row = gaps[gaps["indicator"] == "low_income_children"].iloc[0]
    assert fmt.value(row["value"], row["unit"], int(row["decimals"]), lang) in body  # as Område shows it

    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    sockets = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Olsvik – områdesatsing")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scroll
    smallest = page.evaluate("""() => Math.min(...[...document.querySelectorAll('body *')]
        .filter(e => e.childNodes.length && [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
        .map(e => parseFloat(getComputedStyle(e).fontSize)))""")
    assert smallest >= 14, smallest  # readable on a phone
    result = Axe().run(page)
    assert result.response["violations"] == [], [v["id"] for v in result.response["violations"]]
    screenshot(page, f"phone-page-olsvik-{lang}", full_page=False)
    assert sockets == []  # a plain file: no Streamlit session behind it
    link = page.locator("a[href*='omrade?omrade=olsvik']")
    expect(link).to_be_visible()
    link.click()
    page.wait_for_url("**/omrade?omrade=olsvik*")
    open_url(page, page.url)
    expect(page.get_by_role("heading", level=1).first).to_have_text("Olsvik")
    context.close()


def test_an_unknown_or_crafted_phone_page_name_is_not_found(server):
    for name in ("atlantis-nb.html", "olsvik-de.html", "..%2Fomradesatsing.db", ".olsvik-nb.html.tmp"):
        with pytest.raises(urllib.error.HTTPError) as exc:
            urllib.request.urlopen(f"{server.url}/telefon/{name}", timeout=10)
        assert exc.value.code == 404, name
