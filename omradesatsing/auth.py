"""Built-in accounts: argon2 password hashes, a lock after repeated failed logins, audit rows."""

from __future__ import annotations

import datetime as dt

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, select

from omradesatsing import db
from omradesatsing.models import Area, AuditEntry, User, UserArea, utcnow
from omradesatsing.permissions import ROLE_RANK, Actor

MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 5
MIN_PASSWORD_LENGTH = 10
_hasher = PasswordHasher()


class UserError(ValueError):
    """Bad input for a user account; the message is Norwegian."""


class LoginLocked(Exception):
    """Too many failed attempts; try again after ``until``."""

    def __init__(self, until: dt.datetime):
        super().__init__(f"For mange mislykkede forsøk. Prøv igjen etter kl. {until:%H:%M}.")
        self.until = until


def create_user(engine: Engine, username: str, password: str, *, role: str = "editor",
                display_name: str | None = None, email: str | None = None,
                area_slugs: tuple[str, ...] = (), actor: str = "system") -> None:
    username = (username or "").strip().lower()
    if not username or len(username) > 120:
        raise UserError("Brukernavnet må ha mellom 1 og 120 tegn.")
    if role not in ROLE_RANK:
        raise UserError(f"Ukjent rolle «{role}». Bruk viewer, editor eller admin.")
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise UserError(f"Passordet må ha minst {MIN_PASSWORD_LENGTH} tegn.")
    with db.session_scope(engine) as session:
        if session.scalar(select(User.id).where(User.username == username)):
            raise UserError(f"Brukernavnet «{username}» finnes allerede.")
        user = User(username=username, display_name=display_name or username, email=email,
                    password_hash=_hasher.hash(password), role=role)
        session.add(user)
        session.flush()
        for slug in area_slugs:
            area_id = session.scalar(select(Area.id).where(Area.slug == slug))
            if area_id is None:
                raise UserError(f"Ukjent område «{slug}».")
            session.add(UserArea(user_id=user.id, area_id=area_id))
        session.add(AuditEntry(username=actor, action="create", entity="user", entity_id=str(user.id),
                               detail={"username": username, "role": role, "areas": list(area_slugs)}))


def authenticate(engine: Engine, username: str, password: str) -> Actor | None:
    """The actor for a correct username and password, else None. Raises LoginLocked when locked."""
    username = (username or "").strip().lower()
    now = utcnow()
    with db.session_scope(engine) as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None or not user.active or not user.password_hash:
            _hasher.hash(password or "x")  # same work whether or not the user exists
            return None
        if user.locked_until and user.locked_until > now:
            raise LoginLocked(user.locked_until)
        try:
            _hasher.verify(user.password_hash, password or "")
        except (VerificationError, InvalidHashError):
            user.failed_logins += 1
            if user.failed_logins >= MAX_FAILED_LOGINS:
                user.locked_until = now + dt.timedelta(minutes=LOCK_MINUTES)
                user.failed_logins = 0
            session.add(AuditEntry(username=username, action="login_failed", entity="user", entity_id=str(user.id)))
            return None
        user.failed_logins = 0
        user.locked_until = None
        slugs = session.scalars(
            select(Area.slug).join(UserArea, UserArea.area_id == Area.id).where(UserArea.user_id == user.id)
        ).all()
        session.add(AuditEntry(username=username, action="login", entity="user", entity_id=str(user.id)))
        return Actor(username=user.username, role=user.role, display_name=user.display_name,
                     area_slugs=frozenset(slugs))


def record_sso_login(engine: Engine, who: Actor) -> None:
    """One audit row when someone signs in through single sign-on (their role as mapped then)."""
    with db.session_scope(engine) as session:
        session.add(AuditEntry(username=who.username, action="login_sso", entity="user", entity_id=None,
                               detail={"role": who.role, "areas": sorted(who.area_slugs)}))
