"""Small display pieces: illustrative marks, source lines, status and state labels, KPI cards."""

from __future__ import annotations

import io
import re

import pandas as pd
import streamlit as st

from components.i18n import lang, t
from omradesatsing import formatting as fmt

# Status is never shown by colour alone: a shape and a word, and colour only as extra.
STATUS_SYMBOL = {"on_track": "✔", "at_risk": "▲", "off_track": "✖", "completed": "■", "not_started": "○"}
STATUS_COLOUR = {"on_track": "green", "at_risk": "orange", "off_track": "red", "completed": "blue",
                 "not_started": "gray"}
STATE_COLOUR = {"active": "green", "preproject": "violet", "ended": "gray"}


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=])")


def plain(text) -> str:
    """User-entered text made safe inside Streamlit markdown: every markdown, directive
    (``:red[…]``, ``:material/…:``) and HTML character is escaped, so it shows as typed."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")


def status_text(status: str) -> str:
    return f"{STATUS_SYMBOL.get(status, '?')} {t('status.' + status)}"


def status_badge(status: str) -> str:
    """Markdown for a coloured badge with a symbol and a word."""
    return f":{STATUS_COLOUR.get(status, 'gray')}-badge[{status_text(status)}]"


def state_badge(state: str) -> str:
    return f":{STATE_COLOUR.get(state, 'gray')}-badge[{t('state.' + state)}]"


def illustrative_badge() -> str:
    return f":orange-badge[{t('common.illustrative')}]"


def period_text(start_year, end_year) -> str:
    if end_year is None or pd.isna(end_year):
        return t("common.since", year=int(start_year))
    if int(end_year) == int(start_year):
        return str(int(start_year))
    return f"{int(start_year)}–{int(end_year)}"


def source_line(source: str | None, period: str | None = None, illustrative: bool = False) -> str:
    parts = [t("common.source", source=source or t("common.unknown"))]
    if period:
        parts.append(t("common.period", period=period))
    text = " · ".join(parts)
    if illustrative:
        text += f" · **{t('common.illustrative')}**"
    return text


def caption_source(source: str | None, period: str | None = None, illustrative: bool = False) -> None:
    st.caption(source_line(source, period, illustrative))


def illustrative_notice() -> None:
    st.info(t("common.illustrative_notice"), icon=":material/science:")


def yes_no(flag) -> str:
    return t("common.yes") if bool(flag) else t("common.no")


def download_buttons(df: pd.DataFrame, basename: str, key: str) -> None:
    """CSV (UTF-8 with BOM, semicolon: opens right in Norwegian Excel) and Excel of exactly ``df``.

    The files are made when the button is clicked (deferred), not on every rerun: an Excel file of a
    thousand rows takes a few hundred milliseconds to write.
    """
    frame = df.copy()

    def csv_bytes() -> bytes:
        return frame.to_csv(index=False, sep=";", decimal=",").encode("utf-8-sig")

    def xlsx_bytes() -> bytes:
        buffer = io.BytesIO()
        frame.to_excel(buffer, index=False, sheet_name=basename[:31])
        return buffer.getvalue()

    # One row of two buttons: a horizontal container is one block, where columns are three (fewer
    # elements for the browser to redraw on every rerun).
    row = st.container(horizontal=True)
    row.download_button(t("common.download_csv"), csv_bytes, f"{basename}.csv", "text/csv",
                        key=f"{key}_csv", on_click="ignore", icon=":material/download:")
    row.download_button(t("common.download_xlsx"), xlsx_bytes, f"{basename}.xlsx",
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        key=f"{key}_xlsx", on_click="ignore", icon=":material/download:")


def yes_no_all(flags) -> list[str]:
    """``yes_no`` for a whole column (one catalogue lookup, not one per row)."""
    yes, no = t("common.yes"), t("common.no")
    return [yes if bool(f) else no for f in flags]


def mnok_all(values) -> list[str]:
    """``mnok`` for a whole column, the language read once (the core caches each number's format)."""
    language = lang()
    return [fmt.million_kroner(None if pd.isna(nok) else int(nok), 1, language) for nok in values]


def mnok(nok) -> str:
    """Whole kroner shown as ``12,7 mill. kr`` in the session's language."""
    return fmt.million_kroner(None if pd.isna(nok) else int(nok), 1, lang())
