"""What the Admin page's file imports share: a long core call with a progress bar fed by the core, whose
expected refusal is returned (not raised) and whose unforeseen error becomes one clear message (logged,
never a traceback); and the result of a preview kept per session, so a large file is not read again on
every rerun."""

from __future__ import annotations

import logging
from collections.abc import Callable

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from components import ui
from omradesatsing.permissions import PermissionDenied

log = logging.getLogger(__name__)


def run(compute, refused: type[Exception], unexpected: Callable[[], Exception], what: str):
    """``compute(progress)``, or the ``refused`` exception it raised; anything else it raised becomes
    ``unexpected()`` and goes to the log. ``PermissionDenied`` and the store's errors (the database is
    down or read-only: app.py says so) are not the file's fault and pass on."""
    bar = st.empty()

    def progress(done: float, text: str) -> None:
        bar.progress(min(max(done, 0.0), 1.0), text=ui.plain(text))

    try:
        return compute(progress)
    except (PermissionDenied, SQLAlchemyError):
        raise
    except refused as exc:
        return exc
    except Exception:  # a strange file must not end in «Noe gikk galt» or a traceback
        log.exception("%s failed unexpectedly", what)
        return unexpected()
    finally:
        bar.empty()


def cached(cache_key: str, signature: tuple, compute: Callable[[], object]):
    """``compute()`` once per session for this signature (at most a few kept)."""
    cache = st.session_state.setdefault(cache_key, {})
    if signature not in cache:
        if len(cache) > 8:
            cache.clear()
        cache[signature] = compute()
    return cache[signature]
