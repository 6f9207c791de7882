"""Oversikt: the programme at a glance — areas, key figures, what changed lately."""

import datetime as dt

import streamlit as st

from components import shell, ui
from components.data import q
from components.i18n import lang, t
from omradesatsing import formatting as fmt, read

shell.header("overview.title", "overview.intro")
ui.illustrative_notice()

areas = q(read.places.areas)
measures = read.programme.status_summary(q(read.programme.measures))  # counted as Delprogrammer and the presentation count
money = q(read.money.investment_summary)  # the same totals as Investeringer and the presentation (computed in the core)
grants = q(read.money.grant_summary)

# Two by two: at 1280×720 four cards in a row cut amounts like "279,0 mill. kr".
c1, c2 = st.columns(2)
c3, c4 = st.columns(2)
c1.metric(t("overview.kpi_active_areas"), int((areas["state"] != "ended").sum()), border=True,
          help=t("overview.kpi_active_areas_help"))
on_track = measures["by_status"]["on_track"] + measures["by_status"]["completed"]
c2.metric(t("overview.kpi_measures"), measures["measures"], border=True,
          help=t("overview.kpi_measures_help", on_track=on_track))
budget_label = t("overview.kpi_budget") + (f" · {t('common.illustrative')}" if money["any_illustrative"] else "")
c3.metric(budget_label, ui.mnok(money["budget_nok"]), border=True, help=t("overview.kpi_budget_help"))
c4.metric(t("overview.kpi_grants"), ui.mnok(grants["known_nok"]), border=True,
          help=t("overview.kpi_grants_help", first=grants["first"], last=grants["last"]))
st.caption(t("overview.kpi_caption"))
st.page_link("pages/presentasjon.py", label=t("presentation.open"), icon=":material/co_present:")

st.header(t("overview.areas_heading"))
cols = st.columns(3)
for i, a in enumerate(areas.itertuples()):
    with cols[i % 3].container(border=True):
        st.subheader(ui.plain(a.name))
        n_measures = measures["by_area"].get(a.slug, 0)
        # One markdown element for the card's lines (each element is redrawn on every rerun).
        st.markdown(f"{ui.state_badge(a.state)} {ui.period_text(a.start_year, a.end_year)}\n\n"
                    f"{t('overview.area_bydel', bydel=ui.plain(a.bydel_name) or '–')}\n\n"
                    f"{t('overview.area_measures', n=n_measures)}")
        st.page_link("pages/omrade.py", label=t("overview.open_area", name=ui.plain(a.name)),
                     icon=":material/arrow_forward:",
                     query_params={"omrade": a.slug})
st.caption(ui.source_line(areas["source_title"].iloc[0], None, False))

st.header(t("overview.changes_heading"))
changes = q(read.programme.changed_since, dt.datetime(2000, 1, 1)).head(8)
if changes.empty:
    st.markdown(t("overview.no_changes"))
items = []
for row in changes.itertuples():
    before = ui.status_text(row.previous_status) if row.previous_status else "–"
    mark = f" {ui.illustrative_badge()}" if row.illustrative else ""
    # Stored text (the measure's name, the editor's comment) shows as typed: ui.plain.
    items.append(f"- **{ui.plain(row.measure_name)}**: {before} → {ui.status_badge(row.status)} "
                 f"({fmt.date(row.changed_at, lang())}){mark}  \n  {ui.plain(row.comment)}")
if items:
    st.markdown("\n\n".join(items))  # one (loose) list, one element
st.page_link("pages/delprogrammer.py", label=t("overview.all_changes"), icon=":material/arrow_forward:")
