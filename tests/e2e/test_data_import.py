"""Admin → «Importer data» in real Chromium, in bokmål and nynorsk: an admin signs in, uploads a
Norwegian CSV (Windows-1252, semicolons, decimal comma), is told to fill in the source, fills it,
sees the preview (1 new, 1 changed, the example figures it replaces), imports the file, finds it in
the import log and undoes it. The served store is checked after each step: the preview writes
nothing, the import replaces every example figure of the indicator, the undo brings them back.
No console error or page exception happens on the way. An editor sees the section and the log, but
no undo.
"""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from omradesatsing import auth, db
from omradesatsing.importers import run
from omradesatsing.models import ImportLog, Indicator, IndicatorValue
from omradesatsing.permissions import Actor
from tests.e2e.conftest import ERRORS, AppServer, open_url, screenshot, ui, wait_for_app_run

pytestmark = pytest.mark.e2e

PASSWORD = "et langt passord"
FILE_NAME = "ledighet-2023.csv"
CSV = ("indikator;nivå;sted;periode;verdi;teller;nevner\r\n"
       "unemployment;levekårssone;Loddefjord;2023;3,8;42;1105\r\n"
       "unemployment;;4601;2023;2,1;3912;186286\r\n").encode("cp1252")
SOURCE = {"source_title": "Registrert ledighet etter levekårssone", "source_publisher": "NAV Vestland",
          "source_licence": "NLOD 2.0", "source_url": "intern"}
WORD_JOINER = "\u2060"  # components.ui.WORD_JOINER: plain() may put it into file names (invisible)


def _store(store_file, tmp_path, *, imported: bool = False):
    """A copy of the seeded store with an admin (ola) and an editor for Loddefjord (kari); with
    ``imported`` the admin has already imported the CSV through the core."""
    store = tmp_path / "store.db"
    shutil.copy(store_file, store)
    engine = db.make_engine(f"sqlite:///{store}")
    try:
        auth.create_user(engine, "ola", PASSWORD, role="admin", display_name="Ola Admin")
        auth.create_user(engine, "kari", PASSWORD, role="editor", display_name="Kari Redaktør",
                         area_slugs=("loddefjord",))
        if imported:
            run.import_file(engine, Actor("ola", "admin", "Ola Admin"), CSV, FILE_NAME,
                            source=run.SourceInfo(title=SOURCE["source_title"], publisher=SOURCE["source_publisher"],
                                                  licence=SOURCE["source_licence"], url=SOURCE["source_url"]))
    finally:
        engine.dispose()
    return store


def _served_state(server: AppServer) -> dict:
    """What the server's own copy of the store holds: import log rows (and how many are undone) and
    the `unemployment` values, example (illustrative) and real."""
    engine = db.make_engine(f"sqlite:///{server.dir / 'store.db'}")
    try:
        with engine.connect() as conn:
            def values(illustrative: bool) -> int:
                return conn.scalar(select(func.count()).select_from(IndicatorValue)
                                   .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
                                   .where(Indicator.key == "unemployment",
                                          IndicatorValue.illustrative.is_(illustrative)))
            return {"imports": conn.scalar(select(func.count()).select_from(ImportLog)),
                    "undone": conn.scalar(select(func.count()).select_from(ImportLog)
                                          .where(ImportLog.undone_at.is_not(None))),
                    "examples": values(True), "real": values(False)}
    finally:
        engine.dispose()


def _watch(page) -> list[str]:
    """Console errors and uncaught page exceptions, as they happen."""
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(f"pageerror: {exc}"))
    return problems


def _sign_in(page, server: AppServer, username: str, lang: str) -> None:
    open_url(page, f"{server.url}/admin?lang={lang}")
    page.get_by_label(ui("login.username", lang)).fill(username)
    page.get_by_label(ui("login.password", lang), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=ui("login.submit", lang)).click()
    wait_for_app_run(page)
    heading = page.get_by_role("heading", name=ui("data_import.heading", lang), exact=True)
    heading.scroll_into_view_if_needed()
    expect(heading).to_be_visible()


def _shown(locator) -> str:
    """An element's text as a reader sees it (word joiners left out, spaces collapsed)."""
    return " ".join(locator.inner_text().replace(WORD_JOINER, "").split())


def _metric(page, label: str):
    """The value of the metric labelled exactly ``label`` («Endret» is also inside «Uendret»)."""
    return (page.get_by_test_id("stMetric")
            .filter(has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True))
            .get_by_test_id("stMetricValue"))


def _log_cell(page, text: str):
    """A cell of a table by its text. A table is drawn on a canvas: its cells are in the canvas's
    accessible fallback table, which the browser does not render (hence ``include_hidden``); only the
    columns in view are there."""
    return page.get_by_role("gridcell", name=text, exact=True, include_hidden=True)


def _to_top(page, locator) -> None:
    """Scroll ``locator`` to the top of the view (for a screenshot that starts there); Streamlit
    scrolls inside its main section, which ``scrollIntoView`` follows."""
    locator.scroll_into_view_if_needed()
    locator.evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(300)


def _no_errors_shown(page) -> None:
    expect(page.locator(ERRORS)).to_have_count(0)


@pytest.mark.parametrize("lang", ["nb", "nn"])
def test_admin_imports_a_norwegian_csv_and_undoes_it(store_file, tmp_path, browser, lang):
    server = AppServer(_store(store_file, tmp_path))
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="nb-NO")
    page = context.new_page()
    page.set_default_timeout(60_000)
    problems = _watch(page)
    try:
        before = _served_state(server)
        assert before["imports"] == 0 and before["examples"] > 0, before

        # 1. signed in as admin, the section is there, with an empty log
        _sign_in(page, server, "ola", lang)
        expect(page.get_by_text(ui("data_import.log_empty", lang), exact=True)).to_be_visible()

        # 2. the CSV into this section's uploader (the zone import above has one too)
        uploader = page.get_by_test_id("stFileUploader").filter(has_text=ui("data_import.file", lang))
        expect(uploader).to_have_count(1)
        uploader.locator("input[type='file']").set_input_files(
            {"name": FILE_NAME, "mimeType": "text/csv", "buffer": CSV})
        wait_for_app_run(page)

        # 3. the file is fine: the page asks for the source (an info, not a refusal) and already
        #    shows the preview; no import button yet
        info = page.get_by_test_id("stAlertContentInfo").filter(has_text=ui("data_import.source_missing", lang))
        expect(info).to_be_visible()
        expect(page.get_by_role("heading", name=ui("data_import.preview_heading", lang))).to_be_visible()
        expect(page.get_by_role("button", name=ui("data_import.button", lang), exact=True)).to_have_count(0)
        _no_errors_shown(page)
        assert _served_state(server) == before  # the preview writes nothing

        for key, value in SOURCE.items():
            box = page.get_by_label(ui(f"data_import.{key}", lang), exact=True)
            box.scroll_into_view_if_needed()
            box.fill(value)
            box.press("Enter")  # a text input commits on Enter (or blur), then the page reruns
            wait_for_app_run(page)
        expect(info).to_have_count(0)
        preview = page.get_by_role("heading", name=ui("data_import.preview_heading", lang))
        expect(preview).to_be_visible()
        expect(_metric(page, ui("data_import.count_added", lang))).to_have_text("1")
        expect(_metric(page, ui("data_import.count_changed", lang))).to_have_text("1")
        expect(_metric(page, ui("data_import.count_unchanged", lang))).to_have_text("0")
        expect(_metric(page, ui("data_import.count_refused", lang))).to_have_text("0")
        expect(_metric(page, ui("data_import.count_removed", lang))).to_have_text(str(before["examples"] - 1))
        expect(page.get_by_text(ui("data_import.replaced_examples", lang).format(n=1))).to_be_visible()
        _no_errors_shown(page)
        assert _served_state(server) == before

        _to_top(page, preview)
        wide = screenshot(page, f"admin-data-import-preview-{lang}-1280x720")
        page.set_viewport_size({"width": 390, "height": 844})
        page.wait_for_timeout(600)  # the columns stack
        _to_top(page, preview)
        narrow = screenshot(page, f"admin-data-import-preview-{lang}-390x844")
        # on a phone the page does not scroll sideways (a wide table scrolls inside itself)
        assert page.locator("[data-testid='stMain']").evaluate("m => m.scrollWidth - m.clientWidth") <= 1
        page.set_viewport_size({"width": 1280, "height": 720})
        page.wait_for_timeout(600)
        assert wide.is_file() and narrow.is_file()

        # 4. import: the message names the file and the counts; the uploader is emptied
        button = page.get_by_role("button", name=ui("data_import.button", lang), exact=True)
        button.scroll_into_view_if_needed()
        button.click()
        wait_for_app_run(page)
        done = page.get_by_test_id("stAlertContentSuccess").filter(has_text=FILE_NAME.split(".")[0])
        expect(done).to_be_visible()
        assert _shown(done.get_by_test_id("stMarkdownContainer")) == ui("data_import.done", lang).format(
            no=1, added=1, changed=1, removed=before["examples"] - 1, file=FILE_NAME)
        expect(page.get_by_role("heading", name=ui("data_import.preview_heading", lang))).to_have_count(0)
        _no_errors_shown(page)
        after = _served_state(server)
        assert after["imports"] == 1 and after["undone"] == 0
        assert after["examples"] == 0, after  # every example figure of the indicator is replaced
        assert after["real"] == before["real"] + 2, after  # the replaced city figure and the new zone figure

        # 5. the log lists the import; undo it
        log = page.get_by_role("heading", name=ui("data_import.log_heading", lang), exact=True)
        log.scroll_into_view_if_needed()
        expect(page.get_by_text(ui("data_import.log_empty", lang), exact=True)).to_have_count(0)
        expect(_log_cell(page, FILE_NAME)).to_have_count(1)
        pick = page.get_by_label(ui("data_import.undo_pick", lang))
        expect(pick).to_have_value(ui("data_import.undo_option", lang).format(
            no=1, file=FILE_NAME, kind=ui("data_import.kind_indicators", lang).lower()))
        undo = page.get_by_role("button", name=ui("data_import.undo_button", lang), exact=True)
        undo.scroll_into_view_if_needed()
        undo.click()
        wait_for_app_run(page)
        undone = page.get_by_test_id("stAlertContentSuccess").filter(
            has_text=ui("data_import.undone", lang).split("{")[0].strip())
        expect(undone).to_be_visible()
        assert _shown(undone.get_by_test_id("stMarkdownContainer")) == ui("data_import.undone", lang).format(
            no=1, removed=1, restored=before["examples"])
        expect(undo).to_have_count(0)  # nothing left to undo
        _no_errors_shown(page)
        assert _served_state(server) == {**before, "imports": 1, "undone": 1}  # examples back, log kept

        assert problems == [], problems
    finally:
        context.close()
        server.stop()


def test_an_editor_sees_the_import_but_cannot_undo(store_file, tmp_path, browser):
    server = AppServer(_store(store_file, tmp_path, imported=True))
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="nb-NO")
    page = context.new_page()
    page.set_default_timeout(60_000)
    problems = _watch(page)
    try:
        assert _served_state(server)["imports"] == 1
        _sign_in(page, server, "kari", "nb")
        intro = page.get_by_text(ui("data_import.intro_editor").split("(")[0].strip())
        expect(intro).to_contain_text("(loddefjord)")
        expect(page.get_by_test_id("stFileUploader").filter(has_text=ui("data_import.file"))).to_have_count(1)
        expect(page.get_by_role("heading", name=ui("zone_import.heading"))).to_have_count(0)  # admins only
        page.get_by_role("heading", name=ui("data_import.log_heading"), exact=True).scroll_into_view_if_needed()
        expect(_log_cell(page, FILE_NAME)).to_have_count(1)  # the log is shown
        expect(page.get_by_role("button", name=ui("data_import.undo_button"))).to_have_count(0)
        expect(page.get_by_label(ui("data_import.undo_pick"))).to_have_count(0)
        _no_errors_shown(page)
        assert _served_state(server)["undone"] == 0
        assert problems == [], problems
    finally:
        context.close()
        server.stop()
