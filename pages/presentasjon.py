"""Presentasjon: the folkemøte view for a 1280×720 projector. One message per slide, large text,
no sidebar, only Vega-Lite charts (the lightest bundle), every figure with its source and period
and the Eksempeldata mark where it applies. Every text at least 24 px. Keyboard: → / ←, PageDown /
PageUp (clickers) and space, or the buttons, reached with Tab: the operator's bar is not projected
(it shows under the mouse or with the keyboard focus in it, ``shell.presentation_style``).

URL: ``?lysbilde=<1..n>&omrade=<slug>`` (no area = all areas in work); ``&auto=<5..600>`` advances by
itself every so many seconds until the last slide, paused by any key (``shell.PRESENTATION_KEYS``).
Every slide has a QR code in its corner to the phone page of the same area and language (when
``OMRADESATSING_PUBLIC_URL`` is set; otherwise the operator's bar says so); the last one, «Spørsmål?»,
a large one and where to meet the programme in the area.
"""

import base64
import datetime as dt
import html

import pandas as pd
import streamlit as st

from components import charts, filters, indicators as iv, money, shell, ui
from components.data import q
from components.i18n import lang, t
from components.packs import pack_buttons
from omradesatsing import formatting as fmt, read, slides
from omradesatsing.catalogue import in_language
from omradesatsing.programme import HEADLINE_INDICATORS
from omradesatsing.reports import qr
from omradesatsing.takeaway import takeaway_for_areas
from omradesatsing.vocabulary import STATUS_CARD_ORDER

ALL = "_alle"
shell.presentation_style()

areas = q(read.places.areas)
names = dict(zip(areas["slug"], areas["name"], strict=True))
meta = q(read.indicators.indicators).set_index("key")
SLIDES = slides.slide_keys(k for k in HEADLINE_INDICATORS if k in meta.index)
auto = slides.auto_seconds(st.query_params.get("auto"))
filters.to_url("auto", None if auto is None else str(auto))  # kept while the slides change; a bad value dropped

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
slug = None if area == ALL else area
about = t("presentation.questions_all_place") if area == ALL else names[area]  # "about …": the QR's page
pack_buttons(slug, key="presentasjon", where=bar)  # the meeting pack: the PowerPoint is the offline fallback
phone = qr.phone_url(slug, lang())
notes = [t("presentation.auto_running", seconds=auto)] if auto is not None else []
if phone is None:  # for the operator only (the bar is not projected): never a code to this machine
    notes.append(ui.plain(qr.missing_note(lang())))
if notes:
    bar.markdown("  \n".join(notes))
# "All areas" means the areas in work, and says which they are.
place = t("presentation.areas_in_work", names=", ".join(names[s] for s in in_work)) if area == ALL else names[area]
place_md = (t("presentation.areas_in_work", names=", ".join(ui.plain(names[s]) for s in in_work)) if area == ALL
            else ui.plain(names[area]))  # inside markdown


def qr_code(url: str, key: str) -> None:
    """The QR code as an image named by its address (SVG in a data URI: st.html drops inline SVG)."""
    svg = qr.qr_svg(url)
    size = svg.split('width="', 1)[1].split('"', 1)[0]  # segno writes width and height, no viewBox: add one
    svg = svg.replace("<svg ", f'<svg viewBox="0 0 {size} {size}" ', 1)
    label = html.escape(t("presentation.qr_label", place=about, url=url), quote=True)
    data = base64.b64encode(svg.encode()).decode()
    st.container(key=key).html(f'<img src="data:image/svg+xml;base64,{data}" alt="{label}">')


if auto is not None and number < len(SLIDES):  # the operator's note when paused (shell.PRESENTATION_KEYS)
    st.container(key="omr_auto").html(f'<div data-omr-auto="{auto}" data-state="running">'
                                      f'<p>{html.escape(t("presentation.auto_paused"))}</p></div>')
if phone is not None and slide != slides.QUESTIONS:
    qr_code(phone, "omr_qr")


def lead(text: str) -> None:
    """The slide's message in one or two sentences, in large type (styled by its container key)."""
    st.container(key="omr_lead").markdown(text)


def footer(text: str) -> None:
    """Source and period (and Eksempeldata) at the foot of every slide."""
    st.container(key="omr_source").markdown(text)


def then_now(gaps: pd.DataFrame, targets: pd.DataFrame, city_value, year: int, unit: str, decimals: int):
    """The rows of the then → now chart (each area: its value at the programme start and now, and its
    target; Bergen now) and the text alternative that says the same."""
    def shown(v):
        return iv.value_text(v, unit, decimals)

    goal = {r.area_slug: r for r in targets.itertuples()} if not targets.empty else {}
    rows, said = [], []
    for r in gaps.itertuples():
        now = None if r.suppressed else r.value
        now_text = iv.value_text(r.value, unit, decimals, suppressed=r.suppressed, text=r.value_text)
        has_base = r.base_year is not None and not pd.isna(r.base_year) and r.base_value is not None \
            and not pd.isna(r.base_value)
        base = float(r.base_value) if has_base else None
        text = (t("presentation.then_now", base_year=int(r.base_year), base=shown(base), now=now_text) if has_base
                else now_text)
        spoken = (t("presentation.alt_then_now", area=r.area_name, base=shown(base), base_year=int(r.base_year),
                    now=now_text, year=year) if has_base else
                  t("presentation.alt_now", area=r.area_name, now=now_text, year=year))
        g = goal.get(r.area_slug)
        target = float(g.target_value) if g is not None else None
        if g is not None:
            text += " · " + t("presentation.target_text", year=int(g.target_year), value=shown(target))
            spoken += ", " + t("presentation.alt_target", year=int(g.target_year), value=shown(target))
        rows.append({"label": r.area_name, "kind": "area", "base": base, "now": now, "target": target, "text": text})
        said.append(spoken)
    if city_value is not None:
        rows.append({"label": t("indicators.bergen"), "kind": "city", "base": None, "now": city_value,
                     "target": None, "text": shown(city_value)})
        said.append(t("presentation.alt_now", area=t("indicators.bergen"), now=shown(city_value), year=year))
    return pd.DataFrame(rows, columns=["label", "kind", "base", "now", "target", "text"]), ". ".join(said) + "."


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
    if area == ALL:
        c1.metric(t("presentation.kpi_areas"), len(shown), border=True)
    else:  # one area: its state (an ended area is not "in work")
        c1.metric(t("presentation.kpi_area"), t("state." + areas.set_index("slug").loc[area, "state"]), border=True)
    c2.metric(t("presentation.kpi_measures") + (f" · {t('common.illustrative')}" if mine["illustrative"] else ""),
              mine["measures"], border=True)
    # The grants are known for the programme as a whole, not per area: named as such.
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
        sentence = takeaway_for_areas(gaps.to_dict("records"), [ui.plain(n) for n in gaps["area_name"]],
                                      indicator=ui.plain(name), language=lang())
        lead(in_language(sentence, lang()) if sentence is not None else t("indicators.no_data"))
        rows, alt_text = then_now(gaps, targets, city_value, year, unit, decimals)
        words = {"start": t("presentation.legend_start"), "now": t("presentation.legend_now", year=year),
                 "target": t("presentation.legend_target")}
        charts.altair(charts.presentation_then_now(rows, words=words, language=lang()), f"then_now_{key}",
                      alt_text=f"{ui.plain(name)}. {alt_text}")
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
        if area == ALL:  # the total on Oversikt and Investeringer covers every area: say both
            every = q(read.money.investment_summary)
            st.markdown(t("presentation.money_all_areas", n=len(areas), budget=ui.mnok(every["budget_nok"]),
                          spent=ui.mnok(every["spent_nok"])))
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

elif slide == slides.QUESTIONS:
    st.title(t("presentation.questions_title"))
    left, right = st.columns([1.1, 2], gap="large") if phone else (None, st.container())
    if phone:
        with left:
            qr_code(phone, "omr_qr_large")
    with right:
        found = [(a, c) for a, c in ((a, q(read.places.contacts, a)) for a in shown) if not c.empty]
        if area != ALL and found:
            c = found[0][1].iloc[0]
            lines = [t("presentation.questions_contact", role=ui.plain(c.role), office=ui.plain(c.office))]
            lines += [ui.plain(x) for x in (c.address, c.email, c.phone, c.opening_hours) if isinstance(x, str) and x]
            st.markdown("  \n".join(lines))
        elif found:
            roles = sorted({r for _, c in found for r in c["role"]})
            st.markdown(t("presentation.questions_contacts_all", role=ui.plain(", ".join(roles))) + "\n\n" + "\n".join(
                f"- **{ui.plain(names[a])}**: {ui.plain(c.iloc[0].office)}" for a, c in found))
        else:
            st.markdown(t("presentation.questions_no_contact", place=place_md))
        if phone:
            st.markdown(t("presentation.questions_scan") + "  \n**" + ui.plain(phone.split("://", 1)[1]) + "**")
            live = qr.live_url(slug, lang())
            st.markdown(t("presentation.questions_live", place=ui.plain(about)) + "  \n**"
                        + ui.plain(live.split("://", 1)[1]) + "**")
        else:
            st.markdown(t("presentation.questions_more", place=ui.plain(about)))
    sources = sorted({x for _, c in found for x in c["source_title"].dropna()})
    illustrative = any(bool(c["illustrative"].any()) for _, c in found)
    footer(ui.source_line(", ".join(sources), None, illustrative) if found else
           ui.source_line(t("presentation.questions_no_contact_source"), None, False))

else:  # changes since the latest tertial report
    st.title(t("presentation.changes_title"))
    mine = set(measures_here()["id"])
    # Since the last frozen report (or the tertial's start), counted as Oversikt counts: a status that is
    # another than it was then (read.overview.changes_since).
    since, report = q(read.overview.since_default, dt.date.today())
    changes = q(read.overview.changes_since, since)["status"]
    changes = changes[changes["measure_id"].isin(mine)] if not changes.empty else changes
    d = changes["direction"].value_counts() if not changes.empty else pd.Series(dtype=int)
    lead(t("presentation.changes_lead", report=ui.plain(report), date=fmt.date(since, lang()), n=len(changes))
         if report else t("presentation.changes_lead_date", date=fmt.date(since, lang()), n=len(changes)))
    c1, c2, c3 = st.columns(3)
    c1.metric(t("presentation.better"), int(d.get("better", 0)), border=True)
    c2.metric(t("presentation.worse"), int(d.get("worse", 0)), border=True)
    c3.metric(t("presentation.completed"), int(d.get("completed", 0)), border=True)
    lines = [f"- **{ui.plain(r.measure_name)}**: "
             f"{ui.status_text(r.before) if isinstance(r.before, str) else t('programme.no_status')} → "
             f"{ui.status_text(r.after)}" for r in changes.head(4).itertuples()]
    st.markdown("\n".join(lines))
    footer(ui.source_line(t("presentation.measures_source"), fmt.date(since, lang()) + "–", True))
