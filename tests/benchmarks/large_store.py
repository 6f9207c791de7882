"""Build a large store for benchmarks: the seed data plus many generated zones with geometry.

The zones are Voronoi cells of random points inside Bergen, cut to Bergen's land area, so they
have real coastline detail; each gets illustrative values (counts included) for some indicators.
Everything generated is marked illustrative and comes from a source named "Benchmark".
"""

from __future__ import annotations

import random
import tempfile
from contextlib import contextmanager
from pathlib import Path

import shapely
from shapely.geometry import MultiPoint, Point, mapping, shape
from sqlalchemy import insert, select

from omradesatsing import cli, db
from omradesatsing.models import BoundaryVersion, Indicator, IndicatorValue, Source, Zone

LEVEL = "grunnkrets"
CODE_PREFIX = "B"


def new_seeded_sqlite(folder: Path | None = None) -> str:
    folder = folder or Path(tempfile.mkdtemp(prefix="bench-"))
    url = f"sqlite:///{folder / 'store.db'}"
    cli.init_db(url)
    return url


def add_generated_zones(url: str, n: int = 1000, *, years: tuple[int, ...] = (2023, 2024),
                        indicators: tuple[str, ...] | None = None, seed: int = 7) -> int:
    """Add ``n`` grunnkrets-level zones with geometry and values; returns how many were added."""
    rng = random.Random(seed)
    engine = db.make_engine(url)
    with engine.begin() as conn:
        bergen = shape(conn.execute(select(Zone.geometry).where(Zone.level == "kommune", Zone.code == "4601"))
                       .scalar_one())
        parents = [(zid, shape(g)) for zid, g in conn.execute(
            select(Zone.id, Zone.geometry).where(Zone.level == "delomraade", Zone.geometry.is_not(None)))]
        bv = conn.execute(select(BoundaryVersion.id).order_by(BoundaryVersion.id)).scalars().first()
        source_id = conn.execute(insert(Source).values(
            key="benchmark", title="Benchmark – genererte soner, ikke fakta", publisher="tests/benchmarks",
            licence="CC0", illustrative=True).returning(Source.id)).scalar_one()
        keys = indicators or tuple(conn.execute(select(Indicator.key).where(Indicator.unit == "percent"))
                                   .scalars())
        ind_ids = dict(conn.execute(select(Indicator.key, Indicator.id).where(Indicator.key.in_(keys))).all())

        minx, miny, maxx, maxy = bergen.bounds
        shapely.prepare(bergen)
        points = []
        while len(points) < n:
            p = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
            if bergen.contains(p):
                points.append(p)
        cells = shapely.voronoi_polygons(MultiPoint(points), extend_to=bergen.envelope)
        zone_rows = []
        for i, cell in enumerate(cells.geoms):
            piece = cell.intersection(bergen)
            if piece.is_empty:
                continue
            inside = piece.representative_point()
            parent = next((zid for zid, g in parents if g.contains(inside)), None)
            geom = shapely.set_precision(piece, 1e-5)
            zone_rows.append({"level": LEVEL, "code": f"{CODE_PREFIX}{i:05d}", "name": f"Testsone {i + 1}",
                              "parent_id": parent, "boundary_version_id": bv, "geometry": mapping(geom),
                              "population": rng.randint(200, 3000), "source_id": source_id})
        conn.execute(insert(Zone), zone_rows)
        ids = conn.execute(select(Zone.id, Zone.population).where(Zone.code.like(f"{CODE_PREFIX}%"),
                                                                  Zone.level == LEVEL)).all()
        values = []
        for zid, population in ids:
            for key, ind_id in ind_ids.items():
                for year in years:
                    den = max(int(population * rng.uniform(0.3, 0.9)), 1)
                    num = int(den * rng.uniform(0.005, 0.2))
                    values.append({"indicator_id": ind_id, "scope": "zone", "zone_id": zid, "year": year,
                                   "period": str(year), "value": 100 * num / den, "numerator": num,
                                   "denominator": den, "illustrative": True, "source_id": source_id})
        for start in range(0, len(values), 5000):
            conn.execute(insert(IndicatorValue), values[start:start + 5000])
    protect(url)
    return len(zone_rows)


def protect(url: str) -> None:
    """Compute the suppression pattern again, as every write of values in the app does."""
    from dataclasses import replace

    from omradesatsing import config, suppression

    engine = db.make_engine(url)
    with db.session_scope(engine) as session:
        suppression.protect(session, replace(config.load_settings(), database_url=url))
    engine.dispose()


def add_generated_indicators(url: str, n: int = 100, *, years: range = range(2005, 2025), seed: int = 11) -> int:
    """Add ``n`` illustrative percent indicators with a value for every generated zone, every
    programme area and Bergen in every year (with counts, so suppression and intervals apply).
    Returns the number of values written. Run after ``add_generated_zones``."""
    from omradesatsing.models import Area

    rng = random.Random(seed)
    engine = db.make_engine(url)
    written = 0
    with engine.begin() as conn:
        source_id = conn.execute(select(Source.id).where(Source.key == "benchmark")).scalar_one()
        zones = conn.execute(select(Zone.id, Zone.population).where(Zone.code.like(f"{CODE_PREFIX}%"),
                                                                    Zone.level == LEVEL)).all()
        areas = conn.execute(select(Area.id, Area.population)).all()
        for i in range(n):
            ind_id = conn.execute(insert(Indicator).values(
                key=f"bench_{i:03d}", name_nb=f"Testindikator {i + 1}", name_nn=f"Testindikator {i + 1}",
                name_en=f"Test indicator {i + 1}", unit="percent", decimals=1, higher_is_better=bool(i % 2),
                topic="benchmark", updated_at=None).returning(Indicator.id)).scalar_one()
            values = []
            level = rng.uniform(0.05, 0.4)

            def row(**where):
                den = max(int(where.pop("population") * rng.uniform(0.3, 0.9)), 1)
                num = int(den * min(max(level * rng.uniform(0.5, 1.5), 0.0), 1.0))
                return {"indicator_id": ind_id, "year": year, "period": str(year), "value": 100 * num / den,
                        "numerator": num, "denominator": den, "illustrative": True, "source_id": source_id,
                        "zone_id": None, "area_id": None, **where}

            for year in years:
                values.append(row(scope="city", population=290_000))
                values += [row(scope="area", area_id=aid, population=pop or 5000) for aid, pop in areas]
                values += [row(scope="zone", zone_id=zid, population=pop or 1000) for zid, pop in zones]
            for start in range(0, len(values), 10_000):
                conn.execute(insert(IndicatorValue), values[start:start + 10_000])
            written += len(values)
    protect(url)
    return written


def _benchmark_source(conn) -> int:
    source_id = conn.execute(select(Source.id).where(Source.key == "benchmark")).scalar()
    if source_id is None:
        source_id = conn.execute(insert(Source).values(
            key="benchmark", title="Benchmark – genererte data, ikke fakta", publisher="tests/benchmarks",
            licence="CC0", illustrative=True).returning(Source.id)).scalar_one()
    return source_id


@contextmanager
def navigation_mode():
    """AppTest resets Streamlit's PagesManager per run; keep it in st.navigation mode (as a warm
    server is) so switch_page reaches our pages through app.py."""
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def init(self, *a, **k):
        original(self, *a, **k)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = init
    try:
        yield
    finally:
        PagesManager.__init__ = original


def add_generated_investments(url: str, n: int = 2000, *, seed: int = 5) -> int:
    """Add ``n`` illustrative projects spread over the areas (benchmark source), with points."""
    from omradesatsing.models import Area, Investment
    from omradesatsing.vocabulary import FUNDING_SOURCES, INVESTMENT_CATEGORIES, INVESTMENT_STATUSES

    rng = random.Random(seed)
    engine = db.make_engine(url)
    with engine.begin() as conn:
        source_id = _benchmark_source(conn)
        areas = conn.execute(select(Area.id)).scalars().all()
        rows = []
        for i in range(n):
            start = rng.randint(2012, 2027)
            budget = rng.randint(1, 400) * 100_000
            status = rng.choice(INVESTMENT_STATUSES)
            rows.append({"name": f"Testprosjekt {i + 1}", "description": "Generert for ytelsestest.",
                         "area_id": rng.choice(areas), "category": rng.choice(INVESTMENT_CATEGORIES),
                         "funding_source": rng.choice(FUNDING_SOURCES), "budget_nok": budget,
                         "spent_nok": budget if status == "completed" else budget // rng.randint(2, 10),
                         "start_year": start, "end_year": start + rng.randint(0, 4), "status": status,
                         "lon": rng.uniform(5.2, 5.45), "lat": rng.uniform(60.3, 60.45), "illustrative": True,
                         "source_id": source_id, "version": 1})
        conn.execute(insert(Investment), rows)
    return n


def add_generated_measures(url: str, n: int = 500, *, seed: int = 9) -> int:
    """Add ``n`` illustrative measures over the subprogrammes and areas, each with a few status
    updates and a milestone (benchmark source)."""
    import datetime as dt

    from omradesatsing.models import (
        MEASURE_STATUSES,
        Area,
        Measure,
        MeasureArea,
        Milestone,
        StatusUpdate,
        Subprogramme,
    )

    rng = random.Random(seed)
    engine = db.make_engine(url)
    with engine.begin() as conn:
        source_id = _benchmark_source(conn)
        subs = conn.execute(select(Subprogramme.id)).scalars().all()
        areas = conn.execute(select(Area.id)).scalars().all()
        for i in range(n):
            start = dt.date(rng.randint(2019, 2026), rng.randint(1, 12), 1)
            end = start + dt.timedelta(days=rng.randint(200, 1800))
            status = rng.choice(MEASURE_STATUSES)
            updated = dt.datetime(2026, rng.randint(1, 11), rng.randint(1, 28), 9)
            mid = conn.execute(insert(Measure).values(
                subprogramme_id=rng.choice(subs), name=f"Testtiltak {i + 1}", description="Generert for ytelsestest.",
                responsible_unit=f"Enhet {i % 12}", start_date=start, end_date=end, status=status,
                progress=rng.randint(0, 100), updated_at=updated, illustrative=True, status_illustrative=True,
                source_id=source_id, version=1).returning(Measure.id)).scalar_one()
            conn.execute(insert(MeasureArea), [{"measure_id": mid, "area_id": a} for a in rng.sample(areas, 2)])
            previous = None
            for k in range(3):
                new = rng.choice(MEASURE_STATUSES)
                conn.execute(insert(StatusUpdate).values(
                    measure_id=mid, previous_status=previous, status=new, progress=rng.randint(0, 100),
                    comment="Generert.", changed_by="Benchmark", changed_at=updated - dt.timedelta(days=120 * (2 - k)),
                    illustrative=True))
                previous = new
            conn.execute(insert(Milestone).values(measure_id=mid, name="Delmål", due_date=end, illustrative=True))
    return n
