"""Område (AppTest): the key figures in the profile's words, what happens next, measures with the ⚠ mark,
money from the one summary, the small map with its text alternative, participation as a list, the
programme's publications and the local office, each with its source; in bokmål, nynorsk and English."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from components.ui import plain
from omradesatsing import db, formatting as fmt, programme as programme_rules, read
from omradesatsing.read import Store
from tests.app.conftest import assert_clean, key_figures, open_page, text_of, ui


def _store() -> Store:
    return Store.of(db.make_engine(os.environ["DATABASE_URL"]))


def _area(slug: str, lang: str | None = None):
    at = open_page("omrade", lang=lang, session={"omrade": slug})
    assert_clean(at)
    return at


def _headings(at) -> list[str]:
    return [h.value for h in at.header]


def test_key_figures_are_the_headline_indicators_against_bergen_in_the_profiles_words():
    store = _store()
    at = _area("olsvik")
    figures = key_figures(at)
    expected = read.indicators.key_figures(store, "olsvik", "nb")
    assert list(figures) == [plain(n).replace("\\", "") for n in expected["name"]]
    meta = read.indicators.indicators(store).set_index("key")
    headline = [meta.loc[k, "name_nb"] for k in programme_rules.HEADLINE_INDICATORS]
    assert list(figures)[:3] == headline  # the programme's three headline indicators first
    for r in expected.itertuples():
        f = figures[r.name]
        assert f["words"] == ui(f"judgement.{r.judgement}"), (r.name, f)  # as the profile on Indikatorer words it
        assert f["value"] == fmt.value(r.value, r.unit, r.decimals, "nb")
        assert f["city"] == fmt.value(r.city_value, r.unit, r.decimals, "nb")
    # the period and source of the figures, and the example mark
    captions = " ".join(c.value for c in at.caption).replace("\\", "")
    assert "2024" in captions and "Eksempeldata – generert, ikke fakta" in captions
    assert f"**{ui('common.illustrative')}**" in captions


def test_a_suppressed_key_figure_says_prikket(monkeypatch, own_store):
    monkeypatch.setenv("OMRADESATSING_MIN_COUNT", "100000")  # everything with counts is hidden
    at = _area("olsvik")
    figures = key_figures(at)
    assert figures and {f["value"] for f in figures.values()} == {ui("common.suppressed")}
    assert {f["words"] for f in figures.values()} == {ui("judgement.suppressed")}


def test_the_page_reads_in_order_what_matters_first():
    at = _area("olsvik")
    assert _headings(at) == [ui(k) for k in (
        "area.key_figures", "area.next_heading", "area.measures", "area.investments", "area.map_heading",
        "area.participation", "area.publications", "area.contacts", "area.packs")]
    assert [s.value for s in at.subheader] == [ui("area.investments_largest")]  # h3 under Investeringer
    assert not at.dataframe  # lists that wrap on a phone, no wide grid


def test_what_happens_next_lists_the_areas_next_milestones_and_links_to_delprogrammer():
    nxt = read.programme.next_milestones(_store(), "olsvik")
    assert len(nxt) == 3
    at = _area("olsvik")
    body = text_of(at)
    for r in nxt.itertuples():
        when = ui("area.next_overdue" if r.overdue else "area.next_due").format(date=fmt.date(r.due_date, "nb"))
        assert f"{when}**: {plain(r.name)} ({plain(r.measure_name)})" in body, (when, r.name)
    links = [link for link in at.get("page_link") if link.proto.page.endswith("delprogrammer")]
    assert links and "omrader=olsvik" in links[0].proto.query_string
    assert "visning=tidslinje" in links[0].proto.query_string


def test_measures_keep_the_status_and_the_stale_mark():
    rows = read.programme.measures(_store(), "olsvik")
    at = _area("olsvik")
    lines = [x for x in text_of(at).split("\n") if x.startswith("- :")]
    assert len(lines) == len(rows)
    for r in rows.itertuples():
        line = next(x for x in lines if f"**{plain(r.name)}**" in x)
        assert ui(f"status.{r.status}") in line
        assert (f"⚠ {ui('programme.stale_word')}" in line) == bool(r.stale), r.name


def test_investments_are_the_summary_figures_and_the_largest_projects():
    store = _store()
    total = read.money.investment_summary(store, area_slugs=("olsvik",))
    done = read.money.investment_summary(store, area_slugs=("olsvik",), statuses=("completed",))
    largest = read.money.largest_investments(store, "olsvik")
    at = _area("olsvik")
    body = text_of(at)
    assert fmt.million_kroner(total["budget_nok"], 1, "nb") in body
    assert ui("area.investments_done").format(n=done["projects"],
                                              amount=fmt.million_kroner(done["budget_nok"], 1, "nb")) in body
    assert 1 <= len(largest) <= 3
    for r in largest.itertuples():
        assert f"**{plain(r.name)}**: {fmt.million_kroner(r.budget_nok, 1, 'nb')} · " \
               f"{ui('investment_status.' + r.status)}" in body
    assert any(link.proto.page.endswith("investeringer") and "omrader=olsvik" in link.proto.query_string
               for link in at.get("page_link"))


def test_the_small_map_is_an_image_with_a_text_alternative_and_the_stand_in_said():
    at = _area("olsvik")
    img = next(h.proto.body for h in at.html if "omr-area-map" in h.proto.body)
    assert img.startswith("<img") and 'src="data:image/svg+xml;base64,' in img
    assert len(img) < 40_000  # a few kilobytes, not a map bundle
    assert 'alt="Kart over Olsvik, markert blant delområdene rundt. Vist som SSB-delområdet «Loddefjord»' in img
    assert "Offisielle levekårssoner er ikke importert ennå" in text_of(at).replace("\\", "")


def test_participation_is_a_short_list_newest_first():
    part = read.programme.participation(_store(), "olsvik")
    at = _area("olsvik")
    body = text_of(at)
    shown = [x for x in body.split("\n") if x.startswith("- **") and "deltakere" in x]
    assert len(shown) == 5 < len(part)
    dates = [fmt.date(d, "nb") for d in part["date"].head(5)]
    assert [x.split("**")[1] for x in shown] == dates  # newest first
    assert ui("area.participation_more").format(shown=5, total=len(part)) in body


def test_publications_of_the_area_and_the_programme_with_years_and_publisher():
    at = _area("loddefjord")
    body = text_of(at).replace("\\", "")
    # The English title is marked as English (WCAG 3.1.2).
    assert '**<span lang="en">Negotiating obstacles in the making of a parkour site at Leitet</span>**  \n' \
           "Artikkel · 2018 · Community Development Journal" in body
    assert "**Følgeforskning Loddefjord og Olsvik**  \nFølgeforskning · 2022–2026 · NORCE og NOVA · kommer" in body
    assert "Ph.d. · 2021–2024" in body and "Fagbok · 2022" in body
    assert "Områdesatsing: helhetlig innsats i utsatte byområder – presentasjon" in body
    solheim = text_of(_area("solheim"))
    assert "Leitet" not in solheim and "Følgeforskning Loddefjord" not in solheim
    assert "Bergen bygger sosial kapital" in solheim  # programme-wide


def test_the_contact_is_a_role_at_the_local_office_marked_as_example():
    at = _area("olsvik")
    body = text_of(at).replace("\\", "").replace("\u2060", "")
    assert f"**Områdekoordinator**, Nærmiljøkontoret i Olsvik :orange-badge[{ui('common.illustrative')}]" in body
    assert "olsvik@omradesatsing.example" in body and "Tirsdag og torsdag 10–15" in body
    ended = _area("ytre-arna")
    assert ui("area.no_contacts") in text_of(ended)
    assert ui("area.next_none") in text_of(ended)


def test_the_meeting_pack_buttons_are_on_the_page():
    at = _area("olsvik")
    labels = [b.proto.label for b in at.get("download_button")]
    assert ui("reports.download_pdf") in labels and ui("reports.download_pptx") in labels


@pytest.mark.parametrize("lang", ["nn", "en"])
def test_the_page_follows_the_language(lang):
    at = _area("olsvik", lang)
    assert _headings(at)[:3] == [ui(k, lang) for k in ("area.key_figures", "area.next_heading", "area.measures")]
    body = text_of(at)
    assert ui("area.publications", lang) in body and ui("area.kind_research", lang) in body
    words = {ui(f"judgement.{j}", lang) for j in ("worse", "better", "similar", "unknown", "higher", "lower")}
    assert {f["words"] for f in key_figures(at).values()} <= words


def test_next_milestones_default_to_today():
    # the reader's default day is today: a milestone due today is not overdue
    nxt = read.programme.next_milestones(_store(), "olsvik")
    assert all(r.overdue == (r.due_date < dt.date.today()) for r in nxt.itertuples())
