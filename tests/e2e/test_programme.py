"""Delprogrammer in real Chromium: an editor signs in, opens a measure from the tree, changes its
status with a comment (refused without one), and sees the change in the measure's history."""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect

from omradesatsing import auth, db, read
from omradesatsing.read import Store
from tests.e2e.conftest import AppServer, open_url, screenshot, ui, wait_for_app_run

pytestmark = pytest.mark.e2e

FRAME = "[data-testid='stDataFrame']"


def test_editor_changes_a_status_with_a_comment_and_sees_it_in_the_history(store_file, tmp_path, browser):
    store = tmp_path / "store.db"
    shutil.copy(store_file, store)
    engine = db.make_engine(f"sqlite:///{store}")
    auth.create_user(engine, "kari", "et langt passord", role="editor", display_name="Kari Nordmann",
                     area_slugs=("olsvik",))
    first = read.programme.measures(Store.of(engine))
    first = first[first["subprogramme_number"] == 2].iloc[0]  # the first row of Delprogram 2's table
    server = AppServer(store)
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="nb-NO")
    page = context.new_page()
    try:
        open_url(page, f"{server.url}/admin")
        page.get_by_label(ui("login.username")).fill("kari")
        page.get_by_label(ui("login.password"), exact=True).fill("et langt passord")
        page.get_by_role("button", name=ui("login.submit")).click()
        wait_for_app_run(page)
        page.get_by_role("link", name=ui("nav.delprogrammer")).click()
        wait_for_app_run(page)
        table = page.locator(FRAME).filter(visible=True).first
        table.scroll_into_view_if_needed()
        expect(table).to_be_visible()
        page.wait_for_timeout(500)
        box = table.bounding_box()
        page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)  # the selection box of the first row
        wait_for_app_run(page)
        expect(page.get_by_role("heading", name=first["name"], exact=True)).to_be_visible()
        assert f"tiltak={int(first['id'])}" in page.url  # the view can be shared

        save = page.get_by_role("button", name=ui("programme.save_status"))
        save.scroll_into_view_if_needed()
        save.click()
        wait_for_app_run(page)
        expect(page.get_by_text("Kommentar må fylles ut")).to_be_visible()  # nothing saved without a comment

        page.get_by_label(ui("cols.status"), exact=True).last.click()
        page.get_by_role("option", name=f"✖ {ui('status.off_track')}").click()
        page.get_by_label(ui("programme.comment_label")).fill("Sommerjobbene ble færre enn planlagt.")
        save.click()
        wait_for_app_run(page)
        expect(page.get_by_text(ui("programme.saved").format(name=first["name"]))).to_be_visible()
        latest = page.get_by_text("«Sommerjobbene ble færre enn planlagt.» – Kari Nordmann")
        expect(latest).to_be_visible()
        # the history table (a canvas grid) lists the change first: read it as a user would, by its download
        served = db.make_engine(f"sqlite:///{server.dir / 'store.db'}")  # the server works on its own copy
        history = read.programme.status_history(Store.of(served), int(first["id"]))
        assert history.iloc[0]["comment"] == "Sommerjobbene ble færre enn planlagt."
        assert history.iloc[0]["changed_by"] == "Kari Nordmann" and history.iloc[0]["status"] == "off_track"
        with page.expect_download() as download:
            page.get_by_role("button", name=ui("common.download_csv")).last.click()
        text = open(download.value.path(), encoding="utf-8-sig").read().splitlines()
        assert "Sommerjobbene ble færre enn planlagt." in text[1] and "Kari Nordmann" in text[1]
        latest.scroll_into_view_if_needed()
        screenshot(page, "delprogrammer-editor-1280x720")
    finally:
        context.close()
        server.stop()


def test_views_by_direct_link(server, page):
    open_url(page, f"{server.url}/delprogrammer?visning=tidslinje&per=omrade")
    expect(page.get_by_role("heading", name="Loddefjord")).to_be_visible()
    expect(page.locator("[data-testid='stVegaLiteChart']").first).to_be_visible()
    screenshot(page, "delprogrammer-tidslinje-1280x720")
    open_url(page, f"{server.url}/delprogrammer?visning=endret&siden=2026-10-01")
    expect(page.get_by_text("har fått ny status siden 1. okt. 2026")).to_be_visible()
    screenshot(page, "delprogrammer-endret-1280x720")
