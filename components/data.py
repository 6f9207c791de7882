"""The boundary between pages and the core's read side: cached calls to ``omradesatsing.read``.

The settings are resolved once per process (``settings()``) and so is the store (engine + settings,
``store()``). ``q(read.places.areas)`` calls a reader with that
store; results are cached with a ttl and a bound (``st.cache_data``), keyed by the store (URL and
suppression threshold), the reader's full name and its arguments.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from omradesatsing import config, db, suppression
from omradesatsing.config import Settings
from omradesatsing.read import Store

log = logging.getLogger(__name__)
TTL_SECONDS = 300
P = ParamSpec("P")
R = TypeVar("R")


# Once per process, with functools rather than st.cache_resource: every q() asks for the store, and
# Streamlit's cache hashes its arguments on each call (a measured 30 ms a run on Indikatorer).
@functools.cache
def settings() -> Settings:
    """The settings, read once from the environment and ``.streamlit/secrets.toml`` (a change needs a restart)."""
    return config.load_settings()


@functools.cache
def store() -> Store:
    """The store of this process: one engine, the settings it reads under. The suppression pattern is
    brought up to these settings once here (a threshold changed since the last start is applied
    before anything is read; until then every undecided value stays hidden)."""
    current = settings()
    engine = db.make_engine(current.database_url)
    try:
        if db.current_revision(engine):
            with db.session_scope(engine) as session:
                suppression.ensure_current(session, current)
    except SQLAlchemyError:  # the store is down: the pages say so when they read; the stored pattern holds
        log.warning("Could not bring the suppression pattern up to date", exc_info=True)
    return Store(engine, current)


def reset() -> None:
    """Forget the settings, the store and every cached read, as a restart would (tests that change settings)."""
    store.cache_clear()
    settings.cache_clear()
    st.cache_data.clear()


def current_engine() -> Engine:
    """The engine of the store, for the write side (``omradesatsing.commands``)."""
    return store().engine


# Arguments named with a leading underscore are not hashed by Streamlit: the key says what they are.
@st.cache_data(ttl=TTL_SECONDS, max_entries=512, show_spinner=False)
def _run(key: tuple, _reader: Callable, _store: Store, args: tuple, kwargs: tuple):
    return _reader(_store, *args, **dict(kwargs))


def q(reader: Callable[Concatenate[Store, P], R], *args: P.args, **kwargs: P.kwargs) -> R:
    """``q(read.places.areas)`` → ``read.places.areas(store)``, cached. Arguments must be hashable
    scalars or tuples."""
    s = store()
    key = (s.cache_key, f"{reader.__module__}.{reader.__qualname__}")
    return _run(key, reader, s, args, tuple(sorted(kwargs.items())))


def invalidate() -> None:
    """Forget every cached result after a write (query results and what pages built from them,
    e.g. the map's coloured zones), so every page shows the change at once. Writes are rare."""
    st.cache_data.clear()
