"""Indikatorer: an indicator's trend in the areas against Bergen, Norway and targets, with measure
starts; the gap table; metadata; the numbers; downloads. Then one area's profile of all indicators
(spine chart). The two parts are fragments, so a choice in one reruns only that part.

URL: ``?indikator=&omrader=a&omrader=b&ki=1&profil=&spenn=``.
"""

import pandas as pd
import streamlit as st

from components import charts, filters, indicators as iv, shell, ui
from components.data import q, settings
from components.i18n import lang, t
from omradesatsing import formatting as fmt, read

shell.header("indicators.title", "indicators.intro")

meta = q(read.indicators.indicators).set_index("key")
areas = q(read.places.areas)
names = dict(zip(areas["slug"], areas["name"], strict=True))
default_areas = [s for s in ("loddefjord", "olsvik") if s in names] or list(names)[:2]


# Each part is a fragment: a change of indicator, areas or intervals reruns only the indicator part, and a
# change of the profile's area or level only the profile, not the page around them (fewer elements for the
# browser to redraw; the frame and the other part stay as they are). A full run runs both.
@st.fragment
def indicator_part() -> None:
    c1, c2 = st.columns([1, 2])
    indicator = filters.selectbox(t("indicators.pick_indicator"), list(meta.index),
                                  format_func=lambda k: meta.loc[k, f"name_{lang()}"], key="indikator", where=c1)
    chosen = filters.multiselect(t("indicators.pick_areas"), list(names), default=default_areas,
                                 format_func=names.get, key="ind_omrader", param="omrader", where=c2)
    show_ci = st.toggle(t("indicators.show_ci"), value=st.query_params.get("ki") == "1", key="ki")
    filters.to_url("ki", "1" if show_ci else None)

    info = meta.loc[indicator]
    name = info[f"name_{lang()}"]
    unit, decimals = info["unit"], int(info["decimals"])
    unit_label = t(f"units.{unit}")

    # --- Trend -------------------------------------------------------------------------------------
    st.header(t("indicators.trend_heading"))
    st.subheader(ui.plain(name))
    rows, targets, measures = iv.trend_inputs(indicator, tuple(chosen))
    gaps = q(read.indicators.indicator_gaps, indicator, tuple(chosen))

    if rows["value"].notna().sum() == 0:
        st.info(t("indicators.no_data"))
    else:
        last_year = int(gaps["year"].max()) if not gaps.empty else int(rows["year"].max())
        city_last = rows[(rows["scope"] == "city") & (rows["year"] == last_year)]["value"]
        caption = iv.trend_caption(name, gaps, city_last.iloc[0] if not city_last.empty else None, last_year,
                                   targets, unit, decimals)
        spec = iv.trend_spec(indicator, tuple(chosen), unit=unit, decimals=decimals, unit_label=unit_label,
                             show_ci=show_ci, language=lang())
        charts.altair(spec, "trend", alt_text=caption)
        if rows["illustrative"].any() or targets["illustrative"].any():
            caption += f"\n\n{ui.illustrative_badge()} {t('indicators.caption_illustrative')}"
        st.markdown(caption)
        # Source and period under the chart, as under every other chart (not only in "Om indikatoren").
        drawn = rows[rows["value"].notna()]
        first, last = int(drawn["year"].min()), int(drawn["year"].max())
        ui.caption_source(", ".join(sorted(set(drawn["source_title"].dropna()))),
                          str(first) if first == last else f"{first}–{last}",
                          bool(drawn["illustrative"].any() or targets["illustrative"].any()))
        # What the source says about a figure (an age band or income definition not given) stands by it.
        revised = drawn[drawn["revised_at"].notna()]
        if not revised.empty:  # a figure an import changed says so beside the chart, with the old figure
            st.caption(" ".join(t("indicators.revised_line", series=ui.plain(r.series), period=ui.plain(r.period),
                                  date=fmt.date(r.revised_at, lang()),
                                  before=iv.value_text(r.previous_value, unit, decimals)
                                  if r.previous_value is not None and not pd.isna(r.previous_value) else "–")
                                for r in revised.itertuples()))
        noted = drawn[drawn["note"].notna()].drop_duplicates(["series", "period", "note"])
        if not noted.empty:
            st.caption(t("indicators.caveats", notes="; ".join(
                f"{ui.plain(r.series)} {ui.plain(r.period)}: {ui.plain(r.note)}" for r in noted.itertuples())))

    if measures.empty:
        st.markdown(f"**{t('indicators.measures_heading')}**\n\n{t('indicators.no_measures')}")
    else:
        lines = [t("indicators.measure_line", n=i, date=fmt.date(r.start_date, lang()), name=ui.plain(r.name),
                   areas=ui.plain(r.areas))
                 + (f" {ui.illustrative_badge()}" if r.illustrative else "")
                 for i, r in enumerate(measures.itertuples(), start=1)]
        st.markdown(f"**{t('indicators.measures_heading')}**\n\n{t('indicators.measures_intro')}\n\n"
                    + "\n".join(f"- {line}" for line in lines))
    st.info(t("indicators.contribution"), icon=":material/info:")

    hidden = int(rows["suppressed"].sum())
    if hidden:
        st.markdown(t("indicators.suppressed_note", n=hidden, threshold=settings().suppression_threshold))

    # --- Gap table --------------------------------------------------------------------------------
    st.subheader(t("indicators.gap_heading"))
    st.caption(t("indicators.gap_intro"))
    if gaps.empty:
        st.markdown(t("indicators.no_data"))
    else:
        gap_table = iv.gap_table(indicator, tuple(chosen), lang())
        # Areas as columns: a few areas side by side read well on a projector; the download stays long.
        ui.text_table(gap_table.set_index(t("gap.area")).T, index=True)  # a few rows: text, not a canvas
        ui.download_buttons(gap_table, f"avstand-{indicator}", key="gap_dl")

    # --- About the indicator ----------------------------------------------------------------------
    about = q(read.indicators.indicator_info, indicator)
    with st.expander(f"{t('indicators.about')}: {ui.plain(name)}", expanded=False):
        better = about["higher_is_better"]
        direction = (t("indicators.no_direction") if better is None or pd.isna(better)
                     else t("indicators.higher_better") if better else t("indicators.lower_better"))
        updated = about.get("updated_at")
        facts = [f"**{t('indicators.definition')}:** {ui.plain(about[f'definition_{lang()}']) or '–'}",
                 f"**{t('indicators.why')}:** {ui.plain(about[f'why_{lang()}']) or '–'}",
                 f"**{t('indicators.unit')}:** {unit_label}",
                 f"**{t('indicators.direction')}:** {direction}"]
        if about["first_year"] is not None:
            facts.append(f"**{t('indicators.covered')}:** {about['first_year']}–{about['last_year']}")
        known = updated is not None and not pd.isna(updated)
        facts.append(f"**{t('indicators.updated')}:** {fmt.date(updated, lang()) if known else t('common.unknown')}")
        sources = []
        for s in about["sources"].itertuples():
            years = f"{s.first_year}–{s.last_year}" if s.first_year != s.last_year else str(s.first_year)
            item = t("indicators.source_item", title=ui.plain(s.title),
                     publisher=ui.plain(s.publisher) or t("common.unknown"),
                     licence=ui.plain(s.licence) or t("common.unknown"), years=years, n=s.values)
            link = f" ([{t('cols.source_url').lower()}]({s.url}))" if s.url else ""
            sources.append(f"- {item}{link}" + (f" {ui.illustrative_badge()}" if s.illustrative else ""))
        facts.append(f"**{t('indicators.sources')}:**\n" + "\n".join(sources))
        if about["any_illustrative"]:
            facts.append(f"{ui.illustrative_badge()} {t('indicators.illustrative_mark')}")
        # One element, not one per line: every element is redrawn in the browser on each rerun.
        st.markdown("\n\n".join(facts))

    # --- The numbers in the chart -----------------------------------------------------------------
    st.subheader(t("indicators.table_heading"))
    table = rows.sort_values(["scope", "series", "year"])[
        ["series", "period", "value", "value_text", "ci_low", "ci_high", "suppressed", "illustrative", "note",
         "revised_at", "previous_value", "source_title", "source_url", "licence"]
    ].copy()
    table["value"] = [iv.value_text(r.value, unit, decimals, suppressed=r.suppressed, text=r.value_text)
                      for r in table.itertuples()]
    table["revised_at"] = [fmt.date(d, lang()) if d is not None and not pd.isna(d) else "" for d in table["revised_at"]]
    table["previous_value"] = [iv.value_text(v, unit, decimals) if v is not None and not pd.isna(v) else ""
                               for v in table["previous_value"]]
    for col in ("ci_low", "ci_high"):
        table[col] = [fmt.number(v, decimals, lang()) for v in table[col]]
    table["suppressed"] = table["suppressed"].map(ui.yes_no)
    table["illustrative"] = table["illustrative"].map(ui.yes_no)
    table = table.drop(columns=["value_text"])
    table.columns = [t("cols.series"), t("cols.period"), t("cols.value"), t("cols.ci_low"), t("cols.ci_high"),
                     t("cols.suppressed"), t("cols.illustrative"), t("cols.note"), t("cols.revised"),
                     t("cols.previous_value"), t("cols.source"), t("cols.source_url"), t("cols.licence")]
    st.dataframe(table, hide_index=True, width="stretch")
    if hidden:
        st.caption(t("indicators.suppressed_legend"))
    ui.download_buttons(table, f"indikator-{indicator}", key="ind_dl")


@st.fragment
def profile_part() -> None:
    # --- Area profile (spine chart) ---------------------------------------------------------------
    st.header(t("indicators.profile_heading"))
    p1, p2 = st.columns([1, 1])
    chosen = st.session_state.get("ind_omrader") or default_areas
    profile_default = chosen[0]
    slug = filters.selectbox(t("indicators.profile_pick"), list(names), format_func=names.get, key="profil",
                             default=profile_default, where=p1)
    levels = [lv for lv in ("delomraade", "grunnkrets", "levekaarssone", "bydel") if lv in q(read.indicators.value_levels)]
    level = filters.selectbox(t("indicators.profile_level"), levels or ["delomraade"],
                              format_func=lambda lv: t(f"map.level_{lv}"), key="spenn", where=p2)
    profile = iv.area_overview(slug, level, lang())
    if profile.empty:
        st.markdown(t("area.no_figures"))
    else:
        st.caption(t("indicators.profile_intro"))
        caption = iv.profile_caption(names[slug], profile)
        charts.altair(iv.spine_spec(slug, level, lang()), "spine", stretch=False, alt_text=caption)
        st.markdown(caption)
        st.caption(t("indicators.profile_axis_neutral"))
        editions = q(read.places.editions, level)
        if editions:
            st.caption(t("indicators.profile_edition", level=t(f"map.level_{level}").lower(),
                         editions=ui.plain(", ".join(editions))))
        if profile["zone_min"].isna().all():
            st.markdown(t("indicators.profile_no_range"))
        with st.expander(t("indicators.profile_table"), expanded=False):
            profile_table = iv.profile_table(slug, level, lang())
            st.dataframe(profile_table, hide_index=True, width="stretch")
            ui.download_buttons(profile_table, f"omradeprofil-{slug}", key="profile_dl")


indicator_part()
profile_part()
