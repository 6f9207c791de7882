"""Oversikt's pieces: the areas × key indicators grid (one compact HTML table, read by screen readers as
a table with headers), and the lines of "what changed since the last meeting"."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from components import ui
from components.data import TTL_SECONDS, q
from components.i18n import lang, t
from omradesatsing import formatting as fmt, read

DIRECTION_ICON = {"better": ":material/trending_up:", "worse": ":material/trending_down:",
                  "completed": ":material/check_circle:"}
TREND_ARROW = {"increasing": "↑", "decreasing": "↓"}
# Text colours on white, both ≥ 4.5:1; the word beside them (and the hidden text) says the same.
JUDGEMENT_CLASS = {"worse": "omr-worse", "better": "omr-better"}

_GRID_CSS = """<style>
.omr-grid { border-collapse: collapse; width: 100%; font-size: 0.9rem; line-height: 1.25; }
.omr-grid caption { text-align: left; font-weight: 600; padding: 0 0 0.25rem 0; }
.omr-grid th, .omr-grid td { padding: 0.18rem 0.4rem; border-bottom: 1px solid #d6d6d6; text-align: left;
  vertical-align: top; }
.omr-grid thead th { font-weight: 600; border-bottom: 2px solid #31333f; font-size: 0.85rem; vertical-align: bottom; }
.omr-grid td.num, .omr-grid th.num { text-align: right; }
.omr-grid td.num { white-space: nowrap; }
.omr-grid tr.omr-city td, .omr-grid tr.omr-city th { background: #f3f3f3; }
.omr-grid tr.omr-sum td, .omr-grid tr.omr-sum th { border-top: 2px solid #31333f; font-weight: 600; }
.omr-grid .omr-worse { color: #a3231b; }
.omr-grid .omr-better { color: #0b6b2f; }
.omr-grid tbody th { white-space: nowrap; }
.omr-grid .omr-state { color: #5c5b59; font-size: 0.8rem; font-weight: 400; }
.omr-grid strong { font-weight: 700; }
.omr-scroll { overflow-x: auto; position: relative; }
.omr-scroll:focus-visible { outline: 3px solid #0b4f8a; }
.omr-sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
</style>"""


def _cell(row: pd.Series, key: str, unit: str, decimals: int, widest: bool) -> str:
    if bool(row.get(f"{key}.suppressed")):
        return f'<td class="num">{html.escape(t("common.suppressed"))}</td>'
    value = row.get(f"{key}.value")
    if value is None or pd.isna(value):
        text = row.get(f"{key}.value_text")
        return f'<td class="num">{html.escape(text) if isinstance(text, str) else "–"}</td>'
    shown = html.escape(fmt.value(value, unit, decimals, lang()))
    if widest:
        shown = f"<strong>{shown}</strong>"
    judgement = row.get(f"{key}.judgement")
    word = ""
    if judgement in ("worse", "better", "similar"):
        word = (f' <span class="{JUDGEMENT_CLASS.get(judgement, "")}">'
                f'{html.escape(t("overview.grid_" + judgement))}</span>')
    trend = row.get(f"{key}.trend")
    arrow = ""
    if trend in TREND_ARROW:
        judged = row.get(f"{key}.trend_judgement")
        css = {"improving": "omr-better", "worsening": "omr-worse"}.get(judged, "")
        words = t("overview.grid_trend_" + trend) + (f", {t('trend.' + judged)}" if judged in ("improving",
                                                                                                 "worsening") else "")
        arrow = (f' <span class="{css}" aria-hidden="true">{TREND_ARROW[trend]}</span>'
                 f'<span class="omr-sr"> ({html.escape(words)})</span>')
    return f'<td class="num">{shown}{word}{arrow}</td>'


def grid_html(grid: pd.DataFrame, meta: pd.DataFrame, keys, widest: dict[str, str]) -> str:
    """The table: a row per area (its state when not active), Bergen's values, and the money of all
    areas together; indicator cells are the latest value, the word for how it stands against Bergen
    (as the profile judges it), the trend arrow when the test supports one; the widest gap to Bergen in
    each column is bold."""
    language = lang()
    names = {k: meta.loc[k, f"name_{language}"] for k in keys}
    periods = {k: ", ".join(sorted({str(p) for p in grid[f"{k}.period"].dropna()})) for k in keys}
    head = "".join(f'<th scope="col" class="num">{html.escape(names[k])}'
                   + (f'<br><span class="omr-state">{html.escape(periods[k])}</span>' if periods[k] else "")
                   + "</th>" for k in keys)
    head += (f'<th scope="col" class="num">{html.escape(t("overview.grid_budget"))}</th>'
             f'<th scope="col" class="num">{html.escape(t("overview.grid_spent"))}</th>')
    rows = []
    for _, row in grid.iterrows():
        slug = row["area_slug"]
        money = (f'<td class="num">{html.escape(_mill(row["budget_nok"]))}</td>'
                 f'<td class="num">{html.escape(_spent(row["spent_nok"], row["budget_nok"]))}</td>')
        if slug == "_all":
            city_cells = "".join(_city_cell(grid[f"{k}.city_value"].dropna(), meta.loc[k]) for k in keys)
            rows.append(f'<tr class="omr-city"><th scope="row">{html.escape(t("overview.grid_bergen"))}</th>'
                        f'{city_cells}<td></td><td></td></tr>')
            rows.append(f'<tr class="omr-sum"><th scope="row">{html.escape(t("overview.grid_all"))}</th>'
                        + "<td></td>" * len(keys) + money + "</tr>")
            continue
        state = "" if row["state"] == "active" else (
            f' <span class="omr-state">{html.escape(t("state." + row["state"]).lower())}</span>')
        cells = "".join(_cell(row, k, meta.loc[k, "unit"], int(meta.loc[k, "decimals"]), widest.get(k) == slug)
                        for k in keys)
        rows.append(f'<tr><th scope="row">{html.escape(str(row["area_name"]))}{state}</th>{cells}{money}</tr>')
    caption = html.escape(t("overview.grid_caption"))
    return (f'{_GRID_CSS}<div class="omr-scroll" role="region" tabindex="0" aria-label="{caption}">'
            f'<table class="omr-grid"><caption class="omr-sr">{caption}</caption>'
            f'<thead><tr><th scope="col">{html.escape(t("gap.area"))}</th>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


def _city_cell(values: pd.Series, info: pd.Series) -> str:
    """Bergen's value in the year of the areas' latest values (every area row carries it)."""
    if values.empty:
        return '<td class="num">–</td>'
    return f'<td class="num">{html.escape(fmt.value(values.iloc[0], info["unit"], int(info["decimals"]), lang()))}</td>'


def _mill(nok) -> str:
    return fmt.millions(nok, 1, lang()) or "–"


def _spent(spent, budget) -> str:
    if spent is None or pd.isna(spent):
        return "–"
    share = f" ({fmt.number(100 * int(spent) / int(budget), 0, lang())} %)" if budget else ""
    return _mill(spent) + share


# Oversikt's first screen at 1280×720 holds "since the last meeting" and the grid: less air above the
# title, and the links of the changes as tight as lines of text (their focus ring stays).
_PAGE_CSS = """<style>
@media (min-width: 768px) {
  [data-testid="stMainBlockContainer"] { padding-top: 1rem; }
  [data-testid="stMain"] h1 { font-size: 2.1rem; padding: 0.25rem 0 0 0; }
}
.st-key-omr_since h2, .st-key-omr_grid h2 { font-size: 1.4rem; padding: 0.5rem 0 0.4rem 0; }
.st-key-omr_since [data-testid="stPageLink"] a { padding-top: 0.05rem; padding-bottom: 0.05rem; height: auto; }
.st-key-omr_since [data-testid="stPageLink"] p { white-space: normal; overflow: visible; text-overflow: clip; }
</style>"""


def style() -> None:
    st.html(_PAGE_CSS)


def signed_mnok(nok: int) -> str:
    """A change in million kroner with its sign: ``+1,0 mill. kr``, ``−0,3 mill. kr``, ``0,0 mill. kr``."""
    sign = "+" if nok > 0 else "−" if nok < 0 else ""
    return sign + ui.mnok(abs(int(nok)))


@st.cache_data(ttl=TTL_SECONDS, max_entries=16, show_spinner=False)
def grid_block(keys: tuple[str, ...], language: str) -> dict:
    """The grid's HTML and what its source line says (sources, periods, whether any figure is an example),
    made once per language and store state: the table is built from pandas rows, 15 ms a run."""
    grid = q(read.overview.area_grid, keys)
    meta = q(read.indicators.indicators).set_index("key")
    return {
        "html": grid_html(grid, meta, keys, read.overview.widest_gaps(grid, keys)),
        "periods": sorted({str(p) for k in keys for p in grid[f"{k}.period"].dropna()}),
        "sources": sorted({str(s) for k in keys for s in grid[f"{k}.source_title"].dropna()}),
        "illustrative": bool(grid[[f"{k}.illustrative" for k in keys]].fillna(False).astype(bool).to_numpy().any()),
    }


def status_line(row) -> str:
    """One status change as a link label: symbol of the direction, measure, before → after, date."""
    before = ui.status_text(row.before) if isinstance(row.before, str) else t("programme.no_status")
    word = t("programme.direction_" + row.direction)
    word = word[:1].upper() + word[1:]
    return f"{word} – {row.measure_name}: {before} → {ui.status_text(row.after)} ({fmt.date(row.changed_at, lang())})"
