"""Roles and who may do what. Checked in the core (``commands``/``auth``), not only in the UI."""

from __future__ import annotations

from dataclasses import dataclass, field

ROLE_RANK = {"viewer": 0, "editor": 1, "admin": 2}


class PermissionDenied(PermissionError):
    """The actor's role does not allow this. The message is Norwegian and shown to the user."""


@dataclass(frozen=True)
class Actor:
    """Who is acting: a logged-in user, or the anonymous viewer."""

    username: str
    role: str = "viewer"
    display_name: str = ""
    area_slugs: frozenset[str] = field(default_factory=frozenset)  # editors: the areas they may edit
    # How they signed in: "password" (a built-in account, from ``auth.authenticate`` or the CLI: the
    # store decides role, areas and whether it may act, again on every write), "sso" (the identity
    # provider's claims decide), "anonymous", or "code" (built by trusted code, e.g. the seed and tests).
    via: str = "code"

    @property
    def is_authenticated(self) -> bool:
        return self.username != ANONYMOUS_NAME


ANONYMOUS_NAME = "anonym"
ANONYMOUS = Actor(ANONYMOUS_NAME, "viewer", "Ikke innlogget", via="anonymous")


def has_role(actor: Actor, role: str) -> bool:
    return ROLE_RANK.get(actor.role, -1) >= ROLE_RANK[role]


def require_role(actor: Actor, role: str) -> None:
    if not has_role(actor, role):
        raise PermissionDenied(
            f"Du har ikke tilgang til dette. Rollen «{actor.role}» kan ikke gjøre det som krever «{role}»."
        )


def may_edit_area(actor: Actor, area_slug: str) -> bool:
    if has_role(actor, "admin"):
        return True
    return has_role(actor, "editor") and area_slug in actor.area_slugs


def require_area(actor: Actor, area_slug: str) -> None:
    if not may_edit_area(actor, area_slug):
        raise PermissionDenied(f"Du kan ikke endre data for området «{area_slug}».")
