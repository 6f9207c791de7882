"""Investeringer: what is spent where, on what, and the state grants year by year."""

from components.shell import ensure_frame

ensure_frame()

import streamlit as st  # noqa: E402

from components import charts, shell, ui  # noqa: E402
from components.data import q  # noqa: E402
from components.i18n import t  # noqa: E402

shell.header("investments.title", "investments.intro")
ui.illustrative_notice()

invest = q("investments")
totals = q("investment_totals")
grants = q("grants")

c1, c2, c3 = st.columns(3)
# Sums come from the SQL totals per area (whole kroner), not from adding rows here.
c1.metric(t("investments.kpi_budget"), ui.mnok(totals["budget_nok"].sum()), border=True)
c2.metric(t("investments.kpi_spent"), ui.mnok(totals["spent_nok"].sum()), border=True)
c3.metric(t("investments.kpi_projects"), int(totals["projects"].sum()), border=True)
st.caption(t("investments.kpi_caption"))

st.subheader(t("investments.per_area_heading"))
per_area = totals.copy()
per_area["mnok"] = per_area["budget_nok"] / 1_000_000
chart = charts.bar_chart(per_area, x="mnok", y="area_name", color=None, x_title=t("investments.axis_mnok"),
                         y_title="", height=300)
top = per_area.sort_values("budget_nok", ascending=False).iloc[0]
caption = t("investments.caption", area=top["area_name"], amount=ui.mnok(top["budget_nok"]),
            total=ui.mnok(per_area["budget_nok"].sum()))
charts.show(chart, caption, key="per_area")
st.markdown(ui.illustrative_badge())

st.subheader(t("investments.grants_heading"))
st.markdown(t("investments.grants_intro"))
g = grants.copy()
g["amount"] = g["amount_nok"].map(ui.mnok)
g["kind"] = g.apply(lambda r: t("common.illustrative") if r["illustrative"] else (
    t("investments.derived") if r["derived"] else t("common.real")), axis=1)
g["status"] = g["status"].map(lambda s: t("grant_status." + s))
gt = g[["year", "amount", "recipient", "scheme", "funder", "status", "kind", "source_title", "source_url"]]
gt.columns = [t("cols.year"), t("cols.amount"), t("cols.recipient"), t("cols.scheme"), t("cols.funder"),
              t("cols.status"), t("cols.kind"), t("cols.source"), t("cols.source_url")]
st.dataframe(gt, hide_index=True, width="stretch",
             column_config={t("cols.source_url"): st.column_config.LinkColumn(t("cols.source_url"))})
ui.download_buttons(gt, "statlige-tilskudd", key="grants_dl")

st.subheader(t("investments.projects_heading"))
p = invest.copy()
p["budget"] = p["budget_nok"].map(ui.mnok)
p["spent"] = p["spent_nok"].map(ui.mnok)
p["category"] = p["category"].map(lambda c: t("category." + c))
p["funding_source"] = p["funding_source"].map(lambda c: t("funding." + c))
p["status"] = p["status"].map(lambda s: t("investment_status." + s))
p["years"] = p.apply(lambda r: ui.period_text(r["start_year"], r["end_year"]), axis=1)
p["illustrative"] = p["illustrative"].map(ui.yes_no)
pt = p[["name", "area_name", "category", "funding_source", "budget", "spent", "years", "status", "illustrative",
        "source_title"]]
pt.columns = [t("cols.project"), t("cols.area"), t("cols.category"), t("cols.funding"), t("cols.budget"),
              t("cols.spent"), t("cols.years"), t("cols.status"), t("cols.illustrative"), t("cols.source")]
st.dataframe(pt, hide_index=True, width="stretch")
ui.download_buttons(pt, "investeringer", key="projects_dl")
