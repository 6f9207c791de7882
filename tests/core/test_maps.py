"""Map logic in the core: classes and colours, values per zone (stored and summed up), geometry,
labels, the view that fits Bergen, basemap settings and the media folder."""

from __future__ import annotations

import json
import math
import urllib.parse

import pandas as pd
import pytest

from omradesatsing import choropleth, config, db, geo, read
from omradesatsing.read import Store

# --- classes and colours ----------------------------------------------------------------------

def test_quantile_classes_put_equal_numbers_in_each_class():
    values = list(range(1, 11))  # 1..10
    c = choropleth.classify(values, k=5)
    assert c.k == 5 and c.counts == (2, 2, 2, 2, 2)
    assert c.upper == pytest.approx((2.8, 4.6, 6.4, 8.2, 10.0))
    assert c.lower[0] == 1
    assert [c.index(v) for v in (1, 2.8, 2.9, 10)] == [0, 0, 1, 4]


def test_darker_means_less_favourable_in_both_directions():
    values = [1, 2, 3, 4, 5]
    low_is_good = choropleth.classify(values, k=5, higher_is_better=False)
    high_is_good = choropleth.classify(values, k=5, higher_is_better=True)
    darkest, lightest = choropleth.YLORRD[5][-1], choropleth.YLORRD[5][0]
    assert low_is_good.colour(5) == darkest and low_is_good.colour(1) == lightest
    assert high_is_good.colour(1) == darkest and high_is_good.colour(5) == lightest


def test_missing_values_get_the_no_data_colour_and_no_class():
    c = choropleth.classify([1.0, None, float("nan"), 3.0], k=5)
    assert c.colour(None) == choropleth.NO_DATA_HEX == c.colour(float("nan"))
    assert sum(c.counts) == 2
    assert choropleth.NO_DATA_HEX not in c.colours


def test_few_distinct_values_give_few_classes():
    assert choropleth.classify([3, 3, 3], k=5).k == 1
    assert choropleth.classify([1, 1, 2, 2], k=5).k == 2
    assert choropleth.classify([], k=5).k == 0


@pytest.mark.parametrize("scheme", choropleth.SCHEMES)
def test_every_value_falls_in_a_class_for_every_scheme(scheme):
    values = [0.4, 1.1, 1.9, 2.0, 2.2, 3.5, 7.9, 8.0, 12.5, 30.1]
    c = choropleth.classify(values, k=4, scheme=scheme)
    assert sum(c.counts) == len(values)
    assert all(c.lower[i] <= v <= c.upper[i] for v in values for i in [c.index(v)])
    # the legend's counts agree with the colour each zone gets (also for values on a class boundary)
    assert c.counts == tuple(sum(1 for v in values if c.index(v) == i) for i in range(c.k))
    boundary = choropleth.classify(list(range(1, 11)), k=5)
    assert boundary.counts == tuple(sum(1 for v in range(1, 11) if boundary.index(v) == i) for i in range(5))


# --- geometry, view and labels ----------------------------------------------------------------

def test_fit_view_centres_the_box_and_zooms_with_the_map_size():
    box = (5.17, 60.18, 5.58, 60.55)  # about Bergen
    small = geo.fit_view(box, 400, 300)
    large = geo.fit_view(box, 1600, 1200)
    assert box[0] < small["longitude"] < box[2] and box[1] < small["latitude"] < box[3]
    assert large["zoom"] == pytest.approx(small["zoom"] + 2, abs=0.01)
    # The box fits: its projected height at that zoom is within the map's height.
    top = geo.project(box[0], box[3], small["zoom"])[1]
    bottom = geo.project(box[0], box[1], small["zoom"])[1]
    assert bottom - top <= 300


def test_labels_at_the_same_place_are_moved_apart():
    labels = [{"position": [5.25, 60.35], "name": "Loddefjord / Olsvik"},
              {"position": [5.2501, 60.3501], "name": "Indre Laksevåg"},
              {"position": [5.2502, 60.3499], "name": "Solheim"}]
    placed = geo.place_labels(labels, zoom=9, font_px=16)
    offsets = {tuple(p["offset"]) for p in placed}
    assert len(offsets) == 3
    boxes = []
    for p in placed:
        x, y = geo.project(*p["position"], 9)
        w, h = len(p["name"]) * 16 * 0.56 + 10, 16 * 1.5
        boxes.append((x + p["offset"][0] - w / 2, y + p["offset"][1] - h / 2,
                      x + p["offset"][0] + w / 2, y + p["offset"][1] + h / 2))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)


def test_simplified_geometry_keeps_the_shape_and_drops_vertices():
    ring = [[5.0 + 0.1 * math.cos(a / 200 * 2 * math.pi), 60.0 + 0.05 * math.sin(a / 200 * 2 * math.pi)]
            for a in range(200)]
    ring.append(ring[0])
    fc = {"type": "FeatureCollection",
          "features": [{"type": "Feature", "properties": {"code": "x"}, "geometry": {"type": "Polygon",
                                                                                  "coordinates": [ring]}}]}
    simple = geo.simplify_collection(fc, tolerance=0.001)
    coords = simple["features"][0]["geometry"]["coordinates"][0]
    assert 8 < len(coords) < len(ring)
    assert simple["features"][0]["properties"] == {"code": "x"}
    assert all(round(c, 5) == c for pt in coords for c in pt)


# --- basemap and media settings ---------------------------------------------------------------

def test_no_basemap_by_default_and_unknown_values_fall_back(monkeypatch, tmp_path):
    monkeypatch.setattr(config, "SECRETS_PATH", tmp_path / "none.toml")

    def basemap(**environ):
        return config.load_settings(environ).basemap

    assert basemap() == "none"
    assert basemap(OMRADESATSING_BASEMAP="Kartverket") == "kartverket"
    assert basemap(OMRADESATSING_BASEMAP="https://evil.example/tiles") == "none"


def test_online_basemap_is_a_maplibre_style_with_attribution():
    assert geo.basemap_style_url("none") is None
    url = geo.basemap_style_url("kartverket")
    assert url.startswith("data:application/json")
    style = json.loads(urllib.parse.unquote(url.split(",", 1)[1]))
    source = style["sources"]["kartverket"]
    assert source["tiles"] == [geo.BASEMAPS["kartverket"].tiles]
    assert source["attribution"] == "© Kartverket"
    osm = json.loads(urllib.parse.unquote(geo.basemap_style_url("osm").split(",", 1)[1]))
    assert "OpenStreetMap" in osm["sources"]["osm"]["attribution"]


def test_media_paths_stay_inside_the_media_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("OMRADESATSING_MEDIA_DIR", str(tmp_path))
    (tmp_path / "before.jpg").write_bytes(b"x")
    (tmp_path.parent / "secret.txt").write_text("no")
    assert config.media_path("before.jpg") == (tmp_path / "before.jpg").resolve()
    assert config.media_path("../secret.txt") is None
    assert config.media_path("missing.jpg") is None
    assert config.media_path("https://example.org/a.jpg") is None
    assert config.media_path(None) is None


# --- values per zone ------------------------------------------------------------------------

def test_zone_map_values_lists_every_zone_at_the_level(seeded_store):
    engine = db.make_engine(seeded_store)
    df = read.indicators.zone_map_values(Store.of(engine), "unemployment", "delomraade", 2024)
    zones = read.places.zones(Store.of(engine), "delomraade")
    assert sorted(df["zone_code"]) == sorted(zones["code"])
    assert df["value"].notna().all()
    assert set(df["period"]) == {"2024"} and df["source_title"].notna().all()


def test_bydel_values_are_summed_from_their_delomraader(seeded_store):
    engine = db.make_engine(seeded_store)
    bydel = read.indicators.zone_map_values(Store.of(engine), "unemployment", "bydel", 2024).set_index("zone_code")
    kids = read.indicators.indicator_values(Store.of(engine), "unemployment", scopes=("zone",), zone_level="delomraade", year=2024)
    assert bydel["derived"].all() and bydel["illustrative"].all()
    for parent, group in kids.groupby("parent_code"):
        expected = 100 * group["numerator"].sum() / group["denominator"].sum()
        assert bydel.loc[parent, "value"] == pytest.approx(expected)
        assert bydel.loc[parent, "numerator"] == group["numerator"].sum()


def test_a_median_is_not_summed_up(seeded_store):
    engine = db.make_engine(seeded_store)
    bydel = read.indicators.zone_map_values(Store.of(engine), "median_income", "bydel", 2024)
    assert bydel["value"].isna().all() and not bydel["suppressed"].any()


def test_a_hidden_delomraade_hides_its_bydel_total(seeded_store, threshold):
    """Attack: bydel total minus the visible delområder = the suppressed one? The total is hidden too."""
    engine = db.make_engine(seeded_store)
    kids = read.indicators.indicator_values(Store.of(engine), "unemployment", scopes=("zone",), zone_level="delomraade", year=2024)
    store = threshold(int(kids["numerator"].min()) + 1)  # hides at least the smallest delområde
    hidden_kids = read.indicators.indicator_values(store, "unemployment", scopes=("zone",), zone_level="delomraade",
                                                   year=2024)
    bydel = read.indicators.zone_map_values(store, "unemployment", "bydel", 2024).set_index("zone_code")
    checked = 0
    for parent, group in hidden_kids.groupby("parent_code"):
        if group["suppressed"].any():
            checked += 1
            assert bydel.loc[parent, "suppressed"]
            assert pd.isna(bydel.loc[parent, "value"]) and pd.isna(bydel.loc[parent, "numerator"])
        else:
            assert not pd.isna(bydel.loc[parent, "value"])
    assert checked >= 1


def test_zone_years_and_profile(seeded_store):
    engine = db.make_engine(seeded_store)
    assert read.indicators.zone_years(Store.of(engine), "unemployment", "bydel") == list(range(2015, 2025))
    assert read.indicators.zone_years(Store.of(engine), "unemployment", "levekaarssone") == [2016]
    assert read.places.levels_with_geometry(Store.of(engine)) == ["bydel", "delomraade"]  # no zone files imported yet
    code = read.places.zones(Store.of(engine), "delomraade").iloc[0]["code"]
    profiles = read.indicators.zone_profiles(Store.of(engine), "delomraade", 2024, "nb")
    profile = profiles[profiles["zone_code"] == code]
    assert len(profile) >= 8
    assert profile["city_value"].notna().all()
    assert set(profile["year"]) == {2024}
    # one read serves every zone, each with every indicator at most once, in the indicators' order
    assert set(profiles["zone_code"]) == set(read.places.zones(Store.of(engine), "delomraade")["code"])
    assert not profiles.duplicated(["zone_code", "indicator"]).any()
    order = list(read.indicators.indicators(Store.of(engine))["key"])
    assert list(profile["indicator"]) == [k for k in order if k in set(profile["indicator"])]


def test_zone_areas_link_zones_to_programme_areas(seeded_store):
    engine = db.make_engine(seeded_store)
    by_delomraade = read.places.zone_areas(Store.of(engine), "delomraade")
    lodd = set(by_delomraade.loc[by_delomraade["slug"].isin(["loddefjord", "olsvik"]), "zone_code"])
    assert len(lodd) == 1  # they share one delområde (see data/SOURCES.md)
    by_bydel = read.places.zone_areas(Store.of(engine), "bydel")
    laksevaag = by_bydel[by_bydel["slug"] == "loddefjord"]["zone_code"].iloc[0]
    assert set(by_bydel.loc[by_bydel["zone_code"] == laksevaag, "slug"]) >= {"loddefjord", "olsvik", "indre-laksevag"}


def test_a_zone_named_like_a_programme_area_is_told_apart():
    from omradesatsing.names import named_like_an_area

    areas = ["Loddefjord", "Solheim (nord og sør)", "Indre Laksevåg"]
    assert named_like_an_area("Loddefjord", areas)
    assert named_like_an_area("Solheim", areas)  # the area is Solheim (nord og sør)
    assert named_like_an_area("indre laksevåg", areas)
    assert not named_like_an_area("Loddefjordvegen", areas) and not named_like_an_area("Årstad", areas)
    assert not named_like_an_area("Solheim nord", areas)  # a levekårssone: its own name says it is a part
