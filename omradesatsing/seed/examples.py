"""The example data (``illustrative=True``, source ``eksempeldata``), generated deterministically (fixed random
seeds) and plausibly around the real figures of ``real``: indicator series, targets, statuses, status
histories, milestones, tertial reports, investment amounts and places, grants for the years without a
published figure, participation activities, the local offices' details. Imported real data replaces it."""

from __future__ import annotations

import datetime as dt
import random

from shapely.geometry import shape

from omradesatsing.models import (
    Area,
    AreaContact,
    Grant,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Investment,
    Measure,
    MeasureArea,
    MeasureIndicator,
    Milestone,
    ParticipationActivity,
    Pillar,
    ReportSnapshot,
    SnapshotItem,
    StatusUpdate,
    Subprogramme,
)
from omradesatsing.names import slugify
from omradesatsing.seed.context import SEED_DATE, YEARS, Ctx
from omradesatsing.seed.real import (
    BK_LICENCE,
    INDICATORS,
    INVESTMENTS,
    MEASURES,
    PILLARS,
    SUBPROGRAMMES,
    IndicatorSpec,
    _page_title,
    project_sources,
)

# How much worse than Bergen each delområde is, 0 (best) .. 1 (most deprived). Follows the
# published rankings (Loddefjord, Solheim, Slettebakken, Laksevåg, Ytre Arna most challenged).
DEPRIVATION = {
    "46011900": 1.0, "46010200": 0.95, "46010300": 0.75, "46012000": 0.7, "46011000": 0.65,
    "46010100": 0.5, "46011800": 0.45, "46010900": 0.4, "46011100": 0.35, "46010600": 0.3,
    "46010500": 0.3, "46010700": 0.3, "46011300": 0.25, "46011200": 0.25, "46010400": 0.2,
    "46010800": 0.15, "46011700": 0.1, "46011600": 0.1, "46011400": 0.05, "46011500": 0.05,
}


AREA_DEPRIVATION = {"loddefjord": 1.0, "olsvik": 0.85, "solheim": 0.95, "slettebakken": 0.75,
                    "ytre-arna": 0.65, "indre-laksevag": 0.7}


# Areas where the programme runs should improve a little faster after their start year.
PROGRAMME_EFFECT = 0.015


def _series(spec: IndicatorSpec, deprivation: float, rng: random.Random, start_year: int | None) -> list[float]:
    """An illustrative series over YEARS: city level + gap × deprivation, a slow trend, noise."""
    values = []
    level = spec.city + spec.gap * (deprivation - 0.3)
    for i, year in enumerate(YEARS):
        trend = -0.01 * i if spec.higher_is_better is False else 0.005 * i
        effect = 0.0
        if start_year and year >= start_year:
            direction = -1 if spec.higher_is_better is False else 1
            effect = direction * PROGRAMME_EFFECT * (year - start_year + 1)
        v = level * (1 + trend + effect) + rng.gauss(0, abs(spec.city) * 0.03)
        if spec.key == "median_income":
            v = level * (1 + 0.025 * i) + rng.gauss(0, 4_000)  # wage growth
        values.append(max(v, 0.1))
    return values


def _anchored(series: list[float], who: str, key: str, published: dict) -> list[float]:
    """Scale an illustrative series so that it passes through the published values it sits beside.

    Without this, an invented series could jump away from a real figure (e.g. Olsvik's drop-out of
    37.9 % in 2019). The ratio is the mean over the published years with a number.
    """
    ratios = [value / series[YEARS.index(year)] for (w, k, year), value in published.items()
              if w == who and k == key and value is not None and year in YEARS and series[YEARS.index(year)]]
    if not ratios:
        return series
    factor = sum(ratios) / len(ratios)
    return [v * factor for v in series]


def _value_row(spec: IndicatorSpec, value: float, population: int | None, rng: random.Random) -> dict:
    """Value with counts and a 95 % Wilson interval where the indicator is a share of people."""
    from omradesatsing.stats import wilson_interval

    value = round(value, spec.decimals) if spec.decimals else round(value)
    row = {"value": float(value)}
    if spec.unit == "percent" and spec.denominator_share and population:
        denominator = max(int(population * spec.denominator_share * rng.uniform(0.9, 1.1)), 1)
        numerator = round(denominator * value / 100)
        lo, hi = wilson_interval(numerator, denominator)
        row.update(numerator=numerator, denominator=denominator,
                   value=round(100 * numerator / denominator, spec.decimals),
                   ci_low=round(100 * lo, 2), ci_high=round(100 * hi, 2))
    return row


def indicator_series(ctx: Ctx, zones: dict, areas: dict[str, Area], indicators: dict[str, Indicator],
                     published_points: dict) -> None:
    """Example series per delområde, area and for Bergen (through the published values), grunnkretser,
    Norway and targets."""
    s = ctx.session
    ill = ctx.illustrative
    # Illustrative series per delområde, per area and for the city.
    bergen_pop = zones[("kommune", "4601")].population
    for spec in INDICATORS:
        ind = indicators[spec.key]
        rng = random.Random(f"city-{spec.key}")
        for year, v in zip(YEARS, _anchored(_series(spec, 0.3, rng, None), "city", spec.key, published_points), strict=True):
            if ("city", spec.key, year) in published_points:
                continue
            s.add(IndicatorValue(indicator_id=ind.id, scope="city", year=year, period=str(year),
                                 source_id=ill.id, illustrative=True, **_value_row(spec, v, bergen_pop, rng)))
        for (level, code), zone in zones.items():
            if level != "delomraade":
                continue
            rng = random.Random(f"zone-{code}-{spec.key}")
            for year, v in zip(YEARS, _series(spec, DEPRIVATION.get(code, 0.3), rng, None), strict=True):
                s.add(IndicatorValue(indicator_id=ind.id, scope="zone", zone_id=zone.id, year=year,
                                     period=str(year), source_id=ill.id, illustrative=True,
                                     **_value_row(spec, v, zone.population, rng)))
        for slug, area in areas.items():
            rng = random.Random(f"area-{slug}-{spec.key}")
            series = _anchored(_series(spec, AREA_DEPRIVATION[slug], rng, area.start_year), slug, spec.key,
                               published_points)
            for year, v in zip(YEARS, series, strict=True):
                if (slug, spec.key, year) in published_points:
                    continue
                s.add(IndicatorValue(indicator_id=ind.id, scope="area", area_id=area.id, year=year,
                                     period=str(year), source_id=ill.id, illustrative=True,
                                     **_value_row(spec, v, area.population, rng)))
    # Grunnkrets level in two programme delområder, where counts get small enough to be suppressed.
    # No grunnkrets population is in data/, so each gets an even share of its delområde (an example).
    for delo_code in ("46011900", "46010200"):
        delo = zones[("delomraade", delo_code)]
        kretser = [z for (lvl, _), z in zones.items() if lvl == "grunnkrets" and z.parent is delo]
        for spec in (s_ for s_ in INDICATORS if s_.key in ("young_disability", "child_welfare")):
            for zone in kretser:
                rng = random.Random(f"krets-{zone.code}-{spec.key}")
                share = delo.population // max(len(kretser), 1)
                pop = int(share * rng.uniform(0.4, 1.6))
                for year, v in list(zip(YEARS, _series(spec, DEPRIVATION[delo_code], rng, None), strict=True))[-3:]:
                    s.add(IndicatorValue(indicator_id=indicators[spec.key].id, scope="zone", zone_id=zone.id,
                                         year=year, period=str(year), source_id=ill.id, illustrative=True,
                                         **_value_row(spec, v * rng.uniform(0.6, 1.4), pop, rng)))

    # Norway, for the one indicator where the city figure is published "same as Norway": example only.
    ind = indicators["not_completed_upper_secondary"]
    rng = random.Random("country")
    for year, v in zip(YEARS, _series(INDICATORS[0], 0.28, rng, None), strict=True):
        s.add(IndicatorValue(indicator_id=ind.id, scope="country", year=year, period=str(year), value=round(v, 1),
                             source_id=ill.id, illustrative=True))

    # Targets (illustrative): the programme's drop-out goal for Loddefjord and Olsvik by 2026.
    for slug, target in (("loddefjord", 32.0), ("olsvik", 28.0)):
        s.add(IndicatorTarget(indicator_id=ind.id, area_id=areas[slug].id, target_value=target,
                              target_year=2026, illustrative=True, source_id=ill.id))
    s.flush()


STATUS_COMMENTS = {
    "on_track": "Går etter planen.",
    "at_risk": "Forsinkelse i innkjøp; ny plan legges fram neste tertial.",
    "off_track": "Mangler finansiering for neste fase.",
    "completed": "Ferdigstilt og overlevert.",
    "not_started": "Venter på oppstart.",
}


def programme(ctx: Ctx, areas: dict[str, Area], indicators: dict[str, Indicator]) -> list[Measure]:
    s = ctx.session
    ill = ctx.illustrative
    pres = ctx.sources["bk-presentasjon-delprogram2"]
    pres_all = ctx.sources["bk-presentasjon-omradesatsing"]
    pillars = {}
    for number, nb, nn, en in PILLARS:
        pillars[number] = Pillar(number=number, name_nb=nb, name_nn=nn, name_en=en, source_id=pres_all.id)
        s.add(pillars[number])
    s.flush()
    subs = {}
    for number, name, goal, pillar, illustrative, leader in SUBPROGRAMMES:
        subs[number] = Subprogramme(number=number, name=name, goal=goal, pillar_id=pillars[pillar].id,
                                    illustrative=illustrative, leader=leader,
                                    source_id=(ill if illustrative else pres).id)
        s.add(subs[number])
    s.flush()

    measures = []
    histories: dict[int, list[tuple]] = {}
    for sub, name, desc, area_slugs, unit, start, end, real, ind_keys, url in MEASURES:
        rng = random.Random(f"measure-{name}")
        if url:
            src = ctx.source(f"bk-side-{slugify(url)[-40:]}", title=_page_title(url),
                             publisher="Bergen kommune / lokalpresse", url=url, licence=BK_LICENCE)
        else:
            src = pres if sub == 2 else (pres_all if real else ill)
        start_d, end_d = dt.date(*start), dt.date(*end)
        history = _status_history(rng, start_d, end_d)
        status, progress, at = history[-1][1], history[-1][2], history[-1][0]
        m = Measure(subprogramme_id=subs[sub].id, name=name, description=desc, responsible_unit=unit,
                    start_date=start_d, end_date=end_d, status=status, progress=progress, updated_at=at,
                    illustrative=not real, status_illustrative=True, source_id=src.id if real else ill.id)
        for slug in area_slugs:
            m.areas.append(MeasureArea(area_id=areas[slug].id))
        s.add(m)
        s.flush()
        for key in ind_keys:
            s.add(MeasureIndicator(measure_id=m.id, indicator_id=indicators[key].id))
        previous = None
        for when, st, prog, comment in history:
            s.add(StatusUpdate(measure_id=m.id, previous_status=previous, status=st, progress=prog,
                               comment=comment, changed_by="Eksempeldata", changed_at=when, illustrative=True))
            previous = st
        for k in range(rng.randint(1, 3)):
            due = start_d + (end_d - start_d) * (k + 1) / 4
            done = due if due < SEED_DATE.date() and rng.random() < 0.8 else None
            s.add(Milestone(measure_id=m.id, name=f"Delmål {k + 1}: " + rng.choice(
                ["plan godkjent", "anskaffelse avsluttet", "oppstart med brukere", "midtveisevaluering",
                 "ferdigstilt første del"]), due_date=due, done_date=done, illustrative=True))
        measures.append(m)
        histories[m.id] = history
    s.flush()
    _seed_snapshots(ctx, measures, histories)
    return measures


# Illustrative tertial reports, frozen from the example status history as it stood then.
SNAPSHOTS = [("Tertialrapport 1 2026", dt.datetime(2026, 4, 30, 15, 0)),
             ("Tertialrapport 2 2026", dt.datetime(2026, 8, 31, 15, 0))]


def _seed_snapshots(ctx: Ctx, measures: list[Measure], histories: dict[int, list[tuple]]) -> None:
    s = ctx.session
    for name, taken_at in SNAPSHOTS:
        snap = ReportSnapshot(name=name, taken_at=taken_at, taken_by="Eksempeldata", illustrative=True,
                              note="Eksempeldata: statusene slik eksempelhistorikken sto på denne datoen.")
        s.add(snap)
        s.flush()
        for m in measures:
            if m.start_date and m.start_date > taken_at.date():
                continue  # not begun then: no line in that report
            known = [h for h in histories[m.id] if h[0] <= taken_at]
            status, progress, comment, at = ((known[-1][1], known[-1][2], known[-1][3], known[-1][0]) if known
                                             else ("not_started", 0, None, None))
            s.add(SnapshotItem(snapshot_id=snap.id, measure_id=m.id, status=status, progress=progress,
                               comment=comment, updated_at=at, illustrative=True))


def _status_history(rng: random.Random, start: dt.date, end: dt.date) -> list[tuple]:
    """A plausible, illustrative sequence of status updates up to SEED_DATE."""
    now = SEED_DATE
    if start > now.date():
        return [(now - dt.timedelta(days=60), "not_started", 0, STATUS_COMMENTS["not_started"])]
    history = []
    when = dt.datetime.combine(start, dt.time(9)) + dt.timedelta(days=14)
    status = "on_track"
    total = max((end - start).days, 1)
    while when < now:
        elapsed = (when.date() - start).days
        progress = min(100, int(100 * elapsed / total))
        if when.date() >= end:
            status, progress = ("completed", 100) if rng.random() < 0.85 else ("at_risk", 90)
            history.append((when, status, progress, STATUS_COMMENTS[status]))
            break
        roll = rng.random()
        if roll < 0.12:
            status = "at_risk"
        elif roll < 0.16:
            status = "off_track"
        elif roll < 0.75:
            status = "on_track"
        progress = min(progress, 95)
        history.append((when, status, progress, STATUS_COMMENTS[status]))
        when += dt.timedelta(days=rng.randint(110, 140))  # about once a tertial
    # the last change lately, so "what changed" shows something
    if history and history[-1][1] != "completed" and rng.random() < 0.6:
        last = history[-1]
        new = rng.choice([x for x in ("on_track", "at_risk", "off_track") if x != last[1]])
        when = now - dt.timedelta(days=rng.randint(2, 40))
        if when <= last[0]:  # the latest change comes after the one before it (the latest is by date)
            when = last[0] + (now - last[0]) / 2
        history.append((when, new, last[2], STATUS_COMMENTS[new]))
    return history


def _random_point_in(geometry: dict, rng: random.Random) -> tuple[float, float]:
    poly = shape(geometry)
    minx, miny, maxx, maxy = poly.bounds
    from shapely.geometry import Point

    for _ in range(500):
        p = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if poly.contains(p):
            return round(p.x, 5), round(p.y, 5)
    c = poly.representative_point()
    return round(c.x, 5), round(c.y, 5)


def investments(ctx: Ctx, areas: dict[str, Area]) -> None:
    """The projects of ``real.INVESTMENTS`` with example amounts, years, status and places."""
    s = ctx.session
    ill = ctx.illustrative
    sources = project_sources()
    for name, slug, category, funding, desc in INVESTMENTS:
        url = sources.get(name)
        rng = random.Random(f"investment-{name}")
        area = areas[slug]
        delo = next(az.zone for az in area.zones if az.zone.level == "delomraade")
        lon, lat = _random_point_in(delo.geometry, rng)
        start = max(area.start_year, rng.randint(2020, 2027)) if area.state != "ended" else rng.randint(2013, 2020)
        end = start + rng.randint(1, 4) if area.state != "ended" else min(start + rng.randint(0, 3), 2022)
        budget = rng.randint(8, 160) * 250_000  # whole kroner, multiples of 250 000
        status = "completed" if end < SEED_DATE.year else ("under_way" if start <= SEED_DATE.year else "planned")
        spent = budget if status == "completed" else (int(budget * rng.uniform(0.1, 0.8)) // 1000 * 1000
                                                       if status == "under_way" else 0)
        src = ill
        if url:
            src = ctx.source(f"bk-side-{slugify(url)[-40:]}", title=_page_title(url),
                             publisher="Bergen kommune / lokalpresse", url=url, licence=BK_LICENCE)
        s.add(Investment(name=name, description=desc, area_id=area.id, zone_id=delo.id, lon=lon, lat=lat,
                         category=category, funding_source=funding, budget_nok=budget, spent_nok=spent,
                         start_year=start, end_year=end, status=status, illustrative=True, source_id=src.id))

    s.flush()


def grants_and_participation(ctx: Ctx, areas: dict[str, Area]) -> None:
    """Example grants for the years without a published figure, and participation activities."""
    s = ctx.session
    ill = ctx.illustrative
    # Illustrative grants for the years no figure was found (2021–2025, Loddefjord and Olsvik).
    for year in range(2021, 2026):
        rng = random.Random(f"grant-{year}")
        s.add(Grant(year=year, amount_nok=rng.randint(40, 70) * 100_000,
                    scheme="Tilskudd til områdesatsing (intensjonsavtale 2019–2026)",
                    funder="Kommunal- og distriktsdepartementet", recipient="Loddefjord og Olsvik",
                    area_id=areas["loddefjord"].id, status="granted", illustrative=True, source_id=ill.id,
                    note="Eksempeltall: beløpet for året er ikke funnet i offentlige kilder."))

    kinds = [("public_meeting", "Folkemøte"), ("barnetrakk", "Barnetråkk"), ("survey", "Innbyggerundersøkelse"),
             ("neighbourhood_group", "Møte i nærmiljøgruppen"), ("workshop", "Verksted om planer")]
    for slug, area in areas.items():
        if area.state == "ended":
            continue
        rng = random.Random(f"participation-{slug}")
        for year in range(max(area.start_year, 2021), 2027):
            for kind, label in rng.sample(kinds, 3):
                date = dt.date(year, rng.randint(1, 10), rng.randint(1, 28))
                if date > SEED_DATE.date():
                    continue
                s.add(ParticipationActivity(area_id=area.id, kind=kind, title=f"{label} {area.name} {year}",
                                            date=date, participants=rng.randint(12, 180), illustrative=True,
                                            source_id=ill.id))
    s.flush()


def contacts(ctx: Ctx, areas: dict[str, Area]) -> None:
    """One contact per area with a local office (every area that has not ended: the programme has one area
    team per area, each with a local office and a coordinator; source: the programme's presentation). The
    role and the office are named as the programme names them, no person's name; the address, e-mail and
    opening hours are invented (``illustrative``): a street called «Eksempelveien» and an address under the
    reserved top-level domain ``.example``, so nobody writes to a real box. No phone number: Norway has no
    range kept for fiction, and an invented one could ring somebody."""
    src = ctx.sources["bk-presentasjon-omradesatsing"]
    for i, (slug, area) in enumerate(areas.items(), start=1):
        if area.state == "ended":
            continue
        place = area.name.split(" (")[0]  # «Solheim (nord og sør)» → «Solheim»
        ctx.session.add(AreaContact(
            area_id=area.id, role="Områdekoordinator", office=f"Nærmiljøkontoret i {place}",
            address=f"Eksempelveien {i}, Bergen", email=f"{slug}@omradesatsing.example", phone=None,
            opening_hours="Tirsdag og torsdag 10–15", source_id=src.id, illustrative=True))
    ctx.session.flush()
