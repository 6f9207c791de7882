"""What a meeting pack shows, read once from the store with the readers the pages use, and written out
as text in one language. The HTML one-pager (PDF and phone page) and the PowerPoint deck place these
texts; neither reads the store or formats a number itself, so a figure is the same in every file and
on every page (the totals come from ``read.money`` as on Oversikt and Investeringer; a suppressed value
arrives hidden from ``read.indicators`` and stays «Prikket»).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from omradesatsing import formatting as fmt, profiles, read
from omradesatsing.catalogue import in_language, tr
from omradesatsing.programme import HEADLINE_INDICATORS
from omradesatsing.read import Store
from omradesatsing.reports import qr
from omradesatsing.takeaway import takeaway_for_areas
from omradesatsing.vocabulary import STATUS_CARD_ORDER

_missing = fmt.missing

LARGEST_PROJECTS = 3
MEASURES_LISTED = 6
PARTICIPATION_LISTED = 4
MILESTONES_LISTED = 3


@dataclass
class Figure:
    """One indicator of one area against Bergen, as words and numbers."""

    key: str
    name: str
    value: str  # "16,0 %" or "Prikket"
    city: str  # Bergen's value
    words: str  # "Høyere enn Bergen, sikker forskjell – verre"
    trend: str  # "Trend: bedring" or ""
    takeaway: str  # one sentence, as on the slide
    period: str
    source: str
    illustrative: bool
    suppressed: bool
    unit: str = "percent"
    decimals: int = 1
    now: float | None = None  # for charts: None when hidden
    base: float | None = None
    base_year: int | None = None
    city_now: float | None = None
    target: float | None = None
    target_year: int | None = None
    higher_is_better: bool = False


@dataclass
class AreaSummary:
    """One area's line in the whole programme's pack."""

    slug: str
    name: str
    state: str
    budget: str
    spent: str
    illustrative: bool
    budget_nok: int = 0
    spent_nok: int = 0
    cells: dict[str, str] = field(default_factory=dict)  # indicator key → "16,0 % · verre"


@dataclass
class Pack:
    language: str
    slug: str | None
    place: str  # the area's name (the whole programme: its title)
    title: str
    state_line: str
    description: str
    generated: str
    figures: list[Figure]
    budget: str
    spent: str
    projects: int
    money_illustrative: bool
    money_source: str
    largest: list[dict[str, Any]]
    status_counts: list[tuple[str, int]]
    stale: int
    measures: list[dict[str, Any]]
    measures_illustrative: bool
    milestones: list[dict[str, Any]]
    participation: list[dict[str, Any]]
    publications: list[dict[str, Any]]
    contacts: list[dict[str, Any]]
    phone_url: str | None
    live_url: str | None
    qr_svg: str | None
    qr_note: str | None
    areas: list[AreaSummary] = field(default_factory=list)  # the whole programme only
    grants: str = ""
    grants_source: str = ""
    sources: list[str] = field(default_factory=list)

    @property
    def illustrative(self) -> bool:
        return (any(f.illustrative for f in self.figures) or self.money_illustrative or self.measures_illustrative
                or any(p["illustrative"] for p in self.participation) or any(a.illustrative for a in self.areas))


def words_for(row, language: str) -> str:
    """An area's value against Bergen's in words, as the Indikatorer profile and Område say it."""
    return tr(language, profiles.judgement_key(row))


def trend_for(row, language: str) -> str:
    """"Trend: bedring" when the trend test finds one, else nothing."""
    if row.get("trend") in ("increasing", "decreasing") and row.get("trend_judgement") in ("improving", "worsening"):
        return tr(language, "reports.trend", trend=tr(language, f"trend.{row['trend_judgement']}"))
    return ""


def _period(start_year, end_year, language: str) -> str:
    """A programme's or project's period: «fra 2019» while open, else ``fmt.years``."""
    if _missing(end_year):
        return tr(language, "common.since", year=int(start_year))
    return fmt.years(start_year, end_year)


def _float(x) -> float | None:
    return None if _missing(x) else float(x)


def _figures(store: Store, slug: str, language: str) -> list[Figure]:
    # Område's key figures (the same rows and order); the page holds the first three, the headline indicators.
    gaps = read.indicators.key_figures(store, slug, language, n=len(HEADLINE_INDICATORS))
    out = []
    for r in gaps.to_dict("records"):
        key = r["indicator"]
        unit, decimals = r["unit"], int(r["decimals"])
        suppressed = bool(r["suppressed"])
        value = (tr(language, "common.suppressed") if suppressed
                 else fmt.value(r["value"], unit, decimals, language) or (r.get("value_text") or "–"))
        targets = read.indicators.targets(store, key)
        goal = targets[targets["area_slug"] == slug] if not targets.empty else targets
        sentence = takeaway_for_areas([r], [r["area_name"]], indicator=r["name"], language=language)
        out.append(Figure(
            key=key, name=r["name"], value=value, city=fmt.value(r["city_value"], unit, decimals, language) or "–",
            words=words_for(r, language), trend=trend_for(r, language),
            takeaway=in_language(sentence, language) if sentence is not None else "",
            period=str(r["period"]), source=str(r["source_title"] or ""),
            illustrative=bool(r["illustrative"]) or bool(r["city_illustrative"]), suppressed=suppressed,
            unit=unit, decimals=decimals, now=None if suppressed else _float(r["value"]),
            base=None if suppressed else _float(r["base_value"]),
            base_year=None if _missing(r["base_year"]) else int(r["base_year"]), city_now=_float(r["city_value"]),
            target=_float(goal.iloc[0]["target_value"]) if not goal.empty else None,
            target_year=int(goal.iloc[0]["target_year"]) if not goal.empty else None,
            higher_is_better=bool(r["higher_is_better"]),
        ))
    return out


def _money(store: Store, slugs: tuple[str, ...] | None, language: str) -> dict[str, Any]:
    scope = {"area_slugs": slugs} if slugs else {}
    total = read.money.investment_summary(store, **scope)
    inv = read.money.investments(store, slugs[0]) if slugs and len(slugs) == 1 else read.money.investments(store)
    if slugs:
        inv = inv[inv["area_slug"].isin(slugs)]
    largest = []
    for r in inv.sort_values("budget_nok", ascending=False).head(LARGEST_PROJECTS).itertuples():
        largest.append({"name": r.name, "status": tr(language, f"investment_status.{r.status}"),
                        "years": _period(r.start_year, r.end_year, language) if not _missing(r.start_year) else "",
                        "budget": fmt.million_kroner(r.budget_nok, 1, language), "area": r.area_name,
                        "illustrative": bool(r.illustrative)})
    return {"budget": fmt.million_kroner(total["budget_nok"], 1, language),
            "spent": fmt.million_kroner(total["spent_nok"], 1, language), "projects": int(total["projects"]),
            "illustrative": bool(total["any_illustrative"]), "largest": largest}


def _measures(store: Store, slugs: tuple[str, ...] | None, language: str) -> dict[str, Any]:
    rows = read.programme.measures(store)
    summary = read.programme.status_summary(rows, slugs)
    mine = read.programme.in_areas(rows, slugs) if slugs else rows
    listed = []
    for r in mine.head(MEASURES_LISTED).itertuples():
        listed.append({"name": r.name, "status": tr(language, f"status.{r.status}") if isinstance(r.status, str)
                       else tr(language, "programme.no_status"), "status_key": r.status or "",
                       "stale": bool(r.stale), "illustrative": bool(r.illustrative or r.status_illustrative)})
    counts = [(tr(language, f"status.{s}"), int(summary["by_status"][s])) for s in STATUS_CARD_ORDER
              if summary["by_status"].get(s)]
    return {"counts": counts, "stale": int(summary["stale"]), "listed": listed,
            "illustrative": bool(summary["illustrative"])}


def _milestones(store: Store, slugs: list[str], today: dt.date, language: str) -> list[dict[str, Any]]:
    """What happens next (``read.programme.next_milestones``, as Område shows it); for several areas the
    soonest of theirs together."""
    parts = [read.programme.next_milestones(store, slug, today, MILESTONES_LISTED) for slug in slugs]
    parts = [p for p in parts if not p.empty]
    if not parts:
        return []
    rows = pd.concat(parts).drop_duplicates("id").sort_values(["due_date", "id"]).head(MILESTONES_LISTED)
    return [{"name": r.name, "measure": r.measure_name, "due": fmt.date(r.due_date, language),
             "overdue": bool(r.overdue), "illustrative": bool(r.illustrative)} for r in rows.itertuples()]


def _publications(store: Store, slug: str, language: str) -> list[dict[str, Any]]:
    out = []
    for r in read.places.publications(store, slug).itertuples():
        years = fmt.years(r.year_start, r.year_end)
        details = ", ".join(str(x) for x in (r.publisher, years, r.note) if not _missing(x) and str(x))
        out.append({"kind": tr(language, f"reports.kind_{r.kind}"), "title": r.title, "details": details,
                    "language": r.language if r.language != language else None,
                    "illustrative": bool(r.illustrative)})
    return out


def _contacts(store: Store, slug: str, language: str) -> list[dict[str, Any]]:
    out = []
    for r in read.places.contacts(store, slug).itertuples():
        parts = [r.role, r.office, r.address, r.email, r.phone, r.opening_hours]
        out.append({"text": ", ".join(str(x) for x in parts if not _missing(x) and str(x)),
                    "role": r.role, "office": r.office, "illustrative": bool(r.illustrative)})
    return out


def _participation(store: Store, slug: str | None, language: str) -> list[dict[str, Any]]:
    rows = read.programme.participation(store, slug)
    out = []
    for r in rows.head(PARTICIPATION_LISTED).itertuples():
        out.append({"kind": tr(language, f"participation.{r.kind}"), "title": r.title,
                    "date": fmt.date(r.date, language), "participants": None if _missing(r.participants)
                    else fmt.number(r.participants, 0, language), "illustrative": bool(r.illustrative)})
    return out


def _qr(slug: str | None, language: str) -> dict[str, Any]:
    url = qr.phone_url(slug, language)
    return {"phone_url": url, "live_url": qr.live_url(slug, language), "qr_svg": qr.qr_svg(url) if url else None,
            "qr_note": None if url else qr.missing_note(language)}


def area_pack(store: Store, slug: str, language: str = "nb", today: dt.date | None = None) -> Pack:
    """One area's pack. Raises ``KeyError`` for an unknown area."""
    today = today or dt.date.today()
    a = read.places.area(store, slug)
    if a is None:
        raise KeyError(slug)
    figures = _figures(store, slug, language)
    money = _money(store, (slug,), language)
    measures = _measures(store, (slug,), language)
    state = tr(language, f"state.{a['state']}")
    line = " · ".join(x for x in (state, _period(a["start_year"], a["end_year"], language),
                                  tr(language, "overview.area_bydel", bydel=a["bydel_name"] or "–")) if x)
    sources = sorted({f.source for f in figures if f.source} | {str(a["source_title"] or "")} - {""})
    return Pack(
        language=language, slug=slug, place=a["name"], title=tr(language, "reports.title_area", area=a["name"]),
        state_line=line,
        description=str(a["description"] or ""), generated=fmt.date(today, language), figures=figures,
        budget=money["budget"], spent=money["spent"], projects=money["projects"],
        money_illustrative=money["illustrative"], money_source=tr(language, "presentation.money_source"),
        largest=money["largest"], status_counts=measures["counts"], stale=measures["stale"],
        measures=measures["listed"], measures_illustrative=measures["illustrative"],
        milestones=_milestones(store, [slug], today, language),
        participation=_participation(store, slug, language), publications=_publications(store, slug, language),
        contacts=_contacts(store, slug, language),
        sources=sources, **_qr(slug, language),
    )


def programme_pack(store: Store, language: str = "nb", today: dt.date | None = None) -> Pack:
    """The whole programme: every area against Bergen on the headline indicators, the money per area
    and in all, the measures' status and the state grants."""
    today = today or dt.date.today()
    grid = read.overview.area_grid(store)
    meta = read.indicators.indicators(store).set_index("key")
    areas, sources = [], set()
    for r in grid[grid["area_slug"] != "_all"].to_dict("records"):
        cells = {}
        for key in HEADLINE_INDICATORS:
            if f"{key}.value" not in r or key not in meta.index:
                continue
            unit, decimals = meta.loc[key, "unit"], int(meta.loc[key, "decimals"])
            if r.get(f"{key}.suppressed") is True:
                cells[key] = tr(language, "common.suppressed")
                continue
            value = fmt.value(r.get(f"{key}.value"), unit, decimals, language)
            if not value:
                cells[key] = "–"
                continue
            judgement = r.get(f"{key}.judgement")
            # Oversikt's words for the same grid
            verdict = tr(language, f"overview.grid_{judgement}") if judgement in ("better", "worse", "similar") else ""
            cells[key] = f"{value} · {verdict}" if verdict else value
            if r.get(f"{key}.source_title"):
                sources.add(str(r[f"{key}.source_title"]))
        areas.append(AreaSummary(slug=r["area_slug"], name=r["area_name"], state=tr(language, f"state.{r['state']}"),
                                 budget=fmt.million_kroner(r["budget_nok"] or 0, 1, language),
                                 spent=fmt.million_kroner(r["spent_nok"] or 0, 1, language),
                                 illustrative=bool(r["any_illustrative"]), budget_nok=int(r["budget_nok"] or 0),
                                 spent_nok=int(r["spent_nok"] or 0), cells=cells))
    in_work = tuple(grid[(grid["area_slug"] != "_all") & (grid["state"] != "ended")]["area_slug"])
    city = read.indicators.indicators_gaps(store, HEADLINE_INDICATORS, in_work)
    figures = []
    for key in HEADLINE_INDICATORS:
        rows = city[city["indicator"] == key]
        if rows.empty or key not in meta.index:
            continue
        unit, decimals = meta.loc[key, "unit"], int(meta.loc[key, "decimals"])
        r = rows.iloc[0].to_dict()
        figures.append(Figure(key=key, name=str(meta.loc[key, f"name_{language}"]), value="",
                              city=fmt.value(r["city_value"], unit, decimals, language) or "–", words="", trend="",
                              takeaway="", period=str(r["period"]), source=str(r["source_title"] or ""),
                              illustrative=bool(r["city_illustrative"]), suppressed=False, unit=unit,
                              decimals=decimals, city_now=_float(r["city_value"])))
    money = _money(store, None, language)
    measures = _measures(store, None, language)
    grants = read.money.grant_summary(store)
    names = ", ".join(a.name for a in areas if a.slug in in_work)
    return Pack(
        language=language, slug=None, place=tr(language, "reports.title_programme"),
        title=tr(language, "reports.title_programme"),
        state_line=tr(language, "presentation.areas_in_work", names=names),
        description=tr(language, "presentation.intro_lead"), generated=fmt.date(today, language), figures=figures,
        budget=money["budget"], spent=money["spent"], projects=money["projects"],
        money_illustrative=money["illustrative"], money_source=tr(language, "presentation.money_source"),
        largest=money["largest"], status_counts=measures["counts"], stale=measures["stale"],
        measures=[], measures_illustrative=measures["illustrative"],
        milestones=_milestones(store, list(in_work), today, language),
        participation=[], publications=[], contacts=[], areas=areas,
        grants=fmt.million_kroner(grants["known_nok"], 1, language),
        grants_source=tr(language, "reports.grants_source", first=grants["first"], last=grants["last"]),
        sources=sorted(sources), **_qr(None, language),
    )


def pack(store: Store, slug: str | None, language: str = "nb", today: dt.date | None = None) -> Pack:
    return programme_pack(store, language, today) if slug is None else area_pack(store, slug, language, today)
