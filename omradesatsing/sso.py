"""Single sign-on (OIDC through Streamlit's ``st.login``): who a signed-in person is in this app.

The identity provider (e.g. Entra ID) sends claims in the ID token; the role and areas come from
one claim holding groups (or roles). Which groups mean what is set in the ``[omradesatsing_sso]``
section of ``.streamlit/secrets.toml``; without it the defaults below apply. No Streamlit here:
the UI passes ``st.user`` as a plain mapping.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from omradesatsing.auth import MAX_DISPLAY_NAME, MAX_USERNAME, clean_text
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
    username = sso_username(claims)
    display = clean_text(claims.get("name") or claims.get("email") or claims.get("preferred_username") or username,
                         MAX_DISPLAY_NAME) or username
    return Actor(username=username, role=role, display_name=display, area_slugs=areas, via="sso")


def sso_username(claims: Mapping[str, Any]) -> str:
    """Who the person is in the audit log: the provider's subject (``sub``), which OIDC promises is
    stable and never reassigned, prefixed ``sso:``. Not the e-mail claim: a provider may let people
    set an address they do not own (``email_verified`` false), and addresses change hands. A subject
    longer than the column (OIDC allows 255 characters) is shortened to a digest of itself."""
    sub = clean_text(claims.get("sub"), 1000)
    if not sub:
        raise ValueError("the ID token has no subject (sub)")
    name = f"sso:{sub}"
    if len(name) > MAX_USERNAME:
        name = "sso:" + hashlib.sha256(sub.encode("utf-8")).hexdigest()
    return name
