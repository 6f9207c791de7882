"""The meeting-pack downloads (PDF one-pager, PowerPoint deck) for Område and Presentasjon.

The files are made on the server by ``omradesatsing.reports`` when the button is clicked (deferred),
not on every rerun; the same call as ``python -m omradesatsing report``.
"""

from __future__ import annotations

import streamlit as st

from components.data import store
from components.i18n import lang, t
from omradesatsing import reports


def pack_buttons(slug: str | None, key: str, *, where=None) -> None:
    """Two buttons: the A4 PDF and the PowerPoint deck of ``slug`` (None: the whole programme / all
    areas in work) in the reader's language."""
    language = lang()
    row = (where or st).container(horizontal=True, key=f"{key}_packs")
    row.download_button(t("reports.download_pdf"), lambda: reports.area_pdf(store(), slug, language),
                        reports.file_name(slug, language, "pdf"), reports.PDF_MIME, key=f"{key}_pdf",
                        on_click="ignore", icon=":material/picture_as_pdf:")
    row.download_button(t("reports.download_pptx"), lambda: reports.area_pptx(store(), slug, language),
                        reports.file_name(slug, language, "pptx"), reports.PPTX_MIME, key=f"{key}_pptx",
                        on_click="ignore", icon=":material/slideshow:")
