"""Indikatorer in AppTest: trend with references, targets and measures, gap table, area profile,
metadata, suppression and language."""

from __future__ import annotations

import json

import altair as alt
import pytest
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

from components.ui import plain
from omradesatsing import db, read
from omradesatsing.read import Store
from tests.app.conftest import assert_clean, open_page, shown_table, text_of, ui

pytestmark = pytest.mark.app

DROP_OUT = "not_completed_upper_secondary"


def _page(indicator: str = DROP_OUT, **kwargs):
    at = open_page("indikatorer", **kwargs)
    at.selectbox(key="indikator").set_value(indicator).run()
    assert_clean(at)
    return at


def _charts(at):
    """Each Vega-Lite chart as (spec, rows of all its datasets): Streamlit sends the data as Arrow."""
    out = []
    for el in at.get("vega_lite_chart"):
        rows = []
        for ds in el.proto.datasets:
            rows += convert_arrow_bytes_to_pandas_df(ds.data.data).to_dict("records")
        out.append((json.loads(el.proto.spec), rows))
    return out


def test_trend_has_areas_bergen_norway_target_and_measure_starts():
    at = _page()
    (trend, rows), _ = _charts(at)
    marks = [layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"] for layer in trend["layer"]]
    assert "line" in marks and "rule" in marks and "text" in marks
    series = {row.get("series") for row in rows if row.get("series")}
    # the targets (triangles) and the numbered measure starts travel with the chart
    assert {row.get("target_value") for row in rows if row.get("target_value")} == {32.0, 28.0}
    assert {row.get("numbers") for row in rows if row.get("numbers")} == {"1, 2", "3", "4", "5"}
    assert {"Loddefjord", "Olsvik", ui("indicators.bergen"), ui("indicators.norway")} <= series
    body = text_of(at)
    # caption from the data, with the target for Loddefjord (32 % by 2026, an example target)
    assert ui("indicators.caption_target").split("{")[0] in body and "32,0\u00a0%" in body and "2026" in body
    assert plain("Alle skal med!") in body and ui("indicators.contribution") in body  # stored text: escaped
    assert ui("indicators.caption_illustrative") in body


def test_trend_spec_is_valid_vega_lite_with_intervals():
    """The trend spec is written by hand (not with Altair): it must pass the Vega-Lite schema Altair ships,
    with every layer (intervals, lines, points, targets, measure starts) and every dataset it names sent."""
    at = _page()
    at.toggle(key="ki").set_value(True).run()
    assert_clean(at)
    chart = at.get("vega_lite_chart")[0]
    spec = json.loads(chart.proto.spec)
    alt.LayerChart.from_dict(spec, validate=True)  # raises on a spec Vega-Lite would reject
    assert spec["layer"][0]["mark"]["type"] == "rule" and spec["layer"][0]["encoding"]["y2"] == {"field": "ci_high"}
    sent = {ds.name for ds in chart.proto.datasets}
    assert {layer["data"]["name"] for layer in spec["layer"]} == sent == {"trend", "targets", "measures"}
    trend = convert_arrow_bytes_to_pandas_df(next(ds for ds in chart.proto.datasets if ds.name == "trend").data.data)
    assert trend["ci_low"].notna().any() and "numerator" not in trend.columns  # only what the layers use


def test_gap_table_says_in_words_how_each_area_compares():
    at = _page()
    gap = shown_table(at)  # areas as columns, measures of the gap as rows (an HTML table)
    assert list(gap.columns) == ["Loddefjord", "Olsvik"]
    words = {ui(f"judgement.{j}") for j in ("better", "worse", "similar", "unknown")}
    assert set(gap.loc[ui("gap.comparison")]) <= words
    expected = read.indicators.indicator_gaps(Store.of(db.make_engine(_store_url())), DROP_OUT, ("loddefjord", "olsvik"))
    for col, row in zip(gap.columns, expected.itertuples(), strict=True):
        cell = gap.loc[ui("gap.trend"), col]
        assert (cell[0] in "↑↓") == (row.trend in ("increasing", "decreasing")), cell
        assert gap.loc[ui("gap.bergen"), col].endswith("%")


def test_profile_covers_every_indicator_and_follows_the_url_choice():
    at = _page()
    at.selectbox(key="profil").set_value("solheim").run()
    assert_clean(at)
    _, (_, rows) = _charts(at)
    labels = {row.get("label") for row in rows if row.get("label")}
    engine = db.make_engine(_store_url())
    assert labels == set(read.indicators.indicators(Store.of(engine))["name_nb"])
    assert at.query_params["profil"] == "solheim"
    assert any(m.value.startswith("Solheim") for m in at.markdown)  # the profile caption names the area
    profile_table = at.dataframe[-1].value  # the profile comes last, after the indicator's tables
    assert len(profile_table) == len(labels) and ui("gap.zone_range") in profile_table.columns


def test_choices_go_to_the_url():
    at = _page("child_welfare")
    at.multiselect(key="ind_omrader").set_value(["solheim"]).run()
    at.toggle(key="ki").set_value(True).run()
    assert_clean(at)
    assert at.query_params["indikator"] == "child_welfare"
    assert at.query_params["omrader"] in ("solheim", ["solheim"])
    assert at.query_params["ki"] == "1"


def test_no_area_chosen_still_shows_bergen():
    at = _page()
    at.multiselect(key="ind_omrader").set_value([]).run()
    assert_clean(at)
    body = text_of(at)
    assert "i 2024: Bergen 19,5\u00a0%." in body  # the caption speaks of Bergen alone
    assert ui("indicators.no_measures") in body


def test_metadata_names_definition_sources_and_update():
    at = _page()
    body = text_of(at)
    assert ui("indicators.definition") in body and "Folkehelseoversikt" in body
    assert ui("indicators.updated") in body and ui("indicators.lower_better") in body


def test_suppressed_values_are_shown_as_prikket_only(monkeypatch):
    monkeypatch.setenv("OMRADESATSING_MIN_COUNT", "100000")  # everything with counts is hidden
    at = _page("young_disability")
    table = at.dataframe[0].value  # the numbers in the chart
    areas = table[table[ui("cols.series")].isin(["Loddefjord", "Olsvik"])]
    with_counts = areas[areas[ui("cols.source")].str.startswith("Eksempeldata")]
    assert set(with_counts[ui("cols.value")]) == {ui("common.suppressed")}
    assert ui("indicators.suppressed_note").split("{")[1].split("}")[1].strip()[:5] in text_of(at)
    gap = shown_table(at)
    assert set(gap.loc[ui("gap.value")]) == {ui("common.suppressed")}
    assert set(gap.loc[ui("gap.trend")]) == {ui("trend.too_few")}


@pytest.mark.parametrize("lang", ["nn", "en"])
def test_texts_follow_the_language(lang):
    at = open_page("indikatorer", lang=lang)  # (AppTest formats a set value in bokmål: keep the default)
    assert_clean(at)
    body = text_of(at)
    assert ui("indicators.trend_heading", lang) in [h.value for h in at.header]
    assert ui("indicators.contribution", lang) in body
    assert ui("gap.comparison", lang) in shown_table(at).index


def _store_url() -> str:
    import os

    return os.environ["DATABASE_URL"]


def test_cached_chart_specs_carry_their_data_as_arrow():
    """``charts.spec_of``: a cached spec holds its data as the Arrow bytes Streamlit sends (so a rerun
    does not convert it again), and they decode to the chart's rows."""
    import altair as alt
    import pandas as pd

    from components.charts import spec_of

    df = pd.DataFrame({"area": ["Loddefjord", "Olsvik"], "value": [4.5, 3.9]})
    spec = spec_of(alt.Chart(df).mark_bar().encode(x="value:Q", y="area:N"))
    (data,) = spec["datasets"].values()
    assert isinstance(data, bytes)
    assert convert_arrow_bytes_to_pandas_df(data).to_dict("records") == df.to_dict("records")
