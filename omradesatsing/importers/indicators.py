"""Indicator values: the long table (one row per indicator, place and period), and the two other shapes
the municipality's sources have, turned into it first (``to_long``): JSON-stat 2.0 from SSB's and FHI's
statistikkbanker, and wide tables (one row per zone, one column per indicator and year) through a
column mapping that can be saved as an import profile.

A place is found by its code at any level (grunnkrets and delområde 8 digits, bydel 6, Bergen 4601),
else by its name; the level column (or ``--level``) decides where a name is ambiguous (Loddefjord is a
delområde, a levekårssone and a programme area). Where a level has zones of several boundary editions
(levekårssoner 2016 and 2023), the edition valid in the row's year is taken: values stay tied to the
edition they were published for.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from sqlalchemy import select

from omradesatsing.catalogue import Text
from omradesatsing.importers import columns as cols, run as run_mod
from omradesatsing.importers.columns import Column
from omradesatsing.importers.run import Context, ImportRefused, Plan, Problem, example_source_id, refuse
from omradesatsing.importers.tables import RawTable
from omradesatsing.models import (
    Area,
    AreaZone,
    BoundaryVersion,
    ImportProfile,
    Indicator,
    IndicatorValue,
    Zone,
    ZonePart,
)
from omradesatsing.suppression import VALUE_COLUMNS
from omradesatsing.vocabulary import ZONE_LEVELS

LEVEL_WORDS = {"kommune": "kommune", "bydel": "bydel", "delomraade": "delområde", "levekaarssone": "levekårssone",
               "grunnkrets": "grunnkrets", "area": "område", "country": "land"}
CITY_CODE = "4601"
CITY_NAMES = {"4601", "bergen", "bergenkommune", "kommune"}
COUNTRY_NAMES = {"0", "00", "norge", "heilelandet", "helelandet", "landet", "country", "norway"}
RATIO_SCALE = {"percent": 100.0, "per_1000": 1000.0}
PROVISIONAL = "open"  # the protection an imported value is written with, decided in the same transaction

COLUMNS = (
    Column("indicator", "indikator", "text", "Indikatorens nøkkel (f.eks. unemployment) eller navn slik "
           "dashbordet viser det (f.eks. Registrert arbeidsledighet).", "unemployment", required=True,
           aliases=("indikatornøkkel", "indikatornavn", "indicator_key", "nøkkel", "indikator_id")),
    Column("level", "nivå", "choice", "Hvilket nivå stedet er på. Kan stå tomt når koden viser det (8 sifre: "
           "grunnkrets eller delområde, 6: bydel, 4601: Bergen).", "levekårssone",
           aliases=("niva", "level", "sonenivå", "geografisk nivå"), choices=LEVEL_WORDS),
    Column("place", "sted", "text", "Stedets kode (grunnkrets, delområde, bydel, 4601 for Bergen, 0 for Norge) "
           "eller navn (sone, bydel eller satsingsområde).", "Loddefjord", required=True,
           aliases=("sone", "kode", "stedskode", "region", "geo", "zone", "place", "sonekode", "sted_kode",
                    "levekårssone", "grunnkrets", "delområde", "bydel", "område", "omrade")),
    Column("period", "periode", "period", "Året tallet gjelder (2023), eller et årsspenn for et snitt over flere "
           "år (2019–2021, også 2019-2021 og 2019_2021).", "2023", required=True,
           aliases=("år", "aar", "year", "period", "tid", "årstall", "dataår")),
    Column("year", "sorteringsår", "year", "Bare når perioden ikke er et år eller et årsspenn (f.eks. «rapport "
           "2016, dataår ikke oppgitt»): året tallet tegnes og sorteres ved.", "", aliases=("sort_year",)),
    Column("value", "verdi", "number", "Tallet, i indikatorens enhet (prosent som 12,5). «:» for et tall "
           "kilden har prikket, «..» for et tall som mangler (raden hoppes over). Kan stå tomt når teller "
           "og nevner er fylt ut for en andel.", "3,8", aliases=("value", "tall", "andel", "rate", "prosent")),
    Column("value_text", "verditekst", "text", "Et tall kilden bare gir som tekst, f.eks. «> 70» eller «16–17» "
           "(verdi står da tom).", "", aliases=("value_text", "tekstverdi"), limit=60),
    Column("numerator", "teller", "count", "Antall personer eller tilfeller tallet bygger på (valgfritt; "
           "brukes til prikking av små tall).", "42", aliases=("numerator", "antall", "count")),
    Column("denominator", "nevner", "count", "Antallet andelen er regnet av, f.eks. innbyggere 15–74 år "
           "(valgfritt).", "1105", aliases=("denominator", "befolkning", "populasjon")),
    Column("ci_low", "ki_lav", "number", "Nedre grense i konfidensintervallet (valgfritt).", "",
           aliases=("ci_low", "nedre", "ki nedre", "konfidensintervall lav")),
    Column("ci_high", "ki_høy", "number", "Øvre grense i konfidensintervallet (valgfritt).", "",
           aliases=("ci_high", "øvre", "ki øvre", "konfidensintervall høy", "ki_hoy")),
    Column("suppressed", "prikket", "bool", "ja når kilden har prikket tallet (verdien står da tom); ellers nei "
           "eller tomt.", "nei", aliases=("suppressed", "skjult", "prikka")),
    Column("note", "merknad", "text", "Et forbehold som skal stå ved tallet (valgfritt).", "",
           aliases=("note", "kommentar", "fotnote")),
    cols.ILLUSTRATIVE,
    cols.SOURCE_KEY,
)

VALUE_FIELDS = ("value", "value_text", "numerator", "denominator", "ci_low", "ci_high", "suppressed",
                "illustrative", "source_id", "note")
ALL_FIELDS = ("id", "indicator_id", "scope", "zone_id", "area_id", "year", "period", *VALUE_FIELDS, "protection",
              "revised_at")


# --- places ---------------------------------------------------------------------------------------

class Places:
    """Every place a row can name, for lookups by code or name."""

    def __init__(self, session):
        zones = pd.DataFrame(session.execute(select(
            Zone.id, Zone.level, Zone.code, Zone.name, Zone.parent_id, BoundaryVersion.valid_from,
            BoundaryVersion.valid_to, BoundaryVersion.name.label("edition"))
            .join(BoundaryVersion, BoundaryVersion.id == Zone.boundary_version_id)).all(),
            columns=["id", "level", "code", "name", "parent_id", "valid_from", "valid_to", "edition"])
        self.zones = zones
        self.by_code: dict[str, list[int]] = {}
        self.by_name: dict[str, list[tuple[str, int]]] = {}
        self.zone_row = {int(r.id): r for r in zones.itertuples(index=False)}
        for r in zones.itertuples(index=False):
            if r.level == "kommune" and r.code != CITY_CODE:
                continue  # the neighbours are a background layer
            self.by_code.setdefault(str(r.code), []).append(int(r.id))
            self.by_name.setdefault(cols.norm(r.name), []).append((r.level, int(r.id)))
        self.areas = {cols.norm(a.slug): (a.id, a.slug, a.name) for a in session.execute(
            select(Area.id, Area.slug, Area.name)).all()}
        for a in list(self.areas.values()):
            self.areas.setdefault(cols.norm(a[2]), a)
        self.area_zones = pd.DataFrame(session.execute(select(AreaZone.area_id, AreaZone.zone_id)).all(),
                                       columns=["area_id", "zone_id"])
        self.parts = pd.DataFrame(session.execute(select(ZonePart.zone_id, ZonePart.part_id)).all(),
                                  columns=["zone_id", "part_id"])

    def _zone_for_year(self, ids: list[int], year: int) -> tuple[int | None, str | None]:
        """The one of these zones whose edition holds in ``year``; else None and the editions they are in."""
        if len(ids) == 1:
            return ids[0], None
        fits = [i for i in ids if (self.zone_row[i].valid_from or 0) <= year <= (self.zone_row[i].valid_to or 9999)]
        if len(fits) == 1:
            return fits[0], None
        editions = ", ".join(sorted({self.zone_row[i].edition for i in ids}))
        return None, editions

    def resolve(self, level: str | None, place: str, year: int) -> tuple[tuple | None, str | None]:
        """(scope, zone_id, area_id) or a Norwegian reason."""
        text = str(place).strip()
        key = cols.norm(text)
        if level == "area" or (level is None and key in self.areas and key not in self.by_name
                               and text not in self.by_code):
            if key in self.areas:
                return ("area", None, self.areas[key][0]), None
            return None, Text("imp.unknown_area", name=text)
        if level == "country" or (level is None and key in COUNTRY_NAMES):
            return (("country", None, None), None) if key in COUNTRY_NAMES else (
                None, Text("imp.not_norway", name=text))
        if level == "kommune" or (level is None and key in CITY_NAMES):
            return (("city", None, None), None) if key in CITY_NAMES else (
                None, Text("imp.not_bergen", name=text))
        ids = self.by_code.get(text)
        if ids and level:
            ids = [i for i in ids if self.zone_row[i].level == level]
        if ids:
            zone_id, editions = self._zone_for_year(ids, year)
            if zone_id is None:
                return None, Text("imp.code_editions", name=text, editions=editions)
            return ("zone", zone_id, None), None
        named = self.by_name.get(key, [])
        if level:
            named = [(lv, i) for lv, i in named if lv == level]
        levels = sorted({lv for lv, _ in named})
        if len(levels) == 1:
            zone_id, editions = self._zone_for_year([i for _, i in named], year)
            if zone_id is None:
                return None, Text("imp.name_editions", name=text, editions=editions)
            return ("zone", zone_id, None), None
        if len(levels) > 1 or (named and key in self.areas):
            where = [LEVEL_WORDS[lv] for lv in levels] + (["område"] if key in self.areas and not level else [])
            return None, Text("imp.several_levels", name=text, levels=", ".join(where))
        if level:
            return None, Text("imp.unknown_place_level", name=text, level=LEVEL_WORDS[level])
        return None, Text("imp.unknown_place", name=text)

    def editable_zone_ids(self, area_ids: set[int]) -> set[int]:
        """The zones an editor of these areas may give figures: the areas' zones, the zones below them
        and their parts (a levekårssone's grunnkretser)."""
        start = set(self.area_zones.loc[self.area_zones["area_id"].isin(area_ids), "zone_id"].astype(int))
        children: dict[int, list[int]] = {}
        for r in self.zones.itertuples(index=False):
            if not pd.isna(r.parent_id):
                children.setdefault(int(r.parent_id), []).append(int(r.id))
        for r in self.parts.itertuples(index=False):
            children.setdefault(int(r.zone_id), []).append(int(r.part_id))
        out, todo = set(), list(start)
        while todo:
            z = todo.pop()
            if z in out:
                continue
            out.add(z)
            todo.extend(children.get(z, []))
        return out

    def label(self, scope: str, zone_id, area_id) -> str:
        if scope == "city":
            return "Bergen"
        if scope == "country":
            return "Norge"
        if scope == "area":
            names = {a[0]: a[2] for a in self.areas.values()}
            return f"{names.get(int(area_id), area_id)} (område)"
        z = self.zone_row.get(int(zone_id))
        return f"{z.name} ({LEVEL_WORDS[z.level]} {z.code})" if z is not None else str(zone_id)


# --- indicators -----------------------------------------------------------------------------------

def indicator_lookup(session) -> tuple[dict[str, int], pd.DataFrame]:
    inds = pd.DataFrame(session.execute(select(Indicator.id, Indicator.key, Indicator.name_nb, Indicator.name_nn,
                                               Indicator.name_en, Indicator.unit)).all(),
                        columns=["id", "key", "name_nb", "name_nn", "name_en", "unit"])
    lookup: dict[str, int] = {}
    for r in inds.itertuples(index=False):
        for name in (r.key, r.name_nb, r.name_nn, r.name_en):
            lookup.setdefault(cols.norm(name), int(r.id))
    return lookup, inds


def known_indicators_text(session) -> str:
    _lookup, inds = indicator_lookup(session)
    return "; ".join(f"{r.key} ({r.name_nb})" for r in inds.itertuples(index=False))


def plan(ctx: Context, t: cols.Typed) -> Plan:
    session = ctx.session
    n = len(t)
    lookup, inds = indicator_lookup(session)
    units = dict(zip(inds["id"], inds["unit"], strict=True))
    keys = dict(zip(inds["id"], inds["key"], strict=True))
    unknown: dict[str, list[str]] = {"indikatorer": [], "steder": []}

    names = t.values["indicator"]
    ind_id = cols.unique_map(names, lambda v: None if v is None else lookup.get(cols.norm(v)))
    missing = (names.notna() & ind_id.isna()).to_numpy(dtype=bool)
    if missing.any():
        unknown["indikatorer"] = sorted({str(v) for v in names[missing]})
        known = known_indicators_text(session)
        t.bad(missing, "indicator", lambda p: Text("imp.unknown_indicator", name=names.iloc[p], known=known))

    periods = t.values["period"]
    if "year" in t.present:
        # a period in words («rapport 2016, dataår ikke oppgitt») with its year beside it
        periods = periods.copy()  # (changed below)
        header = t.headers["period"]
        raw_periods = t.raw.frame[header].reset_index(drop=True)
        sort_year = t.values["year"]
        for pos in [p for p, items in t.problems.items() if any(h == header for h, _ in items)]:
            cell = raw_periods.iloc[pos]
            text_ = "" if cell is None or (not isinstance(cell, str) and pd.isna(cell)) else str(cell).strip()
            if not np.isnan(sort_year.iloc[pos]) and 0 < len(text_) <= 40:
                periods.iloc[pos] = (text_, int(sort_year.iloc[pos]))
                t.problems[pos] = [(h, m) for h, m in t.problems[pos] if h != header]
                if not t.problems[pos]:
                    del t.problems[pos]
    period_text = cols.unique_map(periods, lambda v: None if v is None else v[0])
    year = cols.unique_map(periods, lambda v: None if v is None else v[1])

    places = Places(session)
    level = t.values["level"]
    if ctx.level:
        fixed = cols.choice_lookup(LEVEL_WORDS).get(cols.norm(ctx.level))
        if fixed is None:
            raise refuse(f"Nivået «{ctx.level}» finnes ikke; velg ett av: {', '.join(LEVEL_WORDS.values())}.",
                         "nivå")
        level = level.where(level.notna(), fixed)
    place = t.values["place"]
    # one code per distinct (level, place, year), from each column's codes: no text key per row (2 million
    # strings cost more memory than the rest of the plan)
    codes = np.zeros(n, dtype=np.int64)
    for series in (level, place, year):
        part, distinct = pd.factorize(series.astype(object), use_na_sentinel=False)
        codes = codes * max(len(distinct), 1) + part
    _u, first_pos, codes = np.unique(codes, return_index=True, return_inverse=True)
    resolved, reasons = [], []
    level_a, place_a, year_a = (s_.to_numpy(dtype=object) for s_ in (level, place, year))
    for pos in first_pos:
        lv, pl, yr = level_a[pos], place_a[pos], year_a[pos]
        if pl is None or yr is None or pd.isna(yr):
            resolved.append(None)
            reasons.append(None)
            continue
        got, why = places.resolve(lv, pl, int(yr))
        resolved.append(got)
        reasons.append(why)
    resolved_arr = np.empty(len(resolved) + 1, dtype=object)
    for i, item in enumerate(resolved):  # element by element: numpy would unpack the tuples
        resolved_arr[i] = item
    reason_arr = np.empty(len(reasons) + 1, dtype=object)
    reason_arr[:-1] = reasons
    reason_arr[-1] = None
    row_place = resolved_arr[codes] if n else np.array([], dtype=object)
    row_reason = reason_arr[codes] if n else np.array([], dtype=object)
    bad_place = np.array([r is not None for r in row_reason], dtype=bool)
    if bad_place.any():
        unknown["steder"] = sorted({str(place.iloc[p]) for p in np.flatnonzero(bad_place)})[:200]
        t.bad(bad_place, "place", lambda p: row_reason[p])

    scope = pd.Series([r[0] if r else None for r in row_place], dtype=object)
    zone_id = pd.Series([r[1] if r else None for r in row_place], dtype="Int64") if n else pd.Series([], dtype="Int64")
    area_id = pd.Series([r[2] if r else None for r in row_place], dtype="Int64") if n else pd.Series([], dtype="Int64")
    # (2 million rows: what is no longer needed is let go as the plan goes, so the file is not held twice)
    del level_a, place_a, year_a, codes, row_place, level, place, periods
    row_reason = None  # (its lambda above has run)
    for key in ("level", "place", "period", "indicator"):
        t.values.pop(key, None)

    # values, symbols, counts
    given = t.values.pop("value")
    value, given = given.to_numpy(dtype=float).copy(), ~given.isna().to_numpy()
    symbol = t.values.pop("value_symbol", pd.Series([None] * n, dtype=object)).to_numpy(dtype=object)
    suppressed = t.values["suppressed"].to_numpy(dtype=bool) | (symbol == "suppressed")
    value[symbol == "nil"] = 0.0  # (in place: 2 million-value temporaries add up)
    value_text = t.values["value_text"]
    skipped = np.isin(symbol, ["missing", "not_applicable", "not_yet_available"]) & ~suppressed
    numer = t.values["numerator"].to_numpy(dtype=float)
    denom = t.values["denominator"].to_numpy(dtype=float)
    unit = pd.Series(ind_id).map(units).to_numpy(dtype=object)
    scale = pd.Series(unit).map(RATIO_SCALE).to_numpy(dtype=float)
    derivable = np.isnan(value) & ~np.isnan(numer) & ~np.isnan(denom) & (denom > 0) & ~np.isnan(scale)
    fill = derivable & ~suppressed
    value[fill] = scale[fill] * numer[fill] / denom[fill]
    del fill
    no_value = np.isnan(value) & ~suppressed & ~skipped & given  # bad cell: reported
    empty = np.isnan(value) & ~suppressed & ~skipped & ~no_value & value_text.isna().to_numpy()
    t.bad(empty, "value", Text("imp.value_missing"))
    value[suppressed] = np.nan
    pct = (unit == "percent") & ~np.isnan(value) & ((value < 0) | (value > 100))
    t.bad(pct, "value", lambda p: Text("imp.percent_range", value=f"{value[p]:g}", indicator=keys.get(ind_id.iloc[p])))
    over = ~np.isnan(numer) & ~np.isnan(denom) & (numer > denom) & ~np.isnan(scale)
    t.bad(over, "numerator", lambda p: Text("imp.numerator_over", numerator=f"{numer[p]:g}", denominator=f"{denom[p]:g}"))
    ci_low, ci_high = t.values["ci_low"].to_numpy(dtype=float), t.values["ci_high"].to_numpy(dtype=float)
    ci_bad = ~np.isnan(ci_low) & ~np.isnan(ci_high) & (ci_low > ci_high)
    t.bad(ci_bad, "ci_low", Text("imp.ci_order"))

    illustrative = t.values["illustrative"].to_numpy(dtype=bool)
    own_source = run_mod.row_sources(ctx, t)
    note = t.values["note"]
    t.values.clear()  # every value goes into ``rows``: the typed columns are not held twice
    del symbol, unit, scale, derivable, no_value, empty, pct, over, ci_bad, given
    # The rows, a column at a time, each source let go once it is in (not every column held twice).
    rows = pd.DataFrame({"pos": np.arange(n)})
    rows["indicator_id"] = ind_id.astype("Int64") if n else pd.Series([], dtype="Int64")
    rows["scope"], rows["zone_id"], rows["area_id"] = scope.to_numpy(), zone_id.array, area_id.array
    del scope, zone_id, area_id
    rows["year"] = pd.array(year, dtype="Int64") if n else pd.array([], dtype="Int64")
    rows["period"] = period_text.to_numpy()
    del year, period_text
    rows["value"] = value
    rows["value_text"] = value_text.where(~pd.Series(suppressed), None).to_numpy()
    del value_text
    rows["numerator"] = pd.array(np.where(np.isnan(numer), np.nan, numer), dtype="Float64").astype("Int64")
    rows["denominator"] = pd.array(np.where(np.isnan(denom), np.nan, denom), dtype="Float64").astype("Int64")
    value = numer = denom = None  # (the lambdas above that used them have run)
    rows["ci_low"], rows["ci_high"] = ci_low, ci_high
    rows["suppressed"], rows["illustrative"] = suppressed, illustrative
    rows["note"] = note.to_numpy()
    del ci_low, ci_high, note
    if suppressed.any():
        rows.loc[rows["suppressed"], ["numerator", "denominator", "ci_low", "ci_high"]] = None

    # duplicates in the file
    keycols = ["indicator_id", "scope", "zone_id", "area_id", "period"]
    complete = rows[keycols[:2] + ["period"]].notna().all(axis=1).to_numpy()
    # (on the columns' codes: hashing 2 million rows of five columns would hold a copy of them)
    dupe = pd.MultiIndex.from_arrays([rows[c] for c in keycols]).duplicated(keep="first") & complete
    if dupe.any():  # (rare: the text keys only then)
        involved = rows.duplicated(subset=keycols, keep=False).to_numpy() & complete
        key_text = _keystr(rows[involved], keycols)
        first_row = dict(zip(key_text[~key_text.duplicated(keep="first")],
                             rows.loc[involved, "pos"][~key_text.duplicated(keep="first").to_numpy()], strict=True))
        by_pos = dict(zip(rows.loc[involved, "pos"], key_text, strict=True))
        t.bad(dupe, "place", lambda p: Text("imp.duplicate_value", row_word=t.row_word(),
                                            row=int(t.raw.row_numbers[first_row[by_pos[p]]])))

    # editors: their own areas only
    if not ctx.is_admin:
        mine = {a[0] for a in places.areas.values() if a[1] in ctx.actor.area_slugs}
        zones_ok = places.editable_zone_ids(mine)
        allowed = np.array([
            (s == "area" and int(a) in mine) or (s == "zone" and int(z) in zones_ok)
            if s is not None else True
            for s, z, a in zip(rows["scope"], rows["zone_id"].fillna(-1), rows["area_id"].fillna(-1), strict=True)],
            dtype=bool)
        mine_text = ", ".join(sorted(ctx.actor.area_slugs)) or Text("imp.none")
        t.bad(~allowed, "place", Text("imp.own_places_only", areas=mine_text))

    good = ~np.isin(np.arange(n), list(t.problems)) & ~skipped
    if skipped.any():
        t.raw.import_notes = [*getattr(t.raw, "import_notes", []),
                              Text("imp.skipped_rows", n=int(skipped.sum()))]
    if not good.all():  # (no copy of every row when all are good)
        rows = rows[good].reset_index(drop=True)
    example_id = example_source_id(session) if rows["illustrative"].any() else None
    default = np.where(rows["illustrative"], example_id or run_mod.NO_SOURCE, ctx.source_id or run_mod.NO_SOURCE)
    own = own_source[rows["pos"].to_numpy()]
    rows["source_id"] = pd.array(np.where(np.isnan(own), default, own).astype(np.int64), dtype="Int64")
    return _classify(ctx, rows, places, keys)


def _keystr(frame_: pd.DataFrame, columns_: list[str]) -> pd.Series:
    """The columns joined as one text key (missing = empty)."""
    out = None
    for c in columns_:
        s = frame_[c].astype(object)
        s = s.where(s.notna(), "").map(str)
        out = s if out is None else out + "|" + s
    return out


def _same(a: pd.Series, b: pd.Series) -> np.ndarray:
    """Equal, with missing = missing and floats to 1e-9."""
    a_na, b_na = a.isna().to_numpy(), b.isna().to_numpy()
    both = ~a_na & ~b_na
    out = a_na & b_na
    try:
        av = pd.to_numeric(a, errors="raise").to_numpy(dtype=float, na_value=np.nan)
        bv = pd.to_numeric(b, errors="raise").to_numpy(dtype=float, na_value=np.nan)
        out |= both & (np.abs(av - bv) <= 1e-9 * np.maximum(1, np.abs(bv)))
    except (TypeError, ValueError):
        out |= both & (a.astype(str).to_numpy() == b.astype(str).to_numpy())
    return out


def _classify(ctx: Context, rows: pd.DataFrame, places: Places, keys: dict) -> Plan:
    session = ctx.session
    ids = sorted({int(i) for i in rows["indicator_id"].dropna()})
    table = IndicatorValue.__table__
    existing = pd.DataFrame(session.execute(select(*[table.c[c] for c in ALL_FIELDS]).where(
        table.c.indicator_id.in_(ids or [-1]))).all(), columns=list(ALL_FIELDS))
    for c in ("zone_id", "area_id", "numerator", "denominator", "indicator_id", "year", "source_id", "id"):
        existing[c] = existing[c].astype("Int64")
    keycols = ["indicator_id", "scope", "zone_id", "area_id", "period"]
    # Which rows the store has: a merge of the keys only (2 million new rows are not copied), then the
    # stored figures beside the rows found.
    if len(existing):
        stored_keys = existing[[*keycols, "id"]].drop_duplicates(keycols, keep="first")
        row_ids = rows[keycols].merge(stored_keys, on=keycols, how="left")["id"].to_numpy()  # a left merge keeps order
    else:  # (a first import: nothing to look up)
        row_ids = np.full(len(rows), np.nan)
    found_rows = ~pd.isna(row_ids)
    new_rows = rows[~found_rows] if found_rows.any() else rows  # (not a copy of every row when all are new)
    old = existing.set_index("id").loc[row_ids[found_rows].astype(np.int64), list(VALUE_FIELDS)]
    merged = rows[found_rows].reset_index(drop=True)
    merged["id"] = pd.array(row_ids[found_rows].astype(np.int64), dtype="Int64")
    for c in VALUE_FIELDS:
        merged[f"{c}_old"] = old[c].to_numpy()
    same = np.ones(len(merged), dtype=bool)
    for c in VALUE_FIELDS:
        same &= _same(merged[c], merged[f"{c}_old"])
    unchanged, changed = same, ~same
    insert_cols = ["indicator_id", "scope", "zone_id", "area_id", "year", "period", *VALUE_FIELDS]
    # Written «open» and decided by ``suppression.protect`` for every value of these indicators before the
    # transaction ends (no reader sees the rows before): only the few it hides are written again, where a
    # NULL would rewrite every row (PostgreSQL: 2 million updates, every row stored twice).
    inserts = new_rows[insert_cols].assign(protection=PROVISIONAL, revised_at=None).reset_index(drop=True)
    updates = merged.loc[changed, ["id", "year", *VALUE_FIELDS]].assign(protection=PROVISIONAL).reset_index(drop=True)
    old_illus = merged["illustrative_old"].fillna(False).astype(bool).to_numpy()
    replaced = int((changed & old_illus & ~merged["illustrative"].astype(bool).to_numpy()).sum())
    figure_changed = np.zeros(len(merged), dtype=bool)
    for c in ("value", "value_text", "numerator", "denominator", "ci_low", "ci_high", "suppressed"):
        figure_changed |= ~_same(merged[c], merged[f"{c}_old"])
    revised_ids = merged.loc[changed & ~old_illus & figure_changed, "id"].astype("Int64")

    # examples the real figures replace
    deletes = pd.Series([], dtype="Int64")
    if ctx.replace_examples and (~rows["illustrative"]).any():
        real_ids = {int(i) for i in rows.loc[~rows["illustrative"], "indicator_id"]}
        touched = set(merged["id"].dropna().astype(int))
        candidates = existing[existing["illustrative"].astype(bool) & existing["indicator_id"].isin(real_ids)
                              & ~existing["id"].isin(touched)]
        if not ctx.is_admin:
            mine = {a[0] for a in places.areas.values() if a[1] in ctx.actor.area_slugs}
            zones_ok = places.editable_zone_ids(mine)
            candidates = candidates[(candidates["area_id"].isin(mine)) | (candidates["zone_id"].isin(zones_ok))]
        deletes = candidates["id"]

    gone = existing["id"].isin(set(updates["id"].dropna().astype(int)) | set(deletes.astype(int)))
    before = existing[gone]
    preview = _preview(new_rows, merged, changed, unchanged, existing, deletes, places, keys)
    indicator_ids = set(ids) | set(int(i) for i in existing.loc[existing["id"].isin(deletes), "indicator_id"])
    return Plan(table=table, inserts=inserts, updates=updates, before=before, deletes=deletes.reset_index(drop=True),
                unchanged=int(unchanged.sum()), preview=preview, replaced_examples=replaced,
                revised_ids=revised_ids.reset_index(drop=True), indicator_ids=indicator_ids,
                kept_values=existing.loc[~gone & existing["indicator_id"].isin(indicator_ids), list(VALUE_COLUMNS)])


def _fmt(v) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
        return ""
    if isinstance(v, (float, np.floating)):
        return f"{v:.6g}".replace(".", ",")
    return str(v)


def _figure(row, suffix: str = "") -> str:
    if bool(row.get(f"suppressed{suffix}") or False) and row.get(f"suppressed{suffix}") is not pd.NA:
        text = "prikket"
    else:
        text = _fmt(row.get(f"value{suffix}")) or _fmt(row.get(f"value_text{suffix}"))
    n, d = row.get(f"numerator{suffix}"), row.get(f"denominator{suffix}")
    if _fmt(n) or _fmt(d):
        text += f" ({_fmt(n)}/{_fmt(d)})"
    if row.get(f"illustrative{suffix}") is True or row.get(f"illustrative{suffix}") == 1:
        text += " – eksempeldata"
    return text


def _preview(new_rows, merged, changed, unchanged, existing, deletes, places: Places, keys: dict) -> pd.DataFrame:
    from omradesatsing.importers.run import PREVIEW_ROWS

    parts = []
    for sub, word in ((new_rows.head(PREVIEW_ROWS), "ny"), (merged[changed].head(PREVIEW_ROWS), "endret"),
                      (merged[unchanged].head(PREVIEW_ROWS), "uendret")):
        for r in sub.to_dict("records"):
            parts.append({"endring": word, "indikator": keys.get(r["indicator_id"], ""),
                          "sted": places.label(r["scope"], r["zone_id"], r["area_id"]), "periode": r["period"],
                          "før": "" if word == "ny" else _figure(r, "_old"), "nå": _figure(r)})
    for r in existing[existing["id"].isin(deletes)].head(PREVIEW_ROWS).to_dict("records"):
        parts.append({"endring": "fjernes (eksempel)", "indikator": keys.get(r["indicator_id"], ""),
                      "sted": places.label(r["scope"], r["zone_id"], r["area_id"]), "periode": r["period"],
                      "før": _figure(r), "nå": ""})
    return pd.DataFrame(parts, columns=["endring", "indikator", "sted", "periode", "før", "nå"])


# --- other shapes: JSON-stat and wide tables -------------------------------------------------------

TOTAL_WORDS = {"0", "00", "total", "totalt", "alle", "i alt", "begge kjønn", "kjønn samlet", "alle aldre",
               "0_120", "0120", "0-120", "samlet"}
MEASURE_MAP = {"teller": "teller", "antall": "teller", "nevner": "nevner", "rate": "verdi", "meis": "verdi",
               "andel": "verdi", "prosent": "verdi"}


def _long(raw: RawTable, frame: pd.DataFrame, row_numbers, notes: list[str], period_text: str | None) -> RawTable:
    out = RawTable(file_name=raw.file_name, format=raw.format, frame=frame.reset_index(drop=True),
                   row_numbers=np.asarray(row_numbers), row_word=raw.row_word, sheet=raw.sheet, sheets=raw.sheets,
                   encoding=raw.encoding, delimiter=raw.delimiter, notes=raw.notes, labels=raw.labels,
                   roles=raw.roles)
    out.import_notes = notes
    out.period_text = period_text
    return out


def _metric_to_indicator(lookup: dict[str, int], keys: dict[int, str], code: str, label: str,
                         indicator: str | None, mapping: dict | None, single: bool) -> str | None:
    if mapping and code in (mapping.get("metrics") or {}):
        return mapping["metrics"][code]
    for text_ in (code, label):
        hit = lookup.get(cols.norm(text_))
        if hit is not None:
            return keys[hit]
    if indicator and single:
        return indicator
    return None


def _jsonstat_long(session, raw: RawTable, indicator: str | None, mapping: dict | None) -> RawTable:
    frame = raw.frame
    dims = [c for c in frame.columns if c not in ("value", "status", "dataset")]
    roles = raw.roles or {}
    time_dims = [d for d in roles.get("time", []) if d in dims]
    geo_dims = [d for d in roles.get("geo", []) if d in dims]
    metric_dims = [d for d in roles.get("metric", []) if d in dims]
    if not time_dims or not geo_dims:
        raise refuse(f"{raw.file_name}: JSON-stat-fila må ha en tidsdimensjon (Tid/AAR) og en geografisk "
                     f"dimensjon (Region/GEO); den har {', '.join(dims)}.", "dimensjoner")
    tdim, gdim = time_dims[0], geo_dims[0]
    measure_dim = next((d for d in dims if d not in (tdim, gdim)
                        and any(cols.norm(c) in MEASURE_MAP for c in frame[d].dropna().unique())), None)
    metric_dims = [d for d in metric_dims if d != measure_dim]
    notes = [f"JSON-stat: {n}" for n in raw.notes[:5]]
    keep = np.ones(len(frame), dtype=bool)
    for d in dims:
        if d in (tdim, gdim, measure_dim) or d in metric_dims:
            continue
        cats = list(pd.unique(frame[d]))
        if len(cats) <= 1:
            continue
        labels = raw.labels.get(d, {})
        total = [c for c in cats if str(c).strip().lower() in TOTAL_WORDS
                 or str(labels.get(c, "")).strip().lower() in TOTAL_WORDS]
        if len(total) != 1:
            shown = ", ".join(f"{c} ({labels.get(c, c)})" for c in cats[:10])
            raise refuse(f"{raw.file_name}: dimensjonen «{d}» har {len(cats)} kategorier ({shown}); dashbordet "
                         "lagrer én verdi per sted og periode. Hent fila med én kategori (f.eks. begge kjønn, "
                         "alle aldre).", d)
        keep &= (frame[d] == total[0]).to_numpy()
        notes.append(f"Dimensjonen «{d}»: bare «{labels.get(total[0], total[0])}» er brukt.")
    sub = frame[keep]
    numbers = raw.row_numbers[keep]
    metric = metric_dims[0] if metric_dims else None
    if metric is not None:
        cats = list(pd.unique(sub[metric]))
        lookup, inds = indicator_lookup(session)  # once, not per metric
        keys = dict(zip(inds["id"], inds["key"], strict=True))
        chosen = {}
        for c in cats:
            key = _metric_to_indicator(lookup, keys, str(c), raw.labels.get(metric, {}).get(c, ""), indicator,
                                       mapping, single=len(cats) == 1)
            if key is None:
                raise refuse(f"{raw.file_name}: målet «{c}» ({raw.labels.get(metric, {}).get(c, '')}) passer ikke med "
                             "en indikator i databasen. Velg indikatoren (--indicator NØKKEL for ett mål, en "
                             f"importprofil for flere). Kjente indikatorer: {known_indicators_text(session)}.",
                             metric)
            chosen[c] = key
        ind = sub[metric].map(chosen)
    else:
        if not indicator:
            raise refuse(f"{raw.file_name}: fila sier ikke hvilken indikator tallene er. Velg den (--indicator "
                         f"NØKKEL). Kjente indikatorer: {known_indicators_text(session)}.", "indikator")
        ind = pd.Series([indicator] * len(sub), index=sub.index)
    status = sub["status"] if "status" in sub else pd.Series([None] * len(sub), index=sub.index)
    value_text = sub["value"].astype(object).where(sub["value"].notna(), None)
    value_text = value_text.where(value_text.notna(), status.where(status.notna(), None))
    long = pd.DataFrame({"indikator": ind.values, "sted": sub[gdim].astype(str).values,
                         "periode": sub[tdim].astype(str).values, "verdi": value_text.values})
    if measure_dim is not None:
        long["_measure"] = sub[measure_dim].map(lambda c: MEASURE_MAP.get(cols.norm(c))).values
        long["_n"] = numbers
        idx = ["indikator", "sted", "periode"]
        base = long[long["_measure"] == "verdi"].drop(columns="_measure")
        for extra in ("teller", "nevner"):
            part = long.loc[long["_measure"] == extra, [*idx, "verdi"]].rename(columns={"verdi": extra})
            part[extra] = part[extra].map(lambda v: v if isinstance(v, (int, float)) else None)
            base = base.merge(part, on=idx, how="left")
        numbers = base.pop("_n").to_numpy()
        long = base
    years = [int(str(p)[-4:]) for p in long["periode"].unique() if str(p)[-4:].isdigit()]
    period_text = f"{min(years)}–{max(years)}" if years and min(years) != max(years) else (
        str(years[0]) if years else None)
    return _long(raw, long, numbers, notes, period_text)


def profiles(engine_or_session) -> list[dict]:
    """The saved import profiles, by name."""
    from sqlalchemy.orm import Session

    def run(session):
        return [{"name": p.name, "kind": p.kind, "mapping": p.mapping, "created_by": p.created_by,
                 "updated_at": p.updated_at}
                for p in session.scalars(select(ImportProfile).order_by(ImportProfile.name))]
    if isinstance(engine_or_session, Session):
        return run(engine_or_session)
    with Session(engine_or_session) as session:
        return run(session)


def check_mapping(raw: RawTable, mapping: dict) -> list[Problem]:
    """A wide table's mapping against the file: the zone column and every mapped column exist."""
    heads = {str(h) for h in raw.frame.columns}
    problems = []
    zone = mapping.get("place_column")
    if not zone or zone not in heads:
        problems.append(Problem("sted", f"{raw.file_name}: kolonnen for stedet («{zone or ''}») finnes ikke i fila; "
                                        f"kolonnene er {', '.join('«' + h + '»' for h in list(heads)[:30])}."))
    for column in (mapping.get("columns") or {}):
        if column not in heads:
            problems.append(Problem(column, f"{raw.file_name}: kolonnen «{column}» i koblingen finnes ikke i fila."))
    if not mapping.get("columns"):
        problems.append(Problem("kolonner", f"{raw.file_name}: koblingen sier ikke hvilke kolonner som er hvilken "
                                            "indikator og hvilket år."))
    return problems


def _wide_long(session, raw: RawTable, mapping: dict) -> RawTable:
    problems = check_mapping(raw, mapping)
    if problems:
        raise ImportRefused(problems)
    zone_col = mapping["place_column"]
    frames = []
    n = len(raw.frame)
    for column, target in mapping["columns"].items():
        frames.append(pd.DataFrame({
            "indikator": target.get("indicator"), "periode": str(target.get("period", "")),
            "sted": raw.frame[zone_col].astype(object).values, "verdi": raw.frame[column].astype(object).values,
            "_n": raw.row_numbers, "_col": column}))
    long = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if mapping.get("level"):
        long["nivå"] = mapping["level"]
    empty = long["verdi"].isna() | (long["verdi"].astype(str).str.strip() == "")
    long = long[~empty]
    numbers = long.pop("_n").to_numpy()
    cols_used = long.pop("_col")
    out = _long(raw, long, numbers, [f"Bred tabell: {len(mapping['columns'])} kolonner × {n} rader gjort om til "
                                     f"{len(long)} verdier."], None)
    out.source_columns = cols_used.to_numpy()
    return out


def to_long(session, raw: RawTable, *, indicator: str | None = None, mapping: dict | None = None,
            profile: str | None = None, level: str | None = None) -> RawTable:
    """A JSON-stat file or a wide table as the long table of indicator values."""
    if profile is not None:
        found = session.scalar(select(ImportProfile).where(ImportProfile.name == profile))
        if found is None:
            names = ", ".join(p.name for p in session.scalars(select(ImportProfile))) or "ingen"
            raise refuse(f"Importprofilen «{profile}» finnes ikke (lagrede profiler: {names}).", "profil")
        mapping = found.mapping
    if raw.format == "JSON-stat":
        return _jsonstat_long(session, raw, indicator, mapping)
    if mapping is None:
        raise refuse(f"{raw.file_name}: en bred tabell trenger en kobling av kolonnene.", "kobling")
    return _wide_long(session, raw, mapping)


def save_profile(engine, actor, name: str, mapping: dict) -> None:
    """Save (or replace) an import profile; editors and admins, audited."""
    from omradesatsing import db
    from omradesatsing.auth import current_actor
    from omradesatsing.models import AuditEntry, utcnow
    from omradesatsing.permissions import require_role

    require_role(actor, "editor")
    name = " ".join((name or "").split())
    if not name or len(name) > 120:
        raise refuse("Gi profilen et navn (høyst 120 tegn).", "navn")
    json.dumps(mapping)  # must be plain data
    with db.session_scope(engine) as session:
        actor = current_actor(session, actor)
        require_role(actor, "editor")
        found = session.scalar(select(ImportProfile).where(ImportProfile.name == name))
        if found is None:
            session.add(ImportProfile(name=name, kind="indicators", mapping=mapping, created_by=actor.username,
                                      updated_at=utcnow()))
        else:
            found.mapping, found.updated_at = mapping, utcnow()
        session.add(AuditEntry(username=actor.username, action="save", entity="import_profile", entity_id=name,
                               detail={"columns": len(mapping.get("columns") or {})}))


__all__ = ["COLUMNS", "LEVEL_WORDS", "ZONE_LEVELS", "Places", "check_mapping", "plan", "profiles", "save_profile",
           "to_long"]
