"""Single sign-on in real Chromium against a local OIDC provider (oidc-provider-mock): sign in
from the login page, come back as an editor with the area from the groups claim, sign out."""

from __future__ import annotations

import re

import pytest
from oidc_provider_mock import User, run_server_in_thread
from playwright.sync_api import expect

from tests.e2e.conftest import AppServer, free_port, open_url, screenshot, ui, wait_for_app_run

pytestmark = pytest.mark.e2e


def test_sign_in_with_the_municipal_account_and_out_again(store_file, browser, tmp_path):
    kari = User(sub="kari@example.no", claims={"email": "kari@example.no", "name": "Kari Nordmann",
                                               "groups": ["editors", "omrade:olsvik"]})
    with run_server_in_thread(user_claims=[kari]) as provider:
        issuer = f"http://127.0.0.1:{provider.server_port}"
        port = free_port()
        app = f"http://127.0.0.1:{port}"  # the same host as redirect_uri, or the callback loses its cookie
        secrets = tmp_path / "secrets.toml"
        secrets.write_text(f'''[auth]
redirect_uri = "{app}/oauth2callback"
cookie_secret = "e2e-only-cookie-secret-0123456789abcdef"
client_id = "omradesatsing-e2e"
client_secret = "e2e-secret"
server_metadata_url = "{issuer}/.well-known/openid-configuration"

[omradesatsing_sso]
role_claim = "groups"
editor_groups = ["editors"]
''', encoding="utf-8")
        server = AppServer(store_file, port=port, extra_args=("--secrets.files", str(secrets)))
        context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="nb-NO")
        page = context.new_page()
        try:
            open_url(page, f"{app}/admin")
            button = page.get_by_role("button", name=ui("login.sso"))
            expect(button).to_be_visible()
            screenshot(page, "login-sso-1280x720")
            button.click()
            page.wait_for_url(re.compile(re.escape(issuer) + r"/oauth2/authorize"))
            page.get_by_role("button", name="kari@example.no", exact=True).click()
            # back through /oauth2callback; Streamlit then opens the page the sign-in started from
            expect(page.get_by_text(ui("login.signed_in_as").format(name="Kari Nordmann", role=ui("roles.editor")))
                   ).to_be_visible(timeout=30_000)
            assert page.url.startswith(app)
            page.get_by_role("link", name=ui("nav.admin")).click()
            wait_for_app_run(page)
            expect(page.get_by_role("heading", name=ui("admin.title"), exact=True)).to_be_visible()
            page.get_by_role("button", name=ui("login.sign_out")).click()
            page.wait_for_url(re.compile(re.escape(issuer) + r"/oauth2/end_session"))
            page.get_by_role("button", name="End session").click()
            expect(page.get_by_role("link", name=ui("nav.oversikt"))).to_be_visible(timeout=30_000)
            assert page.url.startswith(app)
            assert not {c["name"] for c in context.cookies()} & {"_streamlit_user", "_streamlit_user_tokens"}
            open_url(page, f"{app}/admin")
            expect(page.get_by_role("button", name=ui("login.sso"))).to_be_visible()  # signed out again
        except Exception:
            print("URL:", page.url, [c["name"] for c in context.cookies()])
            page.screenshot(path="/tmp/shots/sso-fail.png")
            print(server.output()[-4000:])
            raise
        finally:
            context.close()
            server.stop()
