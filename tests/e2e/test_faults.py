"""Faults in real Chromium: the PostgreSQL server restarts while the app runs (a clear message,
no traceback, and the app recovers by itself), and a SQLite store that is missing or read-only."""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect

from omradesatsing import auth, db
from omradesatsing.cli import init_db
from tests.e2e.conftest import ERRORS, AppServer, open_url, ui

pytestmark = pytest.mark.e2e

TRACEBACK = "[data-testid='stException']"


@pytest.mark.postgres
def test_postgres_restart_shows_a_message_and_recovers(own_pg_server, page):
    url = own_pg_server.create_database()
    init_db(url)
    server = AppServer(None, database_url=url)
    try:
        open_url(page, server.url + "/delprogrammer")
        expect(page.get_by_role("heading", name=ui("programme.title"), exact=True)).to_be_visible()
        own_pg_server.stop()
        # a view whose data is not cached yet must go to the database
        open_url(page, server.url + "/delprogrammer?tiltak=2")
        expect(page.get_by_text(ui("errors.db_unavailable"))).to_be_visible()
        assert page.locator(TRACEBACK).count() == 0
        assert "Traceback" not in page.content() and "OperationalError" not in page.content()
        own_pg_server.start()
        open_url(page, server.url + "/delprogrammer?tiltak=2")  # the same engine, pool pre-ping
        expect(page.get_by_text(ui("programme.history"), exact=True)).to_be_visible()
        assert page.locator(ERRORS).count() == 0
    finally:
        server.stop()


def test_a_missing_sqlite_store_gives_a_clear_message(tmp_path, page):
    missing = tmp_path / "gone" / "store.db"
    server = AppServer(None, database_url=f"sqlite:///{missing}")
    try:
        open_url(page, server.url + "/")
        expect(page.get_by_text(ui("errors.db_unavailable"))).to_be_visible()
        assert page.locator(TRACEBACK).count() == 0 and "Traceback" not in page.content()
    finally:
        server.stop()


def test_a_read_only_sqlite_store_is_read_and_a_write_gets_a_message(store_file, tmp_path, page):
    store = tmp_path / "store.db"
    shutil.copy(store_file, store)
    auth.create_user(db.make_engine(f"sqlite:///{store}"), "kari", "et langt passord", role="editor")
    # read-only as SQLite sees it (chmod is no test as root, who may write anyway)
    server = AppServer(None, database_url=f"sqlite:///file:{store}?mode=ro&uri=true")
    try:
        open_url(page, server.url + "/indikatorer")
        expect(page.get_by_role("heading", name=ui("indicators.title"), exact=True)).to_be_visible()
        assert page.locator(ERRORS).count() == 0  # reading works
        open_url(page, server.url + "/admin")
        page.get_by_label(ui("login.username")).fill("kari")
        page.get_by_label(ui("login.password"), exact=True).fill("et langt passord")
        page.get_by_role("button", name=ui("login.submit")).click()  # a login writes an audit row
        expect(page.get_by_text(ui("errors.db_read_only"))).to_be_visible()
        assert page.locator(TRACEBACK).count() == 0 and "Traceback" not in page.content()
    finally:
        server.stop()
