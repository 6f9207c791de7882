"""Investeringer: follow the money per area — totals by area, year, category and funding, budget
against spent, per inhabitant next to key indicators, state grants year by year, a searchable
project list with details, and (for editors) the forms to add and change projects and grants.

URL: ``?omrader=&kategori=&finansiering=&status=&sok=&prosjekt=<id>``.
"""

import pandas as pd
import streamlit as st

from components import charts, filters, money, shell, ui
from components.data import q
from components.i18n import lang, t
from omradesatsing import formatting as fmt, read
from omradesatsing.permissions import has_role
from omradesatsing.programme import HEADLINE_INDICATORS
from omradesatsing.vocabulary import FUNDING_SOURCES, INVESTMENT_CATEGORIES, INVESTMENT_STATUSES

shell.header("investments.title", "investments.intro")
ui.illustrative_notice()

areas = q(read.places.areas)
names = dict(zip(areas["slug"], areas["name"], strict=True))
f1 = f2 = f3 = f4 = st.container(horizontal=True)  # one block, not five (see pages/delprogrammer.py)
chosen = filters.multiselect(t("investments.filter_areas"), list(names), default=(), format_func=names.get,
                             key="inv_omrader", param="omrader", where=f1, placeholder=t("investments.filter_all"))
categories = filters.multiselect(t("cols.category"), INVESTMENT_CATEGORIES, default=(),
                                 format_func=lambda c: t("category." + c), key="kategori", where=f2,
                                 placeholder=t("investments.filter_all"))
fundings = filters.multiselect(t("cols.funding"), FUNDING_SOURCES, default=(),
                               format_func=lambda c: t("funding." + c), key="finansiering", where=f3,
                               placeholder=t("investments.filter_all"))
statuses = filters.multiselect(t("cols.status"), INVESTMENT_STATUSES, default=(),
                               format_func=lambda c: t("investment_status." + c), key="inv_status", param="status",
                               where=f4, placeholder=t("investments.filter_all"))
# An emptied filter means "all", as the placeholder says.
scope = {"area_slugs": tuple(chosen or names), "categories": tuple(categories or INVESTMENT_CATEGORIES),
         "funding_sources": tuple(fundings or FUNDING_SOURCES), "statuses": tuple(statuses or INVESTMENT_STATUSES)}

by_area = q(read.money.money_totals, "area", **scope)
total = q(read.money.investment_summary, **scope)  # the same totals as Oversikt and the presentation
budget, spent, projects = total["budget_nok"], total["spent_nok"], total["projects"]
c1, c2, c3 = st.columns(3)
c1.metric(t("investments.kpi_budget"), ui.mnok(budget), border=True)
share = fmt.percent(100 * spent / budget, 0, lang()) if budget else "–"
c2.metric(t("investments.kpi_spent"), ui.mnok(spent), border=True,
          help=t("investments.kpi_spent_help"))
c2.caption(t("investments.kpi_spent_share", share=share))
c3.metric(t("investments.kpi_projects"), fmt.number(projects, 0, lang()), border=True)
invest = q(read.money.investments)  # read once: the caption here and the project list below
named = int((invest["source_illustrative"].eq(False) & invest["source_url"].notna()).sum())  # on a published page
st.caption(t("investments.kpi_caption", named=named, total=len(invest)))

# --- Budget against spent, by area / category / funding / year -------------------------------------
st.header(t("investments.totals_heading"))
if projects == 0:
    st.info(t("investments.no_projects"))
else:
    by_area["label"] = by_area["area_name"]
    top = by_area.sort_values("budget_nok", ascending=False).iloc[0]
    st.subheader(t("investments.per_area_heading"))
    caption = t("investments.caption", area=top["label"], amount=ui.mnok(top["budget_nok"]), total=ui.mnok(budget),
                spent=ui.mnok(spent))
    charts.altair(money.budget_spent_spec(by_area, label="label", language=lang()), "per_area", alt_text=caption)
    st.markdown(caption)
    # Only the open tab is built (a rerun on a tab change): one chart to draw on the first render
    # instead of four.
    tab_cat, tab_fund, tab_year, tab_status = st.tabs([t("investments.tab_category"), t("investments.tab_funding"),
                                                       t("investments.tab_year"), t("investments.tab_status")],
                                                      key="fordeling", on_change="rerun")
    for tab, by, word in ((tab_cat, "category", "category."), (tab_fund, "funding_source", "funding."),
                          (tab_year, "start_year", None), (tab_status, "status", "investment_status.")):
        if not tab.open:
            continue
        with tab:
            df = q(read.money.money_totals, by, **scope)
            df["label"] = df["key"].map(lambda k, w=word: t(w + k) if w else str(int(k)))
            first = df.sort_values("budget_nok", ascending=False).iloc[0]
            caption = t(f"investments.caption_{by}", label=first["label"], amount=ui.mnok(first["budget_nok"]),
                        total=ui.mnok(budget))
            charts.altair(money.budget_spent_spec(df, label="label", language=lang()), f"by_{by}", alt_text=caption)
            st.markdown(caption)
    st.markdown(ui.illustrative_badge() + " " + t("investments.amounts_note"))

# --- Per inhabitant, next to the key indicators -----------------------------------------------------
st.header(t("investments.per_inhabitant_heading"))
st.markdown(t("investments.per_inhabitant_intro"))
per = q(read.money.area_money, categories=scope["categories"], funding_sources=scope["funding_sources"],
        statuses=scope["statuses"])
# each area's gap rows are one cached read (shared with Område), whatever the filters
per = read.money.with_headline(per, {slug: q(read.indicators.area_gaps, slug, lang())
                                     for slug in per["area_slug"] if slug != "_all"})
meta = q(read.indicators.indicators).set_index("key")
rows = []
for r in per.itertuples():
    if r.area_slug != "_all" and r.area_slug not in scope["area_slugs"]:
        continue
    row = {t("cols.area"): r.area_name if r.area_slug != "_all" else t("investments.all_areas"),
           t("investments.col_population"): fmt.number(r.population, 0, lang()),
           t("investments.col_budget_per"): fmt.kroner(r.budget_per_inhabitant, lang()) or "–",
           t("investments.col_spent_per"): fmt.kroner(r.spent_per_inhabitant, lang()) or "–"}
    for key in HEADLINE_INDICATORS:
        if key not in meta.index:
            continue
        g = r.headline.get(key)
        label = meta.loc[key, f"name_{lang()}"]
        if g is None:
            row[label] = "–"
        elif g["suppressed"]:
            row[label] = t("common.suppressed")
        else:
            row[label] = f"{fmt.value(g['value'], g['unit'], int(g['decimals']), lang())} ({g['period']})"
    row[t("cols.illustrative")] = ui.yes_no(r.illustrative)
    rows.append(row)
per_table = pd.DataFrame(rows)
st.dataframe(per_table, hide_index=True, width="stretch")
st.caption(t("investments.per_inhabitant_note"))
ui.download_buttons(per_table, "investeringer-per-innbygger", key="per_dl")

# --- State grants year by year ---------------------------------------------------------------------
st.header(t("investments.grants_heading"))
st.markdown(t("investments.grants_intro"))
gtot = q(read.money.grant_totals)
gtot["kind"] = ["illustrative" if i else ("derived" if d else "real") for i, d in zip(gtot["illustrative"],
                                                                                     gtot["derived"], strict=True)]
known = q(read.money.grant_summary)  # the same figure as Oversikt and the presentation
caption = t("investments.grants_caption", first=known["all_first"], last=known["all_last"],
            real=ui.mnok(known["known_nok"]), years=known["years"], illustrative=known["illustrative_years"])
charts.altair(money.grants_spec(gtot, language=lang()), "grants", alt_text=caption)
st.markdown(caption)
g = q(read.money.grants).copy()
g["amount"] = ui.mnok_all(g["amount_nok"])
g["kind"] = g.apply(lambda r: t("common.illustrative") if r["illustrative"] else (
    t("investments.derived") if r["derived"] else t("common.real")), axis=1)
g["status"] = g["status"].map(lambda s: t("grant_status." + s))
g["in_sums"] = g["in_sums"].map(ui.yes_no)
gt = g[["year", "amount", "recipient", "scheme", "funder", "status", "kind", "in_sums", "note", "source_title",
        "source_url"]]
gt.columns = [t("cols.year"), t("cols.amount"), t("cols.recipient"), t("cols.scheme"), t("cols.funder"),
              t("cols.status"), t("cols.kind"), t("investments.col_in_sums"), t("cols.note"), t("cols.source"),
              t("cols.source_url")]
with st.expander(t("investments.grants_table"), expanded=False):
    st.dataframe(gt, hide_index=True, width="stretch",
                 column_config={t("cols.source_url"): st.column_config.LinkColumn(t("cols.source_url"))})
    ui.download_buttons(gt, "statlige-tilskudd", key="grants_dl")

# --- Projects -------------------------------------------------------------------------------------
st.header(t("investments.projects_heading"))
search = st.text_input(t("investments.search"), value=st.query_params.get("sok", ""), key="sok",
                       placeholder=t("investments.search_placeholder"))
filters.to_url("sok", search.strip() or None)
shown = invest[invest["area_slug"].isin(scope["area_slugs"]) & invest["category"].isin(scope["categories"])
               & invest["funding_source"].isin(scope["funding_sources"]) & invest["status"].isin(scope["statuses"])]
if search.strip():
    needle = search.strip().lower()
    shown = shown[shown["name"].str.lower().str.contains(needle, regex=False)
                  | shown["description"].fillna("").str.lower().str.contains(needle, regex=False)]
shown = shown.reset_index(drop=True)
st.caption(t("investments.projects_count", n=len(shown), total=len(invest)))
p = shown.copy()
p["budget"] = ui.mnok_all(p["budget_nok"])
p["spent"] = ui.mnok_all(p["spent_nok"])
# one lookup per code, not per row (2,000 projects)
p["category"] = p["category"].map({c: t("category." + c) for c in INVESTMENT_CATEGORIES})
p["funding_source"] = p["funding_source"].map({c: t("funding." + c) for c in FUNDING_SOURCES})
p["status"] = p["status"].map({c: t("investment_status." + c) for c in INVESTMENT_STATUSES})
p["years"] = [ui.period_text(a, b) for a, b in zip(p["start_year"], p["end_year"], strict=True)]
p["illustrative"] = ui.yes_no_all(p["illustrative"])
pt = p[["name", "area_name", "category", "funding_source", "budget", "spent", "years", "status", "illustrative",
        "source_title", "licence"]]
pt.columns = [t("cols.project"), t("cols.area"), t("cols.category"), t("cols.funding"), t("cols.budget"),
              t("cols.spent"), t("cols.years"), t("cols.status"), t("cols.illustrative"), t("cols.source"),
              t("cols.licence")]
# The table's key follows the projects it lists: a search or filter that changes the list makes a new
# table (a picked row is never read against another list), which picks the project in the URL again
# when it is still listed.
wanted = filters.int_param("prosjekt", lo=1)
picked = st.dataframe(pt, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
                      key=ui.table_key("project_table", shown["id"]),
                      selection_default=ui.selection_of(shown, "id", wanted))
ui.download_buttons(pt, "investeringer", key="projects_dl")

row = ui.selected_row(shown, picked)
selected_id = int(row["id"]) if row is not None else wanted
filters.to_url("prosjekt", str(selected_id) if selected_id is not None else None)
if selected_id is not None and selected_id in set(invest["id"]):
    with st.container(border=True):
        money.project_detail(invest.set_index("id").loc[selected_id].to_dict() | {"id": selected_id})
else:
    st.caption(t("investments.pick_hint"))

# --- Editing (editors and admins; the core checks the role and the area again) -------------------
who = shell.actor()
if has_role(who, "editor"):
    st.header(t("investments.edit_heading"))
    current = invest.set_index("id").loc[selected_id].to_dict() if selected_id in set(invest["id"]) else None
    money.project_form(who, names, current, selected_id)
    money.grant_form(who, names)
else:
    st.caption(t("investments.edit_login"))
