"""Zone files for the import tests (AppTest and Chromium), made from the real delområde polygons
in data/bergen-delomraader.geojson, so nothing binary is committed."""

from __future__ import annotations

import json

import geopandas as gpd
from shapely.geometry import box, shape
from shapely.ops import unary_union

from omradesatsing import config


def _halves(geom):
    """A polygon cut into a west and an east half (two zones in one delområde)."""
    minx, miny, maxx, maxy = geom.bounds
    mid = (minx + maxx) / 2
    return geom.intersection(box(minx, miny, mid, maxy)), geom.intersection(box(mid, miny, maxx, maxy))


def levekaarssoner_geojson() -> bytes:
    """Five of the seed's levekårssoner (and one unknown zone) in UTM 32N, with a "crs" member
    naming EPSG:25832, as municipalities deliver them. Fields: ``sonenavn``, ``sonenr``."""
    doc = json.loads((config.DATA_DIR / "bergen-delomraader.geojson").read_text(encoding="utf-8"))
    pieces: dict[str, list] = {}
    for f in doc["features"]:
        pieces.setdefault(f["properties"]["delomraade_name"], []).append(shape(f["geometry"]))
    geom = {name: unary_union(parts).buffer(0) for name, parts in pieces.items()}
    olsvik, loddefjord = _halves(geom["Loddefjord"])
    nord, sor = _halves(geom["Solheim"])
    frame = gpd.GeoDataFrame(
        {"sonenavn": ["Loddefjord", "Olsvik", "Solheim nord", "Solheim sør", "Ytre Arna", "Atlantis"],
         "sonenr": [1, 2, 3, 4, 5, 6]},
        geometry=[loddefjord, olsvik, nord, sor, geom["Ytre Arna"], geom["Fana"]], crs="EPSG:4326").to_crs(25832)
    return frame.to_json(to_wgs84=False).encode("utf-8")
