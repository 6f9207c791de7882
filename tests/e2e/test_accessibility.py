"""Universal design in real Chromium: the document language follows the UI language from the first
byte (asgi_app.py) and after a switch on the page (app.py)."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import open_url, wait_for_app_run

pytestmark = pytest.mark.e2e

# Record <html lang> when the DOM is ready, before any Streamlit script has run.
LANG_LOG = """
window.__langAtReady = null;
document.addEventListener('DOMContentLoaded', () => { window.__langAtReady = document.documentElement.lang; });
"""


@pytest.mark.parametrize(("path", "expected"), [("/", "nb"), ("/kart?lang=nn", "nn"), ("/delprogrammer?lang=en", "en"),
                                                ("/indikatorer?lang=xx", "nb")])
def test_document_language_from_the_first_byte(server, page, path, expected):
    page.add_init_script(LANG_LOG)
    open_url(page, server.url + path)
    assert page.evaluate("window.__langAtReady") == expected  # no flash of "en"
    assert page.evaluate("document.documentElement.lang") == expected


def test_document_language_follows_a_switch_on_the_page(server, page):
    open_url(page, server.url + "/")
    page.get_by_text("Nynorsk", exact=True).click()
    wait_for_app_run(page)
    page.wait_for_function("document.documentElement.lang === 'nn'")
    page.get_by_text("English", exact=True).click()
    wait_for_app_run(page)
    page.wait_for_function("document.documentElement.lang === 'en'")
