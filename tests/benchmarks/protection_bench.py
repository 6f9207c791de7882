"""Time and memory of the suppression pattern (prikking) on synthetic Bergen-shaped tables. Not a test.

    .venv/bin/python -m tests.benchmarks.protection_bench [--indicators 100] [--years 20] [--zones 1000]
        [--audit 3] [--profile] [--trace first|all|none] [--budget SECONDS]
        [--profile-budget SECONDS] [--no-instrument] [--seed 2026]

Builds, in memory and without a database, one ``suppression.Table`` per indicator shaped like Bergen:
1 kommune (Bergen; its ``city`` value has the same counts, so ``_table`` merges it into the kommune cell)
→ 8 bydeler → about ``zones``/25 delområder → ``zones`` grunnkretser (denominators lognormal around 150,
numerators binomial with a rate of 4–15 % per indicator), plus 2 programme areas of grunnkretser from two
delområder each; ``years`` single years and the three-year periods 2005–2007, 2008–2010, … (every third
window) for every place, each the exact sum of its single years. Every parent's counts are the exact sums
of its children's. The geography is given to ``suppression._structure`` through a stub that answers its
plain SELECTs from memory, and each indicator's value rows to ``suppression._table``: the relations are
exactly the ones the store would get, whatever those functions do today.

Then, per indicator: the time of ``protect_table`` (threshold 5, margin 5), cells, hidden cells by reason,
the LP solves it makes (``highspy.Highs.run`` or ``scipy.optimize.linprog``, counted through a thin
wrapper; ``--no-instrument`` leaves it out) and the process's max RSS; the tracemalloc peak of one
indicator (the first, run again under tracemalloc, which slows it down 2–4 times; ``--trace all``: every
indicator, timed under it);
``audit_table`` of the result for the first ``--audit`` indicators (there must be no finding: printed
loudly, and the exit status is 1); ``--profile``: cProfile of the first indicator, top 15 by cumulative
time. ``--budget``: stop each ``protect_table`` after so many seconds and estimate its whole time from the
share of its protected cells (the ones the LP loop audits, in key order) reached by then; such an
indicator is not audited. Prints a report and a paragraph for docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import hashlib
import io
import os
import platform
import pstats
import resource
import statistics
import sys
import time
import tracemalloc
from collections import defaultdict, namedtuple
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from omradesatsing import suppression  # noqa: E402

THRESHOLD = 5
MARGIN = 5
BYDELER = 8
ZONES_PER_DELOMRAADE = 25
AREAS = 2
RATE_LOW, RATE_HIGH = 0.04, 0.15
SIZE_MEDIAN, SIZE_SIGMA = 150, 0.5
COMMAND = ".venv/bin/python -m tests.benchmarks.protection_bench"
Table = suppression.Table


# ---------------------------------------------------------------------------------------------
# The store's geography (the same for every indicator), in memory


@dataclass
class Geography:
    """The places values are stored for, in the order they are stored (kommune, bydeler, delområder,
    grunnkretser, areas), and the rows ``suppression._structure`` reads (zones, areas, area zones)."""

    scopes: list[tuple[str, int]]  # per place: ("zone", zone id) or ("area", area id)
    kommune: int
    bydeler: np.ndarray
    delomraader: np.ndarray
    grunnkretser: np.ndarray
    areas: np.ndarray
    del_of_gk: np.ndarray  # per grunnkrets (0-based among grunnkretser): its delområde (0-based)
    bydel_of_del: np.ndarray  # per delområde: its bydel (0-based)
    area_members: list[np.ndarray]  # per area: its grunnkretser (0-based)
    rows: dict[str, list[dict]] = field(default_factory=dict)  # table name → rows
    size: np.ndarray | None = None  # per grunnkrets: a population-like size

    @property
    def places(self) -> int:
        return len(self.scopes)


def make_geography(zones: int, rng: np.random.Generator) -> Geography:
    n_del = min(max(BYDELER, round(zones / ZONES_PER_DELOMRAADE)), zones)
    # Delområder per bydel and grunnkretser per delområde: random sizes, at least one each.
    del_per_bydel = 1 + rng.multinomial(n_del - BYDELER, rng.dirichlet(np.full(BYDELER, 4.0)))
    gk_per_del = 1 + rng.multinomial(zones - n_del, rng.dirichlet(np.full(n_del, 3.0)))
    bydel_of_del = np.repeat(np.arange(BYDELER), del_per_bydel)
    del_of_gk = np.repeat(np.arange(n_del), gk_per_del)
    width = max(2, len(str(int(gk_per_del.max()))))
    zone_rows = [{"id": 1, "level": "kommune", "code": "4601", "parent_id": None, "boundary_version_id": 1}]
    bydel_ids = []
    for b in range(BYDELER):
        bydel_ids.append(len(zone_rows) + 1)
        zone_rows.append({"id": bydel_ids[-1], "level": "bydel", "code": f"4601{b + 1:02d}", "parent_id": 1,
                          "boundary_version_id": 1})
    del_ids, numbered = [], defaultdict(int)
    for k in range(n_del):
        b = int(bydel_of_del[k])
        numbered[b] += 1
        del_ids.append(len(zone_rows) + 1)
        zone_rows.append({"id": del_ids[-1], "level": "delomraade",
                          "code": f"{zone_rows[bydel_ids[b] - 1]['code']}{numbered[b]:02d}",
                          "parent_id": bydel_ids[b], "boundary_version_id": 1})
    gk_ids, numbered = [], defaultdict(int)
    for g in range(zones):
        k = int(del_of_gk[g])
        numbered[k] += 1
        gk_ids.append(len(zone_rows) + 1)
        zone_rows.append({"id": gk_ids[-1], "level": "grunnkrets",
                          "code": f"{zone_rows[del_ids[k] - 1]['code']}{numbered[k]:0{width}d}",
                          "parent_id": del_ids[k], "boundary_version_id": 1})
    # Programme areas: grunnkretser from two delområder each (most of them), no delområde in two areas.
    picked = rng.choice(n_del, size=2 * AREAS, replace=False)
    area_members = []
    for a in range(AREAS):
        members = []
        for k in sorted(picked[2 * a:2 * a + 2]):
            gks = np.flatnonzero(del_of_gk == k)
            take = gks[rng.random(len(gks)) < 0.75]
            members.extend(take if len(take) else gks[:1])
        area_members.append(np.array(sorted(members), dtype=np.int64))
    scopes = [("zone", z["id"]) for z in zone_rows] + [("area", a + 1) for a in range(AREAS)]
    first_del, first_gk = 1 + BYDELER, 1 + BYDELER + n_del
    geo = Geography(
        scopes=scopes, kommune=0, bydeler=np.arange(1, 1 + BYDELER), delomraader=np.arange(first_del, first_gk),
        grunnkretser=np.arange(first_gk, first_gk + zones),
        areas=np.arange(first_gk + zones, first_gk + zones + AREAS), del_of_gk=del_of_gk,
        bydel_of_del=bydel_of_del, area_members=area_members)
    geo.rows = {
        "zone": zone_rows,
        "area": [{"id": a + 1, "slug": f"programomraade-{a + 1}"} for a in range(AREAS)],
        "area_zone": [{"area_id": a + 1, "zone_id": gk_ids[g]} for a in range(AREAS) for g in area_members[a]],
        "zone_part": [],
    }
    geo.size = rng.lognormal(np.log(SIZE_MEDIAN), SIZE_SIGMA, size=zones)
    return geo


class _Result:
    def __init__(self, rows):
        self._rows = rows

    def all(self):
        return self._rows


class StoreStub:
    """Answers the plain ``select(columns)`` queries ``suppression._structure`` makes, from memory: no
    database. Anything else (a WHERE, a join) is refused, so a change there shows."""

    def __init__(self, geo: Geography):
        self.geo = geo

    def execute(self, stmt):
        columns = list(stmt.selected_columns)
        tables = {c.table.name for c in columns}
        if len(tables) != 1 or getattr(stmt, "whereclause", None) is not None:
            raise NotImplementedError(f"the benchmark's stub store cannot answer {stmt}")
        rows = self.geo.rows[tables.pop()]
        shape = namedtuple("StubRow", [c.key for c in columns])
        return _Result([shape(*(row[c.key] for c in columns)) for row in rows])


def periods(years: int) -> tuple[list[str], list[tuple[int, int]]]:
    """The single years (ending 2024) and the three-year windows (first, last), every third."""
    first = 2025 - years
    singles = [str(first + k) for k in range(years)]
    windows = [(first + k, first + k + 2) for k in range(0, years - 2, 3)]
    return singles, windows


# ---------------------------------------------------------------------------------------------
# One indicator's values and table


def counts(geo: Geography, years: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, float]:
    """Numerators and denominators per (period, place), single years then windows; and the rate."""
    zones = len(geo.grunnkretser)
    # Rates log-uniform 4–15 %: from 2 % on, with denominators about 150, a rare-event indicator has half
    # its grunnkrets cells below 5; this gives 10–15 % on average (0.5–55 % per indicator).
    rate = float(np.exp(rng.uniform(np.log(RATE_LOW), np.log(RATE_HIGH))))
    scale = rng.lognormal(0.0, 0.25)  # this indicator's population (an age group, a cohort)
    p = np.clip(rate * rng.lognormal(0.0, 0.35, size=zones), 0.0, 1.0)
    d_gk = rng.poisson(geo.size * scale * rng.lognormal(0.0, 0.08, size=(years, zones)))
    n_gk = rng.binomial(d_gk, p)
    singles, windows = periods(years)
    out = []
    for gk in (n_gk, d_gk):
        by_place = np.zeros((years, geo.places), dtype=np.int64)
        by_place[:, geo.grunnkretser] = gk
        dels = np.zeros((years, len(geo.delomraader)), dtype=np.int64)
        np.add.at(dels.T, geo.del_of_gk, gk.T)
        by_place[:, geo.delomraader] = dels
        bydeler = np.zeros((years, BYDELER), dtype=np.int64)
        np.add.at(bydeler.T, geo.bydel_of_del, dels.T)
        by_place[:, geo.bydeler] = bydeler
        by_place[:, geo.kommune] = gk.sum(axis=1)
        for a in range(AREAS):
            by_place[:, geo.areas[a]] = gk[:, geo.area_members[a]].sum(axis=1)
        first = int(singles[0])
        win = [by_place[a - first:b - first + 1].sum(axis=0) for a, b in windows]
        out.append(np.vstack([by_place, *win]) if win else by_place)
    return out[0], out[1], rate


Row = namedtuple("Row", "id indicator_id scope zone_id area_id period numerator denominator suppressed protection")


def value_rows(indicator_id: int, geo: Geography, years: int, n_pp: np.ndarray, d_pp: np.ndarray,
               first_id: int) -> list[Row]:
    """The indicator's values as ``suppression._tables`` reads them (ordered by id): period by period
    (single years, then the three-year periods "2005–2007", …), each period's places in the Geography's
    order, Bergen's own value (scope ``city``, the same counts) straight after the kommune zone's."""
    singles, windows = periods(years)
    labels = singles + [f"{a}–{b}" for a, b in windows]
    rows, vid = [], first_id
    for t, label in enumerate(labels):
        for q, (scope, pid) in enumerate(geo.scopes):
            n, d = int(n_pp[t, q]), int(d_pp[t, q])
            rows.append(Row(vid, indicator_id, scope, pid if scope == "zone" else None,
                            pid if scope == "area" else None, label, n, d, False, None))
            vid += 1
            if q == geo.kommune:
                rows.append(Row(vid, indicator_id, "city", None, None, label, n, d, False, None))
                vid += 1
    return rows


def check_sums(table: Table) -> int:
    """Relations whose first cell is not the exact sum of the rest (numerators or denominators)."""
    bad = 0
    for r in table.relations:
        for x in (table.n, table.d):
            if x[r[0]] != x[r[1:]].sum():
                bad += 1
    return bad


# ---------------------------------------------------------------------------------------------
# Instrumentation: LP calls and where protect_table's time goes, without changing suppression.py


@dataclass
class Stats:
    started: float = 0.0
    pass1_end: float | None = None  # the first interval() call: primary + first pass done
    hidden_after_pass1: int | None = None
    lp_calls: int = 0
    lp_seconds: float = 0.0
    lp_rows: list[int] = field(default_factory=list)
    lp_cols: list[int] = field(default_factory=list)
    interval_calls: int = 0
    interval_seconds: float = 0.0
    component_calls: int = 0
    component_seconds_in_interval: float = 0.0
    component_seconds_outside: float = 0.0
    _in_interval: bool = False
    protected_seen: set = field(default_factory=set)  # protected cells whose interval was asked for
    hidden: np.ndarray | None = None  # protect_table's own ``hidden`` (passed to every interval call)
    deadline: float | None = None  # --budget: stop this protect_table then
    label: str = ""
    last_progress: float = 0.0


STATS = Stats()


class OutOfTime(Exception):
    """protect_table stopped at the --budget (raised from the LP wrapper)."""


def _lp_start() -> float:
    start = time.perf_counter()
    if STATS.deadline is not None and start > STATS.deadline:
        raise OutOfTime
    if start - STATS.last_progress > 60:
        STATS.last_progress = start
        print(f"  … {STATS.label}: {start - STATS.started:.0f} s, {STATS.lp_calls} LPs, "
              f"{len(STATS.protected_seen)} protected cells reached", file=sys.stderr, flush=True)
    return start


def _lp_done(start: float, rows: int, cols: int) -> None:
    STATS.lp_seconds += time.perf_counter() - start
    STATS.lp_calls += 1
    STATS.lp_rows.append(rows)
    STATS.lp_cols.append(cols)


def instrument() -> None:
    """Count and time every LP solve (``highspy.Highs.run``, or ``scipy.optimize.linprog`` which older
    versions of suppression.py called), and the time in ``_Solver.interval`` and ``component``."""
    import scipy.optimize

    original_linprog = scipy.optimize.linprog

    def linprog(*args, **kwargs):
        start = _lp_start()
        res = original_linprog(*args, **kwargs)
        a = kwargs.get("A_eq")
        _lp_done(start, *(a.shape if a is not None else (0, 0)))
        return res

    scipy.optimize.linprog = linprog  # imported from scipy.optimize inside interval(), on each call
    try:
        import highspy
    except ImportError:
        highspy = None
    if highspy is not None:
        original_run = highspy.Highs.run

        def run(self, *args, **kwargs):
            start = _lp_start()
            res = original_run(self, *args, **kwargs)
            _lp_done(start, self.getNumRow(), self.getNumCol())
            return res

        highspy.Highs.run = run

    class Solver(suppression._Solver):
        def interval(self, i, hidden):
            if STATS.hidden_after_pass1 is None:  # the first call: primary and first pass done, no LP hide yet
                STATS.pass1_end = time.perf_counter()
                STATS.hidden_after_pass1 = int(hidden.sum())
            STATS.hidden = hidden
            STATS.protected_seen.add(int(i))
            start = time.perf_counter()
            STATS._in_interval = True
            try:
                return super().interval(i, hidden)
            finally:
                STATS._in_interval = False
                STATS.interval_seconds += time.perf_counter() - start
                STATS.interval_calls += 1

        def component(self, i, hidden):
            start = time.perf_counter()
            try:
                return super().component(i, hidden)
            finally:
                spent = time.perf_counter() - start
                STATS.component_calls += 1
                if STATS._in_interval:
                    STATS.component_seconds_in_interval += spent
                else:
                    STATS.component_seconds_outside += spent

    suppression._Solver = Solver


def reset_stats(label: str = "", budget: float | None = None) -> None:
    global STATS
    now = time.perf_counter()
    STATS = Stats(started=now, label=label, deadline=now + budget if budget else None, last_progress=now)


# ---------------------------------------------------------------------------------------------
# Measuring


def max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class Result:
    indicator: int
    rate: float
    cells: int
    relations: int
    seconds: float
    complete: bool  # False: stopped at --budget (the counts are as far as it got)
    protected_total: int  # cells the LP loop audits (primary, complement, source)
    protected_done: int
    primary: int
    complement: int
    secondary: int
    source: int
    gk_below: float  # share of grunnkrets cells with a primary reason
    secondary_pass1: int | None
    pass1_seconds: float | None
    lp_calls: int
    lp_seconds: float
    lp_rows_mean: float
    lp_cols_mean: float
    lp_cols_max: int
    interval_calls: int
    interval_seconds: float
    component_seconds: float
    rss_mb: float
    traced_peak_mb: float | None = None

    @property
    def hidden(self) -> int:
        return self.primary + self.complement + self.secondary + self.source

    @property
    def estimated_seconds(self) -> float:
        """The whole indicator's time: measured, or at the pace so far (per protected cell reached)."""
        return self.seconds if self.complete else self.seconds * self.protected_total / max(self.protected_done, 1)


def measure(table: Table, k: int, rate: float, gk_cells: np.ndarray, trace: bool,
            budget: float | None) -> tuple[Result, np.ndarray | None]:
    reset_stats(f"indicator {k}", budget)
    primary = suppression.primary_reasons(table, THRESHOLD)
    if trace:
        tracemalloc.start()
    start = time.perf_counter()
    reason = None
    try:
        reason = suppression.protect_table(table, THRESHOLD, MARGIN)
    except OutOfTime:
        pass
    seconds = time.perf_counter() - start
    peak = None
    if trace:
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    protected_total = int(((primary != suppression.OPEN) & table.counted).sum())
    if reason is not None:
        count = {r: int((reason == r).sum()) for r in suppression.REASONS}
        done = protected_total
    else:  # as far as it got: the hidden cells now (a candidate being tried may be among them)
        count = {r: int((primary == r).sum()) for r in suppression.REASONS}
        count[suppression.SECONDARY] = int(STATS.hidden.sum()) - int((primary != suppression.OPEN).sum()) \
            if STATS.hidden is not None else 0
        done = max(len(STATS.protected_seen) - 1, 0)  # the last one was not finished
    pass1 = (STATS.hidden_after_pass1 - int((primary != suppression.OPEN).sum())
             if STATS.hidden_after_pass1 is not None else None)
    return Result(
        indicator=k, rate=rate, cells=len(table.n), relations=len(table.relations), seconds=seconds,
        complete=reason is not None, protected_total=protected_total, protected_done=done,
        primary=count[suppression.PRIMARY], complement=count[suppression.COMPLEMENT],
        secondary=count[suppression.SECONDARY], source=count[suppression.SOURCE],
        gk_below=float((primary[gk_cells] != suppression.OPEN).mean()), secondary_pass1=pass1,
        pass1_seconds=(STATS.pass1_end - start) if STATS.pass1_end is not None else None,
        lp_calls=STATS.lp_calls, lp_seconds=STATS.lp_seconds,
        lp_rows_mean=statistics.fmean(STATS.lp_rows) if STATS.lp_rows else 0.0,
        lp_cols_mean=statistics.fmean(STATS.lp_cols) if STATS.lp_cols else 0.0,
        lp_cols_max=max(STATS.lp_cols, default=0), interval_calls=STATS.interval_calls,
        interval_seconds=STATS.interval_seconds,
        component_seconds=STATS.component_seconds_in_interval + STATS.component_seconds_outside,
        rss_mb=max_rss_mb(), traced_peak_mb=peak), reason


def profile(table: Table, budget: float | None) -> tuple[str, bool]:
    reset_stats("profile", budget)
    prof = cProfile.Profile()
    complete = True
    prof.enable()
    try:
        suppression.protect_table(table, THRESHOLD, MARGIN)
    except OutOfTime:
        complete = False
    finally:
        prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(15)
    return out.getvalue(), complete


def fmt_s(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    if seconds >= 120:
        return f"{seconds / 60:.1f} min"
    return f"{seconds:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--indicators", type=int, default=100)
    parser.add_argument("--years", type=int, default=20)
    parser.add_argument("--zones", type=int, default=1000, help="grunnkretser (at least 8)")
    parser.add_argument("--audit", type=int, default=3, help="audit_table for the first N indicators")
    parser.add_argument("--profile", action="store_true", help="cProfile the first indicator (top 15)")
    parser.add_argument("--trace", choices=("first", "all", "none"), default="first",
                        help="tracemalloc: the first indicator protected again under it (default), every "
                             "indicator (timed under it, slower), or none")
    parser.add_argument("--budget", type=float, default=None,
                        help="stop each protect_table after this many seconds and estimate the rest from the "
                             "share of protected cells reached (needs the instrumentation)")
    parser.add_argument("--profile-budget", type=float, default=None, help="the same for the profiled run "
                        "(default: --budget)")
    parser.add_argument("--no-instrument", action="store_true", help="no counting wrapper around the LP solver")
    parser.add_argument("--full-indicators", type=int, default=100,
                        help="extrapolate the total to this many indicators (an import protects one)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    if args.zones < BYDELER or args.years < 1 or args.indicators < 1:
        parser.error(f"--zones ≥ {BYDELER}, --years ≥ 1 and --indicators ≥ 1")
    if (args.budget or args.profile_budget) and args.no_instrument:
        parser.error("--budget needs the instrumentation")
    if not args.no_instrument:
        instrument()
    import scipy

    rss_start = max_rss_mb()
    geo = make_geography(args.zones, np.random.default_rng(args.seed))
    singles, windows = periods(args.years)
    n_periods = len(singles) + len(windows)
    start = time.perf_counter()
    structure = suppression._structure(StoreStub(geo))
    structure_seconds = time.perf_counter() - start
    source = Path(suppression.__file__).read_bytes()
    engine = f"SciPy {scipy.__version__} (HiGHS)"
    if b"import highspy" in source:
        from importlib.metadata import version

        engine = f"highspy {version('highspy')} (HiGHS)"
    command = " ".join([COMMAND, *sys.argv[1:]])
    print(f"$ {command}")
    print(f"Suppression benchmark: {args.indicators} indicators × {args.years} years ({len(windows)} three-year "
          f"periods) × {args.zones} grunnkretser; threshold {THRESHOLD}, margin {MARGIN}; seed {args.seed}"
          + (f"; budget {args.budget:g} s per protect_table" if args.budget else ""))
    print(f"Places: 1 kommune, {BYDELER} bydeler, {len(geo.delomraader)} delområder, {args.zones} grunnkretser, "
          f"{AREAS} programme areas ({', '.join(str(len(m)) for m in geo.area_members)} grunnkretser); "
          f"{n_periods} periods per place")
    print(f"Machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, NumPy {np.__version__}, "
          f"{engine}; instrumented: {not args.no_instrument}; "
          f"max RSS after imports: {rss_start:.0f} MB")
    print(f"suppression.py as imported: sha256 {hashlib.sha256(source).hexdigest()[:12]}, {len(source.splitlines())} "
          f"lines; CANDIDATES_TRIED = {getattr(suppression, 'CANDIDATES_TRIED', '?')}; LP by "
          + ("highspy" if b"import highspy" in source else "scipy.optimize.linprog"))
    print()

    results: list[Result] = []
    audits: list[tuple[int, float, list, int]] = []
    build_seconds = []
    first_rows = None
    gk_cells = gk_cells_single = None
    value_id = 1
    header = (f"{'ind':>4} {'rate':>5} {'cells':>6} {'<5 gk':>6} {'prim':>5} {'compl':>5} {'sec':>5} "
              f"{'(pass1)':>7} {'hidden':>7} {'seconds':>8} {'pass1 s':>7} {'LPs':>6} {'ms/LP':>6} "
              f"{'LP cols':>7} {'RSS MB':>6}")
    for k in range(args.indicators):
        start = time.perf_counter()
        rng = np.random.default_rng([args.seed, k + 1])
        n_pp, d_pp, rate = counts(geo, args.years, rng)
        rows = value_rows(k + 1, geo, args.years, n_pp, d_pp, value_id)
        value_id += len(rows)
        table = suppression._table(k + 1, rows, structure)
        build_seconds.append(time.perf_counter() - start)
        if k == 0:
            first_rows = rows
            gk_cells = np.array([c for c, key in enumerate(table.keys) if key[0] == "grunnkrets"])
            gk_cells_single = np.array([c for c in gk_cells if "–" not in table.keys[c][2]])
            bad = check_sums(table)
            primary = suppression.primary_reasons(table, THRESHOLD)
            sizes = defaultdict(int)
            for r in table.relations:
                sizes[len(r) - 1] += 1
            print(f"Indicator 1: {len(rows)} values, {len(table.n)} cells, {len(table.relations)} relations "
                  f"({sum(len(r) for r in table.relations)} entries; largest {max(sizes)} parts) from "
                  f"suppression._structure ({structure_seconds:.2f} s, {len(structure.composites)} composites) "
                  f"and _table ({build_seconds[0]:.2f} s with generating); relations whose counts do not add up: {bad}")
            print(f"  its grunnkrets cells below the threshold (primary or complement): single years "
                  f"{(primary[gk_cells_single] != 'open').mean():.1%}, all periods "
                  f"{(primary[gk_cells] != 'open').mean():.1%}")
            print()
            print(header)
        result, reason = measure(table, k + 1, rate, gk_cells, trace=args.trace == "all", budget=args.budget)
        results.append(result)
        r = result
        print(f"{r.indicator:>4} {r.rate:>5.1%} {r.cells:>6} {r.gk_below:>6.1%} {r.primary:>5} {r.complement:>5} "
              f"{r.secondary:>5} {'' if r.secondary_pass1 is None else r.secondary_pass1:>7} "
              f"{r.hidden / r.cells:>7.1%} {r.seconds:>8.2f} "
              f"{'' if r.pass1_seconds is None else f'{r.pass1_seconds:.2f}':>7} {r.lp_calls:>6} "
              f"{(1000 * r.lp_seconds / r.lp_calls if r.lp_calls else 0):>6.2f} {r.lp_cols_mean:>7.0f} "
              f"{r.rss_mb:>6.0f}"
              + ("" if r.complete else f"  STOPPED at the budget: {r.protected_done} of {r.protected_total} "
                                       f"protected cells done; at that pace ~{fmt_s(r.estimated_seconds)}"),
              flush=True)
        if k < args.audit and reason is not None:
            reset_stats(f"audit {k + 1}")
            start = time.perf_counter()
            findings = suppression.audit_table(table, reason == suppression.OPEN, THRESHOLD, MARGIN)
            audits.append((k + 1, time.perf_counter() - start, findings, STATS.lp_calls))
            print(f"     audit_table: {audits[-1][1]:.2f} s, {STATS.lp_calls} LP solves, "
                  + ("no finding" if not findings else f"!!!!! {len(findings)} FINDINGS"), flush=True)
            if findings:
                print(f"!!!!! AUDIT OF INDICATOR {k + 1} FOUND {len(findings)} PROBLEM(S): THE PATTERN IS NOT SAFE",
                      flush=True)
                for i, low, high, problem in findings[:20]:
                    print(f"!!!!!   {table.keys[i][:3]} n={table.n[i]:g} d={table.d[i]:g}: {problem} "
                          f"[{low:g}, {high:g}], needed {suppression._needed(table, i, MARGIN)}")
        del table, reason, rows

    # tracemalloc peak of one indicator (the first, built and protected again under tracemalloc)
    traced_build = traced_peak = None
    traced_complete = True
    if args.trace == "first":
        tracemalloc.start()
        table = suppression._table(1, first_rows, structure)
        traced_build = tracemalloc.get_traced_memory()[0] / 2**20
        tracemalloc.stop()
        again, _ = measure(table, 1, results[0].rate, gk_cells, trace=True, budget=args.budget)
        traced_peak, traced_complete = again.traced_peak_mb, again.complete
        print(f"Indicator 1 again under tracemalloc: {again.seconds:.2f} s"
              + ("" if again.complete else f" (stopped at the budget, {again.protected_done} protected cells)"),
              flush=True)
        if again.complete and (again.hidden, again.secondary) != (results[0].hidden, results[0].secondary):
            print(f"!!!!! protected again, indicator 1 hid {again.hidden} cells; before {results[0].hidden}")
        del table
    elif args.trace == "all":
        traced_peak = max(r.traced_peak_mb for r in results)
        traced_complete = all(r.complete for r in results)

    prof_text = None
    if args.profile:
        table = suppression._table(1, first_rows, structure)
        prof_text, prof_complete = profile(table, args.profile_budget or args.budget)
        del table

    # ------------------------------------------------------------------ report
    complete = [r for r in results if r.complete]
    per = [r.estimated_seconds for r in results]
    mean = statistics.fmean(per)
    total = sum(r.seconds for r in results)
    cells = sum(r.cells for r in results)
    hidden = sum(r.hidden for r in results)
    prim = sum(r.primary for r in results)
    comp = sum(r.complement for r in results)
    sec = sum(r.secondary for r in results)
    sec1 = sum(r.secondary_pass1 or 0 for r in results)
    lp_calls = sum(r.lp_calls for r in results)
    lp_seconds = sum(r.lp_seconds for r in results)
    pass1 = sum(r.pass1_seconds or 0 for r in results)
    interval_s = sum(r.interval_seconds for r in results)
    component_s = sum(r.component_seconds for r in results)
    interval_calls = sum(r.interval_calls for r in results)
    protected_done = sum(r.protected_done for r in results)
    rss_end = max_rss_mb()
    partial = len(complete) < len(results)
    print()
    print(f"protect_table over {len(results)} indicators: {fmt_s(total)} measured"
          + (f" ({len(results) - len(complete)} stopped at the budget)" if partial else "")
          + f"; per indicator{' (estimated where stopped)' if partial else ''}: median "
          f"{fmt_s(statistics.median(per))}, mean {fmt_s(mean)}, min {fmt_s(min(per))}, max {fmt_s(max(per))} "
          f"(building a table: {statistics.fmean(build_seconds):.2f} s, not included)")
    if len(results) < args.full_indicators or partial:
        print(f"  extrapolated to {args.full_indicators} indicators: ~{fmt_s(mean * args.full_indicators)}")
    print(f"Grunnkrets cells below the threshold: mean {statistics.fmean(r.gk_below for r in results):.1%}, "
          f"median {statistics.median(r.gk_below for r in results):.1%}, "
          f"{min(r.gk_below for r in results):.1%}–{max(r.gk_below for r in results):.1%}")
    print(f"Cells: {cells} ({cells // len(results)} per indicator); hidden {hidden} ({hidden / cells:.1%}): "
          f"primary {prim}, complement {comp}, secondary {sec} (of which {sec1} by the first pass, "
          f"{sec - sec1} by the LP loop){' — as far as it got' if partial else ''}")
    if not args.no_instrument:
        print(f"Time: primary + first pass {pass1:.2f} s ({pass1 / total:.1%}); _Solver.interval {interval_s:.2f} s "
              f"({interval_s / total:.1%}), of it solving LPs (HiGHS) {lp_seconds:.2f} s ({lp_seconds / total:.1%}) and "
              f"component() {component_s:.2f} s; {lp_calls} LP solves ({lp_calls / len(results):.0f} per "
              f"indicator{', as far as it got' if partial else ''}), {1000 * lp_seconds / max(lp_calls, 1):.1f} ms "
              f"each; {interval_calls} interval() calls for {protected_done} protected cells "
              f"({interval_calls / max(protected_done, 1):.1f} each: 1 + the candidates tried); LP size mean "
              f"{statistics.fmean(r.lp_rows_mean for r in results):.0f} rows × "
              f"{statistics.fmean(r.lp_cols_mean for r in results):.0f} columns, "
              f"at most {max(r.lp_cols_max for r in results)} columns; the rest of protect_table (choosing "
              f"candidates, propagating) {total - pass1 - interval_s:.2f} s ({(total - pass1 - interval_s) / total:.1%})")
    traced_text = "not measured" if traced_peak is None else (
        f"{traced_peak:.1f} MB for one indicator" + ("" if traced_complete else " (as far as it got)")
        + (f"; the table itself {traced_build:.1f} MB" if traced_build is not None else ""))
    print(f"Memory: max RSS {rss_end:.0f} MB (after imports {rss_start:.0f} MB); tracemalloc peak of "
          f"protect_table: {traced_text}")
    any_findings = any(findings for _, _, findings, _ in audits)
    for k, seconds, findings, calls in audits:
        print(f"audit_table, indicator {k}: {seconds:.2f} s, {calls} LP solves, "
              f"{'no finding' if not findings else f'!!!!! {len(findings)} FINDINGS !!!!!'}")
    if args.audit and not audits:
        print("audit_table: not run (no indicator was protected to the end)")
    if prof_text:
        print()
        print("cProfile of protect_table, indicator 1 (top 15 by cumulative time)"
              + ("" if prof_complete else ", stopped at the budget") + ":")
        print(prof_text)

    # ------------------------------------------------------------------ the paragraph
    audit_text = ""
    if audits:
        audit_text = (f" `audit_table` on the first {len(audits)} took "
                      f"{statistics.fmean(s for _, s, _, _ in audits):.1f} s per indicator and "
                      + ("found nothing." if not any_findings else "**found protected cells bounded too tightly**."))
    if partial:
        timing = (f"`protect_table` was stopped after {args.budget:g} s per indicator, having audited "
                  f"{protected_done / len(results):.0f} of {sum(r.protected_total for r in results) / len(results):.0f} "
                  f"protected cells; at that pace one indicator takes ~{fmt_s(mean)} and "
                  f"{args.full_indicators} ~{fmt_s(mean * args.full_indicators)}")
    else:
        timing = (f"`protect_table` took {fmt_s(mean)} per indicator (median {fmt_s(statistics.median(per))}, "
                  f"max {fmt_s(max(per))}), {fmt_s(total)} for {len(results)}"
                  + (f" (so ~{fmt_s(mean * args.full_indicators)} for {args.full_indicators})"
                     if len(results) < args.full_indicators else ""))
    building = interval_s - lp_seconds - component_s
    lp_text = (f" Of the time, {pass1 / total:.0%} is the primary rule and the first pass, "
               f"{lp_seconds / total:.0%} solving LPs with HiGHS ({1000 * lp_seconds / max(lp_calls, 1):.2f} ms a "
               f"solve, {lp_calls / max(protected_done, 1):.1f} solves per protected cell, LPs of about "
               f"{statistics.fmean(r.lp_cols_mean for r in results):.0f} hidden cells), {building / total:.0%} "
               f"setting up each LP in Python, {component_s / total:.0%} finding the hidden cells' "
               f"blocks (`component`) and {(total - pass1 - interval_s) / total:.0%} choosing candidates."
               if not args.no_instrument and lp_calls else "")
    print()
    print("Markdown for docs/PERFORMANCE.md:")
    print()
    print(f"**Suppression (prikking), {dt.date.today():%d.%m.%Y}**, `{command}` on {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}, {engine}: synthetic Bergen-shaped "
          f"tables in memory (1 kommune, {BYDELER} bydeler, {len(geo.delomraader)} delområder, {args.zones} "
          f"grunnkretser, {AREAS} programme areas; {args.years} years and {len(windows)} three-year periods; "
          f"{cells // len(results):,} cells and {results[0].relations:,} relations per indicator, counts adding "
          f"up exactly; {statistics.fmean(r.gk_below for r in results):.0%} of the grunnkrets cells below the "
          f"threshold on average, {min(r.gk_below for r in results):.0%}–{max(r.gk_below for r in results):.0%} "
          f"per indicator), threshold {THRESHOLD}, margin {MARGIN}. {timing}; it hid {hidden / cells:.1%} of the "
          f"cells ({prim / cells:.1%} primary, {comp / cells:.1%} complement, {sec / cells:.1%} secondary"
          f"{', as far as it got' if partial else ''}).{lp_text} Peak memory: "
          + (f"{traced_peak:.0f} MB traced by tracemalloc for one indicator, " if traced_peak is not None else "")
          + f"{rss_end:.0f} MB max RSS for the process.{audit_text}")
    if any_findings:
        sys.exit(1)


if __name__ == "__main__":
    main()
