"""Oversikt's readers (``read.overview``): "since the last meeting" counts only what changed, and the
areas × key indicators grid carries the numbers the other pages show."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import delete, select

from omradesatsing import commands, db, programme, read
from omradesatsing.models import Investment, Measure, ReportSnapshot, SnapshotItem
from omradesatsing.permissions import Actor
from omradesatsing.read import Store

ADMIN = Actor("ola", "admin", "Ola")
TODAY = dt.date(2026, 12, 1)


def test_since_defaults_to_the_last_frozen_report_and_else_the_tertial_start(writable_store):
    engine = db.make_engine(writable_store)
    store = Store.of(engine)
    snaps = read.programme.snapshots(store)
    assert read.overview.since_default(store, TODAY) == (snaps.iloc[0]["taken_at"].date(), snaps.iloc[0]["name"])
    # A report frozen after the day asked about is not "the last meeting" of that day.
    assert read.overview.since_default(store, dt.date(2026, 6, 1))[0] == dt.date(2026, 4, 30)
    with db.session_scope(engine) as s:
        s.execute(delete(SnapshotItem))
        s.execute(delete(ReportSnapshot))
    assert read.overview.since_default(store, TODAY) == (programme.tertial_start(2026, 3), None)


def test_changes_since_count_a_status_only_when_it_is_another_than_then(writable_store):
    engine = db.make_engine(writable_store)
    store = Store.of(engine)
    since = dt.date(2026, 11, 15)
    before = read.overview.changes_since(store, since)["status"]
    with db.session_scope(engine) as s:
        rows = s.execute(select(Measure.id, Measure.status, Measure.version).order_by(Measure.id).limit(2)).all()
    (same_id, same_status, same_version), (moved_id, moved_status, moved_version) = rows
    commands.update_measure_status(engine, ADMIN, same_id, status=same_status, progress=50,
                                   comment="Ingen endring i status.", expected_version=same_version,
                                   now=dt.datetime(2026, 11, 20, 10))
    other = "off_track" if moved_status != "off_track" else "on_track"
    commands.update_measure_status(engine, ADMIN, moved_id, status=other, progress=10, comment="Stoppet opp.",
                                   expected_version=moved_version, now=dt.datetime(2026, 11, 21, 10))
    after = read.overview.changes_since(store, since)["status"]
    assert same_id not in set(after["measure_id"])  # an update that kept the status is not a change
    row = after.set_index("measure_id").loc[moved_id]
    assert (row["before"], row["after"]) == (moved_status, other)
    assert row["direction"] == programme.direction(moved_status, other)
    assert len(after) == len(before[before["measure_id"] != moved_id]) + 1
    # Every row is a real change, and the same measures «Endret siden» on Delprogrammer lists as changed.
    assert (after["before"] != after["after"]).all()
    everything = read.programme.status_changes_since(store, dt.datetime.combine(since, dt.time()))
    assert set(after["measure_id"]) == set(everything.loc[everything["before"] != everything["after"], "measure_id"])


def test_money_since_sums_what_the_audit_log_says_changed(writable_store):
    engine = db.make_engine(writable_store)
    store = Store.of(engine)
    today = dt.date.today()
    assert read.overview.changes_since(store, today)["money"] == {"spent_change_nok": 0, "budget_change_nok": 0,
                                                                 "projects": 0}
    invest = read.money.investments(store)
    row = invest.iloc[0]
    data = {"name": row["name"], "area_slug": row["area_slug"], "category": row["category"],
            "funding_source": row["funding_source"], "budget_nok": int(row["budget_nok"]),
            "spent_nok": int(row["spent_nok"]) + 1_250_000, "start_year": int(row["start_year"]),
            "end_year": None if pd.isna(row["end_year"]) else int(row["end_year"]), "status": row["status"],
            "description": row["description"] or "", "lon": "", "lat": ""}
    commands.save_investment(engine, ADMIN, data, investment_id=int(row["id"]), expected_version=int(row["version"]))
    money = read.overview.changes_since(store, today)["money"]
    assert money == {"spent_change_nok": 1_250_000, "budget_change_nok": 0, "projects": 1}
    with db.session_scope(engine) as s:
        assert s.get(Investment, int(row["id"])).spent_nok == int(row["spent_nok"]) + 1_250_000


def test_the_grid_holds_the_same_numbers_as_investeringer_and_the_profiles(seeded_store):
    store = Store.of(db.make_engine(seeded_store))
    grid = read.overview.area_grid(store).set_index("area_slug")
    per = read.money.area_money(store).set_index("area_slug")
    areas = read.places.areas(store)
    assert list(grid.index) == [*areas["slug"], "_all"]
    for slug in grid.index:
        assert grid.loc[slug, "budget_nok"] == per.loc[slug, "budget_nok"]
        assert grid.loc[slug, "spent_nok"] == per.loc[slug, "spent_nok"]
    total = read.money.investment_summary(store)
    assert (grid.loc["_all", "budget_nok"], grid.loc["_all", "spent_nok"]) == (total["budget_nok"], total["spent_nok"])
    for key in programme.HEADLINE_INDICATORS:
        gaps = read.indicators.indicator_gaps(store, key, tuple(areas["slug"])).set_index("area_slug")
        for slug in gaps.index:
            for field in ("value", "judgement", "trend", "period"):
                a, b = grid.loc[slug, f"{key}.{field}"], gaps.loc[slug, field]
                assert (pd.isna(a) and pd.isna(b)) or a == b, (key, slug, field, a, b)


def test_the_widest_gap_is_the_area_furthest_on_the_wrong_side_judged_worse():
    grid = pd.DataFrame({
        "area_slug": ["a", "b", "c", "d"],
        "k.judgement": ["worse", "worse", "similar", "better"],
        "k.difference": [1.5, 4.0, 9.0, -12.0],  # c and d are further away, but not judged worse
        "m.judgement": ["similar", "unknown", "better", "similar"],
        "m.difference": [0.1, None, -3.0, 0.2],
    })
    assert read.overview.widest_gaps(grid, ("k", "m")) == {"k": "b"}


def test_changes_come_worse_first_then_better_then_completed_newest_first_in_each(seeded_store):
    store = Store.of(db.make_engine(seeded_store))
    status = read.overview.changes_since(store, dt.date(2026, 8, 31))["status"]
    assert len(status) > 3
    rank = status["direction"].map(read.overview.DIRECTION_ORDER).fillna(9).tolist()
    assert rank == sorted(rank)
    for _, group in status.groupby("direction"):
        assert group["changed_at"].is_monotonic_decreasing
