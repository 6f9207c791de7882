"""Admin → «Importer data»: the municipality's own files in (indicator values, investments, grants,
measures, participation, targets) as CSV, Excel or JSON-stat, or a wide table through a column
mapping saved as an import profile; templates to download; the import log with undo.

The core (``omradesatsing.importers.run``) reads, checks, compares and writes, and checks the role and
areas itself. This piece shows the upload, the choices, the preview (a dry run of the very same
import), the result where the user is looking, and the log. A refused file shows the core's
messages (file, row, column); nothing is stored then.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import streamlit as st

from components import data, file_work, forms, ui
from components.i18n import in_language, lang, t, tr
from omradesatsing import formatting as fmt, read
from omradesatsing.importers import run, tables
from omradesatsing.permissions import Actor, PermissionDenied, has_role

TEMPLATES = Path(__file__).resolve().parent.parent / "data" / "templates"
TYPES = ["csv", "txt", "tsv", "xlsx", "json", "jsonstat"]
AUTO = "auto"
WIDE = "wide"
CACHE_KEY = "data_import_cache"
GENERATION_KEY = "data_import_generation"
SOURCE_FIELDS = ("title", "publisher", "licence", "url")
CHANGE_CODES = {"ny": "new", "endret": "changed", "uendret": "unchanged", "fjernes (eksempel)": "removed"}
UNKNOWN_WORDS = {"indikatorer": "indicators", "steder": "places", "områder": "areas", "soner": "zones"}  # the core's words
TEMPLATE_FILES = {"indicators": "indikatorverdier", "investments": "investeringer", "grants": "tilskudd",
                  "measures": "tiltak", "participation": "medvirkning", "targets": "maal"}


def upload_limit_mb() -> int:
    return max(1, min(tables.MAX_FILE_MB, int(st.get_option("server.maxUploadSize"))))


def _run(compute):
    """``compute(progress)`` with the core's progress, or the ``ValidationError`` it raised (see
    ``file_work.run``); an unforeseen error is one Norwegian line, never a traceback."""
    return file_work.run(compute, run.ValidationError, lambda: run.refuse(t("data_import.unexpected")), "Data import")


def _cached(signature: tuple, compute):
    return file_work.cached(CACHE_KEY, signature, lambda: _run(compute))


def _error(exc: Exception) -> None:
    lines = "\n".join(f"- {ui.plain(in_language(p.message, lang()))}" for p in getattr(exc, "problems", [])[:30]) or \
        ui.plain(in_language(str(exc), lang()))
    st.error(f"**{t('data_import.refused')}**\n\n{lines}", icon=":material/error:")


def _templates() -> None:
    """The chosen kind's templates (three buttons, not eighteen: each one is an element on every rerun)."""
    with st.expander(t("data_import.templates_heading"), icon=":material/download:"):
        st.markdown(t("data_import.templates_intro"))
        here = lang()
        kind = st.selectbox(t("data_import.templates_kind"), list(TEMPLATE_FILES), key=f"tpl_kind_{here}",
                            format_func=lambda k, language=here: tr(language, f"data_import.kind_{k}"))
        stem = TEMPLATE_FILES[kind]
        cols_ = st.columns(3)
        for col, name, mime in zip(cols_, (f"{stem}.xlsx", f"{stem}.csv", f"{stem}-forklaring.csv"),
                                   ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "text/csv",
                                    "text/csv"), strict=True):
            path = TEMPLATES / name
            if path.is_file():
                col.download_button(name, _template_bytes(str(path)), file_name=name, mime=mime,
                                    key=f"tpl_{name}", icon=":material/download:")


@st.cache_data(show_spinner=False)
def _template_bytes(path: str) -> bytes:
    return Path(path).read_bytes()


def _preview(report: run.ImportReport) -> None:
    st.subheader(t("data_import.preview_heading"))
    st.markdown(t("data_import.preview_summary", kind=t(f"data_import.kind_{report.kind}").lower(),
                  how=t("data_import.detected") if report.kind_detected else t("data_import.chosen"),
                  rows=fmt.number(report.rows, 0, lang())))
    # one wrapping row (columns would stack the five cards one under the other on a phone)
    row = st.container(horizontal=True, wrap=True)
    for key, n in zip(("added", "changed", "unchanged", "refused", "removed"),
                      (report.added, report.changed, report.unchanged, report.refused, report.removed), strict=True):
        row.metric(t(f"data_import.count_{key}"), fmt.number(n, 0, lang()), border=True, width=140)
    if report.replaced_examples:
        st.markdown(f"- {t('data_import.replaced_examples', n=report.replaced_examples)}")
    if report.removed:
        st.markdown(f"- {t('data_import.removed_examples', n=report.removed)}")
    if report.revised:
        st.markdown(f"- {t('data_import.revised', n=report.revised)}")
    for word, names in report.unknown.items():
        if names:
            what = t(f"data_import.unknown_{UNKNOWN_WORDS[word]}") if word in UNKNOWN_WORDS else word
            st.markdown(f"- {t('data_import.unknown', what=ui.plain(what), names=ui.plain(', '.join(names[:20])))}")
    if report.ignored_columns:
        st.markdown(f"- {t('data_import.ignored', names=ui.plain(', '.join(report.ignored_columns)))}")
    for note in report.notes:
        st.markdown(f"- {ui.plain(in_language(note, lang()))}")
    if report.problems:
        st.warning(t("data_import.problems_heading", n=report.refused) + "\n\n" + "\n".join(
            f"- {ui.plain(in_language(p.message, lang()))}" for p in report.problems[:30]), icon=":material/warning:")
    if report.preview is not None and len(report.preview):
        shown = report.preview.copy()
        shown["endring"] = shown["endring"].map(lambda w: t(f"data_import.change_{CHANGE_CODES.get(w, 'changed')}"))
        if "indikator" in shown:  # the indicator's name in the page's language, not its key
            known = data.q(read.indicators.indicators)
            names = dict(zip(known["key"], known[f"name_{lang()}"], strict=True))
            shown["indikator"] = shown["indikator"].map(lambda k: names.get(k, k))
        shown = shown.rename(columns=lambda c: t(f"data_import.col_{c}"))
        st.dataframe(shown, hide_index=True, width="stretch", height=min(38 + 35 * len(shown), 320))


def _source_fields(raw_notes: list[str], key: str) -> run.SourceInfo:
    st.markdown(f"**{t('data_import.source_heading')}**")
    st.caption(t("data_import.source_help"))
    c1, c2 = st.columns(2)
    title = c1.text_input(t("data_import.source_title"), key=f"{key}_title",
                          value=(raw_notes[0] if raw_notes else ""))
    publisher = c2.text_input(t("data_import.source_publisher"), key=f"{key}_publisher",
                              value=raw_notes[1] if len(raw_notes) > 1 else "")
    c3, c4, c5 = st.columns(3)
    licence = c3.text_input(t("data_import.source_licence"), key=f"{key}_licence")
    url = c4.text_input(t("data_import.source_url"), key=f"{key}_url", help=t("data_import.source_url_help"))
    period = c5.text_input(t("data_import.source_period"), key=f"{key}_period",
                           help=t("data_import.source_period_help"))
    return run.SourceInfo(title=title, publisher=publisher, licence=licence, url=url, period=period or None)


def _wide_mapping(raw: tables.RawTable, key: str, engine, who: Actor) -> dict | None:
    """The column mapping of a wide table, chosen on the page (or from a saved profile)."""
    here = lang()  # the language the choices are shown in (format_func runs outside the script too)
    from omradesatsing.importers import indicators as ind

    saved = {p["name"]: p["mapping"] for p in ind.profiles(engine)}
    heads = [str(h) for h in raw.frame.columns]
    names = [""] + sorted(saved)
    chosen = st.selectbox(t("data_import.profile"), names, key=f"{key}_profile_{lang()}",
                          format_func=lambda n, language=here: n or tr(language, "data_import.profile_none"))
    base = saved.get(chosen) or {}
    c1, c2 = st.columns(2)
    place_col = c1.selectbox(t("data_import.place_column"), heads, key=f"{key}_place_{chosen}",
                             index=heads.index(base["place_column"]) if base.get("place_column") in heads else 0)
    levels = ["", *ind.LEVEL_WORDS]
    level = c2.selectbox(t("data_import.level"), levels, key=f"{key}_level_{chosen}_{lang()}",
                         index=levels.index(base.get("level", "")) if base.get("level", "") in levels else 0,
                         format_func=lambda lv, language=here: ind.LEVEL_WORDS.get(
                             lv, tr(language, "data_import.level_from_codes")))
    known = data.q(read.indicators.indicators)
    keys = [""] + list(known["key"])
    label = dict(zip(known["key"], known[f"name_{lang()}"], strict=True))
    mapped = base.get("columns") or {}
    frame = pd.DataFrame({
        "column": [h for h in heads if h != place_col],
        "indicator": [mapped.get(h, {}).get("indicator", "") for h in heads if h != place_col],
        "period": [str(mapped.get(h, {}).get("period", "")) for h in heads if h != place_col]})
    edited = st.data_editor(
        frame, hide_index=True, width="stretch", key=f"{key}_map_{chosen}_{place_col}", disabled=["column"],
        column_config={
            "column": st.column_config.TextColumn(t("data_import.map_column")),
            "indicator": st.column_config.SelectboxColumn(t("data_import.map_indicator"), options=keys,
                                                          help=t("data_import.map_indicator_help")),
            "period": st.column_config.TextColumn(t("data_import.map_period"), help=t("data_import.map_period_help"))})
    columns = {r["column"]: {"indicator": r["indicator"], "period": r["period"]}
               for r in edited.to_dict("records") if r.get("indicator") and r.get("period")}
    st.caption(t("data_import.map_known", names=ui.plain("; ".join(f"{k} = {v}" for k, v in label.items()))))
    if not columns:
        st.info(t("data_import.map_choose"), icon=":material/info:")
        return None
    mapping = {"place_column": place_col, "columns": columns, **({"level": level} if level else {})}
    with st.form(f"{key}_save_profile"):
        name = st.text_input(t("data_import.profile_name"), value=chosen)
        if st.form_submit_button(t("data_import.profile_save"), icon=":material/save:"):
            try:
                ind.save_profile(engine, who, name, mapping)
            except (run.ValidationError, PermissionDenied) as exc:
                st.error(ui.plain(str(exc)))
            else:
                st.success(t("data_import.profile_saved", name=ui.plain(name)), icon=":material/check:")
    return mapping


def _log(engine, who: Actor) -> None:
    here = lang()  # the language the choices are shown in (format_func runs outside the script too)
    st.subheader(t("data_import.log_heading"))
    rows = run.imports(engine)
    if not rows:
        st.caption(t("data_import.log_empty"))
        return
    table = pd.DataFrame({
        t("data_import.log_no"): [r["id"] for r in rows],
        t("cols.date"): [fmt.date(r["at"], lang()) + f" {r['at']:%H:%M}" for r in rows],
        t("admin.col_username"): [r["username"] for r in rows],
        t("data_import.log_kind"): [t(f"data_import.kind_{r['kind']}") for r in rows],
        t("data_import.log_file"): [r["file_name"] for r in rows],
        t("data_import.log_counts"): [t("data_import.log_counts_value", added=r["added"], changed=r["changed"],
                                        removed=r["removed"]) for r in rows],
        t("data_import.log_source"): [r["source_title"] or t("data_import.log_examples") for r in rows],
        t("data_import.log_state"): [t("data_import.log_undone", date=fmt.date(r["undone_at"], lang()))
                                     if r["undone_at"] else "" for r in rows],
    })
    st.dataframe(table, hide_index=True, width="stretch", height=min(38 + 35 * len(table), 300))
    if not has_role(who, "admin"):
        return
    latest = {}
    for r in rows:
        if r["undone_at"] is None and r["kind"] not in latest:
            latest[r["kind"]] = r
    if not latest:
        return
    options = list(latest.values())
    pick = st.selectbox(t("data_import.undo_pick"), [r["id"] for r in options], key=f"undo_pick_{lang()}",
                        format_func=lambda i, language=here: next(
                            tr(language, "data_import.undo_option", no=r["id"], file=r["file_name"],
                               kind=tr(language, f"data_import.kind_{r['kind']}").lower())
                            for r in options if r["id"] == i))
    if st.button(t("data_import.undo_button"), icon=":material/undo:", key="undo_button"):
        done = _run(lambda progress: run.undo_import(engine, who, pick, settings=data.settings()))
        if isinstance(done, Exception):
            _error(done)
            return
        data.invalidate()
        st.session_state.pop(CACHE_KEY, None)
        forms.saved("data_import", t("data_import.undone", no=pick, removed=done["removed"],
                                     restored=done["restored"] + done["reinserted"]))
        st.rerun()


def render(engine, who: Actor) -> None:
    """The section «Importer data» (editors and admins)."""
    st.header(t("data_import.heading"))
    st.markdown(t("data_import.intro_admin") if has_role(who, "admin") else
                t("data_import.intro_editor", areas=ui.plain(", ".join(sorted(who.area_slugs)) or "–")))
    forms.show_saved("data_import")
    _templates()
    limit = upload_limit_mb()
    generation = st.session_state.get(GENERATION_KEY, 0)
    upload = st.file_uploader(t("data_import.file"), type=TYPES, max_upload_size=limit,
                              key=f"data_upload_{generation}", help=t("data_import.file_help"))
    st.caption(t("data_import.limit", mb=limit))
    if upload is not None:
        _file(engine, who, upload, generation)
    _log(engine, who)
    if has_role(who, "admin"):
        _export(engine, who)


def _export(engine, who: Actor) -> None:
    """Everything out as a zip (admins: suppressed values included and marked)."""
    from omradesatsing.importers import export

    st.subheader(t("data_import.export_heading"))
    st.markdown(t("data_import.export_intro"))
    if st.button(t("data_import.export_button"), icon=":material/archive:", key="export_button"):
        with st.spinner(t("data_import.export_working")):
            st.session_state["export_zip"] = export.export_zip(engine, who)[0]
    made = st.session_state.get("export_zip")
    if made:
        st.download_button(t("data_import.export_download"), made, file_name="omradesatsing-eksport.zip",
                           mime="application/zip", icon=":material/download:", key="export_download")


def _file(engine, who: Actor, upload, generation: int) -> None:
    here = lang()  # the language the choices are shown in (format_func runs outside the script too)
    content = upload.getvalue()
    key = f"di_{upload.file_id}"
    raw = _cached(("raw", upload.file_id), lambda progress: run.read(content, upload.name))
    if isinstance(raw, Exception):
        _error(raw)
        return
    c1, c2 = st.columns(2)
    kinds = [AUTO, *run.KINDS, WIDE]
    kind = c1.selectbox(t("data_import.kind"), kinds, key=f"{key}_kind_{lang()}",
                        index=kinds.index(WIDE) if raw.format != "JSON-stat" and run.detect_kind(raw) is None else 0,
                        format_func=lambda k, language=here: tr(language, f"data_import.kind_{k}"))
    sheet = None
    if raw.format == "Excel" and len(raw.sheets) > 1:
        sheet = c2.selectbox(t("data_import.sheet"), raw.sheets, key=f"{key}_sheet",
                             index=raw.sheets.index(raw.sheet) if raw.sheet in raw.sheets else 0)
    indicator = None
    if raw.format == "JSON-stat":
        known = data.q(read.indicators.indicators)
        choices = ["", *known["key"]]
        names = dict(zip(known["key"], known[f"name_{lang()}"], strict=True))
        indicator = c2.selectbox(t("data_import.indicator"), choices, key=f"{key}_indicator_{lang()}",
                                 format_func=lambda k, language=here: names.get(k, tr(language, "data_import.indicator_auto")),
                                 help=t("data_import.indicator_help")) or None
    mapping = None
    if kind == WIDE:
        mapping = _wide_mapping(raw if sheet in (None, raw.sheet) else run.read(content, upload.name, sheet=sheet),
                                key, engine, who)
        if mapping is None:
            return
    notes = list(raw.notes[:2]) if raw.format == "JSON-stat" else []
    source = _source_fields(notes, key)
    o1, o2 = st.columns(2)
    skip = o1.checkbox(t("data_import.skip_invalid"), key=f"{key}_skip", help=t("data_import.skip_invalid_help"))
    replace = o2.checkbox(t("data_import.replace_examples"), value=True, key=f"{key}_replace",
                          help=t("data_import.replace_examples_help"))
    choice = dict(kind=None if kind in (AUTO, WIDE) else kind, sheet=sheet, source=source, indicator=indicator,
                  mapping=mapping, skip_invalid=skip, replace_examples=replace, settings=data.settings())
    signature = ("preview", upload.file_id, kind, sheet, indicator, repr(mapping), source, skip, replace)
    try:
        report = _cached(signature, lambda progress: run.import_file(engine, who, content, upload.name, dry_run=True,
                                                                     progress=progress, **choice))
    except PermissionDenied as exc:
        st.error(ui.plain(str(exc)))
        return
    if isinstance(report, run.ImportRefused) and report.report is not None:
        source_only = all(p.field in SOURCE_FIELDS for p in report.problems)
        if source_only:  # the file is fine: say what to fill in, not that it is refused
            st.info(t("data_import.source_missing") + "\n\n" + "\n".join(
                f"- {ui.plain(in_language(p.message, lang()))}" for p in report.problems), icon=":material/edit_note:")
        _preview(dataclasses.replace(report.report, problems=[p for p in report.report.problems
                                                               if p.field not in SOURCE_FIELDS]))
        if source_only:
            return
    if isinstance(report, Exception):
        _error(report)
        return
    _preview(report)
    if report.writes == 0:
        st.info(t("data_import.nothing"), icon=":material/info:")
        return
    if st.button(t("data_import.button"), type="primary", icon=":material/upload:", key=f"{key}_import"):
        try:
            done = _run(lambda progress: run.import_file(engine, who, content, upload.name, progress=progress,
                                                         **choice))
        except PermissionDenied as exc:
            _error(exc)
            return
        if isinstance(done, Exception):
            _error(done)
            return
        data.invalidate()
        st.session_state.pop(CACHE_KEY, None)
        st.session_state[GENERATION_KEY] = generation + 1
        forms.saved("data_import", t("data_import.done", no=done.import_id, added=done.added, changed=done.changed,
                                     removed=done.removed, file=ui.plain(done.file_name)))
        st.rerun()
