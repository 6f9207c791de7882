"""Område: one area's profile, chosen in the URL (``?omrade=loddefjord``)."""

import streamlit as st

from components import filters, programme as prog, ui
from components.data import q
from components.i18n import lang, t
from omradesatsing import formatting as fmt, read

areas = q(read.places.areas)
names = dict(zip(areas["slug"], areas["name"], strict=True))
slug = filters.selectbox(t("area.pick"), list(names), format_func=names.get, key="omrade")
a = areas.set_index("slug").loc[slug]

st.title(ui.plain(a["name"]))
st.markdown(f"{ui.state_badge(a['state'])} {ui.period_text(a['start_year'], a['end_year'])} · "
            f"{t('overview.area_bydel', bydel=ui.plain(a['bydel_name']) or '–')}")
st.markdown(ui.plain(a["description"]))
st.caption(f"{ui.plain(a['geometry_note'])} {ui.source_line(a['source_title'])}")

profile = q(read.indicators.area_gaps, slug, lang())
st.header(t("area.key_figures"))
if profile.empty:
    st.markdown(t("area.no_figures"))
else:
    cols = st.columns(3)
    for i, r in enumerate(profile.itertuples()):
        shown = t("common.suppressed") if r.suppressed else (
            fmt.value(r.value, r.unit, r.decimals, lang()) or (r.value_text or "–"))
        city = fmt.value(r.city_value, r.unit, r.decimals, lang()) or "–"
        with cols[i % 3]:
            st.metric(ui.plain(r.name), shown, border=True,
                      help=ui.source_line(r.source_title, r.period, r.illustrative))
            st.caption(t("area.city_compare", city=city, period=r.period)
                       + (f" · **{t('common.illustrative')}**" if r.illustrative or r.city_illustrative else ""))
    st.page_link("pages/indikatorer.py", label=t("area.to_profile"), icon=":material/monitoring:",
                 query_params={"profil": slug})
    ui.download_buttons(profile[["name", "period", "value", "value_text", "suppressed", "illustrative", "source_title",
                                 "city_value", "city_illustrative"]], f"omrade-{slug}-nokkeltall", key="profile_dl")

st.header(t("area.measures"))
m = q(read.programme.measures, slug)
if m.empty:
    st.markdown(t("area.no_measures"))
items = []
for r in m.itertuples():
    mark = f" {ui.illustrative_badge()}" if r.illustrative or r.status_illustrative else ""
    stale = f"{prog.stale_mark(r.stale)} ·" if r.stale else ""  # ⚠ beside the status, then the name
    items.append(f"- {ui.status_badge(r.status)}{stale} **{ui.plain(r.name)}** ({t('programme.subprogramme').lower()} "
                 f"{r.subprogramme_number}){mark}")
if items:
    st.markdown("\n\n".join(items))  # one (loose) list: one element, not one per measure

st.header(t("area.investments"))
inv = q(read.money.investments, slug)
if inv.empty:
    st.markdown(t("area.no_investments"))
else:
    total = q(read.money.investment_summary, area_slugs=(slug,))  # the figure Oversikt and Investeringer show
    st.markdown(t("area.investments_sum", n=total["projects"], amount=ui.mnok(total["budget_nok"]))
                + f" {ui.illustrative_badge()}")

st.header(t("area.participation"))
part = q(read.programme.participation, slug)
if part.empty:
    st.markdown(t("area.no_participation"))
else:
    pt = part.head(10).copy()
    pt["kind"] = pt["kind"].map(lambda k: t("participation." + k))
    pt["date"] = pt["date"].map(lambda d: fmt.date(d, lang()))
    pt["illustrative"] = pt["illustrative"].map(ui.yes_no)
    pt = pt[["date", "kind", "title", "participants", "illustrative"]]
    pt.columns = [t("cols.date"), t("cols.kind"), t("cols.title"), t("cols.participants"), t("cols.illustrative")]
    st.dataframe(pt, hide_index=True, width="stretch")
