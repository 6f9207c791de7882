"""Dine tiltak in AppTest: the login for viewers and visitors, an editor's own measures with the stale
ones first (bokmål and nynorsk), *Oppdater* opening the forms in the measure's card, a save that changes
the status and confirms it in the card, and another editor's newer change shown there."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from streamlit.testing.v1.element_tree import Block

from omradesatsing import commands, db, read
from omradesatsing.permissions import Actor
from omradesatsing.read import Store
from tests.app.conftest import assert_clean, open_page, text_of, ui

pytestmark = pytest.mark.app

EDITOR = Actor("kari", "editor", "Kari Nordmann", frozenset({"olsvik"}))
SOLHEIM_EDITOR = Actor("siv", "editor", "Siv Berg", frozenset({"solheim"}))


def _expected(who: Actor):
    store = Store.of(db.make_engine(os.environ["DATABASE_URL"]))
    return read.programme.worklist(store, who, dt.date.today())


def _card(at, mid: int) -> Block:
    """The card (bordered container) of measure ``mid``."""
    def walk(node):
        if isinstance(node, Block):
            if str(getattr(node.proto, "id", "")).endswith(f"-worklist_card_{mid}"):
                return node
            for child in node.children.values():
                found = walk(child)
                if found is not None:
                    return found
        return None

    found = walk(at.main)
    assert found is not None, f"no card for measure {mid}"
    return found


def _cards(at) -> list[int]:
    return [int(b.key.rsplit("_", 1)[1]) for b in at.button
            if b.key and (b.key.startswith("worklist_update_") or b.key.startswith("worklist_close_"))]


@pytest.mark.parametrize("who", [None, Actor("vera", "viewer", "Vera")])
def test_visitors_and_viewers_see_the_login(who):
    at = open_page("dine_tiltak", session={"actor": who} if who else None)
    assert not at.exception
    assert at.title[0].value == ui("login.title")
    if who is None:
        assert len(at.text_input) == 2  # username and password
    else:
        assert [e.value for e in at.error] == [ui("login.no_access")]
    assert not [b for b in at.button if b.key and b.key.startswith("worklist_")]


@pytest.mark.parametrize("lang", ["nb", "nn"])
def test_an_editor_sees_only_their_areas_measures_with_the_stale_ones_first(lang):
    at = open_page("dine_tiltak", lang=lang, session={"actor": EDITOR})
    assert_clean(at)
    assert at.title[0].value == ui("worklist.title", lang)
    expected = _expected(EDITOR)
    assert len(expected) and expected["stale"].any() and not expected["stale"].all()  # the seed has both
    assert all("olsvik" in slugs for slugs in expected["area_slugs"])
    assert _cards(at) == [int(i) for i in expected["id"]]  # the editor's measures, stale ones first
    stale = int(expected["stale"].sum())
    body = text_of(at)
    tertial = ui("programme.tertial", lang).format(n=(dt.date.today().month - 1) // 4 + 1, year=dt.date.today().year)
    assert ui("worklist.count", lang).format(n=stale, tertial=tertial) in body
    first = int(expected.iloc[0]["id"])
    card_text = " ".join(m.value for m in _card(at, first).markdown)
    assert f"⚠ {ui('worklist.needs', lang)}" in card_text and expected.iloc[0]["name"] in card_text
    last = int(expected.iloc[-1]["id"])
    assert ui("worklist.needs", lang) not in " ".join(m.value for m in _card(at, last).markdown)
    # another area's editor gets another list
    other = open_page("dine_tiltak", lang=lang, session={"actor": SOLHEIM_EDITOR})
    assert _cards(other) == [int(i) for i in _expected(SOLHEIM_EDITOR)["id"]] != _cards(at)


def test_update_opens_the_form_in_the_card_and_saving_confirms_it_there(own_store):
    at = open_page("dine_tiltak", session={"actor": EDITOR})
    expected = _expected(EDITOR)
    assert expected["stale"].sum() >= 2 and expected.iloc[0]["stale"]  # another stale one comes first after it
    first = expected.iloc[0]
    mid = int(first["id"])
    assert not at.get("form")  # no form until asked for
    at.button(key=f"worklist_update_{mid}").click().run()
    assert_clean(at)
    card = _card(at, mid)
    assert [r.key for r in card.radio] == [f"sf_status_{mid}"]  # the status: one click, in the card
    assert len(at.get("form")) == 2  # status and milestone, both in this card only
    assert len(card.get("form")) == 2
    new = "on_track" if first["status"] != "on_track" else "at_risk"
    at.radio(key=f"sf_status_{mid}").set_value(new)
    at.text_area(key=f"sf_comment_{mid}").set_value("Ny status fra Dine tiltak.")
    at.button(key=f"FormSubmitter:status_form_{mid}-{ui('programme.save_status')}").click().run()
    assert_clean(at)
    now = read.programme.measures(Store.of(own_store)).set_index("id").loc[mid]
    assert now["status"] == new and not now["stale"]
    assert read.programme.status_history(Store.of(own_store), mid).iloc[0]["comment"] == "Ny status fra Dine tiltak."
    saved = ui("programme.saved").format(name=first["name"])
    assert [s.value for s in _card(at, mid).success] == [saved]  # the confirmation is in the card ...
    assert [s.value for s in at.success] == [saved]  # ... and nowhere else
    assert _cards(at)[0] == mid  # the card stays where it was while it is open
    card = _card(at, mid)
    assert [a.value for a in card.text_area] == [""]  # a fresh form: the comment is not stored twice
    assert [r.value for r in card.radio] == [new]  # showing the status as saved
    assert ui("worklist.needs") not in " ".join(m.value for m in _card(at, mid).markdown)
    assert ui("status." + new) in " ".join(m.value for m in _card(at, mid).markdown)
    at.button(key=f"worklist_close_{mid}").click().run()
    assert_clean(at)
    assert not at.get("form")
    assert _cards(at)[0] != mid  # closed: now among the measures already updated
    assert mid in _cards(at)


def test_another_editors_newer_change_is_shown_in_the_card(own_store):
    at = open_page("dine_tiltak", session={"actor": EDITOR})
    first = _expected(EDITOR).iloc[0]
    mid = int(first["id"])
    at.button(key=f"worklist_update_{mid}").click().run()  # the form is open at this version
    other = Actor("per", "editor", "Per Hansen", frozenset({"olsvik"}))
    commands.update_measure_status(own_store, other, mid, status="completed", progress=100,
                                   comment="Sluttrapport levert.", expected_version=int(first["version"]))
    at.radio(key=f"sf_status_{mid}").set_value("at_risk")
    at.text_area(key=f"sf_comment_{mid}").set_value("Mangler data.")
    at.button(key=f"FormSubmitter:status_form_{mid}-{ui('programme.save_status')}").click().run()
    assert not at.exception
    shown = " ".join(e.value for e in _card(at, mid).error)
    assert "Per Hansen" in shown and "Sluttrapport levert" in shown and "Ikke lagret" in shown
    assert read.programme.measures(Store.of(own_store)).set_index("id").loc[mid, "status"] == "completed"


def test_signing_in_on_the_login_entry_shows_the_worklist_at_once(own_store):
    from omradesatsing import auth

    auth.create_user(own_store, "ola", "et langt passord", role="editor", display_name="Ola",
                     area_slugs=("olsvik",))
    at = open_page("dine_tiltak")
    assert at.title[0].value == ui("login.title")
    at.text_input[0].set_value("ola")
    at.text_input[1].set_value("et langt passord")
    at.button(key=f"FormSubmitter:login-{ui('login.submit')}").click().run()
    assert_clean(at)
    assert at.title[0].value == ui("worklist.title")
    assert ui("login.signed_in_as").format(name="Ola", role=ui("roles.editor")) in text_of(at)
    assert _cards(at) == [int(i) for i in _expected(Actor("ola", "editor", "Ola", frozenset({"olsvik"})))["id"]]


def test_single_sign_on_on_the_login_entry_and_an_sso_editors_worklist():
    from streamlit.testing.v1 import AppTest

    from tests.app.conftest import APP
    from tests.app.test_sso import AUTH

    def page(user: dict) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=120)
        at.secrets["auth"] = AUTH
        at.user = user
        at.run()
        at.switch_page("pages/dine_tiltak.py").run()
        return at

    at = page({"is_logged_in": False})
    assert at.title[0].value == ui("login.title")
    assert ui("login.sso") in [b.label for b in at.button]  # as under Admin
    at = page({"is_logged_in": True, "sub": "kari@example.no", "name": "Kari Nordmann",
               "groups": ["editors", "omrade:olsvik"]})
    assert_clean(at)
    assert at.title[0].value == ui("worklist.title")
    assert _cards(at) == [int(i) for i in _expected(EDITOR)["id"]]
