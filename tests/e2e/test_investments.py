"""Investeringer in real Chromium: charts drawn at 1280×720, a shared link opens a project's detail
with its small map, and an editor who signs in under Admin gets the project form."""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect

from omradesatsing import auth, db, read
from omradesatsing.read import Store
from tests.e2e.conftest import CHART, AppServer, drawn_colours, open_url, screenshot, ui, wait_for_app_run

pytestmark = pytest.mark.e2e


def test_charts_and_a_shared_project_link(server, page, store_file):
    engine = db.make_engine(f"sqlite:///{store_file}")
    project = read.money.investments(Store.of(engine)).dropna(subset=["lon"]).iloc[0]
    open_url(page, f"{server.url}/investeringer?prosjekt={int(project['id'])}")
    charts = page.locator(CHART)
    expect(charts.first).to_be_visible()
    assert drawn_colours(charts.first) > 6, "the per-area chart is blank"
    screenshot(page, "investeringer-1280x720")
    heading = page.get_by_role("heading", name=project["name"], exact=True)
    expect(heading).to_be_visible()
    heading.scroll_into_view_if_needed()
    expect(page.get_by_role("figure", name=ui("investments.map_alt").split("{")[0].strip(), exact=False)
           ).to_be_visible()
    page.wait_for_timeout(1500)
    screenshot(page, "investeringer-project-1280x720")


def test_breakdown_tab_opens_with_its_chart(server, page):
    """Another tab under the per-area chart is built when opened, and drawn."""
    open_url(page, f"{server.url}/investeringer")
    in_tabs = page.locator("[role=tabpanel]").locator(CHART)  # open and closed panels
    expect(in_tabs).to_have_count(1)
    page.get_by_role("tab", name=ui("investments.tab_funding")).click()
    wait_for_app_run(page)
    panel = page.locator("[role=tabpanel]:visible")
    expect(panel.locator(CHART)).to_have_count(1)
    assert drawn_colours(panel.locator(CHART).first) > 6, "the funding chart is blank"
    assert ui("investments.caption_funding_source").split("{")[1].split("}")[1].strip() in panel.inner_text()
    expect(in_tabs).to_have_count(1)  # the tab closed is not built any more


def test_editor_signs_in_and_gets_the_form(store_file, tmp_path, browser):
    store = tmp_path / "store.db"
    shutil.copy(store_file, store)
    auth.create_user(db.make_engine(f"sqlite:///{store}"), "kari", "et langt passord", role="editor",
                     display_name="Kari Nordmann", area_slugs=("olsvik",))
    server = AppServer(store)
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="nb-NO")
    page = context.new_page()
    try:
        open_url(page, f"{server.url}/admin")
        page.get_by_label(ui("login.username")).fill("kari")
        page.get_by_label(ui("login.password"), exact=True).fill("et langt passord")
        page.get_by_role("button", name=ui("login.submit")).click()
        wait_for_app_run(page)
        page.get_by_role("link", name=ui("nav.investeringer")).click()
        wait_for_app_run(page)
        expect(page.get_by_text(ui("investments.form_new"))).to_be_visible()
        page.get_by_text(ui("investments.form_new")).click()
        name = page.get_by_role("textbox", name=ui("cols.project"), exact=True)
        expect(name).to_be_visible()
        name.scroll_into_view_if_needed()
        screenshot(page, "investeringer-editor-form-1280x720")
    finally:
        context.close()
        server.stop()
