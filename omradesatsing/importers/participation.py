"""Participation (medvirkning): folkemøter, Barnetråkk, surveys, neighbourhood groups, workshops; one
row per activity, matched on area, kind, title and date."""

from __future__ import annotations

import numpy as np
import pandas as pd

from omradesatsing.importers import columns as cols, records
from omradesatsing.importers.columns import Column
from omradesatsing.importers.run import Context, Plan
from omradesatsing.models import ParticipationActivity
from omradesatsing.vocabulary import PARTICIPATION_KINDS

KIND_WORDS = dict(zip(PARTICIPATION_KINDS, ("Folkemøte", "Barnetråkk", "Innbyggerundersøkelse", "Nærmiljøgruppe",
                                            "Verksted"), strict=True))

COLUMNS = (
    Column("area", "område", "text", "Satsingsområdet (navn eller nøkkel).", "Loddefjord", required=True,
           aliases=("omrade", "area", "satsingsområde")),
    Column("kind", "type", "choice", "Hva slags medvirkning.", "Folkemøte", required=True,
           aliases=("kind", "aktivitet", "medvirkning"), choices=KIND_WORDS),
    Column("title", "tittel", "text", "Hva aktiviteten het.", "Folkemøte om nye Loddefjord sentrum", required=True,
           aliases=("title", "navn")),
    Column("date", "dato", "date", "Datoen (dd.mm.åååå).", "14.03.2024", required=True, aliases=("date", "når")),
    Column("participants", "deltakere", "count", "Antall deltakere (valgfritt).", "85",
           aliases=("participants", "antall", "antall deltakere")),
    Column("description", "beskrivelse", "text", "Kort beskrivelse (valgfritt).", "", limit=2000,
           aliases=("description", "omtale")),
    cols.ILLUSTRATIVE,
    cols.SOURCE_KEY,
)
VALUE_FIELDS = ("participants", "description", "illustrative")


def describe(r: dict) -> str:
    if not r.get("title") or r.get("title") is pd.NA:
        return ""
    n = r.get("participants")
    return (f"{KIND_WORDS.get(r.get('kind'), r.get('kind'))} {r.get('date')}: {r['title']}"
            + (f" ({int(n)} deltakere)" if n is not None and n is not pd.NA and not pd.isna(n) else "")
            + (" – eksempeldata" if r.get("illustrative") is True else ""))


def plan(ctx: Context, t: cols.Typed) -> Plan:
    area_id = records.area_ids(ctx, t)
    rows = pd.DataFrame({
        "pos": np.arange(len(t)), "area_id": area_id, "kind": t.values["kind"], "title": t.values["title"],
        "date": t.values["date"], "participants": t.values["participants"].astype("Int64"),
        "description": t.values["description"], "illustrative": t.values["illustrative"].astype(bool)})
    out = records.plan_records(ctx, t, ParticipationActivity.__table__, rows, ("area_id", "kind", "title", "date"),
                               VALUE_FIELDS, describe, key_column="title", key_words="område, type, tittel og dato")
    out.unknown = {"områder": records.unknown_areas(t, area_id)}
    return out
