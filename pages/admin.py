"""Admin: behind the login gate in app.py. Editing tools arrive with later work."""

from components.shell import ensure_frame

ensure_frame()

import streamlit as st  # noqa: E402

from components import shell  # noqa: E402
from components.data import q  # noqa: E402
from components.i18n import t  # noqa: E402

who = shell.actor()
shell.header("admin.title")
st.markdown(t("admin.welcome", name=who.display_name, role=t(f"roles.{who.role}")))
st.info(t("admin.placeholder"), icon=":material/construction:")
st.subheader(t("admin.store_heading"))
summary = q("store_summary")
st.dataframe({t("admin.col_table"): [t(f"admin.count_{k}") for k in summary],
              t("admin.col_rows"): list(summary.values())}, hide_index=True)
