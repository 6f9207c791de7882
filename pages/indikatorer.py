"""Indikatorer: one indicator's trend for the areas against Bergen, with sources and marks."""

from components.shell import ensure_frame

ensure_frame()

import pandas as pd  # noqa: E402
import streamlit as st  # noqa: E402

from components import charts, filters, shell, ui  # noqa: E402
from components.data import q  # noqa: E402
from components.i18n import lang, t  # noqa: E402
from omradesatsing import formatting as fmt  # noqa: E402

shell.header("indicators.title", "indicators.intro")

meta = q("indicators").set_index("key")
areas = q("areas")
names = dict(zip(areas["slug"], areas["name"], strict=True))

c1, c2 = st.columns([1, 2])
indicator = filters.selectbox(t("indicators.pick_indicator"), list(meta.index),
                              format_func=lambda k: meta.loc[k, f"name_{lang()}"], key="indikator", where=c1)
chosen = filters.multiselect(t("indicators.pick_areas"), list(names), default=["loddefjord", "olsvik"],
                             format_func=names.get, key="omrader", where=c2)
info = meta.loc[indicator]
unit_label = t(f"units.{info['unit']}")

df = q("area_trend", indicator, tuple(chosen))
rows = df[(df["scope"] == "city") | ((df["scope"] == "area") & df["area_slug"].isin(chosen))].copy()
rows["series"] = rows.apply(lambda r: r["area_name"] if r["scope"] == "area" else t("indicators.bergen"), axis=1)
plot = rows[rows["value"].notna()].rename(columns={"source_title": "source"})

st.subheader(info[f"name_{lang()}"])
if plot.empty:
    st.info(t("indicators.no_data"))
else:
    decimals = int(info["decimals"])
    d3 = f",.{decimals}f"
    chart = charts.trend_chart(plot[["series", "year", "value", "illustrative", "period", "source"]],
                               unit_label=unit_label, fmt=d3)
    last_year = int(plot["year"].max())
    latest = plot[plot["year"] == last_year]
    parts = [f"{r.series} {fmt.value(r.value, info['unit'], decimals, lang())}" for r in latest.itertuples()]
    caption = t("indicators.caption", indicator=info[f"name_{lang()}"].lower(), year=last_year,
                values=", ".join(parts))
    if plot["illustrative"].any():
        caption += " " + t("indicators.caption_illustrative")
    charts.show(chart, caption, key="trend")
    if plot["illustrative"].any():
        st.markdown(f"{ui.illustrative_badge()} {t('indicators.caption_illustrative')}")

hidden = int(rows["suppressed"].sum())
if hidden:
    st.markdown(t("indicators.suppressed_note", n=hidden))

with st.expander(t("indicators.about"), expanded=False):
    st.markdown(f"**{t('indicators.definition')}:** {info[f'definition_{lang()}']}")
    st.markdown(f"**{t('indicators.why')}:** {info[f'why_{lang()}']}")
    st.markdown(f"**{t('indicators.unit')}:** {unit_label}")
    better = info["higher_is_better"]
    if better is not None and not pd.isna(better):
        st.markdown(t("indicators.higher_better") if better else t("indicators.lower_better"))

st.subheader(t("indicators.table_heading"))
table = rows.sort_values(["series", "year"])[
    ["series", "period", "value", "value_text", "ci_low", "ci_high", "suppressed", "illustrative", "source_title",
     "source_url", "licence"]
].copy()
table["value"] = table.apply(
    lambda r: t("common.suppressed") if r["suppressed"] else (
        fmt.value(r["value"], info["unit"], int(info["decimals"]), lang()) or (r["value_text"] or "")), axis=1)
table["suppressed"] = table["suppressed"].map(ui.yes_no)
table["illustrative"] = table["illustrative"].map(ui.yes_no)
table = table.drop(columns=["value_text"])
table.columns = [t("cols.series"), t("cols.period"), t("cols.value"), t("cols.ci_low"), t("cols.ci_high"),
                 t("cols.suppressed"), t("cols.illustrative"), t("cols.source"), t("cols.source_url"),
                 t("cols.licence")]
st.dataframe(table, hide_index=True, width="stretch")
ui.download_buttons(table, f"indikator-{indicator}", key="ind_dl")
