"""Presentasjon (the folkemøte view): slides, stepping, the area choice, marks and text alternatives."""

from __future__ import annotations

import pyarrow as pa
import pytest

from tests.app.conftest import assert_clean, open_page, text_of, ui

pytestmark = pytest.mark.app

N_SLIDES = 7  # intro, three headline indicators, money, measures, changes


def charts(at):
    return at.get("vega_lite_chart")


def chart_labels(at) -> list[str]:
    """The row labels in the slide's Vega-Lite chart (its inline dataset)."""
    proto = charts(at)[0].proto
    labels = set()
    for ds in proto.datasets:  # Streamlit sends each named dataset as Arrow
        labels |= set(pa.ipc.open_stream(ds.data.data).read_pandas()["label"])
    if proto.data.data:
        labels |= set(pa.ipc.open_stream(proto.data.data).read_pandas()["label"])
    return sorted(labels)


def step(at, key: str):
    at.button(key=key).click().run()
    assert_clean(at)
    return at


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
def test_every_slide_runs_in_every_language_with_source_line(lang):
    at = open_page("presentasjon", lang=lang)
    assert_clean(at)
    titles = []
    for number in range(1, N_SLIDES + 1):
        assert ui("presentation.counter", lang).format(n=number, total=N_SLIDES) in text_of(at)
        titles.append(at.title[0].value)
        body = text_of(at)
        # every slide names its source (or the illustrative mark) at its foot
        assert ui("common.illustrative", lang) in body, (number, titles[-1])
        if number < N_SLIDES:
            step(at, "next")
    assert len(set(titles)) == N_SLIDES, titles
    assert at.button(key="next").disabled and not at.button(key="prev").disabled
    assert at.query_params["lysbilde"] == str(N_SLIDES)


def test_first_slide_has_no_previous_and_stepping_back_and_forth_moves_one_slide():
    at = open_page("presentasjon")
    assert at.button(key="prev").disabled
    assert at.title[0].value == ui("presentation.intro_title")
    assert "lysbilde" not in at.query_params  # the first slide is the default: not in the URL
    step(at, "next")
    second = at.title[0].value
    assert at.query_params["lysbilde"] == "2"
    step(at, "next")
    assert at.title[0].value != second
    step(at, "prev")
    assert at.title[0].value == second


def test_indicator_slide_compares_areas_in_work_with_bergen_and_has_a_text_alternative():
    at = open_page("presentasjon")
    step(at, "next")
    assert len(charts(at)) == 1
    labels = chart_labels(at)
    assert labels == sorted(["Loddefjord", "Olsvik", "Solheim (nord og sør)", "Slettebakken", ui("indicators.bergen")])
    alt = charts(at)[0].proto.alt
    assert alt.startswith(at.title[0].value) and "Loddefjord" in alt and "%" in alt


def test_choosing_an_area_narrows_every_slide_to_it():
    at = open_page("presentasjon")
    at.selectbox(key="omrade").set_value("olsvik").run()
    assert_clean(at)
    assert at.title[0].value == ui("presentation.intro_title_area").format(area="Olsvik")
    assert at.metric[0].value == ui("state.active")  # the area's state, not a count of areas in work
    assert at.query_params["omrade"] == "olsvik"
    step(at, "next")
    assert chart_labels(at) == sorted(["Olsvik", ui("indicators.bergen")])
    step(at, "next")  # the target slide: Olsvik has a target for 2026
    assert "2026" in charts(at)[0].proto.alt and "Olsvik" in charts(at)[0].proto.alt
    step(at, "next")
    step(at, "next")  # money
    assert chart_labels(at) == ["Olsvik"]
    step(at, "next")  # measures: only Olsvik's
    shown = sum(int(m.value) for m in at.metric)
    everywhere = open_page("presentasjon")
    everywhere.session_state["lysbilde"] = 6
    everywhere.run()
    assert 0 < shown < sum(int(m.value) for m in everywhere.metric)


def test_presentation_is_linked_from_oversikt():
    at = open_page("oversikt")
    links = [el.proto.page for el in at.get("page_link")]
    assert any(p.endswith("presentasjon.py") or "presentasjon" in p for p in links), links


# --- The takeaway, and the right labels and totals for the area chosen ---------------------------

def store():
    import os

    from omradesatsing import db
    from omradesatsing.read import Store

    return Store.of(db.make_engine(os.environ["DATABASE_URL"]))


def go(at, number: int):
    at.session_state["lysbilde"] = number
    at.run()
    assert_clean(at)
    return at


def choose(at, slug: str):
    at.selectbox(key="omrade").set_value(slug).run()
    assert_clean(at)
    return at


@pytest.mark.parametrize("lang", ["nb", "nn"])
@pytest.mark.parametrize("slug", [None, "ytre-arna"])
def test_indicator_slides_lead_with_the_takeaway_of_the_profile_statistics(lang, slug):
    from omradesatsing import read
    from omradesatsing.catalogue import in_language
    from omradesatsing.programme import HEADLINE_INDICATORS
    from omradesatsing.takeaway import takeaway_for_areas

    s = store()
    areas = read.places.areas(s)
    shown = tuple(areas[areas["state"] != "ended"]["slug"]) if slug is None else (slug,)
    meta = read.indicators.indicators(s).set_index("key")
    at = open_page("presentasjon", lang=lang)
    if slug:
        choose(at, slug)
    for number, key in enumerate(HEADLINE_INDICATORS, start=2):
        go(at, number)
        gaps = read.indicators.indicator_gaps(s, key, shown)
        gaps = gaps[gaps["year"] == gaps["year"].max()]
        expected = in_language(takeaway_for_areas(gaps.to_dict("records"), list(gaps["area_name"]),
                                                  indicator=meta.loc[key, f"name_{lang}"], language=lang), lang)
        leads = [m.value for m in at.markdown if m.value == expected]
        assert leads, (key, expected, [m.value for m in at.markdown])
        if slug is None:  # several areas: one sentence, naming the one furthest from Bergen
            assert expected.startswith(ui("takeaway.furthest", lang).split("{")[0])
        else:
            assert "Ytre Arna" in expected
        alt = charts(at)[0].proto.alt
        for r in gaps.itertuples():  # the text alternative says what the chart shows: then and now
            assert r.area_name in alt and str(int(r.base_year)) in alt and str(int(r.year)) in alt


@pytest.mark.parametrize("lang", ["nb", "nn"])
def test_an_ended_area_is_shown_as_ended_and_the_grants_as_the_whole_programmes(lang):
    from omradesatsing import formatting as fmt, read

    at = choose(open_page("presentasjon", lang=lang), "ytre-arna")
    labels = {m.label: m.value for m in at.metric}
    assert ui("presentation.kpi_areas", lang) not in labels  # not "areas in work"
    assert labels[ui("presentation.kpi_area", lang)] == ui("state.ended", lang)
    known = read.money.grant_summary(store())["known_nok"]
    assert labels[ui("presentation.kpi_grants", lang)] == fmt.million_kroner(known, 1, lang)
    assert "Bergen" in ui("presentation.kpi_grants", lang)  # named as the city's, not the area's
    # the money slide: the area's own projects, summed in the core
    go(at, 5)
    mine = read.money.investment_summary(store(), area_slugs=("ytre-arna",))
    lead = ui("presentation.money_lead", lang).format(budget=fmt.million_kroner(mine["budget_nok"], 1, lang),
                                                      spent=fmt.million_kroner(mine["spent_nok"], 1, lang),
                                                      place="Ytre Arna")
    assert lead in text_of(at)
    assert chart_labels(at) == ["Ytre Arna"]


@pytest.mark.parametrize("lang", ["nb", "nn"])
def test_all_areas_names_the_areas_it_covers_and_the_money_totals_agree_with_oversikt(lang):
    from omradesatsing import formatting as fmt, read

    s = store()
    areas = read.places.areas(s)
    in_work = areas[areas["state"] != "ended"]
    at = go(open_page("presentasjon", lang=lang), 5)
    body = text_of(at).replace("\\", "")  # the names are escaped inside markdown: "Solheim \\(nord og sør\\)"
    names = ", ".join(in_work["name"])
    covered = ui("presentation.areas_in_work", lang).format(names=names)
    mine = read.money.investment_summary(s, area_slugs=tuple(in_work["slug"]))
    every = read.money.investment_summary(s)  # what Oversikt and Investeringer show
    assert mine["budget_nok"] < every["budget_nok"]  # the seed has ended areas with projects: the test can fail
    assert ui("presentation.money_lead", lang).format(
        place=covered, budget=fmt.million_kroner(mine["budget_nok"], 1, lang),
        spent=fmt.million_kroner(mine["spent_nok"], 1, lang)) in body
    assert ui("presentation.money_all_areas", lang).format(
        n=len(areas), budget=fmt.million_kroner(every["budget_nok"], 1, lang),
        spent=fmt.million_kroner(every["spent_nok"], 1, lang)) in body
    overview = open_page("oversikt", lang=lang)
    assert fmt.million_kroner(every["budget_nok"], 1, lang) in text_of(overview)  # its money line


def test_every_chart_on_the_slides_asks_for_text_of_26_px_or_more():
    """The spec's own sizes (the Chromium test measures what is drawn): axis, legend and text marks."""
    import json

    def sizes(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if k in ("fontSize", "labelFontSize", "titleFontSize") and isinstance(v, int | float):
                    yield k, v
                else:
                    yield from sizes(v)
        elif isinstance(node, list):
            for v in node:
                yield from sizes(v)

    at = open_page("presentasjon")
    for number in (2, 3, 4, 5):
        go(at, number)
        spec = json.loads(charts(at)[0].proto.spec)
        found = list(sizes(spec))
        assert {k for k, _ in found} >= {"fontSize", "labelFontSize"}, number
        assert all(v >= 26 for _, v in found), (number, found)
        for part in ("axis", "legend"):
            assert spec["config"][part]["labelFontSize"] >= 26
