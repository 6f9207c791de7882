"""Money: investments and state grants, and the totals every page shows (summed once, in SQL,
in whole kroner), per area, category, funding, status or year, and per inhabitant."""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import Integer, and_, func, select

from omradesatsing import money, programme
from omradesatsing.models import Area, Grant, Investment, Source
from omradesatsing.read.store import Store, frame


def investments(store: Store, area_slug: str | None = None) -> pd.DataFrame:
    stmt = (
        select(Investment.id, Investment.name, Investment.description, Area.slug.label("area_slug"),
               Area.name.label("area_name"), Investment.category, Investment.funding_source,
               Investment.budget_nok, Investment.spent_nok, Investment.start_year, Investment.end_year,
               Investment.status, Investment.lon, Investment.lat, Investment.photo_before, Investment.photo_after,
               Investment.illustrative, Investment.version, Source.title.label("source_title"),
               Source.url.label("source_url"), Source.licence.label("licence"),
               Source.illustrative.label("source_illustrative"))
        .outerjoin(Area, Area.id == Investment.area_id)
        .outerjoin(Source, Source.id == Investment.source_id)
        .order_by(Area.name, Investment.start_year, Investment.name)
    )
    if area_slug:
        stmt = stmt.where(Area.slug == area_slug)
    return frame(store, stmt)


def largest_investments(store: Store, area_slug: str, n: int = 3) -> pd.DataFrame:
    """An area's ``n`` projects with the largest budget (ties by name), as ``investments`` reads them."""
    df = investments(store, area_slug)
    return df.sort_values(["budget_nok", "name"], ascending=[False, True], kind="stable").head(n).reset_index(drop=True)


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


def money_totals(store: Store, by: str, *, area_slugs: tuple[str, ...] | None = None,
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
    df = frame(store, _investment_filters(stmt, area_slugs, categories, funding_sources, statuses))
    for col in ("budget_nok", "spent_nok", "projects"):
        df[col] = df[col].astype("int64")
    df["any_illustrative"] = df["any_illustrative"].fillna(0).astype(bool)
    return df


def area_money(store: Store, *, categories: tuple[str, ...] | None = None,
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
    df = frame(store, stmt)
    for col in ("budget_nok", "spent_nok", "projects"):
        df[col] = df[col].astype("int64")
    df["any_illustrative"] = df["any_illustrative"].fillna(0).astype(bool)
    df["population_illustrative"] = df["population_illustrative"].fillna(False).astype(bool)
    return money.per_inhabitant_table(df)


def with_headline(per_area: pd.DataFrame, gaps: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """``area_money`` next to the indicators the programme leads with: a column ``headline`` holds, for
    each of ``programme.HEADLINE_INDICATORS``, the area's latest gap row (from ``gaps[slug]``, the
    frames of ``read.indicators.area_gaps``: value, unit, decimals, period, suppressed) or None where the
    area has no value; the all-areas row gets {}. Pure, so a page joins reads it has cached per area."""
    headline = []
    for slug in per_area["area_slug"]:
        rows = gaps.get(slug)
        if slug == "_all" or rows is None:
            headline.append({})
            continue
        rows = rows.set_index("indicator")
        headline.append({key: (rows.loc[key].to_dict() if key in rows.index else None)
                         for key in programme.HEADLINE_INDICATORS})
    return per_area.assign(headline=headline)


def grant_totals(store: Store) -> pd.DataFrame:
    """State grants summed per year and kind (published, derived, illustrative), in SQL."""
    stmt = (
        select(Grant.year, Grant.illustrative, Grant.derived, func.sum(Grant.amount_nok).label("amount_nok"),
               func.count(Grant.id).label("grants"))
        .where(Grant.in_sums)  # a total whose parts are rows of their own would count twice
        .group_by(Grant.year, Grant.illustrative, Grant.derived).order_by(Grant.year)
    )
    df = frame(store, stmt)
    df["amount_nok"] = df["amount_nok"].astype("int64")
    return df


def grant_summary(store: Store) -> dict[str, Any]:
    """The known state grants as every page shows them, computed once: published and derived amounts
    (derived ones are computed from published figures), without the illustrative years, and without a
    published total whose parts are rows of their own (``in_sums``), which would count twice.
    ``known_nok`` is the sum; ``first``/``last`` the span of the known years; ``years`` how many years
    have known amounts; ``illustrative_years`` how many have only examples."""
    df = grant_totals(store)
    known = df[~df["illustrative"].astype(bool)]
    only_examples = set(df.loc[df["illustrative"].astype(bool), "year"]) - set(known["year"])
    return {"known_nok": int(known["amount_nok"].sum()),
            "first": int(known["year"].min()) if not known.empty else None,
            "last": int(known["year"].max()) if not known.empty else None,
            "years": int(known["year"].nunique()), "illustrative_years": len(only_examples),
            "all_first": int(df["year"].min()) if not df.empty else None,
            "all_last": int(df["year"].max()) if not df.empty else None}


def investment_summary(store: Store, *, area_slugs: tuple[str, ...] | None = None,
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
    with store.engine.connect() as conn:
        row = conn.execute(_investment_filters(stmt, area_slugs, categories, funding_sources, statuses)).one()
    return {"budget_nok": int(row.budget_nok), "spent_nok": int(row.spent_nok), "projects": int(row.projects),
            "any_illustrative": bool(row.any_illustrative or 0)}


def grants(store: Store) -> pd.DataFrame:
    stmt = (
        select(Grant.id, Grant.year, Grant.amount_nok, Grant.scheme, Grant.funder, Grant.recipient, Grant.status,
               Grant.derived, Grant.illustrative, Grant.in_sums, Grant.note, Grant.version,
               Area.slug.label("area_slug"),
               Source.title.label("source_title"), Source.url.label("source_url"))
        .outerjoin(Area, Area.id == Grant.area_id)
        .join(Source, Source.id == Grant.source_id)
        .order_by(Grant.year, Grant.id)
    )
    return frame(store, stmt)

