"""Zone-file import in the core, on SQLite and PostgreSQL: GeoJSON in UTM 32N reprojected (checked
against pyproj), a zipped Shapefile, Norwegian messages naming file, feature and field, wrong types
and sizes refused by extension and by content, admins only, dry run, and nothing written on any error.

The store is built by hand from real delområde polygons (data/bergen-delomraader.geojson); the
zone files are made in the tests from the same polygons, reprojected to EPSG:25832.
"""

from __future__ import annotations

import io
import json
import os
import tomllib
import zipfile

import geopandas as gpd
import pytest
from pyproj import Transformer
from shapely.geometry import Point, Polygon, box, mapping, shape
from shapely.ops import unary_union
from sqlalchemy import func, select

from omradesatsing import cli, config, db, read
from omradesatsing.importers import zones as importers
from omradesatsing.importers.zones import ZoneFileError
from omradesatsing.models import (
    Area,
    AreaZone,
    AuditEntry,
    BoundaryVersion,
    Source,
    Zone,
)
from omradesatsing.permissions import ANONYMOUS, Actor, PermissionDenied
from omradesatsing.read import Store
from tests.zonefiles import zip_with

ADMIN = Actor("ola", "admin", "Ola")
EDITOR = Actor("kari", "editor", "Kari", frozenset({"solheim"}))
DELOMRAADER = ("Loddefjord", "Ytre Arna", "Solheim", "Fana")
GRUNNKRETSER = {"46011901": "Loddefjord sentrum", "46011902": "Vadmyra"}


def _delomraade_shapes() -> dict[str, object]:
    doc = json.loads((config.DATA_DIR / "bergen-delomraader.geojson").read_text(encoding="utf-8"))
    pieces: dict[str, list] = {}
    for f in doc["features"]:
        pieces.setdefault(f["properties"]["delomraade_name"], []).append(shape(f["geometry"]))
    return {name: unary_union(pieces[name]).buffer(0) for name in DELOMRAADER}


SHAPES = _delomraade_shapes()


def _halves(geom):
    """A polygon cut in a west and an east half (two 'levekårssoner' in one delområde)."""
    minx, miny, maxx, maxy = geom.bounds
    mid = (minx + maxx) / 2
    return geom.intersection(box(minx, miny, mid, maxy)), geom.intersection(box(mid, miny, maxx, maxy))


SOLHEIM_NORD, SOLHEIM_SOR = _halves(SHAPES["Solheim"])
LODD_WEST, LODD_EAST = _halves(SHAPES["Loddefjord"])


@pytest.fixture
def store(db_url):
    """Delområder with real geometry; levekårssoner and grunnkretser without; one area."""
    engine = db.make_engine(db_url)
    db.upgrade(engine)
    with db.session_scope(engine) as s:
        src = Source(key="t", title="T")
        s.add(src)
        s.flush()
        ssb = BoundaryVersion(key="ssb-2025", name="SSB 2025", level="bydel")
        lks = BoundaryVersion(key="levekaarssoner-2023", name="Levekårssoner 2023", level="levekaarssone")
        s.add_all([ssb, lks])
        s.flush()
        bydel = Zone(level="bydel", code="460107", name="Årstad", boundary_version_id=ssb.id)
        s.add(bydel)
        s.flush()
        delo = {}
        for i, name in enumerate(DELOMRAADER):
            delo[name] = Zone(level="delomraade", code=f"4601{i:04d}", name=name, boundary_version_id=ssb.id,
                              geometry=mapping(SHAPES[name]))
            s.add(delo[name])
        s.flush()
        zones = {}
        # Loddefjord and Ytre Arna have no parent (it is set from the geometry); Solheim's are in Årstad.
        for name, parent in (("Loddefjord", None), ("Ytre Arna", None), ("Solheim nord", bydel),
                             ("Solheim sør", bydel), ("Olsvik", None)):
            zones[name] = Zone(level="levekaarssone", code=name.lower().replace(" ", "-").replace("ø", "o"),
                               name=name, boundary_version_id=lks.id, parent_id=parent.id if parent else None)
            s.add(zones[name])
        for code, name in GRUNNKRETSER.items():
            s.add(Zone(level="grunnkrets", code=code, name=name, boundary_version_id=ssb.id,
                       parent_id=delo["Loddefjord"].id))
        area = Area(slug="solheim", name="Solheim", start_year=2012, state="active", source_id=src.id)
        area.zones.append(AreaZone(zone=delo["Solheim"], approximate=True))
        area.zones.append(AreaZone(zone=zones["Solheim nord"], approximate=False))
        area.zones.append(AreaZone(zone=zones["Solheim sør"], approximate=False))
        s.add(area)
    yield engine
    engine.dispose()


def _utm_frame(rows: list[dict], geoms) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(rows, geometry=list(geoms), crs="EPSG:4326").to_crs(25832)


def _geojson_bytes(frame: gpd.GeoDataFrame) -> bytes:
    """GeoJSON as municipalities deliver it: UTM 32N coordinates and a "crs" member naming EPSG:25832."""
    return frame.to_json(to_wgs84=False).encode("utf-8")


def _lks_file(extra: list[tuple[dict, object]] = ()) -> gpd.GeoDataFrame:
    rows = [({"navn": "Loddefjord", "nr": 1201}, SHAPES["Loddefjord"]),
            ({"navn": "YTRE ARNA", "nr": 1301}, SHAPES["Ytre Arna"]),  # case differs from the store
            ({"navn": "Solheim nord", "nr": 1401}, SOLHEIM_NORD),
            ({"navn": "Solheim Sør", "nr": 1402}, SOLHEIM_SOR),
            ({"navn": "Fantasia", "nr": 9999}, SHAPES["Fana"]),  # no such zone
            *extra]
    return _utm_frame([r for r, _ in rows], [g for _, g in rows])


def _snapshot(engine) -> tuple:
    """Everything an import may change: zone geometry and parents, audit rows, source rows."""
    with engine.connect() as conn:
        zones = conn.execute(select(Zone.code, Zone.geometry, Zone.parent_id).order_by(Zone.code)).all()
        audit = conn.scalar(select(func.count()).select_from(AuditEntry))
        sources = conn.execute(select(Source.key, Source.title).order_by(Source.key)).all()
    return [tuple(z) for z in zones], audit, [tuple(s) for s in sources]


def _zone(engine, code: str) -> Zone:
    with db.session_scope(engine) as s:
        return s.scalar(select(Zone).where(Zone.code == code))


# --- GeoJSON -----------------------------------------------------------------------------------

def test_geojson_in_utm_is_reprojected_matched_and_written_with_one_audit_entry(store):
    frame = _lks_file()
    summary = importers.import_zones(store, ADMIN, _geojson_bytes(frame), "soner.geojson",
                                     level="levekaarssone", name_field="navn")
    assert (summary.crs, summary.crs_assumed, summary.file_type) == ("EPSG:25832", False, "GeoJSON")
    assert (summary.features, summary.matched_features, summary.zones_updated) == (5, 4, 4)
    assert summary.zones_at_level == 5 and summary.zones_replaced == 0 and not summary.dry_run
    assert [(u.number, u.name) for u in summary.unmatched] == [(5, "Fantasia")]
    assert summary.zones_without_geometry == ["Olsvik"]

    # One vertex of the file, reprojected independently with pyproj, lies on the stored boundary
    # (within the map's simplification of about 10 m: 0.0001°, plus rounding).
    to_wgs84 = Transformer.from_crs("EPSG:25832", "EPSG:4326", always_xy=True)
    utm_ring = frame.geometry.iloc[0]
    utm_ring = (utm_ring.geoms[0] if utm_ring.geom_type == "MultiPolygon" else utm_ring).exterior
    x, y = utm_ring.coords[7]
    assert 200_000 < x < 400_000 and 6_600_000 < y < 6_800_000  # really UTM metres in the file
    lon, lat = to_wgs84.transform(x, y)
    stored = shape(_zone(store, "loddefjord").geometry)
    assert stored.boundary.distance(Point(lon, lat)) < 0.00015
    assert 5.0 < lon < 5.5 and 60.2 < lat < 60.6
    # the stored shape is the delområde it came from (reprojected twice: 4326 → 25832 → 4326)
    assert stored.symmetric_difference(SHAPES["Loddefjord"]).area / SHAPES["Loddefjord"].area < 0.02

    # parents: set from the inside point where there was none, kept where there was one
    with db.session_scope(store) as s:
        parents = {z.name: (z.parent.name if z.parent else None)
                   for z in s.scalars(select(Zone).where(Zone.level == "levekaarssone"))}
    assert parents == {"Loddefjord": "Loddefjord", "Ytre Arna": "Ytre Arna", "Solheim nord": "Årstad",
                       "Solheim sør": "Årstad", "Olsvik": None}
    assert summary.parents_set == 2

    with store.connect() as conn:
        audit = conn.execute(select(AuditEntry.username, AuditEntry.action, AuditEntry.entity, AuditEntry.entity_id,
                                    AuditEntry.detail)).all()
        source = conn.execute(select(Source.title, Source.note).where(Source.key == "sonegrenser-levekaarssone")).one()
    assert len(audit) == 1
    who, action, entity, level, detail = audit[0]
    assert (who, action, entity, level) == ("ola", "import", "zone", "levekaarssone")
    assert detail["file"] == "soner.geojson" and detail["crs"] == "EPSG:25832" and detail["zones_updated"] == 4
    assert detail["unmatched"] == ["Fantasia"]
    assert "soner.geojson" in source.title and "EPSG:25832" in source.note

    # Kart can draw the level now; the area is drawn with its own levekårssoner, not the stand-in
    assert read.places.levels_with_geometry(Store.of(store)) == ["delomraade", "levekaarssone"]
    drawn = read.places.zone_features(Store.of(store), "levekaarssone")["features"]
    assert sorted(f["properties"]["name"] for f in drawn) == ["Loddefjord", "Solheim nord", "Solheim sør",
                                                              "Ytre Arna"]
    outline = read.places.area_features(Store.of(store))["features"]
    assert [f["properties"]["zone_name"] for f in outline] == ["Solheim nord, Solheim sør"]  # one shape
    drawn_area = shape(outline[0]["geometry"])
    assert drawn_area.geom_type == "Polygon" and len(drawn_area.interiors) == 0  # no hairline between the halves
    assert abs(drawn_area.area - SHAPES["Solheim"].area) / SHAPES["Solheim"].area < 0.03


def test_an_area_keeps_its_stand_in_until_all_its_zones_have_boundaries(store):
    frame = _utm_frame([{"navn": "Solheim nord"}], [SOLHEIM_NORD])
    importers.import_zones(store, ADMIN, _geojson_bytes(frame), "nord.geojson", level="levekaarssone",
                           name_field="navn")
    outline = read.places.area_features(Store.of(store))["features"]
    assert [f["properties"]["zone_name"] for f in outline] == ["Solheim"]  # the delområde, not half an area


def test_geojson_without_crs_is_wgs84_by_the_spec_and_utm_numbers_without_crs_are_refused(store):
    doc = json.loads(_lks_file().to_crs(4326).to_json())
    doc.pop("crs", None)
    summary = importers.import_zones(store, ADMIN, json.dumps(doc).encode(), "soner.json", level="levekaarssone",
                                     name_field="navn", dry_run=True)
    assert summary.crs == "EPSG:4326" and summary.crs_assumed and summary.zones_updated == 4

    utm = json.loads(_geojson_bytes(_lks_file()))
    utm.pop("crs")
    before = _snapshot(store)
    with pytest.raises(ZoneFileError) as err:
        importers.import_zones(store, ADMIN, json.dumps(utm).encode(), "utm.geojson", level="levekaarssone",
                               name_field="navn")
    assert str(err.value).startswith("utm.geojson: koordinatene")
    assert "ikke lengde- og breddegrader" in str(err.value) and "EPSG:25832" in str(err.value)
    assert _snapshot(store) == before


def test_a_wrong_coordinate_system_puts_the_zones_outside_bergen_and_is_refused(store):
    frame = _lks_file().set_crs(32633, allow_override=True)  # UTM 33N numbers said to be 32N's: far away
    with pytest.raises(ZoneFileError, match="ligger ikke i Bergen"):
        importers.import_zones(store, ADMIN, _geojson_bytes(frame), "soner.geojson", level="levekaarssone",
                               name_field="navn")


def test_features_of_one_zone_are_joined_and_codes_match_before_names(store):
    frame = _utm_frame([{"kode": "46011901", "navn": "feil navn"}, {"kode": "46011901", "navn": "x"},
                        {"kode": None, "navn": "Vadmyra"}], [LODD_WEST, LODD_EAST, SHAPES["Fana"]])
    with pytest.raises(ZoneFileError) as err:  # a chosen field must have a value in every feature
        importers.import_zones(store, ADMIN, _geojson_bytes(frame), "kretser.geojson", level="grunnkrets",
                               code_field="kode", name_field="navn")
    assert str(err.value) == "kretser.geojson, objekt 3, feltet «kode»: mangler verdi"
    frame.loc[2, "kode"] = "ukjent"
    summary = importers.import_zones(store, ADMIN, _geojson_bytes(frame), "kretser.geojson", level="grunnkrets",
                                     code_field="kode", name_field="navn")
    assert summary.zones_updated == 2 and summary.merged == 1 and summary.unmatched == []
    joined = shape(_zone(store, "46011901").geometry)
    assert abs(joined.area - SHAPES["Loddefjord"].area) / SHAPES["Loddefjord"].area < 0.02  # both halves
    assert shape(_zone(store, "46011902").geometry).intersects(SHAPES["Fana"].representative_point())


# --- zipped Shapefile --------------------------------------------------------------------------

def _shapefile_zip(tmp_path, frame: gpd.GeoDataFrame, *, skip: tuple[str, ...] = (), folder: str = "kretser/") -> bytes:
    out = tmp_path / "shp"
    out.mkdir(exist_ok=True)
    frame.to_file(out / "grunnkretser.shp", engine="pyogrio")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for part in sorted(os.listdir(out)):
            if not part.endswith(skip):
                z.write(out / part, folder + part)  # in a folder, as zips made by hand often are
    return buf.getvalue()


def test_a_zipped_shapefile_in_utm_is_imported_by_numeric_code(store, tmp_path):
    frame = _utm_frame([{"GRUNNKRETS": 46011901, "GKNAVN": "Loddefjord sentrum"},
                        {"GRUNNKRETS": 46011902, "GKNAVN": "Vadmyra"}], [LODD_WEST, LODD_EAST])
    data = _shapefile_zip(tmp_path, frame)
    info = importers.inspect_file(data, "kretser.zip")
    assert (info.file_type, info.crs, info.features) == ("Shapefile", "EPSG:25832", 2)
    assert info.fields == ["GRUNNKRETS", "GKNAVN"]
    summary = importers.import_zones(store, ADMIN, data, "kretser.zip", level="grunnkrets", code_field="GRUNNKRETS")
    assert (summary.zones_updated, summary.crs, summary.unmatched) == (2, "EPSG:25832", [])
    west = shape(_zone(store, "46011901").geometry)
    assert west.representative_point().within(SHAPES["Loddefjord"].buffer(0.001))
    assert read.places.levels_with_geometry(Store.of(store)) == ["delomraade", "grunnkrets"]


def test_a_shapefile_without_prj_or_dbf_is_refused(store, tmp_path):
    frame = _utm_frame([{"GRUNNKRETS": 46011901}], [LODD_WEST])
    before = _snapshot(store)
    with pytest.raises(ZoneFileError) as err:
        importers.import_zones(store, ADMIN, _shapefile_zip(tmp_path, frame, skip=(".prj",)), "kretser.zip",
                               level="grunnkrets", code_field="GRUNNKRETS")
    assert str(err.value).startswith("kretser.zip: Shapefilen har ikke noe koordinatsystem (mangler .prj-fila)")
    with pytest.raises(ZoneFileError, match=r"kretser.zip: zip-fila mangler grunnkretser.dbf"):
        importers.inspect_file(_shapefile_zip(tmp_path, frame, skip=(".dbf",)), "kretser.zip")
    assert _snapshot(store) == before


# --- messages naming file, feature and field; nothing changed ----------------------------------

def test_a_missing_name_names_file_feature_and_field_and_changes_nothing(store):
    frame = _lks_file()
    frame.loc[2, "navn"] = None  # the third feature
    before = _snapshot(store)
    with pytest.raises(ZoneFileError) as err:
        importers.import_zones(store, ADMIN, _geojson_bytes(frame), "soner.geojson", level="levekaarssone",
                               name_field="navn")
    assert [p.message for p in err.value.problems] == ["soner.geojson, objekt 3, feltet «navn»: mangler verdi"]
    assert err.value.problems[0].field == "navn"
    assert _snapshot(store) == before  # not even the four good features were written


def test_unknown_field_missing_and_unusable_geometry_are_each_named(store):
    frame = _lks_file()
    with pytest.raises(ZoneFileError, match=r"soner.geojson: feltet «NAVN» finnes ikke i fila. Feltene er: .*navn"):
        importers.import_zones(store, ADMIN, _geojson_bytes(frame), "soner.geojson", level="levekaarssone",
                               name_field="NAVN")
    doc = json.loads(_geojson_bytes(frame))
    doc["features"][1]["geometry"] = None
    doc["features"][3]["geometry"] = {"type": "LineString", "coordinates": [[297000, 6700000], [298000, 6701000]]}
    with pytest.raises(ZoneFileError) as err:
        importers.import_zones(store, ADMIN, json.dumps(doc).encode(), "soner.geojson", level="levekaarssone",
                               name_field="navn")
    assert [p.message for p in err.value.problems] == [
        "soner.geojson, objekt 2: mangler geometri",
        "soner.geojson, objekt 4: geometrien er LineString, ikke en flate (Polygon eller MultiPolygon)"]


def test_invalid_geometry_is_repaired_or_refused_with_its_number(store):
    lon, lat = SHAPES["Ytre Arna"].representative_point().coords[0]
    d = 0.002
    bowtie = Polygon([(lon - d, lat - d), (lon + d, lat + d), (lon + d, lat - d), (lon - d, lat + d)])
    assert not bowtie.is_valid
    frame = _utm_frame([{"navn": "Loddefjord"}, {"navn": "Ytre Arna"}], [SHAPES["Loddefjord"], bowtie])
    summary = importers.import_zones(store, ADMIN, _geojson_bytes(frame), "soner.geojson", level="levekaarssone",
                                     name_field="navn")
    assert summary.repaired == [2] and summary.zones_updated == 2
    repaired = shape(_zone(store, "ytre-arna").geometry)
    assert repaired.is_valid and repaired.geom_type == "MultiPolygon" and len(repaired.geoms) == 2

    frame = _utm_frame([{"navn": "Loddefjord"}, {"navn": "Olsvik"}], [SHAPES["Loddefjord"], SHAPES["Fana"]])
    x, y = frame.geometry.iloc[1].representative_point().coords[0]
    frame.loc[1, "geometry"] = Polygon([(x, y), (x + 100, y), (x + 200, y), (x, y)])  # in UTM: no area at all
    before = _snapshot(store)
    with pytest.raises(ZoneFileError, match=r"^soner.geojson, objekt 2: geometrien er ugyldig \(.*\) og kan ikke "
                                            r"repareres$"):
        importers.import_zones(store, ADMIN, _geojson_bytes(frame), "soner.geojson", level="levekaarssone",
                               name_field="navn")
    assert _snapshot(store) == before


def test_a_failure_while_writing_rolls_everything_back(store, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(importers, "_record_source", broken)  # after the zones are changed in the session
    before = _snapshot(store)
    with pytest.raises(RuntimeError):
        importers.import_zones(store, ADMIN, _geojson_bytes(_lks_file()), "soner.geojson", level="levekaarssone",
                               name_field="navn")
    assert _snapshot(store) == before


# --- types and sizes -----------------------------------------------------------------------------

WRONG = [
    ("soner.csv", b"navn,kode\nLoddefjord,1\n", "soner.csv: filtypen «.csv» kan ikke importeres"),
    ("soner", b'{"type": "FeatureCollection", "features": []}', "soner: filtypen uten filendelse kan ikke importeres"),
    ("soner.geojson", b"dette er ikke JSON", "soner.geojson: innholdet er ikke gyldig JSON (linje 1, tegn 1)"),
    ("soner.geojson", zip_with({"a.txt": b"x"}), "soner.geojson: innholdet er ikke tekst (UTF-8)"),
    ("soner.json", b'{"navn": "Loddefjord"}', "soner.json: fila er JSON, men ikke GeoJSON"),
    ("soner.geojson", b'{"type": "FeatureCollection", "features": []}', "soner.geojson: fila har ingen objekter"),
    ("soner.zip", b'{"type": "FeatureCollection"}', "soner.zip: innholdet er ikke en zip-fil"),
    ("soner.zip", zip_with({"les-meg.txt": b"hei"}), "soner.zip: zip-fila inneholder ingen Shapefile (.shp)"),
    ("soner.zip", zip_with({"a.shp": b"x", "a.shx": b"x", "a.dbf": b"x", "b.shp": b"x"}),
     "soner.zip: zip-fila inneholder flere Shapefiler (a.shp, b.shp)"),
    ("soner.zip", zip_with({"a.shp": b"not a shapefile", "a.shx": b"x", "a.dbf": b"x"}),
     "soner.zip: a.shp er ikke en Shapefile"),
    ("soner.geojson", b"", "soner.geojson: fila er tom"),
]


@pytest.mark.parametrize(("name", "content", "message"), WRONG, ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(WRONG)])
def test_wrong_types_are_refused_by_extension_and_by_content(store, name, content, message):
    before = _snapshot(store)
    with pytest.raises(ZoneFileError) as err:
        importers.import_zones(store, ADMIN, content, name, level="levekaarssone", name_field="navn")
    assert str(err.value).startswith(message), str(err.value)
    assert _snapshot(store) == before


def test_a_file_over_the_limit_is_refused_and_the_limit_matches_the_server_setting(store):
    streamlit_config = tomllib.loads((config.PROJECT_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert streamlit_config["server"]["maxUploadSize"] == importers.MAX_FILE_MB
    good = _geojson_bytes(_lks_file())
    big = good[:-1] + b" " * (importers.MAX_FILE_BYTES + 1 - len(good)) + good[-1:]  # valid JSON, 1 byte too many
    assert len(big) == importers.MAX_FILE_BYTES + 1
    before = _snapshot(store)
    with pytest.raises(ZoneFileError) as err:
        importers.import_zones(store, ADMIN, big, "stor.geojson", level="levekaarssone", name_field="navn")
    assert str(err.value) == f"stor.geojson: fila er 50,0 MB; største tillatte størrelse er {importers.MAX_FILE_MB} MB."
    assert _snapshot(store) == before
    # exactly at the limit is allowed (here: read and imported)
    ok = big[:-2] + big[-1:]
    assert importers.import_zones(store, ADMIN, ok, "stor.geojson", level="levekaarssone", name_field="navn",
                                  dry_run=True).zones_updated == 4


# --- who may import; dry run ---------------------------------------------------------------------

@pytest.mark.parametrize("who", [EDITOR, ANONYMOUS, Actor("per", "viewer", "Per")], ids=["editor", "anonymous", "viewer"])
@pytest.mark.parametrize("dry_run", [False, True], ids=["import", "dry-run"])
def test_only_admins_may_import(store, who, dry_run):
    before = _snapshot(store)
    with pytest.raises(PermissionDenied):
        importers.import_zones(store, who, _geojson_bytes(_lks_file()), "soner.geojson", level="levekaarssone",
                               name_field="navn", dry_run=dry_run)
    assert _snapshot(store) == before


def test_dry_run_reports_the_same_and_writes_nothing(store):
    data = _geojson_bytes(_lks_file())
    before = _snapshot(store)
    preview = importers.import_zones(store, ADMIN, data, "soner.geojson", level="levekaarssone", name_field="navn",
                                     dry_run=True)
    assert _snapshot(store) == before
    assert preview.dry_run and preview.zones_updated == 4 and preview.parents_set == 2
    done = importers.import_zones(store, ADMIN, data, "soner.geojson", level="levekaarssone", name_field="navn")
    assert (done.zones_updated, done.parents_set, done.unmatched, done.zones_without_geometry) == \
        (preview.zones_updated, preview.parents_set, preview.unmatched, preview.zones_without_geometry)
    again = importers.import_zones(store, ADMIN, data, "soner.geojson", level="levekaarssone", name_field="navn",
                                   dry_run=True)
    assert again.zones_replaced == 4 and again.parents_set == 0  # a second import replaces; parents are set


def test_unknown_level_and_no_field_are_refused(store):
    data = _geojson_bytes(_lks_file())
    with pytest.raises(ZoneFileError, match="Nivået «bydel» kan ikke importeres"):
        importers.import_zones(store, ADMIN, data, "soner.geojson", level="bydel", name_field="navn")
    with pytest.raises(ZoneFileError, match="velg feltet med sonens kode, navn eller begge"):
        importers.import_zones(store, ADMIN, data, "soner.geojson", level="levekaarssone")
    with pytest.raises(ZoneFileError, match="ingen av de 5 objektene passer med en grunnkrets"):
        importers.import_zones(store, ADMIN, data, "soner.geojson", level="grunnkrets", name_field="navn")


# --- CLI -----------------------------------------------------------------------------------------

def test_cli_import_zones_dry_run_then_import_as_admin_only(store, db_url, tmp_path, monkeypatch, capsys):
    from omradesatsing import auth

    monkeypatch.setenv("DATABASE_URL", db_url)
    auth.create_user(store, "ola", "et langt passord", role="admin", display_name="Ola")
    auth.create_user(store, "kari", "et langt passord", role="editor", display_name="Kari")
    path = tmp_path / "soner.geojson"
    path.write_bytes(_geojson_bytes(_lks_file()))
    args = ["import-zones", str(path), "--level", "levekaarssone", "--name-field", "navn"]

    before = _snapshot(store)
    assert cli.main([*args, "--user", "kari"]) == 2
    assert "Du har ikke tilgang" in capsys.readouterr().err
    assert cli.main([*args, "--user", "ola", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "4 av 5 soner (levekaarssone) ville fått grenser" in out and "EPSG:25832" in out
    assert "Uten treff: objekt 5 (kode –, navn Fantasia)" in out and "ingenting er lagret" in out
    assert _snapshot(store) == before

    assert cli.main([*args, "--user", "ola"]) == 0
    assert "4 av 5 soner (levekaarssone) har fått grenser" in capsys.readouterr().out
    assert _zone(store, "loddefjord").geometry is not None

    bad = tmp_path / "soner.csv"
    bad.write_text("navn\nLoddefjord\n", encoding="utf-8")
    assert cli.main(["import-zones", str(bad), "--level", "levekaarssone", "--name-field", "navn",
                     "--user", "ola"]) == 2
    err = capsys.readouterr().err
    assert "soner.csv: filtypen «.csv» kan ikke importeres" in err and "Ingenting er endret" in err
    assert "Traceback" not in err


def test_the_official_file_adds_the_zones_the_store_lacks_to_the_newest_edition(store):
    """The zone file is the authority for the zone list: with ``add_missing`` a feature no zone matches
    becomes a new zone (code and name from the file, its delområde from the polygon) in the edition the
    level's zones are in; the preview says so and writes nothing."""
    data = _geojson_bytes(_lks_file())
    before = _snapshot(store)
    preview = importers.import_zones(store, ADMIN, data, "soner.geojson", level="levekaarssone", name_field="navn",
                                     code_field=None, add_missing=True, dry_run=True)
    assert [(z.name, z.parent) for z in preview.zones_added] == [("Fantasia", "Fana")]
    assert preview.unmatched == [] and "Olsvik" in preview.zones_not_in_file
    assert _snapshot(store) == before
    done = importers.import_zones(store, ADMIN, data, "soner.geojson", level="levekaarssone", name_field="navn",
                                  add_missing=True)
    assert done.edition == preview.edition and done.zones_added == preview.zones_added
    new = _zone(store, "fantasia")
    assert new.name == "Fantasia" and new.geometry is not None and new.parent_id is not None
    with store.connect() as conn:
        edition = conn.execute(select(Zone.boundary_version_id).where(Zone.code == "loddefjord")).scalar()
    assert new.boundary_version_id == edition


def test_a_new_edition_of_the_zones_is_its_own_boundary_version_and_kart_draws_one_edition(store):
    """A zone file imported as a new edition (levekårssoner 2016 → 2023) makes a boundary version of its
    own with every zone in the file; the edition that held before ends the year before; both editions
    keep their zones (values stay with the zones they were stored for); Kart's readers give one edition
    at a time, and a figure's year decides which edition a code that both have belongs to."""
    first = importers.import_zones(store, ADMIN, _geojson_bytes(_lks_file()), "soner.geojson", level="levekaarssone",
                                   name_field="navn")
    assert first.zones_updated == 4
    old_key = read.places.edition_choices(Store.of(store), "levekaarssone")[0][0]
    with pytest.raises(ZoneFileError, match="første året"):
        importers.import_zones(store, ADMIN, _geojson_bytes(_lks_file()), "soner.geojson", level="levekaarssone",
                               name_field="navn", new_edition="Levekårssoner 2030")
    preview = importers.import_zones(store, ADMIN, _geojson_bytes(_lks_file()), "soner-2030.geojson",
                                     level="levekaarssone", name_field="navn", new_edition="Levekårssoner 2030",
                                     valid_from=2030, dry_run=True)
    assert len(preview.zones_added) == 5 and preview.edition == "Levekårssoner 2030"
    assert [k for k, _n, _f in read.places.edition_choices(Store.of(store), "levekaarssone")] == [old_key]
    done = importers.import_zones(store, ADMIN, _geojson_bytes(_lks_file()), "soner-2030.geojson",
                                  level="levekaarssone", name_field="navn", new_edition="Levekårssoner 2030",
                                  valid_from=2030)
    assert len(done.zones_added) == 5
    st = Store.of(store)
    choices = read.places.edition_choices(st, "levekaarssone", True)
    assert [(name, first_year) for _k, name, first_year in choices][0] == ("Levekårssoner 2030", 2030)
    new_key = choices[0][0]
    with db.session_scope(store) as s:
        old = s.scalar(select(BoundaryVersion).where(BoundaryVersion.key == old_key))
        assert old.valid_to == 2029
        assert s.scalar(select(func.count()).select_from(Zone).where(Zone.level == "levekaarssone")) == 10
    drawn_old = read.places.zone_features(st, "levekaarssone", edition=old_key)["features"]
    drawn_new = read.places.zone_features(st, "levekaarssone", edition=new_key)["features"]
    assert len(drawn_new) == 5 and {f["properties"]["name"] for f in drawn_new} >= {"Loddefjord", "Fantasia"}
    assert "Fantasia" not in {f["properties"]["name"] for f in drawn_old}
    assert len(read.places.zones(st, "levekaarssone", new_key)) == 5
    with pytest.raises(ZoneFileError, match="finnes allerede"):
        importers.import_zones(store, ADMIN, _geojson_bytes(_lks_file()), "soner.geojson", level="levekaarssone",
                               name_field="navn", new_edition="Levekårssoner 2030", valid_from=2031)


def test_an_older_edition_brought_in_later_ends_the_year_before_the_newer_begins(store):
    importers.import_zones(store, ADMIN, _geojson_bytes(_lks_file()), "soner.geojson", level="levekaarssone",
                           name_field="navn")
    with db.session_scope(store) as s:
        current = s.scalars(select(BoundaryVersion).join(Zone, Zone.boundary_version_id == BoundaryVersion.id)
                            .where(Zone.level == "levekaarssone")).first()
        current.valid_from, current.valid_to = 2023, None
    importers.import_zones(store, ADMIN, _geojson_bytes(_lks_file()), "soner-2016.geojson", level="levekaarssone",
                           name_field="navn", new_edition="Levekårssoner 2016", valid_from=2016)
    with db.session_scope(store) as s:
        spans = dict(s.execute(select(BoundaryVersion.name, BoundaryVersion.valid_to).where(
            BoundaryVersion.valid_from.in_([2016, 2023]))).all())
    assert spans["Levekårssoner 2016"] == 2022 and None in spans.values()
