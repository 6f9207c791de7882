"""Presentasjon in real Chromium: a direct link on a fresh server, every slide on one 1280×720
screen without scrolling (nb and en), every text on every slide at least 24 px and dark enough (chart
text 26 px: Streamlit draws Vega-Lite as SVG, so its text is measured too), the operator's bar hidden
from the projection, and stepping through it by keyboard only, by the clicker's PageDown/PageUp too."""

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
        # large type: the lead at least 24 px (Streamlit's default is 16; every text: the test below)
        size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.st-key-omr_lead p')"
                             " || document.querySelector('[data-testid=stMain] p')).fontSize)")
        assert size >= 24, (number, size)
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


# Every text node shown in the main area (the hidden operator's bar left out), with its computed size,
# colour and the first opaque background behind it; SVG text (the Vega-Lite charts) with its fill.
TEXTS = r"""() => {
  const rgb = (c) => { const m = c.match(/[\d.]+/g); return m ? m.map(Number) : [0, 0, 0, 0]; };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length < 4 || c[3] > 0.5) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const out = [];
  const main = document.querySelector('[data-testid=stMain]');
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!node.textContent.trim() || el.closest('.st-key-presentation_controls, style, script')) continue;
    const box = el.getBoundingClientRect(), cs = getComputedStyle(el);
    if (box.width === 0 || box.height === 0 || cs.visibility === 'hidden') continue;
    const svg = el.closest('svg') !== null;
    out.push({text: node.textContent.trim().slice(0, 60), size: parseFloat(cs.fontSize), svg,
              colour: rgb(svg ? cs.fill : cs.color).slice(0, 3),
              background: background(el), bottom: box.bottom});
  }
  return out;
}"""


def luminance(rgb) -> float:
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_helper_measures_known_pairs():
    assert contrast([0, 0, 0], [255, 255, 255]) == pytest.approx(21, abs=0.01)
    assert contrast([0x3d, 0x3d, 0x3d], [255, 255, 255]) > 7 > contrast([0x5c, 0x5b, 0x59], [255, 255, 255])


@pytest.mark.parametrize("lang", ["nb", "nn"])
@pytest.mark.parametrize("area", [None, "ytre-arna", "olsvik"])
def test_every_text_on_every_slide_is_large_and_dark_enough(server, page, lang, area):
    """≥ 24 px for every text (source line, Eksempeldata, lists, metric labels, counter), ≥ 26 px for the
    charts' text (axis labels, legend, values on the marks), ≥ 7:1 contrast, and still on one screen."""
    where = f"&omrade={area}" if area else ""
    for number in range(1, N_SLIDES + 1):
        open_url(page, f"{server.url}/presentasjon?lysbilde={number}&lang={lang}{where}")
        if number in (2, 3, 4, 5):
            page.locator(f"{CHART} svg text").first.wait_for(state="attached")
        texts = page.evaluate(TEXTS)
        assert any(x["svg"] for x in texts) == (number in (2, 3, 4, 5)), (number, "the chart's text not found")
        assert any(ui("common.illustrative", lang) in x["text"] for x in texts), number
        for x in texts:
            floor = 26 if x["svg"] else 24
            assert x["size"] >= floor, (lang, area, number, x)
            assert contrast(x["colour"], x["background"]) >= 7, (lang, area, number, x)
            assert x["bottom"] <= 720, (lang, area, number, x)  # nothing below the screen
        assert page.get_by_test_id("stMain").evaluate("el => el.scrollHeight") <= 720, (lang, area, number)
        assert page.locator(ERRORS).count() == 0
        # the operator's bar is on the page but not projected
        expect(page.locator(".st-key-presentation_controls")).to_have_css("opacity", "0")
        screenshot(page, f"presentasjon-{number}-{lang}-{area or 'alle'}-1280x720")


def test_the_operators_bar_shows_under_the_mouse_and_with_the_keyboard_focus(server, page):
    open_url(page, f"{server.url}/presentasjon?lysbilde=2")
    bar = page.locator(".st-key-presentation_controls")
    expect(bar).to_have_css("opacity", "0")  # (retried: the opacity fades in 0.15 s)
    assert bar.bounding_box()["y"] <= 1  # over the top of the slide, taking none of its room
    bar.hover()
    expect(bar).to_have_css("opacity", "1")
    screenshot(page, "presentasjon-2-nb-bar-1280x720")
    page.mouse.move(640, 600)
    expect(bar).to_have_css("opacity", "0")
    for _ in range(10):  # Tab reaches the bar (after the skip link)
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('.st-key-presentation_controls') !== null"):
            break
    else:
        pytest.fail("Tab never reached the operator's bar")
    expect(bar).to_have_css("opacity", "1")
    # the exit and the area choice are in the bar, reachable
    expect(bar.get_by_text(ui("presentation.exit"))).to_be_visible()


def test_the_clickers_keys_step_through_the_slides(server, page):
    open_url(page, f"{server.url}/presentasjon")
    first = h1(page)
    page.keyboard.press("PageDown")
    wait_for_app_run(page)
    page.wait_for_url("**lysbilde=2*")
    assert h1(page) != first
    page.keyboard.press("Space")
    wait_for_app_run(page)
    page.wait_for_url("**lysbilde=3*")
    page.keyboard.press("PageUp")
    wait_for_app_run(page)
    page.wait_for_url("**lysbilde=2*")
    page.keyboard.press("PageUp")
    wait_for_app_run(page)
    page.wait_for_url(lambda url: "lysbilde" not in url)
    assert h1(page) == first
    page.keyboard.press("PageUp")  # on the first slide: nothing happens, no error
    wait_for_app_run(page)
    assert h1(page) == first and page.locator(ERRORS).count() == 0


@pytest.mark.parametrize("number", [2, 5])
def test_a_slide_on_a_phone_is_readable(server, browser, number):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="nb-NO")
    try:
        pg = context.new_page()
        pg.set_default_timeout(60_000)
        open_url(pg, f"{server.url}/presentasjon?lysbilde={number}")
        pg.locator(f"{CHART} svg").first.wait_for(state="attached")
        # no text wider than the screen except inside the chart, which scrolls sideways
        overflow = pg.evaluate("""() => [...document.querySelectorAll('[data-testid=stMain] p, h1')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).map(e => e.innerText)""")
        assert overflow == []
        chart = pg.locator(CHART).first
        assert chart.evaluate("el => el.getBoundingClientRect().width") >= 600  # drawn wide enough to read
        assert pg.locator(ERRORS).count() == 0
        screenshot(pg, f"presentasjon-{number}-nb-390", full_page=True)
    finally:
        context.close()
