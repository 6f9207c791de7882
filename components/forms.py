"""What every edit form shares: the version a record had when its form was opened, the message
after a save (``saved``/``show_saved``) and the core's problems shown as one list (``show_problems``).

Optimistic locking only works if the version handed to the core is the one the editor *saw*. A form
that read it when it was submitted would pass the check after another editor's save (that save
clears the caches, so the submitting run reads the new version) and overwrite it silently. So
each form asks ``opened_version`` while it is shown: the first time it stores the record's version
in the session, and it returns that stored version until ``forget`` (after a save, or when the
editor chooses to load the other change).
"""

from __future__ import annotations

import streamlit as st

_PREFIX = "opened_version"
_SHOWN = "opened_version_shown"  # the forms shown in the last full run


def _key(kind: str, record_id: int) -> str:
    return f"{_PREFIX}_{kind}_{int(record_id)}"


def opened_version(kind: str, record_id: int, current_version: int) -> int:
    """The version of record ``kind``/``record_id`` when its form was first shown (and has been
    shown in every run since)."""
    key = _key(kind, record_id)
    if key not in st.session_state:
        st.session_state[key] = int(current_version)
    st.session_state.setdefault(_SHOWN, set()).add(key)
    return int(st.session_state[key])


def forget(kind: str, record_id: int) -> None:
    """The next showing of the form starts from the record as it is then."""
    st.session_state.pop(_key(kind, record_id), None)


def sweep() -> None:
    """At the start of every full run (app.py): forget the versions of forms the last run did not
    show. A form closed and opened again later is a new opening (its fields then show the record
    as it is, as Streamlit drops the state of widgets that were not shown), not the old one."""
    shown = st.session_state.get(_SHOWN, set())
    for key in [k for k in st.session_state if str(k).startswith(_PREFIX + "_") and k != _SHOWN]:
        if key not in shown:
            del st.session_state[key]
    st.session_state[_SHOWN] = set()


__all__ = ["forget", "opened_version", "sweep"]


# --- After a save: one message on the next run, and the core's problems -----------------------------

_SAVED = "form_saved_message"


def saved(place: str, message: str) -> None:
    """Remember ``message`` for ``show_saved(place)`` on the next run (a save reruns the page)."""
    st.session_state[f"{_SAVED}_{place}"] = message


def show_saved(place: str) -> bool:
    """Show the message ``saved(place, …)`` left, once; whether there was one."""
    message = st.session_state.pop(f"{_SAVED}_{place}", None)
    if message:
        st.success(message, icon=":material/check_circle:")
    return bool(message)


def show_problems(exc, heading: str) -> None:
    """A ``ValidationError``'s problems under ``heading``, each naming its field in the user's words."""
    from omradesatsing.commands import FIELD_NAMES

    lines = "\n".join(f"- **{FIELD_NAMES.get(p.field, p.field)}**: {p.message}" for p in exc.problems)
    st.error(f"{heading}\n\n{lines}")
