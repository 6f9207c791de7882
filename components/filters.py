"""Filters whose value lives in the URL, so a view can be shared and reopened.

Streamlit 1.67's ``bind="query-params"`` writes the *formatted* option to the URL when a
``format_func`` is given (``?lang=English``, ``?omrade=Solheim (nord og sør)``, an indicator's
name in the current language). Our links must carry stable codes (``?lang=en``,
``?omrade=solheim``, ``?indikator=unemployment``), so these helpers seed the widget from the URL
on the first run of a session and write the code back after every run; the default is left out.

``key`` names the widget's state, ``param`` (default: the key) its URL parameter. Pages that share a
parameter name but not its meaning keep their own state: Indikatorer's chosen areas (two by default) are not
Investeringer's area filter (all areas by default), though both links say ``?omrader=``. Widget state
outlives a page switch by one run, so a shared key would carry one page's choice, or default, into another.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence

import streamlit as st


def _seed_single(key: str, param: str, options: Sequence[str]) -> None:
    if key not in st.session_state:
        value = st.query_params.get(param)
        if value in options:
            st.session_state[key] = value


# At most 18 ASCII digits: ``str.isdigit`` also accepts "²" or "٣", which ``int`` refuses or reads
# differently, and ten thousand digits make ``int`` raise; an id or a slide number is never that long.
_INT = re.compile(r"[+-]?[0-9]{1,18}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_int(raw, default=None, *, lo: int | None = None, hi: int | None = None):
    """``raw`` (a URL value) as an int within ``lo``..``hi``; ``default`` for anything else."""
    if not isinstance(raw, str) or not _INT.fullmatch(raw.strip()):
        return default
    value = int(raw.strip())
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        return default
    return value


def parse_date(raw, default=None, *, lo: dt.date | None = None, hi: dt.date | None = None):
    """``raw`` as an ISO date (``2026-09-01``) within ``lo``..``hi``; ``default`` for anything else."""
    if not isinstance(raw, str) or not _DATE.fullmatch(raw.strip()):
        return default
    try:
        value = dt.date.fromisoformat(raw.strip())
    except ValueError:
        return default
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        return default
    return value


def int_param(name: str, default=None, *, lo: int | None = None, hi: int | None = None):
    """The URL parameter ``?<name>=`` as an int within ``lo``..``hi``, else ``default`` (never raises),
    as the other filters fall back to their default for a value they do not know."""
    return parse_int(st.query_params.get(name), default, lo=lo, hi=hi)


def date_param(name: str, default=None, *, lo: dt.date | None = None, hi: dt.date | None = None):
    """The URL parameter ``?<name>=YYYY-MM-DD`` as a date within ``lo``..``hi``, else ``default``."""
    return parse_date(st.query_params.get(name), default, lo=lo, hi=hi)


def to_url(key: str, value, default=None) -> None:
    """Put ``value`` in the URL as ``?<key>=…``; leave the key out for the default or nothing."""
    if value == default or value is None or value == []:
        if key in st.query_params:
            del st.query_params[key]
    elif st.query_params.get_all(key) != (value if isinstance(value, list) else [value]):
        st.query_params[key] = value


def _single(widget: str, label: str, options: Sequence[str], key: str, param: str | None, format_func: Callable,
            default: str | None, where, kwargs: dict) -> str:
    options = list(options)
    default = default if default in options else options[0]
    param = param or key
    _seed_single(key, param, options)
    if key not in st.session_state or st.session_state[key] not in options:
        st.session_state[key] = default
    value = getattr(where, widget)(label, options, format_func=format_func, key=key, **kwargs)
    to_url(param, value, default)
    return value


def selectbox(label: str, options: Sequence[str], *, key: str, param: str | None = None, format_func: Callable = str,
              default: str | None = None, where=st, **kwargs) -> str:
    """A selectbox bound to ``?<param>=<option code>``. ``where`` is a container (st, st.sidebar, a column)."""
    return _single("selectbox", label, options, key, param, format_func, default, where, kwargs)


def radio(label: str, options: Sequence[str], *, key: str, param: str | None = None, format_func: Callable = str,
          default: str | None = None, where=st, **kwargs) -> str:
    """Radio buttons bound to ``?<param>=<option code>``."""
    return _single("radio", label, options, key, param, format_func, default, where, kwargs)


def _multi(widget: str, label: str, options: Sequence[str], key: str, param: str | None, format_func: Callable,
           default: Sequence[str], where, kwargs: dict) -> list[str]:
    options = list(options)
    default = [d for d in default if d in options]
    param = param or key
    if key not in st.session_state:
        from_url = [v for v in st.query_params.get_all(param) if v in options]
        st.session_state[key] = from_url or default
    else:
        st.session_state[key] = [v for v in (st.session_state[key] or []) if v in options]
    value = getattr(where, widget)(label, options, format_func=format_func, key=key, **kwargs) or []
    to_url(param, value, default)
    return value


def multiselect(label: str, options: Sequence[str], *, key: str, param: str | None = None,
                format_func: Callable = str, default: Sequence[str] = (), where=st, **kwargs) -> list[str]:
    """A multiselect bound to ``?<param>=a&<param>=b``."""
    return _multi("multiselect", label, options, key, param, format_func, default, where, kwargs)


def pills(label: str, options: Sequence[str], *, key: str, param: str | None = None, format_func: Callable = str,
          default: Sequence[str] = (), where=st, **kwargs) -> list[str]:
    """Toggle pills (several may be on) bound to ``?<param>=a&<param>=b``."""
    return _multi("pills", label, options, key, param, format_func, default, where,
                  {"selection_mode": "multi", **kwargs})
