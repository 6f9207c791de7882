"""Zone import in real Chromium: an admin signs in, uploads a GeoJSON in UTM 32N, sees the preview,
imports it and then picks «Levekårssoner» on Kart, where the map paints the imported zones. A file
of the wrong type, one that is not GeoJSON inside, and one over the upload limit are each refused
with a visible message, and the store is unchanged.
"""

from __future__ import annotations

import json
import re
import shutil

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from omradesatsing import auth, db, read
from omradesatsing.models import AuditEntry, Zone
from omradesatsing.read import Store
from tests.e2e.conftest import (
    AppServer,
    open_url,
    painted_map,
    screenshot,
    ui,
    wait_for_app_run,
)
from tests.zonefiles import levekaarssoner_geojson

pytestmark = pytest.mark.e2e

FILE_INPUT = "[data-testid='stFileUploader'] input[type='file'][accept*='.geojson']"  # (Admin has a data uploader too)


def _store_with_admin(store_file, tmp_path):
    store = tmp_path / "store.db"
    shutil.copy(store_file, store)
    engine = db.make_engine(f"sqlite:///{store}")
    auth.create_user(engine, "ola", "et langt passord", role="admin", display_name="Ola Admin")
    engine.dispose()
    return store


def _sign_in_on_admin(page, server: AppServer) -> None:
    open_url(page, f"{server.url}/admin")
    page.get_by_label(ui("login.username")).fill("ola")
    page.get_by_label(ui("login.password"), exact=True).fill("et langt passord")
    page.get_by_role("button", name=ui("login.submit")).click()
    wait_for_app_run(page)
    expect(page.get_by_role("heading", name=ui("zone_import.heading"))).to_be_visible()


def _upload(page, name: str, content: bytes, mime: str = "application/geo+json") -> None:
    page.locator(FILE_INPUT).set_input_files({"name": name, "mimeType": mime, "buffer": content})
    wait_for_app_run(page)


def _expect_refused_chip(page, name: str, why, shot: str) -> None:
    """The uploader shows the file as refused (error mark), and says why when pointed at."""
    chip = page.get_by_test_id("stFileChip").filter(has_text=name)
    expect(chip).to_have_attribute("aria-invalid", "true")
    expect(chip.get_by_test_id("stFileChipIconError")).to_be_visible()
    chip.scroll_into_view_if_needed()
    page.mouse.move(5, 5)  # away first: the chip may appear right under the pointer (no hover event)
    chip.hover()
    expect(page.get_by_test_id("stTooltipErrorContent")).to_have_text(why)
    page.wait_for_timeout(600)  # the tooltip fades in
    screenshot(page, shot)


def _remove(page, name: str) -> None:
    page.get_by_role("button", name=ui("frame.Remove {a}").format(a=name)).click()
    wait_for_app_run(page)


def _served_state(server: AppServer) -> tuple[int, int]:
    """Levekårssoner with geometry and import audit rows in the server's own copy of the store."""
    engine = db.make_engine(f"sqlite:///{server.dir / 'store.db'}")
    try:
        with engine.connect() as conn:
            drawn = conn.scalar(select(func.count()).select_from(Zone)
                                .where(Zone.level == "levekaarssone", Zone.geometry.is_not(None)))
            audits = conn.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "import"))
        return drawn, audits
    finally:
        engine.dispose()


def test_admin_imports_a_geojson_and_kart_offers_the_level(store_file, tmp_path, browser):
    server = AppServer(_store_with_admin(store_file, tmp_path))
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="nb-NO")
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        _sign_in_on_admin(page, server)
        heading = page.get_by_role("heading", name=ui("zone_import.heading"))
        heading.scroll_into_view_if_needed()
        expect(page.get_by_text(ui("zone_import.limit").format(mb=50), exact=True)).to_be_visible()
        screenshot(page, "admin-import-empty-1280x720")

        _upload(page, "levekaarssoner.geojson", levekaarssoner_geojson())
        expect(page.get_by_role("heading", name=ui("zone_import.preview_heading"))).to_be_visible()
        matched = ui("zone_import.matched").format(level=ui("map.level_levekaarssone"))
        expect(page.get_by_test_id("stMetric").filter(has_text=matched)).to_contain_text("5 av 28")
        expect(page.get_by_text(f"{ui('zone_import.crs')}: EPSG:25832 (GeoJSON)")).to_be_visible()
        expect(page.get_by_role("combobox", name=ui("zone_import.name_field"))).to_have_value("sonenavn")
        assert _served_state(server) == (0, 0)  # the preview writes nothing
        page.get_by_role("heading", name=ui("zone_import.preview_heading")).scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        screenshot(page, "admin-import-preview-1280x720")

        page.get_by_role("button", name=ui("zone_import.button"), exact=True).click()
        wait_for_app_run(page)
        done = page.get_by_text(re.compile(r"Grensene er importert: 5 av 28 levekårssoner"))
        expect(done).to_be_visible()
        done.scroll_into_view_if_needed()
        screenshot(page, "admin-import-done-1280x720")
        assert _served_state(server) == (6, 1)  # five matched, and Atlantis added: the file is the authority
        served = db.make_engine(f"sqlite:///{server.dir / 'store.db'}")
        assert "levekaarssone" in read.places.levels_with_geometry(Store.of(served))
        served.dispose()

        page.get_by_role("link", name=ui("nav.kart")).click()
        wait_for_app_run(page)
        page.get_by_role("combobox", name=ui("map.level")).click()
        page.get_by_role("option", name=ui("map.level_levekaarssone"), exact=True).click()
        wait_for_app_run(page)
        expect(page).to_have_url(re.compile(r"nivaa=levekaarssone"))
        expect(page.get_by_role("combobox", name=ui("map.level"))).to_have_value(ui("map.level_levekaarssone"))
        image = painted_map(page)
        assert len(set(image.resize((120, 100)).get_flattened_data())) > 40, "the map canvas is blank"
        expect(page.get_by_text(ui("map.no_values_level").split("{")[0][:20])).to_have_count(0)
        screenshot(page, "kart-levekaarssoner-1280x720")
    finally:
        context.close()
        server.stop()


def test_wrong_type_not_geojson_and_over_the_limit_are_refused(store_file, tmp_path, browser):
    # A 1 MB limit keeps the oversized test file small; the uploader takes the smaller limit.
    server = AppServer(_store_with_admin(store_file, tmp_path), extra_args=("--server.maxUploadSize", "1"))
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="nb-NO")
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        _sign_in_on_admin(page, server)
        expect(page.get_by_text(ui("zone_import.limit").format(mb=1), exact=True)).to_be_visible()

        # 1. another type: the browser refuses it before sending. The file's chip is marked invalid
        #    and says why on hover (Streamlit's own words, in English); the page gets nothing.
        _upload(page, "soner.csv", b"navn,kode\nLoddefjord,1\n", "text/csv")
        _expect_refused_chip(page, "soner.csv", ui("frame.{a} files are not allowed.").format(a="text/csv"),
                             "admin-import-wrong-type-1280x720")
        expect(page.get_by_role("heading", name=ui("zone_import.preview_heading"))).to_have_count(0)
        _remove(page, "soner.csv")
        assert _served_state(server) == (0, 0)

        # 2. the right extension, but not GeoJSON inside: the core's Norwegian message
        _upload(page, "soner.geojson", b"navn;kode\nLoddefjord;1\n")
        error = page.get_by_test_id("stAlertContentError")
        expect(error).to_contain_text(ui("zone_import.refused"))
        expect(error).to_contain_text("soner.geojson: innholdet er ikke gyldig JSON (linje 1, tegn 1)")
        expect(page.get_by_role("button", name=ui("zone_import.button"), exact=True)).to_have_count(0)
        expect(page.get_by_test_id("stException")).to_have_count(0)
        error.scroll_into_view_if_needed()
        screenshot(page, "admin-import-not-geojson-1280x720")
        _remove(page, "soner.geojson")
        expect(error).to_have_count(0)
        assert _served_state(server) == (0, 0)

        # 3. over the limit: refused before it is sent (the server would answer 413 anyway)
        doc = json.loads(levekaarssoner_geojson())
        doc["padding"] = "x" * (1024 * 1024 + 10)
        big = json.dumps(doc).encode()
        assert len(big) > 1024 * 1024
        _upload(page, "stor.geojson", big)
        _expect_refused_chip(page, "stor.geojson", re.compile(r"^Fila må være 1(\.0)? ?MB eller mindre\.$"),
                             "admin-import-too-big-1280x720")
        expect(page.get_by_role("heading", name=ui("zone_import.preview_heading"))).to_have_count(0)
        expect(page.get_by_test_id("stAlertContentError")).to_have_count(0)
        assert _served_state(server) == (0, 0)
    finally:
        context.close()
        server.stop()
