"""Investeringer: bar charts of budget against spent with the amounts written on them, the state
grants year by year, a project's detail with a small map, and the editor's project form.

Amounts arrive as whole kroner from the core; they become millions only here, for display.
"""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd
import pydeck as pdk
import streamlit as st

from components import charts, forms, maps, ui
from components.charts import FONT_SIZE, configure
from components.data import current_engine, invalidate, q
from components.i18n import lang, t
from omradesatsing import commands, formatting as fmt, permissions, read
from omradesatsing.vocabulary import FUNDING_SOURCES, GRANT_STATUSES, INVESTMENT_CATEGORIES, INVESTMENT_STATUSES

BUDGET_COLOUR = "#9ecae1"  # light: the whole budget
SPENT_COLOUR = "#08519c"  # dark: what is spent (contrast 7:1 against white)
GRANT_STYLE = {"real": ("#08519c", "#08519c"), "derived": ("#6baed6", "#08519c"), "illustrative": ("#ffffff", "#555555")}


def millions(nok) -> float:
    """Whole kroner as a number of millions, for a chart's axis (what is shown as text: ``ui.mnok``)."""
    return int(nok) / 1_000_000


def budget_spent_chart(df: pd.DataFrame, *, label: str, height_per_row: int = 42) -> alt.LayerChart:
    """Horizontal bars: the budget (light, wide) with what is spent inside it (dark, narrow), and
    both amounts written at the end of the bar, so nothing depends on telling colours apart.
    ``df`` columns: ``label`` (the row name), budget_nok, spent_nok, projects."""
    data = df.copy()
    data["budget"] = data["budget_nok"].map(millions)
    data["spent"] = data["spent_nok"].map(millions)
    data["text"] = [t("investments.bar_label", budget=ui.mnok(b), spent=fmt.number(millions(s), 1, lang()))
                    for b, s in zip(data["budget_nok"], data["spent_nok"], strict=True)]
    order = list(data.sort_values("budget_nok", ascending=False)[label])
    y = alt.Y(f"{label}:N", sort=order, title=None, axis=alt.Axis(labelLimit=260))
    x_max = max(float(data["budget"].max()) * 1.6, 1.0)  # room for the amounts after the longest bar
    x = alt.X("budget:Q", title=t("investments.axis_mnok"), scale=alt.Scale(domain=[0, x_max]),
              axis=alt.Axis(format=",.0f"))
    legend = alt.Color("kind:N", title=None, scale=alt.Scale(
        domain=[t("investments.legend_budget"), t("investments.legend_spent")], range=[BUDGET_COLOUR, SPENT_COLOUR]),
        legend=alt.Legend(orient="bottom"))
    tooltip = [alt.Tooltip(f"{label}:N", title=" "), alt.Tooltip("text:N", title=t("cols.amount")),
               alt.Tooltip("projects:Q", title=t("investments.kpi_projects"))]
    base = alt.Chart(data).encode(y=y, tooltip=tooltip)
    budget = base.mark_bar(size=26).encode(x=x, color=legend).transform_calculate(
        kind=f"'{t('investments.legend_budget')}'")
    spent = base.mark_bar(size=12).encode(x=alt.X("spent:Q", scale=alt.Scale(domain=[0, x_max]),
                                                  title=t("investments.axis_mnok")),
                                          color=legend).transform_calculate(kind=f"'{t('investments.legend_spent')}'")
    text = base.mark_text(align="left", dx=6, fontSize=FONT_SIZE, color="#262730").encode(
        x=alt.X("budget:Q", scale=alt.Scale(domain=[0, x_max])), text="text:N")
    # A step height: Streamlit fits the whole chart (axes and legend included) into a fixed height,
    # which squeezed the rows; a step keeps each row its height.
    return configure(alt.layer(budget, spent, text).properties(height={"step": height_per_row}))


@st.cache_data(ttl=300, max_entries=64, show_spinner=False)
def budget_spent_spec(df: pd.DataFrame, *, label: str, language: str) -> dict:
    """``budget_spent_chart`` as a Vega-Lite spec, cached per data and language (``language`` is in
    the key): building and validating the Altair chart costs ~40 ms per chart and rerun."""
    return charts.spec_of(budget_spent_chart(df, label=label))


@st.cache_data(ttl=300, max_entries=16, show_spinner=False)
def grants_spec(df: pd.DataFrame, *, language: str) -> dict:
    """``grants_chart`` as a Vega-Lite spec, cached per data and language."""
    return charts.spec_of(grants_chart(df))


def grants_chart(df: pd.DataFrame) -> alt.LayerChart:
    """State grants per year, stacked by kind; illustrative years hollow with a dashed edge, and
    the year's total written above the bar. ``df``: year, amount_nok, kind (real/derived/illustrative)."""
    data = df.copy()
    data["amount"] = data["amount_nok"].map(millions)
    data["kind_text"] = data["kind"].map(lambda k: t(f"investments.grant_kind_{k}"))
    data["shown"] = data["amount_nok"].map(ui.mnok)
    kinds = [k for k in GRANT_STYLE if k in set(data["kind"])]
    words = [t(f"investments.grant_kind_{k}") for k in kinds]
    totals = data.groupby("year", as_index=False)["amount_nok"].sum()
    totals["amount"] = totals["amount_nok"].map(millions)
    totals["shown"] = totals["amount_nok"].map(lambda v: fmt.number(millions(v), 1, lang()))
    x = alt.X("year:O", title=t("charts.year"), axis=alt.Axis(labelAngle=0))
    bars = alt.Chart(data).mark_bar(strokeWidth=2).encode(
        x=x, y=alt.Y("sum(amount):Q", title=t("investments.axis_mnok"), axis=alt.Axis(format=",.0f")),
        fill=alt.Fill("kind_text:N", title=None, scale=alt.Scale(domain=words, range=[GRANT_STYLE[k][0] for k in kinds]),
                      legend=alt.Legend(orient="bottom", symbolStrokeColor="#555555")),
        stroke=alt.Stroke("kind_text:N", scale=alt.Scale(domain=words, range=[GRANT_STYLE[k][1] for k in kinds]),
                          legend=None),
        strokeDash=alt.condition(alt.datum.kind == "illustrative", alt.value([4, 3]), alt.value([1, 0])),
        tooltip=[alt.Tooltip("year:O", title=t("charts.year")), alt.Tooltip("shown:N", title=t("cols.amount")),
                 alt.Tooltip("kind_text:N", title=t("cols.kind"))],
    )
    labels = alt.Chart(totals).mark_text(dy=-8, fontSize=FONT_SIZE, color="#262730").encode(
        x=x, y="amount:Q", text="shown:N")
    return configure(alt.layer(bars, labels).properties(height=320))


# ---------------------------------------------------------------------------------------------
# Project detail
# ---------------------------------------------------------------------------------------------


def project_deck(r) -> pdk.Deck:
    """A small offline map: Bergen, the delområder, the programme areas and the project's point."""
    outlines, _ = maps.area_outlines()
    layers = [
        pdk.Layer("GeoJsonLayer", q(read.places.zone_features, "kommune", include_neighbours=True), id="neighbours",
                  filled=True, stroked=True, get_fill_color=[236, 236, 232, 255], get_line_color=[185, 185, 180],
                  line_width_min_pixels=1),
        pdk.Layer("GeoJsonLayer", q(read.places.zone_features, "delomraade"), id="zones", filled=True, stroked=True,
                  get_fill_color=[250, 250, 247, 255], get_line_color=[170, 170, 170], line_width_min_pixels=1),
        pdk.Layer("GeoJsonLayer", outlines, id="areas", filled=False, stroked=True, get_line_color="properties.line",
                  line_width_min_pixels=3),
        pdk.Layer("ScatterplotLayer", [{"lon": float(r["lon"]), "lat": float(r["lat"])}], id="project",
                  get_position=["lon", "lat"], get_fill_color=list(maps.CATEGORY_RGB.get(r["category"], [0, 0, 0])),
                  get_radius=60, radius_min_pixels=9, stroked=True, get_line_color=[0, 0, 0],
                  line_width_min_pixels=2.5),
    ]
    view = pdk.ViewState(longitude=float(r["lon"]), latitude=float(r["lat"]), zoom=11.2, min_zoom=9, max_zoom=16)
    return maps.CompactDeck(layers=layers, initial_view_state=view, map_provider=None)


def project_detail(r) -> None:
    """Description, a small map, years, amounts, funding, status and before/after photos."""
    left, right = st.columns([3, 2])
    with left:
        st.subheader(ui.plain(r["name"]))
        st.markdown(f"**{ui.plain(r['area_name'])}**")
        maps.project_facts(r)
    with right:
        if pd.notna(r["lon"]) and pd.notna(r["lat"]):
            st.pydeck_chart(project_deck(r), height=260, key=f"project_map_{int(r['id'])}",
                            alt=t("investments.map_alt", name=r["name"], area=r["area_name"]))
        else:
            st.caption(t("investments.no_location"))
    maps.photos(r)


# ---------------------------------------------------------------------------------------------
# Editing: forms that hand everything to omradesatsing.commands
# ---------------------------------------------------------------------------------------------

def _text_value(value) -> str:
    """A stored text for a text box: a missing value (None, or NaN from a DataFrame) is an empty box,
    never the text "nan"."""
    return value if isinstance(value, str) else ""


def _clear_form(base) -> None:
    """A fresh project form: its conflict message forgotten and new widgets (a new generation in
    their keys), which show the record as stored now instead of what was typed."""
    st.session_state.pop(f"investment_stale_{base}", None)
    generation = f"pf_generation_{base}"
    st.session_state[generation] = st.session_state.get(generation, 0) + 1


def project_form(who, names: dict[str, str], current: dict | None, current_id: int | None) -> None:
    """Add a project, or change the one picked in the list. Editors see only their own areas."""
    forms.show_saved("investments")
    editable = [s for s in names if permissions.may_edit_area(who, s)]
    if not editable:
        st.info(t("investments.no_areas"))
        return
    editing = current is not None and current.get("area_slug") in editable
    title = t("investments.form_edit", name=ui.plain(current["name"])) if editing else t("investments.form_new")
    c = current if editing else {}
    base = current_id if editing else "new"
    # Fresh widgets per project (one form never shows another's values) and per generation (a new
    # one after a save or after loading another editor's change).
    suffix = f"{base}_{st.session_state.get(f'pf_generation_{base}', 0)}"
    # The version when the form was first shown, not when it is submitted (see components/forms.py).
    opened = forms.opened_version("investment", current_id, c["version"]) if editing else None
    stale_key = f"investment_stale_{base}"
    with st.expander(title, expanded=editing), st.form(f"project_form_{suffix}"):
        name = st.text_input(t("cols.project"), value=c.get("name", ""), max_chars=300, key=f"pf_name_{suffix}")
        a1, a2, a3 = st.columns(3)
        area = a1.selectbox(t("cols.area"), editable, index=editable.index(c["area_slug"]) if editing else 0,
                            format_func=names.get, key=f"pf_area_{suffix}")
        category = a2.selectbox(t("cols.category"), INVESTMENT_CATEGORIES,
                                index=INVESTMENT_CATEGORIES.index(c["category"]) if editing else 0,
                                format_func=lambda k: t("category." + k), key=f"pf_category_{suffix}")
        funding = a3.selectbox(t("cols.funding"), FUNDING_SOURCES,
                               index=FUNDING_SOURCES.index(c["funding_source"]) if editing else 0,
                               format_func=lambda k: t("funding." + k), key=f"pf_funding_{suffix}")
        b1, b2, b3, b4, b5 = st.columns(5)
        budget = b1.number_input(t("investments.form_budget"), min_value=None, step=100_000,
                                 value=int(c.get("budget_nok", 0)), format="%d", key=f"pf_budget_{suffix}")
        spent = b2.number_input(t("investments.form_spent"), min_value=None, step=100_000,
                                value=int(c.get("spent_nok", 0)), format="%d", key=f"pf_spent_{suffix}")
        start = b3.number_input(t("investments.form_start"), value=int(c.get("start_year", dt.date.today().year)),
                                step=1, format="%d", key=f"pf_start_{suffix}")
        end_value = c.get("end_year")
        end = b4.number_input(t("investments.form_end"), value=None if end_value is None or pd.isna(end_value)
                              else int(end_value), step=1, format="%d", key=f"pf_end_{suffix}")
        status = b5.selectbox(t("cols.status"), INVESTMENT_STATUSES,
                              index=INVESTMENT_STATUSES.index(c["status"]) if editing else 0,
                              format_func=lambda k: t("investment_status." + k), key=f"pf_status_{suffix}")
        description = st.text_area(t("investments.form_description"), value=_text_value(c.get("description")),
                                   key=f"pf_description_{suffix}")
        d1, d2, d3, d4 = st.columns(4)
        lon = d1.text_input(t("investments.form_lon"), value="" if pd.isna(c.get("lon")) else str(c.get("lon", "")), key=f"pf_lon_{suffix}")
        lat = d2.text_input(t("investments.form_lat"), value="" if pd.isna(c.get("lat")) else str(c.get("lat", "")), key=f"pf_lat_{suffix}")
        before = d3.text_input(t("investments.form_photo_before"), value=_text_value(c.get("photo_before")),
                               key=f"pf_before_{suffix}", help=t("investments.form_photo_help"))
        after = d4.text_input(t("investments.form_photo_after"), value=_text_value(c.get("photo_after")),
                              key=f"pf_after_{suffix}", help=t("investments.form_photo_help"))
        illustrative = st.checkbox(t("investments.form_illustrative"), value=bool(c.get("illustrative", False)),
                                   key=f"pf_illustrative_{suffix}")
        submitted = st.form_submit_button(t("investments.form_save"), type="primary", key=f"pf_save_{suffix}")
    if stale_key in st.session_state:  # under the button the editor just pressed, where they look
        st.error(st.session_state[stale_key], icon=":material/sync_problem:")
        if st.button(t("investments.reload"), key=f"pf_reload_{base}", icon=":material/refresh:"):
            _clear_form(base)
            forms.forget("investment", current_id)
            st.rerun()
    if not submitted:
        return
    data = {"name": name, "area_slug": area, "category": category, "funding_source": funding, "budget_nok": budget,
            "spent_nok": spent, "start_year": start, "end_year": end, "status": status, "description": description,
            "lon": lon.replace(",", "."), "lat": lat.replace(",", "."), "photo_before": before,
            "photo_after": after, "illustrative": illustrative}
    try:
        new_id = commands.save_investment(current_engine(), who, data, investment_id=current_id if editing else None,
                                          expected_version=opened)
    except commands.ValidationError as exc:
        forms.show_problems(exc, t("investments.form_invalid"))
        return
    except commands.StaleEdit as exc:
        # Keep what was typed (the form stays), say whose change won, offer to load it.
        st.session_state[stale_key] = str(exc)
        invalidate()
        st.rerun()
    except commands.PermissionDenied as exc:
        st.error(str(exc))
        return
    invalidate()
    # Keep the input while it is invalid (above); after a save, an empty form for the next project.
    _clear_form(base)
    if editing:
        forms.forget("investment", current_id)
    forms.saved("investments", t("investments.form_saved", name=ui.plain(name.strip())))
    st.query_params["prosjekt"] = str(new_id)
    st.rerun()


def grant_form(who, names: dict[str, str]) -> None:
    """Add a state grant: for one of the editor's areas, or (admins) for the whole city."""
    editable = [s for s in names if permissions.may_edit_area(who, s)]
    options = ([""] if permissions.has_role(who, "admin") else []) + editable
    if not options:
        return
    with st.expander(t("investments.grant_form")), st.form("grant_form"):
        g1, g2, g3 = st.columns(3)
        year = g1.number_input(t("cols.year"), value=dt.date.today().year, step=1, format="%d")
        amount = g2.number_input(t("investments.form_amount"), value=0, step=100_000, format="%d")
        status = g3.selectbox(t("cols.status"), GRANT_STATUSES, format_func=lambda k: t("grant_status." + k))
        area = st.selectbox(t("cols.area"), options, format_func=lambda s: names.get(s) or t("investments.whole_city"))
        scheme = st.text_input(t("cols.scheme"))
        funder = st.text_input(t("cols.funder"), value="Kommunal- og distriktsdepartementet")
        recipient = st.text_input(t("cols.recipient"))
        illustrative = st.checkbox(t("investments.form_illustrative"), value=False)
        submitted = st.form_submit_button(t("investments.form_save"), type="primary")
    if not submitted:
        return
    data = {"year": year, "amount_nok": amount, "status": status, "area_slug": area or None, "scheme": scheme,
            "funder": funder, "recipient": recipient, "illustrative": illustrative}
    try:
        commands.save_grant(current_engine(), who, data)
    except commands.ValidationError as exc:
        forms.show_problems(exc, t("investments.form_invalid"))
        return
    except commands.PermissionDenied as exc:
        st.error(str(exc))
        return
    invalidate()
    forms.saved("investments", t("investments.grant_saved", year=int(year)))
    st.rerun()
