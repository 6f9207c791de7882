"""Om dataene: every source, licence and period; which figures are real and which are examples."""

import streamlit as st

from components import about, shell, ui
from components.data import q, settings
from components.i18n import lang, t
from omradesatsing import formatting as fmt, read

shell.header("about.title", "about.intro")

summary = q(read.about.store_summary)
c1, c2, c3 = st.columns(3)
c1.metric(t("about.values_real"), fmt.number(summary["values_real"], 0, lang()), border=True)
c2.metric(t("about.values_illustrative"), fmt.number(summary["values_illustrative"], 0, lang()), border=True)
c3.metric(t("about.sources"), fmt.number(summary["sources"], 0, lang()), border=True)

st.header(t("about.real_heading"))
st.markdown(t("about.real_text"))
st.header(t("about.illustrative_heading"))
st.markdown(t("about.illustrative_text"))
st.header(t("about.geometry_heading"))
st.markdown(t("about.geometry_text"))
st.header(t("about.suppression_heading"))
st.markdown(t("about.suppression_text", n=settings().suppression_threshold, m=settings().margin))

st.header(t("about.imports_heading"))
imported = q(read.about.imports)
if imported.empty:
    st.markdown(t("about.imports_none"))
else:
    st.markdown(t("about.imports_text"))
    shown_imports = about.imports_table(imported, lang())
    st.table(shown_imports, hide_index=True)

st.header(t("about.sources_heading"))
shown, table = about.sources_table(lang())
st.table(shown, hide_index=True)  # a reference list: an HTML table, so its text can be searched and read
ui.download_buttons(table, "kilder", key="sources_dl")
