"""Zone files for the import tests (AppTest and Chromium), made from the real delområde polygons
in data/bergen-delomraader.geojson, so nothing binary is committed."""

from __future__ import annotations

import io
import json
import zipfile

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


def many_features_geojson(n: int, names: list[str], *, vertices: int = 5, radius: float = 100, seed: int = 21) -> bytes:
    """A GeoJSON file of ``n`` small polygons (``vertices`` corners each, about 200 m across) spread over
    Bergen in UTM 32N with a "crs" member, named in turn by ``names`` (field ``navn``; ``nr`` counts
    from 1): the large, permitted file of the import's speed check (50,000 features are about 11 MB)."""
    import math
    import random

    rnd = random.Random(seed)
    features = []
    for i in range(n):
        x, y = rnd.uniform(290_000, 310_000), rnd.uniform(6_690_000, 6_710_000)
        ring = [[round(x + radius * math.cos(2 * math.pi * k / vertices), 1),
                 round(y + radius * math.sin(2 * math.pi * k / vertices), 1)] for k in range(vertices)]
        features.append({"type": "Feature", "properties": {"navn": names[i % len(names)], "nr": i + 1},
                         "geometry": {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}})
    doc = {"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25832"}},
           "features": features}
    return json.dumps(doc, separators=(",", ":")).encode("utf-8")


def zip_with(files: dict[str, bytes]) -> bytes:
    """A zip file made in memory from ``{name: content}`` (e.g. a Shapefile's parts)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, content in files.items():
            z.writestr(name, content)
    return buf.getvalue()
