"""Område: one area's profile, chosen in the URL (``?omrade=loddefjord``). What matters first: the key
figures against Bergen in words, what happens next and the measures; then money, a small map,
participation, research and contacts, and the meeting pack. The pieces are in ``components/area.py``."""

import streamlit as st

from components import area as view, filters, ui
from components.data import q
from components.i18n import t
from components.packs import pack_buttons
from omradesatsing import read

areas = q(read.places.areas)
names = dict(zip(areas["slug"], areas["name"], strict=True))
slug = filters.selectbox(t("area.pick"), list(names), format_func=names.get, key="omrade")
a = areas.set_index("slug").loc[slug]

st.title(ui.plain(a["name"]))
st.markdown(f"{ui.state_badge(a['state'])} {ui.period_text(a['start_year'], a['end_year'])} · "
            f"{t('overview.area_bydel', bydel=ui.plain(a['bydel_name']) or '–')}  \n{ui.plain(a['description'])}")
st.caption(ui.source_line(a["source_title"]))

st.header(t("area.key_figures"))
figures = view.key_figures(slug)
if not figures.empty:
    st.page_link("pages/indikatorer.py", label=t("area.to_profile"), icon=":material/monitoring:",
                 query_params={"profil": slug})

st.header(t("area.next_heading"))
view.next_milestones(slug)

st.header(t("area.measures"))
view.measures(slug)

st.header(t("area.investments"))
view.investments(slug)

st.header(t("area.map_heading"))
view.area_map(slug, a["name"])

st.header(t("area.participation"))
view.participation(slug)

st.header(t("area.publications"))
view.publications(slug)

st.header(t("area.contacts"))
view.contacts(slug)

st.header(t("area.packs"))
st.caption(t("area.packs_intro"))
pack_buttons(slug, key="omrade")
if not figures.empty:
    ui.download_buttons(figures[["name", "period", "value", "value_text", "suppressed", "illustrative", "source_title",
                                 "city_value", "city_illustrative", "judgement"]],
                        f"omrade-{slug}-nokkeltall", key="profile_dl")
