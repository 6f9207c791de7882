"""Single sign-on (OIDC through Streamlit's ``st.login``): who a signed-in person is in this app.

The identity provider (e.g. Entra ID) sends claims in the ID token; the role and areas come from
one claim holding groups (or roles). Which groups mean what is set in the ``[omradesatsing_sso]``
section of ``.streamlit/secrets.toml``; without it the defaults below apply. No Streamlit here:
the UI passes ``st.user`` as a plain mapping.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from omradesatsing.permissions import Actor


def _strings(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, Iterable):
        return tuple(str(v) for v in value)
    return (str(value),)


@dataclass(frozen=True)
class SsoSettings:
    role_claim: str = "groups"  # Entra ID: "groups" (object ids) or "roles" (app roles)
    admin_groups: tuple[str, ...] = ("admins",)
    editor_groups: tuple[str, ...] = ("editors",)
    area_prefix: str = "omrade:"  # a group "omrade:olsvik" lets an editor edit Olsvik

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None) -> SsoSettings:
        data = dict(data or {})
        default = cls()
        return cls(role_claim=str(data.get("role_claim", default.role_claim)),
                   admin_groups=_strings(data.get("admin_groups", default.admin_groups)),
                   editor_groups=_strings(data.get("editor_groups", default.editor_groups)),
                   area_prefix=str(data.get("area_prefix", default.area_prefix)))


def actor_from_claims(claims: Mapping[str, Any], settings: SsoSettings, known_areas: Iterable[str]) -> Actor:
    """The actor for a signed-in person: admin if in an admin group, else editor if in an editor
    group, else viewer (signed in, but with no more rights than anyone). Areas come from groups
    with the area prefix; unknown areas are ignored."""
    groups = set(_strings(claims.get(settings.role_claim)))
    if groups & set(settings.admin_groups):
        role = "admin"
    elif groups & set(settings.editor_groups):
        role = "editor"
    else:
        role = "viewer"
    known = set(known_areas)
    areas = frozenset(g[len(settings.area_prefix):] for g in groups
                      if settings.area_prefix and g.startswith(settings.area_prefix)
                      and g[len(settings.area_prefix):] in known)
    email, sub = claims.get("email"), claims.get("sub")
    username = str(email or sub or "").strip().lower()
    if not username:
        raise ValueError("the ID token has neither email nor sub")
    display = str(claims.get("name") or email or sub)
    return Actor(username=username, role=role, display_name=display, area_slugs=areas)
