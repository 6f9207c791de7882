"""Kart: Bergen's zones coloured by an indicator, the programme areas, bydeler and investments.

The view is in the URL: ``?nivaa=delomraade&indikator=unemployment&aar=2024&sone=46011900``.
Offline-safe by default (no basemap); see components/maps.py.
"""

import numpy as np
import pandas as pd
import streamlit as st

from components import filters, maps, shell, ui
from components.data import q, settings
from components.i18n import lang, t
from omradesatsing import choropleth, formatting as fmt, geo, read
from omradesatsing.vocabulary import MAP_LEVELS as LEVELS

ZONE_KEY, INVESTMENT_KEY, MAP_KEY, GENERATION_KEY = "sone", "map_investment", "kart_map", "kart_map_generation"


def map_key() -> str:
    return f"{MAP_KEY}_{st.session_state.get(GENERATION_KEY, 0)}"


def on_pick() -> None:
    """A click on the map: a zone selects the zone, an investment point selects the investment.

    The choice is kept here, and the map element gets a new key: Streamlit dims every other
    shape while its own selection is active, which would hide the colour classes. Our own layer
    outlines the chosen zone instead.
    """
    state = st.session_state.get(map_key())
    selection = (state.get("selection") if isinstance(state, dict) else getattr(state, "selection", None)) or {}
    objects = selection.get("objects", {}) or {}
    zones, points = objects.get("zones", []), objects.get("investments", [])
    if zones:
        picked = zones[0].get("properties", zones[0])
        st.session_state[ZONE_KEY] = picked.get("code")
        st.session_state[INVESTMENT_KEY] = None
    elif points:
        st.session_state[INVESTMENT_KEY] = points[0].get("id")
    else:
        clear_pick()
    st.session_state[GENERATION_KEY] = st.session_state.get(GENERATION_KEY, 0) + 1


def clear_pick() -> None:
    st.session_state[ZONE_KEY] = None
    st.session_state[INVESTMENT_KEY] = None


shell.header("map.title", "map.intro")

indicators = q(read.indicators.indicators)
ind_names = dict(zip(indicators["key"], indicators[f"name_{lang()}"], strict=True))
drawable = q(read.places.levels_with_geometry)
levels = [lv for lv in LEVELS if lv in drawable]

c1, c2, c3, c4 = st.columns([2.2, 1.1, 0.8, 1.1], vertical_alignment="bottom")
indicator = filters.selectbox(t("map.indicator"), list(ind_names), key="indikator", format_func=ind_names.get,
                              default="unemployment", where=c1)
level = filters.selectbox(t("map.level"), levels, key="nivaa", format_func=lambda lv: t(f"map.level_{lv}"),
                          where=c2)
years = q(read.indicators.zone_years, indicator, level)
year = filters.selectbox(t("map.year"), [str(y) for y in reversed(years)] or ["–"], key="aar", where=c3)
with c4.popover(t("map.more"), icon=":material/tune:", width="stretch"):
    layers = filters.pills(t("map.layers"), maps.LAYERS, key="lag", format_func=lambda k: t(f"map.layer_{k}"),
                           default=("zones", "areas", "investments"))
    scheme = filters.selectbox(t("map.scheme"), choropleth.SCHEMES, key="klasser",
                               format_func=lambda s: t(f"map.scheme_{s}"))
    basemap = filters.selectbox(t("map.basemap"), geo.BASEMAP_CHOICES, key="bakgrunn",
                                format_func=lambda b: t(f"map.basemap_{b}"), default=settings().basemap)

if not years:
    st.info(t("map.no_values_level", indicator=ind_names[indicator]), icon=":material/info:")
    st.stop()
year = int(year)
# Two editions of a level (levekårssoner 2016 and 2023) are never drawn together: the one that holds for
# the year is drawn, and the other can be chosen.
choices = q(read.places.edition_choices, level, True)
edition = None
if len(choices) > 1:
    edition_names = {key: name for key, name, _from in choices}
    # the newest that had begun by the year; for a year before them all, the earliest
    holds = next((key for key, _name, first in choices if first is None or first <= year), choices[-1][0])
    edition_col, _rest = st.columns([2.2, 3])
    edition = filters.selectbox(t("map.edition_pick"), list(edition_names), key="utgave", default=holds,
                                format_func=edition_names.get, help=t("map.edition_help"), where=edition_col)

# The selected zone: from the URL on a new session, then from clicks; it must exist at this level.
if ZONE_KEY not in st.session_state:
    st.session_state[ZONE_KEY] = st.query_params.get(ZONE_KEY)
if st.session_state[ZONE_KEY] not in set(q(read.places.zones, level, edition)["code"]):
    st.session_state[ZONE_KEY] = None
selected = st.session_state[ZONE_KEY]
filters.to_url(ZONE_KEY, selected)

invest = q(read.money.investments)
deck, data = maps.build_deck(level=level, indicator=indicator, year=year, scheme=scheme, layers=tuple(layers),
                             selected_zone=selected, basemap=basemap, investments=invest, edition=edition)
table = data["table"]
unit, decimals, name = data["unit"], data["decimals"], data["indicator_name"]


def shown(value) -> str:
    return fmt.value(value, unit, decimals, lang())


ranked = table.dropna(subset=["value"]).sort_values("value")
if ranked.empty:
    alt = t("map.alt_empty", indicator=name, year=year)
else:
    alt = t("map.alt", indicator=name, year=year,
            high=f"{ranked.iloc[-1]['zone_name']} {shown(ranked.iloc[-1]['value'])}",
            low=f"{ranked.iloc[0]['zone_name']} {shown(ranked.iloc[0]['value'])}")
# A screen reader cannot read the canvas: the text alternative also names the programme areas drawn and
# the colour classes (as the legend beside the map does).
if "areas" in layers:
    alt += " " + t("map.alt_areas", areas=", ".join(q(read.places.areas)["name"]))
if "zones" in layers and data["legend"]:
    alt += " " + t("map.alt_classes", classes="; ".join(
        f"{r['label']}: {t('map.zones_count', n=r['count'])}" for r in data["legend"]))

left, right = st.columns([3, 1.3])
with left:
    st.pydeck_chart(deck, height=maps.MAP_HEIGHT, key=map_key(), on_select=on_pick,
                    selection_mode="single-object", alt=alt)
    if basemap != "none":
        st.caption(t("map.basemap_note", attribution=geo.BASEMAPS[basemap].attribution,
                     licence=geo.BASEMAPS[basemap].licence))
with right:
    picked_investment = st.session_state.get(INVESTMENT_KEY)
    if selected or picked_investment is not None:
        st.button(t("map.clear_pick"), key="map_clear", on_click=clear_pick, icon=":material/close:")
    if picked_investment is not None and "investments" in layers:
        hit = invest[invest["id"] == picked_investment]
        if not hit.empty:
            maps.investment_detail(hit.iloc[0])
    elif selected:
        row = table[table["zone_code"] == selected].iloc[0]
        st.header(ui.plain(row["zone_name"]))
        if row["suppressed"]:
            value = t("common.suppressed")
        else:
            value = shown(row["value"]) or t("map.no_data")
        st.metric(t("map.value_label", year=year), value, border=True,
                  help=ui.source_line(row["source_title"], row["period"], bool(row["illustrative"])))
        if data["city_value"] is not None:
            st.caption(t("map.bergen", year=year, value=shown(data["city_value"])))
        links = q(read.places.zone_areas, level)
        for a in links[links["zone_code"] == selected].itertuples():
            st.page_link("pages/omrade.py", label=t("overview.open_area", name=ui.plain(a.area_name)),
                         query_params={"omrade": a.slug}, icon=":material/arrow_forward:")
        profiles = q(read.indicators.zone_profiles, level, year, lang())  # one read for every zone clicked
        profile = profiles[profiles["zone_code"] == selected]
        if not profile.empty:
            with st.expander(t("map.all_indicators", year=year)):
                for r in profile.itertuples():
                    mine = t("common.suppressed") if r.suppressed else (
                        fmt.value(r.value, r.unit, r.decimals, lang()) or "–")
                    city = fmt.value(r.city_value, r.unit, r.decimals, lang()) or "–"
                    mark = f" · *{t('common.illustrative')}*" if r.illustrative else ""
                    st.markdown(f"**{ui.plain(r.name)}**: {mine} (Bergen {city}){mark}")
    if selected or picked_investment is not None:
        st.divider()
    st.markdown(f"**{ui.plain(name)}, {year}**")
    if "zones" in layers:
        rows = [(r["colour"], r["label"], t("map.zones_count", n=r["count"])) for r in data["legend"]]
        if data["suppressed"] or data["missing"]:
            rows.append((choropleth.NO_DATA_HEX, t("map.no_data_legend"),
                         t("map.zones_count", n=data["suppressed"] + data["missing"])))
        st.html(maps.legend_html(rows))
        st.caption(t("map.darker_worse"))
    if data["city_value"] is not None:
        st.markdown(t("map.bergen", year=year, value=shown(data["city_value"])))
    if data["any_illustrative"] or data["city_illustrative"]:
        st.markdown(ui.illustrative_badge())
    lines = []
    if "areas" in layers:
        lines += [(maps.AREA_LINE_RGB[state], 4, t("map.legend_area_state", state=t(f"state.{state}").lower()))
                  for state in ("active", "preproject", "ended")]
    if "bydeler" in layers:
        lines.append((maps.BYDEL_LINE_RGB, 2, t("map.legend_bydeler")))
    if lines:
        st.html(maps.lines_legend_html(lines))
    if "investments" in layers:
        cats = sorted(set(invest["category"]))
        st.html(maps.points_legend_html([(maps.CATEGORY_RGB.get(c, [0, 0, 0]), t(f"category.{c}")) for c in cats],
                                        t("map.legend_investments")))
    if not (selected or picked_investment is not None):
        st.caption(t("map.click_hint"))


# Say how the areas are drawn: by their delområde stand-ins, or (after a zone-file import) by their own
# levekårssoner.
approximate = any(f["properties"].get("note") for f in q(read.places.area_features)["features"])
editions = [edition_names[edition]] if edition else q(read.places.editions, level)
st.caption(f":material/info: {t('map.approximation' if approximate else 'map.areas_from_zones')} "
           f"{t('map.geometry_source')}"
           + (" " + t("map.edition", level=t(f"map.level_{level}").lower(), editions=ui.plain(", ".join(editions)))
              if editions else ""))

st.header(t("map.table_heading", indicator=name, year=year))
out = table.sort_values("value", ascending=data["higher_is_better"], na_position="last")  # least favourable first
note = np.select([out["suppressed"], out["value"].isna(), out["derived"]],
                 [t("common.suppressed"), t("map.no_data"), t("map.tip_derived")], default="")
view = {
    t("map.col_zone"): out["zone_name"],
    t("map.col_parent"): out["parent_name"],
    t("map.col_value"): out["value"].astype("Float64"),
    t("map.col_note"): note,
    t("map.col_period"): out["period"],
    t("cols.illustrative"): out["illustrative"].map(ui.yes_no),
    t("map.col_source"): out["source_title"],
}
view = pd.DataFrame(view).reset_index(drop=True)
st.dataframe(view.style.format({t("map.col_value"): shown}, na_rep="–"), hide_index=True, width="stretch")
download = view.assign(**{t("map.col_code"): out["zone_code"].to_numpy(), t("map.col_licence"): out["licence"].to_numpy(),
                          t("map.col_indicator"): name, t("map.col_year"): year})
ui.download_buttons(download, f"kart-{indicator}-{level}-{year}", key="map_dl")
