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
