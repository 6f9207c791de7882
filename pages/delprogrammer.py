"""Delprogrammer: the programme as a tree — pillar, subprogramme with its goal, measures with status."""

from components.shell import ensure_frame

ensure_frame()

import datetime as dt  # noqa: E402

import streamlit as st  # noqa: E402

from components import filters, shell, ui  # noqa: E402
from components.data import q  # noqa: E402
from components.i18n import lang, t  # noqa: E402
from omradesatsing import formatting as fmt  # noqa: E402

shell.header("programme.title", "programme.intro")

subs = q("subprogrammes")
measures = q("measures")
areas = q("areas")
names = dict(zip(areas["slug"], areas["name"], strict=True))

area = filters.selectbox(t("programme.filter_area"), [""] + list(names),
                         format_func=lambda s: names.get(s, t("common.all")), key="omrade")
if area:
    measures = measures[measures["area_slugs"].map(lambda s: area in s)]

counts = measures["status"].value_counts()
cols = st.columns(5)
for col, status in zip(cols, ("on_track", "at_risk", "off_track", "completed", "not_started"), strict=True):
    col.metric(ui.status_text(status), int(counts.get(status, 0)), border=True)
st.caption(t("programme.status_caption"))

for sub in subs.itertuples():
    mine = measures[measures["subprogramme_number"] == sub.number]
    label = f"{t('programme.subprogramme')} {sub.number}: {sub.name} ({len(mine)})"
    with st.expander(label, expanded=sub.number == 2):
        st.markdown(f"**{t('programme.pillar')}:** {getattr(sub, 'pillar_' + lang())}")
        st.markdown(f"**{t('programme.goal')}:** {sub.goal}")
        if sub.leader:
            st.markdown(f"**{t('programme.leader')}:** {sub.leader}")
        ui.caption_source(sub.source_title, None, bool(sub.illustrative))
        if mine.empty:
            st.markdown(t("programme.no_measures"))
            continue
        table = mine[["name", "area_names", "status", "progress", "responsible_unit", "start_date", "end_date",
                      "updated_at", "illustrative", "status_illustrative"]].copy()
        table["status"] = table["status"].map(ui.status_text)
        table["start_date"] = table["start_date"].map(lambda d: fmt.date(d, lang()))
        table["end_date"] = table["end_date"].map(lambda d: fmt.date(d, lang()))
        table["updated_at"] = table["updated_at"].map(lambda d: fmt.date(d, lang()))
        table["illustrative"] = table.apply(
            lambda r: t("programme.example_measure") if r["illustrative"] else (
                t("programme.example_status") if r["status_illustrative"] else t("common.no")), axis=1)
        table = table.drop(columns=["status_illustrative"])
        table.columns = [t("cols.measure"), t("cols.areas"), t("cols.status"), t("cols.progress"),
                         t("cols.responsible"), t("cols.start"), t("cols.end"), t("cols.updated"),
                         t("cols.illustrative")]
        st.dataframe(table, hide_index=True, width="stretch", column_config={
            t("cols.progress"): st.column_config.ProgressColumn(t("cols.progress"), min_value=0, max_value=100,
                                                                format="%d %%")})

st.subheader(t("programme.changed_since_heading"))
since = st.date_input(t("programme.changed_since"), value=dt.date(2026, 9, 1), format="DD.MM.YYYY",
                      key="endret_siden")
changes = q("changed_since", dt.datetime.combine(since, dt.time()), area or None)
if changes.empty:
    st.markdown(t("programme.no_changes"))
else:
    ch = changes.copy()
    ch["before"] = ch["previous_status"].map(lambda s: ui.status_text(s) if s else "–")
    ch["after"] = ch["status"].map(ui.status_text)
    ch["changed_at"] = ch["changed_at"].map(lambda d: fmt.date(d, lang()))
    ch["illustrative"] = ch["illustrative"].map(ui.yes_no)
    ct = ch[["changed_at", "measure_name", "before", "after", "comment", "changed_by", "illustrative"]]
    ct.columns = [t("cols.date"), t("cols.measure"), t("cols.before"), t("cols.after"), t("cols.comment"),
                  t("cols.changed_by"), t("cols.illustrative")]
    st.markdown(t("programme.changes_count", n=len(ct)))
    st.dataframe(ct, hide_index=True, width="stretch")
