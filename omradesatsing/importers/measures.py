"""Measures (tiltak): one row per measure in a subprogramme, matched on subprogramme and name. A new
status or progress is written to the measure's status history too, as a form would; the areas column
replaces the measure's areas. Example measures are not removed by an import (they carry history,
milestones and report snapshots): they keep their mark until a row of the file names them."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from sqlalchemy import delete, select

from omradesatsing.catalogue import Text
from omradesatsing.importers import columns as cols, records
from omradesatsing.importers.columns import Column
from omradesatsing.importers.run import Context, Plan, bulk_insert, next_ids
from omradesatsing.models import Measure, MeasureArea, StatusUpdate, Subprogramme, utcnow
from omradesatsing.vocabulary import MEASURE_STATUSES

STATUS_WORDS = dict(zip(MEASURE_STATUSES, ("Ikke startet", "I rute", "Risiko", "Ikke i rute", "Fullført"),
                        strict=True))

COLUMNS = (
    Column("subprogramme", "delprogram", "text", "Delprogrammets nummer (1–6) eller navn.", "2", required=True,
           aliases=("delprogramnummer", "subprogramme", "program")),
    Column("name", "navn", "text", "Tiltakets navn.", "Leksehjelp på biblioteket", required=True,
           aliases=("tiltak", "name", "tiltaksnavn")),
    Column("areas", "områder", "text", "Satsingsområdene tiltaket gjelder, skilt med komma (navn eller "
           "nøkkel).", "Loddefjord, Olsvik", aliases=("område", "omrader", "areas", "area")),
    Column("responsible_unit", "ansvarlig", "text", "Enheten som har ansvaret (valgfritt).", "Bydelsbiblioteket",
           aliases=("ansvarlig enhet", "responsible", "eier")),
    Column("start_date", "startdato", "date", "Når tiltaket starter (dd.mm.åååå).", "01.08.2024",
           aliases=("start", "fra")),
    Column("end_date", "sluttdato", "date", "Når tiltaket slutter (tomt hvis løpende).", "30.06.2026",
           aliases=("slutt", "til")),
    Column("status", "status", "choice", "Status nå.", "I rute", required=True, choices=STATUS_WORDS),
    Column("progress", "framdrift", "int", "Framdrift i prosent, 0–100.", "40",
           aliases=("fremdrift", "progress", "prosent ferdig")),
    Column("description", "beskrivelse", "text", "Kort beskrivelse (valgfritt).", "", limit=2000,
           aliases=("description", "omtale")),
    cols.ILLUSTRATIVE,
    Column("status_illustrative", "status_eksempeldata", "bool", "ja når tiltaket er ekte, men status, "
           "framdrift og datoer er eksempler (tomt: som «eksempeldata»).", "", aliases=("status_illustrative",)),
    cols.SOURCE_KEY,
)
VALUE_FIELDS = ("description", "responsible_unit", "start_date", "end_date", "status", "progress", "illustrative",
                "status_illustrative")


def describe(r: dict) -> str:
    if not r.get("name") or r.get("name") is pd.NA:
        return ""
    p = r.get("progress")
    return (f"{r['name']}: {STATUS_WORDS.get(r.get('status'), r.get('status'))}"
            + (f", {int(p)} %" if p is not None and p is not pd.NA and not pd.isna(p) else "")
            + (" – eksempeldata" if r.get("illustrative") is True else ""))


def plan(ctx: Context, t: cols.Typed) -> Plan:
    session = ctx.session
    subs = session.execute(select(Subprogramme.id, Subprogramme.number, Subprogramme.name)).all()
    lookup = {}
    for s in subs:
        lookup[str(s.number)] = s.id
        lookup[cols.norm(s.name)] = s.id
        lookup[cols.norm(f"delprogram {s.number}")] = s.id
    names = t.values["subprogramme"]
    sub_id = cols.unique_map(names, lambda v: None if v is None else lookup.get(str(v).strip()) or lookup.get(
        cols.norm(v))).astype("Int64")
    bad_sub = (names.notna() & sub_id.isna()).to_numpy()
    listed = ", ".join(f"{s.number} ({s.name})" for s in sorted(subs, key=lambda s: s.number))
    t.bad(bad_sub, "subprogramme", lambda p: Text("imp.unknown_subprogramme", name=names.iloc[p], known=listed))
    known = records.areas(session)
    area_lists = []
    unknown_areas = set()
    mine = {a[0] for a in known.values() if a[1] in ctx.actor.area_slugs}
    for pos, text in enumerate(t.values["areas"]):
        ids = []
        for part in [p.strip() for p in re.split(r"[,;]", text or "") if p.strip()]:
            hit = known.get(cols.norm(part))
            if hit is None:
                unknown_areas.add(part)
                t.bad(np.arange(len(t)) == pos, "areas", Text("imp.unknown_area", name=part))
            else:
                ids.append(hit[0])
        if not ctx.is_admin and (not ids or any(i not in mine for i in ids)):
            t.bad(np.arange(len(t)) == pos, "areas", Text("imp.own_measures_only", areas=", ".join(
                sorted(ctx.actor.area_slugs)) or Text("imp.none")))
        area_lists.append(sorted(set(ids)))
    progress = t.values["progress"]
    t.bad(((progress < 0) | (progress > 100)).to_numpy(), "progress",
          lambda p: Text("imp.progress_range", value=f"{progress.iloc[p]:g}"))
    start, end = t.values["start_date"], t.values["end_date"]
    t.bad(np.array([s is not None and e is not None and e < s for s, e in zip(start, end, strict=True)], dtype=bool),
          "end_date", Text("imp.end_date_before"))
    illustrative = t.values["illustrative"].astype(bool)
    status_illustrative = (t.values["status_illustrative"].astype(bool) | illustrative
                           if "status_illustrative" in t.present else illustrative)
    rows = pd.DataFrame({
        "pos": np.arange(len(t)), "subprogramme_id": sub_id, "name": t.values["name"],
        "description": t.values["description"], "responsible_unit": t.values["responsible_unit"],
        "start_date": start, "end_date": end, "status": t.values["status"],
        "progress": progress.fillna(0).astype("Int64"), "updated_at": utcnow(), "illustrative": illustrative,
        "status_illustrative": status_illustrative})
    area_by_pos = dict(enumerate(area_lists))
    has_areas = "areas" in t.present
    out = records.plan_records(ctx, t, Measure.__table__, rows, ("subprogramme_id", "name"), VALUE_FIELDS, describe,
                               version_column="version", remove_examples=False, area_field=None,
                               key_words="delprogram og navn")
    # updated_at changes with every write, so it is set here and not compared
    if len(out.updates):
        out.updates["updated_at"] = utcnow()
    out.unknown = {"områder": sorted(unknown_areas)}
    key_rows = rows.set_index(records.key_text(rows, ("subprogramme_id", "name")))
    out.after_write = _after(area_by_pos, has_areas, key_rows, ctx, t.raw.file_name)
    return out


def _after(area_by_pos, has_areas: bool, key_rows: pd.DataFrame, ctx: Context, file_name: str):
    def write(session, import_id: int, plan: Plan, undo: dict) -> None:
        now = utcnow()
        ma = MeasureArea.__table__
        new_links, removed_links, history = [], [], []
        before = plan.before.set_index("id") if len(plan.before) else pd.DataFrame()
        for frame_, is_new in ((plan.inserts, True), (plan.updates, False)):
            for r in frame_.to_dict("records"):
                mid = int(r["id"])
                if is_new:
                    key = records.key_text(pd.DataFrame([r]), ("subprogramme_id", "name")).iloc[0]
                else:
                    key = None
                pos = int(key_rows.loc[key, "pos"]) if key is not None else None
                if is_new or has_areas:
                    if pos is None:
                        row = session.get(Measure, mid)
                        key = records.key_text(pd.DataFrame([{"subprogramme_id": row.subprogramme_id,
                                                              "name": row.name}]),
                                               ("subprogramme_id", "name")).iloc[0]
                        pos = int(key_rows.loc[key, "pos"])
                    wanted = set(area_by_pos.get(pos, []))
                    have = set(session.scalars(select(MeasureArea.area_id).where(MeasureArea.measure_id == mid)))
                    for a in sorted(wanted - have):
                        new_links.append({"measure_id": mid, "area_id": a})
                    for a in sorted(have - wanted):
                        removed_links.append({"measure_id": mid, "area_id": a})
                old = before.loc[mid] if not is_new and mid in before.index else None
                if is_new or old["status"] != r["status"] or int(old["progress"]) != int(r["progress"]):
                    history.append({"measure_id": mid, "previous_status": None if is_new else old["status"],
                                    "status": r["status"], "progress": int(r["progress"]),
                                    "comment": f"Importert fra fila {file_name}", "changed_by": ctx.actor.username,
                                    "changed_at": now, "illustrative": bool(r["illustrative"])})
        for link in removed_links:
            session.execute(delete(ma).where(ma.c.measure_id == link["measure_id"], ma.c.area_id == link["area_id"]))
        if new_links:
            session.execute(ma.insert(), new_links)
        if history:
            table = StatusUpdate.__table__
            frame_ = pd.DataFrame(history)
            frame_.insert(0, "id", next_ids(session, table, len(frame_)))
            bulk_insert(session, table, frame_)
            undo.setdefault("extra", {})["status_update"] = [[int(frame_["id"].min()), int(frame_["id"].max())]]
        undo["extra_inserted_keys"] = {"measure_area": new_links}
        undo["extra_deleted"] = {"measure_area": removed_links}
    return write
