"""The phone pages: the one-pager's HTML (``reports.html``, the same template as the PDF) written as
static, self-contained files, one per area and language and one for the whole programme
(``olsvik-nb.html``, ``alle-nb.html``), in the folder ``OMRADESATSING_PHONE_DIR`` (default
``data/telefon``). The app serves them as plain files at ``/telefon/…`` (``asgi_app.py``), and nginx can
serve the same folder in a shared set-up: no websocket and no script run, so a hundred phones at a
folkemøte cost the server almost nothing.

They are written again after every committed write that can change what they show
(``db.on_commit``: measures, statuses, milestones, money, indicator values, imports), in a background
thread, coalesced: a burst of writes gives one rewrite. Each file is written to a temporary name and
renamed, so a phone never gets half a page.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from pathlib import Path

from omradesatsing import config, read
from omradesatsing.catalogue import LANGS
from omradesatsing.read import Store
from omradesatsing.reports import content, html, qr

log = logging.getLogger(__name__)
DEFAULT_DIR = config.DATA_DIR / "telefon"
# Tables whose rows a phone page shows (directly or through a total); a write to any other table
# (sign-ins, users, the audit log alone) leaves the pages as they are.
SHOWN_TABLES = frozenset({
    "area", "area_zone", "zone", "indicator", "indicator_value", "indicator_target", "source", "measure",
    "measure_area", "status_update", "milestone", "investment", "state_grant", "participation_activity",
    "subprogramme", "pillar", "import_log", "publication", "publication_area", "area_contact",
})


PHONE_DIR_VARIABLE = "OMRADESATSING_PHONE_DIR"


def folder(environ=None) -> Path:
    """The phone pages' folder: the environment, else ``.streamlit/secrets.toml``, else ``data/telefon``."""
    if environ is None:
        environ = os.environ if os.environ.get(PHONE_DIR_VARIABLE) else config._secrets(config.SECRETS_PATH)
    return Path(str(environ.get(PHONE_DIR_VARIABLE) or DEFAULT_DIR))


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def write_all(store: Store, target: Path | None = None) -> list[Path]:
    """Write every phone page (each area and the whole programme, in every language); returns the files."""
    target = target or folder()
    written = []
    slugs = [None, *read.places.areas(store)["slug"]]
    for language in LANGS:
        for slug in slugs:
            page = html.render(content.pack(store, slug, language), phone=True)
            path = target / qr.phone_file_name(slug, language)
            _write(path, page)
            written.append(path)
    return written


class Refresher:
    """Rewrites the pages in one background thread after writes; writes that arrive while it runs
    make it run once more, not once each."""

    def __init__(self, store: Store, target: Path | None = None):
        self.store, self.target = store, target
        self._lock = threading.Lock()
        self._pending = False
        self._thread: threading.Thread | None = None
        self.runs = 0

    def request(self) -> None:
        with self._lock:
            self._pending = True
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name="phone-pages", daemon=False)
                self._thread.start()

    def _loop(self) -> None:
        while True:
            with self._lock:
                if not self._pending:
                    self._thread = None
                    return
                self._pending = False
            try:
                write_all(self.store, self.target)
                self.runs += 1
            except Exception:  # a failed rewrite keeps the previous pages; the next write tries again
                log.exception("Could not write the phone pages")

    def wait(self, timeout: float = 60) -> None:
        """Until the pages written for every write so far are on disk (tests, the command line)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)


_refreshers: dict[str, Refresher] = {}


def keep_current(store: Store, target: Path | None = None) -> Refresher:
    """Rewrite the phone pages after every write to ``store`` that changes what they show, and once
    now if they are missing. One refresher per store and folder in the process."""
    from omradesatsing import db

    key = f"{store.cache_key}|{target or folder()}"
    if key not in _refreshers:
        refresher = _refreshers[key] = Refresher(store, target)

        def changed(engine, tables: set[str]) -> None:
            if engine is store.engine and tables & SHOWN_TABLES:
                refresher.request()

        db.on_commit(changed)
        if not (target or folder()).joinpath(qr.phone_file_name(None, LANGS[0])).exists():
            refresher.request()
    return _refreshers[key]
