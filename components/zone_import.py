"""Admin: import official zone boundaries (levekårssoner, grunnkretser) from a GeoJSON file or a
zipped Shapefile.

The core (``omradesatsing.importers``) reads, checks and writes, and checks the admin role
itself. This piece shows the upload, the choices, a preview (a dry run of the very same import)
and the result. Any problem the core finds is shown as its Norwegian message; nothing is stored.
An error the core did not foresee is logged and shown as the core's message for it (naming the
file), never as the app's generic «Noe gikk galt». Long work shows the core's progress.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import data, file_work, forms, ui
from components.i18n import lang, t, tr
from omradesatsing import read
from omradesatsing.importers import zones as importers
from omradesatsing.permissions import Actor, PermissionDenied

UPLOAD_KEY = "zone_upload"
GENERATION_KEY = "zone_upload_generation"  # a new uploader (empty) after an import
CACHE_KEY = "zone_import_cache"  # {signature: FileInfo | ImportSummary | ZoneFileError text}
TYPES = ["geojson", "json", "zip"]
NO_FIELD = ""
NAME_HINTS = ("navn", "name")
CODE_HINTS = ("kode", "code", "nummer", "nr", "id")


def upload_limit_mb() -> int:
    """The uploader's limit: the core's, or the server's if that is smaller (the server refuses
    anything above ``server.maxUploadSize`` whatever the widget says)."""
    return max(1, min(importers.MAX_FILE_MB, int(st.get_option("server.maxUploadSize"))))


def _guess(fields: list[str], hints: tuple[str, ...], skip: str = NO_FIELD) -> str:
    for hint in hints:
        for f in fields:
            low = f.lower()
            if f != skip and low != "id" and hint in low:
                return f
    return NO_FIELD


def _run(compute, file_name: str):
    """``compute(progress)`` with the core's progress, or the ``ZoneFileError`` it raised (see
    ``file_work.run``); an unforeseen error is the core's message for it, naming the file."""
    return file_work.run(compute, importers.ZoneFileError, lambda: importers.unexpected_error(file_name),
                         f"Zone import of {file_name}")


def _cached(signature: tuple, compute, file_name: str):
    """The result of ``compute(progress)`` for this file and these choices, once per session."""
    return file_work.cached(CACHE_KEY, signature, lambda: _run(compute, file_name))


def _error(exc: Exception) -> None:
    """The core's messages, one per line, escaped (they quote the file's own names and values)."""
    lines = "\n".join(f"- {ui.plain(p.message)}" for p in getattr(exc, "problems", [])) or ui.plain(str(exc))
    st.error(f"**{t('zone_import.refused')}**\n\n{lines}", icon=":material/error:")


def _preview(summary: importers.ImportSummary, level: str) -> None:
    st.subheader(t("zone_import.preview_heading"))
    c1, c2, c3 = st.columns(3)
    c1.metric(t("zone_import.features"), summary.features, border=True)
    c2.metric(t("zone_import.matched", level=t(f"map.level_{level}")),
              t("zone_import.matched_value", n=summary.zones_updated, total=summary.zones_at_level), border=True)
    c3.metric(t("zone_import.unmatched"), len(summary.unmatched), border=True)
    if summary.zones_added:
        st.metric(t("zone_import.added"), len(summary.zones_added), border=True)
    notes = [f"{t('zone_import.crs')}: **{ui.plain(summary.crs)}** ({summary.file_type})"]
    if summary.crs_assumed:
        notes.append(t("zone_import.crs_assumed"))
    if summary.crs != importers.TARGET_CRS:
        notes.append(t("zone_import.reprojected", crs=summary.crs))
    if summary.repaired:
        notes.append(t("zone_import.repaired", numbers=", ".join(map(str, summary.repaired[:20]))))
    if summary.merged:
        notes.append(t("zone_import.merged", n=summary.merged))
    if summary.parents_set:
        notes.append(t("zone_import.parents", n=summary.parents_set))
    for note in notes:
        st.markdown(f"- {note}")
    if summary.zones_replaced:
        st.warning(t("zone_import.replaced", n=summary.zones_replaced), icon=":material/warning:")
    if summary.unmatched:
        st.markdown(f"**{t('zone_import.unmatched_heading')}**")
        st.dataframe(pd.DataFrame({
            t("zone_import.col_number"): [u.number for u in summary.unmatched],
            t("zone_import.col_code"): [u.code or "" for u in summary.unmatched],
            t("zone_import.col_name"): [u.name or "" for u in summary.unmatched],
            t("zone_import.col_reason"): [u.reason for u in summary.unmatched],
        }), hide_index=True, width="stretch", height=min(38 + 35 * len(summary.unmatched), 250))
    if summary.zones_added:
        st.markdown(f"**{t('zone_import.added_heading', n=len(summary.zones_added), edition=ui.plain(summary.edition))}**")
        st.dataframe(pd.DataFrame({
            t("zone_import.col_code"): [z.code for z in summary.zones_added],
            t("zone_import.col_name"): [z.name for z in summary.zones_added],
            t("zone_import.col_parent"): [z.parent or "–" for z in summary.zones_added],
        }), hide_index=True, width="stretch", height=min(38 + 35 * len(summary.zones_added), 250))
    if summary.zones_not_in_file and summary.edition:
        with st.expander(t("zone_import.not_in_file_heading", n=len(summary.zones_not_in_file))):
            st.markdown(ui.plain(", ".join(summary.zones_not_in_file)))
    if summary.zones_without_geometry:
        with st.expander(t("zone_import.without_heading", n=len(summary.zones_without_geometry))):
            st.markdown(ui.plain(", ".join(summary.zones_without_geometry)))


def _uploader(limit: int, generation: int):
    return st.file_uploader(t("zone_import.file"), type=TYPES, max_upload_size=limit,
                            key=f"{UPLOAD_KEY}_{generation}", help=t("zone_import.file_help"))


NEW_EDITION = "__ny__"


def _edition_choice(level: str, file_id: str) -> tuple[str | None, str | None, int | None]:
    """The edition the file's zones belong to: (an existing edition's key, None, None), or (None, name,
    first year) for a new one; (NEW_EDITION, …) while the new one's name or year is missing."""
    choices = data.q(read.places.edition_choices, level)
    names = {key: name for key, name, _from in choices}
    here = lang()
    options = [*names, NEW_EDITION]
    c1, c2, c3 = st.columns(3)
    picked = c1.selectbox(t("zone_import.edition"), options, key=f"zone_edition_{file_id}_{level}",
                          format_func=lambda k: names.get(k) or tr(here, "zone_import.edition_new"),
                          help=t("zone_import.edition_help"))
    if picked != NEW_EDITION:
        return (picked if len(names) > 1 else None), None, None
    name = c2.text_input(t("zone_import.edition_name"), key=f"zone_edition_name_{file_id}", max_chars=200).strip()
    year = c3.number_input(t("zone_import.edition_from"), min_value=1990, max_value=2100, value=None, step=1,
                           key=f"zone_edition_from_{file_id}")
    if not name or year is None:
        st.info(t("zone_import.edition_name_missing"), icon=":material/info:")
        return NEW_EDITION, None, None
    return None, name, int(year)


def render(engine, who: Actor) -> None:
    """The section «Importer sonegrenser» of the Admin page (shown to admins)."""
    st.header(t("zone_import.heading"))
    st.markdown(t("zone_import.intro"))
    forms.show_saved("zone_import")
    limit = upload_limit_mb()
    generation = st.session_state.get(GENERATION_KEY, 0)
    # type=: the browser refuses other extensions before uploading (and Streamlit's server refuses
    # them too, before this page runs); the core checks extension and content once more.
    upload = _uploader(limit, generation)
    st.caption(t("zone_import.limit", mb=limit))
    if upload is None:
        return
    content = upload.getvalue()
    info = _cached(("info", upload.file_id), lambda progress: importers.inspect_file(content, upload.name),
                   upload.name)
    if isinstance(info, Exception):
        _error(info)
        return
    c1, c2, c3 = st.columns(3)
    level = c1.selectbox(t("zone_import.level"), importers.LEVELS, format_func=lambda lv: t(f"map.level_{lv}"),
                         key=f"zone_level_{upload.file_id}")
    options = [NO_FIELD, *info.fields]
    shown = {NO_FIELD: t("zone_import.no_field")}
    code_guess = _guess(info.fields, CODE_HINTS)
    name_guess = _guess(info.fields, NAME_HINTS, skip=code_guess)
    code_field = c2.selectbox(t("zone_import.code_field"), options, index=options.index(code_guess),
                              format_func=lambda f: shown.get(f, f), key=f"zone_code_field_{upload.file_id}",
                              help=t("zone_import.fields_help"))
    name_field = c3.selectbox(t("zone_import.name_field"), options, index=options.index(name_guess),
                              format_func=lambda f: shown.get(f, f), key=f"zone_name_field_{upload.file_id}",
                              help=t("zone_import.fields_help"))
    if not code_field and not name_field:
        st.info(t("zone_import.choose_field"), icon=":material/info:")
        return
    add_missing = st.checkbox(t("zone_import.add_missing"), value=True, key=f"zone_add_{upload.file_id}",
                              help=t("zone_import.add_missing_help"))
    edition, new_edition, valid_from = _edition_choice(level, upload.file_id)
    if edition == NEW_EDITION:
        return
    choice = {"level": level, "code_field": code_field or None, "name_field": name_field or None,
              "add_missing": add_missing, "edition": edition, "new_edition": new_edition, "valid_from": valid_from,
              "settings": data.settings()}  # the suppression rule this process reads under
    try:
        summary = _cached(("preview", upload.file_id, level, code_field, name_field, add_missing, edition,
                           new_edition, valid_from),
                          lambda progress: importers.import_zones(engine, who, content, upload.name, dry_run=True,
                                                                  progress=progress, **choice), upload.name)
    except PermissionDenied as exc:
        st.error(str(exc))
        return
    if isinstance(summary, Exception):
        _error(summary)
        return
    _preview(summary, level)
    if st.button(t("zone_import.button"), type="primary", icon=":material/upload:", key="zone_import_button"):
        try:
            done = _run(lambda progress: importers.import_zones(engine, who, content, upload.name,
                                                                progress=progress, **choice), upload.name)
        except PermissionDenied as exc:
            _error(exc)
            return
        if isinstance(done, Exception):
            _error(done)
            return
        data.invalidate()  # every page sees the new boundaries at once (Kart offers the level)
        st.session_state.pop(CACHE_KEY, None)
        st.session_state[GENERATION_KEY] = generation + 1
        message = t("zone_import.done", n=done.zones_updated, total=done.zones_at_level,
                    level=t(f"map.level_{level}").lower(), file=ui.plain(done.file_name))
        if done.zones_added:
            message += " " + t("zone_import.done_added", n=len(done.zones_added), edition=ui.plain(done.edition))
        forms.saved("zone_import", message)
        st.rerun()
