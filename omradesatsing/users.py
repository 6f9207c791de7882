"""User administration for admins: list accounts, create them, change role, areas and whether
they may log in, and read the audit log. Every function checks the admin role itself."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, delete, select

from omradesatsing import auth, db
from omradesatsing.models import Area, AuditEntry, User, UserArea
from omradesatsing.permissions import Actor, require_role
from omradesatsing.vocabulary import ROLES


def _admin(session, actor: Actor) -> Actor:
    """The actor as the store says it is now, if still an admin (an admin demoted or closed while
    signed in loses Admin at once)."""
    actor = auth.current_actor(session, actor)
    require_role(actor, "admin")
    return actor


def list_users(engine: Engine, actor: Actor) -> list[dict[str, Any]]:
    require_role(actor, "admin")
    with db.session_scope(engine) as session:
        _admin(session, actor)
        areas = {}
        for user_id, slug in session.execute(select(UserArea.user_id, Area.slug)
                                             .join(Area, Area.id == UserArea.area_id).order_by(Area.slug)):
            areas.setdefault(user_id, []).append(slug)
        return [{"username": u.username, "display_name": u.display_name, "email": u.email, "role": u.role,
                 "areas": areas.get(u.id, []), "active": u.active, "locked_until": u.locked_until,
                 "sso_only": not u.password_hash, "created_at": u.created_at}
                for u in session.scalars(select(User).order_by(User.username))]


def add_user(engine: Engine, actor: Actor, username: str, password: str, *, role: str, display_name: str | None,
             area_slugs: tuple[str, ...] = ()) -> None:
    """Create a built-in account (argon2 hash), as the CLI does, with the admin in the audit log."""
    require_role(actor, "admin")
    with db.session_scope(engine) as session:
        _admin(session, actor)
    auth.create_user(engine, username, password, role=role, display_name=display_name, area_slugs=area_slugs,
                     actor=actor.username)


def update_user(engine: Engine, actor: Actor, username: str, *, role: str, area_slugs: tuple[str, ...],
                active: bool) -> None:
    """Change a user's role, areas and whether they may log in. An admin cannot take away their own
    admin role or lock themselves out (there must always be someone who can undo a mistake)."""
    require_role(actor, "admin")
    if role not in ROLES:
        raise auth.UserError(f"Ukjent rolle «{role}». Bruk viewer, editor eller admin.")
    with db.session_scope(engine) as session:
        actor = _admin(session, actor)
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise auth.UserError(f"Brukeren «{username}» finnes ikke.")
        if user.username == actor.username and (role != "admin" or not active):
            raise auth.UserError("Du kan ikke fjerne din egen administratorrolle eller stenge din egen konto.")
        ids = dict(session.execute(select(Area.slug, Area.id).where(Area.slug.in_(area_slugs))).all())
        unknown = sorted(set(area_slugs) - set(ids))
        if unknown:
            raise auth.UserError(f"Ukjent område «{unknown[0]}».")
        before = {"role": user.role, "active": user.active,
                  "areas": sorted(session.scalars(select(Area.slug).join(UserArea, UserArea.area_id == Area.id)
                                                  .where(UserArea.user_id == user.id)).all())}
        user.role, user.active = role, active
        if active:
            user.locked_until, user.failed_logins = None, 0
        session.execute(delete(UserArea).where(UserArea.user_id == user.id))
        for slug in area_slugs:
            session.add(UserArea(user_id=user.id, area_id=ids[slug]))
        after = {"role": role, "active": active, "areas": sorted(area_slugs)}
        session.add(AuditEntry(username=actor.username, action="update", entity="user", entity_id=str(user.id),
                               detail={k: [before[k], after[k]] for k in after if before[k] != after[k]}))


def audit_log(engine: Engine, actor: Actor, limit: int = 500) -> list[dict[str, Any]]:
    """The newest audit entries: who did what to which record, and when."""
    require_role(actor, "admin")
    with db.session_scope(engine) as session:
        _admin(session, actor)
        rows = session.scalars(select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit))
        return [{"at": r.at, "username": r.username, "action": r.action, "entity": r.entity,
                 "entity_id": r.entity_id, "detail": r.detail} for r in rows]
