"""Kart: Bergen's delområder, the programme areas and the investments, offline-safe."""

from components.shell import ensure_frame

ensure_frame()

import streamlit as st  # noqa: E402

from components import maps, shell, ui  # noqa: E402
from components.data import q  # noqa: E402
from components.i18n import t  # noqa: E402

shell.header("map.title", "map.intro")
st.warning(t("map.approximation"), icon=":material/info:")

invest = q("investments").copy()
invest["tooltip"] = invest.apply(
    lambda r: f"{r['name']} – {ui.mnok(r['budget_nok'])} – {t('investment_status.' + r['status'])}"
    + (f" ({t('common.illustrative')})" if r["illustrative"] else ""),
    axis=1,
)
show_investments = st.toggle(t("map.show_investments"), value=True, key="map_investments")

left, right = st.columns([3, 1])
with left:
    event = maps.area_map(investments=invest if show_investments else None)
with right:
    st.subheader(t("map.legend"))
    for state in ("active", "preproject", "ended"):
        rgb = maps.STATE_RGB[state]
        st.markdown(f"<span style='display:inline-block;width:1.1em;height:1.1em;border:3px solid "
                    f"rgb({rgb[0]},{rgb[1]},{rgb[2]});vertical-align:middle'></span> {t('state.' + state)}",
                    unsafe_allow_html=True)
    if show_investments:
        st.markdown(f"{t('map.legend_investments')} {ui.illustrative_badge()}")
    picked = (event.selection.get("objects", {}) if event and event.selection else {})
    area_pick = picked.get("areas", [])
    if area_pick:
        props = area_pick[0].get("properties", area_pick[0])
        st.subheader(props.get("name", ""))
        st.markdown(props.get("note", ""))
        st.page_link("pages/omrade.py", label=t("overview.open_area", name=props.get("name", "")),
                     query_params={"omrade": props.get("slug", "")}, icon=":material/arrow_forward:")
    else:
        st.caption(t("map.click_hint"))

st.subheader(t("map.table_heading"))
areas = q("areas")
table = areas[["name", "state", "start_year", "end_year", "bydel_name", "geometry_note"]].copy()
table["state"] = table["state"].map(lambda s: t("state." + s))
table.columns = [t("map.col_area"), t("map.col_state"), t("map.col_start"), t("map.col_end"), t("map.col_bydel"),
                 t("map.col_geometry")]
st.dataframe(table, hide_index=True, width="stretch")
ui.caption_source(t("map.geometry_source"), "2025")
