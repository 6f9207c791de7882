"""Everything out as one zip, and in again: ``export_zip`` writes the store's data in the import
templates' format (one CSV per kind) with the reference data an empty store needs for those rows
(sources, boundary versions, zones as GeoJSON, zone parts, areas, indicators, pillars and
subprogrammes, import profiles) and a Norwegian README; ``import_bundle`` reads such a zip into a
store (``init-db --empty`` and then ``import FIL.zip``) in one transaction.

The zip is deterministic: the same store gives the same bytes (fixed entry timestamps, sorted file
names, rows sorted by their text, no export date anywhere). Every row keeps its illustrative mark
(``eksempeldata``) and its own source (``kildenøkkel`` = ``Source.key``, listed in kilder.csv).
Values hidden by suppression are left out for anyone but admins; an admin's export includes them,
marked in an extra last column ``prikket_i_dashbordet`` (ja/nei) that the importer lists as unused.

What the format cannot carry (so an export of a store imported again does not have it either): the
measures' status history, milestones, report snapshots and linked indicators, the investments' zone,
the indicators' ``updated_at``, a value's ``value_text`` next to a number, import logs, revisions,
users and the audit log.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from omradesatsing import config, db, suppression
from omradesatsing.auth import current_actor
from omradesatsing.commands import Problem
from omradesatsing.importers import (
    grants,
    indicators,
    investments,
    measures,
    participation,
    run,
    tables,
    targets,
)
from omradesatsing.models import (
    Area,
    AreaZone,
    AuditEntry,
    BoundaryVersion,
    Grant,
    ImportProfile,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Investment,
    Measure,
    MeasureArea,
    ParticipationActivity,
    Pillar,
    Source,
    Subprogramme,
    Zone,
    ZonePart,
)
from omradesatsing.permissions import Actor, has_role, require_role
from omradesatsing.suppression import period_years
from omradesatsing.vocabulary import AREA_STATES, UNITS, ZONE_LEVELS

ZIP_DATE = (2026, 1, 1, 0, 0, 0)
HIDDEN_COLUMN = "prikket_i_dashbordet"
# kind → (file name, the kind's module), in the order an import needs them
KIND_FILES = {"indicators": ("indikatorverdier.csv", indicators), "investments": ("investeringer.csv", investments),
              "grants": ("tilskudd.csv", grants), "measures": ("tiltak.csv", measures),
              "participation": ("medvirkning.csv", participation), "targets": ("maal.csv", targets)}
SOURCE_COLUMNS = ("key", "title", "publisher", "url", "licence", "period", "note", "illustrative")
BOUNDARY_COLUMNS = ("key", "name", "level", "valid_from", "valid_to", "zone_count", "source", "note")
PART_COLUMNS = ("zone_level", "zone_code", "zone_boundary_version", "part_level", "part_code",
                "part_boundary_version")
AREA_COLUMNS = ("slug", "name", "start_year", "end_year", "state", "bydel_name", "levekaarssone_names",
                "coordinator", "description", "geometry_note", "population", "population_illustrative", "source",
                "note", "zones", "zone_notes")
INDICATOR_COLUMNS = ("key", "name_nb", "name_nn", "name_en", "definition_nb", "definition_nn", "definition_en",
                     "why_nb", "why_nn", "why_en", "unit", "decimals", "higher_is_better", "topic", "source")
PROGRAMME_COLUMNS = ("kind", "number", "name_nb", "name_nn", "name_en", "goal", "leader", "pillar", "illustrative",
                     "source")
REFERENCE_CSV = {"kilder.csv": SOURCE_COLUMNS, "grenseutgaver.csv": BOUNDARY_COLUMNS, "sonedeler.csv": PART_COLUMNS,
                 "omrader.csv": AREA_COLUMNS, "indikatorer.csv": INDICATOR_COLUMNS,
                 "delprogrammer.csv": PROGRAMME_COLUMNS}
PROFILES_FILE = "importprofiler.json"
README = "README.md"
REQUIRED = (*REFERENCE_CSV, PROFILES_FILE, *(name for name, _m in KIND_FILES.values()))
ZONE_FILE_PREFIX, ZONE_FILE_SUFFIX = "soner-", ".geojson"
MAX_TOTAL_BYTES = 4 * tables.MAX_FILE_BYTES  # all members unpacked together (zip bomb guard)
PILLAR_WORD, SUBPROGRAMME_WORD = "hovedpilar", "delprogram"


# --- writing cells --------------------------------------------------------------------------------

def _num(v) -> str:
    """A number as a Norwegian spreadsheet writes it (decimal comma), exact: the shortest text that reads
    back as the same float."""
    if v is None or (isinstance(v, float) and v != v):
        return ""
    f = float(v)
    if f.is_integer() and abs(f) < 1e15:
        return str(int(f))
    return repr(f).replace(".", ",")


def _int(v) -> str:
    return "" if v is None else str(int(v))


def _bool(v) -> str:
    return "ja" if v else "nei"


def _opt_bool(v) -> str:
    return "" if v is None else _bool(v)


def _text(v) -> str:
    return "" if v is None else str(v)


def _date(v: dt.date | None) -> str:
    return "" if v is None else v.strftime("%d.%m.%Y")


def _row(columns_, **cells) -> list[str]:
    """A kind's CSV row in its columns' order, from cells named by column key (a missing one is empty;
    an unknown one is a bug here)."""
    keys = {c.key for c in columns_}
    unknown = set(cells) - keys
    if unknown:
        raise AssertionError(f"no such column: {sorted(unknown)}")
    return [cells.get(c.key) or "" for c in columns_]


def _count_yes(columns_, rows) -> int:
    at = [c.key for c in columns_].index("illustrative")
    return sum(r[at] == "ja" for r in rows)


def _csv_bytes(header: Iterable[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(list(header))
    writer.writerows(sorted(rows))
    return out.getvalue().encode("utf-8-sig")


def _json_bytes(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


# --- what an export holds -------------------------------------------------------------------------

@dataclass
class _Selection:
    """The areas and zones an export covers (None: all)."""

    area_ids: set[int] | None
    zone_ids: set[int] | None  # the areas' zones, the zones below them and their parts: their values
    reference_zone_ids: set[int] | None  # and the zones above those, so the parent links resolve


def _select(session: Session, area_slugs: tuple[str, ...] | None) -> _Selection:
    if area_slugs is None:
        return _Selection(None, None, None)
    found = dict(session.execute(select(Area.slug, Area.id).where(Area.slug.in_(area_slugs))).all())
    missing = sorted(set(area_slugs) - set(found))
    if missing:
        known = ", ".join(session.scalars(select(Area.slug).order_by(Area.slug)))
        raise run.refuse(f"Ukjent område: {', '.join(missing)}. Kjente områder er: {known}.", "område")
    area_ids = set(found.values())
    start = set(session.scalars(select(AreaZone.zone_id).where(AreaZone.area_id.in_(area_ids))))
    children: dict[int, list[int]] = {}
    parent: dict[int, int | None] = {}
    for zid, pid in session.execute(select(Zone.id, Zone.parent_id)).all():
        parent[zid] = pid
        if pid is not None:
            children.setdefault(pid, []).append(zid)
    for zid, pid in session.execute(select(ZonePart.zone_id, ZonePart.part_id)).all():
        children.setdefault(zid, []).append(pid)
    zones, todo = set(), list(start)
    while todo:
        z = todo.pop()
        if z not in zones:
            zones.add(z)
            todo.extend(children.get(z, []))
    reference = set(zones)
    for z in zones:
        p = parent.get(z)
        while p is not None and p not in reference:
            reference.add(p)
            p = parent.get(p)
    return _Selection(area_ids, zones, reference)


def _in(ids: set[int] | None, value) -> bool:
    return ids is None or value in ids


def export_zip(engine: Engine, actor: Actor | None, *,
               area_slugs: tuple[str, ...] | None = None) -> tuple[bytes, dict[str, int]]:
    """The store (or the rows of ``area_slugs``) as a zip in the import templates' format; returns the
    zip and, per file, its number of data rows. Suppressed values are included (marked) only for
    admins."""
    admin = actor is not None and has_role(actor, "admin")
    files: dict[str, bytes] = {}
    counts: dict[str, int] = {}
    with Session(engine) as session:
        sel = _select(session, tuple(area_slugs) if area_slugs else None)
        src_key = dict(session.execute(select(Source.id, Source.key)).all())
        area_slug = dict(session.execute(select(Area.id, Area.slug)).all())
        bv_key = dict(session.execute(select(BoundaryVersion.id, BoundaryVersion.key)).all())
        zone_rows = {z.id: z for z in session.execute(select(
            Zone.id, Zone.level, Zone.code, Zone.name, Zone.parent_id, Zone.boundary_version_id, Zone.geometry,
            Zone.population, Zone.population_year, Zone.source_id, Zone.note)).all()}
        ind_key = dict(session.execute(select(Indicator.id, Indicator.key)).all())

        def put(name: str, header, rows: list[list[str]]) -> None:
            files[name] = _csv_bytes(header, rows)
            counts[name] = len(rows)

        # indicator values
        hidden_count, illustrative = 0, {}
        rows = []
        iv = IndicatorValue
        for v in session.execute(select(iv.indicator_id, iv.scope, iv.zone_id, iv.area_id, iv.period, iv.year, iv.value,
                                        iv.value_text, iv.numerator, iv.denominator, iv.ci_low, iv.ci_high,
                                        iv.suppressed, iv.note, iv.illustrative, iv.source_id, iv.protection)):
            if v.scope == "zone":
                if not _in(sel.zone_ids, v.zone_id):
                    continue
                z = zone_rows[v.zone_id]
                level, place = indicators.LEVEL_WORDS[z.level], z.code
            elif v.scope == "area":
                if not _in(sel.area_ids, v.area_id):
                    continue
                level, place = "område", area_slug[v.area_id]
            elif sel.area_ids is not None:
                continue  # the city's and the country's values belong to no area
            elif v.scope == "city":
                level, place = "kommune", indicators.CITY_CODE
            else:
                level, place = "land", "0"
            hidden = v.protection != suppression.OPEN
            if hidden:
                hidden_count += 1
                if not admin:
                    continue
            in_words = period_years(v.period) is None and not re.fullmatch(r"\d{4}", v.period or "")
            row = _row(indicators.COLUMNS, indicator=ind_key[v.indicator_id], level=level, place=place,
                       period=v.period, year=_int(v.year) if in_words else "", value=_num(v.value),
                       value_text=_text(v.value_text), numerator=_int(v.numerator), denominator=_int(v.denominator),
                       ci_low=_num(v.ci_low), ci_high=_num(v.ci_high), suppressed=_bool(v.suppressed),
                       note=_text(v.note), illustrative=_bool(v.illustrative), source_key=src_key[v.source_id])
            if admin:
                row.append(_bool(hidden))
            rows.append(row)
        header = [c.header for c in indicators.COLUMNS] + ([HIDDEN_COLUMN] if admin else [])
        put("indikatorverdier.csv", header, rows)
        illustrative["indikatorverdier.csv"] = _count_yes(indicators.COLUMNS, rows)

        rows = []
        for r in session.scalars(select(Investment)):
            if not _in(sel.area_ids, r.area_id) or (sel.area_ids is not None and r.area_id is None):
                continue
            zone = zone_rows.get(r.zone_id) if r.zone_id is not None else None
            rows.append(_row(investments.COLUMNS, name=r.name, area=_text(area_slug.get(r.area_id)),
                             zone=zone.code if zone is not None else "",
                             category=r.category, funding_source=r.funding_source, budget_nok=_int(r.budget_nok),
                             spent_nok=_int(r.spent_nok), start_year=_int(r.start_year), end_year=_int(r.end_year),
                             status=r.status, lon=_num(r.lon), lat=_num(r.lat), description=_text(r.description),
                             illustrative=_bool(r.illustrative), source_key=_text(src_key.get(r.source_id))))
        put("investeringer.csv", [c.header for c in investments.COLUMNS], rows)
        illustrative["investeringer.csv"] = _count_yes(investments.COLUMNS, rows)

        rows = []
        for r in session.scalars(select(Grant)):
            if sel.area_ids is not None and r.area_id not in sel.area_ids:
                continue
            rows.append(_row(grants.COLUMNS, year=_int(r.year), amount_nok=_int(r.amount_nok), scheme=r.scheme,
                             funder=r.funder, recipient=r.recipient, area=_text(area_slug.get(r.area_id)),
                             status=r.status, in_sums=_bool(r.in_sums), derived=_bool(r.derived), note=_text(r.note),
                             illustrative=_bool(r.illustrative), source_key=src_key[r.source_id]))
        put("tilskudd.csv", [c.header for c in grants.COLUMNS], rows)
        illustrative["tilskudd.csv"] = _count_yes(grants.COLUMNS, rows)

        rows = []
        sub_number = dict(session.execute(select(Subprogramme.id, Subprogramme.number)).all())
        measure_areas: dict[int, list[str]] = {}
        for mid, aid in session.execute(select(MeasureArea.measure_id, MeasureArea.area_id)).all():
            if _in(sel.area_ids, aid):
                measure_areas.setdefault(mid, []).append(area_slug[aid])
        for r in session.scalars(select(Measure)):
            if sel.area_ids is not None and r.id not in measure_areas:
                continue
            rows.append(_row(measures.COLUMNS, subprogramme=str(sub_number[r.subprogramme_id]), name=r.name,
                             areas=", ".join(sorted(measure_areas.get(r.id, []))),
                             responsible_unit=_text(r.responsible_unit), start_date=_date(r.start_date),
                             end_date=_date(r.end_date), status=r.status, progress=_int(r.progress),
                             description=_text(r.description), illustrative=_bool(r.illustrative),
                             status_illustrative=_bool(r.status_illustrative),
                             source_key=_text(src_key.get(r.source_id))))
        put("tiltak.csv", [c.header for c in measures.COLUMNS], rows)
        illustrative["tiltak.csv"] = _count_yes(measures.COLUMNS, rows)

        rows = []
        for r in session.scalars(select(ParticipationActivity)):
            if sel.area_ids is not None and r.area_id not in sel.area_ids:
                continue
            rows.append(_row(participation.COLUMNS, area=_text(area_slug.get(r.area_id)), kind=r.kind, title=r.title,
                             date=_date(r.date), participants=_int(r.participants), description=_text(r.description),
                             illustrative=_bool(r.illustrative), source_key=_text(src_key.get(r.source_id))))
        put("medvirkning.csv", [c.header for c in participation.COLUMNS], rows)
        illustrative["medvirkning.csv"] = _count_yes(participation.COLUMNS, rows)

        rows = []
        for r in session.scalars(select(IndicatorTarget)):
            if not _in(sel.area_ids, r.area_id):
                continue
            rows.append(_row(targets.COLUMNS, indicator=ind_key[r.indicator_id], area=area_slug[r.area_id],
                             target_value=_num(r.target_value), target_year=_int(r.target_year),
                             illustrative=_bool(r.illustrative), source_key=src_key[r.source_id]))
        put("maal.csv", [c.header for c in targets.COLUMNS], rows)
        illustrative["maal.csv"] = _count_yes(targets.COLUMNS, rows)

        # reference data
        sources = session.scalars(select(Source).order_by(Source.key)).all()
        put("kilder.csv", SOURCE_COLUMNS, [[s.key, s.title, _text(s.publisher), _text(s.url), _text(s.licence),
                                           _text(s.period), _text(s.note), _bool(s.illustrative)] for s in sources])
        put("grenseutgaver.csv", BOUNDARY_COLUMNS, [
            [b.key, b.name, b.level, _int(b.valid_from), _int(b.valid_to), _int(b.zone_count),
             _text(src_key.get(b.source_id)), _text(b.note)] for b in session.scalars(select(BoundaryVersion))])
        by_level: dict[str, list[dict]] = {}
        for z in zone_rows.values():
            if not _in(sel.reference_zone_ids, z.id):
                continue
            p = zone_rows.get(z.parent_id) if z.parent_id is not None else None
            props = {"code": z.code, "name": z.name, "level": z.level, "boundary_version": bv_key[z.boundary_version_id],
                     "parent_level": p.level if p else None, "parent_code": p.code if p else None,
                     "parent_boundary_version": bv_key[p.boundary_version_id] if p else None,
                     "population": z.population, "population_year": z.population_year,
                     "source": src_key.get(z.source_id), "note": z.note}
            by_level.setdefault(z.level, []).append({"type": "Feature", "properties": props, "geometry": z.geometry})
        for level, features in by_level.items():
            features.sort(key=lambda f: (f["properties"]["boundary_version"], f["properties"]["code"]))
            name = f"{ZONE_FILE_PREFIX}{level}{ZONE_FILE_SUFFIX}"
            files[name] = _json_bytes({"type": "FeatureCollection", "features": features})
            counts[name] = len(features)
        ambiguous = _ambiguous_codes(zone_rows.values())

        def ref(zid: int) -> str:
            z = zone_rows[zid]
            return f"{z.level}:{z.code}" + (f"@{bv_key[z.boundary_version_id]}" if (z.level, z.code) in ambiguous
                                            else "")

        put("sonedeler.csv", PART_COLUMNS, [
            [zone_rows[a].level, zone_rows[a].code, bv_key[zone_rows[a].boundary_version_id], zone_rows[b].level,
             zone_rows[b].code, bv_key[zone_rows[b].boundary_version_id]]
            for a, b in session.execute(select(ZonePart.zone_id, ZonePart.part_id)).all()
            if _in(sel.reference_zone_ids, a) and _in(sel.reference_zone_ids, b)])
        area_zones: dict[int, list[tuple[str, bool, str | None]]] = {}
        for aid, zid, approx, note in session.execute(select(AreaZone.area_id, AreaZone.zone_id,
                                                             AreaZone.approximate, AreaZone.note)).all():
            area_zones.setdefault(aid, []).append((ref(zid), bool(approx), note))
        rows = []
        for a in session.scalars(select(Area)):
            if not _in(sel.area_ids, a.id):
                continue
            zs = sorted(area_zones.get(a.id, []))
            notes = {r: n for r, _ap, n in zs if n}
            rows.append([a.slug, a.name, _int(a.start_year), _int(a.end_year), a.state, _text(a.bydel_name),
                         _text(a.levekaarssone_names), _text(a.coordinator), _text(a.description),
                         _text(a.geometry_note), _int(a.population), _bool(a.population_illustrative),
                         _text(src_key.get(a.source_id)), _text(a.note),
                         ", ".join(r + ("~" if ap else "") for r, ap, _n in zs),
                         json.dumps(notes, ensure_ascii=False, sort_keys=True) if notes else ""])
        put("omrader.csv", AREA_COLUMNS, rows)
        put("indikatorer.csv", INDICATOR_COLUMNS, [
            [i.key, i.name_nb, i.name_nn, i.name_en, _text(i.definition_nb), _text(i.definition_nn),
             _text(i.definition_en), _text(i.why_nb), _text(i.why_nn), _text(i.why_en), i.unit, _int(i.decimals),
             _opt_bool(i.higher_is_better), _text(i.topic), _text(src_key.get(i.source_id))]
            for i in session.scalars(select(Indicator))])
        pillar_number = dict(session.execute(select(Pillar.id, Pillar.number)).all())
        rows = [[PILLAR_WORD, str(p.number), p.name_nb, p.name_nn, p.name_en, "", "", "", "nei",
                 _text(src_key.get(p.source_id))] for p in session.scalars(select(Pillar))]
        rows += [[SUBPROGRAMME_WORD, str(s.number), s.name, "", "", _text(s.goal), _text(s.leader),
                  _text(pillar_number.get(s.pillar_id)), _bool(s.illustrative), _text(src_key.get(s.source_id))]
                 for s in session.scalars(select(Subprogramme))]
        put("delprogrammer.csv", PROGRAMME_COLUMNS, rows)
        profiles = [{"name": p.name, "kind": p.kind, "mapping": p.mapping, "created_by": p.created_by,
                     "updated_at": p.updated_at.isoformat() if p.updated_at else None}
                    for p in session.scalars(select(ImportProfile).order_by(ImportProfile.name))]
        files[PROFILES_FILE] = _json_bytes(profiles)
        counts[PROFILES_FILE] = len(profiles)

        files[README] = _readme(sources, counts, illustrative, admin=admin, hidden=hidden_count,
                                area_slugs=sorted(area_slugs) if area_slugs else None).encode("utf-8")

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])
    return buffer.getvalue(), dict(sorted(counts.items()))


def _ambiguous_codes(zones) -> set[tuple[str, str]]:
    seen: dict[tuple[str, str], int] = {}
    for z in zones:
        seen[(z.level, z.code)] = seen.get((z.level, z.code), 0) + 1
    return {k for k, n in seen.items() if n > 1}


FILE_TEXT = {
    "indikatorverdier.csv": "indikatorverdier i malens lange format (én rad per indikator, sted og periode)",
    "investeringer.csv": "investeringer (prosjekter med budsjett og forbruk i hele kroner)",
    "tilskudd.csv": "statlige tilskudd per budsjettår",
    "tiltak.csv": "tiltak i delprogrammene, med områdene de gjelder (nøkler skilt med komma)",
    "medvirkning.csv": "medvirkningsaktiviteter (folkemøter, Barnetråkk, undersøkelser …)",
    "maal.csv": "mål for indikatorer i områdene",
    "kilder.csv": "kildene: nøkkel, tittel, utgiver, nettadresse, lisens, periode, merknad og om kilden er eksempeldata",
    "grenseutgaver.csv": "utgavene av sonegrensene (f.eks. SSB 2025, levekårssoner 2023)",
    "sonedeler.csv": "soner som består av soner på et finere nivå (nivå og kode for sonen og delen)",
    "omrader.csv": "satsingsområdene med alle feltene og sonene sine (nivå:kode, «~» betyr en tilnærming)",
    "indikatorer.csv": "indikatordefinisjonene (navn, definisjon, hvorfor, enhet, desimaler, retning, tema, kilde)",
    "delprogrammer.csv": "hovedpilarene og delprogrammene",
    PROFILES_FILE: "lagrede importprofiler for brede tabeller (JSON)",
}


def _readme(sources, counts: dict[str, int], illustrative: dict[str, int], *, admin: bool, hidden: int,
            area_slugs: list[str] | None) -> str:
    lines = ["# Eksport fra dashbordet for områdesatsing i Bergen kommune", ""]
    if area_slugs:
        lines += [f"Eksporten gjelder bare områdene {', '.join(area_slugs)}: radene for disse områdene, sonene "
                  "som hører til dem (og sonene under dem), og tallene for de sonene. Tall for hele Bergen og for "
                  "Norge er ikke med. Sonene over (f.eks. bydelen) er med i sonefilene så sonestrukturen henger "
                  "sammen, men uten tall. Alle kilder, indikatordefinisjoner, delprogrammer og importprofiler er med.",
                  ""]
    lines += ["Alle tabellfilene er CSV i UTF-8 med BOM, semikolon som skilletegn, desimalkomma, ja/nei og datoer "
              "som dd.mm.åååå – samme format som importmalene. Kolonnen `kildenøkkel` viser til kilden i "
              "`kilder.csv`.", "", "## Filene", ""]
    for name in sorted(counts):
        if name.startswith(ZONE_FILE_PREFIX):
            what = f"soner på nivået {name[len(ZONE_FILE_PREFIX):-len(ZONE_FILE_SUFFIX)]} (GeoJSON, EPSG:4326)"
        else:
            what = FILE_TEXT.get(name, "")
        lines.append(f"- `{name}`: {what} – {counts[name]} rader.")
    lines += ["", "## Eksempeldata", "",
              "Rader med `eksempeldata` = ja er oppdiktede eksempeltall (merket Eksempeldata i dashbordet), ikke "
              "fakta. Merket følger med når eksporten importeres igjen.", ""]
    for name in sorted(illustrative):
        lines.append(f"- `{name}`: {illustrative[name]} av {counts[name]} rader er eksempeldata.")
    lines += ["", "## Prikking", ""]
    if admin:
        lines.append(f"Eksporten er laget av en administrator: de {hidden} verdiene som er skjult (prikket) i "
                     f"dashbordet, er med og merket med `{HIDDEN_COLUMN}` = ja. Del ikke fila videre uten å fjerne "
                     "dem.")
    else:
        lines.append(f"Verdier som er skjult (prikket) i dashbordet for å verne små tall, er utelatt ({hidden} "
                     "verdier).")
    lines += ["", "## Kilder", ""]
    for s in sources:
        parts = [s.title, s.publisher or "utgiver ikke oppgitt", f"lisens: {s.licence or 'ikke oppgitt'}",
                 s.url or "ingen nettadresse"]
        lines.append(f"- `{s.key}`: " + " – ".join(parts) + (" (eksempeldata)" if s.illustrative else ""))
    lines += ["", "## Importere igjen", "",
              "I en tom database (bare administratorer kan importere en eksport):", "", "```",
              "python -m omradesatsing init-db --empty",
              "python -m omradesatsing import FIL.zip --user BRUKER", "```", "",
              "Det som finnes i databasen fra før (kilder, soner, områder, indikatorer … med samme nøkkel), blir "
              "stående som det er. Statushistorikk, milepæler og rapportøyeblikk for tiltak, investeringenes sone, "
              "importloggen og brukerne er ikke med i eksporten.", ""]
    return "\n".join(lines)


# --- reading a bundle -----------------------------------------------------------------------------

class _Bundle:
    def __init__(self, zip_name: str, members: dict[str, bytes]):
        self.zip_name = zip_name
        self.members = members

    def fail(self, member: str, message: str, field_name: str = "fil") -> run.ImportRefused:
        return run.refuse(f"{self.zip_name}, {member}: {message}", field_name)

    def csv_rows(self, member: str, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str | None]]]:
        """(line, row) for each data row; empty cells are None."""
        try:
            text = self.members[member].decode("utf-8-sig")
        except UnicodeDecodeError:
            raise self.fail(member, "fila er ikke UTF-8.") from None
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
        try:
            header = next(reader, None)
            if header is None or [h.strip() for h in header] != list(columns):
                raise self.fail(member, f"overskriftsraden skal være {';'.join(columns)}.")
            out = []
            line = reader.line_num + 1
            for fields in reader:
                if any(f.strip() for f in fields):
                    if len(fields) != len(columns):
                        raise self.fail(member, f"linje {line}: raden har {len(fields)} felt, overskriften "
                                                f"{len(columns)}.")
                    out.append((line, {c: (f.strip() or None) for c, f in zip(columns, fields, strict=True)}))
                line = reader.line_num + 1
        except csv.Error as exc:
            raise self.fail(member, f"fila kan ikke leses som CSV ({exc}).") from None
        return out

    def json(self, member: str):
        try:
            return json.loads(self.members[member].decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise self.fail(member, f"fila er ikke gyldig JSON ({type(exc).__name__}).") from None


def _open_bundle(data: bytes, file_name: str) -> _Bundle:
    zip_name = PurePosixPath((file_name or "eksport.zip").replace("\\", "/")).name or "eksport.zip"
    if len(data) > tables.MAX_FILE_BYTES:
        raise run.refuse(f"{zip_name}: fila er for stor; største tillatte størrelse er {tables.MAX_FILE_MB} MB.")
    if not data or not zipfile.is_zipfile(io.BytesIO(data)):
        raise run.refuse(f"{zip_name}: fila er ikke en zip-fil (en eksport fra dashbordet er en .zip).")
    members: dict[str, bytes] = {}
    total = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = [i for i in archive.infolist() if not i.is_dir()]
            names = [i.filename for i in infos]
            dupes = sorted({n for n in names if names.count(n) > 1})
            if dupes:
                raise run.refuse(f"{zip_name}: fila {dupes[0]} finnes to ganger i zip-fila.")
            for info in infos:
                name = info.filename
                wanted = name in REQUIRED or name == README or (
                    name.startswith(ZONE_FILE_PREFIX) and name.endswith(ZONE_FILE_SUFFIX) and "/" not in name)
                if not wanted:
                    continue  # other files are not read (and so cannot do harm)
                if info.flag_bits & 0x1:
                    raise run.refuse(f"{zip_name}, {name}: fila er kryptert og kan ikke leses.")
                if info.file_size > tables.MAX_FILE_BYTES:
                    raise run.refuse(f"{zip_name}, {name}: fila er for stor pakket ut; største tillatte størrelse "
                                     f"er {tables.MAX_FILE_MB} MB.")
                with archive.open(info) as member:
                    content = member.read(tables.MAX_FILE_BYTES + 1)  # the header's size may lie
                if len(content) > tables.MAX_FILE_BYTES:
                    raise run.refuse(f"{zip_name}, {name}: fila er for stor pakket ut; største tillatte størrelse "
                                     f"er {tables.MAX_FILE_MB} MB.")
                total += len(content)
                if total > MAX_TOTAL_BYTES:
                    raise run.refuse(f"{zip_name}: filene i zip-fila er til sammen for store pakket ut.")
                members[name] = content
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, NotImplementedError, RuntimeError) as exc:
        raise run.refuse(f"{zip_name}: zip-fila er skadet og kan ikke leses ({type(exc).__name__}).") from None
    missing = [n for n in REQUIRED if n not in members]
    if missing:
        raise run.refuse(f"{zip_name}: {', '.join(missing)} mangler i zip-fila; den er ikke en fullstendig eksport "
                         "fra dashbordet.")
    return _Bundle(zip_name, members)


def _int_of(bundle: _Bundle, member: str, line: int, column: str, text: str | None, *,
            required: bool = False) -> int | None:
    if text is None:
        if required:
            raise bundle.fail(member, f"linje {line}, kolonnen «{column}»: mangler verdi.", column)
        return None
    try:
        return int(text)
    except ValueError:
        raise bundle.fail(member, f"linje {line}, kolonnen «{column}»: «{text[:40]}» er ikke et helt tall.",
                          column) from None


def _bool_of(bundle: _Bundle, member: str, line: int, column: str, text: str | None) -> bool | None:
    if text is None:
        return None
    word = text.strip().lower()
    if word in ("ja", "nei"):
        return word == "ja"
    raise bundle.fail(member, f"linje {line}, kolonnen «{column}»: «{text[:40]}» er verken ja eller nei.", column)


def _need(bundle: _Bundle, member: str, line: int, row: dict, *columns: str) -> None:
    for c in columns:
        if row.get(c) is None:
            raise bundle.fail(member, f"linje {line}, kolonnen «{c}»: mangler verdi.", c)


class _Reference:
    """Creates what the store lacks of a bundle's reference data; existing rows are left as they are."""

    def __init__(self, session: Session, bundle: _Bundle):
        self.session = session
        self.bundle = bundle
        self.created: dict[str, int] = {}
        self.existing: dict[str, int] = {}
        self.rows = 0

    def _count(self, what: str, created: bool) -> None:
        self.rows += 1
        target = self.created if created else self.existing
        target[what] = target.get(what, 0) + 1

    def source(self, member: str, line: int, key: str | None) -> int | None:
        if key is None:
            return None
        found = self.sources.get(key)
        if found is None:
            raise self.bundle.fail(member, f"linje {line}: kilden «{key}» finnes ikke (den skal stå i kilder.csv).",
                                   "source")
        return found

    def run(self) -> None:
        s, b = self.session, self.bundle
        self.sources = dict(s.execute(select(Source.key, Source.id)).all())
        for line, r in b.csv_rows("kilder.csv", SOURCE_COLUMNS):
            _need(b, "kilder.csv", line, r, "key", "title")
            new = r["key"] not in self.sources
            if new:
                src = Source(key=r["key"], title=r["title"], publisher=r["publisher"], url=r["url"],
                             licence=r["licence"], period=r["period"], note=r["note"],
                             illustrative=bool(_bool_of(b, "kilder.csv", line, "illustrative", r["illustrative"])))
                s.add(src)
                s.flush()
                self.sources[src.key] = src.id
            self._count("kilder", new)

        bvs = dict(s.execute(select(BoundaryVersion.key, BoundaryVersion.id)).all())
        m = "grenseutgaver.csv"
        for line, r in b.csv_rows(m, BOUNDARY_COLUMNS):
            _need(b, m, line, r, "key", "name", "level")
            new = r["key"] not in bvs
            if new:
                bv = BoundaryVersion(key=r["key"], name=r["name"], level=r["level"],
                                     valid_from=_int_of(b, m, line, "valid_from", r["valid_from"]),
                                     valid_to=_int_of(b, m, line, "valid_to", r["valid_to"]),
                                     zone_count=_int_of(b, m, line, "zone_count", r["zone_count"]),
                                     source_id=self.source(m, line, r["source"]), note=r["note"])
                s.add(bv)
                s.flush()
                bvs[bv.key] = bv.id
            self._count("grenseutgaver", new)

        zones = {(bv, lv, code): zid for zid, bv, lv, code in s.execute(
            select(Zone.id, Zone.boundary_version_id, Zone.level, Zone.code)).all()}
        created_parents: list[tuple[int, str, int, dict]] = []
        for member in sorted(n for n in b.members if n.startswith(ZONE_FILE_PREFIX)):
            doc = b.json(member)
            features = doc.get("features") if isinstance(doc, dict) else None
            if not isinstance(features, list):
                raise b.fail(member, "fila er ikke en GeoJSON FeatureCollection.")
            for n, feature in enumerate(features, start=1):
                props = feature.get("properties") if isinstance(feature, dict) else None
                where = f"objekt {n}"
                if not isinstance(props, dict):
                    raise b.fail(member, f"{where}: mangler «properties».")
                level, code, name = props.get("level"), props.get("code"), props.get("name")
                if level not in ZONE_LEVELS:
                    raise b.fail(member, f"{where}: nivået «{level}» finnes ikke (kjente: {', '.join(ZONE_LEVELS)}).",
                                 "level")
                if not code or not name:
                    raise b.fail(member, f"{where}: mangler «code» eller «name».")
                bv_id = bvs.get(props.get("boundary_version"))
                if bv_id is None:
                    raise b.fail(member, f"{where} ({code}): grenseutgaven «{props.get('boundary_version')}» finnes "
                                         "ikke i grenseutgaver.csv.", "boundary_version")
                geometry = feature.get("geometry")
                if geometry is not None and not (isinstance(geometry, dict) and "type" in geometry):
                    raise b.fail(member, f"{where} ({code}): geometrien er ikke GeoJSON.", "geometry")
                key = (bv_id, level, str(code))
                new = key not in zones
                if new:
                    for field_name in ("population", "population_year"):
                        v = props.get(field_name)
                        if v is not None and (not isinstance(v, int) or isinstance(v, bool)):
                            raise b.fail(member, f"{where} ({code}): «{field_name}» er ikke et helt tall.", field_name)
                    zone = Zone(level=level, code=str(code), name=str(name), boundary_version_id=bv_id,
                                geometry=geometry, population=props.get("population"),
                                population_year=props.get("population_year"),
                                source_id=self.source(member, n, props.get("source")), note=props.get("note"))
                    s.add(zone)
                    s.flush()
                    zones[key] = zone.id
                    if props.get("parent_code") is not None:
                        created_parents.append((zone.id, member, n, props))
                self._count("soner", new)
        for zone_id, member, n, props in created_parents:  # second pass: every zone exists now
            parent = self._zone(zones, bvs, props.get("parent_level"), props.get("parent_code"),
                                props.get("parent_boundary_version"))
            if parent is None:
                raise b.fail(member, f"objekt {n} ({props.get('code')}): forelderen {props.get('parent_level')}:"
                                     f"{props.get('parent_code')} finnes ikke.", "parent_code")
            s.get(Zone, zone_id).parent_id = parent

        m = "sonedeler.csv"
        parts = set(s.execute(select(ZonePart.zone_id, ZonePart.part_id)).all())
        for line, r in b.csv_rows(m, PART_COLUMNS):
            _need(b, m, line, r, *PART_COLUMNS[:2], *PART_COLUMNS[3:5])
            a = self._zone(zones, bvs, r["zone_level"], r["zone_code"], r["zone_boundary_version"])
            p = self._zone(zones, bvs, r["part_level"], r["part_code"], r["part_boundary_version"])
            if a is None or p is None:
                raise b.fail(m, f"linje {line}: sonen {r['zone_level']}:{r['zone_code']} eller delen "
                                f"{r['part_level']}:{r['part_code']} finnes ikke.")
            new = (a, p) not in parts
            if new:
                s.add(ZonePart(zone_id=a, part_id=p))
                parts.add((a, p))
            self._count("sonedeler", new)

        m = "omrader.csv"
        areas = set(s.scalars(select(Area.slug)))
        for line, r in b.csv_rows(m, AREA_COLUMNS):
            _need(b, m, line, r, "slug", "name", "start_year", "state")
            new = r["slug"] not in areas
            if new:
                if r["state"] not in AREA_STATES:
                    raise b.fail(m, f"linje {line}, kolonnen «state»: «{r['state']}» er ikke en av "
                                    f"{', '.join(AREA_STATES)}.", "state")
                try:
                    notes = json.loads(r["zone_notes"]) if r["zone_notes"] else {}
                except ValueError:
                    notes = None
                if not isinstance(notes, dict):
                    raise b.fail(m, f"linje {line}, kolonnen «zone_notes»: er ikke et JSON-objekt.", "zone_notes")
                area = Area(slug=r["slug"], name=r["name"],
                            start_year=_int_of(b, m, line, "start_year", r["start_year"], required=True),
                            end_year=_int_of(b, m, line, "end_year", r["end_year"]), state=r["state"],
                            bydel_name=r["bydel_name"], levekaarssone_names=r["levekaarssone_names"],
                            coordinator=r["coordinator"], description=r["description"],
                            geometry_note=r["geometry_note"],
                            population=_int_of(b, m, line, "population", r["population"]),
                            population_illustrative=bool(_bool_of(b, m, line, "population_illustrative",
                                                                  r["population_illustrative"])),
                            source_id=self.source(m, line, r["source"]), note=r["note"])
                s.add(area)
                s.flush()
                for item in [x.strip() for x in (r["zones"] or "").split(",") if x.strip()]:
                    approx = item.endswith("~")
                    ref = item.rstrip("~")
                    level, _, rest = ref.partition(":")
                    code, _, bv = rest.partition("@")
                    zid = self._zone(zones, bvs, level, code, bv or None)
                    if zid is None:
                        raise b.fail(m, f"linje {line}, kolonnen «zones»: sonen «{ref}» finnes ikke (eller finnes i "
                                        "flere grenseutgaver; skriv nivå:kode@grenseutgave).", "zones")
                    s.add(AreaZone(area_id=area.id, zone_id=zid, approximate=approx, note=notes.get(ref)))
                areas.add(area.slug)
            self._count("områder", new)

        m = "indikatorer.csv"
        keys = set(s.scalars(select(Indicator.key)))
        for line, r in b.csv_rows(m, INDICATOR_COLUMNS):
            _need(b, m, line, r, "key", "name_nb", "name_nn", "name_en", "unit")
            new = r["key"] not in keys
            if new:
                if r["unit"] not in UNITS:
                    raise b.fail(m, f"linje {line}, kolonnen «unit»: «{r['unit']}» er ikke en av {', '.join(UNITS)}.",
                                 "unit")
                decimals = _int_of(b, m, line, "decimals", r["decimals"])
                s.add(Indicator(key=r["key"], name_nb=r["name_nb"], name_nn=r["name_nn"], name_en=r["name_en"],
                                definition_nb=r["definition_nb"], definition_nn=r["definition_nn"],
                                definition_en=r["definition_en"], why_nb=r["why_nb"], why_nn=r["why_nn"],
                                why_en=r["why_en"], unit=r["unit"], decimals=1 if decimals is None else decimals,
                                higher_is_better=_bool_of(b, m, line, "higher_is_better", r["higher_is_better"]),
                                topic=r["topic"], source_id=self.source(m, line, r["source"])))
                keys.add(r["key"])
            self._count("indikatorer", new)

        m = "delprogrammer.csv"
        rows = b.csv_rows(m, PROGRAMME_COLUMNS)
        pillars = dict(s.execute(select(Pillar.number, Pillar.id)).all())
        subs = set(s.scalars(select(Subprogramme.number)))
        for line, r in rows:  # pillars first: subprogrammes name theirs
            _need(b, m, line, r, "kind", "number")
            if r["kind"] not in (PILLAR_WORD, SUBPROGRAMME_WORD):
                raise b.fail(m, f"linje {line}, kolonnen «kind»: «{r['kind']}» er verken {PILLAR_WORD} eller "
                                f"{SUBPROGRAMME_WORD}.", "kind")
            if r["kind"] != PILLAR_WORD:
                continue
            number = _int_of(b, m, line, "number", r["number"], required=True)
            new = number not in pillars
            if new:
                _need(b, m, line, r, "name_nb", "name_nn", "name_en")
                p = Pillar(number=number, name_nb=r["name_nb"], name_nn=r["name_nn"], name_en=r["name_en"],
                           source_id=self.source(m, line, r["source"]))
                s.add(p)
                s.flush()
                pillars[number] = p.id
            self._count("hovedpilarer", new)
        for line, r in rows:
            if r["kind"] != SUBPROGRAMME_WORD:
                continue
            number = _int_of(b, m, line, "number", r["number"], required=True)
            new = number not in subs
            if new:
                _need(b, m, line, r, "name_nb")
                pillar = _int_of(b, m, line, "pillar", r["pillar"])
                if pillar is not None and pillar not in pillars:
                    raise b.fail(m, f"linje {line}, kolonnen «pillar»: hovedpilar {pillar} finnes ikke.", "pillar")
                s.add(Subprogramme(number=number, name=r["name_nb"], goal=r["goal"], leader=r["leader"],
                                   pillar_id=pillars.get(pillar) if pillar is not None else None,
                                   illustrative=bool(_bool_of(b, m, line, "illustrative", r["illustrative"])),
                                   source_id=self.source(m, line, r["source"])))
                subs.add(number)
            self._count("delprogrammer", new)

        profiles = b.json(PROFILES_FILE)
        if not isinstance(profiles, list):
            raise b.fail(PROFILES_FILE, "fila skal være en liste av profiler.")
        names = set(s.scalars(select(ImportProfile.name)))
        for n, p in enumerate(profiles, start=1):
            if not (isinstance(p, dict) and isinstance(p.get("name"), str) and p["name"].strip()
                    and isinstance(p.get("mapping"), dict)):
                raise b.fail(PROFILES_FILE, f"profil {n}: mangler navn eller kobling (mapping).")
            new = p["name"] not in names
            if new:
                try:
                    at = dt.datetime.fromisoformat(p["updated_at"]) if p.get("updated_at") else None
                except (TypeError, ValueError):
                    raise b.fail(PROFILES_FILE, f"profil {n}: «updated_at» er ikke et tidspunkt.") from None
                profile = ImportProfile(name=p["name"], kind=str(p.get("kind") or "indicators"), mapping=p["mapping"],
                                        created_by=str(p.get("created_by") or "import"))
                if at is not None:
                    profile.updated_at = at
                s.add(profile)
                names.add(p["name"])
            self._count("importprofiler", new)
        s.flush()

    @staticmethod
    def _zone(zones: dict, bvs: dict, level, code, bv_key) -> int | None:
        if not level or code is None:
            return None
        if bv_key:
            return zones.get((bvs.get(bv_key), level, str(code)))
        hits = [zid for (_bv, lv, c), zid in zones.items() if lv == level and c == str(code)]
        return hits[0] if len(hits) == 1 else None


def _prefixed(exc: run.ImportRefused, zip_name: str, member: str) -> run.ImportRefused:
    """The problems naming the zip and, where they do not already, the file in it."""
    return run.ImportRefused([Problem(p.field, f"{zip_name}, {p.message}" if p.message.startswith(member)
                                      else f"{zip_name}, {member}: {p.message}") for p in exc.problems], exc.report)


def _data_rows(content: bytes) -> int:
    text = content.decode("utf-8-sig", errors="replace")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    return sum(1 for r in rows[1:] if any(f.strip() for f in r))


def import_bundle(engine: Engine, actor: Actor, data: bytes, file_name: str, *, dry_run: bool = False,
                  settings: config.Settings | None = None) -> list[run.ImportReport]:
    """Import an export zip (``export_zip``) in one transaction: the reference data the store lacks, then
    every kind's CSV through ``run.import_table``, then the suppression pattern of every indicator.
    Admins only. Raises ``ImportRefused`` naming the file in the zip (and the row) for any problem;
    nothing is written then, nor with ``dry_run``. Returns one report for the reference data and one per
    kind imported."""
    require_role(actor, "admin")
    bundle = _open_bundle(data, file_name)
    sha = hashlib.sha256(data).hexdigest()
    reports: list[run.ImportReport] = []
    with db.session_scope(engine) as session:
        actor = current_actor(session, actor)
        require_role(actor, "admin")
        reference = _Reference(session, bundle)
        reference.run()
        created = sum(reference.created.values())
        summary = run.ImportReport(file_name=bundle.zip_name, kind="referansedata", kind_detected=False,
                                   file_format="zip", rows=reference.rows, added=created,
                                   unchanged=sum(reference.existing.values()), dry_run=dry_run, sha256=sha)
        if created:
            summary.notes.append("Nye referansedata: " + ", ".join(
                f"{what} {n}" for what, n in sorted(reference.created.items())) + ".")
            session.add(AuditEntry(username=actor.username, action="import_bundle", entity="reference_data",
                                   entity_id=None, detail={"file": bundle.zip_name, "sha256": sha,
                                                           "created": dict(sorted(reference.created.items()))}))
        reports.append(summary)
        wrote = bool(created)
        for kind, (member, _module) in KIND_FILES.items():
            content = bundle.members[member]
            if _data_rows(content) == 0:
                continue
            try:
                raw = tables.read_table(content, member)
                report = run.import_table(session, actor, raw, sha256=hashlib.sha256(content).hexdigest(), kind=kind,
                                          source=run.SourceInfo(), replace_examples=False, dry_run=dry_run,
                                          settings=settings)
            except tables.TableFileError as exc:
                raise _prefixed(run.ImportRefused(exc.problems), bundle.zip_name, member) from None
            except run.ImportRefused as exc:
                raise _prefixed(exc, bundle.zip_name, member) from None
            wrote = wrote or report.import_id is not None
            reports.append(report)
        if dry_run:
            session.rollback()
        elif wrote:
            session.flush()
            suppression.protect(session, settings or config.load_settings())  # every indicator, at once
    return reports


__all__ = ["KIND_FILES", "export_zip", "import_bundle"]
