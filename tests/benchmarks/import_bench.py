"""Time and peak memory of the data import (issue 24's performance goals). Not a test: it prints figures.

    .venv/bin/python -m tests.benchmarks.import_bench [--backend sqlite|postgresql|both] [--values 2000000]
        [--xlsx-values 200000] [--jsonstat-values 200000] [--skip-protect-figure] [--profile preview|import]

The store: the schema (``cli.init_db(url, empty=True)``), 100 percent indicators (``bench_000`` …) and 1,000
grunnkretser (codes 46010000–46010999, one ``BoundaryVersion``, no parents), written with core inserts, not
through the importer. The files, made by code in a temporary folder:

- CSV: ``--values`` indicator values (indicators × 20 years × 1,000 zones) in the long template format
  (``indikator;sted;periode;verdi;teller;nevner``, semicolon, decimal comma, UTF-8 with BOM, CRLF, as a
  Norwegian spreadsheet saves it); nevner 500–5000, teller 5–95 % of it, and ``SMALL_SHARE`` of the cells
  with teller 1–4 (primary cells), so the suppression step has real work but few hidden cells;
- ``.xlsx`` (openpyxl ``write_only``) of ``--xlsx-values`` values, the same columns, numbers as numbers;
- JSON-stat 2.0 of ``--jsonstat-values`` values in SSB's shape (Region × ContentsCode × Tid, ContentsCode's
  codes = the indicator keys, so they map by themselves; values only, no counts, as SSB publishes rates).

Per backend and file, each in a fresh Python subprocess on a fresh copy of the store (so the peak RSS,
``ru_maxrss`` at the end, is that step's own; the baseline is the RSS after the imports, before the file):

1. preview: ``run.import_file(..., dry_run=True)``;
2. import: ``run.import_file(...)`` into the store without those values; the ``progress`` callback's
   timestamps split it into read (0 → 0.2: ``tables.read_table``, for JSON-stat also ``to_long``), type
   (0.2 → 0.4: ``columns.typed``), resolve+compare (0.4 → 0.6: ``indicators.plan``), write (0.6 → 0.85:
   ``run._write``) and protect (0.85 → 1.0: ``suppression.protect`` and the commit);
   the protect figure (unless ``--skip-protect-figure``): afterwards, in a transaction that is rolled
   back, ``suppression._tables`` (reading the values back from the store, as protecting the whole store
   does; the import itself hands the step the rows it holds) and ``protect_table`` for the same
   indicators, timed alone;
3. the yardstick: the rows the import wrote (read back from its store, ``protection`` NULL as inserted),
   as plain tuples in memory, written to another fresh copy by the fastest bare path, timed for the write
   alone (commit included): SQLite ``executemany`` on the raw sqlite3 connection in one transaction;
   PostgreSQL ``COPY`` with psycopg's ``write_row`` and with CSV blocks formatted from the tuples (``csv``
   module) — both are measured and the faster is the yardstick.

``--profile preview|import``: cProfile of that step on the CSV (first backend), top functions printed.
PostgreSQL is a throwaway server (``tests.conftest.PgServer``: initdb + pg_ctl in a temporary folder, as the
``postgres`` OS user when run as root), stopped and removed in ``finally``. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

INDICATORS = 100
ZONES = 1000
YEARS = tuple(range(2005, 2025))
SMALL_SHARE = 0.005  # cells with teller 1–4: primary in the suppression step
SEED = 2026
COLUMNS = ("indikator", "sted", "periode", "verdi", "teller", "nevner")
# (progress fraction, phase that starts there)
PHASES = ((0.0, "read"), (0.2, "type"), (0.4, "compare"), (0.6, "write"), (0.85, "protect"))
VALUE_COLUMNS = ("id", "indicator_id", "scope", "zone_id", "area_id", "year", "period", "value", "value_text",
                 "numerator", "denominator", "ci_low", "ci_high", "suppressed", "illustrative", "source_id", "note",
                 "protection", "revised_at")
TARGET_RATIO = 2.0
TARGET_RSS_MB = 1024
TARGET_PREVIEW_S = 30


def indicator_key(i: int) -> str:
    return f"bench_{i:03d}"


def zone_code(z: int) -> str:
    return f"4601{z:04d}"


# --- the store -------------------------------------------------------------------------------------

def build_store(url: str) -> None:
    """Schema, 100 percent indicators and 1,000 grunnkretser in one boundary version (core inserts)."""
    from sqlalchemy import insert

    from omradesatsing import cli, db
    from omradesatsing.models import BoundaryVersion, Indicator, Source, Zone

    cli.init_db(url, empty=True)
    engine = db.make_engine(url)
    try:
        with engine.begin() as conn:
            source_id = conn.execute(insert(Source).values(
                key="benchmark-zones", title="Benchmark – genererte grunnkretser, ikke fakta",
                publisher="tests/benchmarks", licence="CC0", illustrative=True).returning(Source.id)).scalar_one()
            bv = conn.execute(insert(BoundaryVersion).values(
                key="bench-grunnkretser", name="Grunnkretser (benchmark)", level="grunnkrets", valid_from=None,
                valid_to=None, zone_count=ZONES, source_id=source_id).returning(BoundaryVersion.id)).scalar_one()
            conn.execute(insert(Zone), [{"level": "grunnkrets", "code": zone_code(z), "name": f"Testkrets {z + 1}",
                                         "parent_id": None, "boundary_version_id": bv, "geometry": None,
                                         "population": 1000, "source_id": source_id} for z in range(ZONES)])
            conn.execute(insert(Indicator), [{
                "key": indicator_key(i), "name_nb": f"Testindikator {i + 1}", "name_nn": f"Testindikator {i + 1}",
                "name_en": f"Test indicator {i + 1}", "unit": "percent", "decimals": 1,
                "higher_is_better": bool(i % 2), "topic": "benchmark", "updated_at": None}
                for i in range(INDICATORS)])
    finally:
        engine.dispose()


class Stores:
    """Fresh copies of one base store: SQLite files, or PostgreSQL databases made from a template."""

    def __init__(self, backend: str, folder: Path, server=None):
        self.backend, self.folder, self.server = backend, folder, server
        if backend == "sqlite":
            self.base = folder / "base.db"
            url = f"sqlite:///{self.base}"
        else:
            self.base = f"base_{uuid.uuid4().hex[:8]}"
            url = server.create_database(self.base)
        _sub(["--step", "store", "--url", url], 600)  # in its own process: the driver stays small

    def copy(self) -> str:
        if self.backend == "sqlite":
            target = self.folder / f"copy_{uuid.uuid4().hex[:8]}.db"
            shutil.copyfile(self.base, target)
            return f"sqlite:///{target}"
        import psycopg

        name = f"c_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(host="127.0.0.1", port=self.server.port, user="postgres", dbname="postgres",
                             autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.base}"')
        return self.server.url(name)

    def drop(self, url: str) -> None:
        if self.backend == "sqlite":
            with contextlib.suppress(OSError):
                Path(url.removeprefix("sqlite:///")).unlink()
            return
        import psycopg

        name = url.rsplit("/", 1)[1]
        with psycopg.connect(host="127.0.0.1", port=self.server.port, user="postgres", dbname="postgres",
                             autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- the files -------------------------------------------------------------------------------------

def _shape(n: int) -> tuple[int, int]:
    """(indicators, zones) for about ``n`` values over 20 years."""
    per_indicator = len(YEARS) * ZONES
    if n >= per_indicator:
        return min(INDICATORS, max(1, round(n / per_indicator))), ZONES
    return 1, max(1, n // len(YEARS))


def _grid(n: int, seed: int):
    """Indicator, zone and year index per value (indicator-major, then zone, then year) and counts."""
    n_ind, n_zones = _shape(n)
    rng = np.random.default_rng(seed)
    total = n_ind * n_zones * len(YEARS)
    ind = np.repeat(np.arange(n_ind), n_zones * len(YEARS))
    zone = np.tile(np.repeat(np.arange(n_zones), len(YEARS)), n_ind)
    year = np.tile(np.asarray(YEARS), n_ind * n_zones)
    nevner = rng.integers(500, 5001, total)
    teller = np.rint(nevner * rng.uniform(0.05, 0.95, total)).astype(np.int64)
    small = rng.random(total) < SMALL_SHARE
    teller[small] = rng.integers(1, 5, int(small.sum()))
    value = np.round(100.0 * teller / nevner, 2)
    return ind, zone, year, teller, nevner, value


def make_csv(path: Path, n: int) -> int:
    import pandas as pd

    ind, zone, year, teller, nevner, value = _grid(n, SEED)
    keys = np.array([indicator_key(i) for i in range(INDICATORS)], dtype=object)
    codes = np.array([zone_code(z) for z in range(ZONES)], dtype=object)
    frame = pd.DataFrame({"indikator": keys[ind], "sted": codes[zone], "periode": year, "verdi": value,
                          "teller": teller, "nevner": nevner})
    frame.to_csv(path, sep=";", decimal=",", float_format="%.2f", index=False, encoding="utf-8-sig",
                 lineterminator="\r\n")
    return len(frame)


def make_xlsx(path: Path, n: int) -> int:
    from openpyxl import Workbook

    ind, zone, year, teller, nevner, value = _grid(n, SEED + 1)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Indikatorverdier")
    sheet.append(list(COLUMNS))
    keys = [indicator_key(i) for i in range(INDICATORS)]
    for i, z, y, t, d, v in zip(ind.tolist(), zone.tolist(), year.tolist(), teller.tolist(), nevner.tolist(),
                                value.tolist(), strict=True):
        sheet.append([keys[i], 46010000 + z, y, v, t, d])  # a spreadsheet keeps codes and years as numbers
    book.save(path)
    return len(ind)


def make_jsonstat(path: Path, n: int) -> int:
    n_ind, n_zones = _shape(n)
    rng = np.random.default_rng(SEED + 2)
    cells = n_zones * n_ind * len(YEARS)
    values = np.round(rng.uniform(2.0, 60.0, cells), 1).tolist()
    doc = {
        "version": "2.0", "class": "dataset", "label": "Benchmark: andeler etter region, statistikkvariabel og år",
        "source": "Statistisk sentralbyrå (generert for ytelsestest)", "updated": "2026-12-01T08:00:00Z",
        "id": ["Region", "ContentsCode", "Tid"], "size": [n_zones, n_ind, len(YEARS)],
        "role": {"time": ["Tid"], "geo": ["Region"], "metric": ["ContentsCode"]},
        "dimension": {
            "Region": {"label": "region", "category": {
                "index": {zone_code(z): z for z in range(n_zones)},
                "label": {zone_code(z): f"Testkrets {z + 1}" for z in range(n_zones)}}},
            "ContentsCode": {"label": "statistikkvariabel", "category": {
                "index": {indicator_key(i): i for i in range(n_ind)},
                "label": {indicator_key(i): f"Testindikator {i + 1} (prosent)" for i in range(n_ind)},
                "unit": {indicator_key(i): {"base": "prosent", "decimals": 1} for i in range(n_ind)}}},
            "Tid": {"label": "år", "category": {"index": {str(y): k for k, y in enumerate(YEARS)},
                                                "label": {str(y): str(y) for y in YEARS}}},
        },
        "value": values,
    }
    path.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return cells


# --- steps (each in its own process) ---------------------------------------------------------------

def _rss_now_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _hwm_mb() -> float:
    """This address space's own peak (VmHWM). ``ru_maxrss`` is at least the parent's RSS when it forked:
    Linux keeps the larger of the two across exec, so a child of a big parent reports the parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _phases(marks: list[tuple[float, float]], started: float, ended: float) -> dict[str, float]:
    at = {}
    for t, done in marks:
        at.setdefault(round(done, 2), t)
    out = {"before": at.get(0.0, started) - started}
    starts = [(frac, name) for frac, name in PHASES if frac in at]
    end_mark = at.get(1.0, ended)
    for k, (frac, name) in enumerate(starts):
        stop = at[starts[k + 1][0]] if k + 1 < len(starts) else end_mark
        out[name] = stop - at[frac]
    out["after"] = ended - end_mark
    return out


def _code_version() -> dict:
    """The importer's code as this process loaded it (other people edit the tree while benchmarks run):
    HEAD and a short hash of each module that the import runs."""
    import hashlib

    from omradesatsing import suppression
    from omradesatsing.importers import columns, indicators, run, tables

    out = {"head": subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                  text=True, check=False).stdout.strip()}
    for module in (run, tables, columns, indicators, suppression):
        path = Path(module.__file__)
        out[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()[:8]
    return out


def _settings(url: str):
    from dataclasses import replace

    from omradesatsing import config

    return replace(config.load_settings(), database_url=url)


def step_import(url: str, path: str, dry_run: bool, protect_figure: bool, profile: bool) -> dict:
    import pandas  # noqa: F401  (the imports are part of the baseline)
    from sqlalchemy import func, select

    from omradesatsing import db, suppression
    from omradesatsing.importers import indicators, run, tables  # noqa: F401
    from omradesatsing.models import Indicator, IndicatorValue
    from omradesatsing.permissions import Actor

    baseline = _rss_now_mb()
    code = _code_version()
    data = Path(path).read_bytes()
    engine = db.make_engine(url)
    settings = _settings(url)
    actor = Actor("bench", "admin", "Benchmark")
    source = run.SourceInfo(title="Benchmark: genererte indikatorverdier", publisher="tests/benchmarks",
                            licence="CC0", url="intern")
    marks: list[tuple[float, float]] = []
    peaks: dict[str, float] = {}  # the process's peak RSS when each phase began (so: at the end of the one before)

    def progress(done: float, _text: str) -> None:
        marks.append((time.perf_counter(), done))
        peaks[f"{done:.2f}"] = _hwm_mb()

    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started = time.perf_counter()
    report = run.import_file(engine, actor, data, Path(path).name, source=source, dry_run=dry_run,
                             settings=settings, progress=progress)
    ended = time.perf_counter()
    if profiler is not None:
        profiler.disable()
    peak = _peak_mb()
    out = {"seconds": ended - started, "phases": _phases(marks, started, ended), "peak_rss_mb": peak,
           "hwm_mb": _hwm_mb(), "code": code,
           "peaks_at": peaks,
           "baseline_rss_mb": baseline, "file_mb": len(data) / 1e6, "rows": report.rows, "added": report.added,
           "changed": report.changed, "unchanged": report.unchanged, "refused": report.refused,
           "problems": [p.message for p in report.problems[:3]]}
    if profiler is not None:
        import pstats

        for key in ("cumulative", "tottime"):
            buf = io.StringIO()
            pstats.Stats(profiler, stream=buf).sort_stats(key).print_stats(28)
            out[f"profile_{key}"] = buf.getvalue()
    if not dry_run:
        with engine.connect() as conn:
            out["protection"] = {str(k): int(v) for k, v in conn.execute(
                select(IndicatorValue.protection, func.count()).group_by(IndicatorValue.protection))}
            ids = list(conn.scalars(select(Indicator.id).where(Indicator.updated_at.is_not(None))))
        out["indicators"] = len(ids)
        if protect_figure and ids:
            with db.session_scope(engine) as session:
                t0 = time.perf_counter()
                tabs = list(suppression._tables(session, ids))
                t1 = time.perf_counter()
                for tab in tabs:
                    suppression.protect_table(tab, settings.suppression_threshold, settings.margin)
                t2 = time.perf_counter()
                session.rollback()
            out["protect_read"] = t1 - t0
            out["protect_compute"] = t2 - t1
    engine.dispose()
    return out


def _value_rows(url: str):
    """The stored values as plain tuples (``protection`` NULL, as the import inserted them) and the
    source rows they need, read from the imported store."""
    from sqlalchemy import select

    from omradesatsing import db
    from omradesatsing.models import Source

    engine = db.make_engine(url)
    pos = VALUE_COLUMNS.index("protection")
    try:
        with engine.connect() as conn:
            sources = [dict(r._mapping) for r in conn.execute(select(Source).where(~Source.key.like("benchmark%")))]
            raw = conn.connection.driver_connection
            cur = raw.cursor()
            cur.execute(f"SELECT {', '.join(VALUE_COLUMNS)} FROM indicator_value ORDER BY id")
            rows = [(*r[:pos], None, *r[pos + 1:]) for r in cur.fetchall()]
            cur.close()
    finally:
        engine.dispose()
    return rows, sources


def _csv_block(rows) -> str:
    """Rows as PostgreSQL's CSV COPY format (NULL as an unquoted empty field)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerows(rows)  # None → empty field; True/False → True/False (PostgreSQL reads them as booleans)
    return buf.getvalue()


def step_bare(src_url: str, dst_url: str, method: str) -> dict:
    from sqlalchemy import insert

    from omradesatsing import db
    from omradesatsing.models import Source

    rows, sources = _value_rows(src_url)
    engine = db.make_engine(dst_url)
    with engine.begin() as conn:
        if sources:
            conn.execute(insert(Source), sources)
    column_list = ", ".join(VALUE_COLUMNS)
    raw = engine.raw_connection()
    out = {"rows": len(rows), "method": method}
    try:
        if method == "executemany":
            cur = raw.driver_connection.cursor()
            marks = ", ".join("?" for _ in VALUE_COLUMNS)
            t0 = time.perf_counter()
            cur.executemany(f"INSERT INTO indicator_value ({column_list}) VALUES ({marks})", rows)
            raw.driver_connection.commit()
            out["seconds"] = time.perf_counter() - t0
            cur.close()
        elif method == "write_row":
            conn = raw.driver_connection
            t0 = time.perf_counter()
            with conn.cursor() as cur, cur.copy(f"COPY indicator_value ({column_list}) FROM STDIN") as copy:
                for r in rows:
                    copy.write_row(r)
            conn.commit()
            out["seconds"] = time.perf_counter() - t0
        elif method == "csv_block":
            conn = raw.driver_connection
            t0 = time.perf_counter()
            formatting = 0.0
            with conn.cursor() as cur, cur.copy(
                    f"COPY indicator_value ({column_list}) FROM STDIN WITH (FORMAT csv)") as copy:
                for start in range(0, len(rows), 100_000):
                    f0 = time.perf_counter()
                    block = _csv_block(rows[start:start + 100_000])
                    formatting += time.perf_counter() - f0
                    copy.write(block)
            conn.commit()
            out["seconds"] = time.perf_counter() - t0
            out["formatting"] = formatting
        else:
            raise SystemExit(f"unknown method {method}")
    finally:
        raw.close()
        engine.dispose()
    out["peak_rss_mb"] = _peak_mb()
    out["hwm_mb"] = _hwm_mb()
    return out


# --- the driver ------------------------------------------------------------------------------------

def _sub(args: list[str], timeout: int) -> dict:
    cmd = [sys.executable, "-m", "tests.benchmarks.import_bench", *args]
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False)
    line = next((ln for ln in reversed(proc.stdout.splitlines()) if ln.startswith("{")), None)
    if proc.returncode != 0 or line is None:
        raise RuntimeError(f"{' '.join(args[:2])} failed ({proc.returncode}): {proc.stderr[-3000:]}")
    result = json.loads(line)
    result["wall"] = time.perf_counter() - started
    return result


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def _log(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')} load {_load()}] {text}", flush=True)


def measure_backend(backend: str, files: dict[str, Path], folder: Path, args, server=None) -> list[dict]:
    stores = Stores(backend, folder, server)
    results = []
    for label, path in files.items():
        rec = {"backend": backend, "file": label, "path": str(path)}
        url = stores.copy()
        try:
            _log(f"{backend} {label}: preview")
            rec["preview"] = _sub(["--step", "preview", "--url", url, "--file", str(path)], args.timeout)
            _log(f"  preview {rec['preview']['seconds']:.1f} s, peak {rec['preview']['peak_rss_mb']:.0f} MB")
        finally:
            stores.drop(url)
        imported = stores.copy()
        try:
            _log(f"{backend} {label}: import")
            step = ["--step", "import", "--url", imported, "--file", str(path)]
            if args.skip_protect_figure:
                step.append("--skip-protect-figure")
            rec["import"] = _sub(step, args.timeout)
            _log(f"  import {rec['import']['seconds']:.1f} s {json.dumps(rec['import']['phases'])}, "
                 f"peak {rec['import']['peak_rss_mb']:.0f} MB, protection {rec['import'].get('protection')}")
            methods = ["executemany"] if backend == "sqlite" else ["write_row", "csv_block"]
            rec["bare"] = {}
            for method in methods:
                target = stores.copy()
                try:
                    _log(f"{backend} {label}: bare {method}")
                    rec["bare"][method] = _sub(["--step", "bare", "--url", imported, "--target", target,
                                                "--method", method], args.timeout)
                    _log(f"  bare {method} {rec['bare'][method]['seconds']:.1f} s")
                finally:
                    stores.drop(target)
        finally:
            stores.drop(imported)
        results.append(rec)
    if backend == "postgresql":
        stores.drop(server.url(stores.base))
    return results


def _fmt(x: float, digits: int = 1) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{digits}f}"


def table(results: list[dict]) -> str:
    head = ("| backend | file | values | preview s | preview peak MB | import s | read | type | resolve+compare "
            "| write | protect | import peak MB | baseline MB | bare write s (method) | write / bare "
            "| total / bare | hidden cells |")
    lines = [head, "|" + "---|" * 17]
    for r in results:
        p, i = r["preview"], r["import"]
        best_name, best = min(r["bare"].items(), key=lambda kv: kv[1]["seconds"])
        ph = i["phases"]
        prot = i.get("protection", {})
        hidden = sum(v for k, v in prot.items() if k != "open")
        cells = sum(prot.values())
        lines.append(
            f"| {r['backend']} | {r['file']} | {i['rows']:,} | {_fmt(p['seconds'])} | {p['peak_rss_mb']:.0f} "
            f"| {_fmt(i['seconds'])} | {_fmt(ph.get('read', 0))} | {_fmt(ph.get('type', 0))} "
            f"| {_fmt(ph.get('compare', 0))} | {_fmt(ph.get('write', 0))} | {_fmt(ph.get('protect', 0))} "
            f"| {i['peak_rss_mb']:.0f} | {i['baseline_rss_mb']:.0f} | {_fmt(best['seconds'])} ({best_name}) "
            f"| {ph.get('write', 0) / best['seconds']:.2f} | {i['seconds'] / best['seconds']:.2f} "
            f"| {hidden:,} of {cells:,} |")
    return "\n".join(lines)


def details(results: list[dict]) -> str:
    out = []
    for r in results:
        i = r["import"]
        bare = ", ".join(f"{k} {v['seconds']:.1f} s" + (f" (CSV formatting {v['formatting']:.1f} s)"
                                                          if "formatting" in v else "")
                         for k, v in r["bare"].items())
        extra = ""
        if "protect_read" in i:
            extra = (f"; protect figure (the same indicators read back from the store, as a protect of the whole "
                     f"store does): read + build tables {i['protect_read']:.1f} s, compute "
                     f"{i['protect_compute']:.1f} s")
        peaks = ", ".join(f"{k} {v:.0f}" for k, v in i.get("peaks_at", {}).items())
        code = " ".join(f"{k}:{v}" for k, v in i.get("code", {}).items())
        out.append(f"- {r['backend']} {r['file']} ({i['file_mb']:.1f} MB), code {code}: preview phases "
                   f"{json.dumps({k: round(v, 2) for k, v in r['preview']['phases'].items()})}; import peak RSS (MB) "
                   f"when each phase began: {peaks}, at the end {i['hwm_mb']:.0f} (VmHWM; ru_maxrss {i['peak_rss_mb']:.0f}; "
                   f"preview's VmHWM {r['preview']['hwm_mb']:.0f}); import added "
                   f"{i['added']:,}, refused {i['refused']}; protection {i.get('protection')}; bare: {bare}{extra}")
    return "\n".join(out)


def verdicts(results: list[dict]) -> str:
    out = []
    for r in results:
        p, i = r["preview"], r["import"]
        best = min(v["seconds"] for v in r["bare"].values())
        ratio = i["seconds"] / best
        wratio = i["phases"].get("write", 0) / best
        peak = max(p["peak_rss_mb"], i["peak_rss_mb"])
        parts = [f"import total/bare {ratio:.2f} ({'met' if ratio <= TARGET_RATIO else 'missed'}), "
                 f"write/bare {wratio:.2f} ({'met' if wratio <= TARGET_RATIO else 'missed'})",
                 f"peak RSS {peak:.0f} MB ({'met' if peak <= TARGET_RSS_MB else 'missed'})"]
        if r["file"].startswith("CSV"):
            parts.append(f"preview {p['seconds']:.1f} s ({'met' if p['seconds'] <= TARGET_PREVIEW_S else 'missed'})")
        out.append(f"- {r['backend']} {r['file']}: " + "; ".join(parts))
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--values", type=int, default=2_000_000, help="values in the CSV file")
    parser.add_argument("--xlsx-values", type=int, default=200_000, help="values in the .xlsx file (0: none)")
    parser.add_argument("--jsonstat-values", type=int, default=200_000, help="values in the JSON-stat file (0: none)")
    parser.add_argument("--skip-protect-figure", action="store_true",
                        help="do not time reading and computing the suppression pattern again on its own")
    parser.add_argument("--profile", choices=("preview", "import"),
                        help="cProfile that step on the CSV file (first backend) and print the top functions")
    parser.add_argument("--timeout", type=int, default=3600, help="seconds per step")
    parser.add_argument("--json", help="also write the raw results to this file")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--target", help=argparse.SUPPRESS)
    parser.add_argument("--method", help=argparse.SUPPRESS)
    parser.add_argument("--profiled", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step in ("preview", "import"):
        print(json.dumps(step_import(args.url, args.file, args.step == "preview", not args.skip_protect_figure,
                                     args.profiled)))
        return
    if args.step == "bare":
        print(json.dumps(step_bare(args.url, args.target, args.method)))
        return
    if args.step == "store":
        build_store(args.url)
        print(json.dumps({"url": args.url}))
        return
    if args.step == "make":
        make = {"csv": make_csv, "xlsx": make_xlsx, "jsonstat": make_jsonstat}[args.method]
        print(json.dumps({"values": make(Path(args.file), args.values)}))
        return

    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    folder = Path(tempfile.mkdtemp(prefix="import-bench-"))
    server = None
    results: list[dict] = []
    try:
        _log(f"making files in {folder}")
        files: dict[str, Path] = {}
        for label, kind, name, n in (("CSV", "csv", "indikatorverdier.csv", args.values),
                                     ("xlsx", "xlsx", "indikatorverdier.xlsx", args.xlsx_values),
                                     ("JSON-stat", "jsonstat", "ssb.json", args.jsonstat_values)):
            if not n:
                continue
            files[label] = folder / name
            got = _sub(["--step", "make", "--method", kind, "--file", str(files[label]), "--values", str(n)], 1800)
            _log(f"  {label} {got['values']:,} values, {files[label].stat().st_size / 1e6:.1f} MB, {got['wall']:.1f} s")
        for backend in backends:
            if backend == "postgresql":
                from tests.conftest import PG_BIN, PgServer

                if not (PG_BIN / "pg_ctl").exists():
                    raise SystemExit(f"PostgreSQL server binaries not found in {PG_BIN}")
                server = PgServer()
                server.init()
                server.start()
            try:
                if args.profile:
                    stores = Stores(backend, folder, server)
                    url = stores.copy()
                    try:
                        _log(f"{backend} CSV: cProfile of {args.profile}")
                        got = _sub(["--step", args.profile, "--url", url, "--file", str(files["CSV"]), "--profiled",
                                    "--skip-protect-figure"], args.timeout)
                        print(f"{args.profile}: {got['seconds']:.1f} s under cProfile, phases "
                              f"{json.dumps({k: round(v, 2) for k, v in got['phases'].items()})}")
                        print(got["profile_cumulative"])
                        print(got["profile_tottime"])
                    finally:
                        stores.drop(url)
                    return
                results += measure_backend(backend, files, folder, args, server)
            finally:
                if server is not None:
                    server.cleanup()
                    server = None
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if results:
            print()
            print(f"Load average at the end: {_load()}")
            print(table(results))
            print()
            print(details(results))
            print()
            print(verdicts(results))
            if args.json:
                Path(args.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
