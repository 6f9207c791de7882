"""Built-in accounts: argon2 password hashes, a lock after repeated failed logins, audit rows, and
the check that a signed-in account may still act.

Signing in answers the same way whatever went wrong (no such user, a closed account, a wrong
password, a locked account, a role without access), so the answer tells nobody whether an account
exists. Failed attempts are counted in the database with one atomic ``UPDATE`` each, so attempts
made at the same time are all counted. At most ``MAX_CONCURRENT_HASHES`` password hashes are
computed at once in a process: each costs argon2's 64 MiB, and twenty at once would otherwise
add more than a gigabyte.
"""

from __future__ import annotations

import datetime as dt
import threading

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, case, select, update
from sqlalchemy.orm import Session

from omradesatsing import db
from omradesatsing.models import Area, AuditEntry, User, UserArea, utcnow
from omradesatsing.permissions import ROLE_RANK, Actor, PermissionDenied, has_role

MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 5
MIN_PASSWORD_LENGTH = 10
MAX_USERNAME = 120  # app_user.username, audit_entry.username
MAX_DISPLAY_NAME = 120  # status_update.changed_by, report_snapshot.taken_by hold the display name
MAX_CONCURRENT_HASHES = 2
_hasher = PasswordHasher()
_hash_slots = threading.BoundedSemaphore(MAX_CONCURRENT_HASHES)


class UserError(ValueError):
    """Bad input for a user account; the message is Norwegian."""


class AccountClosed(PermissionDenied):
    """The signed-in account was closed or removed after sign-in: it may no longer act."""


def clean_text(value, limit: int) -> str:
    """Text from outside (a form, a token) as it may be stored: no NUL bytes (PostgreSQL cannot
    store them), no surrounding spaces, at most ``limit`` characters."""
    return str(value or "").replace("\x00", "").strip()[:limit]


def _hash(password: str) -> str:
    with _hash_slots:
        return _hasher.hash(password)


def _verify(password_hash: str | None, password: str) -> bool:
    """True for the right password. Without a hash (unknown or SSO-only user) the same work is
    done against a throwaway hash, so the time taken does not tell whether the account exists."""
    with _hash_slots:
        if not password_hash:
            _hasher.hash(password or "x")
            return False
        try:
            return _hasher.verify(password_hash, password or "")
        except (VerificationError, InvalidHashError):
            return False


def create_user(engine: Engine, username: str, password: str, *, role: str = "editor",
                display_name: str | None = None, email: str | None = None,
                area_slugs: tuple[str, ...] = (), actor: str = "system") -> None:
    if any("\x00" in (v or "") for v in (username, password, display_name, email)):
        raise UserError("Brukernavn, navn, e-post og passord kan ikke inneholde NUL-tegn.")
    username = (username or "").strip().lower()
    if not username or len(username) > MAX_USERNAME:
        raise UserError(f"Brukernavnet må ha mellom 1 og {MAX_USERNAME} tegn.")
    if display_name and len(display_name.strip()) > MAX_DISPLAY_NAME:
        raise UserError(f"Navnet kan ha høyst {MAX_DISPLAY_NAME} tegn.")
    if email and len(email.strip()) > 200:
        raise UserError("E-postadressen kan ha høyst 200 tegn.")
    if role not in ROLE_RANK:
        raise UserError(f"Ukjent rolle «{role}». Bruk viewer, editor eller admin.")
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise UserError(f"Passordet må ha minst {MIN_PASSWORD_LENGTH} tegn.")
    with db.session_scope(engine) as session:
        if session.scalar(select(User.id).where(User.username == username)):
            raise UserError(f"Brukernavnet «{username}» finnes allerede.")
        user = User(username=username, display_name=(display_name or "").strip() or username,
                    email=(email or "").strip() or None, password_hash=_hash(password), role=role)
        session.add(user)
        session.flush()
        for slug in area_slugs:
            area_id = session.scalar(select(Area.id).where(Area.slug == slug))
            if area_id is None:
                raise UserError(f"Ukjent område «{slug}».")
            session.add(UserArea(user_id=user.id, area_id=area_id))
        session.add(AuditEntry(username=actor, action="create", entity="user", entity_id=str(user.id),
                               detail={"username": username, "role": role, "areas": list(area_slugs)}))


def _areas_of(session: Session, user_id: int) -> frozenset[str]:
    return frozenset(session.scalars(
        select(Area.slug).join(UserArea, UserArea.area_id == Area.id).where(UserArea.user_id == user_id)).all())


def _count_failure(engine: Engine, user_id: int, now: dt.datetime) -> None:
    """One failed attempt, counted atomically (the right-hand sides see the row before the update,
    on SQLite and PostgreSQL alike): a lock that has run out starts the count again at 1, and the
    attempt that reaches ``MAX_FAILED_LOGINS`` locks the account for ``LOCK_MINUTES``."""
    expired = User.locked_until.is_not(None) & (User.locked_until <= now)
    count = case((expired, 1), else_=User.failed_logins + 1)
    with engine.begin() as conn:
        conn.execute(update(User).where(User.id == user_id).values(
            failed_logins=count,
            locked_until=case((count >= MAX_FAILED_LOGINS, now + dt.timedelta(minutes=LOCK_MINUTES)),
                              (expired, None), else_=User.locked_until)))


def authenticate(engine: Engine, username: str, password: str, *, min_role: str = "viewer") -> Actor | None:
    """The actor for a correct username and password of an open, unlocked account with at least
    ``min_role``; ``None`` for every other case, without saying which (the caller shows one message).

    Attempts made at once are all counted: ``MAX_FAILED_LOGINS`` wrong passwords lock the account for
    ``LOCK_MINUTES`` however many arrive together.
    """
    raw = username or ""
    username = raw.strip().lower()
    if "\x00" in raw or "\x00" in (password or "") or not username or len(username) > MAX_USERNAME:
        _verify(None, "x")
        return None
    # One slot for reading the state, hashing and counting: an attempt queued behind others sees
    # the count and the lock they left.
    with _hash_slots:
        now = utcnow()
        with db.session_scope(engine) as session:
            user = session.scalar(select(User).where(User.username == username))
            state = None if user is None else (user.id, user.active, user.password_hash, user.locked_until)
        usable = state is not None and bool(state[1]) and bool(state[2]) and not (state[3] and state[3] > now)
        right = False
        if usable:
            try:
                right = _hasher.verify(state[2], password or "")
            except (VerificationError, InvalidHashError):
                right = False
        else:
            _hasher.hash(password or "x")  # the same work whether or not the account exists or is locked
        if state is None:
            return None
        return _outcome(engine, username, state[0], usable, right, now, min_role)


def _outcome(engine: Engine, username: str, user_id: int, usable: bool, right: bool, now: dt.datetime,
             min_role: str) -> Actor | None:
    """Count and audit an attempt on an existing account; the actor for a success."""
    if not usable:
        with db.session_scope(engine) as session:
            session.add(AuditEntry(username=username, action="login_refused", entity="user", entity_id=str(user_id)))
        return None
    if not right:
        _count_failure(engine, user_id, now)
        with db.session_scope(engine) as session:
            session.add(AuditEntry(username=username, action="login_failed", entity="user", entity_id=str(user_id)))
        return None
    with db.session_scope(engine) as session:
        opened = session.execute(
            update(User).where(User.id == user_id, User.locked_until.is_(None) | (User.locked_until <= now))
            .values(failed_logins=0, locked_until=None)).rowcount
        user = session.get(User, user_id)
        if not opened or not user.active:  # locked (or closed) by another process while this one hashed
            session.add(AuditEntry(username=username, action="login_refused", entity="user", entity_id=str(user_id)))
            return None
        who = Actor(username=user.username, role=user.role, display_name=clean_text(user.display_name, MAX_DISPLAY_NAME),
                    area_slugs=_areas_of(session, user_id), via="password")
        if not has_role(who, min_role):
            session.add(AuditEntry(username=username, action="login_refused", entity="user", entity_id=str(user_id),
                                   detail={"role": user.role}))
            return None
        session.add(AuditEntry(username=username, action="login", entity="user", entity_id=str(user_id)))
        return who


def current_actor(session: Session, actor: Actor) -> Actor:
    """``actor`` as the store says it is now, for a write in ``session``'s transaction.

    A built-in account (``via="password"``) gets its role and areas from the store, so a change on
    Admin holds at once, also for a session signed in before it; a closed or removed account raises
    ``AccountClosed``. A person signed in through SSO keeps the role the identity provider's claims
    gave, unless an account of that name is closed here. Actors built in code (the seed, tests) and
    the anonymous viewer are returned as they are.
    """
    if actor.via not in ("password", "sso"):
        return actor
    user = session.scalar(select(User).where(User.username == actor.username))
    if actor.via == "sso":
        if user is not None and not user.active:
            raise AccountClosed("Kontoen din er stengt. Ta kontakt med en administrator.")
        return actor
    if user is None or not user.active:
        raise AccountClosed("Kontoen din er stengt eller finnes ikke lenger, så endringen ble ikke lagret. "
                            "Ta kontakt med en administrator.")
    areas = _areas_of(session, user.id)
    if (user.role, areas) == (actor.role, actor.area_slugs):
        return actor
    return Actor(username=actor.username, role=user.role, display_name=actor.display_name, area_slugs=areas,
                 via="password")


def refresh(engine: Engine, actor: Actor) -> Actor | None:
    """``current_actor`` in its own transaction, for the UI at the start of a run: ``None`` when the
    account may no longer act (the UI signs it out)."""
    if actor.via not in ("password", "sso"):
        return actor
    with db.session_scope(engine) as session:
        try:
            return current_actor(session, actor)
        except AccountClosed:
            return None


def record_sso_login(engine: Engine, who: Actor) -> None:
    """One audit row when someone signs in through single sign-on (their role as mapped then)."""
    with db.session_scope(engine) as session:
        session.add(AuditEntry(username=who.username, action="login_sso", entity="user", entity_id=None,
                               detail={"role": who.role, "areas": sorted(who.area_slugs),
                                       "name": who.display_name}))
