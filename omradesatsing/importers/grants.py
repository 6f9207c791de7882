"""State grants (tilskudd): one row per grant and budget year, matched on year, scheme, recipient and
area."""

from __future__ import annotations

import numpy as np
import pandas as pd

from omradesatsing.importers import columns as cols, records
from omradesatsing.importers.columns import Column
from omradesatsing.importers.run import Context, Plan
from omradesatsing.models import Grant
from omradesatsing.vocabulary import GRANT_STATUSES

STATUS_WORDS = dict(zip(GRANT_STATUSES, ("Foreslått i statsbudsjettet", "Bevilget"), strict=True))

COLUMNS = (
    Column("year", "år", "year", "Budsjettåret.", "2025", required=True, aliases=("aar", "year", "budsjettår")),
    Column("amount_nok", "beløp_kr", "kroner", "Beløpet i hele kroner.", "12 700 000", required=True,
           aliases=("beløp", "belop", "amount", "amount_nok", "kroner")),
    Column("scheme", "ordning", "text", "Tilskuddsordningen eller budsjettposten.",
           "Tilskudd til områdesatsing i byer (kap. 590 post 65)", required=True, aliases=("scheme", "post")),
    Column("funder", "gitt_av", "text", "Hvem som gir tilskuddet.", "Kommunal- og distriktsdepartementet",
           required=True, aliases=("giver", "funder", "fra", "tilskuddsgiver")),
    Column("recipient", "mottaker", "text", "Hvem som mottar.", "Bergen kommune", required=True,
           aliases=("recipient", "til")),
    Column("area", "område", "text", "Satsingsområdet tilskuddet gjelder; tomt når det gjelder hele "
           "områdesatsingen (bare administratorer).", "", aliases=("omrade", "area", "satsingsområde")),
    Column("status", "status", "choice", "Foreslått eller bevilget.", "Bevilget", required=True,
           choices=STATUS_WORDS),
    Column("in_sums", "i_summer", "bool", "nei for en publisert sum som har delene sine som egne rader (den "
           "telles da ikke to ganger); tomt eller ja ellers.", "ja", aliases=("in_sums", "telles med"),
           default=True),
    Column("derived", "avledet", "bool", "ja når beløpet er regnet ut fra andre publiserte tall (f.eks. en sum "
           "minus en del), ikke publisert selv; merknaden sier hvordan.", "nei", aliases=("derived", "utregnet")),
    Column("note", "merknad", "text", "Forbehold eller forklaring (valgfritt).", "", limit=2000,
           aliases=("note", "kommentar")),
    cols.ILLUSTRATIVE,
    cols.SOURCE_KEY,
)
VALUE_FIELDS = ("amount_nok", "funder", "status", "in_sums", "derived", "note", "illustrative")


def describe(r: dict) -> str:
    if r.get("year") is None or r.get("year") is pd.NA:
        return ""
    return (f"{r.get('year')}: {records.money(r.get('amount_nok'))} til {r.get('recipient')} "
            f"({STATUS_WORDS.get(r.get('status'), r.get('status'))})"
            + (" – eksempeldata" if r.get("illustrative") is True else ""))


def plan(ctx: Context, t: cols.Typed) -> Plan:
    area_id = records.area_ids(ctx, t)
    rows = pd.DataFrame({
        "pos": np.arange(len(t)), "year": t.values["year"].astype("Int64"),
        "amount_nok": t.values["amount_nok"].astype("Int64"), "scheme": t.values["scheme"],
        "funder": t.values["funder"], "recipient": t.values["recipient"], "area_id": area_id,
        "status": t.values["status"], "derived": t.values["derived"].astype(bool), "in_sums": t.values["in_sums"].astype(bool),
        "note": t.values["note"], "illustrative": t.values["illustrative"].astype(bool)})
    out = records.plan_records(ctx, t, Grant.__table__, rows, ("year", "scheme", "recipient", "area_id"),
                               VALUE_FIELDS, describe, version_column="version", key_column="scheme",
                               key_words="år, ordning, mottaker og område")
    out.unknown = {"områder": records.unknown_areas(t, area_id)}
    return out
