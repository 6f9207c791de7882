"""The embedded default store: real data from ``data/`` plus clearly marked example data.

Real: bydel, delområde and kommune polygons, grunnkrets codes, levekårssone names, the areas
and their periods, published indicator values, state grants, named measures and projects,
Delprogram 2 from the programme's own presentation.

Illustrative (``illustrative=True`` and the source ``eksempeldata``): time series, city
averages where none is published, targets, statuses, milestones, investment amounts and
locations, participation activities. Generated deterministically (same store every time),
plausibly around the real figures.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from shapely.geometry import mapping, shape
from shapely.ops import unary_union
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from omradesatsing import config
from omradesatsing.models import (
    Area,
    AreaZone,
    BoundaryVersion,
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
    Source,
    StatusUpdate,
    Subprogramme,
    Zone,
)

DATA = config.DATA_DIR
YEARS = range(2015, 2025)  # illustrative series: data years 2015–2024
SEED_DATE = dt.datetime(2026, 11, 1, 12, 0)  # "now" of the example status history
ILLUSTRATIVE_KEY = "eksempeldata"


def slugify(text: str) -> str:
    text = text.replace("ø", "o").replace("Ø", "o").replace("æ", "ae").replace("Æ", "ae")
    text = text.replace("å", "a").replace("Å", "a")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _read_csv(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _read_geojson(name: str) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def _round_coords(geom: dict, ndigits: int = 5) -> dict:
    def rnd(c):
        if isinstance(c, (int, float)):
            return round(c, ndigits)
        return [rnd(x) for x in c]

    return {"type": geom["type"], "coordinates": rnd(geom["coordinates"])}


def _page_title(url: str) -> str:
    """A source title for a web page that mentions several projects: named by its site, not by one
    project (the source is shared by every project that cites the same page)."""
    from urllib.parse import urlparse

    site = urlparse(url).netloc.removeprefix("www.")
    return f"Omtale på {site}"


def _kroner(mnok: str) -> int:
    """'3.0' million kroner -> 3000000 kroner, exactly."""
    return int(Decimal(mnok) * 1_000_000)


@dataclass
class Ctx:
    session: Session
    sources: dict[str, Source]
    illustrative: Source

    def source(self, key: str, **fields) -> Source:
        if key not in self.sources:
            src = Source(key=key, **fields)
            self.session.add(src)
            self.session.flush()
            self.sources[key] = src
        return self.sources[key]


# ---------------------------------------------------------------------------------------------
# Sources
# ---------------------------------------------------------------------------------------------

GEO_LICENCE = "CC BY 4.0 (Kartverket, SSB); pakking via thohan88/nor-maps uten egen lisens"
BK_LICENCE = "Offentlig informasjon fra Bergen kommune; siteres med kilde"


def _base_sources(ctx: Ctx) -> None:
    ctx.source(
        "kartverket-ssb-grenser",
        title="Bydeler, delområder og kommunegrenser for Bergen",
        publisher="Kartverket / SSB, via thohan88/nor-maps (commit ad56c5b)",
        url="https://github.com/thohan88/nor-maps",
        licence=GEO_LICENCE,
        period="Grenser 2025, folketall 1.1.2025",
        note="Delområder er grove (99 % færre punkter). Ikke levekårssoner.",
    )
    ctx.source(
        "ssb-klass-grunnkretser",
        title="Grunnkretser i Bergen med delområde og bydel (kodeliste)",
        publisher="SSB Klass, via thohan88/nor-maps",
        url="https://github.com/thohan88/nor-maps",
        licence="CC BY 4.0 / NLOD (SSB)",
        period="2025",
        note="Koder og navn, ingen grenser (polygoner).",
    )
    ctx.source(
        "bk-levekaarssoner-navn",
        title="Navn på levekårssoner nevnt i Bergen kommunes publikasjoner",
        publisher="Bergen kommune (Folkehelseoversikten 2023, Levekår og helse 2016), samlet for hånd",
        url="https://www.bergen.kommune.no/hvaskjer/tema/folkehelse/folkehelseoversikt",
        licence=BK_LICENCE,
        period="2016–2023",
        note="28 av 57 soner. Bydel er ofte utledet, ikke oppgitt.",
    )
    ctx.source(
        "bk-omradesatsing",
        title="Områdesatsing i Bergen: områder, perioder og status",
        publisher="Bergen kommune (bergen.kommune.no, bystyrevedtak 27.01.2021 og 7/21)",
        url="https://www.bergen.kommune.no/hvaskjer/tema/omradesatsing",
        licence=BK_LICENCE,
        period="2012–2026",
    )
    ctx.source(
        "bk-presentasjon-delprogram2",
        title="Områdesatsing i Bergen – presentasjon v/programleder (Delprogram 2: Oppvekst og utdanning)",
        publisher="Bergen kommune",
        url=None,
        licence=BK_LICENCE,
        period="2024",
        note="Lysark; frafallstallene er hentet fra Folkehelseoversikten 2019.",
    )
    ctx.source(
        "bk-presentasjon-omradesatsing",
        title="Områdesatsing: helhetlig innsats i utsatte byområder – presentasjon",
        publisher="Bergen kommune",
        url=None,
        licence=BK_LICENCE,
        period="2023",
    )


# ---------------------------------------------------------------------------------------------
# Geography
# ---------------------------------------------------------------------------------------------


def _seed_geography(ctx: Ctx) -> dict[tuple[str, str], Zone]:
    s = ctx.session
    geo_src = ctx.sources["kartverket-ssb-grenser"]
    bv_ssb = BoundaryVersion(key="ssb-2025", name="SSB/Kartverket 2025", level="bydel", valid_from=2024,
                             zone_count=None, source_id=geo_src.id,
                             note="Kommune, bydeler, delområder og grunnkretser slik de var 1.1.2025.")
    bv_nabo = BoundaryVersion(key="nabokommuner-2025", name="Nabokommuner 2025 (bakgrunn)", level="kommune",
                              valid_from=2024, source_id=geo_src.id)
    bv_lks16 = BoundaryVersion(key="levekaarssoner-2016", name="Levekårssoner 2016 (51 soner)",
                               level="levekaarssone", valid_from=2016, valid_to=2022, zone_count=51,
                               note="Ingen offentlige polygoner funnet.")
    bv_lks23 = BoundaryVersion(key="levekaarssoner-2023", name="Levekårssoner 2023 (57 soner)",
                               level="levekaarssone", valid_from=2023, zone_count=57,
                               source_id=ctx.sources["bk-levekaarssoner-navn"].id,
                               note="Bare 28 navn er kjent; polygoner må importeres fra kommunens egne filer.")
    s.add_all([bv_ssb, bv_nabo, bv_lks16, bv_lks23])
    s.flush()

    zones: dict[tuple[str, str], Zone] = {}

    def add(level, code, name, *, parent=None, bv=bv_ssb, geometry=None, population=None, source=geo_src,
            note=None):
        z = Zone(level=level, code=code, name=name, parent=parent, boundary_version_id=bv.id,
                 geometry=geometry, population=population, population_year=2025 if population else None,
                 source_id=source.id if source else None, note=note)
        s.add(z)
        zones[(level, code)] = z
        return z

    kommune = _read_geojson("bergen-kommune.geojson")["features"][0]
    bergen = add("kommune", "4601", "Bergen", geometry=_round_coords(kommune["geometry"]),
                 population=kommune["properties"]["population"])
    for f in _read_geojson("bergen-bydeler.geojson")["features"]:
        p = f["properties"]
        add("bydel", p["bydel_no"], p["bydel_name"], parent=bergen, geometry=_round_coords(f["geometry"]),
            population=p["population"])

    # nor-maps splits a delområde where it crosses a bydel line; join the pieces into one zone,
    # under the bydel that holds most of its people.
    pieces: dict[str, list[dict]] = {}
    for f in _read_geojson("bergen-delomraader.geojson")["features"]:
        pieces.setdefault(f["properties"]["delomraade_no"], []).append(f)
    for code, feats in sorted(pieces.items()):
        main = max(feats, key=lambda f: f["properties"]["population"])
        geom = unary_union([shape(f["geometry"]) for f in feats]).buffer(0)
        add("delomraade", code, main["properties"]["delomraade_name"],
            parent=zones[("bydel", main["properties"]["bydel_no"])],
            geometry=_round_coords(mapping(geom)),
            population=sum(f["properties"]["population"] for f in feats),
            note="Delt av bydelsgrense; bitene er slått sammen." if len(feats) > 1 else None)

    gk_src = ctx.sources["ssb-klass-grunnkretser"]
    for row in _read_csv("bergen-grunnkretser-2025.csv"):
        if row["grunnkrets_no"].endswith("9999"):
            continue  # "Uoppgitt grunnkrets" is a placeholder, not a place
        add("grunnkrets", row["grunnkrets_no"], row["grunnkrets_name"],
            parent=zones.get(("delomraade", row["delomraade_no"])), source=gk_src)

    lks_src = ctx.sources["bk-levekaarssoner-navn"]
    for row in _read_csv("bergen-levekaarssoner-navn.csv"):
        basis = row["bydel_basis"].split(" ")[0]
        add("levekaarssone", slugify(row["levekaarssone_name"]), row["levekaarssone_name"],
            parent=zones.get(("bydel", row["bydel_no"])), bv=bv_lks23, source=lks_src,
            note=f"Bydel {'oppgitt' if basis == 'stated' else 'utledet'} ({row['bydel_basis']}).")

    for f in _read_geojson("bergen-nabokommuner.geojson")["features"]:
        p = f["properties"]
        add("kommune", p["kommune_no"], p["kommune_name"], bv=bv_nabo, geometry=_round_coords(f["geometry"], 4),
            population=p["population"])
    s.flush()
    return zones


# ---------------------------------------------------------------------------------------------
# Areas
# ---------------------------------------------------------------------------------------------

# slug, name, state, start, end, delområde code (the map's stand-in), levekårssoner, description
AREAS = [
    ("loddefjord", "Loddefjord", "active", 2019, 2026, "46011900", ["Loddefjord"],
     "Områdesatsing 2019–2026 sammen med staten (intensjonsavtale med KMD/KDD, signert oktober 2019). "
     "Prioritert av bystyret i 2017 (sak 157/17)."),
    ("olsvik", "Olsvik", "active", 2019, 2026, "46011900", ["Olsvik"],
     "Områdesatsing 2019–2026 sammen med staten, i lag med Loddefjord."),
    ("solheim", "Solheim (nord og sør)", "active", 2012, None, "46010200", ["Solheim nord", "Solheim sør"],
     "Områdesatsing i Solheim nord (Damsgårdssundet) siden 2012; Solheim sør ble innlemmet i satsingen i 2023."),
    ("slettebakken", "Slettebakken", "preproject", 2023, None, "46010300", ["Slettebakken"],
     "Forprosjekt startet 2023 (vedtatt i Plan for områdesatsing 2020–2024)."),
    ("ytre-arna", "Ytre Arna", "ended", 2012, 2022, "46011000", ["Ytre Arna"],
     "Områdesatsing 2012–2022; faset ut innen utgangen av 2022, andre tjenester skulle styrkes."),
    ("indre-laksevag", "Indre Laksevåg", "ended", 2012, 2022, "46012000", [],
     "Områdesatsing 2012–2022, vokst ut av byutviklingsprosjektet «Ny energi rundt Damsgårdsundet»; "
     "faset ut innen utgangen av 2022."),
]


def _seed_areas(ctx: Ctx, zones: dict) -> dict[str, Area]:
    s = ctx.session
    src = ctx.sources["bk-omradesatsing"]
    delo_users: dict[str, int] = {}
    for a in AREAS:
        delo_users[a[5]] = delo_users.get(a[5], 0) + 1
    areas = {}
    for slug, name, state, start, end, delo, lks_names, desc in AREAS:
        delo_zone = zones[("delomraade", delo)]
        shared = delo_users[delo] > 1
        geometry_note = (
            f"Vist som SSB-delområdet «{delo_zone.name}», en tilnærming"
            + (" som også dekker naboområdet" if shared else "")
            + ". Offisielle levekårssoner er ikke importert ennå."
        )
        pop = delo_zone.population // delo_users[delo] if delo_zone.population else None
        area = Area(slug=slug, name=name, state=state, start_year=start, end_year=end,
                    bydel_name=delo_zone.parent.name if delo_zone.parent else None,
                    levekaarssone_names=", ".join(lks_names) or None, description=desc,
                    coordinator="Områdekoordinator (lokalt kontor)" if state != "ended" else None,
                    geometry_note=geometry_note, population=pop, population_illustrative=True,
                    source_id=src.id,
                    note="Folketallet er delområdets folketall 1.1.2025"
                         + (", delt likt på områdene som deler det" if shared else "") + " – et anslag.")
        area.zones.append(AreaZone(zone=delo_zone, approximate=True, note="Delområde som tilnærming"))
        for lks in lks_names:
            area.zones.append(AreaZone(zone=zones[("levekaarssone", slugify(lks))], approximate=False))
        s.add(area)
        areas[slug] = area
    s.flush()
    return areas


# ---------------------------------------------------------------------------------------------
# Indicators
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorSpec:
    key: str
    names: tuple[str, str, str]
    definition: tuple[str, str, str]
    why: tuple[str, str, str]
    unit: str
    higher_is_better: bool | None
    decimals: int
    topic: str
    # illustrative generation: Bergen level, gap for the most deprived areas, denominator share
    city: float
    gap: float
    denominator_share: float | None


INDICATORS = [
    IndicatorSpec(
        "not_completed_upper_secondary",
        ("Ikke fullført videregående innen fem år", "Ikkje fullført vidaregåande innan fem år",
         "Not completed upper secondary within five years"),
        ("Andel elever som ikke har fullført videregående opplæring fem år etter at de begynte.",
         "Del elevar som ikkje har fullført vidaregåande opplæring fem år etter at dei byrja.",
         "Share of pupils who have not completed upper secondary school five years after starting."),
        ("Fullført videregående er en av de sterkeste forklaringene på senere arbeid, inntekt og helse.",
         "Fullført vidaregåande er ei av dei sterkaste forklaringane på seinare arbeid, inntekt og helse.",
         "Completing upper secondary is one of the strongest predictors of later work, income and health."),
        "percent", False, 1, "oppvekst", 22.0, 18.0, 0.012),
    IndicatorSpec(
        "low_income_children",
        ("Barn i husholdninger med lavinntekt", "Barn i hushald med låginntekt",
         "Children in low-income households"),
        ("Andel barn 0–17 år som bor i husholdninger med vedvarende lavinntekt (EU-60).",
         "Del barn 0–17 år som bur i hushald med vedvarande låginntekt (EU-60).",
         "Share of children aged 0–17 living in households with persistent low income (EU-60)."),
        ("Å vokse opp med lav inntekt henger sammen med dårligere helse, skoleresultater og deltakelse.",
         "Å vekse opp med låg inntekt heng saman med dårlegare helse, skuleresultat og deltaking.",
         "Growing up on a low income is linked to poorer health, school results and participation."),
        "percent", False, 1, "inntekt", 10.5, 16.0, 0.21),
    IndicatorSpec(
        "unemployment",
        ("Registrert arbeidsledighet", "Registrert arbeidsløyse", "Registered unemployment"),
        ("Helt ledige registrert hos NAV, i prosent av arbeidsstyrken 15–74 år.",
         "Heilt ledige registrerte hos NAV, i prosent av arbeidsstyrken 15–74 år.",
         "Fully unemployed registered with NAV, as a share of the labour force aged 15–74."),
        ("Arbeid gir inntekt, nettverk og mestring; ledighet øker risikoen for dårlig helse.",
         "Arbeid gir inntekt, nettverk og meistring; ledigheit aukar risikoen for dårleg helse.",
         "Work gives income, networks and mastery; unemployment raises the risk of poor health."),
        "percent", False, 1, "arbeid", 2.6, 3.0, 0.55),
    IndicatorSpec(
        "median_income",
        ("Medianinntekt", "Medianinntekt", "Median income"),
        ("Medianinntekt etter skatt per forbruksenhet (husholdning), kroner.",
         "Medianinntekt etter skatt per forbrukseining (hushald), kroner.",
         "Median income after tax per consumption unit (household), in kroner."),
        ("Inntekt gir tilgang til bolig, aktiviteter og helse; forskjeller viser ulik fordeling av goder.",
         "Inntekt gir tilgang til bustad, aktivitetar og helse; skilnader viser ulik fordeling av gode.",
         "Income gives access to housing, activities and health; gaps show an uneven share of goods."),
        "nok", True, 0, "inntekt", 420_000.0, -120_000.0, None),
    IndicatorSpec(
        "good_self_rated_health",
        ("God eller svært god selvopplevd helse", "God eller svært god sjølvopplevd helse",
         "Good or very good self-rated health"),
        ("Andel voksne (18 år+) som sier helsen deres er god eller svært god (Fylkeshelseundersøkelsen).",
         "Del vaksne (18 år+) som seier helsa deira er god eller svært god (Fylkeshelseundersøkinga).",
         "Share of adults (18+) who rate their health as good or very good (county health survey)."),
        ("Selvopplevd helse fanger opp både sykdom, trivsel og levekår.",
         "Sjølvopplevd helse fangar opp både sjukdom, trivsel og levekår.",
         "Self-rated health captures illness, well-being and living conditions together."),
        "percent", True, 0, "helse", 72.0, -12.0, 0.02),
    IndicatorSpec(
        "traffic_noise",
        ("Plaget av trafikkstøy", "Plaga av trafikkstøy", "Bothered by traffic noise"),
        ("Andel voksne som er ganske eller svært plaget av støy fra trafikk der de bor.",
         "Del vaksne som er ganske eller svært plaga av støy frå trafikk der dei bur.",
         "Share of adults who are quite or very bothered by traffic noise where they live."),
        ("Støy forstyrrer søvn og hvile og kan gi helseplager over tid.",
         "Støy forstyrrar søvn og kvile og kan gi helseplager over tid.",
         "Noise disturbs sleep and rest and can harm health over time."),
        "percent", False, 0, "miljo", 10.0, 6.0, 0.02),
    IndicatorSpec(
        "young_disability",
        ("Unge uføre", "Unge uføre", "Young people on disability benefit"),
        ("Andel unge 18–29 år som mottar uføretrygd.",
         "Del unge 18–29 år som får uføretrygd.",
         "Share of young people aged 18–29 receiving disability benefit."),
        ("Tidlig utenforskap fra arbeid og utdanning varer ofte lenge.",
         "Tidleg utanforskap frå arbeid og utdanning varer ofte lenge.",
         "Early exclusion from work and education often lasts long."),
        "percent", False, 1, "arbeid", 2.2, 3.0, 0.15),
    IndicatorSpec(
        "child_welfare",
        ("Barn med tiltak fra barnevernet", "Barn med tiltak frå barnevernet",
         "Children receiving child-welfare measures"),
        ("Andel barn 0–17 år med tiltak fra barnevernstjenesten i løpet av året.",
         "Del barn 0–17 år med tiltak frå barnevernstenesta i løpet av året.",
         "Share of children aged 0–17 receiving child-welfare measures during the year."),
        ("Viser hvor familier trenger mest støtte, og hvor forebygging bør settes inn.",
         "Viser kvar familiar treng mest støtte, og kvar førebygging bør setjast inn.",
         "Shows where families need most support and where prevention should go."),
        "percent", False, 1, "oppvekst", 4.0, 6.0, 0.21),
    IndicatorSpec(
        "low_education_30_39",
        ("Bare grunnskole (30–39 år)", "Berre grunnskule (30–39 år)", "Only primary school (aged 30–39)"),
        ("Andel innbyggere 30–39 år med grunnskole som høyeste fullførte utdanning.",
         "Del innbyggjarar 30–39 år med grunnskule som høgaste fullførte utdanning.",
         "Share of residents aged 30–39 whose highest completed education is primary school."),
        ("Utdanningsnivå henger tett sammen med arbeid, inntekt og levealder.",
         "Utdanningsnivå heng tett saman med arbeid, inntekt og levealder.",
         "Education level is closely tied to work, income and life expectancy."),
        "percent", False, 1, "utdanning", 11.0, 13.0, 0.14),
]

# Published values (data/bergen-indikatorer-publiserte.csv) that match these indicators:
# CSV indicator key -> our indicator key.
PUBLISHED_MAP = {
    "not_completed_upper_secondary_5y": "not_completed_upper_secondary",
    "children_low_income_households_0_17": "low_income_children",
    "unemployment": "unemployment",
    "unemployment_registered_15_74": "unemployment",
    "median_income": "median_income",
    "good_self_rated_health_18plus": "good_self_rated_health",
    "bothered_by_traffic_noise": "traffic_noise",
    "young_disability_benefit (unge uføre)": "young_disability",
    "children_child_welfare (barnevern)": "child_welfare",
    "only_primary_school_age_30_39": "low_education_30_39",
}

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


def _clean_period(period: str) -> tuple[int, str]:
    m = re.search(r"(\d{4})", period)
    year = int(m.group(1)) if m else 2000
    label = period.replace(" report", "").replace("c. ", "ca. ").replace("survey", "").strip()
    return year, label or str(year)


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


def _seed_indicators(ctx: Ctx, zones: dict, areas: dict[str, Area]) -> dict[str, Indicator]:
    s = ctx.session
    ill = ctx.illustrative
    indicators: dict[str, Indicator] = {}
    for spec in INDICATORS:
        ind = Indicator(key=spec.key, name_nb=spec.names[0], name_nn=spec.names[1], name_en=spec.names[2],
                        definition_nb=spec.definition[0], definition_nn=spec.definition[1],
                        definition_en=spec.definition[2], why_nb=spec.why[0], why_nn=spec.why[1],
                        why_en=spec.why[2], unit=spec.unit, decimals=spec.decimals,
                        higher_is_better=spec.higher_is_better, topic=spec.topic,
                        updated_at=dt.datetime.now(dt.UTC).replace(tzinfo=None))
        s.add(ind)
        indicators[spec.key] = ind
    s.flush()

    # Real, published values.
    # (scope or area slug, indicator, year) -> published value (None when only a text like "> 30")
    published_points: dict[tuple[str, str, int], float | None] = {}
    for row in _read_csv("bergen-indikatorer-publiserte.csv"):
        key = PUBLISHED_MAP.get(row["indicator"])
        if not key:
            continue
        year, period = _clean_period(row["period"])
        src = ctx.source(
            f"pub-{slugify(row['publication'])[:50]}-{slugify(row['source_url'] or 'lysark')[-20:]}",
            title=row["publication"], publisher="Bergen kommune / FHI / NAV (se tittel)",
            url=row["source_url"] or None, licence="Offentlig publisert tall; siteres med kilde",
            period=period)
        value = float(row["value"]) if row["value"] else None
        text = row["value_text"].replace("-", "–").replace("<=", "≤ ").replace(">", "> ") or None
        for name in row["area_name"].split(";"):
            common = dict(indicator_id=indicators[key].id, year=year, period=period, value=value,
                          value_text=text, source_id=src.id, illustrative=False, note=row["note"] or None)
            if row["area_level"] == "kommune":
                s.add(IndicatorValue(scope="city", **common))
                published_points[("city", key, year)] = value
            elif row["area_level"] == "bydel":
                z = next((z for (lvl, _), z in zones.items() if lvl == "bydel" and z.name == name), None)
                if z:
                    s.add(IndicatorValue(scope="zone", zone_id=z.id, **common))
            else:
                z = zones.get(("levekaarssone", slugify(name)))
                if z:
                    s.add(IndicatorValue(scope="zone", zone_id=z.id, **common))
                area = areas.get(slugify(name))
                if area:  # the area and the zone share the name: the published figure is the area's too
                    s.add(IndicatorValue(scope="area", area_id=area.id, **common))
                    published_points[(area.slug, key, year)] = value

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
    return indicators


# ---------------------------------------------------------------------------------------------
# Pillars, subprogrammes, measures
# ---------------------------------------------------------------------------------------------

PILLARS = [
    (1, "Fysisk og teknisk opprustning og utvikling", "Fysisk og teknisk opprusting og utvikling",
     "Physical and technical upgrading and development"),
    (2, "Styrke sosiale og kulturelle tiltak", "Styrkje sosiale og kulturelle tiltak",
     "Strengthening social and cultural measures"),
    (3, "Arenaer for dialog og samarbeid med beboere og aktører",
     "Arenaer for dialog og samarbeid med bebuarar og aktørar",
     "Arenas for dialogue and cooperation with residents and local actors"),
    (4, "Tjenesteutvikling, utdanning og sosial mobilitet", "Tenesteutvikling, utdanning og sosial mobilitet",
     "Service development, education and social mobility"),
]

# number, name, goal, pillar, illustrative?, leader
SUBPROGRAMMES = [
    (1, "Fysisk opprustning av nærmiljøet",
     "Trygge, tilgjengelige og attraktive uteområder, møteplasser og boligområder.", 1, True, None),
    (2, "Oppvekst og utdanning",
     "Innovasjon og metodeutvikling for å redusere frafallet i skolen og øke utdanningsnivået i befolkningen.",
     4, False, "Kristin Fagerheim"),
    (3, "Sosiale og kulturelle tiltak",
     "Varierte aktiviteter og felles møteplasser som motvirker isolasjon og utenforskap.", 2, True, None),
    (4, "Medvirkning og lokal dialog",
     "Beboere, lag og organisasjoner deltar i utformingen av eget nærmiljø.", 3, True, None),
]

# subprogramme, name, description, areas, responsible, start, end, real name?, indicator keys, project source url
MEASURES = [
    (2, "Alle skal med! – ressurspersoner ved de fire skolene",
     "Proaktiv innsats rettet mot lærerne for bedre opplæring for alle elever: fem ressurspersoner "
     "(lærere i 50 % stilling) ved de fire skolene deltar i skolenes utviklingsgrupper.",
     ["loddefjord", "olsvik"], "Etat for skole", (2021, 8, 1), (2026, 7, 31), True,
     ["not_completed_upper_secondary"], None),
    (2, "Prosjektleder for skolesatsingen",
     "Prosjektleder ansatt i AKU, Etat for skole, leder og samordner skolesatsingen.",
     ["loddefjord", "olsvik"], "Etat for skole (AKU)", (2021, 8, 1), (2026, 12, 31), True,
     ["not_completed_upper_secondary"], None),
    (2, "Følgeforskning ved NORCE og NOVA",
     "Forskningsforankring av skolesatsingen gjennom følgeforskning 2022–2026.",
     ["loddefjord", "olsvik"], "NORCE og NOVA", (2022, 1, 1), (2026, 12, 31), True,
     ["not_completed_upper_secondary"], None),
    (2, "Oppfølging i overgangen fra grunnskole til videregående",
     "Reaktiv innsats i samarbeid med NAV Vest: tett oppfølging av elever i overgangen.",
     ["loddefjord", "olsvik"], "NAV Vest / Etat for skole", (2022, 8, 1), (2026, 6, 30), True,
     ["not_completed_upper_secondary", "young_disability"], None),
    (2, "Jobb til elever i risiko",
     "Samarbeid med NAV Vest om sommer- og deltidsjobber for elever som står i fare for å falle ut.",
     ["loddefjord", "olsvik"], "NAV Vest", (2023, 1, 1), (2026, 12, 31), True,
     ["not_completed_upper_secondary", "unemployment"], None),
    (1, "Nærmiljøanlegg Olsvik", "Nytt nærmiljøanlegg for lek og aktivitet.", ["olsvik"],
     "Etat for idrett", (2023, 3, 1), (2026, 10, 31), True, ["good_self_rated_health"],
     "https://www.bergen.kommune.no/hvaskjer/tema/omradesatsing/loddefjord/omradesatsing-loddefjord"),
    (1, "Oppgradering av uteområdene ved Sandgotna og Vadmyra skoler", "Oppgradering av skolegårdene.",
     ["loddefjord"], "Etat for skole", (2022, 4, 1), (2025, 12, 31), True, ["good_self_rated_health"],
     "https://www.bergen.kommune.no/hvaskjer/tema/omradesatsing/loddefjord/omradesatsing-loddefjord"),
    (1, "Aktivitetsplass Sandgotnabanen", "Aktivitetsplass ved Sandgotnabanen.", ["loddefjord"],
     "Etat for idrett", (2021, 5, 1), (2023, 6, 30), True, ["good_self_rated_health"],
     "https://www.bergen.kommune.no/hvaskjer/tema/omradesatsing/loddefjord/omradesatsing-loddefjord"),
    (1, "Oppgradering av uteområdet ved Elvetun", "Sammen med Mo-La-stiftelsen og Vestkanten.",
     ["loddefjord"], "Områdesatsingen", (2019, 9, 1), (2022, 12, 31), True, [],
     "https://www.sydvesten.no/nyheter/2019/10/31/en-helhetlig-plan/"),
    (1, "Oppgradering av Hetlevikhøyden borettslag", "Fysisk oppgradering av borettslaget (før og etter).",
     ["loddefjord"], "Husbanken / borettslaget", (2020, 3, 1), (2023, 12, 31), True, [], None),
    (1, "Trygge stier, trapper og belysning i Solheim", "Utbedring av stier og trapper og bedre belysning.",
     ["solheim"], "Bymiljøetaten", (2023, 5, 1), (2026, 12, 31), False, [], None),
    (3, "Juniorklubb på Elvetun ungdomshus", "Klubbtilbud for barn 10–12 år.", ["loddefjord"],
     "Etat for barn og familie", (2020, 9, 1), (2026, 12, 31), True, ["child_welfare"],
     "https://www.bergen.kommune.no/hvaskjer/tema/publikasjoner/bergenseren/reportasjer/ny-blomstring-i-bergen-vest"),
    (3, "Oppgradering av Loddefjord bibliotek", "Biblioteket som møteplass på tvers av generasjoner.",
     ["loddefjord"], "Bergen Offentlige Bibliotek", (2023, 1, 1), (2025, 12, 31), True, [],
     "https://www.bergen.kommune.no/hvaskjer/tema/omradesatsing/loddefjord/omradesatsing-loddefjord"),
    (3, "Olsvik gatefest", "Årlig gatefest arrangert med lag og organisasjoner.", ["olsvik"],
     "Områdesatsingen", (2022, 1, 1), (2026, 12, 31), True, [],
     "https://www.bergen.kommune.no/hvaskjer/tema/omradesatsing/loddefjord/omradesatsing-loddefjord"),
    (3, "Møteplass for familier i Solheim", "Åpen møteplass for småbarnsfamilier.", ["solheim"],
     "Etat for barn og familie", (2024, 1, 1), (2026, 12, 31), False, ["low_income_children"], None),
    (4, "Egen tilskuddsordning for nærmiljøet",
     "Tilskudd til borettslag og organisasjoner via Bergen kommunes tilskuddsportal.",
     ["loddefjord", "olsvik", "solheim", "slettebakken"], "Områdesatsingen", (2020, 1, 1), (2026, 12, 31),
     True, [], "https://www.bergen.kommune.no/hvaskjer/tema/omradesatsing"),
    (4, "Nærmiljøgrupper", "Lokale grupper som gir innspill til kommunens planer.",
     ["loddefjord", "olsvik", "solheim"], "Områdekoordinatorene", (2019, 6, 1), (2026, 12, 31), True, [], None),
    (4, "Kartlegging og medvirkning i forprosjektet Slettebakken",
     "Barnetråkk, innbyggerundersøkelse og verksteder som kunnskapsgrunnlag for forprosjektet.",
     ["slettebakken"], "Områdesatsingen", (2023, 1, 1), (2026, 6, 30), False, ["good_self_rated_health"], None),
]

STATUS_COMMENTS = {
    "on_track": "Går etter planen.",
    "at_risk": "Forsinkelse i innkjøp; ny plan legges fram neste tertial.",
    "off_track": "Mangler finansiering for neste fase.",
    "completed": "Ferdigstilt og overlevert.",
    "not_started": "Venter på oppstart.",
}


def _seed_programme(ctx: Ctx, areas: dict[str, Area], indicators: dict[str, Indicator]) -> list[Measure]:
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
        history.append((now - dt.timedelta(days=rng.randint(2, 40)), new, last[2], STATUS_COMMENTS[new]))
    return history


# ---------------------------------------------------------------------------------------------
# Money and participation
# ---------------------------------------------------------------------------------------------

# name, area, category, funding, description, source url (where the project is mentioned)
INVESTMENTS = [
    ("Nærmiljøanlegg Olsvik", "olsvik", "parks_squares", "municipality", None,
     "https://www.bergen.kommune.no/hvaskjer/tema/omradesatsing/loddefjord/omradesatsing-loddefjord"),
    ("Oppgradering uteområder Sandgotna og Vadmyra skoler", "loddefjord", "schools", "municipality", None,
     "https://www.bergen.kommune.no/hvaskjer/tema/omradesatsing/loddefjord/omradesatsing-loddefjord"),
    ("Oppgradering Loddefjord bibliotek", "loddefjord", "culture_social", "municipality", None,
     "https://www.bergen.kommune.no/hvaskjer/tema/omradesatsing/loddefjord/omradesatsing-loddefjord"),
    ("Aktivitetsplass Sandgotnabanen", "loddefjord", "parks_squares", "state_kdd", None,
     "https://www.bergen.kommune.no/hvaskjer/tema/omradesatsing/loddefjord/omradesatsing-loddefjord"),
    ("Trampoliner i Olsvikparken", "olsvik", "parks_squares", "state_kdd", None,
     "https://www.bergen.kommune.no/hvaskjer/tema/publikasjoner/bergenseren/reportasjer/ny-blomstring-i-bergen-vest"),
    ("Oppgradering uteområde ved Elvetun", "loddefjord", "parks_squares", "other",
     "Med Mo-La-stiftelsen og Vestkanten.", "https://www.sydvesten.no/nyheter/2019/10/31/en-helhetlig-plan/"),
    ("Nytt Fysak/Elvetunbygg", "loddefjord", "culture_social", "municipality", "Etat for utbygging, planlegging.",
     "https://www.bergen.kommune.no/hvaskjer/tema/omradesatsing/loddefjord/oppsummering-av-folkemote-i-loddefjord-2023"),
    ("Hetlevikhøyden borettslag – oppgradering", "loddefjord", "housing_cooperatives", "husbanken", None, None),
    ("Parkouranlegg på Leitet", "loddefjord", "parks_squares", "municipality",
     "Plassering og kostnad er ikke funnet i kildene.", None),
    ("Trapper og belysning Solheim nord", "solheim", "paths_lighting", "municipality", None, None),
    ("Møteplass Solheim sør", "solheim", "culture_social", "state_kdd", None, None),
    ("Byrom ved Damsgårdssundet", "indre-laksevag", "parks_squares", "municipality", None, None),
    ("Ytre Arna sentrum – uteområder", "ytre-arna", "parks_squares", "husbanken", None, None),
    ("Skolegård Slettebakken", "slettebakken", "schools", "municipality", None, None),
]


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


# The data file describes some recipients in English; the store holds what the bokmål UI shows.
RECIPIENT_NB = {
    "Årstad bydel (Solheim area)": "Årstad bydel (Solheim-området)",
    "Årstad bydel (400 children aged 4-5)": "Årstad bydel (400 barn på 4–5 år)",
    "Loddefjord and Olsvik": "Loddefjord og Olsvik",
}


def _seed_money(ctx: Ctx, areas: dict[str, Area]) -> None:
    s = ctx.session
    ill = ctx.illustrative
    for name, slug, category, funding, desc, url in INVESTMENTS:
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

    # Real state grants.
    for row in _read_csv("bergen-omradesatsing-tilskudd.csv"):
        src = ctx.source(f"grant-{slugify(row['source_url'])[-50:]}", title=f"Statlig tilskudd {row['budget_year']}",
                         publisher=row["funder"], url=row["source_url"],
                         licence="Offentlig publisert tall; siteres med kilde", period=row["budget_year"])
        area = None
        if "Loddefjord" in row["recipient_area"]:
            area = areas["loddefjord"]
        elif "Årstad" in row["recipient_area"]:
            area = areas["solheim"]
        derived = row["note"].startswith("DERIVED")
        s.add(Grant(year=int(row["budget_year"]), amount_nok=_kroner(row["amount_mnok"]), scheme=row["scheme"],
                    funder=row["funder"], recipient=RECIPIENT_NB.get(row["recipient_area"], row["recipient_area"]), area_id=area.id if area else None,
                    status="granted" if row["status"].startswith("granted") else "proposed", derived=derived,
                    illustrative=False, source_id=src.id, note=row["note"] or None,
                    in_sums=not row["note"].startswith("total incl")))
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


# ---------------------------------------------------------------------------------------------


def is_seeded(session: Session) -> bool:
    return (session.scalar(select(func.count()).select_from(Area)) or 0) > 0


def seed(session: Session) -> bool:
    """Fill an empty store. Returns False (and changes nothing) when it already holds data."""
    if is_seeded(session):
        return False
    ill = Source(key=ILLUSTRATIVE_KEY, title="Eksempeldata – generert, ikke fakta",
                 publisher="Områdesatsing-dashbordet (generert)", url=None,
                 licence="CC0 (oppdiktede eksempeltall)",
                 period="2015–2026",
                 note="Laget for å vise hvordan dashbordet virker. Byttes ut med ekte tall ved import.",
                 illustrative=True)
    session.add(ill)
    session.flush()
    ctx = Ctx(session=session, sources={ILLUSTRATIVE_KEY: ill}, illustrative=ill)
    _base_sources(ctx)
    zones = _seed_geography(ctx)
    areas = _seed_areas(ctx, zones)
    indicators = _seed_indicators(ctx, zones, areas)
    _seed_programme(ctx, areas, indicators)
    _seed_money(ctx, areas)
    return True


def data_files() -> list[Path]:
    return sorted(p for p in DATA.iterdir() if p.suffix in {".csv", ".geojson"})

