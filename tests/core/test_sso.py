"""Roles and areas from OIDC claims (single sign-on)."""

from __future__ import annotations

import pytest

from omradesatsing.sso import SsoSettings, actor_from_claims

AREAS = ("olsvik", "solheim", "loddefjord")


def test_admin_wins_over_editor_and_areas_come_from_prefixed_groups():
    who = actor_from_claims({"sub": "00u1kari", "email": "Kari@Bergen.kommune.no", "name": "Kari Nordmann",
                             "groups": ["editors", "admins", "omrade:olsvik", "omrade:atlantis"]}, SsoSettings(), AREAS)
    assert (who.username, who.role, who.display_name) == ("sso:00u1kari", "admin", "Kari Nordmann")
    assert who.area_slugs == frozenset({"olsvik"})  # unknown areas are dropped


def test_editor_viewer_and_a_single_string_claim():
    assert actor_from_claims({"sub": "ola", "groups": "editors"}, SsoSettings(), AREAS).role == "editor"
    viewer = actor_from_claims({"sub": "per", "groups": ["someone-else"]}, SsoSettings(), AREAS)
    assert viewer.role == "viewer" and viewer.area_slugs == frozenset()
    missing = actor_from_claims({"sub": "siv"}, SsoSettings(), AREAS)
    assert (missing.role, missing.username, missing.display_name) == ("viewer", "sso:siv", "sso:siv")


def test_settings_from_secrets_use_another_claim_and_group_names():
    settings = SsoSettings.from_mapping({"role_claim": "roles", "admin_groups": "Omradesatsing.Admin",
                                         "editor_groups": ["Omradesatsing.Redaktor"], "area_prefix": "Omrade."})
    who = actor_from_claims({"sub": "x", "roles": ["Omradesatsing.Redaktor", "Omrade.solheim"],
                             "groups": ["admins"]}, settings, AREAS)
    assert who.role == "editor" and who.area_slugs == frozenset({"solheim"})  # "groups" is not read now
    assert SsoSettings.from_mapping(None) == SsoSettings()


def test_a_token_without_identity_is_refused():
    with pytest.raises(ValueError):
        actor_from_claims({"groups": ["admins"]}, SsoSettings(), AREAS)
    with pytest.raises(ValueError):  # an e-mail is no identity: it may be unverified, and addresses change hands
        actor_from_claims({"email": "ola@bergen.kommune.no", "groups": ["admins"]}, SsoSettings(), AREAS)
