"""One load-test worker process: its own Playwright and one headless Chromium, driving several
browser sessions (contexts) concurrently with the async API. Started by tests/load/test_load.py.

Each session is a fresh context at 1280×720 that opens the app and then, until the deadline,
goes to another page, alternating a direct URL and a click in the sidebar menu, waits for a
complete render (CONNECTED, script `notRunning`, the page's own heading and key element visible),
records the time and every error it sees, and pauses for the think time.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
import traceback
from dataclasses import dataclass, field

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, CONNECTED, DECK, ERRORS, IDLE

CHART = "[data-testid='stVegaLiteChart']"
# url path -> the element that shows the page is there (as in tests/benchmarks: the map, a chart, else
# the page's own heading, which every page has).
PATHS = {"oversikt": "/", "kart": "/kart", "indikatorer": "/indikatorer", "investeringer": "/investeringer",
         "delprogrammer": "/delprogrammer", "omrade": "/omrade", "presentasjon": "/presentasjon",
         "om_dataene": "/om_dataene", "admin": "/admin"}
KEY = {"kart": DECK, "indikatorer": CHART, "investeringer": CHART}
# Streamlit's frontend, opened on a page's address, first looks for the server under that path
# (`/kart/_stcore/health`, `/kart/_stcore/host-config`: 404, logged by Chromium as a console error)
# before it tries `/`. Known and harmless (streamlit/streamlit#7074); counted apart, not as an error.
PROBE_404 = re.compile(r"/[^/?#]+/_stcore/(health|host-config)$")


@dataclass
class Settings:
    base: str
    titles: dict[str, str]  # page -> its h1 (bokmål); Område's is the default area, Admin's the login form
    menu: dict[str, str]  # page -> its name in the menu
    sessions: list[int]  # the global numbers of this worker's sessions
    total_sessions: int
    seconds: float
    stagger: float  # sessions start spread over this many seconds
    think: tuple[float, float]  # pause after each render, uniform between these (seconds)
    timeout_ms: int


@dataclass
class Result:
    worker: int
    renders: list[tuple[str, str, float]] = field(default_factory=list)  # (page, "url"|"menu", seconds)
    errors: list[tuple[int, str, str, str, str]] = field(default_factory=list)  # (session, page, how, kind, message)
    probe_404s: int = 0  # console errors of the kind PROBE_404 describes
    chromium: str = ""
    started: float = 0.0
    finished: float = 0.0


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def _session(number: int, browser, s: Settings, deadline: float, result: Result) -> None:
    await asyncio.sleep(number * s.stagger / max(1, s.total_sessions))
    rng = random.Random(number)
    state = {"page": "oversikt", "how": "url"}
    crashed = False

    def error(kind: str, message: str) -> None:
        result.errors.append((number, state["page"], state["how"], kind, _short(message)))

    def crash(_) -> None:
        nonlocal crashed
        crashed = True
        error("crash", "the page crashed")

    def console(msg) -> None:
        if msg.type != "error":
            return
        where = (msg.location or {}).get("url", "")
        if msg.text.startswith("Failed to load resource: the server responded with a status of 404") and \
                where.startswith(s.base) and PROBE_404.search(where[len(s.base):]):
            result.probe_404s += 1
        else:
            error("console error", f"{msg.text} ({where})" if where else msg.text)

    async def new_page():
        pg = await context.new_page()
        pg.set_default_timeout(s.timeout_ms)
        pg.on("pageerror", lambda exc: error("pageerror", str(exc)))
        pg.on("console", console)
        pg.on("crash", crash)
        pg.on("response", lambda r: error("http", f"{r.status} {r.request.method} {r.url}") if r.status >= 500
              else None)
        return pg

    context = await browser.new_context(viewport={"width": 1280, "height": 720}, locale="nb-NO")
    page = await new_page()
    order: list[str] = []
    names = list(PATHS)
    current = None
    step = 0
    previous_failed = True  # the first step opens the app by its URL
    try:
        while time.time() < deadline:
            if not order:  # every page once per round, in a shuffled order
                order = rng.sample(names, len(names))
                if current is None:  # sessions start on different pages
                    order.remove(names[number % len(names)])
                    order.insert(0, names[number % len(names)])
            name = order.pop(0)
            if name == current:
                order.append(name)
                name = order.pop(0)
            # the presentation has no menu (a projector view): the next page is opened by its URL
            how = "url" if previous_failed or current == "presentasjon" or (step + number) % 2 == 0 else "menu"
            state.update(page=name, how=how)
            errors_before = len(result.errors)
            title = page.locator("h1").filter(has_text=re.compile(rf"^\s*{re.escape(s.titles[name])}\s*$"))
            shown_error = page.locator(ERRORS)
            start = time.perf_counter()

            def left() -> float:  # one time budget (ms) for the whole render
                return max(1, round(s.timeout_ms - 1000 * (time.perf_counter() - start)))

            stage = "navigation"
            try:
                if how == "url":
                    response = await page.goto(s.base + PATHS[name], timeout=left())
                    if response is None or response.status >= 400:
                        error("http", f"{response.status if response else 'no response'} GET {PATHS[name]}")
                else:
                    stage = "the menu link"
                    await page.get_by_test_id("stSidebarNav").get_by_role("link", name=s.menu[name],
                                                                         exact=True).click(timeout=left())
                    stage = "the new address"
                    path = re.escape(PATHS[name].lstrip("/"))
                    await page.wait_for_url(re.compile(rf"^{re.escape(s.base)}/{path}(\?.*)?$"), timeout=left())
                stage = "the page's heading"
                await title.or_(shown_error).first.wait_for(state="visible", timeout=left())
                stage = "CONNECTED"
                await page.locator(CONNECTED).wait_for(state="attached", timeout=left())
                stage = "script notRunning"
                await page.locator(IDLE).wait_for(state="attached", timeout=left())
                stage = "the key element"
                key = page.locator(KEY.get(name, "h1")).or_(shown_error).first
                await key.wait_for(state="visible", timeout=left())
                seconds = time.perf_counter() - start
                shown = await shown_error.all_inner_texts()
                for text in shown:
                    error("error element", text)
                if not shown:
                    result.renders.append((name, how, seconds))
            except Exception as exc:  # noqa: BLE001 - a timeout or a crash is a finding, not the end
                kind = "timeout" if type(exc).__name__ == "TimeoutError" else "exception"
                first_line = str(exc).splitlines()[0] if str(exc) else ""
                error(kind, f"{type(exc).__name__} waiting for {stage}: {first_line} "
                            f"(after {time.perf_counter() - start:.1f} s)")
            if crashed or page.is_closed():  # go on in a new tab of the same session
                crashed = False
                if not page.is_closed():
                    await page.close()
                page = await new_page()
            current = name
            step += 1
            await asyncio.sleep(rng.uniform(*s.think))
            previous_failed = len(result.errors) > errors_before
    finally:
        state.update(page="(closing)", how="-")
        try:
            await context.close()
        except Exception:  # noqa: BLE001
            pass


async def _run(worker: int, s: Settings, barrier) -> Result:
    from playwright.async_api import async_playwright

    result = Result(worker)
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        result.chromium = browser.version
        await asyncio.to_thread(barrier.wait, 300)  # every worker's Chromium is up: start together
        result.started = time.time()
        deadline = result.started + s.seconds
        outcomes = await asyncio.gather(*(_session(n, browser, s, deadline, result) for n in s.sessions),
                                        return_exceptions=True)
        for number, outcome in zip(s.sessions, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                result.errors.append((number, "(session)", "-", "exception", _short(
                    "".join(traceback.format_exception_only(outcome)))))
        result.finished = time.time()
        await browser.close()
    return result


def work(worker: int, settings: Settings, barrier, queue) -> None:
    """The process's entry point: runs the sessions and puts a Result (or the traceback) on the queue."""
    try:
        queue.put(asyncio.run(_run(worker, settings, barrier)))
    except BaseException:  # noqa: BLE001 - the parent reports it
        queue.put((worker, traceback.format_exc()))
