"""Presentasjon: the folkemøte view for a 1280×720 projector. One message per slide, large text,
no sidebar, only Vega-Lite charts (the lightest bundle), every figure with its source and period
and the Eksempeldata mark where it applies. Keyboard: → / ← (or the buttons, reached with Tab).

URL: ``?lysbilde=<1..n>&omrade=<slug>`` (no area = all areas in work).
"""

import datetime as dt

import pandas as pd
import streamlit as st

from components import charts, filters, indicators as iv, money, shell, ui
from components.data import q
from components.i18n import lang, t
from omradesatsing import formatting as fmt, read
from omradesatsing.programme import HEADLINE_INDICATORS
from omradesatsing.vocabulary import STATUS_CARD_ORDER

ALL = "_alle"
shell.presentation_style()

areas = q(read.places.areas)
names = dict(zip(areas["slug"], areas["name"], strict=True))
meta = q(read.indicators.indicators).set_index("key")
SLIDES = ["intro", *[f"indicator:{k}" for k in HEADLINE_INDICATORS if k in meta.index], "money", "measures", "changes"]

# --- Controls: previous / n of m / next, the area, exit --------------------------------------------
if "lysbilde" not in st.session_state:
    st.session_state["lysbilde"] = filters.int_param("lysbilde", 1, lo=1, hi=len(SLIDES))


def _step(delta: int) -> None:
    st.session_state["lysbilde"] = min(max(st.session_state["lysbilde"] + delta, 1), len(SLIDES))


number = st.session_state["lysbilde"]
filters.to_url("lysbilde", str(number), "1")
slide = SLIDES[number - 1]

bar = st.container(horizontal=True, vertical_alignment="center", key="presentation_controls")
bar.button(t("presentation.previous"), key="prev", icon=":material/arrow_back:", on_click=_step, args=(-1,),
           disabled=number == 1, shortcut="Left")
bar.markdown(t("presentation.counter", n=number, total=len(SLIDES)))
bar.button(t("presentation.next"), key="next", icon=":material/arrow_forward:", icon_position="right",
           on_click=_step, args=(1,), disabled=number == len(SLIDES), shortcut="Right", type="primary")
in_work = list(areas[areas["state"] != "ended"]["slug"])
area_labels = {ALL: t("presentation.all_areas"), **names}
area = filters.selectbox(t("presentation.area"), list(area_labels), key="omrade", format_func=area_labels.get, where=bar,
                         label_visibility="collapsed", width=300)
bar.page_link("pages/oversikt.py", label=t("presentation.exit"), icon=":material/close:")
shown = in_work if area == ALL else [area]
place = t("presentation.all_areas") if area == ALL else names[area]
place_md = t("presentation.all_areas") if area == ALL else ui.plain(names[area])  # inside markdown


def lead(text: str) -> None:
    """The slide's message in one or two sentences, in large type (styled by its container key)."""
    st.container(key="omr_lead").markdown(text)


def footer(text: str) -> None:
    """Source and period (and Eksempeldata) at the foot of every slide."""
    st.container(key="omr_source").markdown(text)


def measures_here():
    """The measures in the areas shown (a measure can work in several areas)."""
    return read.programme.in_areas(q(read.programme.measures), shown)


# --- Slides ---------------------------------------------------------------------------------------
if slide == "intro":
    st.title(t("presentation.intro_title") if area == ALL else t("presentation.intro_title_area", area=place_md))
    lead(t("presentation.intro_lead"))
    mine = read.programme.status_summary(q(read.programme.measures), tuple(shown))  # counted as everywhere
    grants = q(read.money.grant_summary)  # the same figure as Oversikt and Investeringer
    c1, c2, c3 = st.columns(3)
    c1.metric(t("presentation.kpi_areas"), len(shown), border=True)
    c2.metric(t("presentation.kpi_measures") + (f" · {t('common.illustrative')}" if mine["illustrative"] else ""),
              mine["measures"], border=True)
    c3.metric(t("presentation.kpi_grants"), ui.mnok(grants["known_nok"]), border=True)
    lines = []
    for a in areas[areas["slug"].isin(shown)].itertuples():
        lines.append(f"- **{ui.plain(a.name)}** – {t('state.' + a.state).lower()}, "
                     f"{ui.period_text(a.start_year, a.end_year)}")
    st.markdown("\n".join(lines))
    footer(t("presentation.intro_source", first=grants["first"], last=grants["last"]))

elif slide.startswith("indicator:"):
    key = slide.split(":", 1)[1]
    info = meta.loc[key]
    name, unit, decimals = info[f"name_{lang()}"], info["unit"], int(info["decimals"])
    gaps = q(read.indicators.indicator_gaps, key, tuple(shown))
    st.title(ui.plain(name))
    if gaps.empty or gaps["value"].notna().sum() == 0:
        st.info(t("indicators.no_data"))
    else:
        year = int(gaps["year"].max())
        gaps = gaps[gaps["year"] == year]
        targets = q(read.indicators.targets, key)
        targets = targets[targets["area_slug"].isin(shown)]
        city = gaps["city_value"].dropna()
        city_value = float(city.iloc[0]) if not city.empty else None
        caption = iv.trend_caption(name, gaps, city_value, year, targets, unit, decimals)
        lead(caption)
        rows = pd.DataFrame({
            "label": list(gaps["area_name"]) + ([t("indicators.bergen")] if city_value is not None else []),
            "value": list(gaps["value"]) + ([city_value] if city_value is not None else []),
            "text": [iv.value_text(v, unit, decimals, suppressed=s, text=x) for v, s, x
                     in zip(gaps["value"], gaps["suppressed"], gaps["value_text"], strict=True)]
                    + ([iv.value_text(city_value, unit, decimals)] if city_value is not None else []),
            "kind": ["area"] * len(gaps) + (["city"] if city_value is not None else []),
        })
        charts.altair(charts.presentation_bars(rows, language=lang()), f"bars_{key}", alt_text=caption)
        direction = t("presentation.direction_better_high" if info["higher_is_better"]
                      else "presentation.direction_better_low")
        illustrative = bool(gaps["illustrative"].any() or gaps["city_illustrative"].any())
        footer(direction + "  \n" + ui.source_line(", ".join(sorted(set(gaps["source_title"].dropna()))), str(year),
                                                illustrative))

elif slide == "money":
    st.title(t("presentation.money_title"))
    scope = {"area_slugs": tuple(shown)}
    by_area = q(read.money.money_totals, "area", **scope)
    total = q(read.money.investment_summary, **scope)
    budget, spent = total["budget_nok"], total["spent_nok"]
    if by_area.empty or budget == 0:
        st.info(t("investments.no_projects"))
    else:
        caption = t("presentation.money_lead", budget=ui.mnok(budget), spent=ui.mnok(spent), place=place)
        lead(t("presentation.money_lead", budget=ui.mnok(budget), spent=ui.mnok(spent), place=place_md))
        by_area["label"] = by_area["area_name"]
        spec = money.budget_spent_spec(by_area, label="label", language=lang())
        amounts = ", ".join(f"{r.label} {ui.mnok(r.budget_nok)}" for r in by_area.itertuples())
        charts.altair(charts.projector(spec), "money", alt_text=f"{caption} {amounts}.")
    footer(ui.source_line(t("presentation.money_source"), None, True))

elif slide == "measures":
    st.title(t("presentation.measures_title"))
    mine = read.programme.status_summary(q(read.programme.measures), tuple(shown))
    lead(t("presentation.measures_lead", n=mine["measures"], place=place_md))
    cols = st.columns(4)
    for col, status in zip(cols, STATUS_CARD_ORDER[:4], strict=True):
        col.metric(ui.status_text(status), mine["by_status"][status], border=True)
    stale = mine["stale"]
    st.markdown(t("presentation.measures_stale", n=stale) if stale else t("presentation.measures_all_fresh"))
    footer(ui.source_line(t("presentation.measures_source"), fmt.date(dt.date.today(), lang()), True))

else:  # changes since the latest tertial report
    st.title(t("presentation.changes_title"))
    snaps = q(read.programme.snapshots)
    mine = set(measures_here()["id"])
    if snaps.empty:
        st.info(t("programme.no_snapshots"))
    else:
        since = snaps.iloc[0]["taken_at"]
        changes = q(read.programme.status_changes_since, since.to_pydatetime())
        changes = changes[changes["measure_id"].isin(mine)] if not changes.empty else changes
        d = changes["direction"].value_counts() if not changes.empty else pd.Series(dtype=int)
        lead(t("presentation.changes_lead", report=ui.plain(snaps.iloc[0]["name"]), date=fmt.date(since, lang()),
               n=len(changes)))
        c1, c2, c3 = st.columns(3)
        c1.metric(t("presentation.better"), int(d.get("better", 0)), border=True)
        c2.metric(t("presentation.worse"), int(d.get("worse", 0)), border=True)
        c3.metric(t("presentation.completed"), int(d.get("completed", 0)), border=True)
        lines = [f"- **{ui.plain(r.measure_name)}**: "
                 f"{ui.status_text(r.before) if isinstance(r.before, str) else t('programme.no_status')} → "
                 f"{ui.status_text(r.after)}" for r in changes.head(4).itertuples()]
        st.markdown("\n".join(lines))
        footer(ui.source_line(t("presentation.measures_source"), fmt.date(since, lang()) + "–", True))
