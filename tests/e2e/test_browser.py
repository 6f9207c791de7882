"""Every page in real headless Chromium: by a direct URL on a freshly started server, and through
the menu; no exception element, no error box; a screenshot per page at 1280×720."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ERRORS, open_url, painted_map, screenshot, ui, wait_for_app_run

pytestmark = pytest.mark.e2e

PAGES = {  # url path -> (menu key, title key of the page's h1)
    "": ("nav.oversikt", "overview.title"),
    "kart": ("nav.kart", "map.title"),
    "indikatorer": ("nav.indikatorer", "indicators.title"),
    "investeringer": ("nav.investeringer", "investments.title"),
    "delprogrammer": ("nav.delprogrammer", "programme.title"),
    "omrade": ("nav.omrade", None),  # the area's name
    "om_dataene": ("nav.om_dataene", "about.title"),
    "dine_tiltak": ("nav.logg_inn", "login.title"),  # anonymous: «Logg inn» in the menu, the login form
    "admin": ("nav.admin", "login.title"),  # anonymous: the login form
}
MENU_ORDER = ["oversikt", "kart", "indikatorer", "investeringer", "delprogrammer", "omrade", "presentasjon",
              "dine_tiltak", "om_dataene", "admin"]
MENU_KEY = {"dine_tiltak": "nav.logg_inn"}  # its menu name for a visitor not signed in


def menu_names(page) -> list[str]:
    links = page.get_by_test_id("stSidebarNav").get_by_role("link")
    expect(links).to_have_count(len(MENU_ORDER))
    return [t.strip() for t in links.evaluate_all(f"els => els.map({_TEXT_JS})")]


# Material icons are ligatures: their DOM text is the icon's English name ("dashboard"), hidden
# from screen readers. Read the text a person sees, without them, and without text marked as another
# language than the page's (an English title with lang="en", WCAG 3.1.2).
_TEXT_JS = """el => { const c = el.cloneNode(true);
  c.querySelectorAll('[data-testid="stIconMaterial"], [aria-hidden="true"]').forEach(n => n.remove());
  c.querySelectorAll('[lang]').forEach(n => { if (n.lang !== document.documentElement.lang) n.remove(); });
  document.body.appendChild(c); const t = c.innerText; c.remove(); return t; }"""


def visible_text(locator) -> str:
    return locator.evaluate(_TEXT_JS).strip()


def assert_frame(page, lang: str = "nb") -> None:
    """The frame of app.py: the full menu in the right language, the language switch, no errors."""
    assert menu_names(page) == [ui(MENU_KEY.get(p, f"nav.{p}"), lang) for p in MENU_ORDER]
    expect(page.get_by_test_id("stSidebar").get_by_text("Bokmål", exact=True)).to_be_visible()
    assert page.locator(ERRORS).count() == 0, page.locator(ERRORS).all_inner_texts()
    assert page.title().endswith("Områdesatsing Bergen") or page.title() == "Områdesatsing Bergen", page.title()


def h1(page) -> str:
    return page.locator("h1").first.inner_text().strip()


@pytest.mark.parametrize("path", list(PAGES))
def test_direct_link_on_a_fresh_server(start_server, page, path):
    """The first request a new server gets is a deep link: it must still run through app.py."""
    server = start_server()
    try:
        open_url(page, f"{server.url}/{path}")
        assert_frame(page)
        menu_key, title_key = PAGES[path]
        expected = ui(title_key) if title_key else "Loddefjord"
        assert h1(page) == expected
        assert page.url.rstrip("/") == f"{server.url}/{path}".rstrip("/")
        assert "Traceback" not in page.locator("body").inner_text()
        assert "Traceback" not in server.output()  # the first request ran without an error, even in the log
    finally:
        server.stop()


def test_every_page_through_the_menu(server, page):
    open_url(page, server.url)
    assert_frame(page)
    for name in MENU_ORDER:
        page.get_by_test_id("stSidebarNav").get_by_role("link", name=ui(MENU_KEY.get(name, f"nav.{name}")),
                                                               exact=True).click()
        wait_for_app_run(page)
        path = "" if name == "oversikt" else name
        expect(page).to_have_url(re.compile(rf"{re.escape(server.url)}/{path}(\?.*)?$"))
        if name == "presentasjon":  # no menu there (a projector view): leave it by its own link
            assert h1(page) == ui("presentation.intro_title")
            expect(page.get_by_test_id("stSidebar")).to_be_hidden()
            screenshot(page, f"{name}-1280x720")
            page.get_by_role("link", name=ui("presentation.exit")).click()
            wait_for_app_run(page)
            continue
        assert_frame(page)
        title_key = PAGES[path][1]
        assert h1(page) == (ui(title_key) if title_key else "Loddefjord")
        if name == "kart":
            painted_map(page)
        screenshot(page, f"{name}-1280x720")
        screenshot(page, f"{name}-full", full_page=True)


def test_area_deep_link_with_query(server, page):
    open_url(page, f"{server.url}/omrade?omrade=olsvik")
    assert_frame(page)
    assert h1(page) == "Olsvik"
    # choosing another area updates the URL, so the view can be shared
    page.get_by_role("combobox", name=ui("area.pick")).click()
    page.get_by_role("option", name=re.compile("^Solheim")).click()
    wait_for_app_run(page)
    assert h1(page).startswith("Solheim")
    expect(page).to_have_url(re.compile(r"omrade=solheim"))


@pytest.mark.parametrize("lang", ["nn", "en"])
def test_language_in_the_url(server, page, lang):
    open_url(page, f"{server.url}/kart?lang={lang}")
    assert_frame(page, lang)
    assert h1(page) == ui("map.title", lang)
    painted_map(page)
    screenshot(page, f"kart-{lang}-1280x720")


ENGLISH = re.compile(r"\b(the|and|of|with|download|loading|error|select|choose|show|hide|search|please|click|"
                     r"running|stop|rerun|settings|deploy|view (more|less)|no results|no data)\b", re.IGNORECASE)


def test_no_english_in_the_bokmaal_ui(server, page):
    """Streamlit's own words (menus, buttons) count too: nothing English on any bokmål page."""
    for name in MENU_ORDER:
        path = "" if name == "oversikt" else name
        open_url(page, f"{server.url}/{path}")
        text = visible_text(page.locator("[data-testid='stApp']"))
        found = sorted({m.group(0) for m in ENGLISH.finditer(text)})
        assert found == [], (name, found)
