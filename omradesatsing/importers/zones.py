"""Import of official zone boundaries: levekårssoner and grunnkretser from GeoJSON or a zipped
Shapefile. No Streamlit here: the Admin page and the CLI (``import-zones``) call the same code.

The file is read from memory (pyogrio), never written to disk. What is checked, in this order:
1. the file type, by extension *and* by content (JSON that is GeoJSON; a zip holding one
   Shapefile with its .shx and .dbf), and the size (``MAX_FILE_MB``, the same number as
   ``server.maxUploadSize`` in ``.streamlit/config.toml``; a Shapefile's unpacked size is counted
   while unpacking, ``MAX_UNPACKED_BYTES``), then at most ``MAX_FEATURES`` features and
   ``MAX_VERTICES`` vertices;
2. the coordinate system: a Shapefile without .prj is refused; GeoJSON without ``crs`` is
   EPSG:4326 by the specification (RFC 7946), unless its numbers cannot be degrees;
3. the chosen code and/or name fields exist and have a value in every feature;
4. every geometry can be read (closed rings, finite coordinates) and is a (multi)polygon; an
   invalid one is repaired with shapely ``make_valid`` or refused with its feature number.
Whatever else a strange file makes the reader or GEOS raise becomes a ``ZoneFileError`` naming the
file (and feature), through ``_guard``.
Then the features are reprojected to EPSG:4326, matched to the store's zones at the level by
code or name (normalised like the seed's slugs), joined when several features make one zone,
simplified as the map does (``geo.simplify_geometries``, vectorised) and written, with the zone's parent
delområde where it has none and one audit entry, in one transaction. Any problem: nothing is
written. ``dry_run=True`` does every check and returns the same summary without writing.

Messages are Norwegian and name the file, the feature (``objekt``, counted from 1 in file order)
and the field, e.g. «soner.geojson, objekt 12, feltet «navn»: mangler verdi».
"""

from __future__ import annotations

import io
import json
import logging
import math
import re
import warnings
import zipfile
import zlib
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import shape
from shapely.ops import unary_union
from sqlalchemy import Engine, select

from omradesatsing import config, db, geo, suppression
from omradesatsing.auth import current_actor
from omradesatsing.commands import Problem, ValidationError
from omradesatsing.models import AuditEntry, BoundaryVersion, Source, Zone, utcnow
from omradesatsing.names import slugify
from omradesatsing.permissions import Actor, require_role
from omradesatsing.vocabulary import IMPORT_LEVELS

# The largest file accepted, in MB. Keep it equal to ``server.maxUploadSize`` in
# .streamlit/config.toml (a test checks that they agree): the Admin page's uploader uses the
# smaller of the two, and the core refuses anything bigger whichever way the file came in.
MAX_FILE_MB = 50
MAX_FILE_BYTES = MAX_FILE_MB * 1024 * 1024
# A zip bomb guard: the Shapefile's parts together may not unpack to more than this. The sizes a
# zip declares are checked first, then counted while unpacking in chunks of UNPACK_CHUNK (a zip can
# lie about its sizes: memory stays bounded by the limit, whatever it says).
MAX_UNPACKED_BYTES = 5 * MAX_FILE_BYTES
UNPACK_CHUNK = 1024 * 1024
# Caps on what a file may hold (Bergen has about 57 levekårssoner and 500 grunnkretser; a detailed
# grunnkrets file has a few hundred thousand vertices): a permitted file is read, checked and
# simplified in seconds, not minutes.
MAX_FEATURES = 10_000
MAX_VERTICES = 3_000_000

LEVELS = IMPORT_LEVELS
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

log = logging.getLogger(__name__)
# ``progress(done, text)``: ``done`` from 0 to 1, ``text`` Norwegian (e.g. for ``st.progress``).
Progress = Callable[[float, str], None]


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


@dataclass(frozen=True)
class AddedZone:
    code: str
    name: str
    parent: str | None  # the delområde its inside point lies in
    features: int  # how many of the file's features make it


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
    zones_added: list[AddedZone] = field(default_factory=list)  # zones the file has and the store lacked
    zones_not_in_file: list[str] = field(default_factory=list)  # zones the store has and the file lacks
    edition: str = ""  # the boundary version (edition) the zones belong to


# --- reading ------------------------------------------------------------------------------------

def _fail(message: str, field_name: str = "fil") -> ZoneFileError:
    return ZoneFileError([Problem(field_name, message)])


def _size_text(n: int) -> str:
    return f"{n / 1024 / 1024:.1f}".replace(".", ",") + " MB"


def _count_text(n: int) -> str:
    """10000 → «10 000» (Norwegian digit groups)."""
    return f"{n:,}".replace(",", "\u00a0")


def unexpected_error(file_name: str) -> ZoneFileError:
    """The message for an error the core's checks did not foresee, naming the file: the Admin page
    shows it instead of the app's generic message (the details go to its log)."""
    return _fail(f"{file_name}: fila kan ikke behandles på grunn av en uventet feil. Ingenting er lagret. "
                 "Kontroller at fila er gyldig GeoJSON eller en zippet Shapefile, og meld gjerne fra om feilen.")


@contextmanager
def _guard(where: str, what: str = "fila"):
    """Turns an exception the checks did not foresee, while reading or processing the file (not
    while writing), into a ``ZoneFileError`` naming the file (and feature): no traceback for a
    strange file. ``where`` is «soner.geojson» or «soner.geojson, objekt 12»."""
    try:
        yield
    except ZoneFileError:
        raise
    except Exception as exc:  # any reader or GEOS error: the file is at fault, not the store
        log.warning("Zone file %s: unexpected %s", where, type(exc).__name__, exc_info=True)
        raise _fail(f"{where}: {what} kan ikke behandles ({type(exc).__name__}); den er skadet eller har et "
                    "format importen ikke kjenner. Ingenting er lagret.") from None


def _progress(progress: Progress | None, done: float, text: str) -> None:
    if progress is not None:
        progress(done, text)


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
        text = data.decode("utf-8-sig")
        doc = json.loads(text)
    except UnicodeDecodeError:
        raise _fail(f"{file_name}: innholdet er ikke tekst (UTF-8), så det er ikke GeoJSON. "
                    "Er det en annen filtype med feil filendelse?") from None
    except RecursionError:
        raise _too_deep(text, file_name) from None
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
    _check_feature_count(len(features), file_name)
    return doc


TOO_DEEP = "innholdet er nestet for dypt (hundrevis av lister inni hverandre; en GeoJSON-geometri har høyst fire nivåer)"
NOT_FINITE = "geometrien har koordinater som ikke er tall (NaN eller uendelig)"


def _too_deep(text: str, file_name: str) -> ZoneFileError:
    """JSON nested deeper than Python's parser goes: which feature it is, found by decoding the
    features one at a time (the file is named alone when it is not inside a feature)."""
    decoder = json.JSONDecoder()
    where = file_name
    start = re.search(r'"features"\s*:\s*\[', text)
    if start:
        i, number, space = start.end(), 0, re.compile(r"\s*")
        while True:
            i = space.match(text, i).end()
            if i >= len(text) or text[i] == "]":
                break
            number += 1
            try:
                _value, i = decoder.raw_decode(text, i)
            except RecursionError:
                where = f"{file_name}, objekt {number}"
                break
            except json.JSONDecodeError:
                break
            i = space.match(text, i).end()
            if i >= len(text) or text[i] != ",":
                break
            i += 1
    return _fail(f"{where}: {TOO_DEEP}, så det er ikke gyldig GeoJSON.")


def _check_feature_count(n: int, file_name: str) -> None:
    if n > MAX_FEATURES:
        raise _fail(f"{file_name}: fila har {_count_text(n)} objekter; høyst {_count_text(MAX_FEATURES)} kan "
                    "importeres (Bergen har om lag 57 levekårssoner og 500 grunnkretser). Er det riktig fil?")


def _geojson_problems(doc: dict, file_name: str) -> list[Problem]:
    """Why GDAL could not read a GeoJSON document that is valid JSON, feature by feature: the
    geometry's structure, coordinates that are not numbers or not finite (e.g. 1e999). Walks the
    coordinates without recursion (they may be nested deeply)."""
    features = doc.get("features") if doc.get("type") == "FeatureCollection" else [doc]
    problems: list[Problem] = []
    for number, feature in enumerate(features, start=1):
        where = f"{file_name}, objekt {number}"
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            problems.append(Problem("geometri", f"{where}: er ikke et GeoJSON-objekt (\"type\": \"Feature\")"))
            continue
        geometry = feature.get("geometry")
        if geometry is None:
            continue
        if not isinstance(geometry, dict) or not isinstance(geometry.get("type"), str):
            problems.append(Problem("geometri", f"{where}: geometrien har feil format (den må ha «type»)"))
            continue
        stack = [(geometry.get("coordinates", geometry.get("geometries")), 0)]
        reason = None
        while stack and reason is None:
            value, depth = stack.pop()
            if isinstance(value, list | dict) and depth > 8:
                reason = "geometrien er nestet for dypt (en GeoJSON-geometri har høyst fire nivåer)"
            elif isinstance(value, dict):
                stack.append((value.get("coordinates", value.get("geometries")), depth + 1))
            elif isinstance(value, list):
                stack.extend((v, depth + 1) for v in value)
            elif isinstance(value, bool) or not isinstance(value, int | float):
                reason = "geometrien har koordinater som ikke er tall"
            elif not math.isfinite(value):
                reason = NOT_FINITE
        if reason:
            problems.append(Problem("geometri", f"{where}: {reason}"))
    return _limited(problems, file_name)


def _limited(problems: list[Problem], file_name: str) -> list[Problem]:
    more = len(problems) - MAX_PROBLEMS
    if more > 0:
        problems = [*problems[:MAX_PROBLEMS], Problem("fil", f"{file_name}: og {more} problemer til.")]
    return problems


def _unpack(archive, member: zipfile.ZipInfo, file_name: str, budget: int, limit: int | None = None,
            into=None) -> tuple[int, bytes]:
    """Copies one member of the zip to the file object ``into`` (if given) in chunks of
    ``UNPACK_CHUNK``, refused as soon as it passes ``budget`` bytes (``limit``, the whole
    Shapefile's, is what the message says). Returns the bytes unpacked and the first four. Never
    ``archive.read(member)``: that unpacks the whole member at once, up to 2 GB, before checking the
    size the zip declares, which a zip bomb sets to anything."""
    limit = budget if limit is None else limit
    part = PurePosixPath(member.filename).name
    total, head = 0, b""
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(UNPACK_CHUNK):
                total += len(chunk)
                if total > budget:
                    raise _fail(f"{file_name}: {part} i zip-fila blir større enn {limit // 1024 // 1024} MB når den "
                                f"pakkes ut (zip-fila oppgir {_size_text(member.file_size)}). Ingenting er lagret.")
                head = head or chunk[:4]
                if into is not None:
                    into.write(chunk)
    except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
        log.info("Zone file %s: %s does not unpack: %s", file_name, part, exc)
        raise _fail(f"{file_name}: {part} i zip-fila er skadet (innholdet stemmer ikke med størrelsen eller "
                    "sjekksummen zip-fila oppgir), så den kan ikke pakkes ut.") from None
    return total, head


def _shapefile_from_zip(data: bytes, file_name: str) -> tuple[bytes, str]:
    """A new in-memory zip with only the one Shapefile's parts, at the top level (GDAL reads a
    zip from memory only when the .shp is not in a folder), and the .shp's name."""
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
            unpacked = 0
            with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as flat:
                for ext, member in parts.items():
                    with flat.open(f"soner{ext}", "w") as into:  # straight into the new zip, chunk by chunk
                        size, head = _unpack(archive, member, file_name, MAX_UNPACKED_BYTES - unpacked,
                                             MAX_UNPACKED_BYTES, into)
                    unpacked += size
                    if ext == ".shp" and head != SHP_MAGIC:
                        raise _fail(f"{file_name}: {shp_name} er ikke en Shapefile (innholdet har feil format).")
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError):
        # RuntimeError: encrypted member; NotImplementedError: unknown compression
        raise _fail(f"{file_name}: zip-fila kan ikke pakkes ut (skadet, kryptert eller ukjent komprimering).") from None
    return out.getvalue(), shp_name


def _read(data: bytes, file_name: str):
    """The features as a GeoDataFrame in the file's own CRS, with the file type, CRS text and
    whether the CRS was assumed (GeoJSON without ``crs``). Geometry that cannot be read (e.g. an
    unclosed ring) is None in the frame, with the reason in ``frame.attrs["unreadable"]``
    ({row: Norwegian text}), for ``_check`` to name the feature."""
    kind = _check_name_and_size(data, file_name)
    if kind == "geojson":
        # not kept while GDAL reads (a 40 MB file is some 300 MB as Python objects); parsed again
        # only to say why GDAL could not read it
        declared = "crs" in _geojson_document(data, file_name)
        readable, file_type, unreadable = data, "GeoJSON", f"{file_name}: fila"
    else:
        readable, shp_name = _shapefile_from_zip(data, file_name)
        file_type, declared, unreadable = "Shapefile", True, f"{file_name}: {shp_name}"
    with _guard(file_name):
        frame = _read_frame(readable)
    if frame is None:
        problems = _geojson_problems(json.loads(data.decode("utf-8-sig")), file_name) if kind == "geojson" else []
        if problems:
            raise ZoneFileError(problems)
        raise _fail(f"{unreadable} kan ikke leses som {file_type} (innholdet er skadet eller har feil format).")
    _check_feature_count(len(frame), file_name)
    with _guard(file_name):
        vertices = int(shapely.get_num_coordinates(frame.geometry.to_numpy()).sum())
    if vertices > MAX_VERTICES:
        raise _fail(f"{file_name}: fila har {_count_text(vertices)} hjørnepunkter; høyst {_count_text(MAX_VERTICES)} "
                    "kan importeres. Forenkle grensene (f.eks. til 1 m) før importen.")
    if frame.crs is None:
        if file_type == "Shapefile":
            raise _fail(f"{file_name}: Shapefilen har ikke noe koordinatsystem (mangler .prj-fila). Legg .prj-fila "
                        "i zip-fila, f.eks. for EPSG:25832 (UTM sone 32N), og prøv igjen.", "koordinatsystem")
        frame = frame.set_crs(TARGET_CRS)
    with _guard(file_name):
        epsg = frame.crs.to_epsg()
        crs = f"EPSG:{epsg}" if epsg else frame.crs.name
    return frame, file_type, crs, not declared


def _read_frame(readable: bytes):
    """pyogrio's reading, or None when GDAL cannot read the data at all. Geometry GEOS refuses
    (``on_invalid="ignore"``) is diagnosed from its WKB (a second, geometry-only read)."""
    import pyogrio

    with warnings.catch_warnings():  # GDAL's and shapely's warnings are not for the user's terminal
        warnings.simplefilter("ignore")
        try:
            frame = pyogrio.read_dataframe(readable, on_invalid="ignore")
        except Exception:  # pyogrio raises many kinds for junk, IndexError included
            log.info("Zone file unreadable by GDAL", exc_info=True)
            return None
        missing = np.flatnonzero(frame.geometry.isna().to_numpy())
        frame.attrs["unreadable"] = {}
        if len(missing):
            wkb = pyogrio.raw.read(readable, columns=[])[2]
            for i in missing:
                if wkb[i] is not None:
                    frame.attrs["unreadable"][int(i)] = _wkb_problem(wkb[i])
    return frame


def _wkb_problem(wkb: bytes) -> str:
    """Why GEOS refuses a geometry, in Norwegian."""
    try:
        shapely.from_wkb(wkb)
    except Exception as exc:  # noqa: BLE001
        reason = str(exc)
    else:
        reason = ""
    if "closed linestring" in reason:
        return "geometrien har en ring som ikke er lukket (første og siste punkt er ulike)"
    if "number of points in LinearRing" in reason:
        return "geometrien har en ring med for få punkter (en ring må ha minst fire, med det første til slutt)"
    return "geometrien kan ikke leses (den er skadet)"


def _fields(frame) -> list[str]:
    return [str(c) for c in frame.columns if c != frame.geometry.name]


def inspect_file(data: bytes, file_name: str) -> FileInfo:
    """Type, fields, feature count and coordinate system of a zone file, for choosing fields.
    Refuses wrong types, sizes and unreadable files with ``ZoneFileError``; writes nothing."""
    file_name = _base_name(file_name)
    frame, file_type, crs, assumed = _read(data, file_name)
    return FileInfo(file_name, file_type, _fields(frame), len(frame), crs, assumed)


def _base_name(file_name: str | None) -> str:
    return PurePosixPath((file_name or "").replace("\\", "/")).name or "fila"


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
    unreadable = frame.attrs.get("unreadable", {})
    with _guard(file_name):  # the whole file at once (GEOS in C), then feature by feature below
        geoms = frame.geometry.to_numpy()
        coords, index = shapely.get_coordinates(geoms, return_index=True)
        not_finite = set(np.unique(index[~np.isfinite(coords).all(axis=1)]).tolist())
        checkable = geoms.copy()
        checkable[list(not_finite)] = None
        valid = shapely.is_valid(checkable)
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
        if i in unreadable:
            problems.append(Problem("geometri", f"{where}: {unreadable[i]}"))
            continue
        if geom is None or geom.is_empty:
            problems.append(Problem("geometri", f"{where}: mangler geometri"))
            continue
        if i in not_finite:
            problems.append(Problem("geometri", f"{where}: {NOT_FINITE}"))
            continue
        if geom.geom_type not in ("Polygon", "MultiPolygon", "GeometryCollection"):
            problems.append(Problem("geometri", f"{where}: geometrien er {geom.geom_type}, ikke en flate "
                                                "(Polygon eller MultiPolygon)"))
            continue
        with _guard(where, "geometrien"):
            if not valid[i]:
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
        raise ZoneFileError(_limited(problems, file_name))
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
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
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
    slugs: dict[str, str] = {}  # a file repeats its names and codes: slugify each once
    for row in rows:
        number, code, name, _geom = row
        hits: list[Zone] = []
        if code is not None:
            hits = by_code.get(slugs.get(code) or slugs.setdefault(code, slugify(code)), [])
        if not hits and name is not None:
            hits = by_name.get(slugs.get(name) or slugs.setdefault(name, slugify(name)), [])
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

JOIN_INDEX_FROM = 64  # a zone with more features than this is joined with a spatial index


def _join(geoms: list):
    """The union of one zone's (valid, polygonal) features. With many features, only those that
    touch or overlap another are unioned (found with an STRtree); the others are disjoint parts
    already, and GEOS's union of thousands of them took seconds for nothing."""
    if len(geoms) == 1:
        return geoms[0]
    if len(geoms) <= JOIN_INDEX_FROM:
        return shapely.union_all(geoms)
    arr = np.empty(len(geoms), dtype=object)
    arr[:] = geoms
    a, b = shapely.STRtree(arr).query(arr, predicate="intersects")
    others = a != b
    touching = np.unique(np.concatenate([a[others], b[others]]))
    alone = np.setdiff1d(np.arange(len(arr)), touching)
    pieces = list(arr[alone]) + ([shapely.union_all(arr[touching])] if len(touching) else [])
    parts = shapely.get_parts(np.array(pieces, dtype=object))
    parts = parts[~shapely.is_empty(parts)]
    return parts[0] if len(parts) == 1 else shapely.multipolygons(parts)


def _join_and_simplify(matched: dict[int, list], file_name: str) -> dict[int, object]:
    """One simplified, valid and rounded geometry per zone: the zone's features joined (not when
    it has one), simplified as the map does, vectorised."""
    zone_ids = list(matched)
    joined = []
    for zone_id in zone_ids:
        hits = matched[zone_id]
        numbers = ", ".join(str(r[0]) for r in hits[:5]) + (" …" if len(hits) > 5 else "")
        with _guard(f"{file_name}, objekt {numbers}", "geometrien"):
            joined.append(_join([r[3] for r in hits]))
    with _guard(file_name, "geometrien"):
        simple = np.empty(len(joined), dtype=object)
        simple[:] = geo.simplify_geometries(joined)
        invalid = np.flatnonzero(~shapely.is_valid(simple))  # rounding to 1 m can pinch a narrow part
        for i in invalid:
            fixed = _polygonal(shapely.make_valid(simple[i]))
            if fixed is not None:
                simple[i] = shapely.set_precision(fixed, 10 ** -geo.COORD_DECIMALS)
    return dict(zip(zone_ids, simple, strict=True))


def _edition(session, level: str, key: str | None) -> BoundaryVersion | None:
    """The boundary version a file's zones belong to: the one named, else the newest with zones at
    the level, else the newest of that level."""
    if key:
        found = session.scalar(select(BoundaryVersion).where(BoundaryVersion.key == key))
        if found is None:
            keys = ", ".join(session.scalars(select(BoundaryVersion.key).order_by(BoundaryVersion.key)))
            raise _fail(f"Grenseutgaven «{key}» finnes ikke (utgavene er: {keys}).", "utgave")
        return found
    with_zones = select(Zone.boundary_version_id).where(Zone.level == level)
    newest = (BoundaryVersion.valid_from.desc().nulls_last(), BoundaryVersion.id.desc())
    return (session.scalar(select(BoundaryVersion).where(BoundaryVersion.id.in_(with_zones)).order_by(*newest).limit(1))
            or session.scalar(select(BoundaryVersion).where(BoundaryVersion.level == level)
                              .order_by(*newest).limit(1)))


def _new_edition(session, level: str, name: str, valid_from: int, file_name: str) -> BoundaryVersion:
    """A new boundary version of ``level`` named ``name``, holding from ``valid_from``; the edition with
    zones at the level that held until then (open-ended, older) ends the year before, and an older
    edition brought in after a newer one ends the year before that one begins."""
    key = slugify(name)[:80]
    if not key or session.scalar(select(BoundaryVersion.id).where(
            (BoundaryVersion.key == key) | (BoundaryVersion.name == name[:200]))) is not None:
        names = ", ".join(session.scalars(select(BoundaryVersion.name).order_by(BoundaryVersion.name)))
        raise _fail(f"Utgaven «{name}» finnes allerede eller har et ugyldig navn (utgavene er: {names}).", "utgave")
    with_zones = select(Zone.boundary_version_id).where(Zone.level == level)
    others = list(session.scalars(select(BoundaryVersion).where(BoundaryVersion.id.in_(with_zones))))
    for older in others:
        if older.valid_to is None and (older.valid_from or 0) < valid_from:
            older.valid_to = valid_from - 1
    later = [o.valid_from for o in others if o.valid_from is not None and o.valid_from > valid_from]
    version = BoundaryVersion(key=key, name=name[:200], level=level, valid_from=valid_from,
                              valid_to=min(later) - 1 if later else None,
                              note=f"Laget ved import av «{file_name}» {utcnow():%d.%m.%Y}.")
    session.add(version)
    session.flush()
    return version


def _to_add(unmatched: list[Unmatched], rows) -> tuple[dict[str, list], list[Unmatched]]:
    """The features no zone matched, grouped into the zones they would add (by code, else name);
    a feature with neither, or whose name several zones have, stays unmatched."""
    by_number = {r[0]: r for r in rows}
    groups: dict[str, list] = {}
    left = []
    for u in unmatched:
        if u.reason.startswith("ingen sone") and (u.code or u.name):
            groups.setdefault(slugify(u.code or u.name), []).append(by_number[u.number])
        else:
            left.append(u)
    return groups, left


def import_zones(engine: Engine, actor: Actor, data: bytes, file_name: str, *, level: str,
                 code_field: str | None = None, name_field: str | None = None,
                 dry_run: bool = False, progress: Progress | None = None,
                 settings: config.Settings | None = None, add_missing: bool = False,
                 edition: str | None = None, new_edition: str | None = None,
                 valid_from: int | None = None) -> ImportSummary:
    """Give the zones at ``level`` their boundaries from a zone file (see the module's docstring).
    Zones that get their delområde as parent change the store's sums, so the suppression pattern is
    computed again in the same transaction (under ``settings``, default: the environment's).

    ``add_missing``: the file is the authority for the zone list: a feature that matches no zone adds
    one (code and name from the file, its delområde from the polygon) to ``edition`` (a boundary
    version's key; default the newest with zones at the level), and only that edition's zones are
    matched.

    ``new_edition`` (a name, with ``valid_from``, the first year its zones hold): the file is a new
    edition of the zones (levekårssoner 2016 → 2023): a boundary version of that name is created and
    every zone in the file is added to it; the edition that held until then ends the year before
    (so a figure's year says which edition it belongs to). Values stay with the zones they were
    stored for.

    Only admins (``PermissionDenied`` otherwise, before the file is read). Raises
    ``ZoneFileError`` for a file that cannot be imported; nothing is written then, nor with
    ``dry_run=True``. Returns what was (or would be) done. ``progress(done, text)``, if given, is
    called as the work goes on (``done`` from 0 to 1, ``text`` Norwegian).
    """
    require_role(actor, "admin")
    file_name = _base_name(file_name)
    if level not in LEVELS:
        raise _fail(f"Nivået «{level}» kan ikke importeres her. Velg levekaarssone eller grunnkrets.", "nivå")
    code_field = (code_field or "").strip() or None
    name_field = (name_field or "").strip() or None
    _progress(progress, 0.0, f"Leser {file_name} …")
    frame, file_type, crs, assumed = _read(data, file_name)
    _progress(progress, 0.2, f"Sjekker {_count_text(len(frame))} objekter …")
    rows, repaired = _check(frame, file_name, code_field, name_field)
    # Reproject the checked (and repaired) geometry, in file order.
    import geopandas as gpd

    _progress(progress, 0.4, f"Regner om fra {crs} til {TARGET_CRS} …")
    with _guard(file_name):
        checked = gpd.GeoDataFrame({"number": [r[0] for r in rows]}, geometry=[r[3] for r in rows], crs=frame.crs)
        checked = _reproject(checked, file_name, crs, assumed)
        rows = [(n, c, nm, g) for (n, c, nm, _old), g in zip(rows, checked.geometry, strict=True)]

    new_edition = (new_edition or "").strip() or None
    if new_edition is not None and (valid_from is None or not 1990 <= int(valid_from) <= 2100):
        raise _fail("En ny utgave av sonene trenger det første året den gjelder fra (et årstall).", "utgave")
    with db.session_scope(engine) as session:
        actor = current_actor(session, actor)  # an admin demoted or closed since signing in may not import
        require_role(actor, "admin")
        if new_edition is not None:
            version = _new_edition(session, level, new_edition, int(valid_from), file_name)
            add_missing = True
        else:
            version = _edition(session, level, edition) if (add_missing or edition) else None
        query = select(Zone).where(Zone.level == level).order_by(Zone.code)
        if version is not None:
            query = query.where(Zone.boundary_version_id == version.id)
        zones = list(session.scalars(query))
        if not zones and not (add_missing and version is not None):
            raise _fail(f"Databasen har ingen soner på nivået {LEVEL_WORDS[level][0]} å gi grenser.", "nivå")
        matched, unmatched = _match(rows, zones)
        new_groups: dict[str, list] = {}
        if add_missing and version is not None:
            new_groups, unmatched = _to_add(unmatched, rows)
        if not matched and not new_groups:
            raise _fail(f"{file_name}: ingen av de {len(rows)} objektene passer med en {LEVEL_WORDS[level][0]} "
                        f"i databasen (sammenlignet med {'koden' if code_field else 'navnet'}). Er nivået og "
                        "feltene riktige?", code_field or name_field or "felt")
        by_id = {z.id: z for z in zones}
        _progress(progress, 0.55, f"Slår sammen og forenkler grensene for {len(matched)} soner …")
        simplified = _join_and_simplify({**matched, **new_groups}, file_name)
        delomraader = [(z, shape(z.geometry)) for z in session.scalars(
            select(Zone).where(Zone.level == "delomraade", Zone.geometry.is_not(None)))]
        _progress(progress, 0.85, "Finner delområdene sonene ligger i …")
        replaced = parents_set = 0
        new_geometry: dict[int, dict] = {}
        added: list[AddedZone] = []
        for key, hits in new_groups.items():
            geom = simplified.pop(key)
            parent = _delomraade_for(geom.representative_point(), delomraader)
            code, name = hits[0][1], hits[0][2]
            added.append(AddedZone(code=(code or slugify(name))[:80], name=(name or code)[:200],
                                   parent=parent.name if parent is not None else None, features=len(hits)))
            if not dry_run:
                session.add(Zone(level=level, code=(code or slugify(name))[:80], name=(name or code)[:200],
                                 boundary_version_id=version.id, parent_id=parent.id if parent else None,
                                 geometry=json.loads(shapely.to_geojson(geom)),
                                 note=f"Lagt til fra sonefila «{file_name}» {utcnow():%d.%m.%Y}."))
        for zone_id, geom in simplified.items():
            zone = by_id[zone_id]
            new_geometry[zone.id] = json.loads(shapely.to_geojson(geom))  # as mapping(), twice as fast
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
            parents_set=parents_set, merged=sum(len(v) - 1 for v in (*matched.values(), *new_groups.values())),
            repaired=repaired,
            unmatched=unmatched, zones_without_geometry=without, dry_run=dry_run, zones_added=added,
            zones_not_in_file=sorted(z.name for z in zones if z.id not in matched),
            edition=version.name if version is not None else "")
        if dry_run:
            session.rollback()
            _progress(progress, 1.0, "Forhåndsvisningen er klar.")
            return summary
        _progress(progress, 0.95, "Lagrer …")
        for zone_id, geometry in new_geometry.items():
            by_id[zone_id].geometry = geometry
        _record_source(session, actor, summary)
        if parents_set:  # the zones below the delområder changed: every linked table changed with them
            session.flush()
            suppression.protect(session, settings or config.load_settings())
        session.add(AuditEntry(
            username=actor.username, action="import", entity="zone", entity_id=level,
            detail={"file": file_name, "type": file_type, "crs": crs, "features": summary.features,
                    "zones_updated": summary.zones_updated, "zones_replaced": replaced,
                    "parents_set": parents_set, "repaired": repaired[:50],
                    "unmatched": [u.name or u.code for u in unmatched][:50],
                    "zones_without_geometry": len(without),
                    "zones_added": [f"{z.code} {z.name}" for z in added][:100],
                    "edition": summary.edition}))
    _progress(progress, 1.0, "Ferdig.")
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


__all__ = ["AddedZone", "LEVELS", "MAX_FEATURES", "MAX_FILE_BYTES", "MAX_FILE_MB", "MAX_VERTICES", "FileInfo", "ImportSummary",
           "Progress", "Unmatched", "ZoneFileError", "import_zones", "inspect_file", "unexpected_error"]
