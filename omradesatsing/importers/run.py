"""One path for every kind of data file: read (``tables``), type the columns (``columns``), let the
kind's module resolve names and check its rules, compare with the store, then either return the
preview (dry run) or write everything in one transaction: the rows, the previous figures of revised
values, one ``import_log`` row (who, when, file, SHA-256, kind, counts, source, what an undo needs),
one audit entry and, for indicator values, the suppression pattern of the indicators touched.

Rules shared by all kinds:
- editors import for their own areas, admins for everything; checked here, in the core;
- a file with a bad row is refused whole (``ImportRefused``: every problem names the file, the row and
  the column) unless ``skip_invalid``; a refused import writes nothing;
- importing the same file again finds every row unchanged and writes nothing at all;
- an import writes real figures and needs its source (``SourceInfo``); rows the file itself marks
  ``eksempeldata = ja`` stay examples (an export of examples imported again stays honest);
- a real row replaces the example for the same key, and with ``replace_examples`` (the default) the
  remaining examples of what the file covers are removed, so real and invented figures never stand
  side by side; an undo brings them back.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import hashlib
import logging
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, Table, bindparam, delete, func, insert, select, text, update

from omradesatsing import config, db, suppression
from omradesatsing.auth import current_actor
from omradesatsing.catalogue import DEFAULT_LANG, Text, tr
from omradesatsing.commands import Problem, ValidationError
from omradesatsing.importers import columns as cols, tables
from omradesatsing.models import AuditEntry, ImportLog, Indicator, IndicatorValueRevision, Source, utcnow
from omradesatsing.names import slugify
from omradesatsing.permissions import Actor, PermissionDenied, has_role, require_role

log = logging.getLogger(__name__)

KINDS = ("indicators", "investments", "grants", "measures", "participation", "targets")
KIND_WORDS = {k: tr(DEFAULT_LANG, f"imp.kind_{k}") for k in (*KINDS, "zones")}  # bokmål, from the catalogue
MAX_PROBLEMS = 25
PREVIEW_ROWS = 200  # rows of each change listed in the preview (the counts are always complete)
INTERNAL_URL = "intern"
Progress = Callable[[float, str], None]


class ImportRefused(ValidationError):
    """A file that is not imported: ``problems`` hold one Norwegian message each (naming file, row and
    column); ``report`` the preview as far as it got. Nothing was written."""

    def __init__(self, problems: list[Problem], report: ImportReport | None = None):
        self.problems = problems
        self.report = report
        ValueError.__init__(self, "\n".join(p.message for p in problems))


def refuse(message: str, field_name: str = "fil") -> ImportRefused:
    return ImportRefused([Problem(field_name, message)])


@dataclass(frozen=True)
class SourceInfo:
    """Where the figures of an import come from. ``url`` is a web address or «intern» (the
    municipality's own data, not published)."""

    title: str | None = None
    publisher: str | None = None
    licence: str | None = None
    url: str | None = None
    period: str | None = None
    note: str | None = None

    def problems(self) -> list[Problem]:
        out = []
        for key in ("title", "publisher", "licence", "url"):
            if not (getattr(self, key) or "").strip():
                out.append(Problem(key, Text("imp.source_url_required" if key == "url" else "imp.source_required",
                                             field=Text(f"imp.field_{key}"))))
        url = (self.url or "").strip()
        if url and url.lower() != INTERNAL_URL and not re.match(r"^https?://\S+\.\S+$", url):
            out.append(Problem("url", Text("imp.source_url_bad", url=url[:80])))
        return out


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do). The counts are complete; ``preview`` lists up
    to ``PREVIEW_ROWS`` rows of each change (columns: change, what, old, new)."""

    file_name: str
    kind: str
    kind_detected: bool
    file_format: str
    sheet: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    rows: int = 0
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    refused: int = 0
    removed: int = 0  # example rows removed because real ones came in
    replaced_examples: int = 0  # example rows given real figures (counted in ``changed``)
    revised: int = 0  # stored real figures changed (the old ones kept as revisions)
    problems: list[Problem] = field(default_factory=list)
    unknown: dict[str, list[str]] = field(default_factory=dict)  # «soner», «områder», «indikatorer» …
    ignored_columns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    preview: pd.DataFrame | None = None
    dry_run: bool = False
    import_id: int | None = None
    sha256: str = ""
    seconds: float = 0.0

    @property
    def writes(self) -> int:
        return self.added + self.changed + self.removed

    def lines(self) -> list[str]:
        """The summary in Norwegian, one line each (the CLI prints them)."""
        what = KIND_WORDS.get(self.kind, self.kind)
        chosen = "gjenkjent fra kolonnene" if self.kind_detected else "valgt"
        fmt = self.file_format + (f", arket «{self.sheet}»" if self.sheet else "") + (
            f", {self.encoding}, skilletegn «{'tab' if self.delimiter == chr(9) else self.delimiter}»"
            if self.encoding else "")
        out = [f"{self.file_name}: {what} ({chosen}); {fmt}; {_n(self.rows)} rader."]
        verb = "ville blitt" if self.dry_run else "ble"
        out.append(f"{_n(self.added)} nye, {_n(self.changed)} endret, {_n(self.unchanged)} uendret, "
                   f"{_n(self.refused)} avvist" + (f", {_n(self.removed)} eksempelrader fjernet" if self.removed else "")
                   + ".")
        if self.replaced_examples:
            out.append(f"{_n(self.replaced_examples)} eksempeltall {verb} erstattet med ekte tall.")
        if self.revised:
            out.append(f"{_n(self.revised)} lagrede tall {verb} revidert (de gamle tallene er tatt vare på).")
        for word, names in self.unknown.items():
            if names:
                shown = ", ".join(names[:20]) + (f" … og {len(names) - 20} til" if len(names) > 20 else "")
                out.append(f"Ukjente {word} i fila: {shown}.")
        if self.ignored_columns:
            out.append("Kolonner som ikke brukes: " + ", ".join(f"«{c}»" for c in self.ignored_columns) + ".")
        out.extend(self.notes)
        if not self.dry_run and self.writes == 0 and not self.problems:
            out.append("Ingenting å endre: databasen har allerede alle radene.")
        return out


def _n(n: int) -> str:
    return f"{n:,}".replace(",", "\u00a0")


@dataclass
class Context:
    """What a kind's rules need besides the file: the session, the actor, the choices made."""

    session: Any
    actor: Actor
    kind: str
    level: str | None = None
    indicator: str | None = None
    replace_examples: bool = True
    source_id: int | None = None  # the import's source when it exists already (else None: new)
    is_admin: bool = False


@dataclass
class Plan:
    """The changes to one table. ``inserts`` and ``updates`` hold the table's columns (``updates``
    and ``deletes`` with ``id``); ``before`` the rows as they were, for revisions and undo."""

    table: Table
    inserts: pd.DataFrame
    updates: pd.DataFrame
    before: pd.DataFrame  # rows updated or deleted, as they were (all columns)
    deletes: pd.Series  # ids of rows removed (examples replaced by real data)
    unchanged: int
    preview: pd.DataFrame
    unknown: dict[str, list[str]] = field(default_factory=dict)
    replaced_examples: int = 0
    revised_ids: pd.Series | None = None  # real indicator values whose figure changed
    indicator_ids: set[int] = field(default_factory=set)
    after_write: Callable[[Any, int, Plan, dict], None] | None = None  # extra writes (status history)
    version_column: str | None = None
    # Indicator values: the stored rows of ``indicator_ids`` that stay as they are (``suppression.VALUE_COLUMNS``),
    # so that the suppression step is given every value of those indicators without reading them back.
    kept_values: pd.DataFrame | None = None


# --- source ---------------------------------------------------------------------------------------

def _source_key(info: SourceInfo) -> str:
    digest = hashlib.sha1("|".join((info.title or "", info.publisher or "", info.url or "", info.licence or "",
                                    info.period or "")).encode()).hexdigest()[:10]
    return f"import-{slugify(info.title or 'kilde')[:50]}-{digest}"


def _clean_source(info: SourceInfo) -> SourceInfo:
    return SourceInfo(**{k: (" ".join(v.split()) if isinstance(v, str) and v.strip() else None)
                         for k, v in dataclasses.asdict(info).items()})


def _existing_source(session, info: SourceInfo) -> int | None:
    return session.scalar(select(Source.id).where(Source.key == _source_key(info)))


def _write_source(session, info: SourceInfo) -> int:
    key = _source_key(info)
    found = session.scalar(select(Source).where(Source.key == key))
    if found is not None:
        return found.id
    url = info.url if (info.url or "").lower() != INTERNAL_URL else None
    note = info.note or ("Kommunens egne tall (ikke publisert)." if url is None else None)
    src = Source(key=key, title=info.title[:300], publisher=info.publisher[:200], url=url and url[:500],
                 licence=info.licence[:200], period=(info.period or "")[:80] or None, note=note, illustrative=False)
    session.add(src)
    session.flush()
    return src.id


NO_SOURCE = -1  # a real row whose source is the one given for the whole import (written at the end)


def row_sources(ctx: Context, t) -> np.ndarray:
    """Per file row, the id of the source its «kildenøkkel» names (NaN where empty); an unknown key is
    a problem of that row."""
    n = len(t)
    if "source_key" not in t.present:
        return np.full(n, np.nan)
    keys = t.values["source_key"]
    known = dict(ctx.session.execute(select(Source.key, Source.id)).all())
    ids = keys.map(lambda k: known.get(k) if k is not None else None)
    unknown = (keys.notna() & ids.isna()).to_numpy(dtype=bool)
    t.bad(unknown, "source_key", lambda p: f"kilden «{keys.iloc[p]}» finnes ikke (den skal stå i kilder.csv)")
    return pd.to_numeric(ids, errors="coerce").to_numpy(dtype=float)


def example_source_id(session) -> int:
    """The store's source of example data (created if an empty store gets example rows)."""
    found = session.scalar(select(Source.id).where(Source.key == "eksempeldata"))
    if found is not None:
        return found
    src = Source(key="eksempeldata", title="Eksempeldata – generert, ikke fakta", illustrative=True)
    session.add(src)
    session.flush()
    return src.id


# --- detection ------------------------------------------------------------------------------------

def _modules():
    from omradesatsing.importers import grants, indicators, investments, measures, participation, targets

    return {"indicators": indicators, "investments": investments, "grants": grants, "measures": measures,
            "participation": participation, "targets": targets}


def detect_kind(raw: tables.RawTable) -> str | None:
    """The kind whose required columns the file has (the most of its columns breaking a tie)."""
    if raw.format == "JSON-stat":
        return "indicators"
    best, score = None, (0, 0)
    for name, module in _modules().items():
        found, _ignored = cols.match_headers(raw, module.COLUMNS)
        required = [c.key for c in module.COLUMNS if c.required]
        if all(k in found for k in required):
            s = (len(required), len(found))
            if s > score:
                best, score = name, s
    return best


# --- the import -----------------------------------------------------------------------------------

def _progress(progress: Progress | None, done: float, text_: str) -> None:
    if progress is not None:
        progress(done, text_)


def read(data: bytes, file_name: str, *, sheet: str | None = None) -> tables.RawTable:
    """The file as a table (``tables.read_table``), its errors as ``ImportRefused``."""
    try:
        return tables.read_table(data, file_name, sheet=sheet)
    except tables.TableFileError as exc:
        raise ImportRefused(exc.problems) from None


def import_file(engine: Engine, actor: Actor, data: bytes, file_name: str, *, kind: str | None = None,
                sheet: str | None = None, source: SourceInfo | None = None, level: str | None = None,
                indicator: str | None = None, mapping: dict | None = None, profile: str | None = None,
                dry_run: bool = False, skip_invalid: bool = False, replace_examples: bool = True,
                settings: config.Settings | None = None, progress: Progress | None = None) -> ImportReport:
    """Import one data file (see the module's docstring). Raises ``PermissionDenied`` for a viewer
    (before the file is read) and ``ImportRefused`` for a file that cannot go in; nothing is written
    then, nor with ``dry_run``. Returns what was (or would be) done."""
    started = time.perf_counter()
    require_role(actor, "editor")
    file_name = PurePosixPath((file_name or "fil").replace("\\", "/")).name or "fil"
    if kind is not None and kind not in KINDS:
        raise refuse(f"Typen «{kind}» finnes ikke. Velg en av: {', '.join(KINDS)}.", "type")
    _progress(progress, 0.0, f"Leser {file_name} …")
    raw = read(data, file_name, sheet=sheet)
    with db.session_scope(engine) as session:
        report = import_table(session, actor, raw, sha256=hashlib.sha256(data).hexdigest(), kind=kind,
                              source=source, level=level, indicator=indicator, mapping=mapping, profile=profile,
                              dry_run=dry_run, skip_invalid=skip_invalid, replace_examples=replace_examples,
                              settings=settings, progress=progress)
        if report.import_id is None:
            session.rollback()  # a dry run (or nothing to change) leaves no trace, not even a new source
    report.seconds = time.perf_counter() - started
    _progress(progress, 1.0, "Forhåndsvisningen er klar." if dry_run else "Ferdig.")
    return report


def import_table(session, actor: Actor, raw: tables.RawTable, *, sha256: str, kind: str | None = None,
                 source: SourceInfo | None = None, level: str | None = None, indicator: str | None = None,
                 mapping: dict | None = None, profile: str | None = None, dry_run: bool = False,
                 skip_invalid: bool = False, replace_examples: bool = True,
                 settings: config.Settings | None = None, progress: Progress | None = None) -> ImportReport:
    """``import_file`` on a table already read, in ``session``'s transaction (an export's files go in
    together, in one). Writes nothing when it raises, returns a dry run, or finds nothing to change
    (``import_id`` is then None; the caller rolls back what a preview may have flushed)."""
    file_name = raw.file_name
    modules = _modules()
    detected = kind is None
    actor = current_actor(session, actor)
    require_role(actor, "editor")
    if raw.format == "JSON-stat" or mapping is not None or profile is not None:
        from omradesatsing.importers import indicators as ind_module

        if kind not in (None, "indicators"):
            raise refuse(f"{file_name}: JSON-stat og brede tabeller kan bare gi indikatorverdier.", "type")
        raw = ind_module.to_long(session, raw, indicator=indicator, mapping=mapping, profile=profile,
                                 level=level)
        kind = "indicators"
    if kind is None:
        kind = detect_kind(raw)
        if kind is None:
            raise refuse(_undetected(raw, modules), "type")
    module = modules[kind]
    report = ImportReport(file_name=file_name, kind=kind, kind_detected=detected, file_format=raw.format,
                          sheet=raw.sheet, encoding=raw.encoding, delimiter=raw.delimiter, rows=len(raw.frame),
                          dry_run=dry_run, sha256=sha256)
    report.notes.extend(getattr(raw, "import_notes", []))
    _progress(progress, 0.2, f"Sjekker {_n(len(raw.frame))} rader …")
    file_columns = [str(h) for h in raw.frame.columns]
    typed = cols.typed(raw, module.COLUMNS, keep_raw=("period", "year") if kind == "indicators" else ())
    report.ignored_columns = typed.ignored
    missing = [c for c in module.COLUMNS if c.required and c.key not in typed.present]
    if missing:
        raise refuse(Text("imp.missing_columns", file=file_name,
                          columns=", ".join("«" + c.header + "»" for c in missing), kind=Text(f"imp.kind_{kind}"),
                          found=", ".join("«" + h + "»" for h in file_columns),
                          template=", ".join("«" + c.header + "»" for c in module.COLUMNS)), "kolonner")
    if not (kind == "indicators" and "year" in typed.present):  # the raw cells are not read again: free them
        raw.frame = raw.frame.iloc[:0]
    info = _clean_source(source or SourceInfo())
    if info.period is None:  # the period the figures cover, from the rows
        info = dataclasses.replace(info, period=getattr(raw, "period_text", None) or _period_of(typed))
    ctx = Context(session=session, actor=actor, kind=kind, level=level, indicator=indicator,
                  replace_examples=replace_examples, is_admin=has_role(actor, "admin"))
    ctx.source_id = _existing_source(session, info) if not info.problems() else None
    _progress(progress, 0.4, "Sammenligner med databasen …")
    plan = module.plan(ctx, typed)
    report.unknown = {k: v for k, v in plan.unknown.items() if v}
    bad = sorted(typed.problems)
    report.refused = len(bad)
    report.problems = _problem_list(typed, bad)
    report.added, report.changed = len(plan.inserts), len(plan.updates)
    report.unchanged, report.removed = plan.unchanged, len(plan.deletes)
    report.replaced_examples = plan.replaced_examples
    report.revised = 0 if plan.revised_ids is None else len(plan.revised_ids)
    report.preview = plan.preview
    writes_real = bool(len(plan.inserts) or len(plan.updates)) and _writes_real(plan)
    if writes_real and info.problems():
        report.problems = info.problems() + report.problems
    if report.problems and not (skip_invalid and not (writes_real and info.problems())):
        raise ImportRefused(report.problems, report)
    if dry_run or report.writes == 0:
        return report
    _progress(progress, 0.6, f"Lagrer {_n(report.writes)} rader …")
    uses_given = writes_real or (ctx.source_id is not None and any(
        len(f) and "source_id" in f and (f["source_id"] == ctx.source_id).any() for f in (plan.inserts, plan.updates)))
    source_id = _write_source(session, info) if uses_given else None
    entry = ImportLog(username=actor.username, file_name=file_name[:300], sha256=report.sha256, kind=kind,
                      file_format=raw.format, rows=report.rows, added=report.added, changed=report.changed,
                      unchanged=report.unchanged, refused=report.refused, removed=report.removed,
                      source_id=source_id, detail={"sheet": raw.sheet, "notes": report.notes[:20],
                                                   "ignored_columns": report.ignored_columns,
                                                   "skip_invalid": bool(skip_invalid and report.refused)})
    session.add(entry)
    session.flush()
    undo = _write(session, plan, source_id, entry.id)
    if plan.after_write is not None:
        plan.after_write(session, entry.id, plan, undo)
    if plan.indicator_ids:
        undo["indicator_updated_at"] = {str(i): _jsonable(at) for i, at in session.execute(
            select(Indicator.id, Indicator.updated_at).where(Indicator.id.in_(sorted(plan.indicator_ids))))}
    entry.undo = undo  # complete before it is assigned: the JSON column does not see later changes
    indicator_ids = sorted(plan.indicator_ids)
    values = _values_after(plan) if plan.kept_values is not None else None
    plan.inserts = plan.updates = plan.before = plan.preview = plan.kept_values = None  # free the rest first
    del typed, raw
    gc.collect()
    if indicator_ids:
        _progress(progress, 0.85, "Prikker små tall …")
        session.execute(update(Indicator).where(Indicator.id.in_(indicator_ids)).values(updated_at=utcnow()))
        session.flush()
        suppression.protect(session, settings or config.load_settings(), indicator_ids, values=values)
    session.add(AuditEntry(username=actor.username, action="import", entity=kind, entity_id=str(entry.id),
                           detail={"file": file_name, "sha256": report.sha256, "rows": report.rows,
                                   "added": report.added, "changed": report.changed,
                                   "removed": report.removed, "refused": report.refused,
                                   "source_id": source_id}))
    report.import_id = entry.id
    return report


def _values_after(plan: Plan) -> pd.DataFrame:
    """Every value row of the plan's indicators as this transaction now has them: the rows kept, the
    rows updated (their keys as stored, their counts as written) and the rows inserted (ids given by
    ``_write``), in ``suppression.VALUE_COLUMNS``."""
    columns = list(suppression.VALUE_COLUMNS)
    parts = [plan.kept_values[columns]]
    if len(plan.updates):
        ups = plan.updates.set_index("id")
        keys = plan.before.set_index("id").loc[ups.index, ["indicator_id", "scope", "zone_id", "area_id", "period"]]
        parts.append(keys.join(ups[["numerator", "denominator", "suppressed", "protection"]]).reset_index()[columns])
    if len(plan.inserts):
        parts.append(plan.inserts[columns])
    parts = [p for p in parts if len(p)]
    return pd.concat(parts, ignore_index=True) if parts else plan.kept_values[columns]


def _period_of(typed: cols.Typed) -> str | None:
    """«2015–2024» from the years the file's rows give (periods, years, start years, dates)."""
    years: list[int] = []
    for key in ("period", "year", "start_year", "end_year", "target_year", "date", "start_date"):
        if key not in typed.present:
            continue
        for v in typed.values[key].dropna().unique():
            if isinstance(v, tuple):
                years.extend(int(y) for y in re.findall(r"\d{4}", v[0]))
            elif hasattr(v, "year"):
                years.append(int(v.year))
            elif isinstance(v, (int, float, np.integer, np.floating)) and not np.isnan(v):
                years.append(int(v))
    if not years:
        return None
    first, last = min(years), max(years)
    return str(first) if first == last else f"{first}–{last}"


def _writes_real(plan: Plan) -> bool:
    """Whether the import writes rows that take the source given for the whole import."""
    for frame_ in (plan.inserts, plan.updates):
        if len(frame_) and "source_id" in frame_ and (frame_["source_id"] == NO_SOURCE).any():
            return True
    return False


def _undetected(raw: tables.RawTable, modules) -> str:
    heads = ", ".join(f"«{h}»" for h in raw.frame.columns[:15])
    kinds = "; ".join(f"{KIND_WORDS[k]}: {', '.join(c.header for c in m.COLUMNS if c.required)}"
                      for k, m in modules.items())
    return (f"{raw.file_name}: det går ikke fram av kolonnene ({heads}) hva slags data fila har. Velg typen, "
            f"eller bruk kolonnenavnene fra malen (påkrevde kolonner – {kinds}). En bred tabell (én kolonne per "
            "indikator) trenger en kobling av kolonnene (en importprofil).")


def _problem_list(typed: cols.Typed, bad: list[int]) -> list[Problem]:
    out = []
    for pos in bad:
        for header, message in typed.problems[pos]:
            out.append(Problem(header, Text("imp.cell_problem", where=typed.where(pos), column=header, message=message)))
            if len(out) >= MAX_PROBLEMS:
                break
        if len(out) >= MAX_PROBLEMS:
            break
    total = sum(len(v) for v in typed.problems.values())
    if total > len(out):
        out.append(Problem("fil", Text("imp.more_problems", file=typed.raw.file_name, more=_n(total - len(out)),
                                       rows=_n(len(bad)))))
    return out


# --- writing --------------------------------------------------------------------------------------

def _ranges(ids) -> list[list[int]]:
    """Sorted ids as [first, last] runs (2 million consecutive ids are one pair)."""
    arr = np.unique(np.asarray(list(ids) if not isinstance(ids, np.ndarray) else ids, dtype=np.int64))
    if not len(arr):
        return []
    breaks = np.flatnonzero(np.diff(arr) != 1)
    starts = np.concatenate([[0], breaks + 1])
    ends = np.concatenate([breaks, [len(arr) - 1]])
    return [[int(arr[s]), int(arr[e])] for s, e in zip(starts, ends, strict=True)]


def _ids_in(ranges: list[list[int]]):
    for lo, hi in ranges:
        yield from range(lo, hi + 1)


def _jsonable(value):
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if isinstance(value, (dt.datetime, dt.date, pd.Timestamp)):
        return value.isoformat()
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def _records(df: pd.DataFrame) -> list[dict]:
    names = list(df.columns)
    return [dict(zip(names, (_jsonable(v) for v in row), strict=True))
            for row in df.itertuples(index=False, name=None)]


def _restore_types(table: Table, record: dict) -> dict:
    out = {}
    for key, value in record.items():
        column = table.c[key]
        pytype = None
        try:
            pytype = column.type.python_type
        except NotImplementedError:
            pass
        if value is not None and pytype is dt.datetime and isinstance(value, str):
            value = dt.datetime.fromisoformat(value)
        elif value is not None and pytype is dt.date and isinstance(value, str):
            value = dt.date.fromisoformat(value[:10])
        out[key] = value
    return out


def _db_values(df: pd.DataFrame) -> list[dict]:
    """Rows as the driver takes them: NaN and NA as None, numpy scalars as Python ones."""
    return _records(df) if len(df) else []


def next_ids(session, table: Table, n: int) -> np.ndarray:
    """``n`` new ids for ``table``, consecutive after the largest; PostgreSQL's sequence is moved past
    them (the table is locked against other writers until the transaction ends)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f'LOCK TABLE "{table.name}" IN SHARE ROW EXCLUSIVE MODE'))
    start = (session.scalar(select(func.max(table.c.id))) or 0) + 1
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT setval(pg_get_serial_sequence(:t, 'id'), :v)"),
                        {"t": table.name, "v": start + n})
    return np.arange(start, start + n, dtype=np.int64)


def _python_columns(frame_: pd.DataFrame, *, sqlite: bool) -> list[list]:
    """Each column as a list of plain Python values (None for missing), converted a column at a time:
    what the driver binds, without a Python call per cell (2 million rows × 17 columns)."""
    out = []
    for name in frame_.columns:
        col = frame_[name]
        if pd.api.types.is_datetime64_any_dtype(col.dtype):
            text_ = col.dt.strftime("%Y-%m-%d %H:%M:%S.%f")  # SQLAlchemy's DATETIME text on SQLite
            values = text_.astype(object).where(col.notna(), None).tolist() if sqlite else \
                col.astype(object).where(col.notna(), None).tolist()
        elif col.dtype == object and len(col) and any(isinstance(v, (dt.datetime, dt.date)) for v in col.head(50)):
            values = [v.isoformat(sep=" ") if sqlite and isinstance(v, dt.datetime) else
                      v.isoformat() if sqlite and isinstance(v, dt.date) else v
                      for v in col.astype(object).where(col.notna(), None)]
        else:
            values = col.astype(object).where(col.notna(), None).tolist()
        out.append(values)
    return out


INSERT_CHUNK = 50_000  # rows converted to Python values at a time (not 2 million rows × 17 columns at once)


def _python_rows(frame_: pd.DataFrame, *, sqlite: bool) -> Iterator[tuple]:
    """The rows of ``frame_`` as tuples of plain Python values, converted a block of rows at a time."""
    for start in range(0, len(frame_), INSERT_CHUNK):
        yield from zip(*_python_columns(frame_.iloc[start:start + INSERT_CHUNK], sqlite=sqlite), strict=True)


def bulk_insert(session, table: Table, frame_: pd.DataFrame) -> None:
    """Insert ``frame_`` (with ``id``) the fastest way each backend has: ``executemany`` of tuples in
    this transaction on SQLite, ``COPY`` on PostgreSQL."""
    if not len(frame_):
        return
    names = list(frame_.columns)
    conn = session.connection()
    column_list = ", ".join(f'"{c}"' for c in names)
    if conn.dialect.name == "postgresql":
        raw_conn = conn.connection.driver_connection
        with raw_conn.cursor() as cur, cur.copy(f'COPY "{table.name}" ({column_list}) FROM STDIN') as copy:
            for row in _python_rows(frame_, sqlite=False):
                copy.write_row(row)
        return
    marks = ", ".join("?" for _ in names)
    cursor = conn.connection.driver_connection.cursor()
    try:
        cursor.executemany(f'INSERT INTO "{table.name}" ({column_list}) VALUES ({marks})',
                           _python_rows(frame_, sqlite=True))
    finally:
        cursor.close()


def _write(session, plan: Plan, source_id: int | None, import_id: int) -> dict:
    """Write ``plan``; returns what undoes it."""
    table = plan.table
    now = utcnow()
    undo: dict[str, Any] = {"table": table.name, "inserted": [], "before": [], "deleted": [], "revisions": []}
    if len(plan.deletes):
        ids = [int(i) for i in plan.deletes]
        undo["deleted"] = _records(plan.before[plan.before["id"].isin(ids)])
        for chunk in range(0, len(ids), 500):
            session.execute(delete(table).where(table.c.id.in_(ids[chunk:chunk + 500])))
    if len(plan.updates):
        ups = plan.updates.copy()
        if source_id is not None and "source_id" in ups:
            ups["source_id"] = ups["source_id"].where(ups["source_id"] != NO_SOURCE, source_id)
        before = plan.before[plan.before["id"].isin(ups["id"])]
        undo["before"] = _records(before)
        if plan.revised_ids is not None and len(plan.revised_ids):
            revised = before[before["id"].isin(plan.revised_ids)]
            rev = pd.DataFrame({
                "value_id": revised["id"], "import_id": import_id, "revised_at": now,
                **{c: revised[c] for c in ("value", "value_text", "numerator", "denominator", "ci_low", "ci_high",
                                           "suppressed", "illustrative", "source_id", "note")}})
            rev_table = IndicatorValueRevision.__table__
            rev.insert(0, "id", next_ids(session, rev_table, len(rev)))
            bulk_insert(session, rev_table, rev)
            undo["revisions"] = _ranges(rev["id"])
            ups.loc[ups["id"].isin(plan.revised_ids), "revised_at"] = now
        if plan.version_column:
            ups[plan.version_column] = ups["id"].map(before.set_index("id")[plan.version_column]) + 1
        set_cols = [c for c in ups.columns if c != "id"]
        stmt = update(table).where(table.c.id == bindparam("b_id")).values(
            {c: bindparam(f"b_{c}") for c in set_cols})
        records = [{f"b_{k}": v for k, v in _restore_types(table, r).items()} for r in _records(ups)]
        for chunk in range(0, len(records), 5000):
            session.execute(stmt, records[chunk:chunk + 5000])
    if len(plan.inserts):
        ins = plan.inserts.copy(deep=False)  # (copy-on-write: the columns changed below are copied, not all 2 million rows)
        if source_id is not None and "source_id" in ins:
            ins["source_id"] = ins["source_id"].where(ins["source_id"] != NO_SOURCE, source_id)
        ins.insert(0, "id", next_ids(session, table, len(ins)))
        bulk_insert(session, table, ins)
        undo["inserted"] = _ranges(ins["id"])
        plan.inserts = ins
    if plan.version_column:
        ids = [int(x) for x in plan.updates["id"]] + [int(x) for x in plan.inserts.get("id", [])]
        rows = session.execute(select(table.c.id, table.c[plan.version_column]).where(table.c.id.in_(ids))).all()
        undo["versions"] = {str(i): int(v) for i, v in rows}
    undo["indicator_ids"] = sorted(int(i) for i in plan.indicator_ids)
    session.flush()
    return undo


# --- undo -----------------------------------------------------------------------------------------

def imports(engine: Engine, kind: str | None = None, limit: int = 200) -> list[dict]:
    """The import log, newest first, with each import's source (for Admin and Om dataene)."""
    with engine.connect() as conn:
        stmt = (select(ImportLog.id, ImportLog.at, ImportLog.username, ImportLog.file_name, ImportLog.sha256,
                       ImportLog.kind, ImportLog.file_format, ImportLog.rows, ImportLog.added, ImportLog.changed,
                       ImportLog.unchanged, ImportLog.refused, ImportLog.removed, ImportLog.undone_at,
                       ImportLog.undone_by, Source.title.label("source_title"), Source.publisher,
                       Source.licence, Source.url, Source.period)
                .outerjoin(Source, Source.id == ImportLog.source_id)
                .order_by(ImportLog.id.desc()).limit(limit))
        if kind:
            stmt = stmt.where(ImportLog.kind == kind)
        return [dict(r._mapping) for r in conn.execute(stmt)]


def undo_import(engine: Engine, actor: Actor, import_id: int, *, settings: config.Settings | None = None) -> dict:
    """Restore exactly what was there before import ``import_id``, which must be the latest import of
    its kind not undone yet. Admins only; audited. Returns the counts restored."""
    require_role(actor, "admin")
    with db.session_scope(engine) as session:
        actor = current_actor(session, actor)
        require_role(actor, "admin")
        entry = session.get(ImportLog, import_id, with_for_update=True)
        if entry is None or entry.undo is None:
            raise refuse(f"Importen nr. {import_id} finnes ikke.", "import")
        if entry.undone_at is not None:
            raise refuse(f"Importen nr. {import_id} ({entry.file_name}) er allerede angret "
                         f"{entry.undone_at:%d.%m.%Y}.", "import")
        latest = session.scalar(select(func.max(ImportLog.id)).where(ImportLog.kind == entry.kind,
                                                                     ImportLog.undone_at.is_(None)))
        if latest != entry.id:
            raise refuse(f"Bare den siste importen av {KIND_WORDS.get(entry.kind, entry.kind)} kan angres "
                         f"(nr. {latest}); angre den først.", "import")
        undo = entry.undo
        from omradesatsing.models import Base

        table = Base.metadata.tables[undo["table"]]
        versions = undo.get("versions") or {}
        if versions and "version" in table.c:
            now_versions = dict(session.execute(select(table.c.id, table.c.version).where(
                table.c.id.in_([int(i) for i in versions]))).all())
            moved = [i for i, v in versions.items() if now_versions.get(int(i)) != v]
            if moved:
                raise refuse(f"Importen nr. {import_id} kan ikke angres: {len(moved)} av radene den endret er "
                             "endret igjen etterpå (i et skjema). Angre de endringene først, eller rett opp for hånd.",
                             "import")
        extra = undo.get("extra") or {}
        for name, ranges in extra.items():
            t = Base.metadata.tables[name]
            for lo, hi in ranges:
                session.execute(delete(t).where(t.c.id.between(lo, hi)))
        rev_table = IndicatorValueRevision.__table__
        for lo, hi in undo.get("revisions", []):
            session.execute(delete(rev_table).where(rev_table.c.id.between(lo, hi)))
        for lo, hi in undo.get("inserted", []):
            session.execute(delete(table).where(table.c.id.between(lo, hi)))
        before = [_restore_types(table, r) for r in undo.get("before", [])]
        for record in before:
            session.execute(update(table).where(table.c.id == record["id"]).values(
                {k: v for k, v in record.items() if k != "id"}))
        deleted = [_restore_types(table, r) for r in undo.get("deleted", [])]
        for chunk in range(0, len(deleted), 1000):
            session.execute(insert(table), deleted[chunk:chunk + 1000])
        for name, rows in (undo.get("extra_deleted") or {}).items():
            t = Base.metadata.tables[name]
            if rows:
                session.execute(insert(t), [_restore_types(t, r) for r in rows])
        for name, rows in (undo.get("extra_inserted_keys") or {}).items():
            t = Base.metadata.tables[name]
            for r in rows:
                session.execute(delete(t).where(*(t.c[k] == v for k, v in r.items())))
        for key, at in (undo.get("indicator_updated_at") or {}).items():
            session.execute(update(Indicator).where(Indicator.id == int(key)).values(
                updated_at=dt.datetime.fromisoformat(at) if at else None))
        entry.undone_at = utcnow()
        entry.undone_by = actor.username
        counts = {"removed": sum(hi - lo + 1 for lo, hi in undo.get("inserted", [])),
                  "restored": len(before), "reinserted": len(deleted)}
        if undo["table"] == "indicator_value":
            ids = undo.get("indicator_ids") or []
            session.flush()
            if ids:
                suppression.protect(session, settings or config.load_settings(), ids)
        session.add(AuditEntry(username=actor.username, action="undo_import", entity=entry.kind,
                               entity_id=str(entry.id), detail={"file": entry.file_name, **counts}))
    return counts


__all__ = ["INTERNAL_URL", "KINDS", "KIND_WORDS", "Context", "ImportRefused", "ImportReport", "Plan",
           "SourceInfo", "PermissionDenied", "detect_kind", "import_file", "imports", "undo_import"]
