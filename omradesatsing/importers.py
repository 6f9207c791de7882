"""Import of official zone boundaries: levekårssoner and grunnkretser from GeoJSON or a zipped
Shapefile. No Streamlit here: the Admin page and the CLI (``import-zones``) call the same code.

The file is read from memory (pyogrio), never written to disk. What is checked, in this order:
1. the file type, by extension *and* by content (JSON that is GeoJSON; a zip holding one
   Shapefile with its .shx and .dbf), and the size (``MAX_FILE_MB``, the same number as
   ``server.maxUploadSize`` in ``.streamlit/config.toml``);
2. the coordinate system: a Shapefile without .prj is refused; GeoJSON without ``crs`` is
   EPSG:4326 by the specification (RFC 7946), unless its numbers cannot be degrees;
3. the chosen code and/or name fields exist and have a value in every feature;
4. every geometry is a (multi)polygon; an invalid one is repaired with shapely ``make_valid``
   or refused with its feature number.
Then the features are reprojected to EPSG:4326, matched to the store's zones at the level by
code or name (normalised like the seed's slugs), joined when several features make one zone,
simplified as the map does (``geo.simplify_collection``) and written, with the zone's parent
delområde where it has none and one audit entry, in one transaction. Any problem: nothing is
written. ``dry_run=True`` does every check and returns the same summary without writing.

Messages are Norwegian and name the file, the feature (``objekt``, counted from 1 in file order)
and the field, e.g. «soner.geojson, objekt 12, feltet «navn»: mangler verdi».
"""

from __future__ import annotations

import io
import json
import math
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import pandas as pd
import shapely
from shapely.geometry import mapping, shape
from shapely.ops import unary_union
from sqlalchemy import Engine, select

from omradesatsing import db, geo
from omradesatsing.commands import Problem, ValidationError
from omradesatsing.models import AuditEntry, Source, Zone, utcnow
from omradesatsing.permissions import Actor, require_role
from omradesatsing.seed import slugify

# The largest file accepted, in MB. Keep it equal to ``server.maxUploadSize`` in
# .streamlit/config.toml (a test checks that they agree): the Admin page's uploader uses the
# smaller of the two, and the core refuses anything bigger whichever way the file came in.
MAX_FILE_MB = 50
MAX_FILE_BYTES = MAX_FILE_MB * 1024 * 1024
# A zip bomb guard: the Shapefile's parts together may not unpack to more than this.
MAX_UNPACKED_BYTES = 5 * MAX_FILE_BYTES

LEVELS = ("levekaarssone", "grunnkrets")
LEVEL_WORDS = {"levekaarssone": ("levekårssone", "levekårssoner"), "grunnkrets": ("grunnkrets", "grunnkretser")}
GEOJSON_SUFFIXES = (".geojson", ".json")
ZIP_SUFFIXES = (".zip",)
SUFFIXES = GEOJSON_SUFFIXES + ZIP_SUFFIXES
SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
TARGET_CRS = "EPSG:4326"
# Generous longitude/latitude box around Bergen: zones outside it mean a wrong coordinate system.
BERGEN_BOX = (4.4, 59.9, 6.2, 61.0)
MAX_PROBLEMS = 25  # list at most this many problems (and say how many more there are)
SHP_MAGIC = b"\x00\x00\x27\x0a"  # the first four bytes of every .shp file (9994, big-endian)


class ZoneFileError(ValidationError):
    """A zone file that cannot be imported; ``problems`` hold one Norwegian message each, and
    ``str()`` gives them one per line (they already name the file, feature and field)."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        ValueError.__init__(self, "\n".join(p.message for p in problems))


@dataclass(frozen=True)
class FileInfo:
    """What the Admin page needs to offer field choices: type, fields, count and coordinate system."""

    file_name: str
    file_type: str  # "GeoJSON" or "Shapefile"
    fields: list[str]
    features: int
    crs: str  # e.g. "EPSG:25832"
    crs_assumed: bool  # GeoJSON without "crs": EPSG:4326 by the specification


@dataclass(frozen=True)
class Unmatched:
    number: int  # the feature's number in the file, from 1
    code: str | None
    name: str | None
    reason: str  # Norwegian: why it matched no zone


@dataclass
class ImportSummary:
    file_name: str
    file_type: str
    level: str
    crs: str
    crs_assumed: bool
    features: int  # features in the file
    matched_features: int  # features that matched a zone
    zones_updated: int  # zones that got (or would get) geometry from the file
    zones_replaced: int  # of those, zones that had geometry before
    zones_at_level: int  # zones at this level in the store
    parents_set: int  # zones without a parent that got the delområde their inside point lies in
    merged: int  # features joined with another feature of the same zone (islands as own features)
    repaired: list[int] = field(default_factory=list)  # feature numbers whose geometry was repaired
    unmatched: list[Unmatched] = field(default_factory=list)
    zones_without_geometry: list[str] = field(default_factory=list)  # names, after the import
    dry_run: bool = False


# --- reading ------------------------------------------------------------------------------------

def _fail(message: str, field_name: str = "fil") -> ZoneFileError:
    return ZoneFileError([Problem(field_name, message)])


def _size_text(n: int) -> str:
    return f"{n / 1024 / 1024:.1f}".replace(".", ",") + " MB"


def _check_name_and_size(data: bytes, file_name: str) -> str:
    """The file's kind ("geojson" or "zip") from its extension; refuses other types and sizes."""
    suffix = PurePosixPath(file_name or "").suffix.lower()
    if suffix not in SUFFIXES:
        shown = f"«{suffix}»" if suffix else "uten filendelse"
        raise _fail(f"{file_name}: filtypen {shown} kan ikke importeres. Bruk GeoJSON (.geojson eller .json) "
                    "eller en zippet Shapefile (.zip).")
    if len(data) > MAX_FILE_BYTES:
        raise _fail(f"{file_name}: fila er {_size_text(len(data))}; største tillatte størrelse er {MAX_FILE_MB} MB.")
    if not data:
        raise _fail(f"{file_name}: fila er tom.")
    return "zip" if suffix in ZIP_SUFFIXES else "geojson"


def _geojson_document(data: bytes, file_name: str) -> dict:
    """The parsed JSON, when it is GeoJSON (a FeatureCollection or a Feature)."""
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise _fail(f"{file_name}: innholdet er ikke tekst (UTF-8), så det er ikke GeoJSON. "
                    "Er det en annen filtype med feil filendelse?") from None
    except json.JSONDecodeError as exc:
        raise _fail(f"{file_name}: innholdet er ikke gyldig JSON (linje {exc.lineno}, tegn {exc.colno}), "
                    "så det er ikke GeoJSON.") from None
    if not isinstance(doc, dict) or doc.get("type") not in ("FeatureCollection", "Feature"):
        raise _fail(f"{file_name}: fila er JSON, men ikke GeoJSON (den må ha \"type\": \"FeatureCollection\").")
    features = doc.get("features") if doc["type"] == "FeatureCollection" else [doc]
    if not isinstance(features, list):
        raise _fail(f"{file_name}: GeoJSON-fila mangler lista «features».")
    if not features:
        raise _fail(f"{file_name}: fila har ingen objekter (features).")
    return doc


def _shapefile_from_zip(data: bytes, file_name: str) -> bytes:
    """A new in-memory zip with only the one Shapefile's parts, at the top level (GDAL reads a
    zip from memory only when the .shp is not in a folder)."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise _fail(f"{file_name}: innholdet er ikke en zip-fil. En Shapefile må lastes opp som .zip med "
                    ".shp, .shx, .dbf og .prj.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [m for m in archive.infolist()
                       if not m.is_dir() and not m.filename.startswith("__MACOSX/")
                       and not PurePosixPath(m.filename).name.startswith("._")]
            shps = [m for m in members if m.filename.lower().endswith(".shp")]
            if not shps:
                listed = ", ".join(PurePosixPath(m.filename).name for m in members[:8]) or "ingenting"
                raise _fail(f"{file_name}: zip-fila inneholder ingen Shapefile (.shp); den inneholder {listed}.")
            if len(shps) > 1:
                names = ", ".join(PurePosixPath(m.filename).name for m in shps)
                raise _fail(f"{file_name}: zip-fila inneholder flere Shapefiler ({names}). Legg bare én i hver zip-fil.")
            stem = shps[0].filename[:-4].lower()
            parts = {m.filename[len(stem):].lower(): m for m in members
                     if m.filename.lower().startswith(stem) and m.filename[len(stem):].lower() in SHAPEFILE_PARTS}
            shp_name = PurePosixPath(shps[0].filename).name
            for needed in (".shx", ".dbf"):
                if needed not in parts:
                    raise _fail(f"{file_name}: zip-fila mangler {shp_name[:-4]}{needed}, som hører til {shp_name}.")
            if sum(m.file_size for m in parts.values()) > MAX_UNPACKED_BYTES:
                raise _fail(f"{file_name}: Shapefilen blir større enn {MAX_UNPACKED_BYTES // 1024 // 1024} MB "
                            "når den pakkes ut.")
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as flat:
                for ext, member in parts.items():
                    content = archive.read(member)
                    if ext == ".shp" and content[:4] != SHP_MAGIC:
                        raise _fail(f"{file_name}: {shp_name} er ikke en Shapefile (innholdet har feil format).")
                    flat.writestr(f"soner{ext}", content)
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError):
        # RuntimeError: encrypted member; NotImplementedError: unknown compression
        raise _fail(f"{file_name}: zip-fila kan ikke pakkes ut (skadet, kryptert eller ukjent komprimering).") from None
    return out.getvalue()


def _read(data: bytes, file_name: str):
    """The features as a GeoDataFrame in the file's own CRS, with the file type, CRS text and
    whether the CRS was assumed (GeoJSON without ``crs``)."""
    import pyogrio
    from pyogrio.errors import (
        DataLayerError,
        DataSourceError,
        FieldError,
        GeometryError,
    )

    kind = _check_name_and_size(data, file_name)
    if kind == "geojson":
        doc = _geojson_document(data, file_name)
        readable, file_type, declared = data, "GeoJSON", "crs" in doc
    else:
        readable, file_type, declared = _shapefile_from_zip(data, file_name), "Shapefile", True
    try:
        frame = pyogrio.read_dataframe(readable)
    except (DataSourceError, DataLayerError, FieldError, GeometryError, ValueError, TypeError, RuntimeError):
        raise _fail(f"{file_name}: fila kan ikke leses som {file_type} (formatet er skadet eller ukjent).") from None
    if frame.crs is None:
        if file_type == "Shapefile":
            raise _fail(f"{file_name}: Shapefilen har ikke noe koordinatsystem (mangler .prj-fila). Legg .prj-fila "
                        "i zip-fila, f.eks. for EPSG:25832 (UTM sone 32N), og prøv igjen.", "koordinatsystem")
        frame = frame.set_crs(TARGET_CRS)
    epsg = frame.crs.to_epsg()
    crs = f"EPSG:{epsg}" if epsg else frame.crs.name
    return frame, file_type, crs, not declared


def _fields(frame) -> list[str]:
    return [str(c) for c in frame.columns if c != frame.geometry.name]


def inspect_file(data: bytes, file_name: str) -> FileInfo:
    """Type, fields, feature count and coordinate system of a zone file, for choosing fields.
    Refuses wrong types, sizes and unreadable files with ``ZoneFileError``; writes nothing."""
    frame, file_type, crs, assumed = _read(data, file_name)
    return FileInfo(file_name, file_type, _fields(frame), len(frame), crs, assumed)


# --- checking and matching ---------------------------------------------------------------------

def _missing(value) -> bool:
    if isinstance(value, str):
        return not value.strip()
    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))


def _text(value) -> str:
    """A field value as text: 46010101.0 (a number column in a .dbf) becomes "46010101"."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _polygonal(geom):
    """The polygon parts of a geometry (a repair can leave lines or points beside them)."""
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    if geom.geom_type == "GeometryCollection":
        parts = [g for g in geom.geoms if g.geom_type in ("Polygon", "MultiPolygon") and not g.is_empty]
        return unary_union(parts) if parts else None
    return None


def _check(frame, file_name: str, code_field: str | None, name_field: str | None):
    """Per feature: (number, code, name, geometry) with repaired geometry; the repaired feature
    numbers. Every problem is collected, then raised together."""
    problems: list[Problem] = []
    fields = _fields(frame)
    chosen = [(f, label) for f, label in ((code_field, "kode"), (name_field, "navn")) if f]
    if not chosen:
        raise _fail(f"{file_name}: velg feltet med sonens kode, navn eller begge.", "felt")
    for f, _label in chosen:
        if f not in fields:
            problems.append(Problem(f, f"{file_name}: feltet «{f}» finnes ikke i fila. Feltene er: "
                                       f"{', '.join(fields) or '(ingen)'}."))
    if problems:
        raise ZoneFileError(problems)
    rows = []
    repaired: list[int] = []
    geoms = frame.geometry.to_numpy()
    codes = frame[code_field].to_numpy() if code_field else [None] * len(frame)
    names = frame[name_field].to_numpy() if name_field else [None] * len(frame)
    for i in range(len(frame)):
        number = i + 1
        where = f"{file_name}, objekt {number}"
        values = {}
        for f, raw in ((code_field, codes[i]), (name_field, names[i])):
            if not f:
                continue
            if _missing(raw):
                problems.append(Problem(f, f"{where}, feltet «{f}»: mangler verdi"))
            else:
                values[f] = _text(raw)
        geom = geoms[i]
        if geom is None or geom.is_empty:
            problems.append(Problem("geometri", f"{where}: mangler geometri"))
            continue
        if geom.geom_type not in ("Polygon", "MultiPolygon", "GeometryCollection"):
            problems.append(Problem("geometri", f"{where}: geometrien er {geom.geom_type}, ikke en flate "
                                                "(Polygon eller MultiPolygon)"))
            continue
        if not geom.is_valid:
            reason = shapely.is_valid_reason(geom)
            fixed = _polygonal(shapely.make_valid(geom))
            if fixed is None or fixed.is_empty or not fixed.is_valid:
                problems.append(Problem("geometri", f"{where}: geometrien er ugyldig ({reason}) og kan ikke "
                                                    "repareres"))
                continue
            geom = fixed
            repaired.append(number)
        else:
            geom = _polygonal(geom)
            if geom is None:
                problems.append(Problem("geometri", f"{where}: geometrien har ingen flater (Polygon)"))
                continue
        rows.append((number, values.get(code_field) if code_field else None,
                     values.get(name_field) if name_field else None, geom))
    if problems:
        more = len(problems) - MAX_PROBLEMS
        problems = problems[:MAX_PROBLEMS]
        if more > 0:
            problems.append(Problem("fil", f"{file_name}: og {more} problemer til."))
        raise ZoneFileError(problems)
    return rows, repaired


def _reproject(frame, file_name: str, crs: str, assumed: bool):
    """The frame in EPSG:4326, after checking that the numbers fit the coordinate system and that
    the zones then lie around Bergen."""
    minx, miny, maxx, maxy = frame.total_bounds
    if frame.crs.is_geographic and not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        said = ("fila sier ikke hvilket koordinatsystem den bruker (GeoJSON uten «crs» er lengde- og breddegrader, "
                "EPSG:4326)") if assumed else f"fila sier at koordinatsystemet er {crs}"
        raise _fail(f"{file_name}: koordinatene (f.eks. {minx:.0f}, {miny:.0f}) er ikke lengde- og breddegrader, "
                    f"men {said}. Lagre fila med koordinatsystemet oppgitt (f.eks. EPSG:25832) eller i EPSG:4326.",
                    "koordinatsystem")
    from pyproj.exceptions import CRSError, ProjError

    try:
        out = frame.to_crs(TARGET_CRS)
    except (CRSError, ProjError, ValueError):  # a definition pyproj cannot transform
        raise _fail(f"{file_name}: koordinatsystemet {crs} kan ikke regnes om til EPSG:4326.", "koordinatsystem") from None
    bx = out.total_bounds
    if not all(math.isfinite(v) for v in bx) or bx[2] < BERGEN_BOX[0] or bx[0] > BERGEN_BOX[2] \
            or bx[3] < BERGEN_BOX[1] or bx[1] > BERGEN_BOX[3]:
        raise _fail(f"{file_name}: sonene ligger ikke i Bergen når koordinatene leses som {crs}. "
                    "Er koordinatsystemet riktig?", "koordinatsystem")
    return out


def _match(rows, zones: list[Zone]):
    """Features to zones: by code first, then by name. Returns {zone id: [rows]} and unmatched."""
    # Names and codes are compared as the seed's slugs: without case, accents, spaces or punctuation.
    by_code: dict[str, list[Zone]] = {}
    by_name: dict[str, list[Zone]] = {}
    for z in zones:
        by_code.setdefault(slugify(z.code), []).append(z)
        by_name.setdefault(slugify(z.name), []).append(z)
    matched: dict[int, list] = {}
    unmatched: list[Unmatched] = []
    for row in rows:
        number, code, name, _geom = row
        hits: list[Zone] = []
        if code is not None:
            hits = by_code.get(slugify(code), [])
        if not hits and name is not None:
            hits = by_name.get(slugify(name), [])
        if len(hits) == 1:
            matched.setdefault(hits[0].id, []).append(row)
        elif len(hits) > 1:
            unmatched.append(Unmatched(number, code, name, "flere soner har dette navnet"))
        else:
            what = " eller ".join(w for w, v in (("koden", code), ("navnet", name)) if v is not None)
            unmatched.append(Unmatched(number, code, name, f"ingen sone med {what}"))
    return matched, unmatched


def _delomraade_for(point, delomraader) -> Zone | None:
    for zone, polygon in delomraader:
        if polygon.covers(point):
            return zone
    return None


# --- the import --------------------------------------------------------------------------------

def import_zones(engine: Engine, actor: Actor, data: bytes, file_name: str, *, level: str,
                 code_field: str | None = None, name_field: str | None = None,
                 dry_run: bool = False) -> ImportSummary:
    """Give the zones at ``level`` their boundaries from a zone file (see the module's docstring).

    Only admins (``PermissionDenied`` otherwise, before the file is read). Raises
    ``ZoneFileError`` for a file that cannot be imported; nothing is written then, nor with
    ``dry_run=True``. Returns what was (or would be) done.
    """
    require_role(actor, "admin")
    file_name = PurePosixPath((file_name or "").replace("\\", "/")).name or "fila"
    if level not in LEVELS:
        raise _fail(f"Nivået «{level}» kan ikke importeres her. Velg levekaarssone eller grunnkrets.", "nivå")
    code_field = (code_field or "").strip() or None
    name_field = (name_field or "").strip() or None
    frame, file_type, crs, assumed = _read(data, file_name)
    rows, repaired = _check(frame, file_name, code_field, name_field)
    # Reproject the checked (and repaired) geometry, in file order.
    import geopandas as gpd

    checked = gpd.GeoDataFrame({"number": [r[0] for r in rows]}, geometry=[r[3] for r in rows], crs=frame.crs)
    checked = _reproject(checked, file_name, crs, assumed)
    rows = [(n, c, nm, g) for (n, c, nm, _old), g in zip(rows, checked.geometry, strict=True)]

    with db.session_scope(engine) as session:
        zones = list(session.scalars(select(Zone).where(Zone.level == level).order_by(Zone.code)))
        if not zones:
            raise _fail(f"Databasen har ingen soner på nivået {LEVEL_WORDS[level][0]} å gi grenser.", "nivå")
        matched, unmatched = _match(rows, zones)
        if not matched:
            raise _fail(f"{file_name}: ingen av de {len(rows)} objektene passer med en {LEVEL_WORDS[level][0]} "
                        f"i databasen (sammenlignet med {'koden' if code_field else 'navnet'}). Er nivået og "
                        "feltene riktige?", code_field or name_field or "felt")
        by_id = {z.id: z for z in zones}
        collection = {"type": "FeatureCollection", "features": [
            {"type": "Feature", "geometry": mapping(unary_union([r[3] for r in hits])),
             "properties": {"zone_id": zone_id}}
            for zone_id, hits in matched.items()]}
        simplified = geo.simplify_collection(collection)
        delomraader = [(z, shape(z.geometry)) for z in session.scalars(
            select(Zone).where(Zone.level == "delomraade", Zone.geometry.is_not(None)))]
        replaced = parents_set = 0
        new_geometry: dict[int, dict] = {}
        for feature in simplified["features"]:
            zone = by_id[feature["properties"]["zone_id"]]
            geom = shape(feature["geometry"])
            if not geom.is_valid:  # rounding to 1 m can pinch a narrow part
                geom = _polygonal(shapely.make_valid(geom)) or geom
            new_geometry[zone.id] = mapping(shapely.set_precision(geom, 10 ** -geo.COORD_DECIMALS))
            replaced += zone.geometry is not None
            if zone.parent_id is None:
                parent = _delomraade_for(geom.representative_point(), delomraader)
                if parent is not None:
                    parents_set += 1
                    if not dry_run:
                        zone.parent_id = parent.id
        without = sorted(z.name for z in zones if z.id not in new_geometry and z.geometry is None)
        summary = ImportSummary(
            file_name=file_name, file_type=file_type, level=level, crs=crs, crs_assumed=assumed,
            features=len(rows), matched_features=sum(len(v) for v in matched.values()),
            zones_updated=len(new_geometry), zones_replaced=replaced, zones_at_level=len(zones),
            parents_set=parents_set, merged=sum(len(v) - 1 for v in matched.values()), repaired=repaired,
            unmatched=unmatched, zones_without_geometry=without, dry_run=dry_run)
        if dry_run:
            session.rollback()
            return summary
        for zone_id, geometry in new_geometry.items():
            by_id[zone_id].geometry = geometry
        _record_source(session, actor, summary)
        session.add(AuditEntry(
            username=actor.username, action="import", entity="zone", entity_id=level,
            detail={"file": file_name, "type": file_type, "crs": crs, "features": summary.features,
                    "zones_updated": summary.zones_updated, "zones_replaced": replaced,
                    "parents_set": parents_set, "repaired": repaired[:50],
                    "unmatched": [u.name or u.code for u in unmatched][:50],
                    "zones_without_geometry": len(without)}))
        return summary


def _record_source(session, actor: Actor, summary: ImportSummary) -> None:
    """One source row per level saying where its boundaries came from (shown on Om dataene)."""
    key = f"sonegrenser-{summary.level}"
    source = session.scalar(select(Source).where(Source.key == key))
    if source is None:
        source = Source(key=key, title="", illustrative=False)
        session.add(source)
    plural = LEVEL_WORDS[summary.level][1]
    source.title = f"Grenser for {plural}, importert fra fila «{summary.file_name}»"
    source.publisher = f"Lastet inn i dashbordet av {actor.display_name or actor.username}"
    source.period = f"Importert {utcnow():%d.%m.%Y}"
    source.licence = source.licence or "Ikke oppgitt i fila"
    source.note = (f"{summary.file_type} i {summary.crs}"
                   + (" (antatt: GeoJSON uten crs)" if summary.crs_assumed else "")
                   + f", regnet om til EPSG:4326 og forenklet (≈10 m). {summary.zones_updated} av "
                     f"{summary.zones_at_level} {plural} fikk grenser.")


__all__ = ["LEVELS", "MAX_FILE_BYTES", "MAX_FILE_MB", "FileInfo", "ImportSummary", "Unmatched", "ZoneFileError",
           "import_zones", "inspect_file"]
