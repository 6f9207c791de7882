"""Accounts, roles, configuration and the command line."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy import select

from omradesatsing import auth, config, db
from omradesatsing.models import AuditEntry, User
from omradesatsing.permissions import ANONYMOUS, Actor, PermissionDenied, has_role, may_edit_area, require_role

ROOT = config.PROJECT_ROOT


@pytest.fixture
def engine(db_url):
    engine = db.make_engine(db_url)
    db.upgrade(engine)
    yield engine
    engine.dispose()


def test_password_is_stored_as_argon2_hash(engine):
    auth.create_user(engine, "Kari", "et langt passord", role="editor", display_name="Kari N")
    with db.session_scope(engine) as s:
        user = s.scalar(select(User).where(User.username == "kari"))
        assert user.password_hash.startswith("$argon2")
        assert "et langt passord" not in user.password_hash
        actions = s.scalars(select(AuditEntry.action).where(AuditEntry.entity == "user")).all()
    assert actions == ["create"]
    who = auth.authenticate(engine, "KARI", "et langt passord")
    assert who == Actor("kari", "editor", "Kari N", frozenset(), via="password")
    assert auth.authenticate(engine, "kari", "feil passord") is None
    assert auth.authenticate(engine, "ingen", "et langt passord") is None


def test_bad_accounts_are_refused_in_norwegian(engine):
    auth.create_user(engine, "ola", "et langt passord")
    with pytest.raises(auth.UserError, match="finnes allerede"):
        auth.create_user(engine, "ola", "et annet langt passord")
    with pytest.raises(auth.UserError, match="minst"):
        auth.create_user(engine, "per", "kort")
    with pytest.raises(auth.UserError, match="Ukjent rolle"):
        auth.create_user(engine, "per", "et langt passord", role="sjef")


def test_login_is_locked_after_five_failures(engine):
    auth.create_user(engine, "lise", "et langt passord")
    for _ in range(auth.MAX_FAILED_LOGINS):
        assert auth.authenticate(engine, "lise", "gjett") is None
    assert auth.authenticate(engine, "lise", "et langt passord") is None  # even the right password
    with db.session_scope(engine) as s:
        failed = s.scalars(select(AuditEntry).where(AuditEntry.action == "login_failed")).all()
        refused = s.scalars(select(AuditEntry).where(AuditEntry.action == "login_refused")).all()
    assert len(failed) == auth.MAX_FAILED_LOGINS and len(refused) == 1


def test_roles():
    editor = Actor("e", "editor", area_slugs=frozenset({"olsvik"}))
    admin = Actor("a", "admin")
    assert not has_role(ANONYMOUS, "editor") and has_role(ANONYMOUS, "viewer")
    assert has_role(editor, "editor") and not has_role(editor, "admin")
    assert has_role(admin, "editor")
    with pytest.raises(PermissionDenied, match="tilgang"):
        require_role(ANONYMOUS, "editor")
    require_role(editor, "editor")
    assert may_edit_area(editor, "olsvik") and not may_edit_area(editor, "loddefjord")
    assert may_edit_area(admin, "loddefjord") and not may_edit_area(ANONYMOUS, "olsvik")


def test_database_url_order(monkeypatch, tmp_path):
    secrets = tmp_path / "secrets.toml"
    monkeypatch.setattr(config, "SECRETS_PATH", secrets)

    def url(**environ):
        return config.load_settings(environ).database_url

    assert url() == f"sqlite:///{config.DATA_DIR / 'omradesatsing.db'}"
    secrets.write_text('[connections.sql]\nurl = "postgresql+psycopg://u@db/x"\n')
    assert url() == "postgresql+psycopg://u@db/x"
    secrets.write_text('DATABASE_URL = "sqlite:////tmp/a.db"\n[connections.sql]\nurl = "postgresql+psycopg://u@db/x"\n')
    assert url() == "sqlite:////tmp/a.db"
    assert url(DATABASE_URL="sqlite:////tmp/b.db") == "sqlite:////tmp/b.db"
    assert url(DATABASE_URL="  ") == "sqlite:////tmp/a.db"  # blank is unset


def _cli(*args, url):
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run([sys.executable, "-m", "omradesatsing", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def test_cli_help_init_info_and_create_user(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    r = _cli("--help", url=url)
    assert r.returncode == 0 and "init-db" in r.stdout and "databasen" in r.stdout
    r = _cli("init-db", url=url)
    assert r.returncode == 0 and "eksempeldata og ekte data er lagt inn" in r.stdout, r.stderr
    r = _cli("init-db", url=url)
    assert r.returncode == 0 and "hadde data fra før" in r.stdout
    r = _cli("info", url=url)
    assert r.returncode == 0 and f"Skjemaversjon: {db.head_revision()}" in r.stdout
    r = _cli("create-user", "kari", "--role", "admin", "--password", "et langt passord", url=url)
    assert r.returncode == 0 and "rollen admin" in r.stdout
    r = _cli("create-user", "kari", "--password", "et langt passord", url=url)
    assert r.returncode == 2 and "finnes allerede" in r.stderr and "Traceback" not in r.stderr
    r = _cli("create-user", "per", "--area", "olsvik", "--area", "solheim", "--password", "et langt passord", url=url)
    assert r.returncode == 0, r.stderr
    who = auth.authenticate(db.make_engine(url), "per", "et langt passord")
    assert who.role == "editor" and who.area_slugs == {"olsvik", "solheim"}
    r = _cli("create-user", "liv", "--area", "atlantis", "--password", "et langt passord", url=url)
    assert r.returncode == 2 and "Ukjent område" in r.stderr


def test_cli_unreachable_database_is_a_clear_message():
    r = _cli("info", url="postgresql+psycopg://x@127.0.0.1:1/x")
    assert r.returncode == 1
    assert "Får ikke kontakt med databasen" in r.stderr
    assert "Traceback" not in r.stderr


@pytest.mark.postgres
def test_engine_survives_a_server_restart(own_pg_server):
    """pool_pre_ping: the same engine works again after PostgreSQL restarts; while down it fails cleanly."""
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    engine = db.make_engine(own_pg_server.url())
    with engine.connect() as c:
        assert c.scalar(text("select 1")) == 1
    own_pg_server.stop()
    with pytest.raises(OperationalError):
        with engine.connect() as c:
            c.scalar(text("select 1"))
    own_pg_server.start()
    with engine.connect() as c:
        assert c.scalar(text("select 1")) == 1
    engine.dispose()
