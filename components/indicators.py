"""Indicator views: the trend chart with references, targets and measure starts, the spine chart
(area profile), the gap table and the plain-language captions. Numbers come from the core
(``read.indicators.indicator_gaps`` / ``area_overview``); this module only draws and words them.
"""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd
import streamlit as st

from components import charts
from components.charts import FONT_SIZE, PALETTE, configure
from components.data import q
from components.i18n import lang, t
from omradesatsing import formatting as fmt, profiles, read

BERGEN_COLOUR = "#000000"
NORWAY_COLOUR = "#666666"
AREA_COLOURS = [c for c in PALETTE if c != BERGEN_COLOUR]
# Spine chart markers: shape and word as well as colour (Okabe–Ito, distinguishable for most colour vision).
JUDGEMENT_STYLE = {
    "better": ("#0072B2", "circle"), "worse": ("#D55E00", "diamond"), "similar": ("#E69F00", "square"),
    "higher": ("#56B4E9", "triangle-up"), "lower": ("#56B4E9", "triangle-down"), "unknown": ("#FFFFFF", "circle"),
}
TREND_ARROW = {"increasing": "↑", "decreasing": "↓"}


@st.cache_data(ttl=300, max_entries=64, show_spinner=False)
def area_overview(slug: str, level: str, language: str) -> pd.DataFrame:
    """``read.indicators.area_overview`` from two cached reads: the area's gap rows, and the zone ranges per
    level and year (shared by every area, so switching the profile area does not reread the zones).
    Cached per area, level and language."""
    gaps = q(read.indicators.area_gaps, slug, language)
    years = sorted(int(y) for y in gaps["year"].unique()) if not gaps.empty else []
    frames = [q(read.indicators.zone_ranges, level, y) for y in years]
    frames = [f for f in frames if not f.empty]
    ranges = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(profiles.RANGE_COLUMNS))
    return profiles.with_zone_ranges(gaps, ranges)


def value_text(value, unit: str, decimals: int, *, suppressed: bool = False, text: str | None = None) -> str:
    if suppressed:
        return t("common.suppressed")
    shown = fmt.value(value, unit, int(decimals), lang())
    return shown or (text if isinstance(text, str) else "") or "–"


def fractional_year(day) -> float:
    """A date as a position on a year axis: 1 Aug 2021 → 2021.58."""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day[:10])
    start = dt.date(day.year, 1, 1)
    return day.year + (day - start).days / 365.25


# ---------------------------------------------------------------------------------------------
# Trend
# ---------------------------------------------------------------------------------------------


def trend_inputs(indicator: str, chosen: tuple[str, ...]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """What the trend shows, from cached reads: the series rows (the chosen areas, Bergen, Norway, with
    a display name each), the chosen areas' targets and the measures aimed at the indicator."""
    rows = q(read.indicators.area_trend, indicator, chosen).copy()
    rows = rows[(rows["scope"] != "area") | rows["area_slug"].isin(chosen)]
    rows["series"] = rows["area_name"].where(rows["scope"] == "area",
                                             rows["scope"].map({"city": t("indicators.bergen"),
                                                                "country": t("indicators.norway")}))
    targets = q(read.indicators.targets, indicator)
    targets = targets[targets["area_slug"].isin(chosen)]
    return rows, targets, q(read.indicators.indicator_measures, indicator, chosen)


@st.cache_data(ttl=300, max_entries=64, show_spinner=False)
def trend_spec(indicator: str, chosen: tuple[str, ...], *, unit: str, decimals: int, unit_label: str,
               show_ci: bool, language: str) -> dict:
    """``trend_chart`` of ``trend_inputs`` as a Vega-Lite spec, cached per choice and language.
    Keyed on these small arguments rather than the data frames: hashing the frames cost ~20 ms a rerun."""
    rows, targets, measures = trend_inputs(indicator, chosen)
    return trend_chart(rows, unit=unit, decimals=decimals, unit_label=unit_label, targets=targets,
                       measures=measures, show_ci=show_ci)


@st.cache_data(ttl=300, max_entries=64, show_spinner=False)
def spine_spec(slug: str, level: str, language: str) -> dict:
    """``spine_chart`` of ``area_overview`` as a Vega-Lite spec, cached per area, level and language."""
    return charts.spec_of(spine_chart(area_overview(slug, level, language)))


def trend_chart(rows: pd.DataFrame, *, unit: str, decimals: int, unit_label: str, targets: pd.DataFrame,
                measures: pd.DataFrame, show_ci: bool, height: int = 420) -> dict:
    """Lines per area with Bergen (black) and Norway (grey, dashed), hollow points for illustrative
    values, optional 95 % intervals, targets as triangles with a label, and dashed rules numbered
    1, 2, … at the start of each measure aimed at the indicator. A Vega-Lite spec (``charts.layered_spec``)."""
    data = rows[rows["value"].notna()].copy()
    data["kind"] = data["illustrative"].map(lambda x: t("common.illustrative") if x else t("common.real"))
    data["shown"] = [value_text(v, unit, decimals) for v in data["value"]]
    data = data[["series", "scope", "year", "value", "period", "shown", "kind", "illustrative", "source_title",
                 "ci_low", "ci_high"]]
    areas = [s for s in dict.fromkeys(data.loc[data["scope"] == "area", "series"])]
    refs = [s for s, scope in ((t("indicators.bergen"), "city"), (t("indicators.norway"), "country"))
            if (data["scope"] == scope).any()]
    colours = [AREA_COLOURS[i % len(AREA_COLOURS)] for i in range(len(areas))]
    colours += [BERGEN_COLOUR if s == t("indicators.bergen") else NORWAY_COLOUR for s in refs]
    colour = {"field": "series", "type": "nominal", "title": None,
              "scale": {"domain": areas + refs, "range": colours},
              "legend": {"orient": "bottom", "symbolStrokeWidth": 3, "symbolSize": 200}}
    years = [int(y) for y in data["year"]] + ([int(y) for y in targets["target_year"]] if not targets.empty else [])
    x_scale = {"domain": [min(years) - 0.3, max(years) + 0.3], "nice": False}
    x = {"field": "year", "type": "quantitative", "title": t("charts.year"), "scale": x_scale,
         "axis": {"format": "d", "tickMinStep": 1, "labelOverlap": True, "grid": False}}
    y = {"field": "value", "type": "quantitative", "title": unit_label, "axis": {"format": f",.{int(decimals)}f"},
         "scale": {"zero": False}}

    def tip(field: str, title: str) -> dict:
        return {"field": field, "type": "nominal", "title": title}

    layers = [
        {"data": {"name": "trend"}, "mark": {"type": "line", "strokeWidth": 3},
         "encoding": {"x": x, "y": y, "color": colour,
                      "strokeDash": {"condition": {"test": "datum.scope === 'country'", "value": [6, 4]},
                                     "value": [1, 0]}}},
        {"data": {"name": "trend"}, "mark": {"type": "point", "size": 110, "strokeWidth": 2.5},
         "encoding": {"x": x, "y": y, "color": colour,
                      "fill": {**colour, "condition": {"test": "datum.illustrative", "value": "white"}},
                      # hollow = example data: said in words under the chart, so no legend for the shape
                      "shape": {"field": "kind", "type": "nominal", "title": None, "legend": None,
                                "scale": {"domain": [t("common.real"), t("common.illustrative")],
                                          "range": ["circle", "diamond"]}},
                      "tooltip": [tip("series", t("charts.series")), tip("period", t("charts.period")),
                                  tip("shown", unit_label), tip("kind", t("charts.kind")),
                                  tip("source_title", t("charts.source"))]}},
    ]
    datasets = {"trend": data}
    if show_ci and (data["ci_low"].notna() & data["ci_high"].notna()).any():
        layers.insert(0, {"data": {"name": "trend"}, "mark": {"type": "rule", "strokeWidth": 2, "opacity": 0.6},
                          "transform": [{"filter": "isValid(datum.ci_low) && isValid(datum.ci_high)"}],
                          "encoding": {"x": x, "y": {"field": "ci_low", "type": "quantitative"},
                                       "y2": {"field": "ci_high"}, "color": colour}})
    tg = targets[targets["area_name"].isin(areas)] if not targets.empty else targets
    if not tg.empty:
        tg = pd.DataFrame({
            "series": tg["area_name"], "target_year": tg["target_year"].astype(int), "target_value": tg["target_value"],
            "source_title": tg["source_title"],
            "label": [t("indicators.target_label", year=int(r.target_year),
                        value=value_text(r.target_value, unit, decimals)) for r in tg.itertuples()]})
        datasets["targets"] = tg
        at_target = {"x": {"field": "target_year", "type": "quantitative", "scale": x_scale},
                     "y": {"field": "target_value", "type": "quantitative"}, "color": colour}
        layers.append({"data": {"name": "targets"},
                       "mark": {"type": "point", "shape": "triangle-down", "size": 260, "filled": True, "opacity": 1},
                       "encoding": {**at_target, "tooltip": [tip("series", t("charts.series")), tip("label", " "),
                                                             tip("source_title", t("charts.source"))]}})
        layers.append({"data": {"name": "targets"},
                       "mark": {"type": "text", "align": "right", "dx": -12, "dy": 0, "fontSize": FONT_SIZE,
                                "fontWeight": "bold"},
                       "encoding": {**at_target, "text": {"field": "label", "type": "nominal"}}})
    if not measures.empty:
        datasets["measures"] = measures_by_start(measures)[["x", "lane", "numbers", "names", "date"]]
        at_start = {"field": "x", "type": "quantitative", "scale": x_scale}
        layers.append({"data": {"name": "measures"},
                       "mark": {"type": "rule", "strokeDash": [4, 4], "color": "#444444", "strokeWidth": 1.5},
                       "encoding": {"x": at_start, "tooltip": [tip("numbers", "#"), tip("date", t("cols.start")),
                                                               tip("names", t("cols.measure"))]}})
        # Neighbouring starts are often months apart: alternate two label rows so numbers never collide.
        for lane in (0, 1):
            layers.append({"data": {"name": "measures"}, "transform": [{"filter": f"datum.lane === {lane}"}],
                           "mark": {"type": "text", "baseline": "top", "dy": 2 + 20 * lane, "dx": 4, "align": "left",
                                    "fontSize": FONT_SIZE, "fontWeight": "bold", "color": "#222222"},
                           "encoding": {"x": at_start, "text": {"field": "numbers", "type": "nominal"},
                                        "y": {"value": 0}}})
    return charts.layered_spec(layers, datasets, height=height)


def measures_by_start(measures: pd.DataFrame) -> pd.DataFrame:
    """One rule per start date, numbered 1, 2, … in start order (several measures may share one)."""
    m = measures.dropna(subset=["start_date"]).reset_index(drop=True)
    m["n"] = range(1, len(m) + 1)
    out = m.groupby("start_date", sort=True).agg(numbers=("n", lambda s: ", ".join(str(i) for i in s)),
                                                 names=("name", lambda s: "; ".join(s))).reset_index()
    out["x"] = out["start_date"].map(fractional_year)
    out["lane"] = out.index % 2
    out["date"] = out["start_date"].map(lambda d: fmt.date(d, lang()))
    return out


def trend_caption(indicator_name: str, gaps: pd.DataFrame, city_value, year: int | None, targets: pd.DataFrame,
                  unit: str, decimals: int) -> str:
    """One sentence from the data: each area's latest value (and where it came from since the
    programme started), Bergen's value, and the first target."""
    if year is None or (gaps.empty and (city_value is None or pd.isna(city_value))):
        return t("indicators.no_data")
    parts = []
    for r in gaps.itertuples():
        shown = value_text(r.value, unit, decimals, suppressed=r.suppressed, text=r.value_text)
        if r.base_year is not None and not pd.isna(r.base_year) and r.base_value is not None \
                and not pd.isna(r.base_value) and int(r.year) == year:
            parts.append(t("indicators.caption_area_change", area=r.area_name, value=shown,
                           base=value_text(r.base_value, unit, decimals), base_year=int(r.base_year)))
        else:
            parts.append(t("indicators.caption_area", area=r.area_name, value=shown))
    if city_value is not None and not pd.isna(city_value):
        parts.append(t("indicators.caption_city", value=value_text(city_value, unit, decimals)))
    text = f"{t('indicators.caption_start', indicator=indicator_name, year=year)} {', '.join(parts)}."
    shown_targets = targets[targets["area_slug"].isin(gaps["area_slug"])] if not targets.empty else targets
    if not shown_targets.empty:
        tg = shown_targets.iloc[0]
        text += " " + t("indicators.caption_target", area=tg["area_name"],
                        value=value_text(tg["target_value"], unit, decimals), year=int(tg["target_year"]))
    return text


# ---------------------------------------------------------------------------------------------
# Gap table (one indicator × areas, or one area × indicators)
# ---------------------------------------------------------------------------------------------


def comparison_words(row) -> str:
    return t(profiles.judgement_key(row))


def trend_words(row) -> str:
    """An arrow only for a significant trend, with the direction and what it means."""
    if row.trend in TREND_ARROW:
        text = f"{TREND_ARROW[row.trend]} {t('trend.' + row.trend)}"
        if row.trend_judgement in ("improving", "worsening"):
            text += f" ({t('trend.' + row.trend_judgement)})"
        return text
    return t(f"trend.{row.trend}")


def change_words(change, certainty: str, since_year, unit: str, decimals: int) -> str:
    if change is None or pd.isna(change):
        return "–"
    text = fmt.change(change, unit, decimals, lang())
    if since_year is not None and not pd.isna(since_year):
        text += f" ({t('gap.since', year=int(since_year))}"
        text += f", {t('trend.' + certainty)})" if certainty in ("certain", "uncertain") else ")"
    return text


@st.cache_data(ttl=300, max_entries=64, show_spinner=False)
def gap_table(indicator: str, chosen: tuple[str, ...], language: str) -> pd.DataFrame:
    """``gap_display`` of one indicator's gap rows for the chosen areas, cached per choice and language."""
    return gap_display(q(read.indicators.indicator_gaps, indicator, chosen), first="area")


@st.cache_data(ttl=300, max_entries=64, show_spinner=False)
def profile_table(slug: str, level: str, language: str) -> pd.DataFrame:
    """``gap_display`` of one area's profile (every indicator), cached per area, level and language."""
    return gap_display(area_overview(slug, level, language), first="indicator")


def gap_display(gaps: pd.DataFrame, *, first: str) -> pd.DataFrame:
    """The gap rows in words and Norwegian formats, with source, licence and marks (as downloaded).
    ``first`` is 'area' (column Område) or 'indicator' (column Indikator)."""
    rows = []
    for r in gaps.itertuples():
        unit, dec = r.unit, int(r.decimals)
        row = {t(f"gap.{first}"): r.area_name if first == "area" else r.name,
               t("gap.period"): r.period,
               t("gap.value"): value_text(r.value, unit, dec, suppressed=r.suppressed, text=r.value_text),
               t("gap.bergen"): value_text(r.city_value, unit, dec),
               t("gap.difference"): fmt.change(r.difference, unit, dec, lang()) or "–",
               t("gap.comparison"): comparison_words(r),
               t("gap.change_previous"): change_words(r.change_previous, r.change_previous_certainty,
                                                      r.previous_year, unit, dec),
               t("gap.change_base"): change_words(r.change_base, r.change_base_certainty, r.base_year, unit, dec),
               t("gap.trend"): trend_words(r)}
        if first == "indicator" and hasattr(r, "zone_min"):
            row[t("gap.zone_range")] = (t("gap.zone_range_value", low=value_text(r.zone_min, unit, dec),
                                          high=value_text(r.zone_max, unit, dec), n=int(r.zone_n))
                                        if not pd.isna(r.zone_min) else "–")
        row[t("cols.illustrative")] = t("common.yes") if (r.illustrative or bool(r.city_illustrative)) \
            else t("common.no")
        row[t("cols.source")] = r.source_title
        row[t("cols.licence")] = r.licence or ""
        rows.append(row)
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------
# Spine chart (area profile)
# ---------------------------------------------------------------------------------------------


def spine_chart(profile: pd.DataFrame, *, row_height: int = 44) -> alt.HConcatChart:
    """Fingertips-style spine chart: per indicator the zone range (light), middle 50 % (dark),
    Bergen (black rule in the middle) and the area (marker by judgement), with the judgement
    and the values in words beside it."""
    data = profile.copy()
    data["label"] = data["name"]
    data["verdict"] = [comparison_words(r) for r in data.itertuples()]
    data["area_text"] = [value_text(r.value, r.unit, r.decimals, suppressed=r.suppressed, text=r.value_text)
                         for r in data.itertuples()]
    data["city_text"] = [value_text(r.city_value, r.unit, r.decimals) for r in data.itertuples()]
    data["side"] = [f"{r.area_text} · {r.verdict}" for r in data.itertuples()]
    data["mid_lo"] = data[["spine_q1", "spine_q3"]].min(axis=1)
    data["mid_hi"] = data[["spine_q1", "spine_q3"]].max(axis=1)
    judgements = [j for j in JUDGEMENT_STYLE if j in set(data["judgement"])]
    words = [t(f"judgement.{j}") for j in judgements]
    order = list(data["label"])
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=270, labelFontSize=FONT_SIZE, labelPadding=14))
    x_scale = alt.Scale(domain=[-0.05, 1.05], nice=False)  # room for a marker at either end
    height = row_height * len(data)
    base = alt.Chart(data).encode(y=y)
    ranged = data[data["spine_low"].notna()]
    rb = alt.Chart(ranged).encode(y=y)
    tooltip = [alt.Tooltip("label:N", title=t("gap.indicator")), alt.Tooltip("area_text:N", title=t("gap.value")),
               alt.Tooltip("city_text:N", title=t("gap.bergen")), alt.Tooltip("verdict:N", title=t("gap.comparison")),
               alt.Tooltip("period:N", title=t("gap.period"))]
    spine = alt.layer(
        rb.mark_bar(color="#dcdcdc", height=18).encode(x=alt.X("spine_low:Q", scale=x_scale,
                                                                 title=t("indicators.profile_axis"),
                                                                 axis=alt.Axis(labels=False, ticks=False,
                                                                               grid=False)),
                                                       x2="spine_high:Q"),
        rb.mark_bar(color="#9a9a9a", height=18).encode(x=alt.X("mid_lo:Q", scale=x_scale), x2="mid_hi:Q"),
        alt.Chart(pd.DataFrame({"x": [0.5]})).mark_rule(color="#000000", strokeWidth=2.5).encode(x="x:Q"),
        base.transform_filter("isValid(datum.spine_value)").mark_point(size=260, filled=True, strokeWidth=1.5,
                                                                         stroke="#000000", opacity=1).encode(
            x=alt.X("spine_value:Q", scale=x_scale),
            color=alt.Color("verdict:N", title=None, scale=alt.Scale(
                domain=words, range=[JUDGEMENT_STYLE[j][0] for j in judgements]),
                legend=alt.Legend(orient="bottom", symbolStrokeColor="#000000")),
            shape=alt.Shape("verdict:N", title=None, scale=alt.Scale(
                domain=words, range=[JUDGEMENT_STYLE[j][1] for j in judgements])),
            tooltip=tooltip),
    ).properties(width=270, height=height)
    side = base.mark_text(align="left", fontSize=FONT_SIZE, dx=0).encode(
        text="side:N", x=alt.value(4), y=alt.Y("label:N", sort=order, axis=None), tooltip=tooltip,
    ).properties(width=220, height=height)
    return configure(alt.hconcat(spine, side, spacing=8)).configure_view(stroke=None)


def profile_caption(area_name: str, profile: pd.DataFrame) -> str:
    worse = int((profile["judgement"] == "worse").sum())
    better = int((profile["judgement"] == "better").sum())
    return t("indicators.profile_caption", area=area_name, worse=worse, better=better,
             other=len(profile) - worse - better, total=len(profile))
