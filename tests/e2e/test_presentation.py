"""Presentasjon in real Chromium: a direct link on a fresh server, every slide on one 1280×720
screen without scrolling (nb and en), every text on every slide at least 24 px and dark enough (chart
text 26 px: Streamlit draws Vega-Lite as SVG, so its text is measured too), the operator's bar hidden
from the projection, and stepping through it by keyboard only, by the clicker's PageDown/PageUp too.
The QR code in every slide's corner (covering nothing, and read back from a screenshot), the last
slide's large one, auto-advance (``?auto=``) and its pause, and what is left on screen when the
server goes away. The slides are served with ``OMRADESATSING_PUBLIC_URL`` set (``server`` below)."""

from __future__ import annotations

import io
import time
import urllib.parse

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import CHART, ERRORS, AppServer, drawn_colours, open_url, screenshot, ui, wait_for_app_run

pytestmark = pytest.mark.e2e

N_SLIDES = 8
CHART_SLIDES = (2, 3, 4, 5)
PUBLIC = "https://omradesatsing.example.no"
QR = ".st-key-omr_qr img"


@pytest.fixture(scope="module")
def server(store_file):
    """This module's own server, with the public address set (the QR codes are drawn)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("OMRADESATSING_PUBLIC_URL", PUBLIC)
        app = AppServer(store_file)
    yield app
    app.stop()


def decoded(page) -> list[str]:
    """The QR codes on the screen, read from a screenshot as a phone's camera would."""
    import zxingcpp
    from PIL import Image

    shot = Image.open(io.BytesIO(page.screenshot())).convert("L")
    return [r.text for r in zxingcpp.read_barcodes(shot) if r.format == zxingcpp.BarcodeFormat.QRCode]


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


# What an element (by selector) covers: the text (each line's box, HTML and SVG), the metric cards and
# the charts' marks that overlap its box. Empty when it sits in free space.
COVERED = r"""(selector) => {
  const box = document.querySelector(selector).getBoundingClientRect();
  const hit = (r) => r.width > 0 && r.height > 0 && r.left < box.right && r.right > box.left
                     && r.top < box.bottom && r.bottom > box.top;
  const out = [];
  const main = document.querySelector('[data-testid=stMain]');
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!node.textContent.trim() || el.closest('.st-key-presentation_controls, style, script, ' + selector)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) if (hit(r)) out.push(node.textContent.trim().slice(0, 40));
  }
  for (const el of main.querySelectorAll('[data-testid=stMetric], svg .role-mark > *, svg .role-legend-symbol'))
    if (hit(el.getBoundingClientRect())) out.push(el.tagName + ' ' + (el.getAttribute('class') || ''));
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
        if number in CHART_SLIDES:
            page.locator(f"{CHART} svg text").first.wait_for(state="attached")
        texts = page.evaluate(TEXTS)
        assert any(x["svg"] for x in texts) == (number in CHART_SLIDES), (number, "the chart's text not found")
        if not (number == N_SLIDES and area == "ytre-arna"):  # an ended area has no office: no example data
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
        # the QR code: in the corner, large enough to scan from the front rows, covering nothing
        if number < N_SLIDES:
            qr = page.locator(QR).bounding_box()
            assert 150 <= qr["width"] <= 180 and qr["width"] == pytest.approx(qr["height"], abs=1), (number, qr)
            assert qr["y"] + qr["height"] <= 720 and qr["x"] + qr["width"] <= 1280
            assert page.evaluate(COVERED, ".st-key-omr_qr") == [], (lang, area, number)
        else:
            assert page.locator(QR).count() == 0 and page.locator(".st-key-omr_qr_large img").count() == 1
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


@pytest.mark.parametrize(("lang", "area"), [("nb", None), ("nn", "olsvik")])
def test_the_qr_codes_read_back_as_the_phone_page_of_the_area_and_language(server, page, lang, area):
    where = f"&omrade={area}" if area else ""
    phone = f"{PUBLIC}/telefon/{area or 'alle'}-{lang}.html"
    open_url(page, f"{server.url}/presentasjon?lysbilde=2&lang={lang}{where}")
    page.locator(f"{CHART} svg text").first.wait_for(state="attached")
    assert decoded(page) == [phone]
    place = area.capitalize() if area else ui("presentation.questions_all_place", lang)
    assert page.locator(QR).get_attribute("alt") == ui("presentation.qr_label", lang).format(place=place, url=phone)
    open_url(page, f"{server.url}/presentasjon?lysbilde={N_SLIDES}&lang={lang}{where}")
    assert h1(page) == ui("presentation.questions_title", lang)
    large = page.locator(".st-key-omr_qr_large img").bounding_box()
    assert large["width"] >= 300  # the audience's last look: large enough to scan from further back
    assert decoded(page) == [phone]
    body = page.get_by_test_id("stMain").inner_text()
    assert urllib.parse.urlsplit(phone)._replace(scheme="").geturl().lstrip("/") in body  # the address in words
    screenshot(page, f"presentasjon-{N_SLIDES}-{lang}-{area or 'alle'}-qr-1280x720")


def slide_number(page) -> int:
    return int(urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query).get("lysbilde", ["1"])[0])


def test_auto_advance_moves_on_by_itself_stops_at_the_end_and_any_key_pauses_it(server, page):
    note = page.locator("[data-omr-auto] p")
    open_url(page, f"{server.url}/presentasjon?lysbilde={N_SLIDES - 2}&auto=5")
    start = time.monotonic()
    page.wait_for_url(f"**lysbilde={N_SLIDES - 1}*", timeout=15_000)
    assert 4.5 <= time.monotonic() - start <= 12
    wait_for_app_run(page)
    assert "auto=5" in page.url  # the parameter stays while the slides change
    expect(note).to_be_hidden()  # running: nothing on the slide for it
    page.keyboard.press("x")  # any key
    expect(note).to_be_visible()
    assert note.inner_text() == ui("presentation.auto_paused")
    cs = note.evaluate("el => [parseFloat(getComputedStyle(el).fontSize), getComputedStyle(el).color]")
    assert cs[0] >= 24
    assert contrast([int(v) for v in cs[1][4:-1].split(",")], [255, 255, 255]) >= 7
    assert note.bounding_box()["y"] + note.bounding_box()["height"] < page.locator("h1").first.bounding_box()["y"] + 5
    screenshot(page, f"presentasjon-{N_SLIDES - 1}-nb-auto-paused-1280x720")
    page.wait_for_timeout(7_000)
    assert slide_number(page) == N_SLIDES - 1  # paused: no step
    page.keyboard.press("a")  # resume
    expect(note).to_be_hidden()
    page.wait_for_url(f"**lysbilde={N_SLIDES}*", timeout=15_000)
    wait_for_app_run(page)
    page.wait_for_timeout(6_500)  # the last slide: it stays
    assert slide_number(page) == N_SLIDES and page.locator(ERRORS).count() == 0
    assert page.locator("[data-omr-auto]").count() == 0


def test_a_slide_stays_on_screen_when_the_server_goes_away(store_file, browser):
    """The venue's network drops: what was drawn stays; stepping needs the connection."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("OMRADESATSING_PUBLIC_URL", PUBLIC)
        app = AppServer(store_file)
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="nb-NO")
    try:
        pg = context.new_page()
        pg.set_default_timeout(60_000)
        open_url(pg, f"{app.url}/presentasjon?lysbilde=2")
        pg.locator(f"{CHART} svg text").first.wait_for(state="attached")
        title, lead = h1(pg), pg.locator(".st-key-omr_lead").inner_text()
        app.stop()
        pg.wait_for_timeout(3_000)
        pg.keyboard.press("PageDown")  # would step: needs the server
        pg.wait_for_timeout(3_000)
        assert h1(pg) == title and pg.locator(".st-key-omr_lead").inner_text() == lead
        expect(pg.locator(CHART).first).to_be_visible()
        assert drawn_colours(pg.locator(CHART).first) > 3
        assert decoded(pg) == [f"{PUBLIC}/telefon/alle-nb.html"]  # the QR code is still there to scan
        assert slide_number(pg) == 2
        # Streamlit's connection dialog: in bokmål, a note in the top-right corner, the slide not greyed
        dialog = pg.get_by_test_id("stDialog")
        expect(dialog).to_contain_text(ui("frame.Connection error"))
        assert dialog.evaluate("el => getComputedStyle(el).backgroundColor") in ("rgba(0, 0, 0, 0)", "transparent")
        box = pg.locator("[data-testid=stDialog] > div").bounding_box()
        assert box["x"] >= 640 and box["y"] + box["height"] <= 260, box
        screenshot(pg, "presentasjon-2-nb-offline-1280x720")
    finally:
        context.close()
        app.stop()
