"""The export zip and its import into an empty store (``importers.export``), on SQLite and PostgreSQL:
an admin's export of a seeded store, imported into ``init-db --empty`` and exported again, gives the
same bytes in every file; the illustrative marks and the sources survive; suppressed values stay out
of a non-admin's export; ``--omrade`` keeps to that area; a broken bundle is refused naming the file
inside the zip and changes nothing; and the CLI's ``export`` and ``import`` work end to end.

The round trip is of the whole seeded store, including the published values whose period is in words
(«rapport 2016, dataår ikke oppgitt», exported with its «sorteringsår») or whose value is only a text
(«> 70», in «verditekst»). Every file is compared byte for byte.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import zipfile

import pytest
from sqlalchemy import func, select

from omradesatsing import db, suppression
from omradesatsing.auth import create_user
from omradesatsing.cli import init_db, main
from omradesatsing.importers import export, run
from omradesatsing.models import (
    Area,
    Grant,
    IndicatorTarget,
    IndicatorValue,
    Investment,
    Measure,
    ParticipationActivity,
    Source,
    Subprogramme,
)
from omradesatsing.permissions import Actor, PermissionDenied
from tests.conftest import dump_store

ADMIN = Actor("kari", "admin", "Kari Admin")
EDITOR = Actor("per", "editor", "Per Redaktør", area_slugs=frozenset({"loddefjord"}))
PASSWORD = "passord-som-er-langt-nok"
ILLUSTRATIVE_TABLES = (IndicatorValue, Investment, Grant, Measure, ParticipationActivity, IndicatorTarget,
                       Subprogramme, Source)


def _export(url: str, actor: Actor | None = ADMIN, **kwargs) -> tuple[bytes, dict[str, int]]:
    engine = db.make_engine(url)
    try:
        return export.export_zip(engine, actor, **kwargs)
    finally:
        engine.dispose()


def _import(url: str, data: bytes, actor: Actor = ADMIN, **kwargs) -> list[run.ImportReport]:
    engine = db.make_engine(url)
    try:
        return export.import_bundle(engine, actor, data, "eksport.zip", **kwargs)
    finally:
        engine.dispose()


def _files(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _rows(data: bytes, name: str) -> list[dict[str, str]]:
    text = _files(data)[name].decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _illustrative_counts(url: str) -> dict[str, tuple[int, int]]:
    engine = db.make_engine(url)
    try:
        with engine.connect() as conn:
            out = {}
            for model in ILLUSTRATIVE_TABLES:
                total = conn.scalar(select(func.count()).select_from(model))
                marked = conn.scalar(select(func.count()).select_from(model).where(model.illustrative.is_(True)))
                out[model.__tablename__] = (total, marked)
            out["measure.status_illustrative"] = (0, conn.scalar(select(func.count()).select_from(Measure).where(
                Measure.status_illustrative.is_(True))))
            out["area.population_illustrative"] = (0, conn.scalar(select(func.count()).select_from(Area).where(
                Area.population_illustrative.is_(True))))
            return out
    finally:
        engine.dispose()


def _sources(url: str) -> list[tuple]:
    engine = db.make_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(select(
                Source.key, Source.title, Source.publisher, Source.url, Source.licence, Source.period, Source.note,
                Source.illustrative).order_by(Source.key))]
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def bundle(tmp_path_factory, _seeded_templates) -> bytes:
    """An admin's export of the seeded SQLite store."""
    path = tmp_path_factory.mktemp("bundle") / "store.db"
    shutil.copyfile(_seeded_templates["sqlite"], path)
    return _export(f"sqlite:///{path}")[0]


# --- the round trip -------------------------------------------------------------------------------

def test_an_export_imported_into_an_empty_store_exports_to_the_same_bytes(writable_store, db_url):
    """Every file of the zip is byte-for-byte equal after export → init-db --empty → import → export,
    for an admin's export and a non-admin's; the illustrative marks and the sources survive; importing
    the same zip again changes nothing."""
    with db.make_engine(writable_store).connect() as conn:  # the seed's values in words are in the trip
        assert conn.scalar(select(func.count()).select_from(IndicatorValue)
                           .where(IndicatorValue.value.is_(None), IndicatorValue.value_text.is_not(None))) > 0
    first, summary = _export(writable_store)
    assert first == _export(writable_store)[0], "the same store gives the same bytes"
    public = _export(writable_store, None)[0]
    init_db(db_url, empty=True)
    reports = _import(db_url, first)
    assert [r.kind for r in reports] == ["referansedata", *export.KIND_FILES]
    assert reports[1].rows == summary["indikatorverdier.csv"] and reports[1].added == reports[1].rows
    assert reports[1].ignored_columns == [export.HIDDEN_COLUMN]

    again, summary_again = _export(db_url)
    assert summary_again == summary
    a, b = _files(first), _files(again)
    assert sorted(a) == sorted(b) == list(a), "the same files, in sorted order"
    assert {"README.md", "kilder.csv", "soner-grunnkrets.geojson", "indikatorverdier.csv"} <= set(a)
    for name in a:
        assert a[name] == b[name], f"{name} differs after the round trip"
    assert _export(db_url, None)[0] == public
    assert _illustrative_counts(db_url) == _illustrative_counts(writable_store)
    assert _sources(db_url) == _sources(writable_store)

    engine = db.make_engine(db_url)
    try:
        with engine.connect() as conn:
            undecided = conn.scalar(select(func.count()).select_from(IndicatorValue)
                                    .where(IndicatorValue.protection.is_(None)))
        assert undecided == 0, "every imported value has its suppression decided"
    finally:
        engine.dispose()
    before = dump_store(db_url)
    reports = _import(db_url, first)
    assert all(r.writes == 0 for r in reports)
    assert dump_store(db_url) == before, "importing the same zip again writes nothing"


def test_the_zip_is_deterministic_and_in_the_templates_format(seeded_store):
    data, summary = _export(seeded_store)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
    assert [i.filename for i in infos] == sorted(i.filename for i in infos)
    assert {i.date_time for i in infos} == {export.ZIP_DATE}
    files = _files(data)
    values = files["indikatorverdier.csv"]
    assert values.startswith("\ufeff".encode()) and b"\r\n" in values
    header = values.decode("utf-8-sig").split("\r\n")[0].split(";")
    assert header[-2:] == ["kildenøkkel", export.HIDDEN_COLUMN]
    rows = _rows(data, "indikatorverdier.csv")
    assert len(rows) == summary["indikatorverdier.csv"]
    assert all(r["nivå"] for r in rows)
    assert {r["sted"] for r in rows if r["nivå"] == "kommune"} == {"4601"}
    assert {r["sted"] for r in rows if r["nivå"] == "land"} == {"0"}
    assert any("," in r["verdi"] for r in rows), "decimal comma"
    assert {r["eksempeldata"] for r in rows} == {"ja", "nei"}
    measures = _rows(data, "tiltak.csv")
    assert any(", " in r["områder"] for r in measures) and {r["status_eksempeldata"] for r in measures} <= {"ja", "nei"}
    assert all(r["startdato"] == "" or r["startdato"][2] == "." for r in measures)
    readme = files["README.md"].decode()
    assert "init-db --empty" in readme and "import FIL.zip --user BRUKER" in readme
    assert "CC BY 4.0" in readme and "https://" in readme
    n_illustrative = sum(r["eksempeldata"] == "ja" for r in rows)
    assert f"`indikatorverdier.csv`: {n_illustrative} av {len(rows)} rader er eksempeldata" in readme
    today = dt.date.today()
    for text in (today.isoformat(), today.strftime("%d.%m.%Y")):
        assert not any(text.encode() in content for content in files.values()), "no export date in the files"


# --- suppression and areas ------------------------------------------------------------------------

def _hidden_keys(url: str) -> set[tuple[str, str, str]]:
    """(indicator, place, period) of the values hidden in the dashboard."""
    data = _export(url)[0]
    return {(r["indikator"], f"{r['nivå']}:{r['sted']}", r["periode"])
            for r in _rows(data, "indikatorverdier.csv") if r[export.HIDDEN_COLUMN] == "ja"}


def test_a_non_admin_export_leaves_suppressed_values_out_and_an_admins_marks_them(seeded_store):
    engine = db.make_engine(seeded_store)
    try:
        with engine.connect() as conn:
            hidden = conn.scalar(select(func.count()).select_from(IndicatorValue).where(
                (IndicatorValue.protection != suppression.OPEN) | IndicatorValue.protection.is_(None)))
            total = conn.scalar(select(func.count()).select_from(IndicatorValue))
    finally:
        engine.dispose()
    assert hidden > 0, "the seeded store has suppressed values"
    keys = _hidden_keys(seeded_store)
    assert len(keys) == hidden
    admin_rows = _rows(_export(seeded_store)[0], "indikatorverdier.csv")
    assert len(admin_rows) == total
    for actor in (None, EDITOR, Actor("vera", "viewer")):
        data, summary = _export(seeded_store, actor)
        rows = _rows(data, "indikatorverdier.csv")
        assert export.HIDDEN_COLUMN not in rows[0]
        assert len(rows) == summary["indikatorverdier.csv"] == total - hidden
        shown = {(r["indikator"], f"{r['nivå']}:{r['sted']}", r["periode"]) for r in rows}
        assert not shown & keys, "no suppressed value in a non-admin's export"
        assert f"er utelatt ({hidden} verdier)" in _files(data)["README.md"].decode()
    assert f"de {hidden} verdiene som er skjult" in _files(_export(seeded_store)[0])["README.md"].decode()


def test_an_area_export_has_only_that_areas_rows(seeded_store):
    data, summary = _export(seeded_store, ADMIN, area_slugs=("loddefjord",))
    assert [r["slug"] for r in _rows(data, "omrader.csv")] == ["loddefjord"]
    for name in ("investeringer.csv", "medvirkning.csv", "maal.csv", "tilskudd.csv"):
        assert {r["område"] for r in _rows(data, name)} <= {"loddefjord"}, name
    assert summary["medvirkning.csv"] > 0 and summary["investeringer.csv"] > 0
    measures = _rows(data, "tiltak.csv")
    assert measures and {r["områder"] for r in measures} == {"loddefjord"}
    values = _rows(data, "indikatorverdier.csv")
    assert values and not {r["nivå"] for r in values} & {"kommune", "land"}
    assert {r["sted"] for r in values if r["nivå"] == "område"} == {"loddefjord"}
    places = {(r["nivå"], r["sted"]) for r in values if r["nivå"] != "område"}
    assert ("levekårssone", "olsvik") not in places and ("levekårssone", "loddefjord") in places
    assert len(values) < len(_rows(_export(seeded_store)[0], "indikatorverdier.csv"))
    assert "bare områdene loddefjord" in _files(data)["README.md"].decode()
    with pytest.raises(run.ImportRefused, match="finnes-ikke"):
        _export(seeded_store, ADMIN, area_slugs=("finnes-ikke",))


# --- broken bundles -------------------------------------------------------------------------------

def _with(data: bytes, name: str, change) -> bytes:
    files = _files(data)
    files[name] = change(files[name])
    return _zip(files)


def _bad_target_row(content: bytes) -> bytes:
    text = content.decode("utf-8-sig")
    header = text.split("\r\n")[0]
    return ("\ufeff" + text + "not_completed_upper_secondary;loddefjord;lite;2030;nei;eksempeldata\r\n").encode() \
        if header.startswith("indikator;område") else content


def test_a_broken_bundle_is_refused_naming_the_file_and_changes_nothing(bundle, db_url):
    init_db(db_url, empty=True)
    before = dump_store(db_url)
    files = _files(bundle)
    cases = {
        # the last kind: reference data and every other kind were already (tentatively) written
        "maal.csv, rad": _with(bundle, "maal.csv", _bad_target_row),
        "tiltak.csv, rad": _with(bundle, "tiltak.csv", lambda c: c.replace(b";on_track;", b";finnes-ikke;", 1)),
        "kilder.csv mangler": _zip({k: v for k, v in files.items() if k != "kilder.csv"}),
        "ikke en zip-fil": files["kilder.csv"],
        "omrader.csv: linje 3, kolonnen «state»": _with(bundle, "omrader.csv", lambda c: c.replace(b";active;", b";aktiv;", 1)),
        "soner-bydel.geojson": _with(bundle, "soner-bydel.geojson", lambda c: c.replace(b'"ssb-2025"', b'"ukjent"', 1)),
    }
    for expected, data in cases.items():
        with pytest.raises(run.ImportRefused) as caught:
            _import(db_url, data)
        assert expected in str(caught.value), (expected, str(caught.value)[:300])
        assert str(caught.value).startswith("eksport.zip"), str(caught.value)[:300]
        assert dump_store(db_url) == before, f"{expected}: nothing written"
    with pytest.raises(PermissionDenied):
        _import(db_url, bundle, EDITOR)
    reports = _import(db_url, bundle, dry_run=True)
    assert reports[0].added > 0 and reports[1].added > 0 and all(r.import_id is None for r in reports)
    assert dump_store(db_url) == before, "a dry run writes nothing"


def test_a_bundle_is_read_with_limits(bundle, db_url, monkeypatch):
    init_db(db_url, empty=True)
    before = dump_store(db_url)
    monkeypatch.setattr(export.tables, "MAX_FILE_BYTES", 200_000)
    with pytest.raises(run.ImportRefused, match=r"indikatorverdier\.csv: fila er for stor pakket ut"):
        _import(db_url, bundle)
    assert dump_store(db_url) == before


# --- the command line -----------------------------------------------------------------------------

def test_export_and_import_on_the_command_line(writable_store, db_url, tmp_path, monkeypatch, capsys):
    engine = db.make_engine(writable_store)
    create_user(engine, "admin", PASSWORD, role="admin", actor="test")
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", writable_store)
    zip_path, public_path = tmp_path / "x.zip", tmp_path / "offentlig.zip"
    assert main(["export", str(zip_path), "--user", "admin"]) == 0
    assert "indikatorverdier.csv (" in capsys.readouterr().out
    assert main(["export", str(public_path)]) == 0
    assert main(["export", str(tmp_path / "y.zip"), "--user", "ingen"]) == 2

    init_db(db_url, empty=True)
    engine = db.make_engine(db_url)
    create_user(engine, "admin", PASSWORD, role="admin", actor="test")
    create_user(engine, "leser", PASSWORD, role="viewer", actor="test")
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", db_url)
    capsys.readouterr()
    broken = tmp_path / "broken.zip"
    broken.write_bytes(_zip({k: v for k, v in _files(zip_path.read_bytes()).items() if k != "kilder.csv"}))
    before = dump_store(db_url)
    assert main(["import", str(broken), "--user", "admin"]) == 1
    assert "kilder.csv" in capsys.readouterr().err
    assert main(["import", str(zip_path), "--user", "leser"]) == 2
    assert main(["import", str(zip_path), "--user", "ingen"]) == 2
    assert main(["import", str(zip_path), "--user", "admin", "--dry-run"]) == 0
    assert dump_store(db_url) == before
    capsys.readouterr()
    assert main(["import", str(zip_path), "--user", "admin"]) == 0
    out = capsys.readouterr().out
    assert "indikatorverdier.csv" in out and "Lagret som import nr." in out
    again = tmp_path / "again.zip"
    assert main(["export", str(again), "--user", "admin"]) == 0
    assert again.read_bytes() == zip_path.read_bytes()
