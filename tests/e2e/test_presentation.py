"""Presentasjon in real Chromium: a direct link on a fresh server, every slide on one 1280×720
screen without scrolling (nb and en), and stepping through it by keyboard only."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import CHART, ERRORS, drawn_colours, open_url, screenshot, ui, wait_for_app_run

pytestmark = pytest.mark.e2e

N_SLIDES = 7


def h1(page) -> str:
    return page.locator("h1").first.inner_text().strip()


def test_direct_link_on_a_fresh_server_opens_the_slide_without_menu(start_server, page):
    server = start_server()
    try:
        open_url(page, f"{server.url}/presentasjon?lysbilde=3&omrade=olsvik&lang=nn")
        page.locator(CHART).first.wait_for(state="visible")
        assert page.evaluate("document.documentElement.lang") == "nn"
        assert "Olsvik" in page.locator("[data-testid='stMain']").inner_text()
        expect(page.get_by_test_id("stSidebar")).to_be_hidden()
        assert page.locator(ERRORS).count() == 0
        assert "Traceback" not in server.output()
    finally:
        server.stop()


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_every_slide_fits_a_projector_screen(server, page, lang):
    titles = []
    for number in range(1, N_SLIDES + 1):
        open_url(page, f"{server.url}/presentasjon?lysbilde={number}&lang={lang}")
        main = page.get_by_test_id("stMain")
        titles.append(h1(page))
        # no scrolling at 1280×720: the whole slide, its source line included, is on the screen
        height = main.evaluate("el => el.scrollHeight")
        assert height <= 720, (number, titles[-1], height)
        source = page.locator(".st-key-omr_source")
        expect(source).to_be_visible()
        assert source.bounding_box()["y"] + source.bounding_box()["height"] <= 720
        if page.locator(CHART).count():
            assert drawn_colours(page.locator(CHART).first) > 3, (number, "empty chart")
        # large type: body text at least 22 px (Streamlit's default is 16)
        size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.st-key-omr_lead p')"
                             " || document.querySelector('[data-testid=stMain] p')).fontSize)")
        assert size >= 22, (number, size)
        screenshot(page, f"presentasjon-{number}-{lang}-1280x720")
    assert len(set(titles)) == N_SLIDES, titles


def test_keyboard_only_steps_through_the_slides(server, page):
    open_url(page, f"{server.url}/presentasjon")
    first = h1(page)
    page.keyboard.press("ArrowRight")  # the "Neste" shortcut
    wait_for_app_run(page)
    page.wait_for_url("**lysbilde=2*")
    second = h1(page)
    assert second != first
    # Tab to the "Neste" button and press Enter
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.innerText || ''").strip().startswith(ui("presentation.next")):
            break
    else:
        pytest.fail("Tab never reached the Neste button")
    style = page.evaluate("(() => { const s = getComputedStyle(document.activeElement); return s.outlineStyle; })()")
    assert style != "none"  # the focus is visible
    page.keyboard.press("Enter")
    wait_for_app_run(page)
    page.wait_for_url("**lysbilde=3*")
    assert h1(page) not in (first, second)
    page.keyboard.press("ArrowLeft")  # "Forrige"
    wait_for_app_run(page)
    page.wait_for_url("**lysbilde=2*")
    assert h1(page) == second
