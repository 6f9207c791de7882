"""Område's pieces: the key figures against Bergen in words, what happens next, measures, investments,
a small static map, participation, publications and contacts. Every number, judgement and choice of rows
comes from the core (``read.indicators.key_figures``, ``read.programme.next_milestones``,
``read.money.investment_summary``/``largest_investments``, ``read.places.area_map`` …); this module only
words and lays them out, in lists that wrap on a phone (no wide tables)."""

from __future__ import annotations

import base64
import html

import pandas as pd
import streamlit as st

from components import indicators as ind, programme as prog, ui
from components.data import TTL_SECONDS, q
from components.i18n import lang, t
from omradesatsing import formatting as fmt, read

PARTICIPATION_SHOWN = 5
AREA_FILL = "#0072B2"  # Okabe–Ito blue, as the profile's "better"; the outline and the label say it, not only colour
CONTEXT_FILL = "#ECECE8"
CONTEXT_LINE = "#9A9A94"


def _mark(flag) -> str:
    return f" {ui.illustrative_badge()}" if bool(flag) else ""


def key_figures(slug: str) -> pd.DataFrame:
    """The key figures, each with its value, the judgement in the profile's words, Bergen's value, period,
    source and the Eksempeldata mark; a suppressed value says «Prikket» (hidden in the core)."""
    rows = q(read.indicators.key_figures, slug, lang())
    if rows.empty:
        st.markdown(t("area.no_figures"))
        return rows
    metas = [(str(r.period), r.source_title, bool(r.illustrative) or bool(r.city_illustrative))
             for r in rows.itertuples()]
    shared = len(set(metas)) == 1  # one period and source for all: said once, under them
    for r, (period, source, illustrative) in zip(rows.itertuples(), metas, strict=True):
        value = ind.value_text(r.value, r.unit, r.decimals, suppressed=bool(r.suppressed), text=r.value_text)
        city = ind.value_text(r.city_value, r.unit, r.decimals)
        line = t("area.figure_line", value=value, words=ind.comparison_words(r), city=city)
        st.markdown(f"**{ui.plain(r.name)}**  \n{line}")
        if not shared:
            st.caption(t("area.figure_meta", period=ui.plain(period), source=ui.source_line(source, None, illustrative)))
    if shared:
        period, source, illustrative = metas[0]
        st.caption(t("area.figure_meta_all", period=ui.plain(period), source=ui.source_line(source, None, illustrative)))
    return rows


def next_milestones(slug: str) -> None:
    nxt = q(read.programme.next_milestones, slug)
    if nxt.empty:
        st.markdown(t("area.next_none"))
    else:
        st.caption(t("area.next_intro"))
        items = []
        for r in nxt.itertuples():
            day = fmt.date(r.due_date, lang())
            when = t("area.next_overdue", date=day) if r.overdue else t("area.next_due", date=day)
            when = f"**⚠ {when}**" if r.overdue else f"**{when}**"
            items.append(f"- {when}: {ui.plain(r.name)} ({ui.plain(r.measure_name)}){_mark(r.illustrative)}")
        st.markdown("\n".join(items))
    st.page_link("pages/delprogrammer.py", label=t("area.to_programme"), icon=":material/timeline:",
                 query_params={"visning": "tidslinje", "omrader": slug})


def measures(slug: str) -> None:
    """Each measure with its status (symbol and word), the ⚠ mark when it needs a new status this tertial,
    its name and subprogramme: one loose list (one element, not one per measure)."""
    m = q(read.programme.measures, slug)
    if m.empty:
        st.markdown(t("area.no_measures"))
        return
    items = []
    for r in m.itertuples():
        mark = _mark(r.illustrative or r.status_illustrative)
        stale = f"{prog.stale_mark(r.stale)} ·" if r.stale else ""  # ⚠ beside the status, then the name
        items.append(f"- {ui.status_badge(r.status)}{stale} **{ui.plain(r.name)}** "
                     f"({t('programme.subprogramme').lower()} {r.subprogramme_number}){mark}")
    st.markdown("\n\n".join(items))  # one (loose) list: one element, not one per measure


def investments(slug: str) -> None:
    """The area's sum (``read.money.investment_summary``, the figure Oversikt and Investeringer show), what
    is completed and what is under way or planned (the same reader, by status), and the largest projects."""
    total = q(read.money.investment_summary, area_slugs=(slug,))
    if not total["projects"]:
        st.markdown(t("area.no_investments"))
        return
    done = q(read.money.investment_summary, area_slugs=(slug,), statuses=("completed",))
    ahead = q(read.money.investment_summary, area_slugs=(slug,), statuses=("planned", "under_way"))
    lines = [f"- {t(key, amount=ui.mnok(part['budget_nok']), n=part['projects'])}"
             for key, part in (("area.investments_done", done), ("area.investments_planned", ahead)) if part["projects"]]
    st.markdown(t("area.investments_sum", n=total["projects"], amount=ui.mnok(total["budget_nok"]))
                + _mark(total["any_illustrative"]) + "\n\n" + "\n".join(lines))
    largest = q(read.money.largest_investments, slug)
    st.subheader(t("area.investments_largest"))
    st.markdown("\n".join(
        f"- **{ui.plain(r.name)}**: {ui.mnok(r.budget_nok)} · {t('investment_status.' + r.status)}"
        f"{_mark(r.illustrative)}" for r in largest.itertuples()))
    sources = sorted({s for s in largest["source_title"].dropna()})
    if sources:
        st.caption(" · ".join(ui.source_line(s) for s in sources))
    st.page_link("pages/investeringer.py", label=t("area.to_investments"), icon=":material/payments:",
                 query_params={"omrader": slug})


@st.cache_data(ttl=TTL_SECONDS, max_entries=16, show_spinner=False)
def map_svg(slug: str, area_name: str, language: str) -> tuple[str, str] | None:
    """The area's small map as an SVG image (about 10 kB; a pydeck map would load deck.gl's 3 MB bundle)
    with its text alternative (the alt text: what is marked and how it is drawn), and that text for under it."""
    m = q(read.places.area_map, slug)
    if m is None:
        return None
    # A stand-in (the delområde) says so in its note; the area's own levekårssoner are named.
    text = m["note"] or t("area.map_text", zones=", ".join(m["zone_names"]))
    alt = f"{t('area.map_alt', area=area_name)} {text}"
    w, h = m["width"], m["height"]
    context = "".join(f'<path d="{d}"/>' for d in m["context"])
    shapes = "".join(f'<path d="{d}"/>' for d in m["area"])
    x, y = m["label"]
    label = html.escape(area_name.split(" (")[0])
    svg = (
        f'<svg viewBox="0 0 {w:g} {h:g}" width="{w:g}" height="{h:g}" xmlns="http://www.w3.org/2000/svg">'
        f'<rect width="100%" height="100%" fill="#F4F8FB"/>'
        f'<g fill="{CONTEXT_FILL}" stroke="{CONTEXT_LINE}" stroke-width="0.6">{context}</g>'
        f'<g fill="{AREA_FILL}" fill-opacity="0.35" stroke="{AREA_FILL}" stroke-width="2.2" '
        f'stroke-linejoin="round">{shapes}</g>'
        f'<text x="{x:g}" y="{y:g}" text-anchor="middle" font-size="15" font-weight="700" fill="#000" '
        f'stroke="#fff" stroke-width="3" paint-order="stroke" font-family="sans-serif">{label}</text></svg>'
    )
    # An <img> of the SVG: Streamlit's HTML sanitiser drops inline <svg>, and an image's alt text is the
    # text alternative every screen reader knows.
    src = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    img = (f'<img class="omr-area-map" src="{src}" alt="{html.escape(alt)}" width="{w:g}" height="{h:g}" '
           f'style="width:100%;max-width:480px;height:auto;display:block;border:1px solid #D0D0CC;border-radius:4px">')
    return img, text


def area_map(slug: str, area_name: str) -> None:
    drawn = map_svg(slug, area_name, lang())
    if drawn is None:
        return
    img, text = drawn
    st.html(img)
    st.caption(ui.plain(text))
    st.page_link("pages/kart.py", label=t("area.to_map"), icon=":material/map:")


def participation(slug: str) -> None:
    """Folkemøter, Barnetråkk, surveys, neighbourhood groups: the latest few, newest first, as a list."""
    part = q(read.programme.participation, slug)
    if part.empty:
        st.markdown(t("area.no_participation"))
        return
    shown = part.head(PARTICIPATION_SHOWN)
    items = []
    for r in shown.itertuples():
        kind = t("participation." + r.kind)
        # «Folkemøte Olsvik 2026» needs no «Folkemøte:» before it
        line = ui.plain(r.title) if str(r.title).startswith(kind) else \
            t("area.participation_line", kind=kind, title=ui.plain(r.title))
        people = "" if r.participants is None or pd.isna(r.participants) else \
            f" · {t('area.participation_people', n=fmt.number(int(r.participants), 0, lang()))}"
        items.append(f"- **{fmt.date(r.date, lang())}** · {line}{people}{_mark(r.illustrative)}")
    st.markdown("\n".join(items))
    if len(part) > len(shown):
        st.caption(t("area.participation_more", shown=len(shown), total=len(part)))


def publications(slug: str) -> None:
    pubs = q(read.places.publications, slug)
    if pubs.empty:
        st.markdown(t("area.no_publications"))
        return
    st.caption(t("area.publications_intro"))
    items = []
    for r in pubs.itertuples():
        bits = [t("area.kind_" + r.kind), fmt.years(r.year_start, r.year_end)]
        if isinstance(r.publisher, str) and r.publisher:
            bits.append(ui.plain(r.publisher))
        if isinstance(r.note, str) and r.note:
            bits.append(ui.plain(r.note))
        items.append(f"- **{ui.in_own_language(r.title, r.language)}**  \n{' · '.join(bits)}{_mark(r.illustrative)}")
    st.markdown("\n".join(items), unsafe_allow_html=True)  # only the lang marks: the texts are ui.plain
    st.caption(" · ".join(ui.source_line(s) for s in sorted(set(pubs["source_title"].dropna()))))


def contacts(slug: str) -> None:
    rows = q(read.places.contacts, slug)
    if rows.empty:
        st.markdown(t("area.no_contacts"))
        return
    for r in rows.itertuples():
        lines = [f"**{ui.plain(r.role)}**, {ui.plain(r.office)}{_mark(r.illustrative)}"]
        for key, value in (("contact_address", "address"), ("contact_email", "email"), ("contact_phone", "phone"),
                           ("contact_hours", "hours")):
            field = getattr(r, "opening_hours" if value == "hours" else value)
            if isinstance(field, str) and field:
                lines.append(t(f"area.{key}", **{value: ui.plain(field)}))
        st.markdown("  \n".join(lines))
        st.caption(ui.source_line(r.source_title, None, bool(r.illustrative)))
