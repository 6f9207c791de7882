"""Admin: behind the login gate in app.py (editor or admin). Editors see where to edit, import data
for their areas (components/data_import.py) and see what the store holds; admins also manage users
(role, areas, login), import official zone boundaries (components/zone_import.py), undo imports and
read the audit log. The core (omradesatsing.users, .importers)
checks the admin role again on every call."""

import json

import pandas as pd
import streamlit as st

from components import data_import, forms, shell, ui, zone_import
from components.data import current_engine, q
from components.i18n import lang, t, tr
from omradesatsing import auth, formatting as fmt, read, users
from omradesatsing.permissions import PermissionDenied, has_role
from omradesatsing.vocabulary import ROLES

who = shell.actor()
shell.header("admin.title")
st.markdown(t("admin.welcome", name=ui.plain(who.display_name), role=t(f"roles.{who.role}")))
st.markdown(t("admin.editor_info"))

areas = q(read.places.areas)
names = dict(zip(areas["slug"], areas["name"], strict=True))

if has_role(who, "admin"):
    forms.show_saved("admin")
    engine = current_engine()
    st.header(t("admin.users_heading"))
    people = users.list_users(engine, who)
    table = pd.DataFrame({
        t("admin.col_username"): [u["username"] for u in people],
        t("admin.col_name"): [u["display_name"] for u in people],
        t("admin.col_role"): [t(f"roles.{u['role']}") for u in people],
        t("cols.areas"): [", ".join(names.get(s, s) for s in u["areas"]) for u in people],
        t("admin.col_active"): [ui.yes_no(u["active"]) for u in people],
        t("admin.col_login"): [t("admin.login_sso") if u["sso_only"] else t("admin.login_password") for u in people],
    })
    st.dataframe(table, hide_index=True, width="stretch")

    here = lang()  # (format_func is also called outside the run, e.g. by AppTest: the language is captured)

    def role_word(role: str) -> str:
        return tr(here, f"roles.{role}")

    new_col, edit_col = st.columns(2)
    with new_col, st.form("new_user", clear_on_submit=False):
        st.markdown(f"**{t('admin.new_user')}**")
        username = st.text_input(t("admin.col_username"), key="nu_username")
        display = st.text_input(t("admin.col_name"), key="nu_name")
        password = st.text_input(t("login.password"), type="password", key="nu_password",
                                 help=t("admin.password_help", n=auth.MIN_PASSWORD_LENGTH))
        role = st.selectbox(t("admin.col_role"), ROLES, index=1, format_func=role_word, key="nu_role")
        chosen = st.multiselect(t("cols.areas"), list(names), format_func=names.get, key="nu_areas")
        if st.form_submit_button(t("admin.create"), type="primary", icon=":material/person_add:"):
            try:
                users.add_user(engine, who, username, password, role=role, display_name=display or None,
                               area_slugs=tuple(chosen))
            except (auth.UserError, PermissionDenied) as exc:
                st.error(str(exc))
            else:
                for key in ("nu_username", "nu_name", "nu_password", "nu_areas"):
                    st.session_state.pop(key, None)
                forms.saved("admin", t("admin.created", name=ui.plain(username.strip().lower())))
                st.rerun()
    with edit_col:
        usernames = [u["username"] for u in people]
        if usernames:
            pick = st.selectbox(t("admin.edit_user"), usernames, key="eu_pick")
            current = next(u for u in people if u["username"] == pick)
            with st.form(f"edit_user_{pick}"):
                role = st.selectbox(t("admin.col_role"), ROLES, index=ROLES.index(current["role"]),
                                    format_func=role_word)
                chosen = st.multiselect(t("cols.areas"), list(names), default=[s for s in current["areas"] if s in names],
                                        format_func=names.get)
                active = st.checkbox(t("admin.may_log_in"), value=bool(current["active"]))
                if st.form_submit_button(t("admin.save_user"), icon=":material/save:"):
                    try:
                        users.update_user(engine, who, pick, role=role, area_slugs=tuple(chosen), active=active)
                    except (auth.UserError, PermissionDenied) as exc:
                        st.error(str(exc))
                    else:
                        forms.saved("admin", t("admin.saved", name=ui.plain(pick)))
                        st.rerun()
    st.caption(t("admin.users_note"))

    zone_import.render(engine, who)

    st.header(t("admin.audit_heading"))
    log = users.audit_log(engine, who)
    audit = pd.DataFrame({
        t("cols.date"): [fmt.date(r["at"], lang()) + f" {r['at']:%H:%M}" for r in log],
        t("admin.col_username"): [r["username"] for r in log],
        t("admin.col_action"): [r["action"] for r in log],
        t("admin.col_entity"): [f"{r['entity']} {r['entity_id'] or ''}".strip() for r in log],
        t("admin.col_detail"): [json.dumps(r["detail"], ensure_ascii=False, default=str) if r["detail"] else ""
                                for r in log],
    })
    st.dataframe(audit, hide_index=True, width="stretch")
    ui.download_buttons(audit, "endringslogg", key="audit_dl")

if has_role(who, "editor"):
    data_import.render(current_engine(), who)

st.header(t("admin.store_heading"))
summary = q(read.about.store_summary)
st.dataframe({t("admin.col_table"): [t(f"admin.count_{k}") for k in summary],
              t("admin.col_rows"): list(summary.values())}, hide_index=True)
