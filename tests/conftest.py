"""Shared fixtures.

* ``db_url``: a fresh, empty database per test, once on SQLite and once on a real, throwaway
  PostgreSQL server started on 127.0.0.1 (``initdb`` + ``pg_ctl`` in a temporary folder, as the
  ``postgres`` OS user when the tests run as root).
  With ``CI`` set, a missing PostgreSQL is a failure, not a skip.
* ``seeded_store``: one migrated and seeded database per backend, shared by read-only tests.
* ``seeded_sqlite_url``: one seeded SQLite file for AppTest and the browser tests.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

import psycopg
import pytest

# The phone pages that servers and commands write go to a folder of this run, never to data/telefon.
os.environ.setdefault("OMRADESATSING_PHONE_DIR", tempfile.mkdtemp(prefix="omr-telefon-"))
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
PG_OS_USER = "postgres"  # postgres refuses to run as root; only used when we are root


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_pg_user(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", PG_OS_USER, "--", *cmd] if os.geteuid() == 0 else cmd


class PgServer:
    """initdb + pg_ctl in a temp directory (not pytest's tmp_path: mode 0700, unreadable for postgres)."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="pgtest-"))
        self.datadir = self.root / "data"
        self.port = _free_port()
        if os.geteuid() == 0:
            shutil.chown(self.root, PG_OS_USER, PG_OS_USER)

    def _run(self, *args: str) -> None:
        subprocess.run(_as_pg_user([str(PG_BIN / args[0]), *args[1:]]), check=True,
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, timeout=120)

    def init(self) -> None:
        self._run("initdb", "-D", str(self.datadir), "-U", "postgres", "-A", "trust",
                  "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")

    def start(self) -> None:
        opts = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
        self._run("pg_ctl", "-D", str(self.datadir), "-l", str(self.root / "server.log"),
                  "-o", opts, "-w", "-t", "60", "start")

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.datadir), "-m", "fast", "-w", "-t", "60", "stop")
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
            pid = self.pid()
            if pid:
                os.kill(pid, signal.SIGINT)  # fast shutdown

    def pid(self) -> int | None:
        try:
            return int((self.datadir / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{dbname}"

    def create_database(self, name: str | None = None) -> str:
        name = name or f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(host="127.0.0.1", port=self.port, user="postgres",
                             dbname="postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def cleanup(self) -> None:
        try:
            if self.pid() is not None:
                self.stop()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def _require_pg() -> None:
    if not (PG_BIN / "pg_ctl").exists():
        message = f"PostgreSQL server binaries not found in {PG_BIN} (apt-get install postgresql)"
        if os.environ.get("CI"):
            pytest.fail(message)  # in CI a missing server is an error, not a skip
        pytest.skip(message)


def _running_server():
    _require_pg()
    server = PgServer()
    try:
        server.init()
        server.start()
        yield server
    finally:
        server.cleanup()


@pytest.fixture(scope="session")
def pg_server():
    yield from _running_server()


@pytest.fixture
def own_pg_server():
    """A dedicated server for a test that stops and starts it."""
    yield from _running_server()


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path):
    """A fresh, empty database per test: SQLite file, or a new database on the session server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    return request.getfixturevalue("pg_server").create_database()


@pytest.fixture(scope="session", params=BACKENDS)
def seeded_store(request, tmp_path_factory):
    """One migrated and seeded store per backend. Tests using it must not write to it."""
    from omradesatsing.cli import init_db

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('seeded') / 'store.db'}"
    else:
        url = request.getfixturevalue("pg_server").create_database()
    init_db(url)
    return url


@pytest.fixture(scope="session")
def seeded_sqlite_url(tmp_path_factory):
    from omradesatsing.cli import init_db

    url = f"sqlite:///{tmp_path_factory.mktemp('app-store') / 'store.db'}"
    init_db(url)
    return url


def pytest_addoption(parser):
    bench = parser.getgroup("benchmark", "performance benchmark (tests/benchmarks, opt-in)")
    bench.addoption("--bench", action="store_true", default=False,
                    help="run the whole benchmark (about ten minutes here) and write docs/PERFORMANCE.md; without "
                         "it, a one-run smoke of the same script writes to a temporary file")
    group = parser.getgroup("load", "load test (tests/load, opt-in)")
    group.addoption("--load", action="store_true", default=False,
                    help="run the load test: concurrent browser sessions browse every page (tests/load)")
    group.addoption("--load-sessions", type=int, default=16,
                    help="concurrent browser sessions (default 16, the most a 2-CPU machine runs: docs/LOAD.md)")
    group.addoption("--load-seconds", type=float, default=120, help="how long the sessions browse (default 120)")
    group.addoption("--load-workers", type=int, default=0,
                    help="worker processes, each with one Chromium (default: one per 8 sessions)")


@pytest.fixture
def threshold(seeded_store, monkeypatch):
    """``threshold(n)``: the shared seeded store protected under another suppression threshold for one
    test, as a restart of the app with ``OMRADESATSING_MIN_COUNT=n`` would do; the store's own pattern
    is computed again afterwards. Returns a ``read.Store`` with that setting."""
    from dataclasses import replace

    from omradesatsing import config, db, suppression
    from omradesatsing.read import Store

    engine = db.make_engine(seeded_store)
    before = replace(config.load_settings(), database_url=seeded_store)

    def apply(n: int, margin: int | None = None) -> Store:
        monkeypatch.setenv("OMRADESATSING_MIN_COUNT", str(n))
        if margin is not None:
            monkeypatch.setenv("OMRADESATSING_PROTECTION_MARGIN", str(margin))
        with db.session_scope(engine) as session:
            suppression.protect(session, replace(before, suppression_threshold=n, protection_margin=margin))
        return Store.of(engine)

    yield apply
    with db.session_scope(engine) as session:
        suppression.ensure_current(session, before)
    engine.dispose()


@pytest.fixture(scope="session")
def _seeded_templates(tmp_path_factory):
    """A seeded SQLite file and, lazily, a seeded PostgreSQL template database, copied per test by
    ``writable_store`` (a copy takes milliseconds; seeding takes seconds)."""
    from omradesatsing.cli import init_db

    path = tmp_path_factory.mktemp("seed-template") / "store.db"
    init_db(f"sqlite:///{path}")
    return {"sqlite": path}


@pytest.fixture(params=BACKENDS)
def writable_store(request, tmp_path, _seeded_templates):
    """A seeded store of its own per test (SQLite and PostgreSQL), to write to."""
    if request.param == "sqlite":
        target = tmp_path / "store.db"
        shutil.copyfile(_seeded_templates["sqlite"], target)
        return f"sqlite:///{target}"
    server = request.getfixturevalue("pg_server")
    if "postgresql" not in _seeded_templates:
        from omradesatsing.cli import init_db

        name = f"seed_{uuid.uuid4().hex[:8]}"
        url = server.create_database(name)
        init_db(url)
        _seeded_templates["postgresql"] = name
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(host="127.0.0.1", port=server.port, user="postgres", dbname="postgres",
                         autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{_seeded_templates["postgresql"]}"')
    return server.url(name)


def dump_store(url: str) -> list:
    """Every row of every table, sorted: equal dumps mean the store is as it was."""
    from sqlalchemy import create_engine, select

    from omradesatsing.models import Base

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            out = []
            for table in Base.metadata.sorted_tables:
                rows = [tuple(r) for r in conn.execute(select(table))]
                out.append((table.name, sorted(rows, key=repr)))
            return out
    finally:
        engine.dispose()
