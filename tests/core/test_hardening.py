"""Hardening of the write side and of sign-in (issue 21), on SQLite and PostgreSQL: optimistic
locking for every versioned record, accounts checked against the store on every write, an atomic
login lock with one answer for every refusal and a bound on concurrent password hashes, empty
fields stored as NULL, SSO identity from the subject with lengths checked, NUL bytes refused,
photos only as files in the media folder."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select, text

from omradesatsing import auth, commands, db, read, sso, users
from omradesatsing.cli import init_db
from omradesatsing.models import AuditEntry, Grant, Investment, Milestone, StatusUpdate, User
from omradesatsing.permissions import Actor, PermissionDenied
from omradesatsing.read import Store

ADMIN = Actor("ola", "admin", "Ola")
PASSWORD = "et langt passord"


@pytest.fixture
def store(db_url):
    init_db(db_url)
    engine = db.make_engine(db_url)
    yield engine
    engine.dispose()


def _count(engine, model, *where) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def _editor(engine, name: str = "kari", areas=("olsvik",), role: str = "editor") -> Actor:
    """A built-in account, signed in the way the app signs people in."""
    auth.create_user(engine, name, PASSWORD, role=role, display_name=name.title(), area_slugs=tuple(areas))
    who = auth.authenticate(engine, name, PASSWORD)
    assert who is not None and getattr(who, "via", "password") == "password"
    return who


def _project(**changes) -> dict:
    data = {"name": "Ny ballbinge", "area_slug": "olsvik", "category": "parks_squares",
            "funding_source": "municipality", "budget_nok": 1_000_000, "spent_nok": 0, "start_year": 2026,
            "end_year": 2026, "status": "planned", "description": "", "lon": "", "lat": "",
            "photo_before": "", "photo_after": ""}
    return data | changes


def _grant(**changes) -> dict:
    return {"year": 2026, "amount_nok": 1_000_000, "scheme": "Områdesatsing", "funder": "KDD",
            "recipient": "Bergen kommune", "status": "granted", "area_slug": "olsvik"} | changes


def _olsvik_measure(engine) -> int:
    m = read.programme.measures(Store.of(engine), "olsvik").iloc[0]
    return int(m["id"])


# --- 2. Milestones and grants have versions: the second of two saves opened together is refused ----


def test_a_grant_saved_over_another_editors_save_is_refused(store):
    kari, per = _editor(store, "kari"), _editor(store, "per")
    gid = commands.save_grant(store, kari, _grant())
    opened = 1  # both opened the grant's form now
    commands.save_grant(store, kari, _grant(amount_nok=2_000_000), grant_id=gid, expected_version=opened)
    with pytest.raises(commands.StaleEdit, match="endret av kari"):
        commands.save_grant(store, per, _grant(amount_nok=3_000_000), grant_id=gid, expected_version=opened)
    with db.session_scope(store) as s:
        assert s.get(Grant, gid).amount_nok == 2_000_000  # the first save stands
    assert _count(store, AuditEntry, AuditEntry.entity == "grant", AuditEntry.action == "update") == 1
    with pytest.raises(TypeError):  # a change without the opened version cannot be made at all
        commands.save_grant(store, kari, _grant(), grant_id=gid)


def test_a_milestone_saved_over_another_editors_save_is_refused(store):
    kari, per = _editor(store, "kari"), _editor(store, "per")
    measure = _olsvik_measure(store)
    mid = commands.save_milestone(store, kari, measure, {"name": "Plan", "due_date": "2026-12-01"})
    commands.save_milestone(store, kari, measure, {"name": "Plan", "due_date": "2026-12-01",
                                                   "done_date": "2026-11-20"}, milestone_id=mid, expected_version=1)
    with pytest.raises(commands.StaleEdit, match="Milepælen ble endret av kari"):
        commands.save_milestone(store, per, measure, {"name": "Plan B", "due_date": "2027-01-01"},
                                milestone_id=mid, expected_version=1)
    with db.session_scope(store) as s:
        row = s.get(Milestone, mid)
        assert (row.name, str(row.done_date), row.version) == ("Plan", "2026-11-20", 2)


@pytest.mark.parametrize("kind", ["grant", "milestone", "investment"])
def test_two_saves_at_the_same_moment_have_one_winner(store, kind):
    kari = _editor(store, "kari")
    measure = _olsvik_measure(store)
    if kind == "grant":
        rid = commands.save_grant(store, kari, _grant())

        def save(n):
            return commands.save_grant(store, kari, _grant(amount_nok=n), grant_id=rid, expected_version=1)
    elif kind == "milestone":
        rid = commands.save_milestone(store, kari, measure, {"name": "Plan", "due_date": "2026-12-01"})

        def save(n):
            return commands.save_milestone(store, kari, measure, {"name": f"Plan {n}", "due_date": "2026-12-01"},
                                           milestone_id=rid, expected_version=1)
    else:
        rid = commands.save_investment(store, kari, _project())

        def save(n):
            return commands.save_investment(store, kari, _project(budget_nok=n), investment_id=rid,
                                            expected_version=1)
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def run(n):
        barrier.wait()
        try:
            save(n)
            outcomes.append("saved")
        except commands.StaleEdit:
            outcomes.append("stale")

    threads = [threading.Thread(target=run, args=(n,)) for n in (2_000_000, 3_000_000)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(outcomes) == ["saved", "stale"]
    assert _count(store, AuditEntry, AuditEntry.entity == kind, AuditEntry.action == "update") == 1


# --- 3. An account closed or demoted while signed in cannot act any more ----------------------------


def test_a_demoted_or_closed_account_cannot_write_with_its_old_session(store):
    kari = _editor(store, "kari")  # signed in as editor for Olsvik; the session keeps this Actor
    admin = _editor(store, "admin", areas=(), role="admin")
    measure = _olsvik_measure(store)
    version = int(read.programme.measures(Store.of(store), "olsvik").iloc[0]["version"])
    users.update_user(store, admin, "kari", role="viewer", area_slugs=("olsvik",), active=True)
    with pytest.raises(PermissionDenied):
        commands.update_measure_status(store, kari, measure, status="at_risk", progress=10, comment="Forsinket.",
                                       expected_version=version)
    users.update_user(store, admin, "kari", role="editor", area_slugs=("solheim",), active=True)
    with pytest.raises(PermissionDenied):  # Olsvik was taken away
        commands.save_investment(store, kari, _project())
    users.update_user(store, admin, "kari", role="editor", area_slugs=("olsvik",), active=False)
    for write in (lambda: commands.save_grant(store, kari, _grant()),
                  lambda: commands.save_milestone(store, kari, measure, {"name": "X", "due_date": "2026-12-01"}),
                  lambda: commands.freeze_snapshot(store, kari, "T3 2026")):
        with pytest.raises(auth.AccountClosed):
            write()
    assert _count(store, StatusUpdate, StatusUpdate.changed_by == "Kari") == 0
    assert _count(store, Investment, Investment.name == "Ny ballbinge") == 0
    assert auth.refresh(store, kari) is None  # the app signs the session out
    users.update_user(store, admin, "kari", role="editor", area_slugs=("olsvik",), active=True)
    assert auth.refresh(store, kari) == kari


def test_a_demoted_admin_loses_admin_at_once(store):
    first = _editor(store, "first", areas=(), role="admin")
    second = _editor(store, "second", areas=(), role="admin")
    users.update_user(store, first, "second", role="editor", area_slugs=(), active=True)
    for call in (lambda: users.list_users(store, second), lambda: users.audit_log(store, second),
                 lambda: users.update_user(store, second, "first", role="viewer", area_slugs=(), active=False)):
        with pytest.raises(PermissionDenied):
            call()
    assert auth.refresh(store, second).role == "editor"


# --- 4. The login lock counts attempts made at once; one answer for every refusal ------------------


@pytest.mark.parametrize("attempts", [10, 20])
def test_parallel_wrong_passwords_are_all_counted(store, attempts):
    auth.create_user(store, "lise", PASSWORD)
    barrier = threading.Barrier(attempts)

    def attempt():
        barrier.wait()
        assert auth.authenticate(store, "lise", "gjett") is None

    threads = [threading.Thread(target=attempt) for _ in range(attempts)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    with db.session_scope(store) as s:
        user = s.scalar(select(User).where(User.username == "lise"))
        assert user.locked_until is not None
        failed = _count(store, AuditEntry, AuditEntry.action == "login_failed")
        refused = _count(store, AuditEntry, AuditEntry.action == "login_refused")
    assert failed + refused == attempts  # every attempt is in the log
    assert auth.MAX_FAILED_LOGINS <= failed <= auth.MAX_FAILED_LOGINS + auth.MAX_CONCURRENT_HASHES
    assert auth.authenticate(store, "lise", PASSWORD) is None  # locked: even the right password


def test_every_refusal_looks_the_same(store):
    auth.create_user(store, "vera", PASSWORD, role="viewer")
    auth.create_user(store, "lise", PASSWORD)
    for _ in range(auth.MAX_FAILED_LOGINS):
        auth.authenticate(store, "lise", "gjett")
    # unknown, wrong password, locked, a viewer with the right password: the same None, never an exception
    assert auth.authenticate(store, "ingen-slik", PASSWORD, min_role="editor") is None
    assert auth.authenticate(store, "lise", "gjett", min_role="editor") is None
    assert auth.authenticate(store, "lise", PASSWORD, min_role="editor") is None
    assert auth.authenticate(store, "vera", PASSWORD, min_role="editor") is None
    assert auth.authenticate(store, "vera", PASSWORD).role == "viewer"


def test_password_hashes_are_computed_a_few_at_a_time(store, monkeypatch):
    auth.create_user(store, "lise", PASSWORD)
    lock, state = threading.Lock(), {"now": 0, "most": 0}
    real = auth._hasher

    class Counting:
        def _enter(self):
            with lock:
                state["now"] += 1
                state["most"] = max(state["most"], state["now"])
            time.sleep(0.02)

        def _leave(self):
            with lock:
                state["now"] -= 1

        def verify(self, *args):
            self._enter()
            try:
                return real.verify(*args)
            finally:
                self._leave()

        def hash(self, *args):
            self._enter()
            try:
                return real.hash(*args)
            finally:
                self._leave()

    monkeypatch.setattr(auth, "_hasher", Counting())
    threads = [threading.Thread(target=auth.authenticate, args=(store, name, "gjett"))
               for name in ["lise"] * 10 + ["ingen"] * 10]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert 1 <= state["most"] <= auth.MAX_CONCURRENT_HASHES


# --- 7. Empty stays empty ----------------------------------------------------------------------------


def test_empty_and_missing_text_is_stored_as_null(store):
    kari = _editor(store, "kari")
    pid = commands.save_investment(store, kari, _project(description=float("nan"), photo_before=None,
                                                         photo_after="  "))
    commands.save_investment(store, kari, _project(description="", photo_before=float("nan")), investment_id=pid,
                             expected_version=1)
    with db.session_scope(store) as s:
        row = s.get(Investment, pid)
        assert (row.description, row.photo_before, row.photo_after) == (None, None, None)
    shown = read.money.investments(Store.of(store)).set_index("id").loc[pid]
    assert shown["description"] is None or shown["description"] != shown["description"]  # None or NaN, not "nan"


def test_migration_turns_the_old_nan_text_back_into_null(db_url):
    engine = db.make_engine(db_url)
    db.upgrade(engine, "0004")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO source (id, key, title, illustrative) VALUES (1, 's', 'S', false)"))
        conn.execute(text("INSERT INTO investment (id, name, description, photo_before, photo_after, category, "
                          "funding_source, budget_nok, spent_nok, start_year, status, illustrative, source_id, version) "
                          "VALUES (1, 'P', 'nan', 'nan', 'før.jpg', 'schools', 'municipality', 0, 0, 2020, "
                          "'planned', false, 1, 1)"))
    db.upgrade(engine)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT description, photo_before, photo_after FROM investment")).one()
    engine.dispose()
    assert tuple(row) == (None, None, "før.jpg")


# --- 13. SSO: identity from the subject, lengths checked ---------------------------------------------


def test_sso_identity_is_the_subject_and_long_claims_fit_the_store(store):
    long_mail = "a" * 130 + "@bergen.kommune.no"
    who = sso.actor_from_claims({"sub": "0f3e-kari", "email": long_mail, "email_verified": False,
                                 "name": "K" * 300, "groups": ["editors", "omrade:olsvik"]},
                                sso.SsoSettings(), ["olsvik"])
    assert who.username == "sso:0f3e-kari" and who.via == "sso"
    assert len(who.display_name) <= auth.MAX_DISPLAY_NAME
    other = sso.actor_from_claims({"sub": "x" * 255, "email": "kari@bergen.kommune.no"}, sso.SsoSettings(), [])
    assert len(other.username) <= auth.MAX_USERNAME and other.username.startswith("sso:")
    assert other.username != sso.actor_from_claims({"sub": "y" * 255}, sso.SsoSettings(), []).username
    auth.record_sso_login(store, who)  # a 148-character e-mail gave a database error on PostgreSQL
    auth.record_sso_login(store, other)
    m = read.programme.measures(Store.of(store), "olsvik").iloc[0]
    commands.update_measure_status(store, who, int(m["id"]), status="at_risk", progress=10, comment="Forsinket.",
                                   expected_version=int(m["version"]))
    assert _count(store, AuditEntry, AuditEntry.action == "login_sso") == 2


# --- 14. NUL bytes are refused with a message, not a database error ---------------------------------


def test_nul_bytes_are_refused_with_a_message(store):
    kari = _editor(store, "kari")
    m = read.programme.measures(Store.of(store), "olsvik").iloc[0]
    with pytest.raises(commands.ValidationError) as err:
        commands.update_measure_status(store, kari, int(m["id"]), status="at_risk", progress=10,
                                       comment="Forsinket\x00 igjen.", expected_version=int(m["version"]))
    assert err.value.problems[0].field == "comment" and "NUL" in err.value.problems[0].message
    for write in (lambda: commands.save_investment(store, kari, _project(name="Ball\x00binge")),
                  lambda: commands.save_grant(store, kari, _grant(recipient="Bergen\x00")),
                  lambda: commands.freeze_snapshot(store, kari, "T3\x00"),
                  lambda: commands.freeze_snapshot(store, kari, "T3", note="merknad\x00")):
        with pytest.raises(commands.ValidationError, match="NUL"):
            write()
    with pytest.raises(auth.UserError, match="NUL"):
        auth.create_user(store, "per\x00", PASSWORD)
    assert auth.authenticate(store, "kari\x00", PASSWORD) is None
    assert auth.authenticate(store, "kari", PASSWORD + "\x00") is None
    assert _count(store, AuditEntry, AuditEntry.action.in_(["status", "create", "freeze"]),
                  AuditEntry.entity != "user") == 0


# --- 5. Photos are files in the media folder, never addresses ----------------------------------------


def test_photos_are_file_names_in_the_media_folder(store, tmp_path, monkeypatch):
    monkeypatch.setenv("OMRADESATSING_MEDIA_DIR", str(tmp_path))
    (tmp_path / "hetlevik-før.jpg").write_bytes(b"\xff\xd8\xff")
    kari = _editor(store, "kari")
    for ref in ("https://example.com/x.png", "http://example.com/x.png", "![x](http://example.com/x.png)",
                "../secret.jpg", "mappe/bilde.jpg", "finnes-ikke.jpg", "bilde.svg", ".skjult.jpg"):
        with pytest.raises(commands.ValidationError) as err:
            commands.save_investment(store, kari, _project(photo_before=ref))
        assert err.value.problems[0].field == "photo_before", ref
    pid = commands.save_investment(store, kari, _project(photo_before="hetlevik-før.jpg"))
    with db.session_scope(store) as s:
        assert s.get(Investment, pid).photo_before == "hetlevik-før.jpg"


def test_a_demoted_admin_can_no_longer_import_zones(store):
    from omradesatsing.importers import zones as importers
    from tests.zonefiles import levekaarssoner_geojson

    first = _editor(store, "first", areas=(), role="admin")
    second = _editor(store, "second", areas=(), role="admin")
    users.update_user(store, first, "second", role="editor", area_slugs=(), active=True)
    with pytest.raises(PermissionDenied):
        importers.import_zones(store, second, levekaarssoner_geojson(), "soner.geojson", level="levekaarssone",
                               name_field="sonenavn", dry_run=True)
