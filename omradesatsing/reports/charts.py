"""The packs' charts as SVG, drawn on the server from Vega-Lite specs by vl-convert (no browser, no
network), in the Norwegian number format. Vector, so they stay sharp in the PDF and on a phone.
"""

from __future__ import annotations

import functools
import json

import vl_convert as vlc

from omradesatsing import formatting as fmt
from omradesatsing.catalogue import tr

FONT = "DejaVu Sans"  # fonts-dejavu-core: covers æøå, the PDF embeds it
AREA_COLOUR = "#0b4f8a"
CITY_COLOUR = "#5c5b59"
TEXT_COLOUR = "#1a1a1a"
TARGET_COLOUR = "#000000"
# d3-format has no nb-NO locale: decimal comma, a no-break space between thousands.
FORMAT_LOCALE = {"decimal": ",", "thousands": "\u00a0", "grouping": [3], "currency": ["", "\u00a0kr"]}


def _svg(spec: dict, language: str) -> str:
    return _render(json.dumps(spec, sort_keys=True), language)


@functools.lru_cache(maxsize=256)
def _render(spec_json: str, language: str) -> str:
    kwargs = {"format_locale": FORMAT_LOCALE} if language != "en" else {}
    return vlc.vegalite_to_svg(json.loads(spec_json), **kwargs)


def then_now(figure, area_name: str, language: str, *, width: int = 230) -> tuple[str, str] | None:
    """One indicator: the area at the programme start (hollow dot) and now (filled), Bergen now (grey),
    the target (black diamond) if any, values written beside. Returns (SVG, text alternative), or None
    when there is nothing to draw (a hidden value draws nothing: no position gives it away)."""
    if figure.now is None:
        return None

    def shown(v):
        return fmt.value(v, figure.unit, figure.decimals, language)

    city = tr(language, "indicators.bergen")
    start = tr(language, "presentation.legend_start")
    now = tr(language, "reports.legend_now", period=figure.period)
    target = tr(language, "presentation.legend_target")
    points = [{"row": area_name, "kind": now, "value": figure.now, "text": shown(figure.now)}]
    said = [f"{area_name}: {shown(figure.now)} ({figure.period})"]
    if figure.base is not None and figure.base_year is not None:
        points.append({"row": area_name, "kind": start, "value": figure.base, "text": ""})
        said[0] = f"{area_name}: {shown(figure.base)} ({figure.base_year}) → {shown(figure.now)} ({figure.period})"
    if figure.target is not None:
        points.append({"row": area_name, "kind": target, "value": figure.target, "text": ""})
        said.append(tr(language, "presentation.alt_target", year=figure.target_year, value=shown(figure.target)))
    if figure.city_now is not None:
        points.append({"row": city, "kind": now, "value": figure.city_now, "text": shown(figure.city_now)})
        said.append(f"{city}: {shown(figure.city_now)}")
    for row in (area_name, city):  # the value is written after the row's rightmost mark
        mine = [p["value"] for p in points if p["row"] == row]
        for p in points:
            if p["row"] == row:
                p["end"] = max(mine)
    values = [p["value"] for p in points]
    lo, hi = min(values), max(values)
    span = (hi - lo) or max(abs(hi), 1.0)
    x_lo = max(0.0, lo - 0.15 * span) if lo >= 0 else lo - 0.15 * span
    x_hi = x_lo + (hi - x_lo) / 0.7  # room for the values written after the dots
    kinds = [k for k in (start, now, target) if any(p["kind"] == k for p in points)]
    style = {start: ("circle", CITY_COLOUR, "#ffffff"), now: ("circle", AREA_COLOUR, AREA_COLOUR),
             target: ("diamond", TARGET_COLOUR, TARGET_COLOUR)}
    y = {"field": "row", "type": "nominal", "sort": [area_name, city], "title": None,
         "axis": {"ticks": False, "domain": False, "labelFontSize": 12, "labelColor": TEXT_COLOUR,
                  "labelLimit": 120}}
    x = {"field": "value", "type": "quantitative", "title": None, "axis": None,
         "scale": {"domain": [x_lo, x_hi], "nice": False, "zero": False}}
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": width, "height": {"step": 24}, "background": "white",
        "config": {"font": FONT, "view": {"stroke": None},
                   "legend": {"labelFontSize": 9, "labelColor": TEXT_COLOUR, "orient": "bottom", "title": None,
                              "symbolSize": 60}},
        "data": {"values": points},
        "layer": [
            {"transform": [{"filter": {"field": "kind", "oneOf": [start, now]}},
                           {"filter": {"field": "row", "equal": area_name}}],
             "mark": {"type": "rule", "color": CITY_COLOUR, "strokeWidth": 2},
             "encoding": {"y": y, "x": {**x, "aggregate": "min"}, "x2": {"field": "value", "aggregate": "max"}}},
            {"mark": {"type": "point", "size": 70, "strokeWidth": 2, "opacity": 1},
             "encoding": {"y": y, "x": x,
                          "shape": {"field": "kind", "type": "nominal", "title": None,
                                    "scale": {"domain": kinds, "range": [style[k][0] for k in kinds]}},
                          "color": {"field": "kind", "type": "nominal", "title": None,
                                    "scale": {"domain": kinds, "range": [style[k][1] for k in kinds]}},
                          "fill": {"field": "kind", "type": "nominal", "legend": None,
                                   "scale": {"domain": kinds, "range": [style[k][2] for k in kinds]}}}},
            {"transform": [{"filter": "datum.text != ''"}],
             "mark": {"type": "text", "align": "left", "dx": 9, "fontSize": 12, "fontWeight": "bold",
                      "color": TEXT_COLOUR},
             "encoding": {"y": y, "x": {**x, "field": "end"}, "text": {"field": "text"}}},
        ],
    }
    return _svg(spec, language), "; ".join(said) + "."


def budget_spent(rows: list[dict], language: str, *, width: int = 300) -> tuple[str, str] | None:
    """Budget (light bar) and spent (dark, inside it) per row, in millions, the amounts written after.
    ``rows``: name, budget_nok, spent_nok."""
    rows = [r for r in rows if r["budget_nok"]]
    if not rows:
        return None
    budget_word, spent_word = tr(language, "investments.legend_budget"), tr(language, "investments.legend_spent")
    data = [{"row": r["name"], "budget": r["budget_nok"] / 1e6, "spent": r["spent_nok"] / 1e6,
             "text": tr(language, "reports.bar_text", budget=fmt.million_kroner(r["budget_nok"], 1, language),
                        spent=fmt.million_kroner(r["spent_nok"], 1, language))} for r in rows]
    top = max(d["budget"] for d in data) * 1.9
    order = [d["row"] for d in sorted(data, key=lambda d: -d["budget"])]
    y = {"field": "row", "type": "nominal", "sort": order, "title": None,
         "axis": {"ticks": False, "domain": False, "labelFontSize": 9, "labelColor": TEXT_COLOUR, "labelLimit": 140}}
    scale = {"domain": [0, top], "nice": False}
    colour = {"field": "kind", "type": "nominal", "title": None,
              "scale": {"domain": [budget_word, spent_word], "range": ["#9ecae1", AREA_COLOUR]}}
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": width, "height": {"step": 20}, "background": "white",
        "config": {"font": FONT, "view": {"stroke": None},
                   "legend": {"labelFontSize": 9, "labelColor": TEXT_COLOUR, "orient": "bottom", "symbolSize": 60}},
        "data": {"values": data},
        "layer": [
            {"transform": [{"calculate": f"{json.dumps(budget_word)}", "as": "kind"}],
             "mark": {"type": "bar", "size": 14},
             "encoding": {"y": y, "x": {"field": "budget", "type": "quantitative", "scale": scale, "axis": None},
                          "color": colour}},
            {"transform": [{"calculate": f"{json.dumps(spent_word)}", "as": "kind"}],
             "mark": {"type": "bar", "size": 6},
             "encoding": {"y": y, "x": {"field": "spent", "type": "quantitative", "scale": scale, "axis": None},
                          "color": colour}},
            {"mark": {"type": "text", "align": "left", "dx": 4, "fontSize": 9, "color": TEXT_COLOUR},
             "encoding": {"y": y, "x": {"field": "budget", "type": "quantitative", "scale": scale, "axis": None},
                          "text": {"field": "text"}}},
        ],
    }
    said = "; ".join(f"{d['row']}: {d['text']}" for d in data)
    return _svg(spec, language), said + "."
