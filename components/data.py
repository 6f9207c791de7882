"""The boundary between pages and the core's read side: cached calls to ``omradesatsing.read``.

The settings are resolved once per process (``settings()``) and the store (engine + settings) is
made once per database URL (``st.cache_resource``). ``q(read.places.areas)`` calls a reader with that
store; results are cached with a ttl and a bound (``st.cache_data``), keyed by the store (URL and
suppression threshold), the reader's full name and its arguments.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

import streamlit as st
from sqlalchemy import Engine

from omradesatsing import config, db
from omradesatsing.config import Settings
from omradesatsing.read import Store

TTL_SECONDS = 300
P = ParamSpec("P")
R = TypeVar("R")


@st.cache_resource(show_spinner=False, max_entries=1)
def settings() -> Settings:
    """The settings, read once from the environment and ``.streamlit/secrets.toml`` (a change needs a restart)."""
    return config.load_settings()


@st.cache_resource(show_spinner=False, max_entries=4)
def _store(settings: Settings) -> Store:
    return Store(db.make_engine(settings.database_url), settings)


def store() -> Store:
    return _store(settings())


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
