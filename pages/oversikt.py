"""Oversikt, for the politician: what changed since the last meeting, where each area stands on the key
indicators against Bergen (and whether it is improving), and the money per area — on the first screen at
1280×720. Below: the areas, one card each.

URL: ``?siden=YYYY-MM-DD`` (default: the day the last tertial report was frozen).
"""

import datetime as dt

import streamlit as st

from components import filters, overview as ov, ui
from components.data import q
from components.i18n import lang, t
from omradesatsing import formatting as fmt, read
from omradesatsing.programme import HEADLINE_INDICATORS

TODAY = dt.date.today()
ov.style()
title, pick = st.columns([3, 1], vertical_alignment="bottom")
title.title(t("overview.title"))

areas = q(read.places.areas)
meta = q(read.indicators.indicators).set_index("key")
keys = tuple(k for k in HEADLINE_INDICATORS if k in meta.index)
money = q(read.money.investment_summary)  # the same totals as Investeringer and the presentation (computed in the core)
grants = q(read.money.grant_summary)

# --- Since the last meeting ---------------------------------------------------------------------------
default, report = q(read.overview.since_default, TODAY)
earliest = dt.date(1900, 1, 1)
if "oversikt_siden" not in st.session_state:  # from the URL on a new session
    st.session_state["oversikt_siden"] = filters.date_param("siden", default, lo=earliest, hi=TODAY)
since = pick.date_input(t("overview.since_pick"), format="DD.MM.YYYY", key="oversikt_siden", min_value=earliest,
                        max_value=TODAY, help=t("overview.since_help"))
filters.to_url("siden", since.isoformat() if since != default else None)
since_box = st.container(gap="xxsmall", key="omr_since")
since_box.header(t("overview.since_heading"))
changes = q(read.overview.changes_since, since)
status = changes["status"]
when = fmt.date(since, lang())
start = (t("overview.since_report", report=ui.plain(report), date=when) if report and since == default
         else t("overview.since_date", date=when))
if status.empty:
    since_box.markdown(start + " " + t("overview.no_status_changes"))
else:
    d = status["direction"].value_counts()
    mark = f" {ui.illustrative_badge()}" if status["illustrative"].any() else ""
    since_box.markdown(start + " " + t("overview.status_summary", n=len(status), better=int(d.get("better", 0)),
                                worse=int(d.get("worse", 0)), completed=int(d.get("completed", 0))) + mark)
    shown = status.head(3)  # worse first (read.overview.changes_since)
    for row in shown.itertuples():
        since_box.page_link("pages/delprogrammer.py", label=ui.plain(ov.status_line(row)), icon=ov.DIRECTION_ICON.get(
            row.direction, ":material/swap_vert:"), query_params={"tiltak": str(row.measure_id)})
    if len(status) > len(shown):
        since_box.page_link("pages/delprogrammer.py", label=t("overview.all_status_changes", n=len(status)),
                     icon=":material/arrow_forward:", query_params={"visning": "endret", "siden": since.isoformat()})
imports = changes["imports"]
figures = (t("overview.new_figures", n=len(imports), values=int(imports["added"].sum() + imports["changed"].sum()))
           if not imports.empty else t("overview.no_new_figures"))
moved = changes["money"]
money_line = (t("overview.money_moved", n=moved["projects"], budget=ov.signed_mnok(moved["budget_change_nok"]),
                spent=ov.signed_mnok(moved["spent_change_nok"]))
              if moved["projects"] else t("overview.no_money_moved"))
if imports.empty and not moved["projects"]:
    since_box.markdown(f"{figures} {money_line}")
else:  # something to see: a line that says so is a link to where it is listed
    for line, changed, target, icon in ((figures, not imports.empty, "pages/om_dataene.py", ":material/dataset:"),
                                        (money_line, bool(moved["projects"]), "pages/investeringer.py",
                                         ":material/payments:")):
        if changed:
            since_box.page_link(target, label=line, icon=icon)
        else:
            since_box.markdown(line)

# --- Where each area stands ---------------------------------------------------------------------------
grid_box = st.container(gap="xxsmall", key="omr_grid")
block = ov.grid_block(keys, lang())  # the table made once per language (read.overview.area_grid)
grid_box.header(t("overview.grid_heading") + (f" {ui.illustrative_badge()}" if block["illustrative"]
                                                 or money["any_illustrative"] else ""))
grid_box.html(block["html"])
grid_box.caption(t("overview.grid_legend") + "  \n" + ui.source_line(", ".join(block["sources"]),
                                                                    ", ".join(block["periods"]), block["illustrative"])
           + "  \n" + t("overview.money_source", budget=ui.mnok(money["budget_nok"]), spent=ui.mnok(money["spent_nok"]))
           + (f" {ui.illustrative_badge()}" if money["any_illustrative"] else "")
           + " " + t("overview.grants_line", grants=ui.mnok(grants["known_nok"]), first=grants["first"],
                     last=grants["last"]))
links = st.container(horizontal=True)
for a in areas.itertuples():
    links.page_link("pages/omrade.py", label=ui.plain(a.name), icon=":material/arrow_forward:",
                    query_params={"omrade": a.slug})
links.page_link("pages/presentasjon.py", label=t("presentation.open"), icon=":material/co_present:")
