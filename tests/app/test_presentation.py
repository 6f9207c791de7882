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
    assert at.metric[0].value == "1"
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
