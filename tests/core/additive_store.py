"""A small store whose counts add up, as real ones do: every parent is the sum of its children, a
levekårssone the sum of its grunnkretser, an area the sum of its zones, a three-year period the sum of
its years. Built directly with the models on an empty, migrated database (no seed), so the tests know
every true count and every relation themselves.

Bergen (city) → 2 bydeler → 2 delområder each → 3 grunnkretser each; each bydel also has 2
levekårssoner made of grunnkretser across its delområder (``ZonePart``). Area «tvers» is three
grunnkretser in two delområder; area «sone» repeats one levekårssone. Years 2019–2021 and the period
"2019–2021" for every place.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from omradesatsing import db
from omradesatsing.models import (
    Area,
    AreaZone,
    BoundaryVersion,
    Indicator,
    IndicatorValue,
    Source,
    Zone,
    ZonePart,
)

YEARS = (2019, 2020, 2021)
SPAN = "2019–2021"
PERIODS = (*map(str, YEARS), SPAN)
KEY = "adds_up"


@dataclass
class Truth:
    """What the test knows: every place's true counts per period, and the relations between places."""

    n: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)  # (scope, code) → period → count
    d: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)
    sums: list[tuple[tuple[str, str], list[tuple[str, str]]]] = field(default_factory=list)  # place = Σ parts


def build(url: str, *, seed: int = 1, store_delomraader: bool = True, ties: bool = False) -> Truth:
    """Create the store at ``url`` (an empty database) and return the truth behind it.

    ``store_delomraader=False`` leaves the delområder without stored values (the app sums them up from
    their grunnkretser); ``ties=True`` gives every grunnkrets in a delområde the same counts."""
    rng = random.Random(seed)
    engine = db.make_engine(url)
    db.upgrade(engine)
    truth = Truth()
    with db.session_scope(engine) as s:
        src = Source(key="adds-up", title="Testdata som summerer seg", illustrative=True)
        bv_k = BoundaryVersion(key="k", name="kommune", level="kommune")
        bv = BoundaryVersion(key="b", name="soner", level="bydel")
        bv_l = BoundaryVersion(key="l", name="levekårssoner", level="levekaarssone")
        s.add_all([src, bv_k, bv, bv_l])
        s.flush()
        kommune = Zone(level="kommune", code="4601", name="Bergen", boundary_version_id=bv_k.id)
        s.add(kommune)
        s.flush()
        zones: dict[str, Zone] = {}
        for b in range(2):
            bydel = Zone(level="bydel", code=f"B{b}", name=f"Bydel {b}", parent_id=kommune.id, boundary_version_id=bv.id)
            s.add(bydel)
            s.flush()
            zones[bydel.code] = bydel
            kids = []
            for dl in range(2):
                de = Zone(level="delomraade", code=f"D{b}{dl}", name=f"Delområde {b}{dl}", parent_id=bydel.id,
                          boundary_version_id=bv.id)
                s.add(de)
                s.flush()
                zones[de.code] = de
                for g in range(3):
                    gk = Zone(level="grunnkrets", code=f"K{b}{dl}{g}", name=f"Krets {b}{dl}{g}", parent_id=de.id,
                              boundary_version_id=bv.id)
                    s.add(gk)
                    kids.append(gk)
            s.flush()
            for gk in kids:
                zones[gk.code] = gk
            # two levekårssoner per bydel, across its delområder
            for li, members in enumerate((kids[0:2] + kids[3:4], kids[2:3] + kids[4:6])):
                lks = Zone(level="levekaarssone", code=f"L{b}{li}", name=f"Levekårssone {b}{li}", parent_id=bydel.id,
                           boundary_version_id=bv_l.id)
                s.add(lks)
                s.flush()
                zones[lks.code] = lks
                s.add_all(ZonePart(zone_id=lks.id, part_id=m.id) for m in members)
                truth.sums.append((("zone", lks.code), [("zone", m.code) for m in members]))
        ind = Indicator(key=KEY, name_nb="Summerer seg", name_nn="Summerer seg", name_en="Adds up", unit="percent",
                        decimals=1, higher_is_better=False, topic="test", source_id=src.id)
        s.add(ind)
        tvers = Area(slug="tvers", name="Tvers", start_year=2019, state="active", source_id=src.id)
        sone = Area(slug="sone", name="Sone", start_year=2019, state="active", source_id=src.id)
        s.add_all([tvers, sone])
        s.flush()
        for code in ("K000", "K001", "K010"):
            s.add(AreaZone(area_id=tvers.id, zone_id=zones[code].id))
        s.add(AreaZone(area_id=sone.id, zone_id=zones["L00"].id))
        truth.sums.append((("area", "tvers"), [("zone", c) for c in ("K000", "K001", "K010")]))
        truth.sums.append((("area", "sone"), [("zone", "L00")]))

        # counts: grunnkretser first, everything else is a sum
        gks = sorted(c for c, z in zones.items() if z.level == "grunnkrets")
        for year in map(str, YEARS):
            for code in gks:
                if ties:
                    dl = code[:3]
                    r = random.Random(f"{dl}-{year}-{seed}")  # the same counts for every krets in it
                    denom, num = r.randint(40, 200), r.randint(0, 12)
                else:
                    denom = rng.randint(20, 250)
                    num = rng.choice([rng.randint(0, 6), rng.randint(5, 40), denom - rng.randint(0, 6)])
                truth.n.setdefault(("zone", code), {})[year] = num
                truth.d.setdefault(("zone", code), {})[year] = denom

        def children(zone: Zone, level: str) -> list[str]:
            return sorted(c for c, z in zones.items() if z.level == level and _below(z, zone, zones))

        for code, z in zones.items():
            if z.level == "grunnkrets":
                continue
            if z.level == "levekaarssone":
                continue  # from its parts (in truth.sums already)
            for level in ("delomraade", "grunnkrets", "levekaarssone"):
                kids = children(z, level)
                if kids:
                    truth.sums.append((("zone", code), [("zone", k) for k in kids]))
        for level in ("bydel", "delomraade", "grunnkrets", "levekaarssone"):
            truth.sums.append((("city", "Bergen"), [("zone", c) for c, z in sorted(zones.items()) if z.level == level]))

        def total(place, year) -> tuple[int, int]:
            if place in truth.n and year in truth.n[place]:
                return truth.n[place][year], truth.d[place][year]
            parts = next(p for top, p in truth.sums if top == place)
            got = [total(p, year) for p in parts]
            return sum(g[0] for g in got), sum(g[1] for g in got)

        places = [("city", "Bergen"), *[("zone", c) for c in sorted(zones)], ("area", "tvers"), ("area", "sone")]
        for place in places:
            for year in map(str, YEARS):
                num, denom = total(place, year)
                truth.n.setdefault(place, {})[year] = num
                truth.d.setdefault(place, {})[year] = denom
            truth.n[place][SPAN] = sum(truth.n[place][str(y)] for y in YEARS)
            truth.d[place][SPAN] = sum(truth.d[place][str(y)] for y in YEARS)
        for place in places:
            scope, code = place
            if scope == "zone" and zones[code].level == "delomraade" and not store_delomraader:
                continue
            for period in PERIODS:
                num, denom = truth.n[place][period], truth.d[place][period]
                year = 2021 if period == SPAN else int(period)
                s.add(IndicatorValue(
                    indicator_id=ind.id, scope=scope, year=year, period=period,
                    zone_id=zones[code].id if scope == "zone" else None,
                    area_id=(tvers if code == "tvers" else sone).id if scope == "area" else None,
                    value=round(100 * num / denom, 1), numerator=num, denominator=denom, illustrative=True,
                    source_id=src.id))
    engine.dispose()
    return truth


def _below(z: Zone, top: Zone, zones: dict[str, Zone]) -> bool:
    by_id = {x.id: x for x in zones.values()}
    parent = by_id.get(z.parent_id)
    while parent is not None:
        if parent.id == top.id:
            return True
        parent = by_id.get(parent.parent_id)
    return False
