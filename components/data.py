"""The boundary between pages and the core's read side: cached calls to ``omradesatsing.queries``.

One engine per database URL and process (``st.cache_resource``); query results are cached with
a ttl and a bound (``st.cache_data``), keyed by the URL and suppression threshold, the query's name and its scalar arguments.
"""

from __future__ import annotations

import streamlit as st
from sqlalchemy import Engine

from omradesatsing import config, db, queries

TTL_SECONDS = 300


@st.cache_resource(show_spinner=False, max_entries=4)
def engine(url: str) -> Engine:
    return db.make_engine(url)


def current_engine() -> Engine:
    return engine(config.database_url())


def store_key() -> tuple[str, int]:
    """What cached results depend on besides their arguments: the store and the suppression threshold."""
    return config.database_url(), config.suppression_threshold()


@st.cache_data(ttl=TTL_SECONDS, max_entries=512, show_spinner=False)
def _run(store: tuple[str, int], name: str, args: tuple, kwargs: tuple):
    return getattr(queries, name)(engine(store[0]), *args, **dict(kwargs))


def q(name: str, *args, **kwargs):
    """``q("areas")`` → ``queries.areas(engine)``, cached. Arguments must be hashable scalars/tuples."""
    return _run(store_key(), name, args, tuple(sorted(kwargs.items())))



def invalidate() -> None:
    """Forget every cached result after a write (query results and what pages built from them,
    e.g. the map's coloured zones), so every page shows the change at once. Writes are rare."""
    st.cache_data.clear()
