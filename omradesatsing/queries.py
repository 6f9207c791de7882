"""The read side: functions that take an Engine and return DataFrames or plain dicts.

Suppression (``privacy.suppress``) is applied here, so no page can receive a hidden value.
Every indicator row carries its source, period and the *illustrative* flag.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from shapely.geometry import mapping, shape
from shapely.ops import unary_union
from sqlalchemy import Engine, Integer, and_, func, select
from sqlalchemy.orm import aliased

from omradesatsing import config, geo, money, privacy, profiles, programme
from omradesatsing.models import (
    Area,
    AreaZone,
    Grant,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Investment,
    Measure,
    MeasureArea,
    MeasureIndicator,
    Milestone,
    ParticipationActivity,
    Pillar,
    ReportSnapshot,
    SnapshotItem,
    Source,
    StatusUpdate,
    Subprogramme,
    Zone,
)


def _frame(engine: Engine, stmt) -> pd.DataFrame:
    with engine.connect() as conn:
        result = conn.execute(stmt)
        # Plain tuples: pandas probes SQLAlchemy Row objects for namedtuple fields, which costs
        # about 4 µs a row (0.8 s for 200,000 rows) and gains nothing.
        return pd.DataFrame([tuple(row) for row in result.fetchall()], columns=list(result.keys()))


# ---------------------------------------------------------------------------------------------
# Areas and geography
# ---------------------------------------------------------------------------------------------


def areas(engine: Engine) -> pd.DataFrame:
    """All programme areas, active first, with their source."""
    stmt = (
        select(Area.id, Area.slug, Area.name, Area.state, Area.start_year, Area.end_year, Area.bydel_name,
               Area.levekaarssone_names, Area.population, Area.population_illustrative, Area.description,
               Area.geometry_note, Area.coordinator, Area.note, Source.title.label("source_title"),
               Source.url.label("source_url"))
        .outerjoin(Source, Source.id == Area.source_id)
        .order_by(Area.end_year.is_not(None), Area.start_year.desc(), Area.name)
    )
    df = _frame(engine, stmt)
    order = {"active": 0, "preproject": 1, "ended": 2}
    if not df.empty:
        df = df.sort_values(["state", "start_year"], key=lambda s: s.map(order) if s.name == "state" else -s)
    return df.reset_index(drop=True)


def area(engine: Engine, slug: str) -> dict[str, Any] | None:
    df = areas(engine)
    hit = df[df["slug"] == slug]
    return None if hit.empty else hit.iloc[0].to_dict()


def area_zones(engine: Engine, slug: str) -> pd.DataFrame:
    stmt = (
        select(Zone.level, Zone.code, Zone.name, Zone.population, AreaZone.approximate, AreaZone.note)
        .join(AreaZone, AreaZone.zone_id == Zone.id)
        .join(Area, Area.id == AreaZone.area_id)
        .where(Area.slug == slug)
        .order_by(Zone.level, Zone.name)
    )
    return _frame(engine, stmt)


def zones(engine: Engine, level: str) -> pd.DataFrame:
    """Zones at one level (without geometry), with their parent's name."""
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
    return _frame(engine, stmt)


def levels_with_geometry(engine: Engine) -> list[str]:
    """Zone levels that can be drawn (some zone has geometry), Bergen itself left out."""
    stmt = select(Zone.level).where(Zone.geometry.is_not(None), Zone.level != "kommune").distinct()
    with engine.connect() as conn:
        return sorted(conn.execute(stmt).scalars())


def value_levels(engine: Engine) -> list[str]:
    """Zone levels with indicator values: stored at the level, or summed up from the level below."""
    has_value = select(IndicatorValue.id).where(IndicatorValue.zone_id == Zone.id).exists()
    with engine.connect() as conn:
        stored = set(conn.execute(select(Zone.level).where(has_value).distinct()).scalars())
    derived = {parent for parent, child in CHILD_LEVEL.items() if child in stored}
    return sorted(stored | derived)


def zone_features(engine: Engine, level: str, *, include_neighbours: bool = False, simplified: bool = True) -> dict:
    """A GeoJSON FeatureCollection of the zones at ``level`` that have geometry (simplified for maps)."""
    stmt = select(Zone.code, Zone.name, Zone.level, Zone.population, Zone.geometry).where(
        Zone.level == level, Zone.geometry.is_not(None)
    )
    if level == "kommune" and not include_neighbours:
        stmt = stmt.where(Zone.code == "4601")
    if level == "kommune" and include_neighbours:
        stmt = stmt.where(Zone.code != "4601")
    with engine.connect() as conn:
        rows = conn.execute(stmt.order_by(Zone.code)).all()
    collection = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": r.geometry,
             "properties": {"code": r.code, "name": r.name, "level": r.level, "population": r.population}}
            for r in rows
        ],
    }
    return geo.simplify_collection(collection) if simplified else collection


def area_features(engine: Engine) -> dict:
    """Each area drawn with the geometry of the zone that stands in for it (see Area.geometry_note),
    or, once every levekårssone of the area has imported boundaries, with those instead."""
    stmt = (
        select(Area.slug, Area.name, Area.state, Area.start_year, Area.end_year, Area.geometry_note,
               Zone.geometry, Zone.name.label("zone_name"), AreaZone.approximate)
        .join(AreaZone, AreaZone.area_id == Area.id)
        .join(Zone, Zone.id == AreaZone.zone_id)
        .order_by(Area.name, Zone.name)
    )
    with engine.connect() as conn:
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


# ---------------------------------------------------------------------------------------------
# Indicators
# ---------------------------------------------------------------------------------------------


def indicators(engine: Engine) -> pd.DataFrame:
    stmt = select(
        Indicator.id, Indicator.key, Indicator.name_nb, Indicator.name_nn, Indicator.name_en,
        Indicator.definition_nb, Indicator.definition_nn, Indicator.definition_en, Indicator.why_nb,
        Indicator.why_nn, Indicator.why_en, Indicator.unit, Indicator.decimals, Indicator.higher_is_better,
        Indicator.topic,
    ).order_by(Indicator.topic, Indicator.key)
    return _frame(engine, stmt)


# Zones with the same parent are a partition of it: secondary suppression works per parent, so a
# hidden grunnkrets cannot be recovered as its delområde's total minus its visible siblings.
ParentZone = aliased(Zone)
SIBLING_GROUPS = ("indicator", "scope", "zone_level", "parent_code", "year")

VALUE_COLUMNS = ("indicator", "unit", "scope", "area_slug", "area_name", "zone_level", "zone_code", "zone_name",
                 "parent_code", "year", "period", "value", "value_text", "numerator", "denominator", "ci_low",
                 "ci_high", "suppressed", "illustrative", "source_title", "source_url", "licence")


def _lookup(engine: Engine, *columns) -> pd.DataFrame:
    return _frame(engine, select(*columns))


def indicator_values(
    engine: Engine,
    indicator: str | None,
    *,
    scopes: tuple[str, ...] = ("zone", "area", "city", "country"),
    zone_level: str | None = None,
    area_slugs: tuple[str, ...] | None = None,
    year: int | None = None,
    threshold: int | None = None,
) -> pd.DataFrame:
    """Values of one indicator (``None``: all), with small numbers suppressed (never returned).

    The value rows are read with only the zone joins (needed for the level and the parent); the
    indicator, area and source names come from small lookups, which halves the time for the
    100,000-row reads of a large store.
    """
    threshold = threshold or config.suppression_threshold()
    stmt = (
        select(IndicatorValue.indicator_id, IndicatorValue.source_id, IndicatorValue.area_id, IndicatorValue.scope,
               Zone.level.label("zone_level"), Zone.code.label("zone_code"), Zone.name.label("zone_name"),
               ParentZone.code.label("parent_code"), IndicatorValue.year, IndicatorValue.period,
               IndicatorValue.value, IndicatorValue.value_text, IndicatorValue.numerator, IndicatorValue.denominator,
               IndicatorValue.ci_low, IndicatorValue.ci_high, IndicatorValue.suppressed, IndicatorValue.illustrative)
        .outerjoin(Zone, Zone.id == IndicatorValue.zone_id)
        .outerjoin(ParentZone, ParentZone.id == Zone.parent_id)
        .where(IndicatorValue.scope.in_(scopes))
        .order_by(IndicatorValue.scope, IndicatorValue.year)
    )
    if indicator is not None:
        stmt = stmt.where(IndicatorValue.indicator_id
                          == select(Indicator.id).where(Indicator.key == indicator).scalar_subquery())
    if zone_level:
        stmt = stmt.where((IndicatorValue.scope != "zone") | (Zone.level == zone_level))
    if area_slugs is not None:
        stmt = stmt.where((IndicatorValue.scope != "area")
                          | IndicatorValue.area_id.in_(select(Area.id).where(Area.slug.in_(area_slugs))))
    if year is not None:
        stmt = stmt.where(IndicatorValue.year == year)
    raw = _frame(engine, stmt)
    inds = _lookup(engine, Indicator.id.label("indicator_id"), Indicator.key.label("indicator"), Indicator.unit)
    srcs = _lookup(engine, Source.id.label("source_id"), Source.title.label("source_title"),
                   Source.url.label("source_url"), Source.licence.label("licence"))
    ars = _lookup(engine, Area.id.label("area_id"), Area.slug.label("area_slug"), Area.name.label("area_name"))
    raw["area_id"] = raw["area_id"].astype("Int64")
    ars["area_id"] = ars["area_id"].astype("Int64")
    df = (raw.merge(inds, on="indicator_id", how="left").merge(srcs, on="source_id", how="left")
          .merge(ars, on="area_id", how="left"))
    df = df[list(VALUE_COLUMNS)]
    # Zones with one parent partition it, so a hidden zone needs a hidden sibling. Areas, the city
    # and the country are no such partition: primary suppression only, so a value never depends
    # on which other areas were asked for.
    zone = df["scope"] == "zone"
    parts = [privacy.suppress(df[zone], threshold, sibling_groups=list(SIBLING_GROUPS)),
             privacy.suppress(df[~zone], threshold)]
    parts = [p for p in parts if not p.empty]
    return pd.concat(parts).sort_index() if len(parts) > 1 else (parts[0] if parts else privacy.suppress(df, threshold))


# The level whose zones partition each zone of a level: counts there can be summed up to it.
CHILD_LEVEL = {"bydel": "delomraade", "delomraade": "grunnkrets"}
# Units that are a ratio of counts, so a sum of numerators over a sum of denominators is exact.
RATIO_SCALE = {"percent": 100.0, "per_1000": 1000.0}
ZONE_VALUE_COLUMNS = ("indicator", "unit", "zone_code", "zone_name", "year", "period", "value", "numerator",
                      "denominator", "ci_low", "ci_high", "suppressed", "illustrative", "source_title", "licence",
                      "derived")


def _derived_values(engine: Engine, level: str, year: int, indicator: str | None) -> pd.DataFrame:
    """Values for the zones at ``level`` summed from the zones one level down, where that is exact.

    A zone gets a value only when every zone below it has visible counts; when one of them is
    suppressed, the sum is suppressed too (otherwise the hidden one could be worked out).
    """
    child = CHILD_LEVEL.get(level)
    if child is None:
        return pd.DataFrame(columns=list(ZONE_VALUE_COLUMNS))
    kids = indicator_values(engine, indicator, scopes=("zone",), zone_level=child, year=year)
    if kids.empty:
        return pd.DataFrame(columns=list(ZONE_VALUE_COLUMNS))
    parent = aliased(Zone)
    sizes = _frame(engine, select(parent.code.label("parent_code"), parent.name.label("parent_name"),
                                  func.count(Zone.id).label("children"))
                   .join(Zone, Zone.parent_id == parent.id)
                   .where(parent.level == level, Zone.level == child)
                   .group_by(parent.code, parent.name))
    kids = kids.merge(sizes, on="parent_code")
    kids["visible"] = kids["numerator"].notna() & kids["denominator"].notna() & ~kids["suppressed"]
    kids["numerator"] = pd.to_numeric(kids["numerator"], errors="coerce").astype("Float64")
    kids["denominator"] = pd.to_numeric(kids["denominator"], errors="coerce").astype("Float64")
    grouped = kids.groupby(["indicator", "parent_code"], sort=False).agg(
        unit=("unit", "first"), zone_name=("parent_name", "first"), children=("children", "first"),
        rows=("zone_code", "size"), visible=("visible", "sum"), any_suppressed=("suppressed", "any"),
        numerator=("numerator", "sum"), denominator=("denominator", "sum"),
        illustrative=("illustrative", "any"), period=("period", "first"), source_title=("source_title", "first"),
        licence=("licence", "first"),
    ).reset_index()
    complete = (grouped["visible"] == grouped["children"]) & grouped["unit"].isin(list(RATIO_SCALE))
    scale = grouped["unit"].map(RATIO_SCALE).astype("Float64")
    grouped["value"] = (scale * grouped["numerator"] / grouped["denominator"]).where(complete)
    grouped.loc[~complete, ["numerator", "denominator"]] = None
    grouped["suppressed"] = grouped["any_suppressed"] & ~complete
    grouped = grouped[complete | grouped["suppressed"]]
    grouped = grouped.rename(columns={"parent_code": "zone_code"}).assign(
        year=year, ci_low=None, ci_high=None, derived=True)
    return grouped[list(ZONE_VALUE_COLUMNS)]


def zone_values(engine: Engine, level: str, year: int, indicator: str | None = None) -> pd.DataFrame:
    """One row per indicator and zone at ``level`` with a value (or a suppression) for ``year``.

    Stored values come first; an indicator with none at this level gets values summed from the
    level below (``derived``). Suppression has been applied to both.
    """
    stored = indicator_values(engine, indicator, scopes=("zone",), zone_level=level, year=year)
    stored = stored.assign(derived=False)[list(ZONE_VALUE_COLUMNS)]
    if indicator is not None and not stored.empty:
        return stored  # nothing to sum up: don't read the level below
    derived = _derived_values(engine, level, year, indicator)
    derived = derived[~derived["indicator"].isin(set(stored["indicator"]))]
    frames = [f for f in (stored, derived) if not f.empty]
    if not frames:
        return pd.DataFrame(columns=list(ZONE_VALUE_COLUMNS))
    return pd.concat(frames, ignore_index=True)


def zone_years(engine: Engine, indicator: str, level: str) -> list[int]:
    """Years with values of ``indicator`` at ``level`` (or at the level below, summed up), newest last."""
    levels = [lv for lv in (level, CHILD_LEVEL.get(level)) if lv]
    stmt = (
        select(IndicatorValue.year, Zone.level)
        .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
        .join(Zone, Zone.id == IndicatorValue.zone_id)
        .where(Indicator.key == indicator, IndicatorValue.scope == "zone", Zone.level.in_(levels))
        .distinct()
    )
    df = _frame(engine, stmt)
    for lv in levels:
        years = sorted(int(y) for y in df.loc[df["level"] == lv, "year"])
        if years:
            return years
    return []


def zone_map_values(engine: Engine, indicator: str, level: str, year: int) -> pd.DataFrame:
    """Every zone at ``level`` with the indicator's value for ``year`` (missing = no data)."""
    zs = zones(engine, level)[["code", "name", "parent_name"]].rename(columns={"code": "zone_code"})
    vals = zone_values(engine, level, year, indicator).drop(columns=["zone_name"])
    out = zs.merge(vals, on="zone_code", how="left")
    out["suppressed"] = out["suppressed"].fillna(False).astype(bool)
    out["illustrative"] = out["illustrative"].fillna(False).astype(bool)
    out["derived"] = out["derived"].fillna(False).astype(bool)
    return out.rename(columns={"name": "zone_name"})


def city_values(engine: Engine, year: int) -> pd.DataFrame:
    """Bergen's value of every indicator for ``year``."""
    return indicator_values(engine, None, scopes=("city",), year=year)


def zone_profile(engine: Engine, level: str, code: str, year: int, lang: str = "nb") -> pd.DataFrame:
    """For one zone: every indicator's value in ``year`` against Bergen's value that year."""
    return build_zone_profile(indicators(engine), zone_values(engine, level, year), city_values(engine, year),
                              code, year, lang)


def build_zone_profile(meta: pd.DataFrame, values: pd.DataFrame, city: pd.DataFrame, code: str, year: int,
                       lang: str = "nb") -> pd.DataFrame:
    """``zone_profile`` from frames already read (so a page can reuse one read for every zone)."""
    mine = values[values["zone_code"] == code].set_index("indicator")
    city = city.set_index("indicator")
    rows = []
    for ind in meta.itertuples():
        if ind.key not in mine.index:
            continue
        r = mine.loc[ind.key]
        c = city.loc[ind.key] if ind.key in city.index else None
        rows.append({
            "indicator": ind.key, "name": getattr(ind, f"name_{lang}"), "unit": ind.unit,
            "decimals": ind.decimals, "higher_is_better": ind.higher_is_better, "year": year,
            "period": r["period"], "value": r["value"], "suppressed": bool(r["suppressed"]),
            "illustrative": bool(r["illustrative"]), "derived": bool(r["derived"]),
            "source_title": r["source_title"],
            "city_value": None if c is None else c["value"],
            "city_illustrative": None if c is None else bool(c["illustrative"]),
        })
    return pd.DataFrame(rows)


def zone_areas(engine: Engine, level: str) -> pd.DataFrame:
    """Which programme areas lie in each zone at ``level`` (through the zones that stand in for them)."""
    parent = aliased(Zone)
    base = (select(Area.slug, Area.name.label("area_name"), Area.state)
            .join(AreaZone, AreaZone.area_id == Area.id).join(Zone, Zone.id == AreaZone.zone_id))
    direct = _frame(engine, base.add_columns(Zone.code.label("zone_code")).where(Zone.level == level))
    up = _frame(engine, base.add_columns(parent.code.label("zone_code"))
                .join(parent, parent.id == Zone.parent_id).where(parent.level == level))
    return pd.concat([direct, up], ignore_index=True).drop_duplicates(["zone_code", "slug"])


def area_trend(engine: Engine, indicator: str, area_slugs: tuple[str, ...]) -> pd.DataFrame:
    """The indicator over the years for the given areas, with the Bergen (and Norway) reference."""
    return indicator_values(engine, indicator, scopes=("area", "city", "country"), area_slugs=area_slugs)


def _start_years(engine: Engine) -> dict[str, int]:
    return dict(_frame(engine, select(Area.slug, Area.start_year)).itertuples(index=False, name=None))


def indicator_gaps(engine: Engine, indicator: str, area_slugs: tuple[str, ...]) -> pd.DataFrame:
    """Gap rows (``profiles.gap_row``) for one indicator in the given areas, in their order."""
    values = indicator_values(engine, indicator, scopes=("area", "city"), area_slugs=area_slugs)
    out = profiles.gap_table(values, indicators(engine), _start_years(engine), by="area")
    order = {slug: i for i, slug in enumerate(area_slugs)}
    return out.sort_values("area_slug", key=lambda s: s.map(order)).reset_index(drop=True)


def area_gaps(engine: Engine, slug: str, lang: str = "nb") -> pd.DataFrame:
    """For one area: a gap row per indicator (its latest period), with the indicator's name."""
    meta = indicators(engine)
    values = indicator_values(engine, None, scopes=("area", "city"), area_slugs=(slug,))
    gaps = profiles.gap_table(values, meta, _start_years(engine), by="indicator")
    gaps.insert(3, "name", gaps["indicator"].map(meta.set_index("key")[f"name_{lang}"]))
    return gaps


def zone_ranges(engine: Engine, level: str, year: int) -> pd.DataFrame:
    """Range of every indicator over the zones at ``level`` in ``year`` (visible values only)."""
    return profiles.zone_ranges(zone_values(engine, level, year))


def area_overview(engine: Engine, slug: str, level: str = "delomraade", lang: str = "nb") -> pd.DataFrame:
    """``area_gaps`` with the range over all zones at ``level`` in each row's year and spine chart
    positions (the area profile). Everything is read suppressed."""
    gaps = area_gaps(engine, slug, lang)
    if gaps.empty:
        return profiles.with_zone_ranges(gaps, pd.DataFrame(columns=list(profiles.RANGE_COLUMNS)))
    ranges = pd.concat([zone_ranges(engine, level, int(y)) for y in sorted(gaps["year"].unique())],
                       ignore_index=True)
    return profiles.with_zone_ranges(gaps, ranges)


def indicator_info(engine: Engine, indicator: str) -> dict[str, Any] | None:
    """An indicator's metadata with what its values rest on: sources (with licence and whether
    illustrative), the years covered and when the values were last written to the store."""
    meta = _frame(engine, select(*Indicator.__table__.columns).where(Indicator.key == indicator))
    if meta.empty:
        return None
    info = meta.iloc[0].to_dict()
    stmt = (
        select(Source.title, Source.publisher, Source.url, Source.licence, Source.illustrative,
               func.min(IndicatorValue.year).label("first_year"), func.max(IndicatorValue.year).label("last_year"),
               func.count().label("values"))
        .join(Source, Source.id == IndicatorValue.source_id)
        .where(IndicatorValue.indicator_id == info["id"])
        .group_by(Source.title, Source.publisher, Source.url, Source.licence, Source.illustrative)
        .order_by(Source.illustrative, func.max(IndicatorValue.year).desc())
    )
    info["sources"] = _frame(engine, stmt)
    years = info["sources"]
    info["first_year"] = int(years["first_year"].min()) if not years.empty else None
    info["last_year"] = int(years["last_year"].max()) if not years.empty else None
    info["any_illustrative"] = bool(years["illustrative"].any()) if not years.empty else False
    return info


def indicator_measures(engine: Engine, indicator: str, area_slugs: tuple[str, ...]) -> pd.DataFrame:
    """Measures aimed at ``indicator`` in any of the areas, with start date and the areas, by start."""
    stmt = (
        select(Measure.id, Measure.name, Measure.start_date, Measure.end_date, Measure.illustrative,
               Area.slug.label("area_slug"), Area.name.label("area_name"))
        .join(MeasureIndicator, MeasureIndicator.measure_id == Measure.id)
        .join(Indicator, Indicator.id == MeasureIndicator.indicator_id)
        .join(MeasureArea, MeasureArea.measure_id == Measure.id)
        .join(Area, Area.id == MeasureArea.area_id)
        .where(Indicator.key == indicator, Area.slug.in_(area_slugs))
        .order_by(Measure.start_date, Measure.id)
    )
    df = _frame(engine, stmt)
    if df.empty:
        return pd.DataFrame(columns=["id", "name", "start_date", "end_date", "illustrative", "areas"])
    return (df.groupby(["id", "name", "start_date", "end_date", "illustrative"], sort=False)["area_name"]
            .agg(lambda s: ", ".join(s)).reset_index().rename(columns={"area_name": "areas"}))


def targets(engine: Engine, indicator: str) -> pd.DataFrame:
    stmt = (
        select(Area.slug.label("area_slug"), Area.name.label("area_name"), IndicatorTarget.target_value,
               IndicatorTarget.target_year, IndicatorTarget.illustrative, Source.title.label("source_title"))
        .join(Indicator, Indicator.id == IndicatorTarget.indicator_id)
        .join(Area, Area.id == IndicatorTarget.area_id)
        .join(Source, Source.id == IndicatorTarget.source_id)
        .where(Indicator.key == indicator)
    )
    return _frame(engine, stmt)


# ---------------------------------------------------------------------------------------------
# Programme: subprogrammes, measures, status
# ---------------------------------------------------------------------------------------------


def subprogrammes(engine: Engine) -> pd.DataFrame:
    stmt = (
        select(Subprogramme.id, Subprogramme.number, Subprogramme.name, Subprogramme.goal, Subprogramme.leader,
               Subprogramme.illustrative, Pillar.number.label("pillar_number"), Pillar.name_nb.label("pillar_nb"),
               Pillar.name_nn.label("pillar_nn"), Pillar.name_en.label("pillar_en"),
               Source.title.label("source_title"))
        .outerjoin(Pillar, Pillar.id == Subprogramme.pillar_id)
        .outerjoin(Source, Source.id == Subprogramme.source_id)
        .order_by(Subprogramme.number)
    )
    return _frame(engine, stmt)


def measures(engine: Engine, area_slug: str | None = None, today: dt.date | None = None) -> pd.DataFrame:
    """Measures with subprogramme and pillar, areas (slugs list, names joined), status, progress, the
    latest status comment (who, when), the indicators it aims to move and whether it is stale
    (not updated since the current tertial began; ``today`` defaults to the real date)."""
    stmt = (
        select(Measure.id, Measure.name, Measure.description, Measure.responsible_unit, Measure.start_date,
               Measure.end_date, Measure.status, Measure.progress, Measure.updated_at, Measure.illustrative,
               Measure.status_illustrative, Measure.version, Subprogramme.number.label("subprogramme_number"),
               Subprogramme.name.label("subprogramme_name"), Pillar.number.label("pillar_number"),
               Source.title.label("source_title"), Source.url.label("source_url"))
        .join(Subprogramme, Subprogramme.id == Measure.subprogramme_id)
        .outerjoin(Pillar, Pillar.id == Subprogramme.pillar_id)
        .outerjoin(Source, Source.id == Measure.source_id)
        .order_by(Subprogramme.number, Measure.name)
    )
    df = _frame(engine, stmt)
    links = _frame(engine, select(MeasureArea.measure_id, Area.slug, Area.name).join(Area, Area.id == MeasureArea.area_id)
                   .order_by(Area.name))
    grouped_slugs = links.groupby("measure_id")["slug"].apply(list).to_dict()
    grouped_names = links.groupby("measure_id")["name"].apply(", ".join).to_dict()
    df["area_slugs"] = df["id"].map(lambda i: grouped_slugs.get(i, []))
    df["area_names"] = df["id"].map(lambda i: grouped_names.get(i, ""))
    aims = _frame(engine, select(MeasureIndicator.measure_id, Indicator.key).join(
        Indicator, Indicator.id == MeasureIndicator.indicator_id).order_by(Indicator.key))
    grouped_aims = aims.groupby("measure_id")["key"].apply(list).to_dict()
    df["indicator_keys"] = df["id"].map(lambda i: grouped_aims.get(i, []))
    newest = (select(StatusUpdate.measure_id, func.max(StatusUpdate.id).label("last_id"))
              .group_by(StatusUpdate.measure_id).subquery())
    last = _frame(engine, select(StatusUpdate.measure_id, StatusUpdate.comment, StatusUpdate.changed_at,
                                 StatusUpdate.changed_by, StatusUpdate.illustrative)
                  .join(newest, newest.c.last_id == StatusUpdate.id)).set_index("measure_id")
    df["latest_comment"] = df["id"].map(last["comment"]) if not last.empty else None
    df["latest_at"] = df["id"].map(last["changed_at"]) if not last.empty else None
    df["latest_by"] = df["id"].map(last["changed_by"]) if not last.empty else None
    day = today or dt.date.today()
    df["stale"] = [programme.is_stale(None if pd.isna(u) else u, day, s)
                   for u, s in zip(df["updated_at"], df["status"], strict=True)]
    if area_slug:
        df = df[df["area_slugs"].map(lambda s: area_slug in s)]
    return df.reset_index(drop=True)


def status_counts(engine: Engine, area_slug: str | None = None) -> dict[str, int]:
    df = measures(engine, area_slug)
    return df["status"].value_counts().to_dict() if not df.empty else {}


def _updates(engine: Engine, measure_id: int | None = None) -> pd.DataFrame:
    stmt = (
        select(StatusUpdate.id, StatusUpdate.measure_id, StatusUpdate.changed_at, StatusUpdate.previous_status,
               StatusUpdate.status, StatusUpdate.progress, StatusUpdate.comment, StatusUpdate.changed_by,
               StatusUpdate.illustrative, Measure.name.label("measure_name"))
        .join(Measure, Measure.id == StatusUpdate.measure_id)
        .order_by(StatusUpdate.changed_at.desc(), StatusUpdate.id.desc())
    )
    if measure_id is not None:
        stmt = stmt.where(StatusUpdate.measure_id == measure_id)
    return _frame(engine, stmt)


def changed_since(engine: Engine, since: dt.datetime, area_slug: str | None = None) -> pd.DataFrame:
    """Every status change since ``since``, newest first, with before → after."""
    df = _updates(engine)
    df = df[df["changed_at"] >= since]
    if area_slug:
        inside = set(measures(engine, area_slug)["id"])
        df = df[df["measure_id"].isin(inside)]
    return df.reset_index(drop=True)


def status_history(engine: Engine, measure_id: int) -> pd.DataFrame:
    """Who changed what on one measure, and when, with the comment; newest first."""
    return _updates(engine, measure_id).reset_index(drop=True)


def status_changes_since(engine: Engine, since: dt.datetime) -> pd.DataFrame:
    """One row per measure whose status was updated since ``since``: the status it had then
    (``before``, None if it had none yet), the status now, whether that is better or worse, how many
    updates there were, and the latest comment (who, when). Newest change first."""
    df = _updates(engine)
    if df.empty:
        return df.assign(before=None, after=None, direction=None, updates=0)
    current = _frame(engine, select(Measure.id, Measure.status, Measure.progress, Measure.status_illustrative))
    current = current.set_index("id")
    rows = []
    for measure_id, group in df.groupby("measure_id", sort=False):
        recent = group[group["changed_at"] >= since]
        if recent.empty:
            continue
        older = group[group["changed_at"] < since]
        before = older.iloc[0]["status"] if not older.empty else recent.iloc[-1]["previous_status"]
        before = None if before is None or pd.isna(before) else before
        after = current.loc[measure_id, "status"]
        latest = recent.iloc[0]
        rows.append({"measure_id": int(measure_id), "measure_name": latest["measure_name"], "before": before,
                     "after": after, "direction": programme.direction(before, after),
                     "progress": int(current.loc[measure_id, "progress"]), "updates": len(recent),
                     "comment": latest["comment"], "changed_by": latest["changed_by"],
                     "changed_at": latest["changed_at"],
                     "illustrative": bool(recent["illustrative"].any())})
    out = pd.DataFrame(rows, columns=["measure_id", "measure_name", "before", "after", "direction", "progress",
                                      "updates", "comment", "changed_by", "changed_at", "illustrative"])
    return out.sort_values("changed_at", ascending=False).reset_index(drop=True)


def snapshots(engine: Engine) -> pd.DataFrame:
    """Frozen tertial reports, newest first, with how many measures each holds."""
    counts = (select(SnapshotItem.snapshot_id, func.count().label("measures"))
              .group_by(SnapshotItem.snapshot_id).subquery())
    stmt = (select(ReportSnapshot.id, ReportSnapshot.name, ReportSnapshot.taken_at, ReportSnapshot.taken_by,
                   ReportSnapshot.illustrative, ReportSnapshot.note, func.coalesce(counts.c.measures, 0).label("measures"))
            .outerjoin(counts, counts.c.snapshot_id == ReportSnapshot.id)
            .order_by(ReportSnapshot.taken_at.desc(), ReportSnapshot.id.desc()))
    return _frame(engine, stmt)


def snapshot_compare(engine: Engine, snapshot_id: int) -> pd.DataFrame:
    """Each measure as frozen in the snapshot next to how it stands now. Measures added after the
    snapshot have no 'then' (status_then None, direction 'new')."""
    then = _frame(engine, select(SnapshotItem.measure_id, SnapshotItem.status.label("status_then"),
                                 SnapshotItem.progress.label("progress_then"),
                                 SnapshotItem.comment.label("comment_then"),
                                 SnapshotItem.illustrative.label("illustrative_then"))
                  .where(SnapshotItem.snapshot_id == snapshot_id))
    now = measures(engine)[["id", "name", "subprogramme_number", "area_slugs", "area_names", "status", "progress",
                            "latest_comment", "status_illustrative", "illustrative"]]
    df = now.merge(then, how="left", left_on="id", right_on="measure_id").drop(columns=["measure_id"])
    df = df.rename(columns={"id": "measure_id", "name": "measure_name", "status": "status_now",
                            "progress": "progress_now", "latest_comment": "comment_now"})
    df["status_then"] = df["status_then"].astype(object).where(df["status_then"].notna(), None)
    df["direction"] = [programme.direction(a, b) for a, b in zip(df["status_then"], df["status_now"], strict=True)]
    df["changed"] = (df["status_then"] != df["status_now"]) | (df["progress_then"] != df["progress_now"])
    df["illustrative"] = (df["illustrative"].astype(bool) | df["status_illustrative"].astype(bool)
                          | df["illustrative_then"].fillna(False).astype(bool))
    return df.drop(columns=["status_illustrative", "illustrative_then"])


def milestones(engine: Engine) -> pd.DataFrame:
    stmt = (
        select(Milestone.id, Milestone.name, Milestone.due_date, Milestone.done_date, Milestone.illustrative,
               Milestone.version,
               Measure.name.label("measure_name"), Measure.id.label("measure_id"))
        .join(Measure, Measure.id == Milestone.measure_id)
        .order_by(Milestone.due_date, Milestone.id)
    )
    return _frame(engine, stmt)


# ---------------------------------------------------------------------------------------------
# Money and participation
# ---------------------------------------------------------------------------------------------


def investments(engine: Engine, area_slug: str | None = None) -> pd.DataFrame:
    stmt = (
        select(Investment.id, Investment.name, Investment.description, Area.slug.label("area_slug"),
               Area.name.label("area_name"), Investment.category, Investment.funding_source,
               Investment.budget_nok, Investment.spent_nok, Investment.start_year, Investment.end_year,
               Investment.status, Investment.lon, Investment.lat, Investment.photo_before, Investment.photo_after,
               Investment.illustrative, Investment.version, Source.title.label("source_title"),
               Source.url.label("source_url"), Source.licence.label("licence"))
        .outerjoin(Area, Area.id == Investment.area_id)
        .outerjoin(Source, Source.id == Investment.source_id)
        .order_by(Area.name, Investment.start_year, Investment.name)
    )
    if area_slug:
        stmt = stmt.where(Area.slug == area_slug)
    return _frame(engine, stmt)


MONEY_DIMENSIONS = {
    "area": (Area.slug, Area.name),
    "category": (Investment.category,),
    "funding_source": (Investment.funding_source,),
    "status": (Investment.status,),
    "start_year": (Investment.start_year,),
}


def _investment_filters(stmt, area_slugs, categories, funding_sources, statuses):
    if area_slugs is not None:
        stmt = stmt.where(Area.slug.in_(area_slugs))
    if categories is not None:
        stmt = stmt.where(Investment.category.in_(categories))
    if funding_sources is not None:
        stmt = stmt.where(Investment.funding_source.in_(funding_sources))
    if statuses is not None:
        stmt = stmt.where(Investment.status.in_(statuses))
    return stmt


def money_totals(engine: Engine, by: str, *, area_slugs: tuple[str, ...] | None = None,
                 categories: tuple[str, ...] | None = None, funding_sources: tuple[str, ...] | None = None,
                 statuses: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Budget and spent summed in SQL (whole kroner, exact) per ``by`` (area, category,
    funding_source, status or start_year), for the projects passing the filters; with the count
    and whether any figure in the sum is illustrative."""
    keys = MONEY_DIMENSIONS[by]
    labels = [k.label(n) for k, n in zip(keys, ("key", "area_name"), strict=False)]
    stmt = (
        select(*labels, func.sum(Investment.budget_nok).label("budget_nok"),
               func.sum(Investment.spent_nok).label("spent_nok"), func.count(Investment.id).label("projects"),
               func.max(func.cast(Investment.illustrative, Integer)).label("any_illustrative"))
        .select_from(Investment).join(Area, Area.id == Investment.area_id)
        .group_by(*keys).order_by(*keys)
    )
    df = _frame(engine, _investment_filters(stmt, area_slugs, categories, funding_sources, statuses))
    for col in ("budget_nok", "spent_nok", "projects"):
        df[col] = df[col].astype("int64")
    df["any_illustrative"] = df["any_illustrative"].fillna(0).astype(bool)
    return df


def area_money(engine: Engine, *, categories: tuple[str, ...] | None = None,
               funding_sources: tuple[str, ...] | None = None,
               statuses: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Every area (also those with no project) with budget, spent, population and the amounts per
    inhabitant (``money.per_inhabitant_table``), plus a last row for all areas together."""
    join_on = Investment.area_id == Area.id
    for column, values in ((Investment.category, categories), (Investment.funding_source, funding_sources),
                           (Investment.status, statuses)):
        if values is not None:
            join_on = and_(join_on, column.in_(values))
    stmt = (
        select(Area.slug.label("area_slug"), Area.name.label("area_name"), Area.state, Area.population,
               Area.population_illustrative,
               func.coalesce(func.sum(Investment.budget_nok), 0).label("budget_nok"),
               func.coalesce(func.sum(Investment.spent_nok), 0).label("spent_nok"),
               func.count(Investment.id).label("projects"),
               func.max(func.cast(Investment.illustrative, Integer)).label("any_illustrative"))
        .select_from(Area).outerjoin(Investment, join_on)
        .group_by(Area.slug, Area.name, Area.state, Area.population, Area.population_illustrative)
        .order_by(Area.name)
    )
    df = _frame(engine, stmt)
    for col in ("budget_nok", "spent_nok", "projects"):
        df[col] = df[col].astype("int64")
    df["any_illustrative"] = df["any_illustrative"].fillna(0).astype(bool)
    df["population_illustrative"] = df["population_illustrative"].fillna(False).astype(bool)
    return money.per_inhabitant_table(df)


def grant_totals(engine: Engine) -> pd.DataFrame:
    """State grants summed per year and kind (published, derived, illustrative), in SQL."""
    stmt = (
        select(Grant.year, Grant.illustrative, Grant.derived, func.sum(Grant.amount_nok).label("amount_nok"),
               func.count(Grant.id).label("grants"))
        .where(Grant.in_sums)  # a total whose parts are rows of their own would count twice
        .group_by(Grant.year, Grant.illustrative, Grant.derived).order_by(Grant.year)
    )
    df = _frame(engine, stmt)
    df["amount_nok"] = df["amount_nok"].astype("int64")
    return df


def grant_summary(engine: Engine) -> dict[str, Any]:
    """The known state grants as every page shows them, computed once: published and derived amounts
    (derived ones are computed from published figures), without the illustrative years, and without a
    published total whose parts are rows of their own (``in_sums``), which would count twice.
    ``known_nok`` is the sum; ``first``/``last`` the span of the known years; ``years`` how many years
    have known amounts; ``illustrative_years`` how many have only examples."""
    df = grant_totals(engine)
    known = df[~df["illustrative"].astype(bool)]
    only_examples = set(df.loc[df["illustrative"].astype(bool), "year"]) - set(known["year"])
    return {"known_nok": int(known["amount_nok"].sum()),
            "first": int(known["year"].min()) if not known.empty else None,
            "last": int(known["year"].max()) if not known.empty else None,
            "years": int(known["year"].nunique()), "illustrative_years": len(only_examples),
            "all_first": int(df["year"].min()) if not df.empty else None,
            "all_last": int(df["year"].max()) if not df.empty else None}


def investment_summary(engine: Engine, *, area_slugs: tuple[str, ...] | None = None,
                       categories: tuple[str, ...] | None = None, funding_sources: tuple[str, ...] | None = None,
                       statuses: tuple[str, ...] | None = None) -> dict[str, Any]:
    """Budget, spent and the number of projects for the projects passing the filters, summed once in
    SQL (whole kroner): the figure every page that shows a money total uses."""
    stmt = (
        select(func.coalesce(func.sum(Investment.budget_nok), 0).label("budget_nok"),
               func.coalesce(func.sum(Investment.spent_nok), 0).label("spent_nok"),
               func.count(Investment.id).label("projects"),
               func.max(func.cast(Investment.illustrative, Integer)).label("any_illustrative"))
        .select_from(Investment).join(Area, Area.id == Investment.area_id)
    )
    with engine.connect() as conn:
        row = conn.execute(_investment_filters(stmt, area_slugs, categories, funding_sources, statuses)).one()
    return {"budget_nok": int(row.budget_nok), "spent_nok": int(row.spent_nok), "projects": int(row.projects),
            "any_illustrative": bool(row.any_illustrative or 0)}


def grants(engine: Engine) -> pd.DataFrame:
    stmt = (
        select(Grant.id, Grant.year, Grant.amount_nok, Grant.scheme, Grant.funder, Grant.recipient, Grant.status,
               Grant.derived, Grant.illustrative, Grant.in_sums, Grant.note, Grant.version,
               Area.slug.label("area_slug"),
               Source.title.label("source_title"), Source.url.label("source_url"))
        .outerjoin(Area, Area.id == Grant.area_id)
        .join(Source, Source.id == Grant.source_id)
        .order_by(Grant.year, Grant.id)
    )
    return _frame(engine, stmt)


def participation(engine: Engine, area_slug: str | None = None) -> pd.DataFrame:
    stmt = (
        select(ParticipationActivity.id, ParticipationActivity.kind, ParticipationActivity.title,
               ParticipationActivity.date, ParticipationActivity.participants, ParticipationActivity.illustrative,
               Area.slug.label("area_slug"), Area.name.label("area_name"))
        .outerjoin(Area, Area.id == ParticipationActivity.area_id)
        .order_by(ParticipationActivity.date.desc())
    )
    if area_slug:
        stmt = stmt.where(Area.slug == area_slug)
    return _frame(engine, stmt)


# ---------------------------------------------------------------------------------------------
# About the data
# ---------------------------------------------------------------------------------------------


def sources(engine: Engine) -> pd.DataFrame:
    """Every source with how many figures in the store use it."""
    counts = (
        select(IndicatorValue.source_id, func.count().label("n")).group_by(IndicatorValue.source_id).subquery()
    )
    stmt = (
        select(Source.key, Source.title, Source.publisher, Source.url, Source.licence, Source.period, Source.note,
               Source.illustrative, func.coalesce(counts.c.n, 0).label("indicator_values"))
        .outerjoin(counts, counts.c.source_id == Source.id)
        .order_by(Source.illustrative, Source.title)
    )
    return _frame(engine, stmt)


def store_summary(engine: Engine) -> dict[str, int]:
    """Row counts, and how many indicator values are real and illustrative."""
    with engine.connect() as conn:
        def count(model, *where):
            return conn.scalar(select(func.count()).select_from(model).where(*where)) or 0

        return {
            "areas": count(Area),
            "zones": count(Zone),
            "indicators": count(Indicator),
            "values_real": count(IndicatorValue, IndicatorValue.illustrative.is_(False)),
            "values_illustrative": count(IndicatorValue, IndicatorValue.illustrative.is_(True)),
            "measures": count(Measure),
            "investments": count(Investment),
            "grants_real": count(Grant, Grant.illustrative.is_(False)),
            "grants_illustrative": count(Grant, Grant.illustrative.is_(True)),
            "sources": count(Source),
        }
