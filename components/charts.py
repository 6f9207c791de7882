"""Charts with Altair (Vega-Lite, Streamlit's lightest chart bundle), in Norwegian number format.

Real and illustrative points are drawn differently (filled vs hollow), and each chart has a
one-sentence caption that is also its text alternative.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from components.i18n import lang

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
FONT = '"Source Sans", "Source Sans Pro", sans-serif'  # Streamlit's own web font
TEXT_COLOUR = "#262730"  # axis and legend text: Streamlit's body text colour (Vega's grey is too faint)
# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]


def configure(chart: alt.Chart) -> alt.Chart:
    """Font, Norwegian number locale, and text sizes readable on a projector.

    ``Chart.configure(...)`` replaces the whole config, so it comes first and the
    ``configure_axis``/``configure_legend`` calls (which add to it) after.
    """
    settings = {"font": FONT}
    if lang() != "en":
        settings["locale"] = LOCALE_NB
    return chart.configure(**settings).configure_axis(
        labelFontSize=FONT_SIZE, titleFontSize=FONT_SIZE, labelColor=TEXT_COLOUR, titleColor=TEXT_COLOUR,
    ).configure_legend(
        labelFontSize=FONT_SIZE, titleFontSize=FONT_SIZE, orient="bottom", labelLimit=400, labelColor=TEXT_COLOUR,
        titleColor=TEXT_COLOUR,
    )


def altair(chart: alt.Chart | dict, key: str, *, stretch: bool = True) -> None:
    """Draw with our own configuration: Streamlit's chart theme would replace the font sizes and
    text colour set in ``configure`` (small grey axis labels, unreadable on a projector).

    ``chart`` may be a finished Vega-Lite spec (``chart.to_dict(validate=False)``, e.g. cached):
    building and validating an Altair chart costs 50–150 ms per rerun.
    """
    width = "stretch" if stretch else "content"
    if isinstance(chart, dict):
        st.vega_lite_chart(chart, width=width, key=key, theme=None)
    else:
        st.altair_chart(chart, width=width, key=key, theme=None)


def bar_chart(df: pd.DataFrame, *, x: str, y: str, color: str | None, x_title: str, y_title: str,
              fmt: str = ",.1f", height: int = 360, tooltip: list | None = None) -> alt.Chart:
    enc = {
        "x": alt.X(f"{x}:Q", title=x_title, axis=alt.Axis(format=fmt)),
        "y": alt.Y(f"{y}:N", title=y_title, sort="-x", axis=alt.Axis(labelLimit=300)),
        "tooltip": tooltip or [alt.Tooltip(f"{y}:N"), alt.Tooltip(f"{x}:Q", format=fmt)],
    }
    if color:
        enc["color"] = alt.Color(f"{color}:N", title=None, scale=alt.Scale(range=PALETTE))
    return configure(alt.Chart(df).mark_bar().encode(**enc).properties(height=height))


def show(chart: alt.Chart, caption: str, key: str) -> None:
    """The chart, then its plain-language caption (also the text alternative)."""
    altair(chart, key)
    st.markdown(caption)
