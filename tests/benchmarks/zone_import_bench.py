"""Time and peak memory of the zone import on a large, permitted file (issue 21, defect 12). Not a test.

    .venv/bin/python -m tests.benchmarks.zone_import_bench [--features 50000] [--vertices 5] [--radius 100]
        [--zones 0] [--no-cap]

Makes a seeded SQLite store in a temporary folder and a GeoJSON file of ``--features`` small polygons
(tests/zonefiles.py ``many_features_geojson``) named in turn by the store's levekårssoner, so every feature
matches a zone. Then, each in a fresh process (so the peak RSS is that step's own): reading the file for the
field choices (``inspect_file``), the preview (``import_zones(dry_run=True)``) and the import, as the Admin
page does them. ``--no-cap`` lifts the feature and vertex caps, to time the work itself on a file the caps
refuse. Prints one line per step: seconds, peak RSS in MB and the outcome.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _step(step: str, url: str, path: str, no_cap: bool) -> None:
    from omradesatsing import db
    from omradesatsing.importers import zones as importers
    from omradesatsing.permissions import Actor

    if no_cap:
        for name in ("MAX_FEATURES", "MAX_VERTICES"):
            if hasattr(importers, name):
                setattr(importers, name, 10**12)
    data = Path(path).read_bytes()
    engine = db.make_engine(url)
    admin = Actor("ola", "admin", "Ola")
    start = time.perf_counter()
    try:
        if step == "inspect":
            info = importers.inspect_file(data, "mange.geojson")
            outcome = f"{info.features} objekter"
        else:
            summary = importers.import_zones(engine, admin, data, "mange.geojson", level="levekaarssone",
                                             name_field="navn", dry_run=step == "preview")
            outcome = f"{summary.zones_updated} av {summary.zones_at_level} soner, {summary.merged} slått sammen"
    except importers.ZoneFileError as exc:
        outcome = f"avvist: {exc}"
    seconds = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"step": step, "seconds": round(seconds, 2), "peak_rss_mb": round(rss), "outcome": outcome}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--features", type=int, default=50_000)
    parser.add_argument("--vertices", type=int, default=5)
    parser.add_argument("--radius", type=float, default=100, help="polygon radius in metres (5: smaller than "
                                                                   "the simplification, the slow case)")
    parser.add_argument("--zones", type=int, default=0, help="name the features by this many zones (0: all)")
    parser.add_argument("--no-cap", action="store_true")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        _step(args.step, args.url, args.file, args.no_cap)
        return

    from sqlalchemy import select

    from omradesatsing import db
    from omradesatsing.cli import init_db
    from omradesatsing.models import Zone
    from tests.zonefiles import many_features_geojson

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/store.db"
        init_db(url)
        engine = db.make_engine(url)
        with engine.connect() as conn:
            names = list(conn.scalars(select(Zone.name).where(Zone.level == "levekaarssone").order_by(Zone.code)))
        engine.dispose()
        names = names[:args.zones] if args.zones else names
        path = Path(tmp) / "mange.geojson"
        path.write_bytes(many_features_geojson(args.features, names, vertices=args.vertices,
                                                     radius=args.radius))
        print(f"{args.features} objekter, {args.vertices} hjørner hver, {path.stat().st_size / 1e6:.1f} MB, "
              f"radius {args.radius:g} m, {len(names)} levekårssoner" + (" (uten tak)" if args.no_cap else ""))
        for step in ("inspect", "preview", "import"):
            cmd = [sys.executable, "-m", "tests.benchmarks.zone_import_bench", "--step", step, "--url", url,
                   "--file", str(path)] + (["--no-cap"] if args.no_cap else [])
            out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=3600, check=False)
            print(out.stdout.strip() or out.stderr.strip()[-2000:])


if __name__ == "__main__":
    main()
