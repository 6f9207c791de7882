"""Område in Chromium, as a politician opens it on a laptop and on a phone: one column, nothing cut off,
no sideways scroll, the key figures against Bergen in words, what happens next and the measures within
about three phone screens, the later sections present, the small map drawn with its text alternative;
an ended area too. In bokmål and nynorsk."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ERRORS, open_url, screenshot, ui

pytestmark = pytest.mark.e2e

SIZES = [(1280, 720), (390, 844)]
SECTIONS = ("area.key_figures", "area.next_heading", "area.measures", "area.investments", "area.map_heading",
            "area.participation", "area.publications", "area.contacts", "area.packs")


def _top(page, locator) -> float:
    """A heading's top in the page (Streamlit scrolls inside stMain, not the document)."""
    return locator.evaluate("(el) => el.getBoundingClientRect().top + "
                            "document.querySelector(\"[data-testid='stMain']\").scrollTop")


def _overflowing(page) -> list[str]:
    """Elements in the main column whose right edge is past the window (cut off or scrolling sideways)."""
    return page.evaluate("""() => {
      const w = document.documentElement.clientWidth;
      return [...document.querySelectorAll("[data-testid='stMain'] *")]
        .filter(el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.right > w + 1; })
        .slice(0, 5).map(el => el.tagName + '.' + el.className + ': ' + (el.innerText || '').slice(0, 40));
    }""")


@pytest.mark.parametrize("lang", ["nb", "nn"])
@pytest.mark.parametrize(("width", "height"), SIZES)
@pytest.mark.parametrize("slug", ["olsvik", "ytre-arna"])
def test_the_area_page_fits_the_screen_and_puts_first_things_first(server, page, slug, width, height, lang):
    page.set_viewport_size({"width": width, "height": height})
    open_url(page, f"{server.url}/omrade?omrade={slug}&lang={lang}")
    assert page.locator(ERRORS).count() == 0
    main = page.locator("[data-testid='stMain']")
    assert main.evaluate("m => m.scrollWidth - m.clientWidth") <= 1  # no sideways scroll
    assert _overflowing(page) == []  # nothing cut off on the right
    tops = []
    for key in SECTIONS:
        heading = main.get_by_role("heading", level=2, name=ui(key, lang), exact=True)
        expect(heading).to_have_count(1)
        tops.append(_top(page, heading))
    assert tops == sorted(tops)  # in this order
    # Key figures against Bergen in words, each with Bergen's value
    words = [ui(f"judgement.{j}", lang) for j in ("worse", "better", "similar", "unknown", "higher", "lower",
                                                   "suppressed")]
    figures = main.locator("[data-testid='stMarkdownContainer'] p", has_text="Bergen: ")
    assert 3 <= figures.count() <= 5
    for i in range(figures.count()):
        text = figures.nth(i).inner_text()
        assert any(f" · {w} · " in text for w in words), text
    # the first part (key figures, what happens next, measures) ends within about three phone screens
    if width == 390:
        assert tops[SECTIONS.index("area.investments")] <= 3 * height, tops
    # the small map: an image with its text alternative, drawn (not a 3 MB map bundle)
    img = main.locator("img.omr-area-map")
    expect(img).to_be_visible()
    assert img.evaluate("i => i.complete && i.naturalWidth > 0")
    assert (img.get_attribute("alt") or "").startswith(ui("area.map_alt", lang).split("{")[0])
    assert page.locator("[data-testid='stDeckGlJsonChart']").count() == 0
    # the meeting pack
    expect(main.get_by_role("button", name=ui("reports.download_pdf", lang))).to_be_visible()
    if slug == "ytre-arna":  # an ended area: no local office, nothing left to do
        expect(main.get_by_text(ui("area.no_contacts", lang))).to_be_visible()
    else:
        expect(main.get_by_text("Nærmiljøkontoret i Olsvik", exact=False)).to_be_visible()
        expect(main.get_by_text("Følgeforskning Loddefjord og Olsvik")).to_be_visible()
    screenshot(page, f"omrade-{slug}-{lang}-{width}x{height}", full_page=True)
