"""Charts with Altair (Vega-Lite, Streamlit's lightest chart bundle), in Norwegian number format.

Real and illustrative points are drawn differently (filled vs hollow), and each chart has a
one-sentence caption that is also its text alternative.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st
from streamlit import dataframe_util

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


# "aria": False: Vega describes axes and legends to screen readers in English ("X-axis titled … for a
# linear scale"); each chart has a Norwegian text alternative instead (``altair(alt_text=…)``).
AXIS = {"labelFontSize": FONT_SIZE, "titleFontSize": FONT_SIZE, "labelColor": TEXT_COLOUR, "titleColor": TEXT_COLOUR,
        "aria": False}
LEGEND = {"labelFontSize": FONT_SIZE, "titleFontSize": FONT_SIZE, "orient": "bottom", "labelLimit": 400,
          "labelColor": TEXT_COLOUR, "titleColor": TEXT_COLOUR, "aria": False}


def configure(chart: alt.Chart) -> alt.Chart:
    """Font, Norwegian number locale, and text sizes readable on a projector.

    ``Chart.configure(...)`` replaces the whole config, so it comes first and the
    ``configure_axis``/``configure_legend`` calls (which add to it) after.
    """
    settings = {"font": FONT}
    if lang() != "en":
        settings["locale"] = LOCALE_NB
    return chart.configure(**settings).configure_axis(**AXIS).configure_legend(**LEGEND)


def layered_spec(layers: list[dict], datasets: dict[str, pd.DataFrame], *, height: int) -> dict:
    """A layered Vega-Lite spec written directly, with the configuration ``configure`` gives an Altair chart
    and each named dataset as the Arrow bytes Streamlit sends (only the columns the layers use).

    For a chart redrawn on every filter change: building it with Altair (encoding inference, schema
    copies, data sanitising) costs 80–130 ms a chart here; this costs a few."""
    config = {"font": FONT, "axis": dict(AXIS), "legend": dict(LEGEND)}
    if lang() != "en":
        config["locale"] = LOCALE_NB
    return {"$schema": alt.SCHEMA_URL, "config": config, "layer": layers, "height": height,
            "datasets": {name: dataframe_util.convert_anything_to_arrow_bytes(df.reset_index(drop=True))
                         for name, df in datasets.items()}}


def spec_of(chart: alt.TopLevelMixin | dict) -> dict:
    """A finished Vega-Lite spec to cache, its data already as the Arrow bytes Streamlit sends.

    Given a spec whose data are records, ``st.vega_lite_chart`` converts them to Arrow on every rerun
    (5–12 ms a page here); bytes it passes on as they are. The conversion is Streamlit's own
    (``dataframe_util``, pinned with Streamlit), so the browser gets the same table."""
    spec = chart if isinstance(chart, dict) else chart.to_dict(validate=False)
    datasets = spec.get("datasets") or {}
    for name, values in datasets.items():
        geo = isinstance(values, list) and values and isinstance(values[0], dict) and values[0].get("type") == "Feature"
        if isinstance(values, list) and not geo:
            datasets[name] = dataframe_util.convert_anything_to_arrow_bytes(values)
    return spec


def altair(chart: alt.Chart | dict, key: str, *, stretch: bool = True, alt_text: str | None = None) -> None:
    """Draw with our own configuration: Streamlit's chart theme would replace the font sizes and
    text colour set in ``configure`` (small grey axis labels, unreadable on a projector).

    ``chart`` may be a finished Vega-Lite spec (``chart.to_dict(validate=False)``, e.g. cached):
    building and validating an Altair chart costs 50–150 ms per rerun.
    ``alt_text`` is the chart's accessible name for screen readers (usually its caption); without it
    Vega names the chart from raw field names.
    """
    width = "stretch" if stretch else "content"
    alt_text = (alt_text or "").replace("**", "").strip() or None
    if isinstance(chart, dict):
        st.vega_lite_chart(chart, width=width, key=key, theme=None, alt=alt_text)
    else:
        st.altair_chart(chart, width=width, key=key, theme=None, alt=alt_text)


def show(chart: alt.Chart, caption: str, key: str) -> None:
    """The chart, then its plain-language caption (also the text alternative)."""
    altair(chart, key)
    st.markdown(caption)


# ---------------------------------------------------------------------------------------------
# Presentation (folkemøte on a projector): larger text
# ---------------------------------------------------------------------------------------------

PROJECTOR_FONT_SIZE = 26  # chart labels on a slide: 26–28 px, readable from the back of a room


def projector(spec: dict) -> dict:
    """A copy of a Vega-Lite spec with every font size raised to at least ``PROJECTOR_FONT_SIZE``:
    axis and legend labels and titles, and text marks (amounts written on bars)."""
    def walk(node):
        if isinstance(node, dict):
            return {k: (max(v, PROJECTOR_FONT_SIZE) if k in _FONT_KEYS and isinstance(v, int | float) else walk(v))
                    for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    out = walk(spec)
    config = out.setdefault("config", {})
    for part in ("axis", "legend"):
        config.setdefault(part, {}).update(labelFontSize=PROJECTOR_FONT_SIZE, titleFontSize=PROJECTOR_FONT_SIZE)
    config["axis"]["tickCount"] = 6  # large labels: fewer of them
    config.setdefault("text", {})["fontSize"] = PROJECTOR_FONT_SIZE
    return out


_FONT_KEYS = {"fontSize", "labelFontSize", "titleFontSize"}
AREA_COLOUR = "#0b4f8a"  # the app's primary colour: 8:1 on white
CITY_COLOUR = "#5c5b59"  # Bergen: dark grey, and named on the axis (never by colour alone)
PROJECTOR_TEXT = "#000000"  # chart text on a slide: black on white (21:1)


@st.cache_data(ttl=300, max_entries=64, show_spinner=False)
def presentation_then_now(rows: pd.DataFrame, *, words: dict[str, str], language: str) -> dict:
    """Then → now for one indicator on a slide: per row (each area, then Bergen) a hollow dot at the
    programme start, a filled dot now, a line between, a black diamond at the target if any, and the
    values written after the row in large type (the dots need no axis to be read).

    ``rows``: label, kind ("area"/"city"), base, now, target, text. ``words``: the legend's names of
    the marks, keys "start", "now", "target". Cached per data, words and language."""
    data = rows.reset_index(drop=True)
    order = list(data["label"])
    points = []
    for r in data.itertuples():
        for kind, value in (("start", r.base), ("now", r.now), ("target", r.target)):
            if value is not None and not pd.isna(value):
                points.append({"label": r.label, "kind": words[kind], "value": float(value)})
    pts = pd.DataFrame(points, columns=["label", "kind", "value"])
    values = pts["value"] if not pts.empty else pd.Series([0.0, 1.0])
    lo, hi = float(values.min()), float(values.max())
    span = (hi - lo) or max(abs(hi), 1.0)
    x_lo = max(0.0, lo - 0.1 * span) if lo >= 0 else lo - 0.1 * span
    x_hi = x_lo + (hi - x_lo) / 0.42  # the dots on the left, the values written after them
    data["end"] = data[["base", "now", "target"]].max(axis=1, skipna=True)
    data["low"] = data[["base", "now"]].min(axis=1, skipna=True)
    data["high"] = data[["base", "now"]].max(axis=1, skipna=True)
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=420, ticks=False, domain=False))
    scale = alt.Scale(domain=[x_lo, x_hi], nice=False, zero=False)
    line = alt.Chart(data).mark_rule(strokeWidth=4, color=CITY_COLOUR).encode(
        y=y, x=alt.X("low:Q", scale=scale, axis=None, title=None), x2="high:Q")
    style = {"start": ("circle", CITY_COLOUR, "#ffffff"), "now": ("circle", AREA_COLOUR, AREA_COLOUR),
             "target": ("diamond", PROJECTOR_TEXT, PROJECTOR_TEXT)}
    present = [k for k in style if words[k] in set(pts["kind"])]  # no "target" in the legend without one
    kinds = [words[k] for k in present]
    legend = alt.Legend(title=None, orient="bottom", symbolSize=400, symbolStrokeWidth=4)
    dots = alt.Chart(pts).mark_point(size=520, strokeWidth=4, opacity=1).encode(
        y=y, x=alt.X("value:Q", scale=scale, axis=None, title=None),
        shape=alt.Shape("kind:N", scale=alt.Scale(domain=kinds, range=[style[k][0] for k in present]), legend=legend),
        color=alt.Color("kind:N", scale=alt.Scale(domain=kinds, range=[style[k][1] for k in present]), legend=legend),
        fill=alt.Fill("kind:N", scale=alt.Scale(domain=kinds, range=[style[k][2] for k in present]), legend=None),
    )
    text = alt.Chart(data).mark_text(align="left", dx=26, fontSize=PROJECTOR_FONT_SIZE, fontWeight="bold",
                                     color=PROJECTOR_TEXT).encode(y=y, x=alt.X("end:Q", scale=scale), text="text:N")
    chart = configure(alt.layer(line, dots, text).properties(height={"step": 56}))
    spec = projector(chart.to_dict(validate=False))
    spec["config"]["legend"].update(labelColor=PROJECTOR_TEXT, labelLimit=600)
    spec["config"]["axis"].update(labelColor=PROJECTOR_TEXT)
    return spec_of(spec)
