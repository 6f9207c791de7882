"""Targets: the value an indicator should reach in an area by a year; matched on indicator, area and
year."""

from __future__ import annotations

import numpy as np
import pandas as pd

from omradesatsing.catalogue import Text
from omradesatsing.importers import columns as cols, records
from omradesatsing.importers.columns import Column
from omradesatsing.importers.run import Context, Plan
from omradesatsing.models import IndicatorTarget

COLUMNS = (
    Column("indicator", "indikator", "text", "Indikatorens nøkkel eller navn.", "not_completed_upper_secondary",
           required=True, aliases=("indikatornøkkel", "indicator")),
    Column("area", "område", "text", "Satsingsområdet (navn eller nøkkel).", "Olsvik", required=True,
           aliases=("omrade", "area", "satsingsområde")),
    Column("target_value", "målverdi", "number", "Verdien indikatoren skal nå, i indikatorens enhet.", "25",
           required=True, aliases=("mål", "maal", "target", "target_value", "malverdi")),
    Column("target_year", "målår", "year", "Året målet skal være nådd.", "2028", required=True,
           aliases=("målår", "target_year", "innen", "malar")),
    cols.ILLUSTRATIVE,
    cols.SOURCE_KEY,
)
VALUE_FIELDS = ("target_value", "illustrative")


def plan(ctx: Context, t: cols.Typed) -> Plan:
    from omradesatsing.importers.indicators import indicator_lookup

    lookup, frame_ = indicator_lookup(ctx.session)  # the indicator kind's own rule for key and names
    unit = dict(zip(frame_["id"], frame_["unit"], strict=True))
    keys = dict(zip(frame_["id"], frame_["key"], strict=True))
    names = t.values["indicator"]
    ind_id = cols.unique_map(names, lambda v: None if v is None else lookup.get(cols.norm(v))).astype("Int64")
    missing = (names.notna() & ind_id.isna()).to_numpy()
    known = "; ".join(f"{r.key} ({r.name_nb})" for r in frame_.itertuples(index=False))
    t.bad(missing, "indicator", lambda p: Text("imp.unknown_indicator", name=names.iloc[p], known=known))
    value = t.values["target_value"]
    pct = (ind_id.map(unit) == "percent").fillna(False).to_numpy(dtype=bool) & ((value < 0) | (value > 100)).to_numpy()
    t.bad(pct, "target_value", lambda p: Text("imp.percent_range_target", value=f"{value.iloc[p]:g}"))
    area_id = records.area_ids(ctx, t)
    rows = pd.DataFrame({"pos": np.arange(len(t)), "indicator_id": ind_id, "area_id": area_id,
                         "target_value": value, "target_year": t.values["target_year"].astype("Int64"),
                         "illustrative": t.values["illustrative"].astype(bool)})

    def describe(r: dict) -> str:
        if r.get("indicator_id") is None or r.get("indicator_id") is pd.NA or pd.isna(r.get("indicator_id")):
            return ""
        return (f"{keys.get(int(r['indicator_id']), '')}: {r.get('target_value'):g} innen {r.get('target_year')}"
                + (" – eksempeldata" if r.get("illustrative") is True else ""))

    out = records.plan_records(ctx, t, IndicatorTarget.__table__, rows, ("indicator_id", "area_id", "target_year"),
                               VALUE_FIELDS, describe, key_column="indicator",
                               key_words="indikator, område og målår")
    out.unknown = {"indikatorer": sorted({str(v) for v in names[missing]}),
                   "områder": records.unknown_areas(t, area_id)}
    return out
