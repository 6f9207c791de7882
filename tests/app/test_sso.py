"""Single sign-on in AppTest: roles and areas from the token's claims (``at.user``), the SSO
button only when ``[auth]`` is configured, and a signed-in viewer kept out of Admin."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from omradesatsing import db
from omradesatsing.models import AuditEntry
from tests.app.conftest import APP, assert_clean, text_of, ui

pytestmark = pytest.mark.app

AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
        "client_id": "omradesatsing", "client_secret": "s",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}


def _admin_page(user: dict, *, sso: bool = True) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    if sso:
        at.secrets["auth"] = AUTH
    at.user = user
    at.run()
    at.switch_page("pages/admin.py").run()
    return at


def test_editor_claims_open_admin_with_the_areas_from_groups():
    at = _admin_page({"is_logged_in": True, "sub": "kari@example.no", "email": "kari@example.no",
                      "name": "Kari Nordmann", "groups": ["editors", "omrade:olsvik"]})
    assert_clean(at)
    assert at.title[0].value == ui("admin.title")
    assert "Kari Nordmann" in text_of(at)
    assert ui("login.signed_in_as").format(name="Kari Nordmann", role=ui("roles.editor")) in text_of(at)
    assert ui("admin.users_heading") not in [h.value for h in at.header]  # editors do not manage users
    import os

    engine = db.make_engine(os.environ["DATABASE_URL"])
    with db.session_scope(engine) as s:
        row = s.query(AuditEntry).filter_by(action="login_sso", username="sso:kari@example.no").order_by(
            AuditEntry.id.desc()).first()
        assert row is not None and row.detail == {"role": "editor", "areas": ["olsvik"], "name": "Kari Nordmann"}


def test_admin_claims_manage_users():
    at = _admin_page({"is_logged_in": True, "sub": "ola", "name": "Ola", "groups": ["admins"]})
    assert_clean(at)
    assert ui("admin.users_heading") in [h.value for h in at.header]


def test_a_signed_in_viewer_is_kept_out_of_admin():
    at = _admin_page({"is_logged_in": True, "sub": "per", "name": "Per", "groups": ["staff"]})
    assert at.title[0].value == ui("login.title")
    assert [e.value for e in at.error] == [ui("login.no_access")]
    assert not at.text_input  # no password form for someone already signed in


@pytest.mark.parametrize("sso", [True, False])
def test_the_sso_button_only_when_configured(sso):
    at = _admin_page({"is_logged_in": False}, sso=sso)
    assert_clean(at)
    assert at.title[0].value == ui("login.title")
    labels = [b.label for b in at.button]
    assert (ui("login.sso") in labels) is sso
    assert len(at.text_input) == 2  # the password form is always there


def test_an_unreachable_provider_disables_the_button_with_a_message():
    at = _admin_page({"is_logged_in": False})  # AUTH points at port 9, where nothing answers
    assert not at.exception
    button = next(b for b in at.button if b.label == ui("login.sso"))
    assert button.disabled
    assert ui("login.sso_unavailable") in [w.value for w in at.warning]
