"""Migrations, seed and honest marks, on SQLite and on PostgreSQL."""

from __future__ import annotations

import csv
import json

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from shapely.geometry import shape
from sqlalchemy import func, inspect, select

from omradesatsing import config, db, read
from omradesatsing.cli import init_db
from omradesatsing.models import Base, Grant, IndicatorValue, Measure, Source, Subprogramme, Zone
from omradesatsing.read import Store


def test_migration_creates_the_schema_the_models_describe(db_url):
    engine = db.make_engine(db_url)
    assert db.current_revision(engine) is None
    db.upgrade(engine)
    assert db.current_revision(engine) == db.head_revision()
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    db.upgrade(engine)  # a second upgrade is a no-op
    assert db.current_revision(engine) == db.head_revision()
    engine.dispose()


def test_init_db_seeds_once(db_url):
    assert init_db(db_url) == "seeded"
    engine = db.make_engine(db_url)
    before = read.about.store_summary(Store.of(engine))
    assert init_db(db_url) == "already seeded"
    assert read.about.store_summary(Store.of(engine)) == before
    engine.dispose()


def _engine(url):
    return db.make_engine(url)


def test_real_areas_with_periods(seeded_store):
    areas = read.places.areas(Store.of(_engine(seeded_store))).set_index("slug")
    assert {"loddefjord", "olsvik", "solheim", "slettebakken", "ytre-arna", "indre-laksevag"} <= set(areas.index)
    assert areas.loc["loddefjord", "start_year"] == 2019 and areas.loc["loddefjord", "end_year"] == 2026
    assert areas.loc["slettebakken", "start_year"] == 2023
    assert areas.loc["ytre-arna", "state"] == "ended" and areas.loc["indre-laksevag", "state"] == "ended"
    assert areas.loc["loddefjord", "state"] == "active"
    # every area says that its map outline is an approximation
    assert areas["geometry_note"].str.len().min() > 20


def test_published_dropout_figures_are_real_with_a_source(seeded_store):
    df = read.indicators.indicator_values(Store.of(_engine(seeded_store)), "not_completed_upper_secondary", scopes=("area",))
    real = df[~df["illustrative"]].set_index("area_slug")
    assert real.loc["olsvik", "value"] == pytest.approx(37.9)
    assert real.loc["loddefjord", "value"] == pytest.approx(44.0)
    assert (real["year"] == 2019).all()
    assert real["source_title"].str.contains("Folkehelseoversikt").all()
    # The data year is not in the source: the period says it is the report's year.
    assert (real["period"] == "rapport 2019, dataår ikke oppgitt").all()
    assert real.loc["olsvik", "source_title"] == (
        "Folkehelseoversikt Bergen 2019 (sitert i Bergen kommunes presentasjon av områdesatsingen)")


def test_no_source_names_a_working_file_and_caveats_are_kept_in_bokmaal(seeded_store):
    """The data file's working notes ("see ../seeds/….txt") are not a source title; what a source says
    about a figure (an income definition, an age band not given) is stored with it, in bokmål."""
    store = Store.of(_engine(seeded_store))
    sources = read.about.sources(store)
    assert not sources["title"].str.contains(r"\.\./|\.txt|see ", regex=True).any()
    values = read.indicators.indicator_values(store, "median_income", scopes=("area",))
    loddefjord = values[~values["illustrative"] & (values["area_slug"] == "loddefjord")].iloc[0]
    assert loddefjord["note"] == "Inntektsbegrepet er ikke oppgitt i artikkelen."
    assert loddefjord["period"] == "rapport 2016, dataår ikke oppgitt"


def test_real_grants_are_not_illustrative(seeded_store):
    engine = _engine(seeded_store)
    grants = read.money.grants(Store.of(engine))
    with open(config.DATA_DIR / "bergen-omradesatsing-tilskudd.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        kroner = round(float(row["amount_mnok"]) * 1_000_000)
        match = grants[(grants["year"] == int(row["budget_year"])) & (grants["amount_nok"] == kroner)]
        assert len(match) >= 1, row
        assert not match["illustrative"].any(), row
    assert grants["amount_nok"].map(type).eq(int).all()  # whole kroner, no floats


def test_invented_numbers_are_always_flagged(seeded_store):
    engine = _engine(seeded_store)
    with engine.connect() as conn:
        example_sources = set(conn.scalars(select(Source.id).where(Source.illustrative)))
        assert example_sources
        for model in (IndicatorValue, Grant):
            rows = conn.execute(select(model.source_id, model.illustrative)).all()
            for source_id, illustrative in rows:
                assert bool(illustrative) == (source_id in example_sources), (model.__name__, source_id)


def test_delprogram_2_with_its_real_measures(seeded_store):
    engine = _engine(seeded_store)
    with engine.connect() as conn:
        sub = conn.execute(select(Subprogramme).where(Subprogramme.number == 2)).one()
        assert sub.name == "Oppvekst og utdanning"
        assert "frafallet" in sub.goal
        names = set(conn.scalars(select(Measure.name).where(Measure.subprogramme_id == sub.id,
                                                            Measure.illustrative.is_(False))))
    assert any("ressurspersoner" in n for n in names)
    assert any("NORCE" in n for n in names)
    assert len(names) >= 4


def test_zone_geometry_is_valid_and_in_bergen(seeded_store):
    engine = _engine(seeded_store)
    with engine.connect() as conn:
        rows = conn.execute(select(Zone.level, Zone.code, Zone.geometry).where(Zone.geometry.is_not(None))).all()
        n_delomraader = conn.scalar(select(func.count()).where(Zone.level == "delomraade"))
    with open(config.DATA_DIR / "bergen-delomraader.geojson", encoding="utf-8") as fh:
        codes = {f["properties"]["delomraade_no"] for f in json.load(fh)["features"]}
    assert n_delomraader == len(codes)  # pieces split by a bydel border are merged into one zone
    assert rows
    for level, code, geometry in rows:
        geom = shape(geometry)
        if not code.startswith("4601"):  # neighbouring municipalities (background) lie outside
            assert level == "kommune"
            continue
        assert geom.is_valid, (level, code)
        minx, miny, maxx, maxy = geom.bounds
        assert 4.5 < minx and maxx < 6.0 and 60.0 < miny and maxy < 60.8, (level, code, geom.bounds)


def test_a_sqlite_uri_creates_no_folder(tmp_path, monkeypatch):
    """A read-only store is opened as a SQLite URI; that is no path, so no folder is made for it (it made
    ``file:/…`` folders in the working directory), and the store opens read-only."""
    store = tmp_path / "store.db"
    init_db(f"sqlite:///{store}")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    engine = db.make_engine(f"sqlite:///file:{store}?mode=ro&uri=true")
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Zone)).scalar() > 0
        with pytest.raises(Exception, match="readonly"):
            conn.exec_driver_sql("DELETE FROM zone")
    assert list(work.iterdir()) == []
    folder = tmp_path / "new" / "store.db"  # a plain path still gets its folder
    db.make_engine(f"sqlite:///{folder}").dispose()
    assert folder.parent.is_dir()
