"""The same figure is the same number on every page: totals shown on more than one page come from one
core function (``read.money.grant_summary``, ``read.money.investment_summary``), and the pages, rendered as
a user sees them, agree with each other and with the core."""

from __future__ import annotations

import os

import pytest

from omradesatsing import db, formatting as fmt, read
from omradesatsing.read import Store
from tests.app.conftest import assert_clean, open_page, text_of, ui

pytestmark = pytest.mark.app


def _metric(at, label: str) -> str:
    values = [m.value for m in at.metric if m.label.startswith(label)]
    assert values, (label, [m.label for m in at.metric])
    return values[0]


def _status_metric(at, status: str) -> str:
    """A status card's value: its label is the status symbol and the status word."""
    values = [m.value for m in at.metric if m.label.split(" ", 1)[-1] == ui(f"status.{status}")]
    assert len(values) == 1, (status, [m.label for m in at.metric])
    return values[0]


def test_grants_and_money_agree_across_pages():
    engine = db.make_engine(os.environ["DATABASE_URL"])
    grants = read.money.grant_summary(Store.of(engine))
    money = read.money.investment_summary(Store.of(engine))
    known = fmt.million_kroner(grants["known_nok"], 1, "nb")
    budget = fmt.million_kroner(money["budget_nok"], 1, "nb")

    overview = open_page("oversikt")
    assert_clean(overview)
    assert ui("overview.grants_line").format(grants=known, first=grants["first"], last=grants["last"]) \
        in text_of(overview)
    # The grid's last row is all areas together: the number Investeringer shows, in million kroner.
    grid = next(h.proto.body for h in overview.html if "omr-grid" in h.proto.body)
    total_row = grid.split(ui("overview.grid_all"))[1]
    assert f">{budget.split(chr(0xa0))[0]}<" in total_row
    assert f">{fmt.million_kroner(money['spent_nok'], 1, 'nb').split(chr(0xa0))[0]} (" in total_row

    investments = open_page("investeringer")
    assert_clean(investments)
    assert _metric(investments, ui("investments.kpi_budget")) == budget
    assert _metric(investments, ui("investments.kpi_spent")) == fmt.million_kroner(money["spent_nok"], 1, "nb")
    assert ui("investments.grants_caption").split("{real}")[1].split("{")[0] in text_of(investments)
    assert f"{known} i publiserte tilskudd" in text_of(investments)

    slides = open_page("presentasjon")
    assert_clean(slides)
    assert _metric(slides, ui("presentation.kpi_grants")) == known


def test_the_known_grants_count_a_published_total_once():
    """2020: 12.7 mill. kr published as a total and as its parts 5.0 + 7.7; the total is counted once."""
    engine = db.make_engine(os.environ["DATABASE_URL"])
    rows = read.money.grants(Store.of(engine))
    known = rows[~rows["illustrative"] & rows["in_sums"]]
    assert read.money.grant_summary(Store.of(engine))["known_nok"] == int(known["amount_nok"].sum())
    assert not rows[~rows["in_sums"]].empty  # the seed has such a total, so the test can fail


def test_the_trend_chart_has_its_source_and_period_under_it():
    engine = db.make_engine(os.environ["DATABASE_URL"])
    at = open_page("indikatorer")
    assert_clean(at)
    chosen = tuple(at.multiselect(key="ind_omrader").value)
    indicator = at.selectbox(key="indikator").value
    rows = read.indicators.area_trend(Store.of(engine), indicator, chosen)
    rows = rows[rows["value"].notna() & ((rows["scope"] != "area") | rows["area_slug"].isin(chosen))]
    period = ui("common.period").format(period=f"{int(rows['year'].min())}–{int(rows['year'].max())}")
    source = ui("common.source").format(source=sorted(set(rows["source_title"].dropna()))[0])
    assert [c.value for c in at.caption if c.value.startswith(source) and period in c.value], \
        [c.value for c in at.caption]


def test_the_map_names_the_programme_areas_and_classes_in_words():
    """The canvas cannot be read by a screen reader: its text alternative lists what it shows."""
    engine = db.make_engine(os.environ["DATABASE_URL"])
    at = open_page("kart")
    assert_clean(at)
    alt = at.get("deck_gl_json_chart")[0].proto.alt
    for name in read.places.areas(Store.of(engine))["name"]:
        assert name in alt, name
    assert ui("map.alt_classes").split("{")[0] in alt


def test_measure_counts_agree_across_pages():
    """Oversikt, Delprogrammer and the presentation count the measures (in all, per status, per area)
    with one core function, ``read.programme.status_summary``."""
    store = Store.of(db.make_engine(os.environ["DATABASE_URL"]))
    summary = read.programme.status_summary(read.programme.measures(store))
    areas = read.places.areas(store)
    assert summary["measures"] > 0 and sum(summary["by_status"].values()) == summary["measures"]

    for slug in areas["slug"]:
        n = read.programme.status_summary(read.programme.measures(store), (slug,))["measures"]
        assert summary["by_area"].get(slug, 0) == n

    programme = open_page("delprogrammer")
    assert_clean(programme)
    for status, n in summary["by_status"].items():
        assert _status_metric(programme, status) == str(n)

    slides = open_page("presentasjon")
    assert_clean(slides)
    in_areas = read.programme.status_summary(read.programme.measures(store), tuple(areas["slug"]))
    assert in_areas["measures"] == summary["measures"]  # every measure of the seed works in an area
    assert _metric(slides, ui("presentation.kpi_measures")) == str(in_areas["measures"])
    slides.session_state["lysbilde"] = 6  # the measures slide
    slides.run()
    assert_clean(slides)
    for status in ("on_track", "at_risk", "off_track", "completed"):
        assert _status_metric(slides, status) == str(summary["by_status"][status])
