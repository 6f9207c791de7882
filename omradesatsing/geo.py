"""Geometry for maps: simplified GeoJSON, label points, the view that fits Bergen, basemaps.

No Streamlit here. Geometry is stored as GeoJSON in WGS 84 (EPSG:4326); importers reproject
(UTM 32N, EPSG:25832, is what Norwegian municipalities usually deliver).
"""

from __future__ import annotations

import json
import math
import urllib.parse
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import mapping, shape

# About 10 m at Bergen's latitude: invisible at city zoom, a tenth of the vertices for detailed zones.
SIMPLIFY_DEGREES = 0.0001
COORD_DECIMALS = 5  # about 1 m
DECK_TILE_PX = 512  # deck.gl's world is 512 × 2^zoom pixels wide


# A multipolygon with more parts than this is simplified part by part: GEOS's topology-preserving
# simplification of one geometry grows much faster than linearly with its parts (3,000 parts: under
# a second; 50,000 tiny parts: 97 s here). Real zones have a few parts (islands), which keep the
# whole-geometry simplification (parts more than 10 m apart cannot touch either way).
PER_PART_FROM = 200


def _simplified(geoms: list, tolerance: float):
    """The geometries simplified and rounded, as a numpy array (an element may be empty)."""
    arr = np.empty(len(geoms), dtype=object)
    arr[:] = geoms
    many = np.array([g is not None and g.geom_type == "MultiPolygon" and shapely.get_num_geometries(g) > PER_PART_FROM
                     for g in geoms], dtype=bool)
    simple = np.empty(len(geoms), dtype=object)
    if (~many).any():
        simple[~many] = shapely.simplify(arr[~many], tolerance, preserve_topology=True)
    for i in np.flatnonzero(many):
        parts = shapely.simplify(shapely.get_parts(arr[i]), tolerance, preserve_topology=True)
        parts = parts[~shapely.is_empty(parts)]
        multi = shapely.multipolygons(parts)
        # parts closer than the tolerance can come to overlap: join them (what the whole-geometry
        # simplification avoids by not moving them so far)
        simple[i] = multi if multi.is_valid else shapely.union_all(parts)
    try:
        return shapely.set_precision(simple, 10 ** -COORD_DECIMALS)
    except shapely.errors.GEOSException:  # an invalid geometry among them (rounding needs valid input)
        return np.array([_rounded(g) for g in simple], dtype=object)


def _rounded(geom):
    try:
        return shapely.set_precision(geom, 10 ** -COORD_DECIMALS)
    except shapely.errors.GEOSException:
        return shapely.set_precision(shapely.make_valid(geom), 10 ** -COORD_DECIMALS)


def simplify_geometries(geoms, tolerance: float = SIMPLIFY_DEGREES) -> list:
    """Shapely geometries simplified (topology kept) and rounded to ``COORD_DECIMALS``, vectorised;
    a geometry that simplifies to nothing is kept as it was."""
    geoms = list(geoms)
    simple = _simplified(geoms, tolerance)
    return [g if s is None or s.is_empty else s for g, s in zip(geoms, simple, strict=True)]


def simplify_collection(collection: dict, tolerance: float = SIMPLIFY_DEGREES) -> dict:
    """A copy of a FeatureCollection with simplified geometry (topology kept) and rounded coordinates."""
    source = collection["features"]
    with_geometry = [i for i, f in enumerate(source) if f.get("geometry")]
    simple = _simplified([shape(source[i]["geometry"]) for i in with_geometry], tolerance)
    geometry = {i: f.get("geometry") for i, f in enumerate(source)}
    for i, geom in zip(with_geometry, simple, strict=True):
        if not geom.is_empty:
            geometry[i] = mapping(geom)
    features = [{"type": "Feature", "geometry": geometry[i], "properties": dict(f.get("properties", {}))}
                for i, f in enumerate(source)]
    return {"type": "FeatureCollection", "features": features}


def label_point(geometry: dict) -> list[float]:
    """A point inside the geometry (not the centroid, which can fall in the sea)."""
    p = shape(geometry).representative_point()
    return [round(p.x, COORD_DECIMALS), round(p.y, COORD_DECIMALS)]


def bounds(collection: dict) -> tuple[float, float, float, float]:
    geoms = [shape(f["geometry"]) for f in collection["features"] if f.get("geometry")]
    if not geoms:
        return (5.15, 60.25, 5.55, 60.55)  # Bergen
    return tuple(shapely.total_bounds(geoms))


def _mercator_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def fit_view(box: tuple[float, float, float, float], width_px: int = 800, height_px: int = 560,
             padding: float = 0.06) -> dict:
    """Latitude, longitude and zoom that show ``box`` (minx, miny, maxx, maxy) in a map of that size."""
    minx, miny, maxx, maxy = box
    lon_span = max(maxx - minx, 1e-6) * (1 + 2 * padding)
    y_span = max(_mercator_y(maxy) - _mercator_y(miny), 1e-6) * (1 + 2 * padding)
    zoom_x = math.log2(width_px * 360 / (lon_span * DECK_TILE_PX))
    zoom_y = math.log2(height_px * 2 * math.pi / (y_span * DECK_TILE_PX))
    mid_y = (_mercator_y(maxy) + _mercator_y(miny)) / 2
    lat = math.degrees(2 * math.atan(math.exp(mid_y)) - math.pi / 2)
    return {"latitude": round(lat, 5), "longitude": round((minx + maxx) / 2, 5),
            "zoom": round(min(zoom_x, zoom_y), 2)}


@dataclass(frozen=True)
class Basemap:
    """An online raster basemap: tile URL template and the attribution its licence asks for."""

    key: str
    tiles: str
    attribution: str
    licence: str


# Online basemaps are opt-in (setting ``map.basemap`` or the choice on Kart). The default is none:
# polygons on a plain background, no request outside the app's own server.
BASEMAPS: dict[str, Basemap] = {
    "kartverket_grey": Basemap(
        "kartverket_grey",
        "https://cache.kartverket.no/v1/wmts/1.0.0/topograatone/default/webmercator/{z}/{y}/{x}.png",
        "© Kartverket", "CC BY 4.0"),
    "kartverket": Basemap(
        "kartverket",
        "https://cache.kartverket.no/v1/wmts/1.0.0/topo/default/webmercator/{z}/{y}/{x}.png",
        "© Kartverket", "CC BY 4.0"),
    "osm": Basemap(
        "osm", "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "© OpenStreetMap-bidragsytere", "ODbL 1.0"),
}
BASEMAP_CHOICES = ("none", *BASEMAPS)


def basemap_style_url(key: str) -> str | None:
    """A MapLibre style for the basemap as a ``data:`` URL (no style file to host), or None for none.

    Streamlit's deck.gl element takes a style URL string only; MapLibre shows the source's
    attribution in the map's corner.
    """
    base = BASEMAPS.get(key)
    if base is None:
        return None
    style = {
        "version": 8,
        "sources": {base.key: {"type": "raster", "tiles": [base.tiles], "tileSize": 256,
                               "attribution": base.attribution, "maxzoom": 18}},
        "layers": [{"id": base.key, "type": "raster", "source": base.key}],
    }
    return "data:application/json;charset=utf-8," + urllib.parse.quote(json.dumps(style))


def project(lon: float, lat: float, zoom: float) -> tuple[float, float]:
    """Web Mercator pixel coordinates at ``zoom`` (deck.gl's 512-pixel world)."""
    size = DECK_TILE_PX * 2 ** zoom
    return (lon + 180) / 360 * size, (1 - _mercator_y(lat) / math.pi) / 2 * size


def place_labels(labels: list[dict], zoom: float, font_px: float = 17) -> list[dict]:
    """Give each label a pixel offset so that no two overlap at ``zoom`` (greedy, west to east).

    ``labels`` are ``{"position": [lon, lat], "name": str}``; each gets ``offset`` = [dx, dy].
    Offsets are in screen pixels, so labels only move further apart when the user zooms in.
    """
    height = font_px * 1.5
    gap = 6
    placed: list[tuple[float, float, float, float]] = []
    out = []
    for label in sorted(labels, key=lambda lb: (lb["position"][0], -lb["position"][1])):
        x, y = project(*label["position"], zoom)
        width = len(label["name"]) * font_px * 0.56 + 10
        step = height + gap
        candidates = [(0, 0), (0, -step), (0, step), (width / 2 + 14, 0), (-(width / 2 + 14), 0),
                      (0, -2 * step), (0, 2 * step), (width / 2 + 14, -step), (-(width / 2 + 14), step),
                      (0, -3 * step), (0, 3 * step)]

        def box(dx, dy, x=x, y=y, width=width):
            return (x + dx - width / 2, y + dy - height / 2, x + dx + width / 2, y + dy + height / 2)

        def overlap(b):
            return sum(max(0, min(b[2], p[2]) - max(b[0], p[0])) * max(0, min(b[3], p[3]) - max(b[1], p[1]))
                       for p in placed)

        best = min(candidates, key=lambda c: (overlap(box(*c)) > 0, overlap(box(*c)), candidates.index(c)))
        placed.append(box(*best))
        out.append({**label, "offset": [round(best[0]), round(best[1])]})
    return out


def svg_paths(collection: dict, box: tuple[float, float, float, float], width: float) -> tuple[list[str], float]:
    """Each feature of ``collection`` as an SVG path (``d``), projected into a ``width`` px wide frame of
    ``box`` (lon/lat; east–west scaled by the cosine of the middle latitude, true enough for a part of a
    city), and the frame's height. Coordinates are rounded to 0.1 px; a ring is closed with ``Z``."""
    x0, y0, x1, y1 = box
    kx = math.cos(math.radians((y0 + y1) / 2))
    scale = width / max((x1 - x0) * kx, 1e-9)
    height = round((y1 - y0) * scale, 1)

    def ring(coords) -> str:
        pts = [f"{round((lon - x0) * kx * scale, 1):g} {round((y1 - lat) * scale, 1):g}" for lon, lat, *_ in coords]
        return "M" + "L".join(pts) + "Z"

    paths = []
    for f in collection["features"]:
        g = f.get("geometry")
        if not g:
            paths.append("")
            continue
        polygons = g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
        paths.append("".join(ring(r) for poly in polygons for r in poly))
    return paths, height


def svg_point(lon: float, lat: float, box: tuple[float, float, float, float], width: float) -> tuple[float, float]:
    """A point in the frame of ``svg_paths``."""
    x0, y0, x1, y1 = box
    kx = math.cos(math.radians((y0 + y1) / 2))
    scale = width / max((x1 - x0) * kx, 1e-9)
    return round((lon - x0) * kx * scale, 1), round((y1 - lat) * scale, 1)
