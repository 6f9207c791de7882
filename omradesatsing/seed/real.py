"""What the seed takes from the real data files in ``data/`` (data/SOURCES.md), and the facts kept here by
hand with their sources: sources, boundaries and zones, the programme areas, the indicators' definitions,
the published values, the named subprogrammes, measures and projects, and the state grants. Nothing here is
invented, except where a list says so (an example flag, the example series' parameters in ``INDICATORS``)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from dataclasses import dataclass
from decimal import Decimal

from shapely.geometry import mapping, shape
from shapely.ops import unary_union

from omradesatsing.models import (
    Area,
    AreaZone,
    BoundaryVersion,
    Grant,
    Indicator,
    IndicatorValue,
    Publication,
    PublicationArea,
    Zone,
)
from omradesatsing.names import slugify
from omradesatsing.seed.context import DATA, Ctx


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


GEO_LICENCE = "CC BY 4.0 (Kartverket, SSB); pakking via thohan88/nor-maps uten egen lisens"


BK_LICENCE = "Offentlig informasjon fra Bergen kommune; siteres med kilde"


def sources(ctx: Ctx) -> None:
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


def geography(ctx: Ctx) -> dict[tuple[str, str], Zone]:
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


# slug, name, state, delområde code (the map's stand-in), levekårssoner, description, and the rows of
# data/bergen-omradesatsing-omrader.csv it is made of (their start and end years are the area's period).
# The state is kept here: the file words it freely, and for Slettebakken it says "active from 1 Jan 2023"
# where the programme's presentation calls it a pre-project (data/SOURCES.md).
AREAS = [
    ("loddefjord", "Loddefjord", "active", "46011900", ["Loddefjord"],
     "Områdesatsing 2019–2026 sammen med staten (intensjonsavtale med KMD/KDD, signert oktober 2019). "
     "Prioritert av bystyret i 2017 (sak 157/17).", ["Loddefjord"]),
    ("olsvik", "Olsvik", "active", "46011900", ["Olsvik"],
     "Områdesatsing 2019–2026 sammen med staten, i lag med Loddefjord.", ["Olsvik"]),
    ("solheim", "Solheim (nord og sør)", "active", "46010200", ["Solheim nord", "Solheim sør"],
     "Områdesatsing i Solheim nord (Damsgårdssundet) siden 2012; Solheim sør ble innlemmet i satsingen i 2023.",
     ["Solheim nord (Damsgårdssundet)", "Solheim sør"]),
    ("slettebakken", "Slettebakken", "preproject", "46010300", ["Slettebakken"],
     "Forprosjekt startet 2023 (vedtatt i Plan for områdesatsing 2020–2024).", ["Slettebakken"]),
    ("ytre-arna", "Ytre Arna", "ended", "46011000", ["Ytre Arna"],
     "Områdesatsing 2012–2022; faset ut innen utgangen av 2022, andre tjenester skulle styrkes.", ["Ytre Arna"]),
    ("indre-laksevag", "Indre Laksevåg", "ended", "46012000", [],
     "Områdesatsing 2012–2022, vokst ut av byutviklingsprosjektet «Ny energi rundt Damsgårdsundet»; "
     "faset ut innen utgangen av 2022.", ["Indre Laksevåg"]),
]


def _area_periods() -> dict[str, tuple[int, int | None]]:
    """Each area's period from data/bergen-omradesatsing-omrader.csv: the first start and the last end of
    its rows (no end while one of them runs on)."""
    rows = {r["area"]: r for r in _read_csv("bergen-omradesatsing-omrader.csv")}
    periods = {}
    for slug, *_rest, names in AREAS:
        mine = [rows[n] for n in names]
        ends = [r["end_year"] for r in mine]
        periods[slug] = (min(int(r["start_year"]) for r in mine),
                         None if "" in ends else max(int(e) for e in ends))
    return periods


def areas(ctx: Ctx, zones: dict) -> dict[str, Area]:
    s = ctx.session
    src = ctx.sources["bk-omradesatsing"]
    delo_users: dict[str, int] = {}
    for a in AREAS:
        delo_users[a[3]] = delo_users.get(a[3], 0) + 1
    areas = {}
    periods = _area_periods()
    for slug, name, state, delo, lks_names, desc, _rows in AREAS:
        start, end = periods[slug]
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


_MONTHS_NB = {"Jan": "januar", "Feb": "februar", "Mar": "mars", "Apr": "april", "May": "mai", "Jun": "juni",
              "Jul": "juli", "Aug": "august", "Sep": "september", "Oct": "oktober", "Nov": "november",
              "Dec": "desember"}


def _clean_period(period: str) -> tuple[int, str]:
    """The year a figure is drawn at and its period as the store shows it.

    The period is the data's: a survey year (``2022 survey``) or a month (``Dec 2018``). Where the
    source names only the report (``2019 report``, ``FHI profile 2023``), the data year is not known:
    the figure is drawn at the report's year and its period says so."""
    years = re.findall(r"\d{4}", period)
    year = int(years[0]) if years else 2000
    span = f"{years[0]}–{years[-1][2:]}" if len(years) > 1 else "".join(years)  # 2011–14 (the column holds 40)
    if re.search(r"report|profile|Folkehelseoversikt", period):
        about = "ca. " if "c." in period else ""
        return year, f"rapport {about}{span}, dataår ikke oppgitt"
    month = next((nb for en, nb in _MONTHS_NB.items() if period.startswith(en)), None)
    return year, f"{month} {span}" if month else span


# The publications as the source list shows them: the data file's working notes ("see <file>") left out,
# and its English wording in bokmål.
def _publication(text: str) -> str:
    text = re.sub(r";\s*see [^)]*", "", text).strip()
    return (text.replace("(cited in Bergen kommune's områdesatsing presentation)",
                         "(sitert i Bergen kommunes presentasjon av områdesatsingen)")
            .replace("(via ", "(gjengitt i ").replace(" ch.3", ", kap. 3"))


# What the source says about a figure (its caveats), in bokmål: shown with the figure (data file: note).
NOTE_NB = {
    "income definition not stated in article": "Inntektsbegrepet er ikke oppgitt i artikkelen.",
    "share of residents in their 30s with only grunnskole": "Andelen innbyggere i 30-årene med bare grunnskole.",
    "no exact number published in the article": "Artikkelen oppgir ikke noe eksakt tall («godt over 30»).",
    "age band not stated in excerpt (usually 18-29/18-44)":
        "Aldersgruppen er ikke oppgitt i utdraget (vanligvis 18–29 eller 18–44 år).",
    "stated in the programme's own presentation slide 'Skolesatsing i Loddefjord og Olsvik'":
        "Oppgitt i programmets egen presentasjon («Skolesatsing i Loddefjord og Olsvik»).",
    "'svak nedgang siden 2018'": "Kilden: «svak nedgang siden 2018».",
    "'svært god eller god helse'": "Andelen som svarer «svært god» eller «god» helse.",
    "published as a range shared by Solheim sør/Solheim nord/Damsgård":
        "Publisert som et spenn felles for Solheim sør, Solheim nord og Damsgård.",
    "published as a range": "Publisert som et spenn.",
    "'5 % eller mindre' in each of these zones": "«5 % eller mindre» i hver av disse sonene.",
    "helt ledige": "Helt ledige.",
    "highest in Bergen in that report": "Høyest i Bergen i den rapporten.",
}


def indicators(ctx: Ctx) -> dict[str, Indicator]:
    """The indicators (definitions in three languages, unit, direction)."""
    s = ctx.session
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

    return indicators


def published_values(ctx: Ctx, zones: dict, areas: dict[str, Area], indicators: dict[str, Indicator]) -> dict:
    """The published values of data/bergen-indikatorer-publiserte.csv (``illustrative=False``). Returns
    (scope or area slug, indicator, year) -> value, for the examples to pass through."""
    s = ctx.session
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
            title=_publication(row["publication"]), publisher="Bergen kommune / FHI / NAV (se tittel)",
            url=row["source_url"] or None, licence="Offentlig publisert tall; siteres med kilde",
            period=period)
        value = float(row["value"]) if row["value"] else None
        text = row["value_text"].replace("-", "–").replace("<=", "≤ ").replace(">", "> ") or None
        for name in row["area_name"].split(";"):
            common = dict(indicator_id=indicators[key].id, year=year, period=period, value=value,
                          value_text=text, source_id=src.id, illustrative=False,
                          note=NOTE_NB.get(row["note"], row["note"]) or None)
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

    s.flush()
    return published_points


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


# name, area, category, funding, description. The projects of data/bergen-omradesatsing-prosjekter.csv get
# their source from the file (``project_sources``); the others are examples (no source).
INVESTMENTS = [
    ("Nærmiljøanlegg Olsvik", "olsvik", "parks_squares", "municipality", None),
    ("Oppgradering uteområder Sandgotna og Vadmyra skoler", "loddefjord", "schools", "municipality", None),
    ("Oppgradering Loddefjord bibliotek", "loddefjord", "culture_social", "municipality", None),
    ("Aktivitetsplass Sandgotnabanen", "loddefjord", "parks_squares", "state_kdd", None),
    ("Trampoliner i Olsvikparken", "olsvik", "parks_squares", "state_kdd", None),
    ("Oppgradering uteområde ved Elvetun", "loddefjord", "parks_squares", "other",
     "Med Mo-La-stiftelsen og Vestkanten."),
    ("Nytt Fysak/Elvetunbygg", "loddefjord", "culture_social", "municipality", "Etat for utbygging, planlegging."),
    ("Hetlevikhøyden borettslag – oppgradering", "loddefjord", "housing_cooperatives", "husbanken", None),
    ("Parkouranlegg på Leitet", "loddefjord", "parks_squares", "municipality",
     "Plassering og kostnad er ikke funnet i kildene."),
    ("Trapper og belysning Solheim nord", "solheim", "paths_lighting", "municipality", None),
    ("Møteplass Solheim sør", "solheim", "culture_social", "state_kdd", None),
    ("Byrom ved Damsgårdssundet", "indre-laksevag", "parks_squares", "municipality", None),
    ("Ytre Arna sentrum – uteområder", "ytre-arna", "parks_squares", "husbanken", None),
    ("Skolegård Slettebakken", "slettebakken", "schools", "municipality", None),
]


# The data file describes some recipients in English; the store holds what the bokmål UI shows.
RECIPIENT_NB = {
    "Årstad bydel (Solheim area)": "Årstad bydel (Solheim-området)",
    "Årstad bydel (400 children aged 4-5)": "Årstad bydel (400 barn på 4–5 år)",
    "Loddefjord and Olsvik": "Loddefjord og Olsvik",
}


def grants(ctx: Ctx, areas: dict[str, Area]) -> None:
    """The state grants of data/bergen-omradesatsing-tilskudd.csv."""
    s = ctx.session
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
    s.flush()


def project_sources() -> dict[str, str]:
    """The web page that names each project of data/bergen-omradesatsing-prosjekter.csv."""
    return {r["project"]: r["source_url"] for r in _read_csv("bergen-omradesatsing-prosjekter.csv") if r["source_url"]}


# The programme's publications and research projects as its own presentation lists them («Publiseringer og
# forskningsprosjekter», source ``bk-presentasjon-omradesatsing``), with the years as published; nothing added.
# title, kind, first year, last year, journal or institution, note, the areas it is about (none: programme-wide),
# the title's language
PUBLICATIONS = [
    ("Bergen bygger sosial kapital", "article", 2017, None, None, None, [], "nb"),
    ("Negotiating obstacles in the making of a parkour site at Leitet", "article", 2018, None,
     "Community Development Journal", None, ["loddefjord"], "en"),  # Leitet is in Loddefjord
    ("Offentlig sektor ph.d.", "phd", 2021, 2024, None, None, [], "nb"),
    ("Kollektiv mobilisering – samfunnsarbeid i teori og praksis", "book", 2022, None, None, None, [], "nb"),
    ("Følgeforskning Loddefjord og Olsvik", "research", 2022, 2026, "NORCE og NOVA", "kommer",
     ["loddefjord", "olsvik"], "nb"),
]


def publications(ctx: Ctx, areas: dict[str, Area]) -> None:
    src = ctx.sources["bk-presentasjon-omradesatsing"]
    for title, kind, start, end, publisher, note, slugs, language in PUBLICATIONS:
        pub = Publication(title=title, kind=kind, year_start=start, year_end=end, publisher=publisher, note=note,
                          language=language, source_id=src.id, illustrative=False)
        pub.areas.extend(PublicationArea(area_id=areas[slug].id) for slug in slugs)
        ctx.session.add(pub)
    ctx.session.flush()
