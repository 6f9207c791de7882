"""Indicators: values with small numbers suppressed, per zone, area, Bergen and Norway; values summed
up from the level below where that is exact; trends, gaps to Bergen, zone profiles and ranges, targets."""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from omradesatsing import privacy, profiles, programme
from omradesatsing.models import (
    Area,
    BoundaryVersion,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    IndicatorValueRevision,
    Measure,
    MeasureArea,
    MeasureIndicator,
    ProtectionRun,
    Source,
    Zone,
)
from omradesatsing.read import places
from omradesatsing.read.store import Store, frame


def value_levels(store: Store) -> list[str]:
    """Zone levels with indicator values: stored at the level, or summed up from the level below."""
    has_value = select(IndicatorValue.id).where(IndicatorValue.zone_id == Zone.id).exists()
    with store.engine.connect() as conn:
        stored = set(conn.execute(select(Zone.level).where(has_value).distinct()).scalars())
    derived = {parent for parent, child in CHILD_LEVEL.items() if child in stored}
    return sorted(stored | derived)


def indicators(store: Store) -> pd.DataFrame:
    stmt = select(
        Indicator.id, Indicator.key, Indicator.name_nb, Indicator.name_nn, Indicator.name_en,
        Indicator.definition_nb, Indicator.definition_nn, Indicator.definition_en, Indicator.why_nb,
        Indicator.why_nn, Indicator.why_en, Indicator.unit, Indicator.decimals, Indicator.higher_is_better,
        Indicator.topic,
    ).order_by(Indicator.topic, Indicator.key)
    return frame(store, stmt)


ParentZone = aliased(Zone)


VALUE_COLUMNS = ("indicator", "unit", "scope", "area_slug", "area_name", "zone_level", "zone_code", "zone_name",
                 "parent_code", "year", "period", "value", "value_text", "numerator", "denominator", "ci_low",
                 "ci_high", "suppressed", "illustrative", "source_title", "source_url", "licence", "note",
                 "revised_at", "previous_value")


def _revisions(store: Store, df: pd.DataFrame) -> pd.Series:
    """For revised values (an import changed a stored figure), the figure before the latest change;
    shown only where its own counts were not small under the threshold the store was protected with."""
    revised = df["revised_at"].notna()
    if not revised.any():
        return pd.Series([None] * len(df), index=df.index, dtype=object)
    rev = IndicatorValueRevision
    old = frame(store, select(rev.value_id, rev.value, rev.numerator, rev.denominator)
                .where(rev.value_id.in_([int(i) for i in df.loc[revised, "value_id"]])).order_by(rev.id))
    old = old.drop_duplicates("value_id", keep="last").set_index("value_id")
    threshold = frame(store, select(ProtectionRun.threshold).order_by(ProtectionRun.id.desc()).limit(1))
    t = int(threshold.iloc[0, 0]) if not threshold.empty else 0
    n, d = old["numerator"], old["denominator"]
    small = (n.notna() & (n < t)) | (d.notna() & (d < t)) | (n.notna() & d.notna() & ((d - n) < t))
    shown = old["value"].where(~small)
    return df["value_id"].map(shown).astype(object).where(revised, None)


def _lookup(store: Store, *columns) -> pd.DataFrame:
    return frame(store, select(*columns))


def indicator_values(
    store: Store,
    indicator: str | None,
    *,
    scopes: tuple[str, ...] = ("zone", "area", "city", "country"),
    zone_level: str | None = None,
    area_slugs: tuple[str, ...] | None = None,
    year: int | None = None,
    edition: str | None = None,
) -> pd.DataFrame:
    """Values of one indicator (``None``: all), with small numbers suppressed as the stored pattern says
    (``omradesatsing.suppression``): a hidden value is never returned. ``edition``: zone values of that
    boundary edition only (a figure belongs to the edition of the zone it was published for).

    The value rows are read with only the zone joins (needed for the level and the parent); the
    indicator, area and source names come from small lookups, which halves the time for the
    100,000-row reads of a large store.
    """
    stmt = (
        select(IndicatorValue.indicator_id, IndicatorValue.source_id, IndicatorValue.area_id, IndicatorValue.scope,
               Zone.level.label("zone_level"), Zone.code.label("zone_code"), Zone.name.label("zone_name"),
               ParentZone.code.label("parent_code"), IndicatorValue.year, IndicatorValue.period,
               IndicatorValue.value, IndicatorValue.value_text, IndicatorValue.numerator, IndicatorValue.denominator,
               IndicatorValue.ci_low, IndicatorValue.ci_high, IndicatorValue.illustrative, IndicatorValue.note,
               IndicatorValue.protection,  # not ``suppressed``: a source's suppression is in the protection
               IndicatorValue.id.label("value_id"), IndicatorValue.revised_at)
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
    if edition is not None:
        stmt = stmt.where((IndicatorValue.scope != "zone") | (Zone.boundary_version_id == select(
            BoundaryVersion.id).where(BoundaryVersion.key == edition).scalar_subquery()))
    raw = frame(store, stmt)
    inds = _lookup(store, Indicator.id.label("indicator_id"), Indicator.key.label("indicator"), Indicator.unit)
    srcs = _lookup(store, Source.id.label("source_id"), Source.title.label("source_title"),
                   Source.url.label("source_url"), Source.licence.label("licence"))
    ars = _lookup(store, Area.id.label("area_id"), Area.slug.label("area_slug"), Area.name.label("area_name"))
    raw["area_id"] = raw["area_id"].astype("Int64")
    ars["area_id"] = ars["area_id"].astype("Int64")
    df = (raw.merge(inds, on="indicator_id", how="left").merge(srcs, on="source_id", how="left")
          .merge(ars, on="area_id", how="left"))
    df["previous_value"] = _revisions(store, df)
    stored = [c for c in VALUE_COLUMNS if c != "suppressed"]
    return privacy.hide(df[[*stored, "protection"]])[list(VALUE_COLUMNS)]


# The level whose zones partition each zone of a level: counts there can be summed up to it.
CHILD_LEVEL = {"bydel": "delomraade", "delomraade": "grunnkrets"}


# Units that are a ratio of counts, so a sum of numerators over a sum of denominators is exact.
RATIO_SCALE = {"percent": 100.0, "per_1000": 1000.0}


ZONE_VALUE_COLUMNS = ("indicator", "unit", "zone_code", "zone_name", "year", "period", "value", "numerator",
                      "denominator", "ci_low", "ci_high", "suppressed", "illustrative", "source_title", "licence",
                      "derived")


def _derived_values(store: Store, level: str, year: int, indicator: str | None) -> pd.DataFrame:
    """Values for the zones at ``level`` summed from the zones one level down, where that is exact.

    A zone gets a value only when every zone below it has visible counts; when one of them is
    suppressed, the sum is suppressed too (otherwise the hidden one could be worked out).
    """
    child = CHILD_LEVEL.get(level)
    if child is None:
        return pd.DataFrame(columns=list(ZONE_VALUE_COLUMNS))
    kids = indicator_values(store, indicator, scopes=("zone",), zone_level=child, year=year)
    if kids.empty:
        return pd.DataFrame(columns=list(ZONE_VALUE_COLUMNS))
    parent = aliased(Zone)
    sizes = frame(store, select(parent.code.label("parent_code"), parent.name.label("parent_name"),
                                  func.count(Zone.id).label("children"))
                   .join(Zone, Zone.parent_id == parent.id)
                   .where(parent.level == level, Zone.level == child)
                   .group_by(parent.code, parent.name))
    kids = kids.merge(sizes, on="parent_code")
    kids["visible"] = kids["numerator"].notna() & kids["denominator"].notna() & ~kids["suppressed"]
    kids["numerator"] = pd.to_numeric(kids["numerator"], errors="coerce").astype("Float64")
    kids["denominator"] = pd.to_numeric(kids["denominator"], errors="coerce").astype("Float64")
    # Per period: a year's value and a multi-year one ending that year ("2021" and "2019–2021") are
    # different figures and are never added together.
    grouped = kids.groupby(["indicator", "parent_code", "period"], sort=False).agg(
        unit=("unit", "first"), zone_name=("parent_name", "first"), children=("children", "first"),
        rows=("zone_code", "size"), visible=("visible", "sum"), any_suppressed=("suppressed", "any"),
        numerator=("numerator", "sum"), denominator=("denominator", "sum"),
        illustrative=("illustrative", "any"), source_title=("source_title", "first"),
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


def zone_values(store: Store, level: str, year: int, indicator: str | None = None,
                edition: str | None = None) -> pd.DataFrame:
    """One row per indicator and zone at ``level`` with a value (or a suppression) for ``year``.

    Stored values come first; an indicator with none at this level gets values summed from the
    level below (``derived``). Suppression has been applied to both.
    """
    stored = indicator_values(store, indicator, scopes=("zone",), zone_level=level, year=year, edition=edition)
    stored = stored.assign(derived=False)[list(ZONE_VALUE_COLUMNS)]
    if indicator is not None and not stored.empty:
        return stored  # nothing to sum up: don't read the level below
    derived = _derived_values(store, level, year, indicator)
    derived = derived[~derived["indicator"].isin(set(stored["indicator"]))]
    frames = [f for f in (stored, derived) if not f.empty]
    if not frames:
        return pd.DataFrame(columns=list(ZONE_VALUE_COLUMNS))
    return pd.concat(frames, ignore_index=True)


def zone_years(store: Store, indicator: str, level: str, edition: str | None = None) -> list[int]:
    """Years with values of ``indicator`` at ``level`` (or at the level below, summed up), newest last;
    ``edition``: values of that boundary edition's zones at ``level``."""
    levels = [lv for lv in (level, CHILD_LEVEL.get(level)) if lv]
    stmt = (
        select(IndicatorValue.year, Zone.level)
        .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
        .join(Zone, Zone.id == IndicatorValue.zone_id)
        .where(Indicator.key == indicator, IndicatorValue.scope == "zone", Zone.level.in_(levels))
        .distinct()
    )
    if edition is not None:
        stmt = stmt.where((Zone.level != level) | (Zone.boundary_version_id == select(BoundaryVersion.id).where(
            BoundaryVersion.key == edition).scalar_subquery()))
    df = frame(store, stmt)
    for lv in levels:
        years = sorted(int(y) for y in df.loc[df["level"] == lv, "year"])
        if years:
            return years
    return []


def zone_map_values(store: Store, indicator: str, level: str, year: int, edition: str | None = None) -> pd.DataFrame:
    """Every zone at ``level`` (of ``edition``) with the indicator's value for ``year`` (missing = no data)."""
    zs = places.zones(store, level, edition)[["code", "name", "parent_name"]].rename(columns={"code": "zone_code"})
    vals = zone_values(store, level, year, indicator, edition).drop(columns=["zone_name"])
    out = zs.merge(vals, on="zone_code", how="left")
    out["suppressed"] = out["suppressed"].fillna(False).astype(bool)
    out["illustrative"] = out["illustrative"].fillna(False).astype(bool)
    out["derived"] = out["derived"].fillna(False).astype(bool)
    return out.rename(columns={"name": "zone_name"})


def city_values(store: Store, year: int) -> pd.DataFrame:
    """Bergen's value of every indicator for ``year``."""
    return indicator_values(store, None, scopes=("city",), year=year)


def zone_profiles(store: Store, level: str, year: int, lang: str = "nb", edition: str | None = None) -> pd.DataFrame:
    """For every zone at ``level`` with values in ``year``: one row per indicator with the zone's value
    against Bergen's value that year (suppression applied), in the indicators' order. One read serves
    every zone a map user clicks."""
    meta, values, city = indicators(store), zone_values(store, level, year, edition=edition), city_values(store, year)
    city = city.drop_duplicates("indicator").set_index("indicator")
    names = meta.set_index("key")
    rows = values[values["indicator"].isin(names.index)].merge(
        meta[["key"]].reset_index(names="order"), left_on="indicator", right_on="key").sort_values(["zone_code", "order"])
    out = pd.DataFrame({
        "zone_code": rows["zone_code"], "indicator": rows["indicator"],
        "name": rows["indicator"].map(names[f"name_{lang}"]), "unit": rows["indicator"].map(names["unit"]),
        "decimals": rows["indicator"].map(names["decimals"]),
        "higher_is_better": rows["indicator"].map(names["higher_is_better"]), "year": year,
        "period": rows["period"], "value": rows["value"], "suppressed": rows["suppressed"].astype(bool),
        "illustrative": rows["illustrative"].astype(bool), "derived": rows["derived"].astype(bool),
        "source_title": rows["source_title"],
        "city_value": rows["indicator"].map(city["value"]).astype(object) if not city.empty else None,
        "city_illustrative": rows["indicator"].map(city["illustrative"]).astype(object) if not city.empty else None,
    })
    for col in ("city_value", "city_illustrative"):  # no Bergen value: None, not NaN (NaN counts as true)
        out[col] = out[col].where(out[col].notna(), None)
    return out.reset_index(drop=True)


def area_trend(store: Store, indicator: str, area_slugs: tuple[str, ...]) -> pd.DataFrame:
    """The indicator over the years for the given areas, with the Bergen (and Norway) reference."""
    return indicator_values(store, indicator, scopes=("area", "city", "country"), area_slugs=area_slugs)


def _start_years(store: Store) -> dict[str, int]:
    return dict(frame(store, select(Area.slug, Area.start_year)).itertuples(index=False, name=None))


def indicator_gaps(store: Store, indicator: str, area_slugs: tuple[str, ...]) -> pd.DataFrame:
    """Gap rows (``profiles.gap_row``) for one indicator in the given areas, in their order."""
    values = indicator_values(store, indicator, scopes=("area", "city"), area_slugs=area_slugs)
    out = profiles.gap_table(values, indicators(store), _start_years(store), by="area")
    order = {slug: i for i, slug in enumerate(area_slugs)}
    return out.sort_values("area_slug", key=lambda s: s.map(order)).reset_index(drop=True)


def indicators_gaps(store: Store, keys: tuple[str, ...], area_slugs: tuple[str, ...]) -> pd.DataFrame:
    """``indicator_gaps`` for several indicators at once, from one read of the values (Oversikt's grid)."""
    values = indicator_values(store, None, scopes=("area", "city"), area_slugs=area_slugs)
    values = values[values["indicator"].isin(keys)]
    return profiles.gap_table(values, indicators(store), _start_years(store), by="area")


def area_gaps(store: Store, slug: str, lang: str = "nb") -> pd.DataFrame:
    """For one area: a gap row per indicator (its latest period), with the indicator's name."""
    meta = indicators(store)
    values = indicator_values(store, None, scopes=("area", "city"), area_slugs=(slug,))
    gaps = profiles.gap_table(values, meta, _start_years(store), by="indicator")
    gaps.insert(3, "name", gaps["indicator"].map(meta.set_index("key")[f"name_{lang}"]))
    return gaps


CERTAIN_JUDGEMENTS = ("worse", "better", "higher", "lower")


def key_figures(store: Store, slug: str, lang: str = "nb", n: int = 5) -> pd.DataFrame:
    """An area's key figures against Bergen (Område): the rows of ``area_gaps`` (so the same values,
    suppression and judgement as the profile on Indikatorer) for the programme's headline indicators,
    in their order, then up to ``n`` in all of the others whose difference to Bergen is certain (in
    the profile's order), so what stands out is not left off."""
    gaps = area_gaps(store, slug, lang)
    if gaps.empty:
        return gaps
    headline = [k for k in programme.HEADLINE_INDICATORS if k in set(gaps["indicator"])]
    first = gaps.set_index("indicator").loc[headline].reset_index()
    rest = gaps[~gaps["indicator"].isin(headline) & gaps["judgement"].isin(CERTAIN_JUDGEMENTS)
                & ~gaps["suppressed"].astype(bool)]
    out = pd.concat([first, rest.head(max(0, n - len(first)))], ignore_index=True)
    return out[gaps.columns]


def zone_ranges(store: Store, level: str, year: int) -> pd.DataFrame:
    """Range of every indicator over the zones at ``level`` in ``year`` (visible values only)."""
    return profiles.zone_ranges(zone_values(store, level, year))


def area_overview(store: Store, slug: str, level: str = "delomraade", lang: str = "nb") -> pd.DataFrame:
    """``area_gaps`` with the range over all zones at ``level`` in each row's year and spine chart
    positions (the area profile). Everything is read suppressed."""
    gaps = area_gaps(store, slug, lang)
    if gaps.empty:
        return profiles.with_zone_ranges(gaps, pd.DataFrame(columns=list(profiles.RANGE_COLUMNS)))
    ranges = pd.concat([zone_ranges(store, level, int(y)) for y in sorted(gaps["year"].unique())],
                       ignore_index=True)
    return profiles.with_zone_ranges(gaps, ranges)


def indicator_info(store: Store, indicator: str) -> dict[str, Any] | None:
    """An indicator's metadata with what its values rest on: sources (with licence and whether
    illustrative), the years covered and when the values were last written to the store."""
    meta = frame(store, select(*Indicator.__table__.columns).where(Indicator.key == indicator))
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
    info["sources"] = frame(store, stmt)
    years = info["sources"]
    info["first_year"] = int(years["first_year"].min()) if not years.empty else None
    info["last_year"] = int(years["last_year"].max()) if not years.empty else None
    info["any_illustrative"] = bool(years["illustrative"].any()) if not years.empty else False
    return info


def indicator_measures(store: Store, indicator: str, area_slugs: tuple[str, ...]) -> pd.DataFrame:
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
    df = frame(store, stmt)
    if df.empty:
        return pd.DataFrame(columns=["id", "name", "start_date", "end_date", "illustrative", "areas"])
    return (df.groupby(["id", "name", "start_date", "end_date", "illustrative"], sort=False)["area_name"]
            .agg(lambda s: ", ".join(s)).reset_index().rename(columns={"area_name": "areas"}))


def targets(store: Store, indicator: str) -> pd.DataFrame:
    stmt = (
        select(Area.slug.label("area_slug"), Area.name.label("area_name"), IndicatorTarget.target_value,
               IndicatorTarget.target_year, IndicatorTarget.illustrative, Source.title.label("source_title"))
        .join(Indicator, Indicator.id == IndicatorTarget.indicator_id)
        .join(Area, Area.id == IndicatorTarget.area_id)
        .join(Source, Source.id == IndicatorTarget.source_id)
        .where(Indicator.key == indicator)
    )
    return frame(store, stmt)

