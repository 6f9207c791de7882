"""The area map: pydeck (deck.gl), no basemap by default, so it works offline.

``map_provider=None`` is the only pydeck setting that makes Streamlit load no tiles at all
(``map_style=None`` still fetches Carto's tiles). An online basemap is a MapLibre style passed as a ``data:`` URL
(``omradesatsing.geo.basemap_style_url``); MapLibre shows its attribution on the map.

Everything heavy is cached per (level, indicator, year, scheme, language; one store per process): simplified
geometry, classes, colours and tooltips are not rebuilt on a rerun that only changes the
selection or the layers.
"""

from __future__ import annotations

import html
import json

import pydeck as pdk
import streamlit as st
from pydeck.bindings.json_tools import default_serialize

from components import ui
from components.data import TTL_SECONDS, q
from components.i18n import lang, t, tr
from omradesatsing import choropleth, config, formatting as fmt, geo, names, read

LAYERS = ("zones", "areas", "bydeler", "investments")
MAP_HEIGHT = 440
MAP_WIDTH_GUESS = 540  # the map column's width at 1280 px; used to fit Bergen on load
# Okabe–Ito colours (distinguishable with the common colour-vision deficiencies); category is
# also written in the tooltip, the side panel and the legend.
CATEGORY_RGB = {
    "physical_upgrading": [230, 159, 0], "schools": [86, 180, 233], "parks_squares": [0, 158, 115],
    "culture_social": [204, 121, 167], "housing_cooperatives": [213, 94, 0], "paths_lighting": [240, 228, 66],
}
# Programme areas by state: dark navy (active), purple (pre-project), grey (ended); the legend
# says which is which in words, and the zone tooltips name the areas.
AREA_LINE_RGB = {"active": [8, 48, 107], "preproject": [118, 42, 131], "ended": [90, 90, 90]}
BYDEL_LINE_RGB = [60, 60, 60]
SELECTED_LINE_RGB = [0, 0, 0]
# pydeck 0.9 sends every string property as a deck.gl expression ("@@=…"), so literal strings
# must be quoted inside. TextLayer's default character set is ASCII only: add Norwegian letters
# (its "auto" mode cannot be passed through pydeck). No ' or \ (they would end the literal).
LABEL_CHARACTERS = "'" + "".join(c for c in map(chr, range(32, 127)) if c not in "'\\") + "æøåÆØÅéèüöäÉ–'"
LABEL_PX = 16
LABEL_FONT = "'Source Sans, Source Sans Pro, DejaVu Sans, sans-serif'"


class CompactDeck(pdk.Deck):
    """pydeck's JSON is indented (every coordinate on its own line): about 4× the bytes sent to
    the browser on each rerun. Same content, no whitespace."""

    def to_json(self) -> str:
        return json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"))


def classes_legend(classes: choropleth.Classes, unit: str, decimals: int, language: str) -> list[dict]:
    """One legend row per class: colour, the range in the indicator's unit, and how many zones."""
    rows = []
    for i in range(classes.k):
        low = fmt.value(classes.lower[i], unit, decimals, language)
        high = fmt.value(classes.upper[i], unit, decimals, language)
        label = low if low == high else f"{low} – {high}"
        rows.append({"colour": classes.colours[i], "label": label, "count": classes.counts[i]})
    return rows


@st.cache_data(ttl=TTL_SECONDS, max_entries=64, show_spinner=False)
def choropleth_data(level: str, indicator: str, year: int, scheme: str, language: str,
                    edition: str | None = None) -> dict:
    """Zones with colour and tooltip for one indicator and year; legend, table and Bergen's value.

    Suppressed values never reach this function (``read.indicators`` hides them), so nothing here can
    send them to the browser.
    """
    meta = q(read.indicators.indicators).set_index("key").loc[indicator]
    unit, decimals, better_high = meta["unit"], int(meta["decimals"]), bool(meta["higher_is_better"])
    name = meta[f"name_{language}"]
    values = q(read.indicators.zone_map_values, indicator, level, year, edition)
    classes = choropleth.classify(values["value"].tolist(), scheme=scheme, higher_is_better=better_high)
    areas = q(read.places.zone_areas, level)
    area_names = areas.groupby("zone_code")["area_name"].agg(lambda s: ", ".join(sorted(s))).to_dict()
    # A zone named like a programme area (the delområde Loddefjord) is named with its level, so its figure
    # is not read as the area's.
    programme_areas = list(q(read.places.areas)["name"])
    level_word = tr(language, f"map.level_one_{level}")
    values = values.assign(zone_name=[f"{n} ({level_word})" if isinstance(n, str) and names.named_like_an_area(
        n, programme_areas) else n for n in values["zone_name"]])
    by_code = values.set_index("zone_code")
    features = []
    for f in q(read.places.zone_features, level, edition=edition)["features"]:
        code = f["properties"]["code"]
        row = by_code.loc[code] if code in by_code.index else None
        value = None if row is None else row["value"]
        label = row["zone_name"] if row is not None else f["properties"]["name"]
        lines = [label]
        if row is not None and row["suppressed"]:
            shown = tr(language, "map.suppressed_long")
        elif value is None or value != value:
            shown = tr(language, "map.no_data")
        else:
            shown = fmt.value(value, unit, decimals, language)
        lines.append(f"{name}: {shown}")
        if row is not None and isinstance(row["period"], str):
            lines.append(tr(language, "map.tip_period", period=row["period"]))
            lines.append(tr(language, "map.tip_source", source=row["source_title"]))
            if row["derived"]:
                lines.append(tr(language, "map.tip_derived"))
            if row["illustrative"]:
                lines.append(tr(language, "common.illustrative"))
        if code in area_names:
            lines.append(tr(language, "map.tip_areas", names=area_names[code]))
        colour = choropleth.hex_to_rgb(classes.colour(None if row is None or row["suppressed"] else value))
        features.append({"type": "Feature", "geometry": f["geometry"],
                         "properties": {"code": code, "name": label, "fill": colour + [215],
                                        "tooltip": "\n".join(lines)}})
    city = q(read.indicators.city_values, year)
    city = city[city["indicator"] == indicator]
    city_row = None if city.empty else city.iloc[0]
    return {
        "features": {"type": "FeatureCollection", "features": features},
        "legend": classes_legend(classes, unit, decimals, language),
        "higher_is_better": better_high,
        "indicator_name": name,
        "unit": unit,
        "decimals": decimals,
        "table": values,
        "city_value": None if city_row is None else city_row["value"],
        "city_illustrative": False if city_row is None else bool(city_row["illustrative"]),
        "any_illustrative": bool(values["illustrative"].any()),
        "suppressed": int(values["suppressed"].sum()),
        "missing": int((values["value"].isna() & ~values["suppressed"]).sum()),
    }


@st.cache_data(ttl=TTL_SECONDS, max_entries=8, show_spinner=False)
def area_outlines() -> tuple[dict, list[dict]]:
    """Programme areas as outlines, and one label per drawn shape (areas that share one are joined)."""
    areas = q(read.places.area_features)
    labels: dict[tuple, list[str]] = {}
    for f in areas["features"]:
        p = f["properties"]
        p["line"] = AREA_LINE_RGB.get(p["state"], AREA_LINE_RGB["ended"])
        key = tuple(geo.label_point(f["geometry"]))
        if p["name"] not in labels.setdefault(key, []):
            labels[key].append(p["name"])
    points = [{"position": list(k), "name": " / ".join(v)} for k, v in labels.items()]
    return areas, points


@st.cache_data(ttl=TTL_SECONDS, max_entries=8, show_spinner=False)
def bergen_view() -> dict:
    return geo.fit_view(geo.bounds(q(read.places.zone_features, "kommune")), MAP_WIDTH_GUESS, MAP_HEIGHT)


def investment_points(investments, language: str) -> list[dict]:
    """Investments as points: size by budget, colour by category, tooltip with name, amount, status."""
    rows = []
    for r in investments.dropna(subset=["lon", "lat"]).itertuples():
        lines = [r.name,
                 f"{fmt.million_kroner(int(r.budget_nok), 1, language)} · {tr(language, 'category.' + r.category)}",
                 f"{tr(language, 'investment_status.' + r.status)} · {ui.period_text(r.start_year, r.end_year)}"]
        if config.media_path(r.photo_before) or config.media_path(r.photo_after):
            lines.append(tr(language, "map.tip_photo"))
        if r.illustrative:
            lines.append(tr(language, "common.illustrative"))
        rows.append({"id": int(r.id), "lon": float(r.lon), "lat": float(r.lat),
                     "colour": CATEGORY_RGB.get(r.category, [0, 0, 0]) + [235],
                     "radius": max(float(r.budget_nok), 1.0) ** 0.5 / 6, "tooltip": "\n".join(lines)})
    return rows


def build_deck(*, level: str, indicator: str, year: int, scheme: str, layers: tuple[str, ...],
               selected_zone: str | None, basemap: str, investments=None,
               edition: str | None = None) -> tuple[pdk.Deck, dict]:
    """The deck for the Kart page, and the choropleth data behind it (legend, table); ``edition``: the
    boundary edition drawn where a level has several."""
    language = lang()
    data = choropleth_data(level, indicator, year, scheme, language, edition)
    outlines, labels = area_outlines()
    online = basemap != "none"
    view = bergen_view()
    deck_layers = [
        pdk.Layer("GeoJsonLayer", q(read.places.zone_features, "kommune", include_neighbours=True), id="neighbours",
                  filled=True, stroked=True, get_fill_color=[236, 236, 232, 0 if online else 255],
                  get_line_color=[185, 185, 180], line_width_min_pixels=1),
    ]
    if "zones" in layers:
        deck_layers.append(pdk.Layer(
            "GeoJsonLayer", data["features"], id="zones", filled=True, stroked=True, pickable=True,
            get_fill_color="properties.fill", get_line_color=[255, 255, 255], line_width_min_pixels=1,
            auto_highlight=True, highlight_color=[0, 0, 0, 60]))
    else:
        deck_layers.append(pdk.Layer(
            "GeoJsonLayer", q(read.places.zone_features, "kommune"), id="bergen", filled=True, stroked=True,
            get_fill_color=[250, 250, 247, 0 if online else 255], get_line_color=[110, 110, 110],
            line_width_min_pixels=1))
    if "bydeler" in layers:
        deck_layers.append(pdk.Layer(
            "GeoJsonLayer", q(read.places.zone_features, "bydel"), id="bydeler", filled=False, stroked=True,
            get_line_color=BYDEL_LINE_RGB, line_width_min_pixels=2))
    if selected_zone:
        chosen = [f for f in data["features"]["features"] if f["properties"]["code"] == selected_zone]
        if chosen:
            deck_layers.append(pdk.Layer(
                "GeoJsonLayer", {"type": "FeatureCollection", "features": chosen}, id="selected", filled=False,
                stroked=True, get_line_color=SELECTED_LINE_RGB, line_width_min_pixels=5))
    if "areas" in layers:
        deck_layers.append(pdk.Layer(
            "GeoJsonLayer", outlines, id="areas", filled=False, stroked=True, get_line_color="properties.line",
            line_width_min_pixels=4))
    if "investments" in layers and investments is not None and not investments.empty:
        deck_layers.append(pdk.Layer(
            "ScatterplotLayer", investment_points(investments, language), id="investments",
            get_position=["lon", "lat"], get_fill_color="colour", get_radius="radius", radius_min_pixels=5,
            radius_max_pixels=26, stroked=True, get_line_color=[20, 20, 20], line_width_min_pixels=1.5,
            pickable=True))
    if "areas" in layers:
        deck_layers.append(pdk.Layer(
            "TextLayer", geo.place_labels(labels, view["zoom"], LABEL_PX), id="area_labels",
            get_position="position", get_text="name", get_size=LABEL_PX, get_pixel_offset="offset",
            get_color=[10, 10, 10], get_text_anchor="'middle'", get_alignment_baseline="'center'",
            font_family=LABEL_FONT, font_weight=700, character_set=LABEL_CHARACTERS, background=True,
            get_background_color=[255, 255, 255, 230], get_border_color=[60, 60, 60, 255],
            get_border_width=1, background_padding=[5, 2, 5, 2]))
    kwargs = {"map_provider": None}
    if online:
        kwargs = {"map_provider": "carto", "map_style": geo.basemap_style_url(basemap)}
    deck = CompactDeck(
        layers=deck_layers, initial_view_state=pdk.ViewState(**view, min_zoom=8, max_zoom=16),
        tooltip={"text": "{tooltip}", "style": {"fontSize": "16px", "maxWidth": "360px", "whiteSpace": "pre-line"}},
        **kwargs,
    )
    return deck, data


# --- legend and detail pieces (colour is never alone: every swatch has its range in words) ---

_SWATCH = ("display:inline-block;width:1.6em;height:1.05em;margin-right:.45em;vertical-align:-.15em;"
           "border:1px solid #555;background:{bg}")
_ROW = "<div style='font-size:1rem;line-height:1.7'>{body}</div>"


def _rgb(rgb) -> str:
    return f"rgb({rgb[0]},{rgb[1]},{rgb[2]})"


def legend_html(rows: list[tuple[str, str, str]]) -> str:
    """Class swatches: (hex colour, range label, count label)."""
    return "".join(
        _ROW.format(body=f"<span style='{_SWATCH.format(bg=colour)}'></span>{html.escape(label)} "
                         f"<span style='color:#555'>({html.escape(count)})</span>")
        for colour, label, count in rows)


def lines_legend_html(rows: list[tuple[list[int], int, str]]) -> str:
    """Outline symbols: (rgb, width in px, label)."""
    return "".join(
        _ROW.format(body=f"<span style='display:inline-block;width:1.6em;height:0;margin-right:.45em;"
                         f"vertical-align:.3em;border-top:{width}px solid {_rgb(rgb)}'></span>{html.escape(label)}")
        for rgb, width, label in rows)


def points_legend_html(rows: list[tuple[list[int], str]], title: str) -> str:
    dots = "".join(
        _ROW.format(body=f"<span style='display:inline-block;width:.9em;height:.9em;border-radius:50%;"
                         f"margin:0 .55em 0 .35em;border:1px solid #222;background:{_rgb(rgb)}'></span>"
                         f"{html.escape(label)}")
        for rgb, label in rows)
    return _ROW.format(body=html.escape(title)) + dots


def investment_detail(r) -> None:
    """The side panel for a clicked investment: amounts, status, years, funding and photos."""
    st.subheader(ui.plain(r["name"]))
    project_facts(r)
    photos(r)


def project_facts(r) -> None:
    """Category, status, years, amounts, funding, description and source of one project
    (shared by Kart's side panel and the project detail on Investeringer)."""
    st.markdown(f"{t('category.' + r['category'])} · {t('investment_status.' + r['status'])} · "
                f"{ui.period_text(r['start_year'], r['end_year'])}")
    st.markdown(t("map.budget_spent", budget=ui.mnok(r["budget_nok"]), spent=ui.mnok(r["spent_nok"]))
                + (f" {ui.illustrative_badge()}" if r["illustrative"] else ""))
    st.markdown(t("map.funding", funding=t("funding." + r["funding_source"])))
    if isinstance(r["description"], str) and r["description"]:
        st.text(r["description"])  # user text: never rendered as markdown or HTML
    ui.caption_source(r["source_title"])


def photos(r) -> None:
    """Before and after: a file in the media folder is shown (served by this app); anything else,
    a web address too, is the neutral placeholder (no image or link from another host)."""
    cols = st.columns(2)
    for col, (label, ref) in zip(cols, ((t("map.photo_before"), r["photo_before"]),
                                        (t("map.photo_after"), r["photo_after"])), strict=True):
        with col:
            path = config.media_path(ref)
            if path is not None:
                st.image(str(path), caption=label)
            else:
                st.markdown(f"**{label}:** :material/image_not_supported: {t('map.no_photo')}")
