"""The same figure is the same number on every page: totals shown on more than one page come from one
core function (``read.money.grant_summary``, ``read.money.investment_summary``), and the pages, rendered as
a user sees them, agree with each other and with the core."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from components.ui import STATUS_SYMBOL, plain
from omradesatsing import db, formatting as fmt, programme as programme_rules, read
from omradesatsing.read import Store
from tests.app.conftest import assert_clean, key_figures, open_page, text_of, ui

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


def _grid_rows(at) -> dict[str, list[str]]:
    """Oversikt's areas × key indicators table as its reader sees it: row header → the cells' text."""
    from html.parser import HTMLParser

    body = next(h.proto.body for h in at.html if "omr-grid" in h.proto.body)

    class Rows(HTMLParser):
        def __init__(self):
            super().__init__()
            self.rows, self.cells, self.text, self.depth = [], None, None, 0

        def handle_starttag(self, tag, attrs):
            if tag == "tr":
                self.cells = []
            elif tag in ("td", "th") and self.cells is not None:
                self.text = []

        def handle_endtag(self, tag):
            if tag in ("td", "th") and self.text is not None:
                self.cells.append(" ".join("".join(self.text).split()))
                self.text = None
            elif tag == "tr" and self.cells is not None:
                self.rows.append(self.cells)
                self.cells = None

        def handle_data(self, data):
            if self.text is not None:
                self.text.append(data)

    parser = Rows()
    parser.feed(body)
    return {cells[0]: cells[1:] for cells in parser.rows[1:]}


def test_the_same_label_is_the_same_number_on_oversikt_investeringer_and_omrade():
    """A figure named the same on two pages is the same number: each area's headline indicators on
    Oversikt, Investeringer (per inhabitant) and Område, and its budget on Oversikt and Område."""
    store = Store.of(db.make_engine(os.environ["DATABASE_URL"]))
    meta = read.indicators.indicators(store).set_index("key")
    keys = [k for k in programme_rules.HEADLINE_INDICATORS if k in meta.index]
    areas = read.places.areas(store)
    overview = open_page("oversikt")
    assert_clean(overview)
    grid = _grid_rows(overview)
    investments = open_page("investeringer")
    assert_clean(investments)
    per = investments.dataframe[[i for i, d in enumerate(investments.dataframe)
                                 if ui("investments.col_population") in d.value.columns][0]].value
    per = per.set_index(ui("cols.area"))
    money = read.money.area_money(store).set_index("area_slug")
    for a in areas.itertuples():
        row = next(cells for name, cells in grid.items() if name.startswith(a.name))
        area_page = open_page("omrade", session={"omrade": a.slug})
        assert_clean(area_page)
        metrics = {label: f["value"] for label, f in key_figures(area_page).items()}
        for i, key in enumerate(keys):
            label = meta.loc[key, "name_nb"]
            shown_overview, shown_investments, shown_area = (
                " ".join(str(x).split()) for x in (row[i], per.loc[a.name, label], metrics[label]))
            # "18,2 % verre ↓ …" on Oversikt, "18,2 % (2024)" on Investeringer, "18,2 %" on Område
            assert shown_overview.startswith(shown_area), (a.name, label, shown_overview, shown_area)
            assert shown_investments.startswith(shown_area), (a.name, label, shown_investments, shown_area)
        budget = fmt.millions(int(money.loc[a.slug, "budget_nok"]), 1, "nb")
        assert row[len(keys)] == budget, (a.name, row)
        assert fmt.million_kroner(int(money.loc[a.slug, "budget_nok"]), 1, "nb") in text_of(area_page), a.name


def test_oversikt_omrade_and_the_presentation_show_a_changed_measure_at_the_same_status():
    """The latest status is one rule (``read.programme.latest_updates``): the measure Oversikt lists as
    changed shows that status on its area's page, and the presentation's changes slide counts the same
    changes as Oversikt and lists each at the status it has."""
    store = Store.of(db.make_engine(os.environ["DATABASE_URL"]))
    rows = read.programme.measures(store).set_index("id")
    overview = open_page("oversikt")
    assert_clean(overview)
    links = [el for el in overview.get("page_link") if "tiltak=" in el.proto.query_string]
    assert links
    for link in links:
        measure_id = int(link.proto.query_string.split("tiltak=")[1].split("&")[0])
        m = rows.loc[measure_id]
        status = f"{STATUS_SYMBOL[m['status']]} {ui('status.' + m['status'])}"
        assert link.value.rsplit("→", 1)[1].strip().startswith(status), (link.value, status)
        area_page = open_page("omrade", session={"omrade": m["area_slugs"][0]})
        assert_clean(area_page)
        lines = [x for x in text_of(area_page).split("\n") if f"**{plain(m['name'])}**" in x]
        assert len(lines) == 1 and status in lines[0], (m["name"], lines, status)

    since, _ = read.overview.since_default(store, dt.date.today())
    changed = read.overview.changes_since(store, since)["status"]
    slides = open_page("presentasjon")
    slides.session_state["lysbilde"] = 7  # intro, three headline indicators, money, measures, changes
    slides.run()
    assert_clean(slides)
    assert ui("presentation.changes_lead").split("{n}")[0].split("{")[0] in text_of(slides)
    assert f"har {len(changed)} tiltak fått en annen status" in text_of(slides)  # as Oversikt counts them
    listed = [x for x in text_of(slides).split("\n") if x.startswith("- **")]
    assert listed
    for line in listed:
        name = next(n for n in rows["name"] if line.startswith(f"- **{plain(n)}**"))
        m = rows[rows["name"] == name].iloc[0]
        assert line.endswith(f"→ {STATUS_SYMBOL[m['status']]} {ui('status.' + m['status'])}"), (line, m["status"])
