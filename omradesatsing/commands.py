"""The write side: every change goes through here. Each function checks the actor's role (and
area) first, validates the input with Norwegian messages that name the field, and writes the
change and its audit entry in one transaction, so either both are stored or neither is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm.exc import StaleDataError

from omradesatsing import db
from omradesatsing.models import (
    FUNDING_SOURCES,
    GRANT_STATUSES,
    INVESTMENT_CATEGORIES,
    INVESTMENT_STATUSES,
    Area,
    AuditEntry,
    Grant,
    Investment,
    Source,
)
from omradesatsing.permissions import Actor, PermissionDenied, require_area, require_role

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
    """Someone else saved the record after it was opened; nothing was written."""


# Field names as the form shows them (bokmål: the messages are for the user).
FIELD_NAMES = {
    "name": "Navn", "area_slug": "Område", "category": "Kategori", "funding_source": "Finansiering",
    "budget_nok": "Budsjett", "spent_nok": "Brukt", "start_year": "Startår", "end_year": "Sluttår",
    "status": "Status", "lon": "Lengdegrad", "lat": "Breddegrad", "year": "År", "amount_nok": "Beløp",
    "scheme": "Ordning", "funder": "Gitt av", "recipient": "Mottaker", "description": "Beskrivelse",
    "photo_before": "Bilde før", "photo_after": "Bilde etter",
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
    value = (data.get(key) or "").strip()
    if not value:
        if required:
            problems.append(Problem(key, f"{FIELD_NAMES[key]} må fylles ut."))
        return None
    if len(value) > limit:
        problems.append(Problem(key, f"{FIELD_NAMES[key]} kan ha høyst {limit} tegn."))
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
        "photo_before": _text(data, "photo_before", problems, required=False, limit=500),
        "photo_after": _text(data, "photo_after", problems, required=False, limit=500),
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
    gets ``PermissionDenied`` before anything is read. ``expected_version`` (from when the form
    was opened) refuses a save over someone else's newer change with ``StaleEdit``.
    """
    require_role(actor, "editor")
    with db.session_scope(engine) as session:
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
            if expected_version is not None and inv.version != expected_version:
                raise StaleEdit("Prosjektet er endret av noen andre etter at du åpnet det. Last siden på nytt "
                                "og gjør endringen igjen.")
            action = "update"
        for key, value in clean.items():
            if key == "area_slug":
                inv.area_id = areas[value]
            else:
                setattr(inv, key, value)
        try:
            session.flush()  # the version column makes a concurrent update fail here, not silently win
        except StaleDataError as exc:
            raise StaleEdit("Prosjektet ble endret av noen andre samtidig. Last siden på nytt og prøv igjen.") from exc
        changes = {k: (before.get(k), v) for k, v in clean.items() if before.get(k) != v}
        _audit(session, actor, action, "investment", inv.id, changes)
        return inv.id


def save_grant(engine: Engine, actor: Actor, data: dict[str, Any], *, grant_id: int | None = None) -> int:
    """Create or update a state grant. Editors: grants for their own areas; without an area
    (e.g. a grant to the whole city) only an admin."""
    require_role(actor, "editor")
    with db.session_scope(engine) as session:
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
            action = "update"
        for key, value in clean.items():
            if key == "area_slug":
                grant.area_id = areas[value] if value else None
            else:
                setattr(grant, key, value)
        session.flush()
        changes = {k: (before.get(k), v) for k, v in clean.items() if before.get(k) != v}
        _audit(session, actor, action, "grant", grant.id, changes)
        return grant.id


__all__ = ["PermissionDenied", "Problem", "StaleEdit", "ValidationError", "save_grant", "save_investment"]
