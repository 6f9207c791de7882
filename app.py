"""Entry point: page config, language, navigation, login gate. Every page runs inside this frame.

Run with ``./scripts/run-app`` (or ``streamlit run asgi_app.py`` after ``python -m omradesatsing init-db``): the
served entry ``asgi_app.py`` starts Streamlit in ``st.navigation`` mode, so a deep link runs through this frame
(docs/ARKITEKTUR.md, «Why pages are served through asgi_app.py»).
"""

from __future__ import annotations

import logging
from pathlib import Path

import streamlit as st
from sqlalchemy.exc import OperationalError, ProgrammingError

from components import filters, forms, shell
from components.i18n import LANG_KEY, LANGS, t
from omradesatsing import auth
from omradesatsing.permissions import has_role

st.set_page_config(page_title="Områdesatsing Bergen", page_icon=str(Path(__file__).parent / "components" / "assets" / "favicon.png"), layout="wide")
shell.style()

log = logging.getLogger("omradesatsing.app")
LANG_LABELS = {"nb": "Bokmål", "nn": "Nynorsk", "en": "English"}

# The language is in the address (?lang=); <html lang> follows it (shell.HEAD_SCRIPT).
filters.radio("Språk / Language", LANGS, format_func=LANG_LABELS.get, key=LANG_KEY, horizontal=True, where=st.sidebar)

forms.sweep()  # edit forms not shown in the last run: their opened versions are forgotten
try:
    shell.refresh_actor()  # an account closed or changed on Admin holds from this run on
except Exception:  # noqa: BLE001 - no traceback reaches a user; the page below reports a broken store
    log.exception("account check failed")

PAGES = {
    "oversikt": (":material/dashboard:", True),
    "kart": (":material/map:", False),
    "indikatorer": (":material/monitoring:", False),
    "investeringer": (":material/payments:", False),
    "delprogrammer": (":material/account_tree:", False),
    "omrade": (":material/location_on:", False),
    "presentasjon": (":material/co_present:", False),
    "om_dataene": (":material/info:", False),
    "dine_tiltak": (":material/checklist:", False),
    "admin": (":material/admin_panel_settings:", False),
}
# «Dine tiltak» (an editor's worklist, /dine_tiltak) is the menu's «Logg inn» for someone not signed in:
# one entry, one stable address; signing in there shows the worklist at once (login_form reruns).
_signed_in = shell.actor().is_authenticated
TITLES = {"dine_tiltak": "nav.dine_tiltak" if _signed_in else "nav.logg_inn"}
ICONS = {"dine_tiltak": ":material/checklist:" if _signed_in else ":material/login:"}
pages = {
    name: st.Page(f"pages/{name}.py", title=t(TITLES.get(name, f"nav.{name}")), icon=ICONS.get(name, icon),
                  default=default)
    for name, (icon, default) in PAGES.items()
}
nav = st.navigation(
    {
        t("nav.section_programme"): [pages[p] for p in ("oversikt", "kart", "indikatorer", "investeringer",
                                                         "delprogrammer", "omrade", "presentasjon")],
        t("nav.section_about"): [pages["dine_tiltak"], pages["om_dataene"], pages["admin"]],
    }
)

# Pages that need a signed-in role: the gate is here, and the core checks the role again on write.
REQUIRED_ROLE = {pages["admin"].url_path: "editor", pages["dine_tiltak"].url_path: "editor"}


def login_form() -> None:
    st.title(t("login.title"))
    who = shell.actor()
    if who.is_authenticated:  # signed in (e.g. through single sign-on) but without an editor role
        st.error(t("login.no_access"))
        return
    st.markdown(t("login.intro"))
    if shell.sso_configured():
        available = shell.sso_available()
        st.button(t("login.sso"), key="sso_login", type="primary", icon=":material/badge:", on_click=st.login,
                  disabled=not available)
        if not available:
            st.warning(t("login.sso_unavailable"), icon=":material/cloud_off:")
        st.caption(t("login.sso_or_password"))
    with st.form("login", enter_to_submit=True):
        username = st.text_input(t("login.username"), autocomplete="username")
        password = st.text_input(t("login.password"), type="password", autocomplete="current-password")
        submitted = st.form_submit_button(t("login.submit"), type="secondary" if shell.sso_configured() else "primary")
    if submitted:
        from components.data import current_engine

        # One answer for every refusal (unknown user, wrong password, locked, closed, a viewer
        # account): it must not tell whether an account exists.
        who = auth.authenticate(current_engine(), username, password, min_role="editor")
        if who is None:
            st.error(t("login.failed"))
        else:
            shell.sign_in(who)
            st.rerun()


with st.sidebar:
    who = shell.actor()
    if who.is_authenticated:
        st.caption(t("login.signed_in_as", name=who.display_name, role=t(f"roles.{who.role}")))
        if shell.is_sso_session():
            st.button(t("login.sign_out"), key="sign_out", icon=":material/logout:", on_click=shell.sso_sign_out)
        elif st.button(t("login.sign_out"), key="sign_out", icon=":material/logout:"):
            shell.sign_out()
            st.rerun()

try:
    shell.closed_notice()
    required = REQUIRED_ROLE.get(nav.url_path)
    if required and not has_role(shell.actor(), required):
        login_form()
    else:
        nav.run()
except (OperationalError, ProgrammingError) as exc:
    log.error("database error: %s", exc.__class__.__name__)  # the class only: a message may hold a URL
    if "readonly" in str(exc).lower() or "read-only" in str(exc).lower():
        st.error(t("errors.db_read_only"), icon=":material/edit_off:")
    else:
        st.error(t("errors.db_unavailable"), icon=":material/cloud_off:")
except Exception:  # noqa: BLE001 - no traceback reaches a user; it goes to the server log
    log.exception("page failed")
    st.error(t("errors.unexpected"), icon=":material/error:")
