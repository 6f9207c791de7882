"""The write side: every change goes through here. Each function checks the actor's role (and
area) first, validates the input with Norwegian messages that name the field, and writes the
change and its audit entry in one transaction, so either both are stored or neither is.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm.exc import StaleDataError

from omradesatsing import config, db
from omradesatsing.auth import current_actor
from omradesatsing.models import (
    FUNDING_SOURCES,
    GRANT_STATUSES,
    INVESTMENT_CATEGORIES,
    INVESTMENT_STATUSES,
    MEASURE_STATUSES,
    Area,
    AuditEntry,
    Grant,
    Investment,
    Measure,
    MeasureArea,
    Milestone,
    ReportSnapshot,
    SnapshotItem,
    Source,
    StatusUpdate,
    utcnow,
)
from omradesatsing.permissions import Actor, PermissionDenied, has_role, may_edit_area, require_area, require_role

MANUAL_SOURCE_KEY = "registrert-i-dashbordet"
MAX_AMOUNT_NOK = 100_000_000_000  # 100 mrd. kr: anything above is a typing error
YEAR_RANGE = (1990, 2100)


@dataclass(frozen=True)
class Problem:
    field: str
    message: str


class ValidationError(ValueError):
    """Input that cannot be stored; ``problems`` name each field with a Norwegian message."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in problems))


class StaleEdit(RuntimeError):
    """Someone else saved the record after it was opened; nothing was written. ``other`` describes
    the change that won (who, when, what), so the user can see it before trying again."""

    def __init__(self, message: str, other: dict[str, Any] | None = None):
        super().__init__(message)
        self.other = other


# Field names as the form shows them (bokmål: the messages are for the user).
FIELD_NAMES = {
    "name": "Navn", "area_slug": "Område", "category": "Kategori", "funding_source": "Finansiering",
    "budget_nok": "Budsjett", "spent_nok": "Brukt", "start_year": "Startår", "end_year": "Sluttår",
    "status": "Status", "lon": "Lengdegrad", "lat": "Breddegrad", "year": "År", "amount_nok": "Beløp",
    "scheme": "Ordning", "funder": "Gitt av", "recipient": "Mottaker", "description": "Beskrivelse",
    "photo_before": "Bilde før", "photo_after": "Bilde etter",
    "progress": "Framdrift", "comment": "Kommentar", "due_date": "Frist", "done_date": "Fullført dato",
    "snapshot_name": "Navn på rapporten", "snapshot_note": "Merknad", "measure": "Tiltak",
}


def _int(data: dict, key: str, problems: list[Problem], *, required: bool = True) -> int | None:
    raw = data.get(key)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            problems.append(Problem(key, f"{FIELD_NAMES[key]} må fylles ut."))
        return None
    try:
        if isinstance(raw, float) and not raw.is_integer():
            raise ValueError
        value = int(str(raw).replace(" ", "").replace("\u00a0", "")) if isinstance(raw, str) else int(raw)
    except (TypeError, ValueError):
        problems.append(Problem(key, f"{FIELD_NAMES[key]} må være et helt tall (kroner eller år), ikke «{raw}»."))
        return None
    return value


def _text(data: dict, key: str, problems: list[Problem], *, required: bool = True, limit: int = 300) -> str | None:
    """Stripped text, or None when empty: an empty field is stored as NULL, never as "" or as the
    "nan" of a missing value in a DataFrame (``None`` and NaN count as empty)."""
    raw = data.get(key)
    value = raw.strip() if isinstance(raw, str) else ""
    if not value:
        if required:
            problems.append(Problem(key, f"{FIELD_NAMES[key]} må fylles ut."))
        return None
    if "\x00" in value:
        problems.append(Problem(key, f"{FIELD_NAMES[key]} inneholder et ugyldig tegn (NUL, tegnkode 0). "
                                     "Fjern det og prøv igjen; det kommer ofte fra tekst limt inn fra et annet program."))
    if len(value) > limit:
        problems.append(Problem(key, f"{FIELD_NAMES[key]} kan ha høyst {limit} tegn."))
    return value


# A photo is a file in the media folder (``data/media``, setting OMRADESATSING_MEDIA_DIR), named
# without a folder: the app shows nothing from other hosts (their address would leak every
# visitor's, and the app must work offline).
PHOTO_NAME = re.compile(r"^[^\W_][\w .()-]{0,198}\.(?:jpe?g|png|webp|gif)$", re.IGNORECASE)


def _photo(data: dict, key: str, problems: list[Problem]) -> str | None:
    value = _text(data, key, problems, required=False, limit=200)
    if value is None:
        return None
    if not PHOTO_NAME.match(value):
        problems.append(Problem(key, f"{FIELD_NAMES[key]} må være navnet på en bildefil (.jpg, .png, .webp eller "
                                     f".gif) i mediemappa, uten mappe eller nettadresse, ikke «{value[:80]}»."))
    elif config.media_path(value) is None:
        problems.append(Problem(key, f"{FIELD_NAMES[key]}: fila «{value}» finnes ikke i mediemappa. Legg bildet "
                                     "der først (data/media)."))
    return value


def _choice(data: dict, key: str, allowed: tuple[str, ...], problems: list[Problem]) -> str | None:
    value = data.get(key)
    if value not in allowed:
        problems.append(Problem(key, f"{FIELD_NAMES[key]} «{value}» er ikke et gyldig valg."))
        return None
    return value


def _amount(data: dict, key: str, problems: list[Problem]) -> int | None:
    value = _int(data, key, problems)
    if value is not None and value < 0:
        problems.append(Problem(key, f"{FIELD_NAMES[key]} kan ikke være negativt."))
    elif value is not None and value > MAX_AMOUNT_NOK:
        problems.append(Problem(key, f"{FIELD_NAMES[key]} er urimelig stort ({value} kr)."))
    return value


def _year(data: dict, key: str, problems: list[Problem], *, required: bool = True) -> int | None:
    value = _int(data, key, problems, required=required)
    if value is not None and not YEAR_RANGE[0] <= value <= YEAR_RANGE[1]:
        problems.append(Problem(key, f"{FIELD_NAMES[key]} må være mellom {YEAR_RANGE[0]} og {YEAR_RANGE[1]}."))
    return value


def validate_investment(data: dict[str, Any], area_slugs: set[str]) -> dict[str, Any]:
    """The cleaned fields of a project, or ``ValidationError`` listing every problem at once."""
    problems: list[Problem] = []
    clean = {
        "name": _text(data, "name", problems),
        "description": _text(data, "description", problems, required=False, limit=4000),
        "category": _choice(data, "category", INVESTMENT_CATEGORIES, problems),
        "funding_source": _choice(data, "funding_source", FUNDING_SOURCES, problems),
        "status": _choice(data, "status", INVESTMENT_STATUSES, problems),
        "budget_nok": _amount(data, "budget_nok", problems),
        "spent_nok": _amount(data, "spent_nok", problems),
        "start_year": _year(data, "start_year", problems),
        "end_year": _year(data, "end_year", problems, required=False),
        "photo_before": _photo(data, "photo_before", problems),
        "photo_after": _photo(data, "photo_after", problems),
        "illustrative": bool(data.get("illustrative", False)),
    }
    slug = data.get("area_slug")
    if slug not in area_slugs:
        problems.append(Problem("area_slug", f"Området «{slug}» finnes ikke."))
    clean["area_slug"] = slug
    if clean["start_year"] is not None and clean["end_year"] is not None and clean["end_year"] < clean["start_year"]:
        problems.append(Problem("end_year", f"Sluttår ({clean['end_year']}) kan ikke være før startår "
                                            f"({clean['start_year']})."))
    for key in ("lon", "lat"):
        raw = data.get(key)
        clean[key] = None
        if raw not in (None, ""):
            try:
                clean[key] = float(raw)
            except (TypeError, ValueError):
                problems.append(Problem(key, f"{FIELD_NAMES[key]} må være et tall."))
    if clean["lon"] is not None and not 4.5 <= clean["lon"] <= 6.0:
        problems.append(Problem("lon", "Lengdegraden ligger ikke i Bergen (4,5–6,0)."))
    if clean["lat"] is not None and not 60.0 <= clean["lat"] <= 61.0:
        problems.append(Problem("lat", "Breddegraden ligger ikke i Bergen (60,0–61,0)."))
    if problems:
        raise ValidationError(problems)
    return clean


def validate_grant(data: dict[str, Any], area_slugs: set[str]) -> dict[str, Any]:
    problems: list[Problem] = []
    clean = {
        "year": _year(data, "year", problems),
        "amount_nok": _amount(data, "amount_nok", problems),
        "scheme": _text(data, "scheme", problems),
        "funder": _text(data, "funder", problems),
        "recipient": _text(data, "recipient", problems),
        "status": _choice(data, "status", GRANT_STATUSES, problems),
        "illustrative": bool(data.get("illustrative", False)),
    }
    slug = data.get("area_slug") or None
    if slug is not None and slug not in area_slugs:
        problems.append(Problem("area_slug", f"Området «{slug}» finnes ikke."))
    clean["area_slug"] = slug
    if problems:
        raise ValidationError(problems)
    return clean


def _manual_source(session) -> Source:
    source = session.scalar(select(Source).where(Source.key == MANUAL_SOURCE_KEY))
    if source is None:
        source = Source(key=MANUAL_SOURCE_KEY, title="Registrert i dashbordet av en redaktør",
                        publisher="Bergen kommune (områdesatsingen)", licence="Bergen kommune",
                        illustrative=False, note="Tall lagt inn eller endret gjennom skjemaet på Investeringer.")
        session.add(source)
        session.flush()
    return source


def _plain(value):
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


def _audit(session, actor: Actor, action: str, entity: str, entity_id, changes: dict) -> None:
    session.add(AuditEntry(username=actor.username, action=action, entity=entity, entity_id=str(entity_id),
                           detail={k: [_plain(a), _plain(b)] for k, (a, b) in changes.items()}))


NOUNS = {"investment": "Prosjektet", "grant": "Tilskuddet", "milestone": "Milepælen", "measure": "Tiltaket"}


def _last_change(session, entity: str, entity_id: int) -> dict[str, Any] | None:
    """Who saved a record last and when, from the audit log (written with every change)."""
    row = session.execute(select(AuditEntry.username, AuditEntry.at).where(
        AuditEntry.entity == entity, AuditEntry.entity_id == str(entity_id))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(1)).first()
    return None if row is None else {"changed_by": row.username, "changed_at": row.at}


def _stale(session, entity: str, entity_id: int) -> StaleEdit:
    other = _last_change(session, entity, entity_id)
    who = f" av {other['changed_by']} {other['changed_at']:%d.%m.%Y kl. %H:%M}" if other else " av noen andre"
    return StaleEdit(f"{NOUNS[entity]} ble endret{who} etter at du åpnet det. Endringen din er ikke lagret: se den "
                     "nye versjonen og gjør endringen igjen om den fortsatt trengs.", other)


def _check_version(session, row, expected_version: int | None, entity: str) -> None:
    """Optimistic locking, the same for every record with a version: ``expected_version`` is the
    version the form was opened with (required for a change); a newer one means someone else saved
    in between, and nothing is written."""
    if expected_version is None:
        raise TypeError(f"expected_version is required to change a {entity}: pass the version the form was opened with")
    if row.version != int(expected_version):
        raise _stale(session, entity, row.id)


def _flush(session, entity: str, entity_id: int | None) -> None:
    """Write now: the version column makes an update that lost a race with another save fail here."""
    try:
        session.flush()
    except StaleDataError as exc:
        session.rollback()
        raise StaleEdit(f"{NOUNS[entity]} ble endret av noen andre samtidig. Endringen din er ikke lagret: se den "
                        "nye versjonen og gjør endringen igjen om den fortsatt trengs.") from exc


def _existing(session, actor: Actor, model, row_id: int, areas: dict[str, int], clean: dict[str, Any],
              missing: Problem):
    """Load a row to update and check the actor may write where it is now (a row without an area,
    such as a city-wide grant, needs an admin). Returns the row and its values before the change."""
    row = session.get(model, row_id)
    if row is None:
        raise ValidationError([missing])
    old_slug = next((slug for slug, aid in areas.items() if aid == row.area_id), None)
    if old_slug is None:
        require_role(actor, "admin")
    else:
        require_area(actor, old_slug)
    before = {k: getattr(row, k) for k in clean if k != "area_slug"}
    before["area_slug"] = old_slug
    return row, before


def save_investment(engine: Engine, actor: Actor, data: dict[str, Any], *, investment_id: int | None = None,
                    expected_version: int | None = None) -> int:
    """Create (``investment_id=None``) or update a project. Returns its id.

    Editors may only write projects in their own areas (also the area it is moved from); a viewer
    gets ``PermissionDenied`` before anything is read, and the account is checked against the store
    in the same transaction as the write. ``expected_version`` (from when the form was opened;
    required for an update) refuses a save over someone else's newer change with ``StaleEdit``.
    """
    require_role(actor, "editor")
    with db.session_scope(engine) as session:
        actor = current_actor(session, actor)
        require_role(actor, "editor")
        areas = {slug: aid for slug, aid in session.execute(select(Area.slug, Area.id))}
        clean = validate_investment(data, set(areas))
        require_area(actor, clean["area_slug"])
        if investment_id is None:
            inv = Investment(area_id=areas[clean["area_slug"]], source_id=_manual_source(session).id)
            session.add(inv)
            before: dict[str, Any] = {}
            action = "create"
        else:
            inv, before = _existing(session, actor, Investment, investment_id, areas, clean,
                                    Problem("name", f"Prosjektet med nummer {investment_id} finnes ikke."))
            _check_version(session, inv, expected_version, "investment")
            action = "update"
        for key, value in clean.items():
            if key == "area_slug":
                inv.area_id = areas[value]
            else:
                setattr(inv, key, value)
        _flush(session, "investment", investment_id)
        changes = {k: (before.get(k), v) for k, v in clean.items() if before.get(k) != v}
        _audit(session, actor, action, "investment", inv.id, changes)
        return inv.id


def save_grant(engine: Engine, actor: Actor, data: dict[str, Any], *, grant_id: int | None = None,
               expected_version: int | None = None) -> int:
    """Create or update a state grant. Editors: grants for their own areas; without an area
    (e.g. a grant to the whole city) only an admin. An update needs ``expected_version``, the
    version the form was opened with (``StaleEdit`` when someone saved in between)."""
    require_role(actor, "editor")
    with db.session_scope(engine) as session:
        actor = current_actor(session, actor)
        require_role(actor, "editor")
        areas = {slug: aid for slug, aid in session.execute(select(Area.slug, Area.id))}
        clean = validate_grant(data, set(areas))
        if clean["area_slug"] is None:
            require_role(actor, "admin")
        else:
            require_area(actor, clean["area_slug"])
        if grant_id is None:
            grant = Grant(source_id=_manual_source(session).id, derived=False)
            session.add(grant)
            before: dict[str, Any] = {}
            action = "create"
        else:
            grant, before = _existing(session, actor, Grant, grant_id, areas, clean,
                                      Problem("year", f"Tilskuddet med nummer {grant_id} finnes ikke."))
            _check_version(session, grant, expected_version, "grant")
            action = "update"
        for key, value in clean.items():
            if key == "area_slug":
                grant.area_id = areas[value] if value else None
            else:
                setattr(grant, key, value)
        _flush(session, "grant", grant_id)
        changes = {k: (before.get(k), v) for k, v in clean.items() if before.get(k) != v}
        _audit(session, actor, action, "grant", grant.id, changes)
        return grant.id


# ---------------------------------------------------------------------------------------------
# Measures (tiltak): status with a comment, milestones, frozen tertial reports
# ---------------------------------------------------------------------------------------------

MAX_COMMENT = 2000
STATUS_NB = {"not_started": "ikke startet", "on_track": "i rute", "at_risk": "risiko", "off_track": "ikke i rute",
             "completed": "fullført"}


def _measure_for_edit(session, actor: Actor, measure_id: int) -> Measure:
    """The measure, if the actor may edit it: an admin always, an editor in one of its areas."""
    measure = session.get(Measure, measure_id)
    if measure is None:
        raise ValidationError([Problem("measure", f"Tiltaket med nummer {measure_id} finnes ikke.")])
    slugs = session.scalars(select(Area.slug).join(MeasureArea, MeasureArea.area_id == Area.id)
                            .where(MeasureArea.measure_id == measure_id)).all()
    if not any(_may(actor, slug) for slug in slugs) and not _may(actor, None):
        raise PermissionDenied(f"Du kan ikke endre tiltaket «{measure.name}»: det ligger ikke i dine områder.")
    return measure


def _may(actor: Actor, slug: str | None) -> bool:
    return has_role(actor, "admin") if slug is None else may_edit_area(actor, slug)


def _latest_update(session, measure_id: int) -> dict[str, Any] | None:
    row = session.execute(select(StatusUpdate).where(StatusUpdate.measure_id == measure_id)
                          .order_by(StatusUpdate.changed_at.desc(), StatusUpdate.id.desc()).limit(1)).scalar()
    if row is None:
        return None
    return {"changed_by": row.changed_by, "changed_at": row.changed_at, "previous_status": row.previous_status,
            "status": row.status, "progress": row.progress, "comment": row.comment}


def _stale_message(other: dict[str, Any] | None) -> str:
    if other is None:
        return "Tiltaket er endret av noen andre etter at du åpnet det. Endringen din er ikke lagret."
    return (f"Tiltaket ble endret av {other['changed_by']} {other['changed_at']:%d.%m.%Y kl. %H:%M} "
            f"(status «{STATUS_NB.get(other['status'], other['status'])}», «{other['comment']}»). Endringen din er ikke lagret: se den nye "
            "statusen og gjør endringen igjen om den fortsatt trengs.")


def update_measure_status(engine: Engine, actor: Actor, measure_id: int, *, status: str, progress: Any,
                          comment: str, expected_version: int, now: dt.datetime | None = None) -> int:
    """Set a measure's status and progress with a comment (required). Returns the new version.

    ``expected_version`` is the version the editor saw when the form was opened. If someone saved
    in between, nothing is written and ``StaleEdit.other`` holds their change; the status history
    and audit log get one row each, in the same transaction as the change.
    """
    require_role(actor, "editor")
    problems: list[Problem] = []
    status = _choice({"status": status}, "status", MEASURE_STATUSES, problems)
    value = _int({"progress": progress}, "progress", problems)
    if value is not None and not 0 <= value <= 100:
        problems.append(Problem("progress", "Framdrift må være mellom 0 og 100 %."))
    text = _text({"comment": comment}, "comment", problems, limit=MAX_COMMENT)
    if text is not None and len(text) < 3:
        problems.append(Problem("comment", "Kommentaren må si noe om hvorfor (minst 3 tegn)."))
    if problems:
        raise ValidationError(problems)
    when = now or utcnow()
    with db.session_scope(engine) as session:
        actor = current_actor(session, actor)
        require_role(actor, "editor")
        measure = _measure_for_edit(session, actor, measure_id)
        if measure.version != expected_version:
            other = _latest_update(session, measure_id)
            raise StaleEdit(_stale_message(other), other)
        before = {"status": measure.status, "progress": measure.progress}
        measure.status, measure.progress, measure.updated_at = status, value, when
        measure.status_illustrative = False
        try:
            session.flush()  # the version column makes a concurrent save fail here
        except StaleDataError as exc:
            session.rollback()
            with db.session_scope(engine) as fresh:
                other = _latest_update(fresh, measure_id)
            raise StaleEdit(_stale_message(other), other) from exc
        session.add(StatusUpdate(measure_id=measure_id, previous_status=before["status"], status=status,
                                 progress=value, comment=text, changed_by=actor.display_name or actor.username,
                                 changed_at=when, illustrative=False))
        _audit(session, actor, "status", "measure", measure_id,
               {"status": (before["status"], status), "progress": (before["progress"], value),
                "comment": (None, text)})
        return measure.version


def _date(data: dict, key: str, problems: list[Problem], *, required: bool = True) -> dt.date | None:
    raw = data.get(key)
    if raw in (None, ""):
        if required:
            problems.append(Problem(key, f"{FIELD_NAMES[key]} må fylles ut."))
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw).strip())
    except ValueError:
        problems.append(Problem(key, f"{FIELD_NAMES[key]} må være en dato (ÅÅÅÅ-MM-DD), ikke «{raw}»."))
        return None


def save_milestone(engine: Engine, actor: Actor, measure_id: int, data: dict[str, Any], *,
                   milestone_id: int | None = None, expected_version: int | None = None) -> int:
    """Add or change a milestone of a measure (name, due date, done date). Returns its id.
    A change needs ``expected_version``, the milestone's version when the form was opened."""
    require_role(actor, "editor")
    problems: list[Problem] = []
    clean = {"name": _text(data, "name", problems), "due_date": _date(data, "due_date", problems),
             "done_date": _date(data, "done_date", problems, required=False)}
    for key in ("due_date", "done_date"):
        if clean[key] is not None and not YEAR_RANGE[0] <= clean[key].year <= YEAR_RANGE[1]:
            problems.append(Problem(key, f"{FIELD_NAMES[key]} må ligge mellom {YEAR_RANGE[0]} og {YEAR_RANGE[1]}."))
    if problems:
        raise ValidationError(problems)
    with db.session_scope(engine) as session:
        actor = current_actor(session, actor)
        require_role(actor, "editor")
        _measure_for_edit(session, actor, measure_id)
        if milestone_id is None:
            row = Milestone(measure_id=measure_id, illustrative=False)
            session.add(row)
            before: dict[str, Any] = {}
            action = "create"
        else:
            row = session.get(Milestone, milestone_id)
            if row is None or row.measure_id != measure_id:
                raise ValidationError([Problem("name", f"Milepælen med nummer {milestone_id} finnes ikke.")])
            _check_version(session, row, expected_version, "milestone")
            before = {k: getattr(row, k) for k in clean}
            action = "update"
        for key, value in clean.items():
            setattr(row, key, value)
        row.illustrative = False
        _flush(session, "milestone", milestone_id)
        _audit(session, actor, action, "milestone", row.id,
               {k: (before.get(k), v) for k, v in clean.items() if before.get(k) != v} | {"measure": (None, measure_id)})
        return row.id


def freeze_snapshot(engine: Engine, actor: Actor, name: str, *, note: str | None = None,
                    now: dt.datetime | None = None) -> int:
    """Freeze every measure's status, progress and latest comment as a tertial report. Editors
    and admins; a snapshot covers the whole programme, so it is not limited to the editor's areas."""
    require_role(actor, "editor")
    problems: list[Problem] = []
    clean_name = _text({"snapshot_name": name}, "snapshot_name", problems, limit=200)
    clean_note = _text({"snapshot_note": note}, "snapshot_note", problems, required=False, limit=MAX_COMMENT)
    if problems:
        raise ValidationError(problems)
    when = now or utcnow()
    with db.session_scope(engine) as session:
        actor = current_actor(session, actor)
        require_role(actor, "editor")
        snap = ReportSnapshot(name=clean_name, taken_at=when, taken_by=actor.display_name or actor.username,
                              illustrative=False, note=clean_note)
        session.add(snap)
        session.flush()
        latest = {}
        for measure_id, comment in session.execute(
                select(StatusUpdate.measure_id, StatusUpdate.comment)
                .order_by(StatusUpdate.measure_id, StatusUpdate.changed_at, StatusUpdate.id)):
            latest[measure_id] = comment
        count = 0
        for m in session.scalars(select(Measure)):
            session.add(SnapshotItem(snapshot_id=snap.id, measure_id=m.id, status=m.status, progress=m.progress,
                                     comment=latest.get(m.id), updated_at=m.updated_at,
                                     illustrative=bool(m.status_illustrative)))
            count += 1
        _audit(session, actor, "freeze", "report_snapshot", snap.id, {"name": (None, clean_name),
                                                                      "measures": (None, count)})
        return snap.id


__all__ = ["PermissionDenied", "Problem", "StaleEdit", "ValidationError", "freeze_snapshot", "save_grant",
           "save_investment", "save_milestone", "update_measure_status"]
