"""Every page runs through app.py without exception and shows its key content from the store."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from omradesatsing.permissions import Actor
from tests.app.conftest import PAGES, assert_clean, key_figures, open_page, shown_table, text_of, ui

pytestmark = pytest.mark.app

AREA_NAMES = ("Loddefjord", "Olsvik", "Solheim", "Slettebakken", "Ytre Arna", "Indre Laksevåg")
TITLE_KEY = {"oversikt": "overview.title", "kart": "map.title", "indikatorer": "indicators.title",
             "investeringer": "investments.title", "delprogrammer": "programme.title", "om_dataene": "about.title",
             "presentasjon": "presentation.intro_title", "dine_tiltak": "login.title"}  # anonymous: the login
EDITOR = Actor(username="kari", display_name="Kari Nordmann", role="editor")


@pytest.mark.parametrize("page", [p for p in PAGES if p not in ("omrade", "admin")])
def test_page_runs_and_has_its_title(page):
    at = open_page(page)
    assert_clean(at)
    assert at.title[0].value == ui(TITLE_KEY[page])


def test_menu_lists_every_page_in_bokmaal():
    """The navigation is built in app.py for every run; AppTest exposes no sidebar nav element,
    so check that each page exists as a file and has a menu name in the catalogue."""
    from pathlib import Path

    for page in PAGES:
        assert Path(f"pages/{page}.py").is_file()
        assert ui(f"nav.{page}")


def test_oversikt_shows_what_changed_since_the_last_report_the_grid_and_the_money():
    import datetime as dt
    import os

    from omradesatsing import db, read
    from omradesatsing.read import Store

    store = Store.of(db.make_engine(os.environ["DATABASE_URL"]))
    since, report = read.overview.since_default(store, dt.date.today())
    changed = read.overview.changes_since(store, since)["status"]
    at = open_page("oversikt")
    assert_clean(at)
    assert [h.value for h in at.header][:1] == [ui("overview.since_heading")]
    assert at.date_input(key="oversikt_siden").value == since
    body = text_of(at)
    assert ui("overview.since_report").split("{")[0] + report in body
    assert f"**{len(changed)} tiltak**" in body
    # The lines of changes are links to the measure, and every one is a real change (before ≠ after).
    links = [el for el in at.get("page_link") if "tiltak" in el.proto.query_string]
    assert 1 <= len(links) <= 3
    for link in links:
        measure_id = int(link.proto.query_string.split("tiltak=")[1].split("&")[0])
        row = changed.set_index("measure_id").loc[measure_id]
        assert row["before"] != row["after"]
        assert ui(f"status.{row['after']}") in link.value.split("→")[1]
    html = next(h.proto.body for h in at.html if "omr-grid" in h.proto.body)
    for name in AREA_NAMES:
        assert f">{name}" in html, name
    assert ui("overview.grid_bergen") in html and ui("overview.grid_all") in html
    assert ui("common.illustrative") in body  # the seed's figures are examples, and say so


def test_illustrative_figures_are_marked_on_every_data_page():
    for page in ("oversikt", "kart", "indikatorer", "investeringer", "delprogrammer", "omrade"):
        at = open_page(page)
        assert_clean(at)
        assert ui("common.illustrative") in text_of(at), page


def test_omrade_shows_the_chosen_area():
    at = open_page("omrade")
    at.selectbox(key="omrade").set_value("olsvik").run()
    assert_clean(at)
    assert at.title[0].value == "Olsvik"
    assert at.query_params["omrade"] == "olsvik"  # the URL names the area by its code
    body = text_of(at)
    assert ui("area.key_figures") in body
    # Key figures in Norwegian formats ("26,6 %", "433 142 kr"), each with a judgement in words and Bergen beside it;
    # no metric cards without words.
    figures = key_figures(at)
    assert 3 <= len(figures) <= 5 and not at.metric
    number = r"\d{1,3}(\u00a0\d{3})*(,\d+)?\u00a0(%|kr)"
    for f in figures.values():
        assert re.fullmatch(number + "|" + ui("common.suppressed"), f["value"]), f
        assert re.fullmatch(number + "|–", f["city"]), f
    at.selectbox(key="omrade").set_value("solheim").run()
    assert_clean(at)
    assert at.title[0].value.startswith("Solheim")


def test_indikatorer_shows_the_published_figure_with_its_source():
    at = open_page("indikatorer")
    at.selectbox(key="indikator").set_value("not_completed_upper_secondary").run()
    assert_clean(at)
    table = at.dataframe[0].value  # "the figures in the chart" (the gap table above it is an HTML table)
    report = "rapport 2019, dataår ikke oppgitt"  # the source gives the report's year, not the data's
    olsvik_2019 = table[(table[ui("cols.series")] == "Olsvik") & (table[ui("cols.period")] == report)]
    assert olsvik_2019[ui("cols.value")].tolist() == ["37,9\u00a0%"]
    assert olsvik_2019[ui("cols.illustrative")].tolist() == [ui("common.no")]
    assert "Folkehelseoversikt" in olsvik_2019[ui("cols.source")].iloc[0]
    # what the source says about the figure stands in the table and under the chart
    caveat = "Oppgitt i programmets egen presentasjon («Skolesatsing i Loddefjord og Olsvik»)."
    assert olsvik_2019[ui("cols.note")].tolist() == [caveat]
    shown = " ".join(c.value for c in at.caption).replace("\\", "").replace("\u2060", "")  # ui.plain escapes
    assert f"Olsvik {report}: {caveat}" in shown
    # every other Olsvik year is an invented example and says so
    others = table[(table[ui("cols.series")] == "Olsvik") & (table[ui("cols.period")] != report)]
    assert set(others[ui("cols.illustrative")]) == {ui("common.yes")}


def test_om_dataene_counts_in_norwegian_format():
    at = open_page("om_dataene")
    assert_clean(at)
    illustrative = next(m.value for m in at.metric if m.label == ui("about.values_illustrative"))
    assert re.fullmatch(r"\d{1,3}(\u00a0\d{3})+", illustrative), illustrative  # "2 754", not "2754"
    sources = shown_table(at)  # an HTML table: Ctrl+F and screen readers find its text
    assert len(sources) >= 10  # every source is listed
    assert not at.dataframe  # no canvas grid on the page
    titles = at.table[0].value[ui("cols.title")]  # a title links to its source where there is one
    assert titles.str.contains("](https://", regex=False).any() and not titles.str.contains("](", regex=False).all()


def test_admin_requires_login():
    at = open_page("admin")
    assert_clean(at)
    assert at.title[0].value == ui("login.title")
    assert ui("admin.editor_info") not in text_of(at)
    assert len(at.text_input) == 2


def test_admin_wrong_password_is_refused():
    at = open_page("admin")
    at.text_input[0].input("finnes-ikke")
    at.text_input[1].input("feil-passord")
    at.button[0].click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [ui("login.failed")]


def test_admin_for_an_editor_shows_the_store_summary():
    at = open_page("admin", session={"actor": EDITOR})
    assert_clean(at)
    assert at.title[0].value == ui("admin.title")
    assert "Kari Nordmann" in text_of(at)
    table = at.dataframe[0].value
    counts = dict(zip(table[ui("admin.col_table")], table[ui("admin.col_rows")], strict=True))
    assert counts[ui("admin.count_areas")] == 6
    assert counts[ui("admin.count_values_illustrative")] > 0


@pytest.mark.parametrize("lang", ["nn", "en"])
def test_language_switch_changes_the_text(lang):
    at = open_page("oversikt")
    assert at.title[0].value == ui("overview.title")
    at.radio(key="lang").set_value(lang).run()
    assert_clean(at)
    assert at.title[0].value == ui("overview.title", lang)
    assert at.header[0].value == ui("overview.since_heading", lang)
    assert ui("overview.since_heading", lang) != ui("overview.since_heading")
    assert any(ui("overview.grid_bergen", lang) in h.proto.body for h in at.html)
    assert at.query_params["lang"] == lang


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_in_nynorsk_and_english(page):
    for lang in ("nn", "en"):
        at = open_page(page, lang=lang)
        assert_clean(at)
        assert at.radio(key="lang").value == lang
        title = at.title[0].value
        if page in ("admin", "dine_tiltak"):
            assert title == ui("login.title", lang)
        elif page != "omrade":
            assert title == ui(TITLE_KEY[page], lang)


@pytest.mark.parametrize(("source", "target", "area_key", "status_key"), [
    ("indikatorer", "investeringer", "inv_omrader", "inv_status"),
    ("indikatorer", "delprogrammer", "prog_omrader", "prog_status"),
    ("delprogrammer", "investeringer", "inv_omrader", "inv_status"),
])
def test_a_page_does_not_inherit_another_pages_filters(source, target, area_key, status_key):
    """The pages share the URL parameters ``?omrader=`` and ``?status=``, not their state: Indikatorer's two
    default areas, or a status filter on Delprogrammer ("completed" is a status of both measures and
    investments), must not silently narrow Investeringer or Delprogrammer after a switch in the menu."""
    at = open_page(source)
    if source == "delprogrammer":
        at.multiselect(key="prog_omrader").set_value(["solheim"]).run()
        at.multiselect(key="prog_status").set_value(["completed"]).run()
        at.query_params.clear()  # Chromium's menu link drops the query (checked); AppTest's switch keeps it
    else:
        assert len(at.multiselect(key="ind_omrader").value) == 2  # its default: two areas
    at.switch_page(f"pages/{target}.py").run()
    assert_clean(at)
    assert at.multiselect(key=area_key).value == []  # all areas, as the placeholder says
    assert at.multiselect(key=status_key).value == []
    assert "omrader" not in at.query_params and "status" not in at.query_params


def test_text_tables_show_stored_text_as_typed_and_links_cannot_be_broken_out_of():
    from components import ui as ui_mod

    df = pd.DataFrame({"Kilde": ["**fet** [x](https://evil.example)", "BT"], "url": ["https://bt.no/a)b\\c", "javascript:x"],
                       "Merknad": ["  notat  ", None]})
    out = ui_mod.text_frame(df, links={"Kilde": "url"}, details={"Kilde": "Merknad"})
    assert list(out.columns) == ["Kilde"]
    first, second = out["Kilde"]
    assert first.startswith("[\\*\\*fet\\*\\* \\[x\\]\\(https") and first.endswith("(https://bt.no/a%29b%5Cc) – *notat*")
    assert second == "BT"  # not a web address: no link


def test_oversikt_links_to_where_new_figures_and_changed_amounts_are_listed(own_store):
    """A project whose money changed since the chosen date is counted on Oversikt, with a link to
    Investeringer; with nothing imported, «Nye tall» says so and links nowhere."""
    import datetime as dt

    from omradesatsing import commands, read
    from omradesatsing.read import Store

    row = read.money.investments(Store.of(own_store)).iloc[0]
    data = {"name": row["name"], "area_slug": row["area_slug"], "category": row["category"],
            "funding_source": row["funding_source"], "budget_nok": int(row["budget_nok"]) + 500_000,
            "spent_nok": int(row["spent_nok"]), "start_year": int(row["start_year"]),
            "end_year": None if pd.isna(row["end_year"]) else int(row["end_year"]), "status": row["status"],
            "description": row["description"] or "", "lon": "", "lat": ""}
    commands.save_investment(own_store, Actor("ola", "admin", "Ola"), data, investment_id=int(row["id"]),
                             expected_version=int(row["version"]))
    at = open_page("oversikt", session={"oversikt_siden": dt.date.today()})
    assert_clean(at)
    money = [el for el in at.get("page_link") if el.proto.page.endswith("investeringer")]
    assert [el.value for el in money] == [ui("overview.money_moved").format(n=1, budget="+0,5\u00a0mill.\u00a0kr",
                                                                         spent="0,0\u00a0mill.\u00a0kr")]
    assert ui("overview.no_new_figures") in text_of(at)
    assert not [el for el in at.get("page_link") if el.proto.page.endswith("om_dataene")]
