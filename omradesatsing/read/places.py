"""Places: the programme areas, the zones at each level and their boundaries (GeoJSON for maps)."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
from shapely.geometry import mapping, shape
from shapely.ops import unary_union
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from omradesatsing import geo
from omradesatsing.models import (
    Area,
    AreaContact,
    AreaZone,
    BoundaryVersion,
    Publication,
    PublicationArea,
    Source,
    Zone,
)
from omradesatsing.read.store import Store, frame


def areas(store: Store) -> pd.DataFrame:
    """All programme areas, active first, with their source."""
    stmt = (
        select(Area.id, Area.slug, Area.name, Area.state, Area.start_year, Area.end_year, Area.bydel_name,
               Area.levekaarssone_names, Area.population, Area.population_illustrative, Area.description,
               Area.geometry_note, Area.coordinator, Area.note, Source.title.label("source_title"),
               Source.url.label("source_url"))
        .outerjoin(Source, Source.id == Area.source_id)
        .order_by(Area.end_year.is_not(None), Area.start_year.desc(), Area.name)
    )
    df = frame(store, stmt)
    order = {"active": 0, "preproject": 1, "ended": 2}
    if not df.empty:
        df = df.sort_values(["state", "start_year"], key=lambda s: s.map(order) if s.name == "state" else -s)
    return df.reset_index(drop=True)


def area(store: Store, slug: str) -> dict[str, Any] | None:
    df = areas(store)
    hit = df[df["slug"] == slug]
    return None if hit.empty else hit.iloc[0].to_dict()


def _in_edition(stmt, edition: str | None):
    """``stmt`` (over ``Zone``) limited to the zones of one boundary edition (its key); None: all."""
    if edition is None:
        return stmt
    return stmt.where(Zone.boundary_version_id == select(BoundaryVersion.id).where(
        BoundaryVersion.key == edition).scalar_subquery())


def zones(store: Store, level: str, edition: str | None = None) -> pd.DataFrame:
    """Zones at one level (without geometry), with their parent's name; ``edition``: of that edition only."""
    parent = aliased(Zone)
    stmt = (
        select(Zone.id, Zone.code, Zone.name, Zone.level, Zone.population, Zone.population_year,
               parent.name.label("parent_name"), Zone.note)
        .outerjoin(parent, parent.id == Zone.parent_id)
        .where(Zone.level == level)
        .order_by(Zone.code)
    )
    if level == "kommune":
        stmt = stmt.where(Zone.code == "4601")
    return frame(store, _in_edition(stmt, edition))


def levels_with_geometry(store: Store) -> list[str]:
    """Zone levels that can be drawn (some zone has geometry), Bergen itself left out."""
    stmt = select(Zone.level).where(Zone.geometry.is_not(None), Zone.level != "kommune").distinct()
    with store.engine.connect() as conn:
        return sorted(conn.execute(stmt).scalars())


def zone_features(store: Store, level: str, *, include_neighbours: bool = False, simplified: bool = True,
                  edition: str | None = None) -> dict:
    """A GeoJSON FeatureCollection of the zones at ``level`` that have geometry (simplified for maps);
    ``edition``: of that boundary edition only (two editions of a level are never drawn together)."""
    stmt = select(Zone.code, Zone.name, Zone.level, Zone.population, Zone.geometry).where(
        Zone.level == level, Zone.geometry.is_not(None)
    )
    if level == "kommune" and not include_neighbours:
        stmt = stmt.where(Zone.code == "4601")
    if level == "kommune" and include_neighbours:
        stmt = stmt.where(Zone.code != "4601")
    with store.engine.connect() as conn:
        rows = conn.execute(_in_edition(stmt, edition).order_by(Zone.code)).all()
    collection = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": r.geometry,
             "properties": {"code": r.code, "name": r.name, "level": r.level, "population": r.population}}
            for r in rows
        ],
    }
    return geo.simplify_collection(collection) if simplified else collection


def area_features(store: Store) -> dict:
    """Each area drawn with the geometry of the zone that stands in for it (see Area.geometry_note),
    or, once every levekårssone of the area has imported boundaries, with those instead."""
    stmt = (
        select(Area.slug, Area.name, Area.state, Area.start_year, Area.end_year, Area.geometry_note,
               Zone.geometry, Zone.name.label("zone_name"), AreaZone.approximate)
        .join(AreaZone, AreaZone.area_id == Area.id)
        .join(Zone, Zone.id == AreaZone.zone_id)
        .order_by(Area.name, Zone.name)
    )
    with store.engine.connect() as conn:
        rows = conn.execute(stmt).all()
    own = {}  # area -> are all its own (not approximate) zones drawable?
    for r in rows:
        if not r.approximate:
            own[r.slug] = own.get(r.slug, True) and r.geometry is not None
    rows = [r for r in rows if r.geometry is not None and (r.approximate != own.get(r.slug, False))]
    # An area's own levekårssoner are drawn as one shape (one outline, one label).
    shapes: dict[tuple, list] = {}
    for r in rows:
        shapes.setdefault((r.slug, r.approximate, r.zone_name if r.approximate else None), []).append(r)
    features = []
    for (_slug, approximate, _zone), group in shapes.items():
        r = group[0]
        if len(group) == 1:
            geometry = r.geometry
        else:  # closing (≈10 m) removes the hairlines left where neighbours were simplified apart
            joined = unary_union([shape(g.geometry) for g in group])
            geometry = mapping(joined.buffer(geo.SIMPLIFY_DEGREES).buffer(-geo.SIMPLIFY_DEGREES))
        features.append({"type": "Feature", "geometry": geometry,
                         "properties": {"slug": r.slug, "name": r.name, "state": r.state, "start_year": r.start_year,
                                        "end_year": r.end_year, "zone_name": ", ".join(g.zone_name for g in group),
                                        "note": r.geometry_note if approximate else None}})
    return geo.simplify_collection({"type": "FeatureCollection", "features": features})


def zone_areas(store: Store, level: str) -> pd.DataFrame:
    """Which programme areas lie in each zone at ``level`` (through the zones that stand in for them)."""
    parent = aliased(Zone)
    base = (select(Area.slug, Area.name.label("area_name"), Area.state)
            .join(AreaZone, AreaZone.area_id == Area.id).join(Zone, Zone.id == AreaZone.zone_id))
    direct = frame(store, base.add_columns(Zone.code.label("zone_code")).where(Zone.level == level))
    up = frame(store, base.add_columns(parent.code.label("zone_code"))
                .join(parent, parent.id == Zone.parent_id).where(parent.level == level))
    return pd.concat([direct, up], ignore_index=True).drop_duplicates(["zone_code", "slug"])


def edition_choices(store: Store, level: str, with_geometry: bool = False) -> list[tuple[str, str, int | None]]:
    """(key, name, first year) of the boundary editions with zones at ``level`` (``with_geometry``: zones that can be
    drawn), newest first (by the first year they hold, then the latest made)."""
    zones = select(Zone.boundary_version_id).where(Zone.level == level)
    if with_geometry:
        zones = zones.where(Zone.geometry.is_not(None))
    if level == "kommune":
        zones = zones.where(Zone.code == "4601")
    stmt = (select(BoundaryVersion.key, BoundaryVersion.name, BoundaryVersion.valid_from)
            .where(BoundaryVersion.id.in_(zones))
            .order_by(BoundaryVersion.valid_from.desc().nulls_last(), BoundaryVersion.id.desc()))
    with store.engine.connect() as conn:
        return [(r.key, r.name, r.valid_from) for r in conn.execute(stmt)]


def editions(store: Store, level: str) -> list[str]:
    """The boundary editions (``BoundaryVersion``) the zones at ``level`` belong to, newest first: a
    figure for a zone belongs to its zone's edition (levekårssoner 2016 and 2023 differ)."""
    return [name for _key, name, _from in edition_choices(store, level)]



PUBLICATION_COLUMNS = ["id", "title", "kind", "year_start", "year_end", "publisher", "note", "language",
                       "illustrative", "source_title"]


def publications(store: Store, slug: str | None = None) -> pd.DataFrame:
    """The programme's publications and research projects, newest first (by the first year, then the last),
    with their source. ``slug``: those about that area and the programme-wide ones (linked to no area)."""
    stmt = (select(Publication.id, Publication.title, Publication.kind, Publication.year_start, Publication.year_end,
                   Publication.publisher, Publication.note, Publication.language, Publication.illustrative,
                   Source.title.label("source_title"))
            .join(Source, Source.id == Publication.source_id)
            .order_by(Publication.year_start.desc(),
                      func.coalesce(Publication.year_end, Publication.year_start).desc(), Publication.title))
    if slug is not None:
        linked = select(PublicationArea.publication_id)
        mine = linked.join(Area, Area.id == PublicationArea.area_id).where(Area.slug == slug)
        stmt = stmt.where(Publication.id.in_(mine) | Publication.id.not_in(linked))
    df = frame(store, stmt).reindex(columns=PUBLICATION_COLUMNS)
    df["year_end"] = df["year_end"].astype("Int64")  # a single year: <NA>, not 2024.0
    return df


def contacts(store: Store, slug: str) -> pd.DataFrame:
    """Where to meet the programme in an area (role, local office, address, e-mail, phone, opening hours),
    with the source and whether the details are examples; empty for an area without a local office."""
    stmt = (select(AreaContact.role, AreaContact.office, AreaContact.address, AreaContact.email, AreaContact.phone,
                   AreaContact.opening_hours, AreaContact.illustrative, Source.title.label("source_title"))
            .join(Area, Area.id == AreaContact.area_id)
            .join(Source, Source.id == AreaContact.source_id)
            .where(Area.slug == slug)
            .order_by(AreaContact.id))
    return frame(store, stmt)


MAP_WIDTH = 320  # px of the SVG frame (it scales to its container)
MAP_ASPECT = 0.75  # height / width at most


def area_map(store: Store, slug: str, width: int = MAP_WIDTH) -> dict[str, Any] | None:
    """A small static map of one area for Område, as SVG paths: the area drawn as ``area_features`` draws it
    (its own levekårssoner once their boundaries are imported, else the delområde standing in for it, with
    the note saying so) over the delområder around it, framed on the area with a margin. None when the area
    has nothing to draw. Returns ``width``, ``height``, ``area`` (paths), ``context`` (paths), ``label``
    (x, y), ``zone_names`` and ``note``."""
    mine = [f for f in area_features(store)["features"] if f["properties"]["slug"] == slug]
    if not mine:
        return None
    own = {"type": "FeatureCollection", "features": mine}
    x0, y0, x1, y1 = geo.bounds(own)
    mx, my = max((x1 - x0) * 0.35, 0.004), max((y1 - y0) * 0.35, 0.002)
    x0, y0, x1, y1 = float(x0 - mx), float(y0 - my), float(x1 + mx), float(y1 + my)
    # A landscape frame (at most 3 high to 4 wide), so the map stays short on a phone: widen it east–west.
    kx = math.cos(math.radians((y0 + y1) / 2))
    need = (y1 - y0) / MAP_ASPECT / kx
    if x1 - x0 < need:
        grow = (need - (x1 - x0)) / 2
        x0, x1 = x0 - grow, x1 + grow
    box = (x0, y0, x1, y1)
    around = zone_features(store, "delomraade")
    area_paths, height = geo.svg_paths(own, box, width)
    context_paths, _ = geo.svg_paths(around, box, width)
    label = tuple(float(v) for v in geo.svg_point(*geo.label_point(mine[0]["geometry"]), box, width))
    notes = [f["properties"]["note"] for f in mine if f["properties"].get("note")]
    return {"width": width, "height": float(height), "area": [p for p in area_paths if p],
            "context": [p for p in context_paths if p], "label": label,
            "zone_names": [f["properties"]["zone_name"] for f in mine], "note": notes[0] if notes else None}
