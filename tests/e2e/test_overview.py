"""Oversikt in Chromium, as the politician opens it: on a 1280×720 screen, without scrolling, what changed
since the last report (with its date), the areas × key indicators against Bergen and the money per area;
on a phone the page does not scroll sideways (the table scrolls inside itself)."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from omradesatsing import db, formatting as fmt, read
from omradesatsing.read import Store
from tests.e2e.conftest import ERRORS, open_url, screenshot, ui

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("lang", ["nb", "nn"])
def test_the_first_screen_holds_the_changes_the_grid_and_the_money(server, page, store_file, lang):
    store = Store.of(db.make_engine(f"sqlite:///{store_file}"))
    since, report = read.overview.since_default(store, dt.date.today())
    total = read.money.investment_summary(store)
    open_url(page, f"{server.url}/?lang={lang}")
    assert page.locator(ERRORS).count() == 0
    main = page.locator("[data-testid='stMain']")
    expect(main.get_by_role("heading", name=ui("overview.since_heading", lang))).to_be_visible()
    expect(main.get_by_text(f"({fmt.date(since, lang)})", exact=False).first).to_be_visible()
    grid = main.locator("table.omr-grid")
    expect(grid).to_be_visible()
    for row in (ui("overview.grid_all", lang), "Loddefjord", "Ytre Arna"):
        cell = grid.get_by_role("rowheader", name=row)
        box = cell.bounding_box()
        assert box is not None and box["y"] + box["height"] <= 720, (row, box)  # on the first screen
    last = grid.locator("tr.omr-sum")
    assert fmt.millions(total["budget_nok"], 1, lang) in last.inner_text()
    # The links of the changes go to the measure on Delprogrammer.
    links = main.locator("a[href*='delprogrammer'][href*='tiltak=']")
    assert links.count() >= 1
    box = links.first.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 720
    assert page.evaluate("document.scrollingElement.scrollTop") == 0
    screenshot(page, f"oversikt-{lang}-1280x720")
    assert report  # the seed has frozen reports: the default is the last one


@pytest.mark.parametrize("lang", ["nb", "nn"])
def test_on_a_phone_the_page_does_not_scroll_sideways(server, page, lang):
    page.set_viewport_size({"width": 390, "height": 844})
    open_url(page, f"{server.url}/?lang={lang}")
    assert page.locator(ERRORS).count() == 0
    expect(page.locator("table.omr-grid")).to_be_visible()
    assert page.locator("[data-testid='stMain']").evaluate("m => m.scrollWidth - m.clientWidth") <= 1
    scroller = page.locator(".omr-scroll")
    assert scroller.evaluate("s => s.scrollWidth > s.clientWidth")  # the wide table scrolls inside itself
    assert scroller.get_attribute("tabindex") == "0"  # and a keyboard can scroll it
    expect(page.get_by_role("heading", name=ui("overview.since_heading", lang))).to_be_visible()
    screenshot(page, f"oversikt-{lang}-390", full_page=True)
