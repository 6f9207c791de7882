"""Two people at once, in real Chromium (issue 21): a project form remembers the version it was
opened with, so a save over another editor's newer save is refused instead of overwriting it; an
account closed or demoted while signed in can neither save nor open Admin any more."""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect

from omradesatsing import auth, db, read, users
from omradesatsing.models import Investment
from omradesatsing.permissions import Actor
from omradesatsing.read import Store
from tests.e2e.conftest import AppServer, open_url, screenshot, ui, wait_for_app_run

pytestmark = pytest.mark.e2e

PASSWORD = "et langt passord"
ADMIN = Actor("ola", "admin", "Ola")


FRAME = "[data-testid='stDataFrame']"


@pytest.fixture
def store(store_file, tmp_path):
    path = tmp_path / "store.db"
    shutil.copy(store_file, path)
    engine = db.make_engine(f"sqlite:///{path}")
    every_area = tuple(read.places.areas(Store.of(engine))["slug"])
    for name in ("kari", "per"):
        auth.create_user(engine, name, PASSWORD, role="editor", display_name=name.title(), area_slugs=every_area)
    server = AppServer(None, database_url=f"sqlite:///{path}")  # the store the test reads and changes
    yield server, engine
    server.stop()
    engine.dispose()


def _sign_in(browser, server, name: str):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="nb-NO")
    page = context.new_page()
    page.set_default_timeout(60_000)
    open_url(page, f"{server.url}/admin")
    page.get_by_label(ui("login.username")).fill(name)
    page.get_by_label(ui("login.password"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=ui("login.submit")).click()
    wait_for_app_run(page)
    expect(page.get_by_role("heading", name=ui("admin.title"))).to_be_visible()
    return context, page


def _menu(page, name: str) -> None:
    page.get_by_role("link", name=ui(f"nav.{name}")).click()
    wait_for_app_run(page)


def _pick_first_project(page) -> None:
    table = page.locator(FRAME).filter(visible=True).last  # the project list
    table.scroll_into_view_if_needed()
    expect(table).to_be_visible()
    page.wait_for_timeout(500)
    box = table.bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)  # the first row's selection box
    wait_for_app_run(page)


def _name_box(page):
    return page.get_by_role("textbox", name=ui("cols.project"), exact=True)


def _save(page) -> None:
    page.get_by_role("button", name=ui("investments.form_save"), exact=True).first.click()
    wait_for_app_run(page)


def test_a_save_over_another_editors_newer_save_is_refused(browser, store):
    server, engine = store
    first = read.money.investments(Store.of(engine)).iloc[0]
    pid = int(first["id"])
    a_context, a = _sign_in(browser, server, "kari")
    b_context, b = _sign_in(browser, server, "per")
    try:
        for page in (a, b):  # both open the same project's form
            _menu(page, "investeringer")
            _pick_first_project(page)
            expect(_name_box(page)).to_have_value(str(first["name"]))
        _name_box(a).fill("Nytt navn fra Kari")
        _save(a)
        expect(a.get_by_text("Lagret: «Nytt navn fra Kari»", exact=False)).to_be_visible()
        with db.session_scope(engine) as s:  # empty fields stay empty (NULL), not the text "nan"
            row = s.get(Investment, pid)
            assert (row.description, row.photo_before, row.photo_after) == (None, None, None)
        _name_box(b).fill(str(first["name"]) + " (Per)")
        _save(b)  # Per's form was opened before Kari's save
        expect(b.get_by_text("endret av kari", exact=False).first).to_be_visible()
        expect(b.get_by_text("Lagret: «", exact=False)).to_have_count(0)
        screenshot(b, "investeringer-conflict-1280x720")
        assert read.money.investments(Store.of(engine)).set_index("id").loc[pid, "name"] == "Nytt navn fra Kari"
        expect(_name_box(b)).to_have_value(str(first["name"]) + " (Per)")  # what Per typed is kept
        b.get_by_role("button", name=ui("investments.reload")).click()  # load Kari's change, then save again
        wait_for_app_run(b)
        expect(_name_box(b)).to_have_value("Nytt navn fra Kari")
        _name_box(b).fill("Nytt navn fra Per")
        _save(b)
        expect(b.get_by_text("Lagret: «Nytt navn fra Per»", exact=False)).to_be_visible()
        assert read.money.investments(Store.of(engine)).set_index("id").loc[pid, "name"] == "Nytt navn fra Per"
    finally:
        a_context.close()
        b_context.close()


def test_a_closed_or_demoted_account_can_no_longer_save_or_open_admin(browser, store):
    server, engine = store
    admin = Actor("ola", "admin", "Ola")
    before = len(read.money.investments(Store.of(engine)))
    context, page = _sign_in(browser, server, "kari")
    try:
        _menu(page, "investeringer")
        page.get_by_text(ui("investments.form_new")).click()
        _name_box(page).fill("Prosjekt etter stenging")
        users.update_user(engine, admin, "kari", role="editor", area_slugs=("olsvik",), active=False)
        _save(page)
        assert len(read.money.investments(Store.of(engine))) == before  # nothing was saved
        expect(page.get_by_text(ui("login.account_closed"))).to_be_visible()
        expect(page.get_by_text(ui("investments.edit_heading"))).to_have_count(0)  # no forms any more
        _menu(page, "admin")
        expect(page.get_by_role("button", name=ui("login.submit"))).to_be_visible()  # the login form, not Admin
        screenshot(page, "admin-after-account-closed-1280x720")
    finally:
        context.close()
    users.update_user(engine, admin, "kari", role="editor", area_slugs=("olsvik",), active=True)
    context, page = _sign_in(browser, server, "kari")
    try:
        users.update_user(engine, admin, "kari", role="viewer", area_slugs=(), active=True)
        _menu(page, "admin")
        expect(page.get_by_role("heading", name=ui("admin.title"))).to_have_count(0)
        expect(page.get_by_text(ui("login.no_access"))).to_be_visible()
    finally:
        context.close()
