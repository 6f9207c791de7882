"""AppTest fixtures: every page runs through app.py against one seeded SQLite store."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from components import data
from components.i18n import catalogue

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
PAGES = ("oversikt", "kart", "indikatorer", "investeringer", "delprogrammer", "omrade", "presentasjon", "om_dataene",
         "dine_tiltak", "admin")


@pytest.fixture(autouse=True)
def _store(seeded_sqlite_url, monkeypatch):
    """The seeded store, and fresh settings and caches: the app resolves its settings once per process
    (``components.data.settings``), and a test may run under other settings (its own store, a
    suppression threshold) set before its first run."""
    monkeypatch.setenv("DATABASE_URL", seeded_sqlite_url)
    reset_app()
    yield
    reset_app()


@pytest.fixture
def own_store(tmp_path, monkeypatch):
    """A copy of the seeded store for a test that writes (an import), as the engine the app uses."""
    import os
    import shutil

    from omradesatsing import db

    store = tmp_path / "store.db"
    shutil.copy(os.environ["DATABASE_URL"].removeprefix("sqlite:///"), store)
    url = f"sqlite:///{store}"
    monkeypatch.setenv("DATABASE_URL", url)
    engine = db.make_engine(url)
    yield engine
    engine.dispose()


def reset_app() -> None:
    """Forget the app's settings, store and cached reads, as a restart would."""
    data.reset()


@pytest.fixture(autouse=True)
def _navigation_mode(monkeypatch):
    """Run as a server does after its first session: in ``st.navigation`` mode.

    AppTest resets ``PagesManager.uses_pages_directory`` before every run, so each run would
    start in legacy ``pages/`` mode; the served entry (asgi_app.py) sets the same flag before its
    first session. A deep link on a freshly started server is tested in Chromium (tests/e2e).
    """
    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)


def open_page(page: str = "oversikt", *, lang: str | None = None, session: dict | None = None) -> AppTest:
    """Run app.py, pick the language in the sidebar, then follow the menu to ``pages/<page>.py``.

    (AppTest drops the URL query on a page switch, so URL deep links are tested in Chromium.)
    """
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in (session or {}).items():
        at.session_state[key] = value
    at.run()
    if lang:
        at.radio(key="lang").set_value(lang).run()
    if page != "oversikt":
        at.switch_page(f"pages/{page}.py").run()
    return at


def assert_clean(at: AppTest) -> None:
    """No exception element and no error box (app.py turns failures into st.error)."""
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def text_of(at: AppTest) -> str:
    """All markdown, captions, titles, headers and metric labels of a run, as one string."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning"):
        parts += [str(el.value) for el in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    return "\n".join(parts)


def ui(key: str, lang: str = "nb") -> str:
    return catalogue(lang)[key]


def shown_table(at: AppTest, i: int = 0):
    """The ``i``-th HTML table (``ui.text_table``) as its reader sees it: ``ui.plain``'s markdown escapes
    and word joiners taken out of every cell, header and row label."""
    import re

    def text(value):
        return re.sub(r"\\(.)", r"\1", str(value)).replace("\u2060", "")

    df = at.table[i].value.copy()
    df = df.map(text)
    df.columns = [text(c) for c in df.columns]
    df.index = [text(x) for x in df.index]
    return df


def _unescaped(value) -> str:
    import re

    return re.sub(r"\\(.)", r"\1", str(value)).replace("\u2060", "")


def key_figures(at: AppTest) -> dict[str, dict[str, str]]:
    """Område's key figures as a reader sees them: the indicator's name → its value, the judgement in
    words and Bergen's value (``**name**  \\n value · words · Bergen: city``)."""
    import re

    out = {}
    for el in at.markdown:
        m = re.fullmatch(r"\*\*(.+?)\*\*  \n(.+?) · (.+?) · Bergen: (.+)", str(el.value), re.S)
        if m:
            out[_unescaped(m[1])] = {"value": m[2], "words": m[3], "city": m[4]}
    return out
