"""Kart in AppTest: the deck sent to the browser carries the zones with the chosen indicator's
values, suppressed values never reach it, the table matches the map, the view is in the URL."""

from __future__ import annotations

import json
import os
import re

import pytest

from omradesatsing import db, read
from omradesatsing.read import Store
from tests.app.conftest import assert_clean, open_page, text_of, ui

pytestmark = pytest.mark.app


def deck(at) -> dict:
    charts = at.get("deck_gl_json_chart")
    assert len(charts) == 1
    return json.loads(charts[0].proto.json)


def layer(spec: dict, layer_id: str) -> dict:
    found = [lay for lay in spec["layers"] if lay["id"] == layer_id]
    assert found, [lay["id"] for lay in spec["layers"]]
    return found[0]


def bare(name: str) -> str:
    """A zone's stored name: the map names a zone called like a programme area with its level."""
    return re.sub(r" \((delområde|bydel)\)$", "", name)


def zone_tooltips(at) -> dict[str, str]:
    return {bare(f["properties"]["name"]): f["properties"]["tooltip"]
            for f in layer(deck(at), "zones")["data"]["features"]}


def test_a_zone_named_like_a_programme_area_is_named_with_its_level():
    """The delområde Loddefjord's figure is not the programme area Loddefjord's: the map, its tooltip
    and the table call the zone «Loddefjord (delområde)»; a zone with another name keeps its name."""
    at = open_page("kart")
    assert_clean(at)
    names = [f["properties"]["name"] for f in layer(deck(at), "zones")["data"]["features"]]
    assert "Loddefjord (delområde)" in names and "Loddefjord" not in names
    assert "Fana" in names or "Årstad" in names
    tips = {f["properties"]["name"]: f["properties"]["tooltip"] for f in layer(deck(at), "zones")["data"]["features"]}
    assert tips["Loddefjord (delområde)"].startswith("Loddefjord (delområde)\n")
    assert "Loddefjord (delområde)" in set(at.dataframe[0].value[ui("map.col_zone")])


def test_map_has_zones_areas_labels_and_investments_offline():
    at = open_page("kart")
    assert_clean(at)
    spec = deck(at)
    ids = [lay["id"] for lay in spec["layers"]]
    assert ids[:2] == ["neighbours", "zones"] and {"areas", "area_labels", "investments"} <= set(ids)
    assert spec["mapStyle"] == "__MAP_STYLE__"  # no basemap: Streamlit loads no tiles
    assert len(layer(spec, "zones")["data"]["features"]) == 20  # Bergen's delområder
    labels = [d["name"] for d in layer(spec, "area_labels")["data"]]
    assert "Loddefjord / Olsvik" in labels and "Indre Laksevåg" in labels
    view = spec["initialViewState"]
    assert 60.2 < view["latitude"] < 60.5 and 5.2 < view["longitude"] < 5.6 and 8 < view["zoom"] < 10.5


def test_zones_carry_the_chosen_indicator_values_in_norwegian_format(seeded_sqlite_url):
    at = open_page("kart")
    at.selectbox(key="indikator").set_value("median_income").run()
    at.selectbox(key="aar").set_value("2022").run()
    assert_clean(at)
    engine = db.make_engine(seeded_sqlite_url)
    expected = read.indicators.zone_map_values(Store.of(engine), "median_income", "delomraade", 2022)
    tips = zone_tooltips(at)
    for r in expected.itertuples():
        amount = f"{round(r.value):,}".replace(",", "\u00a0") + "\u00a0kr"
        assert f"Medianinntekt etter skatt for husholdninger: {amount}" in tips[r.zone_name] or \
            amount in tips[r.zone_name], (r.zone_name, tips[r.zone_name])
        assert "Periode: 2022" in tips[r.zone_name]
    # Colours: higher is better for income, so the richest zone is in the lightest class.
    fills = {bare(f["properties"]["name"]): f["properties"]["fill"] for f in layer(deck(at), "zones")["data"]["features"]}
    richest = expected.sort_values("value").iloc[-1]["zone_name"]
    poorest = expected.sort_values("value").iloc[0]["zone_name"]
    assert fills[richest][:3] == [255, 255, 178] and fills[poorest][:3] == [189, 0, 38]
    assert at.query_params["indikator"] == "median_income" and at.query_params["aar"] == "2022"


def test_table_under_the_map_lists_the_same_zones_and_values():
    at = open_page("kart")
    assert_clean(at)
    table = at.dataframe[0].value
    names = set(zone_tooltips(at))
    assert {bare(n) for n in table[ui("map.col_zone")]} == names
    # least favourable first: unemployment, so the highest value on top
    values = table[ui("map.col_value")].astype(float).tolist()
    assert values == sorted(values, reverse=True)
    assert ui("map.table_heading", ).split(":")[0] in text_of(at)


def test_bydel_level_shows_values_summed_from_delomraader():
    at = open_page("kart")
    at.selectbox(key="nivaa").set_value("bydel").run()
    assert_clean(at)
    tips = zone_tooltips(at)
    assert set(tips) == {"Arna", "Bergenhus", "Fana", "Fyllingsdalen", "Laksevåg", "Ytrebygda", "Årstad", "Åsane"}
    assert all(ui("map.tip_derived") in tip for tip in tips.values())
    assert "Satsingsområde: Indre Laksevåg, Loddefjord, Olsvik" in tips["Laksevåg"]
    assert at.query_params["nivaa"] == "bydel"


def test_suppressed_values_are_not_in_the_data_sent_to_the_browser(monkeypatch, seeded_sqlite_url):
    engine = db.make_engine(seeded_sqlite_url)
    normal = read.indicators.zone_map_values(Store.of(engine), "unemployment", "delomraade", 2024)
    threshold = int(normal["numerator"].median()) + 1  # about half the zones fall below it
    monkeypatch.setenv("OMRADESATSING_MIN_COUNT", str(threshold))
    at = open_page("kart")  # the app's start protects the store under the new threshold
    assert_clean(at)
    hidden = read.indicators.zone_map_values(Store.of(engine), "unemployment", "delomraade", 2024)
    assert hidden["suppressed"].sum() >= 5
    raw = at.get("deck_gl_json_chart")[0].proto.json
    tips = zone_tooltips(at)
    for r in normal.merge(hidden[["zone_code", "suppressed"]], on="zone_code", suffixes=("", "_now")).itertuples():
        if r.suppressed_now:
            assert ui("map.suppressed_long") in tips[r.zone_name]
            shown = f"{r.value:.1f}".replace(".", ",") + "\u00a0%"
            assert f"Registrert arbeidsledighet: {shown}" not in tips[r.zone_name]
            assert str(int(r.numerator)) not in re.findall(r"\d+", tips[r.zone_name])
    assert "numerator" not in raw and "denominator" not in raw
    table = at.dataframe[0].value
    assert table[ui("map.col_value")].isna().sum() == hidden["suppressed"].sum()


def test_selected_zone_shows_its_figures_and_a_link_to_the_area():
    at = open_page("kart")
    at.session_state["sone"] = "46011900"  # the delområde Loddefjord and Olsvik are drawn as
    at.run()
    assert_clean(at)
    assert "Loddefjord \\(delområde\\)" in [s.value for s in at.header]  # ui.plain escapes the brackets
    assert at.metric[0].label == ui("map.value_label", ).format(year=2024)
    assert re.fullmatch(r"\d+,\d\u00a0%", at.metric[0].value)
    assert at.query_params["sone"] == "46011900"
    selected = layer(deck(at), "selected")["data"]["features"]
    assert [f["properties"]["code"] for f in selected] == ["46011900"]
    # the zone's profile: every indicator with a value there in 2024, against Bergen, as the core reads it
    profile = [e for e in at.expander if e.label == ui("map.all_indicators").format(year=2024)]
    assert len(profile) == 1
    lines = [m.value for m in profile[0].markdown]
    engine = db.make_engine(os.environ["DATABASE_URL"])
    expected = read.indicators.zone_profiles(Store.of(engine), "delomraade", 2024, "nb")
    expected = expected[expected["zone_code"] == "46011900"]
    assert len(lines) == len(expected) >= 8
    assert all("(Bergen " in line for line in lines)
    at.button(key="map_clear").click().run()
    assert "sone" not in at.query_params
    assert not any(lay["id"] == "selected" for lay in deck(at)["layers"])


def test_layers_can_be_switched_off():
    at = open_page("kart")
    at.session_state["lag"] = ["zones"]
    at.run()
    assert_clean(at)
    ids = {lay["id"] for lay in deck(at)["layers"]}
    assert "zones" in ids and not ids & {"areas", "area_labels", "investments"}


def test_online_basemap_setting_reaches_the_deck(monkeypatch):
    monkeypatch.setenv("OMRADESATSING_BASEMAP", "kartverket_grey")
    at = open_page("kart")
    assert_clean(at)
    assert deck(at)["mapStyle"].startswith("data:application/json")
    assert "Kartverket" in text_of(at)


@pytest.mark.parametrize("lang", ["nn", "en"])
def test_map_texts_follow_the_language(lang):
    at = open_page("kart", lang=lang)
    assert_clean(at)
    assert at.title[0].value == ui("map.title", lang)
    tips = "\n".join(zone_tooltips(at).values())
    assert ui("map.tip_period", lang).split(":")[0] in tips


def test_the_caption_says_how_the_areas_are_drawn(monkeypatch):
    """Delområde stand-ins are called an approximation; once every area is drawn by its own imported
    levekårssoner the caption says so instead."""
    import streamlit as st

    st.cache_data.clear()
    at = open_page("kart")
    captions = " ".join(c.value for c in at.caption)
    assert ui("map.approximation") in captions and ui("map.areas_from_zones") not in captions

    real = read.places.area_features

    def own_zones_only(engine):
        out = real(engine)
        for f in out["features"]:
            f["properties"]["note"] = None  # as area_features gives it for an area drawn by its own zones
        return out

    monkeypatch.setattr(read.places, "area_features", own_zones_only)
    st.cache_data.clear()
    try:
        at = open_page("kart")
        assert_clean(at)
        captions = " ".join(c.value for c in at.caption)
        assert ui("map.areas_from_zones") in captions and ui("map.approximation") not in captions
    finally:
        st.cache_data.clear()
