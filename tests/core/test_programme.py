"""Delprogrammer in the core: tertials and stale marks, status changes with a comment, optimistic
locking between two sessions, audit log, "changed since" and frozen snapshots — on SQLite and
PostgreSQL (the ``db_url`` fixture runs each test on both)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from omradesatsing import commands, db, programme, read
from omradesatsing.models import (
    Area,
    AuditEntry,
    Measure,
    MeasureArea,
    Milestone,
    ReportSnapshot,
    SnapshotItem,
    Source,
    StatusUpdate,
    Subprogramme,
)
from omradesatsing.permissions import ANONYMOUS, Actor, PermissionDenied
from omradesatsing.read import Store

EDITOR = Actor("kari", "editor", "Kari Nordmann", frozenset({"olsvik"}))
OTHER_EDITOR = Actor("per", "editor", "Per Hansen", frozenset({"olsvik"}))
SOLHEIM_EDITOR = Actor("siv", "editor", "Siv", frozenset({"solheim"}))
ADMIN = Actor("ola", "admin", "Ola")
VIEWER = Actor("vera", "viewer", "Vera")
T0 = dt.datetime(2026, 3, 2, 9, 0)


# --- Pure rules ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("day", "expected"), [
    (dt.date(2026, 1, 1), (2026, 1)), (dt.date(2026, 4, 30), (2026, 1)), (dt.date(2026, 5, 1), (2026, 2)),
    (dt.date(2026, 8, 31), (2026, 2)), (dt.date(2026, 9, 1), (2026, 3)), (dt.date(2026, 12, 31), (2026, 3)),
])
def test_tertials_are_january_may_and_september(day, expected):
    assert programme.tertial_of(day) == expected
    assert programme.tertial_start(*expected) <= day <= programme.tertial_end(*expected)


def test_stale_means_not_updated_since_the_current_tertial_began():
    today = dt.date(2026, 11, 23)  # tertial 3 began 1 September
    assert programme.is_stale(dt.datetime(2026, 8, 31, 23, 59), today)
    assert not programme.is_stale(dt.datetime(2026, 9, 1, 0, 0), today)
    assert programme.is_stale(None, today)
    assert not programme.is_stale(dt.datetime(2024, 1, 1), today, "completed")  # nothing left to report
    assert programme.previous_tertial(2026, 1) == (2025, 3)


def test_direction_of_a_status_change():
    assert programme.direction("at_risk", "on_track") == "better"
    assert programme.direction("on_track", "off_track") == "worse"
    assert programme.direction("on_track", "on_track") == "same"
    assert programme.direction("at_risk", "completed") == "completed"
    assert programme.direction(None, "on_track") == "new"
    assert programme.direction("not_started", "on_track") == "other"


# --- A small store -----------------------------------------------------------------------------------


@pytest.fixture
def store(db_url):
    engine = db.make_engine(db_url)
    db.upgrade(engine)
    with db.session_scope(engine) as s:
        src = Source(key="t", title="T", illustrative=False)
        s.add(src)
        s.flush()
        areas = {}
        for slug in ("olsvik", "solheim"):
            areas[slug] = Area(slug=slug, name=slug.title(), start_year=2019, state="active", source_id=src.id)
            s.add(areas[slug])
        sub = Subprogramme(number=2, name="Oppvekst og utdanning", source_id=src.id)
        s.add(sub)
        s.flush()
        for name, slug in (("Ressurspersoner", "olsvik"), ("Møteplass", "solheim")):
            m = Measure(subprogramme_id=sub.id, name=name, status="on_track", progress=40, updated_at=T0,
                        status_illustrative=True, source_id=src.id)
            m.areas.append(MeasureArea(area_id=areas[slug].id))
            s.add(m)
            s.flush()
            s.add(StatusUpdate(measure_id=m.id, previous_status=None, status="on_track", progress=40,
                               comment="Startet.", changed_by="Eksempeldata", changed_at=T0, illustrative=True))
    yield engine
    engine.dispose()


def _measure(engine, name: str):
    with engine.connect() as conn:
        return conn.execute(select(Measure.id, Measure.version, Measure.status).where(Measure.name == name)).one()


def _count(engine, model, *where) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def test_viewers_and_anonymous_cannot_write_and_nothing_is_stored(store):
    m = _measure(store, "Ressurspersoner")
    for who in (VIEWER, ANONYMOUS):
        with pytest.raises(PermissionDenied):
            commands.update_measure_status(store, who, m.id, status="at_risk", progress=40,
                                           comment="Forsinket.", expected_version=m.version)
        with pytest.raises(PermissionDenied):
            commands.freeze_snapshot(store, who, "Tertialrapport 3 2026")
        with pytest.raises(PermissionDenied):
            commands.save_milestone(store, who, m.id, {"name": "Plan", "due_date": "2026-12-01"})
    with pytest.raises(PermissionDenied):  # an editor, but for another area
        commands.update_measure_status(store, SOLHEIM_EDITOR, m.id, status="at_risk", progress=40,
                                       comment="Forsinket.", expected_version=m.version)
    assert _measure(store, "Ressurspersoner").status == "on_track"
    assert _count(store, StatusUpdate) == 2 and _count(store, AuditEntry) == 0
    assert _count(store, ReportSnapshot) == 0 and _count(store, Milestone) == 0


def test_a_status_change_needs_a_comment_and_a_valid_status(store):
    m = _measure(store, "Ressurspersoner")
    with pytest.raises(commands.ValidationError) as err:
        commands.update_measure_status(store, EDITOR, m.id, status="finished", progress=140, comment="  ",
                                       expected_version=m.version)
    assert {p.field for p in err.value.problems} == {"status", "progress", "comment"}
    assert "Kommentar må fylles ut" in str(err.value)
    assert _count(store, StatusUpdate) == 2 and _count(store, AuditEntry) == 0


def test_a_status_change_writes_history_and_audit_in_one_go(store):
    m = _measure(store, "Ressurspersoner")
    when = dt.datetime(2026, 11, 20, 10, 30)
    version = commands.update_measure_status(store, EDITOR, m.id, status="at_risk", progress="55",
                                             comment="Vikarmangel i høst.", expected_version=m.version, now=when)
    assert version == m.version + 1
    history = read.programme.status_history(Store.of(store), m.id)
    newest = history.iloc[0]
    assert (newest["previous_status"], newest["status"], newest["progress"]) == ("on_track", "at_risk", 55)
    assert newest["comment"] == "Vikarmangel i høst." and newest["changed_by"] == "Kari Nordmann"
    assert not newest["illustrative"]  # a real editor's change is not example data
    with store.connect() as conn:
        audit = conn.execute(select(AuditEntry)).one()
        measure = conn.execute(select(Measure.status_illustrative, Measure.updated_at).where(Measure.id == m.id)).one()
    assert (audit.username, audit.action, audit.entity, audit.entity_id) == ("kari", "status", "measure", str(m.id))
    assert audit.detail["status"] == ["on_track", "at_risk"] and audit.detail["comment"] == [None, "Vikarmangel i høst."]
    assert not measure.status_illustrative and measure.updated_at == when
    listed = read.programme.measures(Store.of(store), today=dt.date(2026, 11, 23)).set_index("name")
    assert listed.loc["Ressurspersoner", "latest_comment"] == "Vikarmangel i høst."
    assert not listed.loc["Ressurspersoner", "stale"]
    assert listed.loc["Møteplass", "stale"]  # last updated in March, before tertial 3


def test_the_worklist_is_the_editors_areas_only_with_the_stale_ones_first(store):
    today = dt.date(2026, 11, 23)  # tertial 3 began 1 September
    with db.session_scope(store) as s:
        sub = s.scalars(select(Subprogramme)).one()
        olsvik = s.scalars(select(Area).where(Area.slug == "olsvik")).one()
        for name, status in (("Leksehjelp", "at_risk"), ("Avsluttet prosjekt", "completed")):
            m = Measure(subprogramme_id=sub.id, name=name, status=status, progress=10, updated_at=T0,
                        source_id=sub.source_id)
            m.areas.append(MeasureArea(area_id=olsvik.id))
            s.add(m)
    m = _measure(store, "Ressurspersoner")
    commands.update_measure_status(store, EDITOR, m.id, status="at_risk", progress=50, comment="Oppdatert.",
                                   expected_version=m.version, now=dt.datetime(2026, 11, 20, 10, 0))
    st = Store.of(store)

    def names(who):
        rows = read.programme.worklist(st, who, today)
        return list(zip(rows["name"], rows["stale"], strict=True))

    # Olsvik's editor: only Olsvik's measures, the stale one first (a completed one is never stale)
    assert names(EDITOR) == [("Leksehjelp", True), ("Avsluttet prosjekt", False), ("Ressurspersoner", False)]
    assert names(SOLHEIM_EDITOR) == [("Møteplass", True)]
    assert names(ADMIN) == [("Leksehjelp", True), ("Møteplass", True), ("Avsluttet prosjekt", False),
                            ("Ressurspersoner", False)]
    assert names(VIEWER) == [] and names(ANONYMOUS) == []
    # the same rule over a frame already read
    every = read.programme.measures(st, today=today)
    assert list(read.programme.worklist_rows(every, EDITOR)["name"]) == [n for n, _ in names(EDITOR)]


def test_two_editors_at_once_the_second_save_is_refused_and_shown_the_first(store):
    m = _measure(store, "Ressurspersoner")
    opened = m.version  # both forms were opened at this version
    commands.update_measure_status(store, EDITOR, m.id, status="off_track", progress=40,
                                   comment="Mangler lærer fra januar.", expected_version=opened)
    with pytest.raises(commands.StaleEdit) as err:
        commands.update_measure_status(store, OTHER_EDITOR, m.id, status="completed", progress=100,
                                       comment="Ferdig.", expected_version=opened)
    assert err.value.other["changed_by"] == "Kari Nordmann"
    assert err.value.other["status"] == "off_track" and err.value.other["comment"] == "Mangler lærer fra januar."
    assert "Mangler lærer fra januar." in str(err.value) and "ikke lagret" in str(err.value)
    assert _measure(store, "Ressurspersoner").status == "off_track"  # the first save stands
    assert _count(store, StatusUpdate) == 3 and _count(store, AuditEntry) == 1


def test_changed_since_gives_before_and_after_per_measure(store):
    m = _measure(store, "Ressurspersoner")
    v = commands.update_measure_status(store, EDITOR, m.id, status="at_risk", progress=45, comment="Forsinket.",
                                       expected_version=m.version, now=dt.datetime(2026, 10, 1, 9))
    commands.update_measure_status(store, EDITOR, m.id, status="off_track", progress=45, comment="Stoppet.",
                                   expected_version=v, now=dt.datetime(2026, 11, 1, 9))
    changes = read.programme.status_changes_since(Store.of(store), dt.datetime(2026, 9, 1))
    assert list(changes["measure_name"]) == ["Ressurspersoner"]  # Møteplass has not changed since
    row = changes.iloc[0]
    assert (row["before"], row["after"], row["direction"], row["updates"]) == ("on_track", "off_track", "worse", 2)
    assert row["comment"] == "Stoppet." and not row["illustrative"]
    # from a date before anything: the first status has no "before"
    first = read.programme.status_changes_since(Store.of(store), dt.datetime(2020, 1, 1)).set_index("measure_name")
    assert first.loc["Møteplass", "before"] is None and first.loc["Møteplass", "direction"] == "new"
    assert len(read.programme.changed_since(Store.of(store), dt.datetime(2026, 9, 1))) == 2  # every single change
    assert read.programme.status_changes_since(Store.of(store), dt.datetime(2026, 11, 2)).empty


def test_a_snapshot_freezes_statuses_and_compares_with_now(store):
    m = _measure(store, "Ressurspersoner")
    snap = commands.freeze_snapshot(store, EDITOR, "Tertialrapport 2 2026", now=dt.datetime(2026, 8, 31, 15))
    assert _count(store, SnapshotItem, SnapshotItem.snapshot_id == snap) == 2
    commands.update_measure_status(store, EDITOR, m.id, status="completed", progress=100, comment="Ferdig.",
                                   expected_version=m.version)
    listed = read.programme.snapshots(Store.of(store))
    assert (listed.iloc[0]["name"], listed.iloc[0]["measures"], listed.iloc[0]["taken_by"]) == \
        ("Tertialrapport 2 2026", 2, "Kari Nordmann")
    cmp = read.programme.snapshot_compare(Store.of(store), snap).set_index("measure_name")
    assert (cmp.loc["Ressurspersoner", "status_then"], cmp.loc["Ressurspersoner", "status_now"]) == \
        ("on_track", "completed")
    assert cmp.loc["Ressurspersoner", "changed"] and cmp.loc["Ressurspersoner", "direction"] == "completed"
    assert cmp.loc["Ressurspersoner", "comment_then"] == "Startet."
    assert not cmp.loc["Møteplass", "changed"]
    # the snapshot itself does not change when the measure does
    with store.connect() as conn:
        frozen = conn.execute(select(SnapshotItem.status).where(SnapshotItem.snapshot_id == snap,
                                                                SnapshotItem.measure_id == m.id)).scalar_one()
    assert frozen == "on_track"
    assert _count(store, AuditEntry, AuditEntry.action == "freeze") == 1


def test_milestones_only_in_own_areas_with_valid_dates(store):
    m = _measure(store, "Ressurspersoner")
    with pytest.raises(commands.ValidationError) as err:
        commands.save_milestone(store, EDITOR, m.id, {"name": "", "due_date": "31.12.2026"})
    assert {p.field for p in err.value.problems} == {"name", "due_date"}
    mid = commands.save_milestone(store, EDITOR, m.id, {"name": "Plan godkjent", "due_date": "2026-12-01"})
    commands.save_milestone(store, EDITOR, m.id, {"name": "Plan godkjent", "due_date": "2026-12-01",
                                                  "done_date": dt.date(2026, 11, 20)}, milestone_id=mid,
                            expected_version=1)
    other = _measure(store, "Møteplass")
    with pytest.raises(PermissionDenied):
        commands.save_milestone(store, EDITOR, other.id, {"name": "X", "due_date": "2026-12-01"})
    ms = read.programme.milestones(Store.of(store))
    assert list(ms["name"]) == ["Plan godkjent"] and ms.iloc[0]["done_date"] == dt.date(2026, 11, 20)
    assert _count(store, AuditEntry, AuditEntry.entity == "milestone") == 2
    admin_mid = commands.save_milestone(store, ADMIN, other.id, {"name": "Åpning", "due_date": "2027-01-15"})
    assert admin_mid != mid


def test_seed_has_the_real_subprogramme_2_and_example_snapshots(seeded_store):
    engine = db.make_engine(seeded_store)
    subs = read.programme.subprogrammes(Store.of(engine)).set_index("number")
    assert subs.loc[2, "name"] == "Oppvekst og utdanning" and not subs.loc[2, "illustrative"]
    names = set(read.programme.measures(Store.of(engine))["name"])
    assert {"Følgeforskning ved NORCE og NOVA", "Oppfølging i overgangen fra grunnskole til videregående",
            "Alle skal med! – ressurspersoner ved de fire skolene"} <= names
    snaps = read.programme.snapshots(Store.of(engine))
    assert len(snaps) >= 2 and snaps["illustrative"].all()


def test_every_reader_takes_the_same_latest_status_and_it_is_the_measures_own(seeded_store):
    """One rule for «the latest status» (by the date it took effect, ties by id): the measure's status,
    the latest comment on Delprogrammer and Område, the history and «changed since» agree for every
    measure of the seed (an example change dated before the update it follows once made them differ)."""
    store = Store.of(db.make_engine(seeded_store))
    rows = read.programme.measures(store).set_index("id")
    latest = read.programme.latest_updates(store).set_index("measure_id")
    since = read.programme.status_changes_since(store, dt.datetime(2000, 1, 1)).set_index("measure_id")
    for measure_id, m in rows.iterrows():
        history = read.programme.status_history(store, int(measure_id))
        first = history.iloc[0]
        assert first["changed_at"] == history["changed_at"].max()
        assert latest.loc[measure_id, "id"] == first["id"]
        assert m["status"] == first["status"], (m["name"], m["status"], first["status"], first["changed_at"])
        assert m["latest_at"] == first["changed_at"] and m["latest_comment"] == first["comment"]
        assert since.loc[measure_id, "after"] == m["status"]
        assert since.loc[measure_id, "changed_at"] == first["changed_at"]
