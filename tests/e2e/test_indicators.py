"""Indikatorer in real Chromium: a shared link opens the same view, both charts draw (SVG/canvas with
content), the caption and gap table are readable at 1280×720, and nothing is fetched from outside."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import CHART, drawn_colours, open_url, screenshot, ui
from tests.e2e.test_map import block_outside

pytestmark = pytest.mark.e2e


def test_shared_link_opens_the_view_with_both_charts(server, page):
    attempted = block_outside(page.context, server.url)
    open_url(page, f"{server.url}/indikatorer?indikator=not_completed_upper_secondary"
                   f"&omrader=olsvik&omrader=solheim&profil=solheim&ki=1")
    charts = page.locator(CHART)
    expect(charts).to_have_count(2)
    charts.first.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    assert drawn_colours(charts.first) > 20, "the trend chart is blank"
    screenshot(page, "indikatorer-trend-1280x720")
    # the choices from the link are the page's state
    expect(page.get_by_text("Solheim (nord og sør)").first).to_be_visible()
    expect(page.get_by_role("switch", name=ui("indicators.show_ci"))).to_be_checked()
    # the plain-language caption under the chart, generated from the data
    expect(page.get_by_text("Ikke fullført videregående innen fem år i 2024:", exact=False)).to_be_visible()
    charts.nth(1).scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    assert drawn_colours(charts.nth(1)) > 8, "the spine chart is blank"
    expect(page.get_by_text("Solheim (nord og sør): ", exact=False)).to_be_visible()  # the profile's caption
    screenshot(page, "indikatorer-profile-1280x720")
    screenshot(page, "indikatorer-full", full_page=True)
    assert attempted == [], attempted
