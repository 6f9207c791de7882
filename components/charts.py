"""Charts with Altair (Vega-Lite, Streamlit's lightest chart bundle), in Norwegian number format.

Real and illustrative points are drawn differently (filled vs hollow), and each chart has a
one-sentence caption that is also its text alternative.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from components.i18n import lang, t

# Vega's d3 locale: decimal comma and a (non-breaking) space between thousands.
LOCALE_NB = {
    "number": {"decimal": ",", "thousands": "\u00a0", "grouping": [3], "currency": ["", "\u00a0kr"]},
    "time": {
        "dateTime": "%A %e. %B %Y kl. %X", "date": "%d.%m.%Y", "time": "%H:%M:%S",
        "periods": ["", ""],
        "days": ["søndag", "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag"],
        "shortDays": ["søn", "man", "tir", "ons", "tor", "fre", "lør"],
        "months": ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september",
                   "oktober", "november", "desember"],
        "shortMonths": ["jan", "feb", "mar", "apr", "mai", "jun", "jul", "aug", "sep", "okt", "nov", "des"],
    },
}
FONT_SIZE = 15  # readable from the back of a room at 1280×720
# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]


def _configure(chart: alt.Chart) -> alt.Chart:
    chart = chart.configure_axis(labelFontSize=FONT_SIZE, titleFontSize=FONT_SIZE).configure_legend(
        labelFontSize=FONT_SIZE, titleFontSize=FONT_SIZE, orient="bottom", labelLimit=400
    )
    if lang() != "en":
        chart = chart.configure(locale=LOCALE_NB)
    return chart


def trend_chart(df: pd.DataFrame, *, unit_label: str, fmt: str = ",.1f", height: int = 380) -> alt.Chart:
    """``df`` columns: series, year, value, illustrative (bool), period, source."""
    data = df.copy()
    data["kind"] = data["illustrative"].map(lambda x: t("common.illustrative") if x else t("common.real"))
    base = alt.Chart(data).encode(
        x=alt.X("year:O", title=t("charts.year"), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title=unit_label, axis=alt.Axis(format=fmt), scale=alt.Scale(zero=False)),
        color=alt.Color("series:N", title=None, scale=alt.Scale(range=PALETTE)),
    )
    lines = base.mark_line(strokeWidth=3)
    points = base.mark_point(size=110, strokeWidth=2.5).encode(
        fill=alt.condition(alt.datum.illustrative, alt.value("white"), alt.Color("series:N")),
        shape=alt.Shape("kind:N", title=None, scale=alt.Scale(range=["circle", "diamond"])),
        tooltip=[
            alt.Tooltip("series:N", title=t("charts.series")),
            alt.Tooltip("period:N", title=t("charts.period")),
            alt.Tooltip("value:Q", title=unit_label, format=fmt),
            alt.Tooltip("kind:N", title=t("charts.kind")),
            alt.Tooltip("source:N", title=t("charts.source")),
        ],
    )
    return _configure((lines + points).properties(height=height))


def bar_chart(df: pd.DataFrame, *, x: str, y: str, color: str | None, x_title: str, y_title: str,
              fmt: str = ",.1f", height: int = 360, tooltip: list | None = None) -> alt.Chart:
    enc = {
        "x": alt.X(f"{x}:Q", title=x_title, axis=alt.Axis(format=fmt)),
        "y": alt.Y(f"{y}:N", title=y_title, sort="-x", axis=alt.Axis(labelLimit=300)),
        "tooltip": tooltip or [alt.Tooltip(f"{y}:N"), alt.Tooltip(f"{x}:Q", format=fmt)],
    }
    if color:
        enc["color"] = alt.Color(f"{color}:N", title=None, scale=alt.Scale(range=PALETTE))
    return _configure(alt.Chart(df).mark_bar().encode(**enc).properties(height=height))


def show(chart: alt.Chart, caption: str, key: str) -> None:
    """The chart, then its plain-language caption (also the text alternative)."""
    st.altair_chart(chart, width="stretch", key=key)
    st.markdown(caption)
