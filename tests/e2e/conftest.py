"""Browser tests: `streamlit run asgi_app.py` (the served entry) on a free port, driven by Playwright in Debian's Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).parent / "screenshots"
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
CONNECTED = "[data-testid='stApp'][data-test-connection-state='CONNECTED']"
DECK = "[data-testid='stDeckGlJsonChart']"
ERRORS = "[data-testid='stException'], [data-testid='stAlertContentError']"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def free_port() -> int:
    """A free port; within ``E2E_PORTS`` (e.g. ``8870-8879``) when set, for a machine shared with others."""
    wanted = os.environ.get("E2E_PORTS")
    if wanted:
        lo, hi = (int(x) for x in wanted.split("-"))
        for port in range(lo, hi + 1):
            with socket.socket() as s:
                try:
                    s.bind(("127.0.0.1", port))
                except OSError:
                    continue
                return port
        raise RuntimeError(f"no free port in E2E_PORTS={wanted}")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppServer:
    """One `streamlit run asgi_app.py` process on 127.0.0.1 with its own copy of the seeded store."""

    def __init__(self, store: Path | None, *, port: int | None = None, extra_args: tuple[str, ...] = (),
                 database_url: str | None = None, script: str = "asgi_app.py") -> None:
        """``extra_args`` go to ``streamlit run`` (e.g. ``--secrets.files`` for a server with SSO);
        ``database_url`` serves another store instead of a copy of ``store`` (e.g. PostgreSQL);
        ``script`` is what is served (the benchmark serves a bare app the same way)."""
        self.dir = Path(tempfile.mkdtemp(prefix="e2e-"))
        db = self.dir / "store.db"
        if store is not None:
            shutil.copy(store, db)
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = self.dir / "server.log"
        env = {**os.environ, "DATABASE_URL": database_url or f"sqlite:///{db}", "OMRADESATSING_BASEMAP": "none"}
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(self.port),
                 "--server.address", "127.0.0.1", "--server.headless", "true",
                 "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none", *extra_args],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.read() == b"ok":
                        return
            except OSError:
                time.sleep(0.3)
            if self.proc.poll() is not None:
                break
        self.stop()
        raise RuntimeError(f"streamlit did not start:\n{self.output()}")

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="session")
def store_file(seeded_sqlite_url) -> Path:
    """The seeded SQLite file; each server gets its own copy."""
    return Path(seeded_sqlite_url.removeprefix("sqlite:///"))


@pytest.fixture(scope="session")
def start_server(store_file):
    """Factory: start a fresh server (stopped at the end of the session)."""
    servers: list[AppServer] = []

    def start() -> AppServer:
        server = AppServer(store_file)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def server(start_server) -> AppServer:
    """One server shared by the tests that don't need a fresh one."""
    return start_server()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="nb-NO")
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    yield pg
    context.close()


def finished_runs(page) -> list[str]:
    """Before ``goto``: a list that grows by one entry for each script run the server reports finished
    on the page's websocket ('app' for a full run, 'fragment' for a fragment's run, 'other' for a run
    that stopped or failed). A fast run can start and end between two renders of the frontend, so the
    app's script-state attribute may never show it; the websocket does."""
    from google.protobuf.message import DecodeError
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    kinds = {ForwardMsg.FINISHED_SUCCESSFULLY: "app", ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY: "fragment"}
    runs: list[str] = []

    def frame(payload) -> None:
        if not isinstance(payload, (bytes, bytearray)):
            return
        msg = ForwardMsg()
        try:
            msg.ParseFromString(bytes(payload))
        except DecodeError:
            return
        if msg.WhichOneof("type") == "script_finished":
            runs.append(kinds.get(msg.script_finished, "other"))

    page.on("websocket", lambda ws: ws.on("framereceived", frame))
    return runs


def wait_for_app_run(page, timeout: int = 60_000) -> None:
    page.wait_for_timeout(155)
    page.locator(CONNECTED).wait_for(state="attached", timeout=timeout)
    page.locator(IDLE).wait_for(state="attached", timeout=timeout)
    page.wait_for_timeout(300)  # let charts and the map paint


def open_url(page, url: str) -> None:
    page.goto(url)
    page.get_by_test_id("stAppViewContainer").wait_for(state="attached")
    wait_for_app_run(page)


def screenshot(page, name: str, full_page: bool = False) -> Path:
    """Save a PNG. Streamlit scrolls inside its main section, not the document, so a full-page
    shot temporarily makes the viewport as tall as that section's content."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    if not full_page:
        page.screenshot(path=str(path))
        return path
    size = page.viewport_size
    height = page.locator("[data-testid='stMain']").evaluate("el => el.scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": min(max(height, size["height"]), 8000)})
    page.wait_for_timeout(500)
    page.screenshot(path=str(path))
    page.set_viewport_size(size)
    return path


def painted_map(page, timeout_ms: int = 30_000):
    """Wait until deck.gl has drawn (WebGL in software is slow here): many colours in the element."""
    import io

    from PIL import Image

    waited = 0
    while True:
        decks = page.locator(DECK)
        # After a click the map gets a new key: for a moment the old element is still there.
        if decks.count() != 1 and waited < timeout_ms:
            page.wait_for_timeout(200)
            waited += 200
            continue
        image = Image.open(io.BytesIO(decks.last.screenshot())).convert("RGB")
        colours = len(set(image.resize((120, 100)).get_flattened_data()))
        if colours > 40 or waited >= timeout_ms:
            return image
        page.wait_for_timeout(500)
        waited += 500


CHART = "[data-testid='stVegaLiteChart']"


def ui(key: str, lang: str = "nb") -> str:
    """A user-facing text from the catalogue, so tests follow the wording instead of copying it."""
    from components.i18n import catalogue

    return catalogue(lang)[key]


def drawn_colours(locator) -> int:
    """Distinct colours in an element's screenshot: a blank chart has one or two."""
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(locator.screenshot())).convert("RGB")
    return len(set(image.resize((160, 100)).get_flattened_data()))
