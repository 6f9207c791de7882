"""The served entry point: Streamlit's app (``app.py``) wrapped so the HTML page says which language
it is in (``<html lang="nb">``), from the first byte a screen reader sees.

Streamlit 1.67 always serves ``<html lang="en">`` and has no setting for it (WCAG 3.1.1). This small
ASGI middleware rewrites the attribute in every HTML response, taking the language from the
``?lang=`` in the address (nb by default); a script in the head (components/shell.py) keeps it
right when the language is switched on the page.

It also adds ``<link rel="modulepreload">`` for the bundles of the requested chart page's elements
(Vega-Lite charts, deck.gl on Kart, and the widgets and tables around them). Streamlit loads them
only when the first such element is mounted, after the script has run; preloaded, the browser
fetches and compiles them while the session connects and the script runs (Kart's first render
3.6 → 1.7 s here; docs/PERFORMANCE.md).

It serves Streamlit's frontend files from memory, gzip-compressed once (StaticBundles below), and
puts the frame's style and its screen-reader repairs into the page's head (components/shell.py), so
they are no elements that every rerun sends again.

And it turns Nagle's algorithm off on the server's connections (set_nodelay below), which Streamlit's
own socket set-up missed: every keep-alive request waited ~40 ms for a delayed ACK.

Run with ``streamlit run asgi_app.py`` (``./scripts/run-app`` does). AppTest still runs ``app.py``.
"""

from __future__ import annotations

import asyncio.base_events
import gc
import gzip
import hashlib
import importlib
import json
import mimetypes
import re
import socket
from pathlib import Path
from urllib.parse import parse_qs

import streamlit as st
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from streamlit.runtime.pages_manager import PagesManager

from components import shell
from components.data import store
from components.i18n import LANGS
from omradesatsing.reports import phone, qr

_HTML_LANG = re.compile(rb'<html lang="[^"]*"')


_JS = Path(st.__file__).parent / "static" / "static" / "js"
_IMPORT = re.compile(rb'(?:from|import)\s*\(?\s*"\./([^"]+?\.js)"')
# Entry chunks of Streamlit's lazily loaded elements (their names carry a content hash).
VEGA = ("ArrowVegaLiteChart.", "loadVegaEmbed.", "embed.")
DECK = ("DeckGlJsonChart.", "webgl-device.")  # deck.gl imports its WebGL device when the map mounts


def _closure(prefixes: tuple[str, ...]) -> set[str]:
    """The chunk files starting with ``prefixes`` and every chunk they import."""
    todo = [f.name for f in _JS.glob("*.js") if f.name.startswith(prefixes)]
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen or not (_JS / name).is_file():
            continue
        seen.add(name)
        todo += [m.decode() for m in _IMPORT.findall((_JS / name).read_bytes())]
    return seen


def _links(names: set[str]) -> bytes:
    return "".join(f'<link rel="modulepreload" crossorigin href="./static/js/{n}">' for n in sorted(names)).encode()


_BASE = _closure(("index.",))  # loaded by every page anyway
# The bundles of each chart page's elements (by its URL path): its main element (deck.gl, Vega-Lite) and the
# widgets and tables around it. React shows none of a page's new elements while one is still waiting for
# its bundle (see ELEMENTS below), so the chart waited for the slowest of them. Only on these pages: a
# preloaded bundle competes with Streamlit's own start-up, and on the table-only pages it made the first
# render slower (measured).
_WIDGETS = ("Radio.", "Selectbox.", "DataFrame.", "DownloadButton.")
PAGE_BUNDLES = {"kart": DECK + _WIDGETS + ("ButtonGroup.", "Html."),
                "indikatorer": VEGA + _WIDGETS + ("Multiselect.", "Checkbox.", "Table."),
                "investeringer": VEGA + _WIDGETS + ("Multiselect.", "TextInput.", "Metric."),
                "presentasjon": VEGA}
PRELOAD = {page: _links(_closure(prefixes) - _BASE) for page, prefixes in PAGE_BUNDLES.items()}


def _base_path() -> str:
    """The server's path ("/", or "/<server.baseUrlPath>/")."""
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}/" if base else "/"


def _backend_script() -> bytes:
    """Tell Streamlit's frontend where the server is. Opened on a page's address ("/kart") it otherwise
    first looks for the server under that path ("/kart/_stcore/health": 404) and only then at the
    root, which cost every direct link to a page ~0.3 s (and two console errors, streamlit#7074)."""
    return (f'<script>window.__streamlit = Object.assign(window.__streamlit || {{}}, '
            f'{{BACKEND_BASE_URL: window.location.origin + "{_base_path()}"}});</script>').encode()


# Element types the pages show. Streamlit loads an element's bundle the first time one is shown, and until
# React has evaluated it the element is a grey skeleton; a page's skeletons vanish together, so one late
# bundle held back the whole page: a switch to Delprogrammer drew its skeletons for 160–250 ms after the
# script had finished (574 → 403 ms for the switch with the bundles loaded early; docs/PERFORMANCE.md).
ELEMENTS = ("ArrowVegaLiteChart", "Button", "ButtonGroup", "Checkbox", "DataFrame", "DateInput", "DownloadButton",
            "FileUploader", "Html", "ImageList", "Metric", "Multiselect", "NumberInput", "PageLink", "Progress",
            "Radio", "Selectbox", "Slider", "Table", "TextArea", "TextInput")  # Table: st.table (ui.text_table)
_ENTRIES = sorted(f.name for f in _JS.glob("*.js") if f.name.startswith(tuple(f"{e}." for e in ELEMENTS)))
# Once the first page has rendered and the browser is idle, every element bundle the app uses is imported
# (fetched and evaluated, one per idle moment), so a later page or choice does not wait for one; deck.gl's,
# 3 MB, only fetched and compiled (modulepreload): evaluating it would block a page without a map.
# Markdown with HTML (an English title marked lang="en" on Område) loads rehype-raw when first shown.
RAW_HTML = ("rehype-raw.",)
_LATER = sorted(_closure(VEGA + DECK + RAW_HTML + tuple(f"{e}." for e in ELEMENTS)) - _BASE)
_LATER_SCRIPT = ("""<script>(() => {
  const later = %s, entries = %s;
  const add = () => {
    later.forEach(n => {
      if (document.querySelector(`link[href$="${n}"]`)) return;
      const l = document.createElement('link');
      l.rel = 'modulepreload'; l.crossOrigin = ''; l.href = './static/js/' + n;
      document.head.appendChild(l);
    });
    const idle = window.requestIdleCallback || setTimeout;
    const next = () => { const n = entries.shift(); if (n) import('./static/js/' + n).finally(() => idle(next)); };
    next();
  };
  const ready = '[data-testid="stApp"][data-test-connection-state="CONNECTED"][data-test-script-state="notRunning"]';
  const wait = setInterval(() => {
    if (!document.querySelector(ready)) return;
    clearInterval(wait);
    setTimeout(() => (window.requestIdleCallback || setTimeout)(add, {timeout: 3000}), 300);
  }, 200);
})();</script>""" % (json.dumps(_LATER), json.dumps(_ENTRIES))).encode()  # noqa: UP031 (JavaScript is full of braces)


def preload_for(path: str) -> bytes:
    """The preload links for a page address ("/kart" → deck.gl), and the idle preload of the rest."""
    return PRELOAD.get(path.strip("/").rsplit("/", 1)[-1], b"") + _LATER_SCRIPT


_HEAD = (shell.HEAD_CSS + shell.HEAD_SCRIPT).encode()
shell.HEAD_IN_PAGE = True


def language_of(query_string: bytes) -> str:
    values = parse_qs(query_string.decode("latin-1")).get("lang", [])
    return values[0] if values and values[0] in LANGS else LANGS[0]


class HtmlLangMiddleware:
    """Set ``<html lang>`` in every text/html GET response. Streamlit serves the same index.html
    for "/" and, as the single-page fallback, for page addresses such as "/kart"; those may come
    gzip-compressed from Streamlit's own middleware, which runs inside this one."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "GET":  # websocket, lifespan, HEAD: untouched
            await self.app(scope, receive, send)
            return
        replacement = f'<html lang="{language_of(scope.get("query_string", b""))}"'.encode()
        start = None
        passthrough = False
        chunks: list[bytes] = []

        async def send_wrapper(message):
            nonlocal start, passthrough
            if message["type"] == "http.response.start":
                content_type = MutableHeaders(raw=message["headers"]).get("content-type", "")
                if content_type.startswith("text/html"):
                    start = message  # hold the headers back until the body is complete
                else:
                    passthrough = True
                    await send(message)
                return
            if passthrough or start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            body = b"".join(chunks)
            headers = MutableHeaders(raw=start["headers"])
            if headers.get("content-encoding") == "gzip":
                body = gzip.decompress(body)
                del headers["content-encoding"]
            body = _HTML_LANG.sub(replacement, body, count=1)
            head = _backend_script() + _HEAD + preload_for(scope.get("path", "/"))
            body = body.replace(b"</head>", head + b"</head>", 1)
            headers["content-length"] = str(len(body))
            await send(start)
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, send_wrapper)


class StaticBundles:
    """Serve Streamlit's frontend files (``/static/…``, content-hashed and cached for a year) from
    memory, each gzip-compressed once.

    Streamlit serves them through Starlette's StaticFiles, uncompressed (it leaves compression to a
    reverse proxy): a stat, a worker thread for every 64 KB read and the whole middleware stack, 2–5 ms of
    the event loop per file. A first visit fetches ~130 files, ~0.4 s of the loop, while the session's
    first script run waits for the same GIL. Here a file is read and compressed the first time it is asked
    for (in a worker thread: zlib lets go of the GIL) and then answered with one write. The files shrink to
    about a quarter (the start bundle 2.1 → 0.5 MB, deck.gl 3.3 → 0.9 MB), which matters for a phone at a
    folkemøte. Other paths, range requests and clients without gzip go to Streamlit as before.
    """

    COMPRESSIBLE = (".js", ".css", ".svg", ".json", ".map", ".txt")

    def __init__(self, app) -> None:
        self.app = app
        root = Path(st.__file__).parent / "static"
        self.files = {p.relative_to(root).as_posix(): p for p in (root / "static").rglob("*")
                      if p.is_file() and p.name.endswith(self.COMPRESSIBLE)}
        self.cache: dict[str, tuple[bytes, bytes]] = {}  # path → (gzip body, ETag)
        self.prefix: str | None = None

    async def _compressed(self, name: str) -> tuple[bytes, bytes]:
        entry = self.cache.get(name)
        if entry is None:
            data = await asyncio.to_thread(self.files[name].read_bytes)
            body = await asyncio.to_thread(gzip.compress, data, 6, mtime=0)
            entry = self.cache[name] = (body, f'"{hashlib.md5(body).hexdigest()}"'.encode())
        return entry

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["method"] == "GET":
            if self.prefix is None:
                self.prefix = _base_path()
            path = scope["path"]
            name = path[len(self.prefix):] if path.startswith(self.prefix) else None
            headers = dict(scope["headers"])
            if (name in self.files and b"range" not in headers
                    and b"gzip" in headers.get(b"accept-encoding", b"").lower()):
                body, etag = await self._compressed(name)
                out = [(b"content-type", (mimetypes.guess_type(name)[0] or "application/octet-stream").encode()),
                       (b"content-encoding", b"gzip"), (b"vary", b"Accept-Encoding"), (b"etag", etag),
                       (b"cache-control", b"public, immutable, max-age=31536000")]
                if headers.get(b"if-none-match") == etag:
                    await send({"type": "http.response.start", "status": 304, "headers": out})
                    await send({"type": "http.response.body", "body": b""})
                else:
                    out.append((b"content-length", str(len(body)).encode()))
                    await send({"type": "http.response.start", "status": 200, "headers": out})
                    await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


class PhonePages:
    """Serve the static phone pages (``omradesatsing.reports.phone``) at ``/telefon/<area>-<lang>.html``:
    a plain file read from the folder, gzip-compressed once per version of the file, no session, no
    script run. A hundred phones opening the QR at a folkemøte cost a file read each, not a Streamlit
    session. In a shared set-up nginx can serve the same folder (README, «Meeting packs»)."""

    NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,80}-(?:nb|nn|en)\.html$")

    def __init__(self, app) -> None:
        self.app = app
        self.prefix: str | None = None
        self.cache: dict[str, tuple[float, bytes, bytes]] = {}  # name → (mtime, body, gzip body)

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            if self.prefix is None:
                self.prefix = _base_path() + qr.PHONE_PATH + "/"
            path = scope["path"]
            if path.startswith(self.prefix):
                await self._serve(path[len(self.prefix):], scope, send)
                return
        await self.app(scope, receive, send)

    async def _serve(self, name: str, scope, send) -> None:
        file = phone.folder() / name
        status, body, extra = 404, b"Fant ikke siden.", [(b"content-type", b"text/plain; charset=utf-8")]
        if self.NAME.match(name):
            try:
                mtime = file.stat().st_mtime
            except OSError:
                mtime = None
            if mtime is not None:
                entry = self.cache.get(name)
                if entry is None or entry[0] != mtime:
                    data = await asyncio.to_thread(file.read_bytes)
                    entry = self.cache[name] = (mtime, data, await asyncio.to_thread(gzip.compress, data, 6))
                status, body = 200, entry[1]
                extra = [(b"content-type", b"text/html; charset=utf-8"), (b"cache-control", b"public, max-age=60"),
                         (b"vary", b"Accept-Encoding"), (b"x-content-type-options", b"nosniff")]
                if b"gzip" in dict(scope["headers"]).get(b"accept-encoding", b"").lower():
                    body = entry[2]
                    extra.append((b"content-encoding", b"gzip"))
        extra.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": extra})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})


# Streamlit runs a full garbage collection after every script run (runner.postScriptGC). With the
# libraries a page needs (pandas, Arrow, Altair, pydeck, GeoPandas, Shapely, SQLAlchemy: ~250,000
# objects) that took ~190 ms here, holding the GIL while the server should be sending the finished
# page, so every rerun (a page switch, a filter change) waited for it. These libraries are imported
# once when the server starts and their objects then moved out of the collector's reach
# (gc.freeze); the collection after a run only looks at what the sessions made (docs/PERFORMANCE.md).
_STARTUP_MODULES = ("numpy", "pandas", "pyarrow", "altair", "pydeck", "geopandas", "shapely", "mapclassify",
                    "sqlalchemy", "babel.numbers", "babel.dates", "pymannkendall", "omradesatsing.read",
                    "omradesatsing.commands", "omradesatsing.choropleth", "omradesatsing.geo",
                    "omradesatsing.profiles", "omradesatsing.stats", "omradesatsing.importers.zones")


def freeze_startup_objects() -> None:
    for name in _STARTUP_MODULES:
        importlib.import_module(name)
    gc.collect()
    gc.freeze()


freeze_startup_objects()

# Streamlit binds the listening socket itself, as socket.socket(family): protocol 0. asyncio turns
# Nagle's algorithm off (TCP_NODELAY) only on connections whose socket says IPPROTO_TCP, so every
# connection kept it on: a response or websocket message written while an earlier segment was still
# unacknowledged waited for the browser's delayed ACK, ~40 ms. Every request after the first on a
# keep-alive connection took 44 ms here (curl: 1 ms on a new connection, 42 ms on the next ones), so a
# page's ~150 script files and its deltas trickled in. asyncio's own rule, without the protocol test
# (a stream socket of an internet family is TCP), applies to the connections accepted from now on.
def set_nodelay(sock) -> None:
    if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


asyncio.base_events._set_nodelay = set_nodelay

# The one place of the pages/ workaround. The app uses st.navigation, but Streamlit takes a pages/
# folder next to the entry script for its legacy multipage mode until some run has called
# st.navigation: on a fresh server a deep link (/kart) would run pages/kart.py on its own, without
# app.py's menu, language and login gate, under a menu of file names. Setting the flag before the
# first session makes every run start in app.py, so page scripts need no guard
# (docs/ARKITEKTUR.md, «Why pages are served through asgi_app.py»).
PagesManager.uses_pages_directory = False
# The benchmark's bare app (tests/benchmarks/bare_asgi.py) is served through the same list.
MIDDLEWARE = [Middleware(PhonePages), Middleware(StaticBundles), Middleware(HtmlLangMiddleware)]
# The phone pages are written once if missing and again after every write that changes them.
phone.keep_current(store())
app = st.App("app.py", middleware=MIDDLEWARE)
