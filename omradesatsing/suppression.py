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

import logging
import re
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field

import numpy as np
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
    ids: list[list[int]] = field(default_factory=list)  # value ids of each cell
    keys: list[tuple] = field(default_factory=list)  # stable key: scope, code, period
    n: np.ndarray | None = None  # numerator (nan: unknown)
    d: np.ndarray | None = None  # denominator (nan: unknown)
    source: np.ndarray | None = None  # suppressed at the source
    relations: list[np.ndarray] = field(default_factory=list)  # cell indices; first = sum of the rest
    stored: dict[int, str | None] = field(default_factory=dict)  # value id → its stored protection

    @property
    def counted(self) -> np.ndarray:
        return ~np.isnan(self.n)


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


def _tables(session: Session, indicator_ids: list[int] | None) -> list[Table]:
    structure = _structure(session)
    stmt = select(IndicatorValue.id, IndicatorValue.indicator_id, IndicatorValue.scope, IndicatorValue.zone_id,
                  IndicatorValue.area_id, IndicatorValue.period, IndicatorValue.numerator,
                  IndicatorValue.denominator, IndicatorValue.suppressed,
                  IndicatorValue.protection).order_by(IndicatorValue.id)
    if indicator_ids is not None:
        stmt = stmt.where(IndicatorValue.indicator_id.in_(indicator_ids))
    rows_by_indicator: dict[int, list] = defaultdict(list)
    for row in session.execute(stmt).all():
        rows_by_indicator[row.indicator_id].append(row)
    return [_table(indicator_id, rows, structure) for indicator_id, rows in sorted(rows_by_indicator.items())]


def _place(row, structure: _Structure) -> tuple:
    if row.scope == "zone":
        return "zone", row.zone_id
    if row.scope == "area":
        return "area", row.area_id
    if row.scope == "city":
        return structure.city_place
    return "country", 0


def _table(indicator_id: int, rows: list, structure: _Structure) -> Table:
    table = Table(indicator_id)
    cell_of: dict[tuple, int] = {}  # (place, period) → cell
    duplicates: list[tuple[int, int]] = []
    n, d, source = [], [], []
    for row in rows:
        table.stored[row.id] = row.protection
        place = _place(row, structure)
        where = (place, row.period)
        if where in cell_of:
            first = cell_of[where]
            same = (n[first] == (row.numerator if row.numerator is not None else np.nan)
                    and d[first] == (row.denominator if row.denominator is not None else np.nan))
            if same or row.numerator is None:
                table.ids[first].append(row.id)
                source[first] = source[first] or bool(row.suppressed)
                continue
            duplicates.append((first, len(n)))  # the same figure stored twice with other counts
        index = len(n)
        if where not in cell_of:
            cell_of[where] = index
        table.ids.append([row.id])
        scope, code = structure.place_keys.get(place, (row.scope, str(place[1])))
        table.keys.append((scope, code, str(row.period), row.id))
        n.append(float(row.numerator) if row.numerator is not None else np.nan)
        d.append(float(row.denominator) if row.denominator is not None else np.nan)
        source.append(bool(row.suppressed))
    table.n, table.d, table.source = np.array(n, dtype=float), np.array(d, dtype=float), np.array(source, bool)
    counted = table.counted
    periods_of: dict[tuple, list[str]] = defaultdict(list)
    for place, period in cell_of:
        periods_of[place].append(period)

    def cell(place, period) -> int | None:
        i = cell_of.get((place, period))
        return i if i is not None and counted[i] else None

    relations: list[list[int]] = [[a, b] for a, b in duplicates if counted[a] and counted[b]]
    for k, (place, members) in enumerate(structure.composites):
        via = structure.implied.get(k)
        for period in periods_of.get(place, ()):
            top = cell(place, period)
            if top is None or (via is not None and all(cell(v, period) is not None for v in via)):
                continue
            parts = [cell(m, period) for m in members]
            if all(p is not None for p in parts):
                relations.append([top, *parts])
    for place, periods in periods_of.items():
        for period in periods:
            span = period_years(period)
            if span is None or span[0] == span[1]:
                continue
            top = cell(place, period)
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
        self.of_cell: list[list[int]] = [[] for _ in range(len(table.n))]
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
    order = sorted(range(len(reason)), key=lambda i: table.keys[i])
    rank = np.empty(len(reason), dtype=np.int64)
    rank[order] = np.arange(len(reason))

    def cost(j: int) -> tuple:
        return (table.n[j] < margin, table.n[j], rank[j])

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
    protected = [i for i in order if hidden[i] and counted[i] and reason[i] != SECONDARY]
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


def protect(session: Session, settings: Settings, indicator_ids: list[int] | None = None) -> ProtectionRun:
    """Compute and store the pattern for these indicators (None: all), in the caller's transaction.
    Each indicator is one linked table: all its levels, areas and periods at once."""
    started = time.perf_counter()
    locked = select(Indicator.id).order_by(Indicator.id).with_for_update()
    if indicator_ids is not None:
        locked = locked.where(Indicator.id.in_(indicator_ids))
    session.execute(locked).all()  # one writer per indicator at a time (PostgreSQL; SQLite locks the file)
    tables = _tables(session, indicator_ids)
    threshold, margin = settings.suppression_threshold, settings.margin
    changed: dict[str, list[int]] = {}  # protection → the ids whose stored protection differs
    cells = hidden = 0
    for table in tables:
        reason = protect_table(table, threshold, margin)
        cells += len(reason)
        hidden += int((reason != OPEN).sum())
        for ids, r in zip(table.ids, reason, strict=True):
            for vid in ids:
                if table.stored.get(vid) != r:  # only what changed
                    changed.setdefault(str(r), []).append(vid)
    values = IndicatorValue.__table__
    for r, ids in changed.items():  # a few statements with many ids, not one per value
        for start in range(0, len(ids), UPDATE_CHUNK):
            session.execute(values.update().where(values.c.id.in_(ids[start:start + UPDATE_CHUNK]))
                            .values(protection=r))
    run = ProtectionRun(threshold=threshold, margin=margin, indicators=len(tables), cells=cells, hidden=hidden,
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
    stored = dict(session.execute(select(IndicatorValue.id, IndicatorValue.protection)).all())
    findings = []
    for table in _tables(session, None):
        published = np.array([all(stored.get(v) == OPEN for v in ids) for ids in table.ids], dtype=bool)
        for i, low, high, problem in audit_table(table, published, settings.suppression_threshold, settings.margin):
            need = _needed(table, i, settings.margin) if table.counted[i] else (np.nan, np.nan)
            findings.append(Finding(keys[table.indicator_id], table.keys[i][:3], float(table.n[i]), float(low),
                                    float(high), float(need[0]), float(need[1]), problem))
    return findings
