"""The area map: pydeck (deck.gl) with no basemap by default, so it works offline.

``map_provider=None`` is the only pydeck setting that makes Streamlit load no tiles at all
(STREAMLIT-NOTES §3.1); an online basemap is opt-in with ``OMRADESATSING_BASEMAP``.
"""

from __future__ import annotations

import os

import pydeck as pdk
import streamlit as st
from shapely.geometry import shape

from components.data import q

# Colour-blind-safe, from the Okabe–Ito palette; state is also written in the label and table.
STATE_RGB = {"active": [0, 114, 178], "preproject": [204, 121, 167], "ended": [120, 120, 120]}
CATEGORY_RGB = {
    "physical_upgrading": [230, 159, 0], "schools": [86, 180, 233], "parks_squares": [0, 158, 115],
    "culture_social": [204, 121, 167], "housing_cooperatives": [213, 94, 0], "paths_lighting": [240, 228, 66],
}
BERGEN_VIEW = pdk.ViewState(latitude=60.37, longitude=5.33, zoom=9.4, min_zoom=7, max_zoom=16)


def basemap_kwargs() -> dict:
    mode = os.environ.get("OMRADESATSING_BASEMAP", "none")
    if mode == "none":
        return {"map_provider": None}
    return {"map_provider": "carto", "map_style": mode}


def label_points(collection: dict, name_key: str = "name") -> list[dict]:
    """One label per feature, at a point inside it."""
    out = []
    for f in collection["features"]:
        p = shape(f["geometry"]).representative_point()
        out.append({"name": f["properties"][name_key], "position": [round(p.x, 5), round(p.y, 5)]})
    return out


def area_map(*, investments=None, height: int = 560, key: str = "area_map"):
    """Bergen's delområder, the programme areas outlined and labelled, investments as points."""
    from components.i18n import t

    neighbours = q("zone_features", "kommune", include_neighbours=True)
    delomraader = q("zone_features", "delomraade")
    areas = q("area_features")
    for f in areas["features"]:
        p = f["properties"]
        p["fill"] = STATE_RGB.get(p["state"], [120, 120, 120]) + [90]
        p["line"] = STATE_RGB.get(p["state"], [120, 120, 120]) + [255]
        p["state_text"] = t(f"state.{p['state']}")
        p["tooltip"] = f"{p['name']} – {p['state_text']}"
    for f in delomraader["features"]:
        f["properties"]["tooltip"] = f"{f['properties']['name']} ({t('map.delomraade')})"

    layers = [
        pdk.Layer("GeoJsonLayer", neighbours, id="neighbours", filled=True, stroked=True,
                  get_fill_color=[235, 235, 230], get_line_color=[190, 190, 185], line_width_min_pixels=1),
        pdk.Layer("GeoJsonLayer", delomraader, id="zones", filled=True, stroked=True, pickable=True,
                  get_fill_color=[250, 250, 247], get_line_color=[110, 110, 110], line_width_min_pixels=1),
        pdk.Layer("GeoJsonLayer", areas, id="areas", filled=True, stroked=True, pickable=True,
                  get_fill_color="properties.fill", get_line_color="properties.line", line_width_min_pixels=3),
        pdk.Layer("TextLayer", label_points(areas), id="area_labels", get_position="position", get_text="name",
                  get_size=16, get_color=[20, 20, 20], get_text_anchor="'middle'", font_weight=700,
                  outline_width=3, outline_color=[255, 255, 255], font_settings={"sdf": True},
                  character_set="auto"),
    ]
    if investments is not None and not investments.empty:
        pts = investments.dropna(subset=["lon", "lat"]).copy()
        pts["color"] = pts["category"].map(lambda c: CATEGORY_RGB.get(c, [0, 0, 0]) + [230])
        pts["radius"] = (pts["budget_nok"].clip(lower=1) ** 0.5) / 8
        pts["tooltip"] = pts["tooltip"] if "tooltip" in pts else pts["name"]
        layers.append(pdk.Layer("ScatterplotLayer", pts, id="investments", get_position=["lon", "lat"],
                                get_fill_color="color", get_radius="radius", radius_min_pixels=5,
                                radius_max_pixels=30, stroked=True, get_line_color=[20, 20, 20],
                                line_width_min_pixels=1, pickable=True))
    deck = pdk.Deck(layers=layers, initial_view_state=BERGEN_VIEW, tooltip={"text": "{tooltip}"},
                    **basemap_kwargs())
    return st.pydeck_chart(deck, height=height, key=key, on_select="rerun", selection_mode="single-object")
