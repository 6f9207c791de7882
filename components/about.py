"""About the data: the list of sources as Om dataene shows and downloads it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import ui
from components.data import TTL_SECONDS, q
from components.i18n import t
from omradesatsing import read


@st.cache_data(ttl=TTL_SECONDS, max_entries=8, show_spinner=False)
def sources_table(language: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every source with publisher, period, licence, the Eksempeldata mark and how many figures use it:
    (the HTML table's cells, each title linking to its source with its note after it; the download).
    Cached per language: escaping the cells on every rerun cost as much as the rest of the page."""
    del language  # part of the cache key (t() reads the session's language)
    src = q(read.about.sources).copy()
    src["illustrative"] = src["illustrative"].map(ui.yes_no)
    table = src[["title", "publisher", "period", "licence", "illustrative", "indicator_values", "url", "note"]]
    table.columns = [t("cols.title"), t("cols.publisher"), t("cols.period"), t("cols.licence"),
                     t("cols.illustrative"), t("cols.indicator_values"), t("cols.source_url"), t("cols.note")]
    shown = ui.text_frame(table, links={t("cols.title"): t("cols.source_url")}, details={t("cols.title"): t("cols.note")})
    return shown, table


def imports_table(imported: pd.DataFrame, language: str) -> pd.DataFrame:
    """The import log as Om dataene lists it: when, what, which file, how many rows and the source."""
    from omradesatsing import formatting as fmt

    table = pd.DataFrame({
        t("cols.date"): [fmt.date(at, language) for at in imported["at"]],
        t("about.imports_kind"): [t(f"data_import.kind_{k}") for k in imported["kind"]],
        t("about.imports_file"): imported["file_name"],
        t("about.imports_rows"): [t("data_import.log_counts_value", added=a, changed=c, removed=r)
                                  for a, c, r in zip(imported["added"], imported["changed"], imported["removed"],
                                                     strict=True)],
        t("cols.title"): imported["source_title"].fillna(t("data_import.log_examples")),
        t("cols.publisher"): imported["publisher"].fillna(""),
        t("cols.licence"): imported["licence"].fillna(""),
        t("cols.period"): imported["period"].fillna(""),
        t("data_import.log_state"): [t("data_import.log_undone", date=fmt.date(u, language)) if pd.notna(u) else ""
                                     for u in imported["undone_at"]],
        t("cols.source_url"): imported["url"].fillna(""),
    })
    return ui.text_frame(table, links={t("cols.title"): t("cols.source_url")})

