"""User administration in the core: only admins, no self-lockout, areas checked, audit rows."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from omradesatsing import auth, db, users
from omradesatsing.models import Area, AuditEntry, Source
from omradesatsing.permissions import Actor, PermissionDenied

ADMIN = Actor("ola", "admin", "Ola")
EDITOR = Actor("kari", "editor", "Kari", frozenset({"olsvik"}))


@pytest.fixture
def store(db_url):
    engine = db.make_engine(db_url)
    db.upgrade(engine)
    with db.session_scope(engine) as s:
        src = Source(key="t", title="T")
        s.add(src)
        s.flush()
        for slug in ("olsvik", "solheim"):
            s.add(Area(slug=slug, name=slug.title(), start_year=2019, state="active", source_id=src.id))
    auth.create_user(engine, "ola", "et langt passord", role="admin", display_name="Ola")
    yield engine
    engine.dispose()


def test_only_admins_may_list_create_and_change_users(store):
    for call in (lambda: users.list_users(store, EDITOR), lambda: users.audit_log(store, EDITOR),
                 lambda: users.add_user(store, EDITOR, "per", "et langt passord", role="admin", display_name=None),
                 lambda: users.update_user(store, EDITOR, "ola", role="viewer", area_slugs=(), active=False)):
        with pytest.raises(PermissionDenied):
            call()
    assert [u["username"] for u in users.list_users(store, ADMIN)] == ["ola"]


def test_admin_creates_and_changes_an_editor_with_audit(store):
    users.add_user(store, ADMIN, "Kari", "et langt passord", role="editor", display_name="Kari N",
                   area_slugs=("olsvik",))
    kari = next(u for u in users.list_users(store, ADMIN) if u["username"] == "kari")
    assert (kari["role"], kari["areas"], kari["active"]) == ("editor", ["olsvik"], True)
    users.update_user(store, ADMIN, "kari", role="editor", area_slugs=("olsvik", "solheim"), active=False)
    kari = next(u for u in users.list_users(store, ADMIN) if u["username"] == "kari")
    assert kari["areas"] == ["olsvik", "solheim"] and not kari["active"]
    assert auth.authenticate(store, "kari", "et langt passord") is None  # a closed account cannot log in
    with store.connect() as conn:
        rows = conn.execute(select(AuditEntry.username, AuditEntry.action, AuditEntry.detail)
                            .where(AuditEntry.entity == "user").order_by(AuditEntry.id)).all()
    assert rows[-1][:2] == ("kari", "login_refused")  # the refused attempt is in the log too
    assert rows[-2][0] == "ola" and rows[-2][1] == "update"
    assert rows[-2][2] == {"active": [True, False], "areas": [["olsvik"], ["olsvik", "solheim"]]}
    assert [r["action"] for r in users.audit_log(store, ADMIN)[:2]] == ["login_refused", "update"]


def test_no_self_lockout_and_unknown_areas_refused(store):
    with pytest.raises(auth.UserError, match="egen administratorrolle"):
        users.update_user(store, ADMIN, "ola", role="editor", area_slugs=(), active=True)
    with pytest.raises(auth.UserError, match="egen administratorrolle"):
        users.update_user(store, ADMIN, "ola", role="admin", area_slugs=(), active=False)
    users.add_user(store, ADMIN, "per", "et langt passord", role="editor", display_name=None)
    with pytest.raises(auth.UserError, match="Ukjent område «atlantis»"):
        users.update_user(store, ADMIN, "per", role="editor", area_slugs=("atlantis",), active=True)
    with pytest.raises(auth.UserError, match="Ukjent rolle"):
        users.update_user(store, ADMIN, "per", role="superuser", area_slugs=(), active=True)
    assert next(u for u in users.list_users(store, ADMIN) if u["username"] == "ola")["role"] == "admin"
