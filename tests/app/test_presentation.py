"""Presentasjon (the folkemøte view): slides, stepping, the area choice, marks and text alternatives."""

from __future__ import annotations

import pyarrow as pa
import pytest

from tests.app.conftest import assert_clean, open_page, text_of, ui

pytestmark = pytest.mark.app

N_SLIDES = 8  # intro, three headline indicators, money, measures, changes, questions


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


# --- The QR code, the last slide and auto-advance (issue 26) -------------------------------------

PUBLIC = "https://omradesatsing.example.no"


def bare(text: str) -> str:
    """Markdown as read: ``ui.plain``'s escapes and word joiners (no auto-links) taken out."""
    return text.replace("\\", "").replace("\u2060", "")


def qr_images(at) -> list[str]:
    """The QR codes' <img> elements (their alt text names the address)."""
    return [h.proto.body for h in at.html if "data:image/svg+xml" in h.proto.body]


def test_slide_keys_end_with_the_questions_and_auto_accepts_five_seconds_to_ten_minutes():
    from omradesatsing import slides

    keys = slides.slide_keys(["a", "b"])
    assert keys == ["intro", "indicator:a", "indicator:b", "money", "measures", "changes", slides.QUESTIONS]
    assert [slides.auto_seconds(v) for v in ("5", "20", " 600 ", "600")] == [5, 20, 600, 600]
    for bad in (None, "", "4", "0", "601", "9999", "-5", "+5", "2.5", "abc", "٣", "20s", "5" * 30):
        assert slides.auto_seconds(bad) is None, bad


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
def test_every_slide_has_a_qr_code_to_the_phone_page_of_its_area_and_language(monkeypatch, lang):
    monkeypatch.setenv("OMRADESATSING_PUBLIC_URL", PUBLIC)
    at = open_page("presentasjon", lang=lang)
    for number in range(1, N_SLIDES):
        go(at, number)
        [img] = qr_images(at)
        label = ui("presentation.qr_label", lang).format(place=ui("presentation.questions_all_place", lang),
                                                         url=f"{PUBLIC}/telefon/alle-{lang}.html")
        assert f'alt="{label}"' in img, number
    choose(at, "olsvik")
    go(at, 3)
    [img] = qr_images(at)
    assert f"{PUBLIC}/telefon/olsvik-{lang}.html" in img
    assert ui("reports.qr_missing", lang).split(":")[0] not in text_of(at)


def test_the_last_slide_has_the_large_qr_code_the_contact_and_where_to_find_more(monkeypatch):
    from omradesatsing import read

    monkeypatch.setenv("OMRADESATSING_PUBLIC_URL", PUBLIC)
    at = choose(go(open_page("presentasjon"), N_SLIDES), "olsvik")
    assert at.title[0].value == ui("presentation.questions_title")
    [img] = qr_images(at)  # the large one only, not the corner's as well
    assert f"{PUBLIC}/telefon/olsvik-nb.html" in img
    body = bare(text_of(at))
    contact = read.places.contacts(store(), "olsvik").iloc[0]
    assert contact.office in body and contact.email in body and contact.opening_hours in body
    assert contact.role in body  # the role, never a person's name (the table has none)
    assert "omradesatsing.example.no/telefon/olsvik-nb.html" in body  # the address in words
    assert "omradesatsing.example.no/omrade?omrade=olsvik&lang=nb" in body  # the live page
    assert ui("common.illustrative") in body  # the contact details are examples
    assert at.button(key="next").disabled
    # all areas: every office in work, the programme's phone page
    choose(at, "_alle")
    body = text_of(at)
    for slug in ("loddefjord", "olsvik", "solheim", "slettebakken"):
        assert read.places.contacts(store(), slug).iloc[0].office in body
    assert f"{PUBLIC}/telefon/alle-nb.html" in qr_images(at)[0]
    # an ended area without an office says so instead of naming none
    choose(at, "ytre-arna")
    assert ui("presentation.questions_no_contact").format(place="Ytre Arna") in text_of(at)


@pytest.mark.parametrize("url", [None, "http://localhost:8501"])
def test_without_a_public_address_there_is_no_qr_code_and_the_operator_is_told(monkeypatch, url):
    if url:
        monkeypatch.setenv("OMRADESATSING_PUBLIC_URL", url)
    else:
        monkeypatch.delenv("OMRADESATSING_PUBLIC_URL", raising=False)
    at = open_page("presentasjon")
    for number in (1, N_SLIDES):
        go(at, number)
        assert qr_images(at) == []
        assert ui("reports.qr_missing").format(variable="OMRADESATSING_PUBLIC_URL") in bare(text_of(at))
        assert "localhost" not in text_of(at)
    assert ui("presentation.questions_more").format(place=ui("presentation.questions_all_place")) in text_of(at)


def test_the_meeting_pack_buttons_are_in_the_operators_bar():
    at = open_page("presentasjon")
    keys = {b.key for b in at.get("download_button")}
    assert {"presentasjon_pdf", "presentasjon_pptx"} <= keys


def auto_elements(at) -> list[str]:
    return [h.proto.body for h in at.html if "<div data-omr-auto" in h.proto.body]


@pytest.mark.parametrize(("raw", "seconds"), [("20", 20), ("5", 5), ("600", 600), ("4", None), ("601", None),
                                              ("abc", None), ("", None)])
def test_auto_param_draws_the_interval_for_the_page_script_or_is_dropped(raw, seconds):
    at = open_page("presentasjon")
    at.query_params["auto"] = raw
    at.run()
    assert_clean(at)
    if seconds is None:
        assert auto_elements(at) == [] and "auto" not in at.query_params
        return
    [el] = auto_elements(at)
    assert f'data-omr-auto="{seconds}"' in el and ui("presentation.auto_paused") in el
    assert ui("presentation.auto_running").format(seconds=seconds) in text_of(at)
    step(at, "next")
    assert at.query_params["auto"] == str(seconds)  # kept while the slides change
    go(at, N_SLIDES)
    assert auto_elements(at) == []  # the last slide: nothing more to advance to
