"""Zone files made to hurt the import (issue 21): a zip that lies about its sizes, files that used to
crash the reader, and large permitted files. Each is refused with a Norwegian message naming the file
(and the feature where there is one), the store is unchanged, and the CLI never prints a traceback.

Peak memory is measured in a fresh process (``ru_maxrss``), so that earlier tests do not count.
"""

from __future__ import annotations

import io
import json
import os
import re
import struct
import subprocess
import sys
import textwrap
import zipfile

import pytest

from omradesatsing import auth, cli
from omradesatsing.importers import zones as importers
from omradesatsing.importers.zones import ZoneFileError
from tests.core import test_importers
from tests.core.test_importers import ADMIN, _geojson_bytes, _lks_file, _snapshot
from tests.zonefiles import many_features_geojson, zip_with

store = test_importers.store  # the fixture: a store with delområder, levekårssoner and grunnkretser
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PRJ_25832 = (b'PROJCS["ETRS_1989_UTM_Zone_32N",GEOGCS["GCS_ETRS_1989",DATUM["D_ETRS_1989",SPHEROID["GRS_1980",'
             b'6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],'
             b'PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],'
             b'PARAMETER["Central_Meridian",9.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],'
             b'UNIT["Meter",1.0]]')


def _run_python(code: str, env: dict | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})}, check=False)


# --- 10: a zip bomb that lies about its sizes -----------------------------------------------------

BOMB_MB = 400  # what the .shp really unpacks to; the zip itself is well under 1 MB
DECLARED = 1000  # what the zip says it unpacks to


def _bomb(*, lie_in: tuple[str, ...] = ("central", "local"), members: tuple[str, ...] = (".shp",),
          real_mb: int = BOMB_MB) -> bytes:
    """A zipped Shapefile whose ``members`` are ``real_mb`` MB of zeros (after the .shp's magic number),
    deflated, with the unpacked size in the central directory and/or the local headers patched to
    ``DECLARED`` bytes. Written in chunks, so the test itself never holds the unpacked bytes."""
    buf = io.BytesIO()
    chunk = b"\0" * (1 << 20)
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for ext in (".shp", ".shx", ".dbf"):
            with z.open(f"a{ext}", "w") as out:
                if ext == ".shp":
                    out.write(importers.SHP_MAGIC)
                if ext in members:
                    for _ in range(real_mb):
                        out.write(chunk)
                else:
                    out.write(b"\0" * 100)
        z.writestr("a.prj", PRJ_25832)
    data = bytearray(buf.getvalue())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        infos = {i.filename: i for i in z.infolist()}
    for ext in members:
        info = infos[f"a{ext}"]
        if "local" in lie_in:
            assert data[info.header_offset:info.header_offset + 4] == b"PK\x03\x04"
            struct.pack_into("<I", data, info.header_offset + 22, DECLARED)
        if "central" in lie_in:
            name = info.filename.encode()
            at = data.find(b"PK\x01\x02", info.header_offset)
            while data[at + 46:at + 46 + len(name)] != name:
                at = data.find(b"PK\x01\x02", at + 4)
            struct.pack_into("<I", data, at + 24, DECLARED)
    return bytes(data)


def _import_in_fresh_process(path, db_url: str | None, call: str) -> dict:
    """Peak RSS (MB) of one core call on the file at ``path`` in a fresh Python, above the RSS it had
    before the call (imports and the file read), with the ZoneFileError's message (or the result)."""
    out = _run_python(f"""
        import json, pathlib, resource
        from omradesatsing import db
        from omradesatsing.importers import zones as importers
        from omradesatsing.permissions import Actor
        import geopandas, pyogrio, shapely, sqlalchemy  # loaded before the baseline
        data = pathlib.Path({str(path)!r}).read_bytes()
        engine = db.make_engine({db_url!r}) if {db_url!r} else None
        admin = Actor("ola", "admin", "Ola")
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        try:
            result = {call}
            message = None
        except importers.ZoneFileError as exc:
            result, message = None, str(exc)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(json.dumps({{"base_mb": base / 1024, "peak_mb": peak / 1024, "grew_mb": (peak - base) / 1024,
                           "message": message, "result": repr(result)}}))
    """)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("lie_in", [("central", "local"), ("central",)], ids=["both-headers", "central-directory"])
def test_a_zip_that_lies_about_its_sizes_is_refused_without_unpacking_it_into_memory(store, db_url, tmp_path, lie_in):
    data = _bomb(lie_in=lie_in)
    assert len(data) < 1024 * 1024
    path = tmp_path / "bombe.zip"
    path.write_bytes(data)
    before = _snapshot(store)
    for call in ("importers.inspect_file(data, 'bombe.zip')",
                 "importers.import_zones(engine, admin, data, 'bombe.zip', level='grunnkrets', code_field='x')"):
        got = _import_in_fresh_process(path, db_url, call)
        print(f"\n{lie_in}: {call.split('(')[0]}: RSS {got['base_mb']:.0f} MB before the call, peak {got['peak_mb']:.0f} MB "
              f"(grew {got['grew_mb']:.0f} MB while refusing {BOMB_MB} MB of zeros)")
        assert got["message"] is not None, got
        assert got["message"].startswith("bombe.zip: "), got["message"]
        assert "a.shp" in got["message"] and "zip-fila" in got["message"], got["message"]
        assert got["grew_mb"] < 64, got  # it was ~2 × BOMB_MB: the whole member was unpacked before the size check
    assert _snapshot(store) == before


def test_several_parts_that_lie_are_refused_too_and_honest_big_sizes_before_unpacking(tmp_path):
    data = _bomb(members=(".shp", ".dbf"), real_mb=50)
    with pytest.raises(ZoneFileError) as err:
        importers.inspect_file(data, "bombe.zip")
    assert str(err.value).startswith("bombe.zip: ") and "zip-fila" in str(err.value)
    # honest sizes over the limit: refused from the sizes the zip declares, before anything is unpacked
    honest = _bomb(lie_in=(), real_mb=importers.MAX_UNPACKED_BYTES // 1024 // 1024 + 1)
    with pytest.raises(ZoneFileError, match=r"^bombe.zip: Shapefilen blir større enn 250 MB når den pakkes ut"):
        importers.inspect_file(honest, "bombe.zip")


def test_unpacking_stops_at_the_running_limit_whatever_the_reader_gives():
    """The running count itself, should a zip reader ever give more than the declared size: a member
    that streams 3 MB against a 1 MB budget is cut off after the budget, not read to its end."""
    given = []

    class Endless(io.RawIOBase):
        def readinto(self, b):
            given.append(len(b))
            b[:] = b"\0" * len(b)
            return len(b)

    class Archive:
        def open(self, member):
            return Endless()

    member = zipfile.ZipInfo("a.shp")
    member.file_size = 10
    with pytest.raises(ZoneFileError) as err:
        importers._unpack(Archive(), member, "bombe.zip", budget=1024 * 1024)
    assert str(err.value).startswith("bombe.zip: a.shp i zip-fila blir større enn 1 MB når den pakkes ut"), \
        str(err.value)
    assert sum(given) <= 1024 * 1024 + 2 * importers.UNPACK_CHUNK


# --- 11: files that used to crash the reader --------------------------------------------------------

def _doc() -> dict:
    return json.loads(_geojson_bytes(_lks_file()))


def _first_ring(doc: dict, number: int) -> list:
    geom = doc["features"][number - 1]["geometry"]
    return geom["coordinates"][0] if geom["type"] == "Polygon" else geom["coordinates"][0][0]


def _unclosed() -> bytes:
    doc = _doc()
    _first_ring(doc, 2).pop()
    return json.dumps(doc).encode()


def _with_coordinate(value: str) -> bytes:
    doc = _doc()
    ring = _first_ring(doc, 2)
    ring[3] = ["__X__", ring[3][1]]
    return json.dumps(doc).encode().replace(b'"__X__"', value.encode())


def _deep() -> bytes:
    doc = _doc()
    doc["features"][1]["geometry"]["coordinates"] = "__X__"
    return json.dumps(doc).encode().replace(b'"__X__"', b"[" * 200_000 + b"]" * 200_000)


NOT_FINITE = r"^soner.geojson, objekt 2: geometrien har koordinater som ikke er tall \(NaN eller uendelig\)"
CRASHERS = [
    # (id, file name, content, inspect_file refuses it too, message)
    ("unclosed-ring", "soner.geojson", _unclosed(), False,
     r"^soner.geojson, objekt 2: geometrien har en ring som ikke er lukket \(første og siste punkt er ulike\)"),
    ("nan", "soner.geojson", _with_coordinate("NaN"), False, NOT_FINITE),
    ("infinity", "soner.geojson", _with_coordinate("-Infinity"), False, NOT_FINITE),
    ("1e999", "soner.geojson", _with_coordinate("1e999"), True, NOT_FINITE),
    ("nested-200000", "soner.geojson", _deep(), True,
     r"^soner.geojson, objekt 2: innholdet er nestet for dypt"),
    ("junk-shp", "soner.zip", zip_with({"a.shp": importers.SHP_MAGIC + b"\0" * 200, "a.shx": b"x" * 100,
                                        "a.dbf": b"y" * 100, "a.prj": PRJ_25832}), True,
     r"^soner.zip: a.shp kan ikke leses som Shapefile \(innholdet er skadet eller har feil format\)"),
    ("junk-shp-bytes", "soner.zip", zip_with({"a.shp": importers.SHP_MAGIC + bytes(range(256)) * 4,
                                              "a.shx": bytes(range(256)), "a.dbf": bytes(range(256))}), True,
     r"^soner.zip: a.shp kan ikke leses som Shapefile \(innholdet er skadet eller har feil format\)"),
]


@pytest.mark.parametrize(("name", "content", "inspect_refuses", "message"), [c[1:] for c in CRASHERS],
                         ids=[c[0] for c in CRASHERS])
def test_files_that_crashed_the_reader_are_refused_naming_file_and_feature(store, name, content, inspect_refuses,
                                                                           message):
    before = _snapshot(store)
    if inspect_refuses:
        with pytest.raises(ZoneFileError, match=message):
            importers.inspect_file(content, name)
    else:
        assert importers.inspect_file(content, name).features == 5
    for dry_run in (True, False):
        with pytest.raises(ZoneFileError, match=message):
            importers.import_zones(store, ADMIN, content, name, level="levekaarssone", name_field="navn",
                                   dry_run=dry_run)
    assert _snapshot(store) == before


@pytest.mark.parametrize(("name", "content", "message"), [(c[1], c[2], c[4]) for c in CRASHERS if c[0] in
                                                          ("unclosed-ring", "nested-200000", "junk-shp")],
                         ids=["unclosed-ring", "nested-200000", "junk-shp"])
def test_the_cli_refuses_them_without_a_traceback(store, db_url, tmp_path, name, content, message):
    auth.create_user(store, "ola", "et langt passord", role="admin", display_name="Ola")
    path = tmp_path / name
    path.write_bytes(content)
    before = _snapshot(store)
    out = subprocess.run([sys.executable, "-m", "omradesatsing", "import-zones", str(path), "--level", "levekaarssone",
                          "--name-field", "navn", "--user", "ola"], cwd=ROOT, capture_output=True, text=True,
                         timeout=300, env={**os.environ, "DATABASE_URL": db_url}, check=False)
    assert out.returncode == 2, out
    assert "Traceback" not in out.stderr + out.stdout and "Warning" not in out.stderr, out.stderr
    assert re.search(message, out.stderr, re.MULTILINE), out.stderr
    assert "Ingenting er endret." in out.stderr
    assert _snapshot(store) == before


def test_the_cli_turns_anything_unexpected_into_a_short_norwegian_message(tmp_path):
    """The catch-all in ``cli.main``, in a real process: an unusable DATABASE_URL raised past it."""
    out = subprocess.run([sys.executable, "-m", "omradesatsing", "info"], cwd=ROOT, capture_output=True, text=True,
                         timeout=120, env={**os.environ, "DATABASE_URL": "finnesikke://x/y"}, check=False)
    assert out.returncode == 1, out
    assert "Traceback" not in out.stderr + out.stdout, out.stderr
    assert out.stderr.startswith("Uventet feil"), out.stderr
    assert len(out.stderr.strip().splitlines()) <= 2, out.stderr


def test_the_cli_catch_all_covers_import_zones(store, db_url, tmp_path, monkeypatch, capsys):
    auth.create_user(store, "ola", "et langt passord", role="admin", display_name="Ola")
    monkeypatch.setenv("DATABASE_URL", db_url)

    def broken(*args, **kwargs):
        raise KeyError("noe helt uventet")

    monkeypatch.setattr(importers, "import_zones", broken)
    path = tmp_path / "soner.geojson"
    path.write_bytes(_geojson_bytes(_lks_file()))
    assert cli.main(["import-zones", str(path), "--level", "levekaarssone", "--name-field", "navn",
                     "--user", "ola"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Uventet feil") and "Traceback" not in err


# --- 12: large permitted files ----------------------------------------------------------------------

def test_more_features_than_the_cap_are_refused_at_once_with_the_numbers(store):
    data = many_features_geojson(importers.MAX_FEATURES + 1, ["Loddefjord"])
    assert len(data) < importers.MAX_FILE_BYTES
    before = _snapshot(store)
    expected = (f"mange.geojson: fila har {importers.MAX_FEATURES + 1:,} objekter; høyst "
                f"{importers.MAX_FEATURES:,} kan importeres".replace(",", "\u00a0"))
    with pytest.raises(ZoneFileError) as err:
        importers.inspect_file(data, "mange.geojson")
    assert str(err.value).startswith(expected), str(err.value)
    with pytest.raises(ZoneFileError) as err:
        importers.import_zones(store, ADMIN, data, "mange.geojson", level="levekaarssone", name_field="navn")
    assert str(err.value).startswith(expected)
    assert _snapshot(store) == before
    # at the cap it is read
    assert importers.inspect_file(many_features_geojson(importers.MAX_FEATURES, ["x"]), "mange.geojson").features \
        == importers.MAX_FEATURES


def test_more_vertices_than_the_cap_are_refused_with_the_numbers(store, monkeypatch):
    monkeypatch.setattr(importers, "MAX_VERTICES", 100)
    data = many_features_geojson(20, ["Loddefjord"], vertices=8)  # 20 × 9 = 180 vertices
    with pytest.raises(ZoneFileError) as err:
        importers.inspect_file(data, "mange.geojson")
    assert str(err.value).startswith("mange.geojson: fila har 180 hjørnepunkter; høyst 100 kan importeres"), \
        str(err.value)


def test_progress_is_reported_from_start_to_end(store):
    seen: list[tuple[float, str]] = []
    summary = importers.import_zones(store, ADMIN, _geojson_bytes(_lks_file()), "soner.geojson",
                                     level="levekaarssone", name_field="navn", dry_run=True,
                                     progress=lambda done, text: seen.append((done, text)))
    assert summary.zones_updated == 4
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[0] == 0 and fractions[-1] == 1, seen
    assert all(isinstance(t, str) and t for _, t in seen) and "soner.geojson" in seen[0][1]


def test_many_small_parts_of_one_zone_are_joined_and_simplified_like_few(store):
    """Thousands of tiny features of one zone (smaller than the simplification): the result is the same
    kind of shape a few features give, valid and rounded (the topology-preserving simplification of the
    whole multipolygon took minutes here: it is done part by part)."""
    data = many_features_geojson(3000, ["Loddefjord"], radius=5)
    summary = importers.import_zones(store, ADMIN, data, "mange.geojson", level="levekaarssone", name_field="navn")
    assert summary.zones_updated == 1 and summary.merged == 2999
    from shapely.geometry import shape

    from tests.core.test_importers import _zone

    stored = shape(_zone(store, "loddefjord").geometry)
    assert stored.is_valid and stored.geom_type == "MultiPolygon" and 2900 <= len(stored.geoms) <= 3000


def test_the_maps_simplification_is_unchanged_for_few_parts_and_valid_for_many():
    import shapely
    from shapely.geometry import mapping, shape

    from omradesatsing import geo
    from tests.core.test_importers import SHAPES

    few = shapely.MultiPolygon([*SHAPES["Loddefjord"].geoms] if SHAPES["Loddefjord"].geom_type == "MultiPolygon"
                               else [SHAPES["Loddefjord"], SHAPES["Fana"]])
    collection = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": mapping(few), "properties": {"n": 1}},
        {"type": "Feature", "geometry": mapping(SHAPES["Solheim"]), "properties": {"n": 2}},
        {"type": "Feature", "geometry": None, "properties": {"n": 3}}]}
    out = geo.simplify_collection(collection)
    for feature, geom in zip(out["features"][:2], (few, SHAPES["Solheim"]), strict=True):
        old = shapely.set_precision(geom.simplify(geo.SIMPLIFY_DEGREES, preserve_topology=True), 1e-5)
        assert shape(feature["geometry"]).equals_exact(old, 0)  # what the map drew before
    assert out["features"][2]["geometry"] is None and [f["properties"]["n"] for f in out["features"]] == [1, 2, 3]

    x, y = SHAPES["Fana"].representative_point().coords[0]
    dots = shapely.MultiPolygon([shapely.Point(x + i * 0.0003, y + j * 0.0003).buffer(0.00012, quad_segs=4)
                                 for i in range(20) for j in range(20)])  # 400 parts, 6 m apart
    assert len(dots.geoms) > geo.PER_PART_FROM
    simple = shape(geo.simplify_collection({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": mapping(dots), "properties": {}}]})["features"][0]["geometry"])
    whole = shapely.set_precision(dots.simplify(geo.SIMPLIFY_DEGREES, preserve_topology=True), 1e-5)  # as before
    assert simple.is_valid and len(simple.geoms) == len(whole.geoms) == 400
    assert abs(simple.area - whole.area) / whole.area < 0.01
    assert shapely.get_num_coordinates(simple) == shapely.get_num_coordinates(whole)
