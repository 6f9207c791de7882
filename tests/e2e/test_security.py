"""Security in real Chromium: text typed by users (a project's name and description, a status
comment) is shown as text and never runs as HTML or script, on Investeringer, Kart's data and
Delprogrammer; XSRF protection and error details stay as configured."""

from __future__ import annotations

import shutil
import tomllib

import pytest
from playwright.sync_api import expect

from omradesatsing import commands, db, read
from omradesatsing.permissions import Actor
from omradesatsing.read import Store
from tests.e2e.conftest import ROOT, AppServer, open_url

pytestmark = pytest.mark.e2e

ADMIN = Actor("ola", "admin", "Ola")
NASTY = '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2"> **fet** [lenke](http://example.com)'


def test_user_text_is_never_html_or_script(store_file, tmp_path, page):
    store = tmp_path / "store.db"
    shutil.copy(store_file, store)
    engine = db.make_engine(f"sqlite:///{store}")
    pid = commands.save_investment(engine, ADMIN, {
        "name": "Ballbinge " + NASTY[:60], "area_slug": "olsvik", "category": "parks_squares",
        "funding_source": "municipality", "budget_nok": 1_000_000, "spent_nok": 0, "start_year": 2026,
        "end_year": 2026, "status": "planned", "description": NASTY, "lon": "5.25", "lat": "60.37"})
    m = read.programme.measures(Store.of(engine)).iloc[0]
    commands.update_measure_status(engine, ADMIN, int(m["id"]), status="at_risk", progress=10, comment=NASTY,
                                   expected_version=int(m["version"]))
    server = AppServer(store)
    try:
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        open_url(page, f"{server.url}/investeringer?prosjekt={pid}")
        # The project table (a canvas grid) also holds the name in a hidden cell: look at what is shown.
        expect(page.get_by_text("<script>window.__xss = 1</script>", exact=False).filter(visible=True).first
               ).to_be_visible()
        open_url(page, f"{server.url}/delprogrammer?tiltak={int(m['id'])}")
        expect(page.get_by_text("onerror=", exact=False).filter(visible=True).first).to_be_visible()
        page.wait_for_timeout(500)
        assert page.evaluate("window.__xss") is None
        assert page.locator("img[src='x']").count() == 0
        assert page.locator("a[href='http://example.com']").count() == 0
        assert not [u for u in requests if u.endswith("/x") or "example.com" in u]
    finally:
        server.stop()


def test_xsrf_on_and_no_error_details_for_users():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["enableXsrfProtection"] is True
    assert config["client"]["showErrorDetails"] in ("none", "type", False)
