"""Investments: one row per project, matched on area and name (a real project's example figures are
replaced by the file's; invented example projects in the areas the file covers are removed)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from omradesatsing.catalogue import Text
from omradesatsing.importers import columns as cols, records
from omradesatsing.importers.columns import Column
from omradesatsing.importers.run import Context, Plan
from omradesatsing.models import Investment
from omradesatsing.vocabulary import FUNDING_SOURCES, INVESTMENT_CATEGORIES, INVESTMENT_STATUSES

CATEGORY_WORDS = dict(zip(INVESTMENT_CATEGORIES, ("Fysisk opprustning", "Skoler", "Parker og byrom",
                                                  "Kultur og sosiale tiltak", "Borettslag", "Stier, trapper og lys"),
                          strict=True))
FUNDING_WORDS = dict(zip(FUNDING_SOURCES, ("Bergen kommune", "Staten (KDD)", "Husbanken", "Andre"), strict=True))
STATUS_WORDS = dict(zip(INVESTMENT_STATUSES, ("Planlagt", "Pågår", "Fullført"), strict=True))
BERGEN_BOX = (4.4, 59.9, 6.2, 61.0)

COLUMNS = (
    Column("name", "navn", "text", "Prosjektets navn, slik det skal stå i dashbordet.", "Gatetun i Loddefjord",
           required=True, aliases=("prosjekt", "prosjektnavn", "name", "investering")),
    Column("area", "område", "text", "Satsingsområdet (navn eller nøkkel, f.eks. Loddefjord eller loddefjord). "
           "Tomt for et prosjekt for hele byen (bare administratorer).", "Loddefjord",
           aliases=("omrade", "area", "satsingsområde")),
    Column("zone", "sone", "text", "Sonen prosjektet ligger i, med koden (delområde eller grunnkrets, 8 sifre) "
           "eller navnet (valgfritt).", "", aliases=("zone", "sonekode")),
    Column("category", "kategori", "choice", "Hva slags investering.", "Parker og byrom",
           required=True, aliases=("category", "type"), choices=CATEGORY_WORDS),
    Column("funding_source", "finansiering", "choice", "Hvem som betaler.", "Bergen kommune", required=True,
           aliases=("finansieringskilde", "funding", "betales av", "kilde til midler"), choices=FUNDING_WORDS),
    Column("budget_nok", "budsjett_kr", "kroner", "Budsjett i hele kroner (mellomrom som tusenskille går fint).",
           "2 500 000", required=True, aliases=("budsjett", "budget", "budget_nok", "ramme")),
    Column("spent_nok", "brukt_kr", "kroner", "Brukt så langt, i hele kroner.", "1 200 000",
           aliases=("brukt", "spent", "spent_nok", "forbruk", "regnskap")),
    Column("start_year", "startår", "year", "Året prosjektet starter.", "2024", required=True,
           aliases=("start", "start_year", "fra år", "startaar")),
    Column("end_year", "sluttår", "year", "Året prosjektet er ferdig (tomt hvis ikke bestemt).", "2026",
           aliases=("slutt", "end_year", "til år", "sluttaar")),
    Column("status", "status", "choice", "Hvor langt prosjektet har kommet.", "Pågår", required=True,
           choices=STATUS_WORDS),
    Column("lon", "lengdegrad", "number", "Lengdegrad (WGS 84, f.eks. 5,2375) for et punkt på kartet; tomt "
           "gir ingen prikk.", "5,2375", aliases=("lon", "lng", "longitude", "x")),
    Column("lat", "breddegrad", "number", "Breddegrad (WGS 84, f.eks. 60,3661).", "60,3661",
           aliases=("lat", "latitude", "y")),
    Column("description", "beskrivelse", "text", "Kort beskrivelse (valgfritt).", "", limit=2000,
           aliases=("description", "omtale")),
    cols.ILLUSTRATIVE,
    cols.SOURCE_KEY,
)
VALUE_FIELDS = ("description", "zone_id", "lon", "lat", "category", "funding_source", "budget_nok", "spent_nok", "start_year",
                "end_year", "status", "illustrative")


def describe(r: dict) -> str:
    if not r.get("name") or r.get("name") is pd.NA:
        return ""
    return (f"{r['name']}: {records.money(r.get('budget_nok'))} budsjett, {records.money(r.get('spent_nok'))} brukt, "
            f"{STATUS_WORDS.get(r.get('status'), r.get('status'))}"
            + (" – eksempeldata" if r.get("illustrative") is True else ""))


def _zones(ctx: Context, t: cols.Typed) -> pd.Series:
    """The zone column as zone ids (by code, else by a name only one zone has)."""
    from omradesatsing.importers.indicators import Places

    texts = t.values["zone"]
    if texts.isna().all():
        return pd.Series([None] * len(t), dtype="Int64")
    places = Places(ctx.session)
    found = cols.unique_map(texts, lambda v: None if v is None else places.resolve(None, v, 9999))
    ids = found.map(lambda r: r[0][1] if r and r[0] and r[0][0] == "zone" else None)
    bad = (texts.notna() & ids.isna()).to_numpy(dtype=bool)
    t.bad(bad, "zone", lambda p: Text("imp.write_zone_code", reason=found.iloc[p][1] if found.iloc[p] and found.iloc[p][1]
                                      else Text("imp.not_a_zone", name=texts.iloc[p])))
    return ids.astype("Int64")


def plan(ctx: Context, t: cols.Typed) -> Plan:
    area_id = records.area_ids(ctx, t)
    start, end = t.values["start_year"], t.values["end_year"]
    t.bad((end < start).to_numpy(), "end_year", lambda p: Text("imp.end_before_start", end=int(end.iloc[p]),
                                                               start=int(start.iloc[p])))
    lon, lat = t.values["lon"], t.values["lat"]
    t.bad((lon.isna() ^ lat.isna()).to_numpy(), "lon", Text("imp.lon_lat_both"))
    outside = (lon.notna() & lat.notna() & ((lon < BERGEN_BOX[0]) | (lon > BERGEN_BOX[2]) | (lat < BERGEN_BOX[1])
                                            | (lat > BERGEN_BOX[3]))).to_numpy()
    t.bad(outside, "lon", lambda p: Text("imp.outside_bergen", lon=f"{lon.iloc[p]:g}", lat=f"{lat.iloc[p]:g}"))
    spent = t.values["spent_nok"].fillna(0)
    zone_id = _zones(ctx, t)
    rows = pd.DataFrame({
        "pos": np.arange(len(t)), "name": t.values["name"], "description": t.values["description"],
        "area_id": area_id, "zone_id": zone_id, "lon": lon, "lat": lat,
        "category": t.values["category"], "funding_source": t.values["funding_source"],
        "budget_nok": t.values["budget_nok"].astype("Int64"), "spent_nok": spent.astype("Int64"),
        "start_year": start.astype("Int64"), "end_year": end.astype("Int64"), "status": t.values["status"],
        "illustrative": t.values["illustrative"].astype(bool)})
    out = records.plan_records(ctx, t, Investment.__table__, rows, ("area_id", "name"), VALUE_FIELDS, describe,
                               version_column="version", key_words="område og navn")
    out.unknown = {"områder": records.unknown_areas(t, area_id)}
    return out
