"""Kart in real Chromium: the map paints, hover and click select a zone, the view lives in the URL,
and with every request outside the app's own server blocked, nothing is even attempted."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from omradesatsing import geo
from omradesatsing.read import Store
from tests.e2e.conftest import DECK, open_url, painted_map, screenshot, ui, wait_for_app_run

pytestmark = pytest.mark.e2e


def block_outside(context, origin: str, allow=None) -> list[str]:
    """Abort every request not to ``origin`` (record it); ``allow(route)`` may answer some instead."""
    attempted: list[str] = []

    def handle(route):
        url = route.request.url
        if url.startswith(origin) or url.startswith(("data:", "blob:")):
            return route.continue_()
        attempted.append(url)
        if allow and allow(route):
            return None
        return route.abort()

    context.route("**/*", handle)
    return attempted


def test_map_paints_offline_and_makes_no_outside_request(server, page):
    attempted = block_outside(page.context, server.url)
    open_url(page, f"{server.url}/kart")
    image = painted_map(page)
    assert len(set(image.resize((120, 100)).get_flattened_data())) > 40, "the map canvas is blank"
    expect(page.get_by_test_id("stDataFrame")).to_be_visible()
    expect(page.locator("h1")).to_have_text(ui("map.title"))
    assert attempted == [], attempted
    screenshot(page, "kart-map-1280x720")


def _screen_point(view: dict, box: dict, lon: float, lat: float) -> tuple[float, float]:
    cx, cy = geo.project(view["longitude"], view["latitude"], view["zoom"])
    px, py = geo.project(lon, lat, view["zoom"])
    return box["x"] + box["width"] / 2 + (px - cx), box["y"] + box["height"] / 2 + (py - cy)


def test_hover_and_click_select_a_zone_and_the_url_follows(server, page, store_file):
    from omradesatsing import db, read
    from omradesatsing.geo import label_point

    engine = db.make_engine(f"sqlite:///{store_file}")
    features = {f["properties"]["name"]: f for f in read.places.zone_features(Store.of(engine), "delomraade")["features"]}
    fana = features["Fana"]
    lon, lat = label_point(fana["geometry"])
    box_bergen = geo.bounds(read.places.zone_features(Store.of(engine), "kommune"))

    open_url(page, f"{server.url}/kart")
    painted_map(page)
    box = page.locator(DECK).bounding_box()
    from components.maps import MAP_HEIGHT, MAP_WIDTH_GUESS

    view = geo.fit_view(box_bergen, MAP_WIDTH_GUESS, MAP_HEIGHT)
    x, y = _screen_point(view, box, lon, lat)
    page.mouse.move(x - 3, y - 3)
    page.mouse.move(x, y)
    tooltip = page.locator(".deck-tooltip")
    expect(tooltip).to_be_visible(timeout=10_000)
    expect(tooltip).to_contain_text("Fana")
    expect(tooltip).to_contain_text(ui("map.tip_period").split(":")[0])
    screenshot(page, "kart-hover-1280x720")

    page.mouse.click(x, y)
    wait_for_app_run(page)
    expect(page.get_by_role("heading", name="Fana", exact=True)).to_be_visible(timeout=15_000)
    expect(page).to_have_url(re.compile(r"sone=" + fana["properties"]["code"]))
    painted_map(page)
    screenshot(page, "kart-selected-1280x720")

    page.get_by_role("button", name=ui("map.clear_pick")).click()
    wait_for_app_run(page)
    expect(page.get_by_role("heading", name="Fana", exact=True)).to_have_count(0)
    assert "sone=" not in page.url


def test_a_shared_link_reopens_the_view(server, page):
    open_url(page, f"{server.url}/kart?indikator=median_income&aar=2020&sone=46011900")
    expect(page.get_by_role("heading", name="Loddefjord (delområde)", exact=True)).to_be_visible()
    indicator = page.get_by_role("combobox", name=ui("map.indicator"))
    expect(indicator).to_have_value(re.compile("Medianinntekt"))
    expect(page.get_by_role("combobox", name=ui("map.year"))).to_have_value("2020")
    expect(page.get_by_role("link", name=re.compile("Loddefjord"))).to_have_count(1)
    painted_map(page)


def test_online_basemap_is_loaded_with_attribution_when_chosen(server, page):
    buf = io.BytesIO()
    Image.new("RGB", (256, 256), (200, 220, 200)).save(buf, "PNG")
    tile = buf.getvalue()

    def fake_tiles(route):
        if "cache.kartverket.no" in route.request.url:
            route.fulfill(body=tile, content_type="image/png")
            return True
        return False

    attempted = block_outside(page.context, server.url, allow=fake_tiles)
    open_url(page, f"{server.url}/kart?bakgrunn=kartverket")
    painted_map(page)
    page.wait_for_timeout(1500)
    assert attempted and all(u.startswith("https://cache.kartverket.no/") for u in attempted), attempted[:5]
    # MapLibre's attribution control is in the map (compact: behind its "i" on a narrow map) ...
    expect(page.locator(DECK).locator(".maplibregl-ctrl-attrib, .mapboxgl-ctrl-attrib")).to_contain_text("© Kartverket")
    # ... and the caption under the map says it in full, with the licence.
    expect(page.get_by_text(re.compile(r"Bakgrunnskart: © Kartverket, lisens CC BY 4\.0"))).to_be_visible()
    screenshot(page, "kart-basemap-1280x720")


def test_the_table_downloads_carry_source_licence_and_the_illustrative_mark(server, page):
    open_url(page, f"{server.url}/kart?nivaa=bydel")
    with page.expect_download() as info:
        page.get_by_role("button", name=ui("common.download_csv")).click()
    download = info.value
    assert download.suggested_filename == "kart-unemployment-bydel-2024.csv"
    text = open(download.path(), encoding="utf-8-sig").read()
    header, *rows = text.strip().splitlines()
    cols = header.split(";")
    for key in ("map.col_zone", "map.col_value", "map.col_source", "map.col_licence", "map.col_period"):
        assert ui(key) in cols, (key, cols)
    assert ui("cols.illustrative") in cols
    assert len(rows) == 8
    first = dict(zip(cols, rows[0].split(";"), strict=True))
    assert first[ui("cols.illustrative")] == ui("common.yes")
    assert re.fullmatch(r"\d+,\d+", first[ui("map.col_value")]), first  # decimal comma
    assert first[ui("map.col_note")] == ui("map.tip_derived")
    with page.expect_download() as info:
        page.get_by_role("button", name=ui("common.download_xlsx")).click()
    assert info.value.suggested_filename.endswith(".xlsx")
    assert open(info.value.path(), "rb").read(2) == b"PK"  # a zip container: a real xlsx
