"""Engine, sessions and migrations for the shared store (SQLite or PostgreSQL, same code)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from omradesatsing import config

MIGRATIONS_DIR = config.PROJECT_ROOT / "migrations"


class StoreUnavailable(RuntimeError):
    """The store cannot be reached or opened (server down, file missing or read-only)."""


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(url: str | None = None, **kwargs) -> Engine:
    """An engine for ``url`` (default: ``config.load_settings().database_url``).

    PostgreSQL gets ``pool_pre_ping`` so a restarted server is picked up without a new engine.
    A SQLite file's folder is created if it is missing; not for a SQLite URI (``sqlite:///file:…?mode=ro&uri=true``,
    e.g. a read-only store), whose database is no path: it made a folder named ``file:`` in the working directory.
    """
    url = url or config.load_settings().database_url
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        is_uri = str(parsed.query.get("uri", "")).lower() in ("true", "1")
        if database and database != ":memory:" and not is_uri:
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 5)
    kwargs.setdefault("max_overflow", 5)
    kwargs.setdefault("pool_recycle", 1800)
    return create_engine(url, **kwargs)


# Called after a committed transaction that wrote rows, with the engine and the names of the tables
# written (the phone pages are rewritten this way, ``reports.phone``). A failing callback is logged,
# never raised: the write has been stored.
_COMMIT_CALLBACKS: list[Callable[[Engine, set[str]], None]] = []


def on_commit(callback: Callable[[Engine, set[str]], None]) -> None:
    _COMMIT_CALLBACKS.append(callback)


@event.listens_for(Session, "after_flush")
def _note_flushed(session: Session, _context) -> None:
    tables = session.info.setdefault("written_tables", set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(type(obj), "__tablename__", None)
        if table:
            tables.add(table)


@event.listens_for(Session, "do_orm_execute")
def _note_statement(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if table is not None:
            state.session.info.setdefault("written_tables", set()).add(table.name)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any error."""
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        written = session.info.pop("written_tables", set())
        session.close()
    if written and _COMMIT_CALLBACKS:
        for callback in list(_COMMIT_CALLBACKS):
            try:
                callback(engine, written)
            except Exception:
                logging.getLogger(__name__).exception("A commit callback failed")


def _alembic_config(engine: Engine):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option(
        "sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%")
    )
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` with Alembic (the same migrations on both backends)."""
    from alembic import command

    cfg = _alembic_config(engine)
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)


def current_revision(engine: Engine) -> str | None:
    if not inspect(engine).has_table("alembic_version"):
        return None
    with engine.connect() as connection:
        return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    cfg_engine = create_engine("sqlite://")
    return ScriptDirectory.from_config(_alembic_config(cfg_engine)).get_current_head()
