"""The readers behind Område (``read.places.publications``, ``read.places.contacts``,
``read.programme.next_milestones``) and what the seed holds for them, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import select

from omradesatsing import db, programme, read
from omradesatsing.models import (
    Area,
    AreaContact,
    Measure,
    MeasureArea,
    Milestone,
    Publication,
    Source,
    Subprogramme,
)
from omradesatsing.read import Store

PRESENTATION = "Områdesatsing: helhetlig innsats i utsatte byområder – presentasjon"


def _store(url: str) -> Store:
    return Store.of(db.make_engine(url))


def test_the_publications_are_the_five_on_the_programmes_slide_with_their_years(seeded_store):
    pubs = read.places.publications(_store(seeded_store))
    assert list(pubs.columns) == ["id", "title", "kind", "year_start", "year_end", "publisher", "note",
                                  "language", "illustrative", "source_title"]
    rows = {r.title: r for r in pubs.itertuples()}
    assert len(rows) == 5
    article = rows["Negotiating obstacles in the making of a parkour site at Leitet"]
    assert (article.kind, article.year_start, article.publisher) == ("article", 2018, "Community Development Journal")
    assert article.language == "en" and set(pubs["language"]) == {"nb", "en"}  # the English title is marked
    assert pd.isna(article.year_end)
    assert (rows["Bergen bygger sosial kapital"].kind, rows["Bergen bygger sosial kapital"].year_start) == ("article", 2017)
    phd = rows["Offentlig sektor ph.d."]
    assert (phd.kind, phd.year_start, phd.year_end) == ("phd", 2021, 2024)
    book = rows["Kollektiv mobilisering – samfunnsarbeid i teori og praksis"]
    assert (book.kind, book.year_start) == ("book", 2022)
    research = rows["Følgeforskning Loddefjord og Olsvik"]
    assert (research.kind, research.year_start, research.year_end, research.publisher, research.note) == (
        "research", 2022, 2026, "NORCE og NOVA", "kommer")
    # Real, from the programme's own presentation; newest first.
    assert not pubs["illustrative"].any() and set(pubs["source_title"]) == {PRESENTATION}
    assert list(pubs["year_start"]) == sorted(pubs["year_start"], reverse=True)


def test_an_areas_publications_are_its_own_and_the_programme_wide_ones(seeded_store):
    store = _store(seeded_store)
    every = set(read.places.publications(store)["title"])
    leitet = "Negotiating obstacles in the making of a parkour site at Leitet"
    research = "Følgeforskning Loddefjord og Olsvik"
    assert set(read.places.publications(store, "loddefjord")["title"]) == every
    assert set(read.places.publications(store, "olsvik")["title"]) == every - {leitet}
    assert set(read.places.publications(store, "solheim")["title"]) == every - {leitet, research}
    assert read.places.publications(store, "no-such-area")["title"].tolist() == \
        read.places.publications(store, "solheim")["title"].tolist()


def test_every_area_with_a_local_office_has_one_contact_and_ended_areas_none(seeded_store):
    store = _store(seeded_store)
    areas = read.places.areas(store).set_index("slug")
    for slug, state in areas["state"].items():
        c = read.places.contacts(store, slug)
        assert list(c.columns) == ["role", "office", "address", "email", "phone", "opening_hours", "illustrative",
                                   "source_title"]
        if state == "ended":
            assert c.empty, slug
            continue
        assert len(c) == 1, slug
        row = c.iloc[0]
        assert row["role"] == "Områdekoordinator"
        assert row["office"].startswith("Nærmiljøkontoret i ") and "(" not in row["office"]
        # invented details are marked, and lead nowhere real
        assert bool(row["illustrative"]) and row["email"].endswith(".example") and row["phone"] is None
        assert row["source_title"] == PRESENTATION
    assert read.places.contacts(store, "olsvik").iloc[0]["office"] == "Nærmiljøkontoret i Olsvik"
    assert read.places.contacts(store, "solheim").iloc[0]["office"] == "Nærmiljøkontoret i Solheim"


def test_the_seed_flags_every_contact_with_invented_details(seeded_store):
    engine = db.make_engine(seeded_store)
    with engine.connect() as conn:
        rows = conn.execute(select(AreaContact.address, AreaContact.email, AreaContact.opening_hours,
                                   AreaContact.illustrative)).all()
        assert rows and all(r.illustrative for r in rows if r.address or r.email or r.opening_hours)
        assert conn.scalar(select(Publication.id).where(Publication.illustrative)) is None


def _programme(url: str) -> tuple[Store, dict[str, int]]:
    engine = db.make_engine(url)
    db.upgrade(engine)
    with db.session_scope(engine) as s:
        src = Source(key="t", title="T", illustrative=False)
        s.add(src)
        s.flush()
        areas = {slug: Area(slug=slug, name=slug.title(), start_year=2019, state="active", source_id=src.id)
                 for slug in ("olsvik", "solheim")}
        s.add_all(areas.values())
        sub = Subprogramme(number=1, name="Sub")
        s.add(sub)
        s.flush()
        real = Measure(subprogramme_id=sub.id, name="Ekte tiltak", status="on_track")
        example = Measure(subprogramme_id=sub.id, name="Eksempeltiltak", status="on_track", status_illustrative=True)
        elsewhere = Measure(subprogramme_id=sub.id, name="I Solheim", status="on_track")
        s.add_all([real, example, elsewhere])
        s.flush()
        s.add_all([MeasureArea(measure_id=real.id, area_id=areas["olsvik"].id),
                   MeasureArea(measure_id=example.id, area_id=areas["olsvik"].id),
                   MeasureArea(measure_id=elsewhere.id, area_id=areas["solheim"].id)])
        ms = {
            "done": Milestone(measure_id=real.id, name="Ferdig", due_date=dt.date(2026, 12, 5),
                              done_date=dt.date(2026, 11, 30)),
            "late": Milestone(measure_id=real.id, name="Forsinket", due_date=dt.date(2026, 10, 1)),
            "soon": Milestone(measure_id=example.id, name="Snart", due_date=dt.date(2026, 12, 10)),
            "later": Milestone(measure_id=real.id, name="Senere", due_date=dt.date(2027, 3, 1)),
            "last": Milestone(measure_id=real.id, name="Sist", due_date=dt.date(2027, 6, 1)),
            "solheim": Milestone(measure_id=elsewhere.id, name="Solheims", due_date=dt.date(2026, 12, 3)),
        }
        s.add_all(ms.values())
        s.flush()
        ids = {k: m.id for k, m in ms.items()}
    return Store.of(engine), ids


def test_next_milestones_are_the_areas_not_done_soonest_first(db_url):
    store, ids = _programme(db_url)
    today = dt.date(2026, 12, 2)
    nxt = read.programme.next_milestones(store, "olsvik", today=today)
    # done and other areas' milestones left out; three, soonest due first; the overdue one first and said so
    assert nxt["id"].tolist() == [ids["late"], ids["soon"], ids["later"]]
    assert nxt["overdue"].tolist() == [True, False, False]
    assert nxt["measure_name"].tolist() == ["Ekte tiltak", "Eksempeltiltak", "Ekte tiltak"]
    assert nxt["due_date"].tolist() == [dt.date(2026, 10, 1), dt.date(2026, 12, 10), dt.date(2027, 3, 1)]
    # a real milestone of an example measure's dates is an example
    assert nxt["illustrative"].tolist() == [False, True, False]
    assert read.programme.next_milestones(store, "olsvik", today=today, n=10)["id"].tolist() == [
        ids["late"], ids["soon"], ids["later"], ids["last"]]
    assert read.programme.next_milestones(store, "solheim", today=today)["id"].tolist() == [ids["solheim"]]
    assert read.programme.next_milestones(store, "nowhere", today=today).empty


def test_key_figures_are_the_headline_indicators_then_certain_differences(seeded_store):
    store = _store(seeded_store)
    for slug in ("olsvik", "ytre-arna", "slettebakken"):
        gaps = read.indicators.area_gaps(store, slug, "nb").set_index("indicator")
        kf = read.indicators.key_figures(store, slug, "nb")
        assert 3 <= len(kf) <= 5
        assert list(kf["indicator"])[:3] == list(programme.HEADLINE_INDICATORS)
        rest = kf.iloc[3:]
        assert set(rest["judgement"]) <= set(read.indicators.CERTAIN_JUDGEMENTS)
        # the same rows as the profile (value, suppression, judgement), not numbers of its own
        for r in kf.itertuples():
            g = gaps.loc[r.indicator]
            assert (r.judgement, r.period, bool(r.suppressed)) == (g["judgement"], g["period"], bool(g["suppressed"]))
            assert r.value == g["value"] or (pd.isna(r.value) and pd.isna(g["value"]))


def test_largest_investments_by_budget(seeded_store):
    store = _store(seeded_store)
    every = read.money.investments(store, "loddefjord")
    top = read.money.largest_investments(store, "loddefjord")
    assert len(top) == min(3, len(every))
    assert list(top["budget_nok"]) == sorted(every["budget_nok"], reverse=True)[:3]


def test_the_area_map_frames_the_area_as_the_map_draws_it(seeded_store):
    store = _store(seeded_store)
    m = read.places.area_map(store, "olsvik")
    assert m["width"] == read.places.MAP_WIDTH and 0 < m["height"] <= m["width"] * read.places.MAP_ASPECT + 0.1
    assert m["area"] and all(p.startswith("M") and p.endswith("Z") for p in m["area"])
    assert len(m["context"]) >= 10  # the delområder around it
    x, y = m["label"]
    assert 0 <= x <= m["width"] and 0 <= y <= m["height"]
    # not imported yet: the stand-in delområde, and the note that says so
    assert m["zone_names"] == ["Loddefjord"] and "tilnærming" in m["note"]
    assert read.places.area_map(store, "no-such-area") is None
