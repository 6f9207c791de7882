"""Indikatorer in real Chromium: a shared link opens the same view, both charts draw (SVG/canvas with
content), the caption and gap table are readable at 1280×720, and nothing is fetched from outside."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    CHART,
    drawn_colours,
    finished_runs,
    open_url,
    screenshot,
    ui,
)
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


DROP_OUT = "Ikke fullført videregående innen fem år"


def _wait_for_runs(page, runs: list[str], n: int, timeout_ms: int = 30_000) -> list[str]:
    for _ in range(timeout_ms // 50):
        if len(runs) >= n:
            break
        page.wait_for_timeout(50)
    return runs


def test_a_choice_reruns_only_its_part_and_goes_to_the_link(server, page):
    """Changing the indicator reruns the indicator part (a fragment), not the page: the profile stays
    drawn, the trend shows the new indicator, and the link names it, so a reload opens the same view.
    The profile's own choice reruns only the profile."""
    runs = finished_runs(page)
    open_url(page, f"{server.url}/indikatorer")
    charts = page.locator(CHART)
    expect(charts).to_have_count(2)
    assert _wait_for_runs(page, runs, 1) == ["app"], runs
    page.get_by_label(ui("indicators.pick_indicator"), exact=True).click()
    page.get_by_role("option", name=DROP_OUT).click()
    expect(page.get_by_role("heading", name=DROP_OUT)).to_be_visible()
    page.wait_for_url("**indikator=not_completed_upper_secondary**")
    expect(page.get_by_text(f"{DROP_OUT} i 2024:", exact=False)).to_be_visible()
    expect(charts).to_have_count(2)
    assert _wait_for_runs(page, runs, 2)[1:] == ["fragment"], runs
    page.get_by_label(ui("indicators.profile_pick"), exact=True).click()
    page.keyboard.press("ArrowDown")  # a click in this combobox's text only focuses it; the arrow opens it
    page.get_by_role("option", name="Solheim (nord og sør)").click()
    page.wait_for_url("**profil=solheim**")
    expect(page.get_by_text("Solheim (nord og sør): ", exact=False)).to_be_visible()
    assert _wait_for_runs(page, runs, 3)[1:] == ["fragment", "fragment"], runs
    page.reload()
    expect(charts).to_have_count(2)
    expect(page.get_by_role("heading", name=DROP_OUT)).to_be_visible()
    expect(page.get_by_text("Solheim (nord og sør): ", exact=False)).to_be_visible()
