"""Small-number suppression (prikking), decided when data changes, over the whole store at once.

What the store publishes about one indicator is a linked table: every value with counts is a cell,
and the store knows linear relations between cells —

- a zone's count is the sum of the counts of the zones below it, level by level and across levels
  (kommune → bydel → delområde → grunnkrets, bydel → levekårssone; per boundary version); Bergen's
  own value (scope ``city``) is the kommune zone's;
- a zone made of finer zones that are not its children (``ZonePart``: a levekårssone of grunnkretser)
  is their sum;
- a programme area's count is the sum of its zones' counts (per level);
- a multi-year period's count ("2019–2021") is the sum of its single years';
- two values for the same place and period are the same figure.

A relation is used where every cell in it has counts. Real counts add up exactly; where the store's
counts do not (examples generated independently), the difference is taken as known, which is
stricter than any real reader could be. So the audit never finds an infeasible table, and the
protection never relies on figures that happen not to add up.

The rule (``protect``):

1. **Primary**: a count below the threshold (numerator or denominator), a complement below it
   (denominator − numerator: "48 of 50" says who is not counted), or a value suppressed at its
   source.
2. **Secondary**, as statistics offices do for hierarchical tables: first no relation may have
   exactly one hidden cell (the cheapest other cell is hidden: preferably one of at least the
   margin, then the smallest count, ties broken on a stable key — scope, code, period — never on
   row order); then every primary cell is audited by linear programming (below) and, while the
   interval anyone can work out is narrower than the margin on either side, the cheapest candidate
   that widens it is hidden as well.
3. The pattern is stored per value (``IndicatorValue.protection``) with the rule it used
   (``ProtectionRun``); every reader hides what is not ``open``.

The audit (``audit``, ``python -m omradesatsing check-suppression``): for every protected cell,
minimise and maximise its count subject to everything published — every shown cell fixed, every
relation, counts ≥ 0 and at most the denominator (taken as known, which is stricter) — with HiGHS
(``highspy``). The interval must reach ``max(0, x − margin)`` and
``min(denominator, x + margin)``.
"""

from __future__ import annotations

import functools
import logging
import re
import time
from collections import defaultdict, deque
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from omradesatsing.config import Settings
from omradesatsing.models import Area, AreaZone, Indicator, IndicatorValue, ProtectionRun, Zone, ZonePart

log = logging.getLogger(__name__)

OPEN = "open"
PRIMARY = "primary"
COMPLEMENT = "complement"
SECONDARY = "secondary"
SOURCE = "source"
REASONS = (OPEN, PRIMARY, COMPLEMENT, SECONDARY, SOURCE)
# How many candidates are tried (by LP) when a primary cell is still too narrowly bounded.
CANDIDATES_TRIED = 2
UPDATE_CHUNK = 5000  # ids per UPDATE … WHERE id IN (…) when the pattern is stored
EPS = 1e-6

_SPAN = re.compile(r"^\s*(\d{4})\s*[–—_/-]\s*(\d{4})\s*$")


@functools.lru_cache(maxsize=4096)
def period_years(period: str) -> tuple[int, int] | None:
    """(first, last) year of a period written "2019", "2019–2021", "2019-2021" or "2019_2021"; None for
    anything else ("rapport 2019, dataår ikke oppgitt")."""
    text = str(period or "").strip()
    if re.fullmatch(r"\d{4}", text):
        return int(text), int(text)
    m = _SPAN.match(text)
    if m and int(m.group(1)) <= int(m.group(2)):
        return int(m.group(1)), int(m.group(2))
    return None


@dataclass
class Table:
    """One indicator's cells (values with the same place and period merged) and their relations."""

    indicator_id: int
    keys: list[tuple] = field(default_factory=list)  # stable key: scope, code, period
    n: np.ndarray | None = None  # numerator (nan: unknown)
    d: np.ndarray | None = None  # denominator (nan: unknown)
    source: np.ndarray | None = None  # suppressed at the source
    relations: list[np.ndarray] = field(default_factory=list)  # cell indices; first = sum of the rest
    row_ids: np.ndarray | None = None  # the value rows, ordered by id …
    row_cell: np.ndarray | None = None  # … the cell each is in …
    row_stored: np.ndarray | None = None  # … and its stored protection (None: not decided)

    @property
    def counted(self) -> np.ndarray:
        return ~np.isnan(self.n)

    def cell_ids(self) -> list[list[int]]:
        """The value ids of each cell."""
        order = np.argsort(self.row_cell, kind="stable")
        bounds = np.flatnonzero(np.diff(self.row_cell[order])) + 1
        return [part.tolist() for part in np.split(self.row_ids[order], bounds)]


@dataclass(frozen=True)
class Finding:
    """A protected cell that is bounded too tightly, or a small count that is shown."""

    indicator: str
    cell: tuple
    true_count: float
    low: float
    high: float
    needed_low: float
    needed_high: float
    problem: str  # "shown" or "narrow"

    def text(self) -> str:
        scope, code, period = self.cell
        where = f"{self.indicator}, {scope} {code}, {period}"
        if self.problem == "shown":
            return f"{where}: tallet {self.true_count:g} er under grensen, men vises."
        return (f"{where}: det skjulte tallet kan regnes ut til mellom {self.low:g} og {self.high:g}; "
                f"det må være minst {self.needed_low:g}–{self.needed_high:g}.")


# ---------------------------------------------------------------------------------------------
# The store as linked tables


@dataclass
class _Structure:
    """What is the same for every indicator: which places are sums of which."""

    composites: list[tuple[tuple, list[tuple]]]  # (place, members), one per level and version
    place_keys: dict[tuple, tuple[str, str]]  # place → (scope, code) for stable keys
    city_place: tuple
    implied: dict[int, list[tuple]] = field(default_factory=dict)  # composite → places whose sums imply it


def _structure(session: Session) -> _Structure:
    zones = session.execute(select(Zone.id, Zone.level, Zone.code, Zone.parent_id, Zone.boundary_version_id)).all()
    children: dict[int, list] = defaultdict(list)
    for z in zones:
        if z.parent_id is not None:
            children[z.parent_id].append(z)
    place_keys: dict[tuple, tuple[str, str]] = {("zone", z.id): (z.level, z.code) for z in zones}
    zone_by_id = {z.id: z for z in zones}
    # Bergen: the kommune zone with the most below it (the neighbours have none).
    kommuner = [z for z in zones if z.level == "kommune"]
    below: dict[int, list] = {}

    def descendants(zone_id: int) -> list:
        if zone_id not in below:
            out = []
            for child in sorted(children.get(zone_id, []), key=lambda c: (c.level, c.code)):
                out.append(child)
                out.extend(descendants(child.id))
            below[zone_id] = out
        return below[zone_id]

    composites: list[tuple[tuple, list[tuple]]] = []
    implied: dict[int, list[tuple]] = {}  # composite → the places whose own sums imply it
    for z in sorted(zones, key=lambda z: (z.level, z.code)):
        groups: dict[tuple, list] = defaultdict(list)
        for member in descendants(z.id):
            groups[(member.level, member.boundary_version_id)].append(member)
        for _, members in sorted(groups.items()):
            # Bergen = Σ grunnkretser follows from Bergen = Σ bydeler, each bydel = Σ delområder, … wherever
            # those have counts; used on its own only where a level between has none (fewer links, same
            # information).
            between = {m.parent_id for m in members}
            via = sorted({(zone_by_id[p].level, zone_by_id[p].boundary_version_id) for p in between})
            if z.id not in between and len(via) == 1 and between == {m.id for m in groups[via[0]]}:
                implied[len(composites)] = [("zone", p) for p in sorted(between)]
            composites.append((("zone", z.id), [("zone", m.id) for m in members]))
    parts: dict[int, dict[tuple, list[tuple]]] = defaultdict(lambda: defaultdict(list))
    for zone_id, part_id in session.execute(select(ZonePart.zone_id, ZonePart.part_id)).all():
        part = zone_by_id[part_id]
        parts[zone_id][(part.level, part.boundary_version_id)].append(("zone", part_id))
    for zone_id, groups in sorted(parts.items()):
        for _, members in sorted(groups.items()):
            composites.append((("zone", zone_id), sorted(members, key=lambda p: place_keys[p])))
    bergen = max(kommuner, key=lambda z: len(descendants(z.id)), default=None)
    city_place = ("zone", bergen.id) if bergen is not None and descendants(bergen.id) else ("city", 0)
    place_keys.setdefault(city_place, ("city", "Bergen"))
    area_groups: dict[tuple, list[tuple]] = defaultdict(list)
    for area_id, zone_id in session.execute(select(AreaZone.area_id, AreaZone.zone_id)).all():
        z = zone_by_id[zone_id]
        area_groups[(area_id, z.level, z.boundary_version_id)].append(("zone", zone_id))
    for (area_id, _, _), members in sorted(area_groups.items()):
        composites.append((("area", area_id), sorted(members, key=lambda p: place_keys[p])))
    for area_id, slug in session.execute(select(Area.id, Area.slug)).all():
        place_keys[("area", area_id)] = ("area", slug)
    place_keys[("country", 0)] = ("country", "Norge")
    return _Structure(composites, place_keys, city_place, implied)


VALUE_COLUMNS = ("id", "indicator_id", "scope", "zone_id", "area_id", "period", "numerator", "denominator",
                 "suppressed", "protection")


def _tables(session: Session, indicator_ids: list[int] | None, values: pd.DataFrame | None = None) -> Iterator[Table]:
    """One table per indicator, read and built one indicator at a time (a store's worth of values is
    never in memory at once). ``values``: every value row of ``indicator_ids`` as the transaction has
    them (``VALUE_COLUMNS``), when the caller holds them (an import): nothing is read again."""
    structure = _structure(session)
    if values is not None:
        for indicator_id, frame in values.groupby("indicator_id", sort=True):
            yield _table(int(indicator_id), frame.sort_values("id", kind="stable").reset_index(drop=True), structure)
        return
    values = IndicatorValue.__table__
    if indicator_ids is None:
        indicator_ids = list(session.scalars(select(values.c.indicator_id).distinct()))
    # (no ORDER BY: SQLite would walk the whole table in id order for every indicator, not its index)
    stmt = select(*(values.c[c] for c in VALUE_COLUMNS))
    conn = session.connection()
    for indicator_id in sorted(set(indicator_ids)):
        rows = conn.execute(stmt.where(values.c.indicator_id == indicator_id)).fetchall()
        if rows:
            yield _table(indicator_id, _frame(rows).sort_values("id", kind="stable").reset_index(drop=True), structure)


def _frame(rows: list) -> pd.DataFrame:
    """Value rows (``VALUE_COLUMNS`` tuples) as a frame, a column at a time (``from_records`` asks
    every SQLAlchemy row for attributes it does not have)."""
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(VALUE_COLUMNS)
    return pd.DataFrame({name: pd.Series(col, dtype=object) for name, col in zip(VALUE_COLUMNS, columns, strict=True)})


def _table(indicator_id: int, rows, structure: _Structure) -> Table:
    """The linked table of one indicator's value rows (``VALUE_COLUMNS``, ordered by id). Values for
    the same place and period are one cell when they say the same (or the later one has no counts);
    other counts for the same figure make a second cell and a relation «the same figure»."""
    frame = rows if isinstance(rows, pd.DataFrame) else _frame(list(rows))
    m = len(frame)
    row_ids = frame["id"].to_numpy(dtype=np.int64)
    scope = frame["scope"].to_numpy(dtype=object)
    zone = frame["zone_id"].to_numpy(dtype=float, na_value=np.nan)
    area = frame["area_id"].to_numpy(dtype=float, na_value=np.nan)
    period = frame["period"].tolist()
    n_row = frame["numerator"].to_numpy(dtype=float, na_value=np.nan)  # nan: no count
    d_row = frame["denominator"].to_numpy(dtype=float, na_value=np.nan)
    suppressed = frame["suppressed"].fillna(False).to_numpy(dtype=bool)
    city_kind, city_id = structure.city_place
    kinds = np.select([scope == "zone", scope == "area", scope == "city"], ["zone", "area", city_kind], "country")
    ids_ = np.select([scope == "zone", scope == "area", scope == "city"], [zone, area, city_id], 0)
    places = list(zip(kinds.tolist(), np.nan_to_num(ids_, nan=-1).astype(np.int64).tolist(), strict=True))
    where = list(zip(places, period, strict=True))
    group_first: dict[tuple, int] = {}
    first_row = np.fromiter((group_first.setdefault(w, i) for i, w in enumerate(where)), dtype=np.int64, count=m)
    is_first = first_row == np.arange(m)
    with np.errstate(invalid="ignore"):
        same = (n_row == n_row[first_row]) & (d_row == d_row[first_row])
    merged = ~is_first & (same | np.isnan(n_row))
    new_cell = ~merged
    row_cell = np.cumsum(new_cell) - 1
    row_cell[merged] = row_cell[first_row[merged]]
    cell_rows = np.flatnonzero(new_cell)  # each cell's own row
    table = Table(indicator_id)
    table.row_ids, table.row_cell = row_ids, row_cell
    table.row_stored = frame["protection"].astype(object).where(frame["protection"].notna(), None).to_numpy(dtype=object)
    table.n, table.d = n_row[cell_rows], d_row[cell_rows]
    source = np.zeros(len(cell_rows), dtype=bool)
    np.logical_or.at(source, row_cell, suppressed)
    table.source = source
    key_of = {p: structure.place_keys.get(p, (s_, str(p[1])))
              for p, s_ in dict(zip(places, scope, strict=True)).items()}  # once per place
    table.keys = [(*key_of[places[i]], str(period[i]), int(row_ids[i])) for i in cell_rows.tolist()]
    counted = table.counted
    duplicates = [(int(row_cell[first_row[i]]), int(row_cell[i])) for i in np.flatnonzero(new_cell & ~is_first)]
    cell_of = {w: int(row_cell[i]) for w, i in group_first.items()}  # (place, period) → its first cell
    periods_of: dict[tuple, list[str]] = defaultdict(list)
    for place, period_ in cell_of:
        periods_of[place].append(period_)

    def cell(place, period_) -> int | None:
        i = cell_of.get((place, period_))
        return i if i is not None and counted[i] else None

    relations: list[list[int]] = [[a, b] for a, b in duplicates if counted[a] and counted[b]]
    for k, (place, members) in enumerate(structure.composites):
        via = structure.implied.get(k)
        for period_ in periods_of.get(place, ()):
            top = cell(place, period_)
            if top is None or (via is not None and all(cell(v, period_) is not None for v in via)):
                continue
            parts = [cell(m_, period_) for m_ in members]
            if all(p is not None for p in parts):
                relations.append([top, *parts])
    spans = {p: s_ for p in set(period) if (s_ := period_years(p)) is not None and s_[0] != s_[1]}
    for place, periods in periods_of.items():
        for period_ in periods:
            span = spans.get(period_)
            if span is None:
                continue
            top = cell(place, period_)
            parts = [cell(place, str(y)) for y in range(span[0], span[1] + 1)]
            if top is not None and all(p is not None for p in parts):
                relations.append([top, *parts])
    table.relations = [np.array(r, dtype=np.int64) for r in relations]
    return table


# ---------------------------------------------------------------------------------------------
# Primary, secondary, audit


def primary_reasons(table: Table, threshold: int) -> np.ndarray:
    """The primary reason per cell (``open`` where none)."""
    n, d = table.n, table.d
    with np.errstate(invalid="ignore"):
        small = (n < threshold) | (d < threshold)
        complement = (d - n) < threshold
    reason = np.full(len(n), OPEN, dtype=object)  # (a comparison with an unknown count is False)
    reason[complement] = COMPLEMENT
    reason[small] = PRIMARY
    reason[table.source] = SOURCE
    return reason


class _Solver:
    """Intervals of hidden cells given the published ones, by LP over the hidden cells' component."""

    def __init__(self, table: Table):
        self.table = table
        self.of_cell: defaultdict[int, list[int]] = defaultdict(list)  # cell → its relations
        for r, members in enumerate(table.relations):
            for i in members:
                self.of_cell[i].append(r)
        self.signs = [np.concatenate([[1.0], -np.ones(len(m) - 1)]) for m in table.relations]
        self._matrix = None  # relations × cells, signed (built on the first LP)
        self._highs = None  # one solver object, reused: a new one costs as much as a small solve

    def _block(self, rels: list[int], cells: list[int]):
        """The signed matrix of these relations over these cells (compressed by column)."""
        from scipy.sparse import csr_array

        if self._matrix is None:
            t = self.table
            rows = np.concatenate([np.full(len(m), r) for r, m in enumerate(t.relations)]) if t.relations else []
            cols = np.concatenate(t.relations) if t.relations else []
            vals = np.concatenate(self.signs) if t.relations else []
            self._matrix = csr_array((vals, (rows, cols)), shape=(len(t.relations), len(t.n)))
            self._matrix.sum_duplicates()
        return self._matrix[np.asarray(rels)][:, np.asarray(cells)].tocsc()

    def component(self, i: int, hidden: np.ndarray) -> tuple[list[int], list[int]]:
        """The hidden cells linked to ``i`` through relations, and those relations."""
        seen, rels, todo = {i}, set(), [i]
        while todo:
            c = todo.pop()
            for r in self.of_cell[c]:
                if r in rels:
                    continue
                rels.add(r)
                for j in self.table.relations[r]:
                    if hidden[j] and j not in seen:
                        seen.add(j)
                        todo.append(int(j))
        return sorted(seen), sorted(rels)

    def interval(self, i: int, hidden: np.ndarray, low: bool = True, high: bool = True) -> tuple[float, float]:
        """The smallest and largest count cell ``i`` can have given every shown cell and every relation
        (HiGHS, on the sparse system of ``i``'s block of hidden cells; one model, solved both ways).
        ``low=False`` or ``high=False`` skips a side (it is then 0 or the denominator: no claim)."""
        import highspy

        t = self.table
        upper = t.d[i] if not np.isnan(t.d[i]) else np.inf
        if not self.of_cell[i]:
            return 0.0, upper
        cells, rels = self.component(i, hidden)
        if len(cells) == 1:  # pinned: every relation it is in has no other hidden cell
            return float(t.n[i]), float(t.n[i])
        a = self._block(rels, cells)
        b = a @ t.n[cells]
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = len(cells), len(rels)
        lp.col_cost_ = np.zeros(len(cells))
        lp.col_cost_[cells.index(i)] = 1.0
        lp.col_lower_ = np.zeros(len(cells))
        lp.col_upper_ = np.where(np.isnan(t.d[cells]), highspy.kHighsInf, t.d[cells])
        lp.row_lower_ = lp.row_upper_ = b
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = a.indptr, a.indices, a.data
        if self._highs is None:
            self._highs = highspy.Highs()
            self._highs.setOptionValue("output_flag", False)
            self._highs.setOptionValue("presolve", "off")  # these LPs are small: presolve costs more than it saves
        h = self._highs
        h.passModel(lp)
        out = [0.0, upper]
        for k, sense, wanted in ((0, highspy.ObjSense.kMinimize, low), (1, highspy.ObjSense.kMaximize, high)):
            if not wanted:
                continue
            h.changeObjectiveSense(sense)
            h.run()
            status = h.getModelStatus()
            if status == highspy.HighsModelStatus.kUnbounded:
                out[k] = np.inf
            elif status != highspy.HighsModelStatus.kOptimal:
                log.warning("LP for cell %s ended with %s", t.keys[i], status)
                return float(t.n[i]), float(t.n[i])  # no proof: treat it as disclosed
            else:
                out[k] = h.getInfo().objective_function_value
        return max(out[0], 0.0), min(out[1], upper)


def _needed(table: Table, i: int, margin: int) -> tuple[float, float]:
    x = table.n[i]
    upper = table.d[i] if not np.isnan(table.d[i]) else np.inf
    return max(0.0, x - margin), min(upper, x + margin)


def _short(low: float, high: float, need: tuple[float, float]) -> float:
    return max(0.0, low - need[0]) + max(0.0, need[1] - high)


def protect_table(table: Table, threshold: int, margin: int) -> np.ndarray:
    """Decide the reason of every cell of ``table`` (and return it)."""
    reason = primary_reasons(table, threshold)
    hidden = reason != OPEN
    counted = table.counted
    ranks: list[np.ndarray] = []  # every cell's place in the order of the stable keys (made when first needed)

    def cost(j: int) -> tuple:
        if not ranks:
            order = sorted(range(len(reason)), key=lambda i: table.keys[i])
            rank = np.empty(len(reason), dtype=np.int64)
            rank[order] = np.arange(len(reason))
            ranks.append(rank)
        return (table.n[j] < margin, table.n[j], ranks[0][j])

    def hide(j: int) -> None:
        hidden[j] = True
        reason[j] = SECONDARY

    solver = _Solver(table)

    def propagate(cells) -> None:
        """No relation touched by ``cells`` with exactly one hidden cell, and so on for what gets hidden."""
        todo = deque(sorted({r for c in cells for r in solver.of_cell[c]}))
        queued = set(todo)
        while todo:
            r = todo.popleft()
            queued.discard(r)
            members = table.relations[r]
            h = hidden[members]
            if h.sum() != 1:
                continue
            candidates = [int(j) for j in members[~h] if counted[j]]
            if candidates:
                j = min(candidates, key=cost)
                hide(j)
                for again in solver.of_cell[j]:
                    if again not in queued:
                        todo.append(again)
                        queued.add(again)

    # 1. No relation with exactly one hidden cell.
    propagate(np.flatnonzero(hidden))
    # 2. Every protected cell wide enough, by LP; otherwise hide more, cheapest first.
    protected = sorted((int(i) for i in np.flatnonzero(hidden & counted & (reason != SECONDARY))),
                       key=lambda i: table.keys[i])
    for i in protected:
        need = _needed(table, i, margin)
        low, high = solver.interval(i, hidden)
        while _short(low, high, need) > EPS:
            _, rels = solver.component(i, hidden)
            near = set(solver.of_cell[i])
            pool = sorted({int(j) for r in rels for j in table.relations[r] if not hidden[j] and counted[j]},
                          key=lambda j: (not near.intersection(solver.of_cell[j]), *cost(j)))
            if not pool:
                log.warning("Cell %s cannot be protected to the margin", table.keys[i])
                break
            # The first of the cheapest few that widens the interval on its own; if none does, the
            # cheapest, with what it takes to keep every relation at two hidden cells or more.
            for j in pool[:CANDIDATES_TRIED]:
                hidden[j] = True
                # hiding more only widens: a side that already reaches the margin stays there
                low_ok, high_ok = low <= need[0] + EPS, high >= need[1] - EPS
                lo, hi = solver.interval(i, hidden, low=not low_ok, high=not high_ok)
                lo, hi = (low if low_ok else lo), (high if high_ok else hi)
                if _short(lo, hi, need) < _short(low, high, need) - EPS:
                    reason[j] = SECONDARY
                    low, high = lo, hi
                    break
                hidden[j] = False
            else:
                hide(pool[0])
                propagate([pool[0]])
                low, high = solver.interval(i, hidden)
    return reason


def audit_table(table: Table, published: np.ndarray, threshold: int, margin: int) -> list[tuple[int, float, float, str]]:
    """Cells whose protection fails: (cell, low, high, problem). ``published``: the stored pattern."""
    primary = primary_reasons(table, threshold)
    hidden = ~published
    solver = _Solver(table)
    out = []
    for i in range(len(primary)):
        if primary[i] == OPEN or not table.counted[i]:
            if primary[i] != OPEN and published[i]:
                out.append((i, np.nan, np.nan, "shown"))
            continue
        if published[i]:
            out.append((i, table.n[i], table.n[i], "shown"))
            continue
        low, high = solver.interval(i, hidden)
        if _short(low, high, _needed(table, i, margin)) > EPS:
            out.append((i, low, high, "narrow"))
    return out


# ---------------------------------------------------------------------------------------------
# The store


def protect(session: Session, settings: Settings, indicator_ids: list[int] | None = None,
            values: pd.DataFrame | None = None) -> ProtectionRun:
    """Compute and store the pattern for these indicators (None: all), in the caller's transaction.
    Each indicator is one linked table: all its levels, areas and periods at once. ``values``: see
    ``_tables`` (every value row of these indicators, as this transaction has them)."""
    started = time.perf_counter()
    locked = select(Indicator.id).order_by(Indicator.id).with_for_update()
    if indicator_ids is not None:
        locked = locked.where(Indicator.id.in_(indicator_ids))
    session.execute(locked).all()  # one writer per indicator at a time (PostgreSQL; SQLite locks the file)
    tables = _tables(session, indicator_ids, values)
    threshold, margin = settings.suppression_threshold, settings.margin
    value_table = IndicatorValue.__table__
    cells = hidden = tables_done = 0
    for table in tables:
        reason = protect_table(table, threshold, margin)
        cells += len(reason)
        hidden += int((reason != OPEN).sum())
        row_reason = reason[table.row_cell]
        differs = row_reason != table.row_stored  # only what changed is written
        for r in sorted(set(row_reason[differs])):  # a few statements with many ids, not one per value
            ids = table.row_ids[differs & (row_reason == r)].tolist()
            for start in range(0, len(ids), UPDATE_CHUNK):
                session.execute(value_table.update().where(value_table.c.id.in_(ids[start:start + UPDATE_CHUNK]))
                                .values(protection=str(r)))
        tables_done += 1
    run = ProtectionRun(threshold=threshold, margin=margin, indicators=tables_done, cells=cells, hidden=hidden,
                        seconds=round(time.perf_counter() - started, 3))
    session.add(run)
    session.flush()
    return run


def ensure_current(session: Session, settings: Settings) -> ProtectionRun | None:
    """Protect the whole store when the stored pattern is missing, incomplete or was made under
    another rule (a changed threshold or margin); None when it is current."""
    last = session.scalars(select(ProtectionRun).order_by(ProtectionRun.id.desc()).limit(1)).first()
    undecided = session.scalar(select(func.count()).select_from(IndicatorValue)
                               .where(IndicatorValue.protection.is_(None))) or 0
    if last is not None and not undecided and (last.threshold, last.margin) == (settings.suppression_threshold,
                                                                                 settings.margin):
        return None
    return protect(session, settings)


def audit(session: Session, settings: Settings) -> list[Finding]:
    """Every protected cell that anyone could bound more tightly than the margin from what the store
    shows (and every small count that is shown), against the stored pattern."""
    keys = dict(session.execute(select(Indicator.id, Indicator.key)).all())
    findings = []
    for table in _tables(session, None):
        published = np.ones(len(table.n), dtype=bool)  # a cell is shown when every value in it is
        np.logical_and.at(published, table.row_cell, table.row_stored == OPEN)
        for i, low, high, problem in audit_table(table, published, settings.suppression_threshold, settings.margin):
            need = _needed(table, i, settings.margin) if table.counted[i] else (np.nan, np.nan)
            findings.append(Finding(keys[table.indicator_id], table.keys[i][:3], float(table.n[i]), float(low),
                                    float(high), float(need[0]), float(need[1]), problem))
    return findings
