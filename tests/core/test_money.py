"""Money: exact sums, per-inhabitant figures with marks carried through, and the write side
(permissions, validation, audit log, stale edits) on SQLite and PostgreSQL."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import func, select

from omradesatsing import commands, db, money, read
from omradesatsing.models import Area, AuditEntry, Grant, Investment, Source
from omradesatsing.permissions import ANONYMOUS, Actor, PermissionDenied
from omradesatsing.read import Store

EDITOR = Actor("kari", "editor", "Kari", frozenset({"loddefjord"}))
ADMIN = Actor("ola", "admin", "Ola")
VIEWER = Actor("per", "viewer", "Per")


# --- Pure arithmetic ---------------------------------------------------------------------------------


def test_per_inhabitant_rounds_half_up_with_integers_only():
    assert money.per_inhabitant(10, 4) == 3  # 2.5 → 3
    assert money.per_inhabitant(9, 4) == 2  # 2.25 → 2
    assert money.per_inhabitant(116_000_000, 13_240) == 8761  # 8 761.33
    # a float division would give 3000000000000000.5 → 3000000000000000 (binary rounding); integers do not
    assert money.per_inhabitant(6_000_000_000_000_001, 2) == 3_000_000_000_000_001
    assert money.per_inhabitant(100, None) is None and money.per_inhabitant(100, 0) is None


def test_per_inhabitant_table_weights_the_total_and_carries_marks():
    totals = pd.DataFrame([
        {"area_slug": "a", "area_name": "A", "budget_nok": 1_000_000, "spent_nok": 0, "projects": 1,
         "any_illustrative": False, "population": 1000, "population_illustrative": True},
        {"area_slug": "b", "area_name": "B", "budget_nok": 0, "spent_nok": 0, "projects": 0,
         "any_illustrative": False, "population": 3000, "population_illustrative": False},
    ])
    out = money.per_inhabitant_table(totals).set_index("area_slug")
    assert out.loc["a", "budget_per_inhabitant"] == 1000 and out.loc["b", "budget_per_inhabitant"] == 0
    assert bool(out.loc["a", "illustrative"])  # real kroner over an example population is an example
    assert not bool(out.loc["b", "illustrative"])
    assert out.loc["_all", "budget_per_inhabitant"] == 250  # 1 000 000 / 4 000, not the mean of 1000 and 0
    assert bool(out.loc["_all", "illustrative"])


# --- Sums from the store --------------------------------------------------------------------------


def test_sums_are_exact_integers_in_sql(seeded_store):
    engine = db.make_engine(seeded_store)
    every = read.money.investments(Store.of(engine))
    by_area = read.money.money_totals(Store.of(engine), "area")
    assert by_area["budget_nok"].dtype == "int64"
    assert int(by_area["budget_nok"].sum()) == sum(int(x) for x in every["budget_nok"])
    assert int(by_area["spent_nok"].sum()) == sum(int(x) for x in every["spent_nok"])
    by_cat = read.money.money_totals(Store.of(engine), "category", area_slugs=("loddefjord",))
    lodd = every[every["area_slug"] == "loddefjord"]
    assert dict(zip(by_cat["key"], by_cat["budget_nok"], strict=True)) == \
        {k: int(v) for k, v in lodd.groupby("category")["budget_nok"].sum().items()}
    assert by_area["any_illustrative"].all()  # every seed amount is an example, and says so


def test_every_area_is_listed_even_without_projects(seeded_store):
    engine = db.make_engine(seeded_store)
    none = read.money.area_money(Store.of(engine), statuses=("planned",), categories=("schools",))
    areas = set(read.places.areas(Store.of(engine))["slug"])
    assert set(none["area_slug"]) == areas | {"_all"}
    empty = none[none["projects"] == 0]
    assert not empty.empty and (empty["budget_nok"] == 0).all() and (empty["budget_per_inhabitant"] == 0).all()


def test_grant_totals_keep_real_and_illustrative_apart(seeded_store):
    engine = db.make_engine(seeded_store)
    totals = read.money.grant_totals(Store.of(engine))
    grants = read.money.grants(Store.of(engine))
    assert int(totals["amount_nok"].sum()) == int(grants.loc[grants["in_sums"], "amount_nok"].sum())
    # 2020: the published 12.7 mill. is the total of the 5.0 (Loddefjord and Olsvik) and the derived 7.7;
    # summing every row would say 25.4
    assert int(totals.loc[totals["year"] == 2020, "amount_nok"].sum()) == 12_700_000
    assert set(totals.loc[totals["illustrative"], "year"]) == set(grants.loc[grants["illustrative"], "year"])


# --- Writes ---------------------------------------------------------------------------------------


@pytest.fixture
def store(db_url):
    engine = db.make_engine(db_url)
    db.upgrade(engine)
    with db.session_scope(engine) as s:
        src = Source(key="t", title="T", illustrative=False)
        s.add(src)
        s.flush()
        for slug, name in (("loddefjord", "Loddefjord"), ("olsvik", "Olsvik")):
            s.add(Area(slug=slug, name=name, start_year=2019, state="active", source_id=src.id))
    yield engine
    engine.dispose()


def _project(**over):
    data = {"name": "Ny lekeplass", "area_slug": "loddefjord", "category": "parks_squares",
            "funding_source": "municipality", "budget_nok": 2_500_000, "spent_nok": 0, "start_year": 2026,
            "end_year": 2027, "status": "planned", "description": "Lek og aktivitet.", "lon": "5.24", "lat": "60.37"}
    return data | over


def _count(engine, model) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model)).scalar_one()


def test_viewer_and_anonymous_writes_are_refused_in_the_core(store):
    for who in (VIEWER, ANONYMOUS):
        with pytest.raises(PermissionDenied):
            commands.save_investment(store, who, _project())
        with pytest.raises(PermissionDenied):
            commands.save_grant(store, who, {"year": 2026, "amount_nok": 1, "scheme": "s", "funder": "f",
                                             "recipient": "r", "status": "granted", "area_slug": "loddefjord"})
    assert _count(store, Investment) == 0 and _count(store, Grant) == 0 and _count(store, AuditEntry) == 0


def test_editor_writes_only_in_own_areas_with_an_audit_entry(store):
    with pytest.raises(PermissionDenied):
        commands.save_investment(store, EDITOR, _project(area_slug="olsvik"))
    new_id = commands.save_investment(store, EDITOR, _project())
    with db.session_scope(store) as s:
        inv = s.get(Investment, new_id)
        assert (inv.budget_nok, inv.spent_nok, inv.illustrative) == (2_500_000, 0, False)
        assert s.get(Source, inv.source_id).key == commands.MANUAL_SOURCE_KEY
        entry = s.scalars(select(AuditEntry)).one()
        assert (entry.username, entry.action, entry.entity, entry.entity_id) == ("kari", "create", "investment",
                                                                                 str(new_id))
        assert entry.detail["budget_nok"] == [None, 2_500_000]
    # moving it to an area the editor does not have is refused, and nothing changes
    with pytest.raises(PermissionDenied):
        commands.save_investment(store, EDITOR, _project(area_slug="olsvik"), investment_id=new_id,
                                 expected_version=1)
    assert _count(store, AuditEntry) == 1


def test_invalid_input_names_every_field_and_writes_nothing(store):
    with pytest.raises(commands.ValidationError) as err:
        commands.save_investment(store, ADMIN, _project(budget_nok=-5, end_year=2020, area_slug="nowhere",
                                                        name="  ", lon="øst"))
    fields = {p.field for p in err.value.problems}
    assert fields == {"budget_nok", "end_year", "area_slug", "name", "lon"}
    messages = " ".join(p.message for p in err.value.problems)
    assert "negativt" in messages and "før startår" in messages and "finnes ikke" in messages
    assert _count(store, Investment) == 0 and _count(store, AuditEntry) == 0


def test_a_stale_form_cannot_overwrite_a_newer_save(store):
    new_id = commands.save_investment(store, ADMIN, _project())
    with db.session_scope(store) as s:
        opened = s.get(Investment, new_id).version
    commands.save_investment(store, EDITOR, _project(spent_nok=500_000), investment_id=new_id,
                             expected_version=opened)
    with pytest.raises(commands.StaleEdit):
        commands.save_investment(store, ADMIN, _project(spent_nok=900_000), investment_id=new_id,
                                 expected_version=opened)
    with db.session_scope(store) as s:
        assert s.get(Investment, new_id).spent_nok == 500_000


def test_grants_without_an_area_are_for_admins(store):
    grant = {"year": 2026, "amount_nok": 5_000_000, "scheme": "Tilskudd til områdesatsing",
             "funder": "KDD", "recipient": "Bergen kommune", "status": "proposed", "area_slug": None}
    with pytest.raises(PermissionDenied):
        commands.save_grant(store, EDITOR, grant)
    commands.save_grant(store, ADMIN, grant)
    commands.save_grant(store, EDITOR, grant | {"area_slug": "loddefjord"})
    assert _count(store, Grant) == 2 and _count(store, AuditEntry) == 2


def test_millions_are_rounded_only_for_display():
    from omradesatsing import formatting as fmt

    assert fmt.million_kroner(12_749_999, 1, "nb") == "12,7\u00a0mill.\u00a0kr"
    assert fmt.million_kroner(12_750_000, 1, "nn") == "12,8\u00a0mill.\u00a0kr"
    assert fmt.million_kroner(12_700_000, 1, "en") == "NOK\u00a012.7m"


def test_shown_numbers_round_half_up_as_norwegian_practice_and_the_readme_say():
    """Babel rounds half to even (23 250 000 kr showed as 23,2 mill. kr, a change of 0,05 as "+0,0")."""
    from omradesatsing import formatting as fmt

    nbsp = "\u00a0"
    assert fmt.million_kroner(23_250_000, 1, "nb") == f"23,3{nbsp}mill.{nbsp}kr"
    assert fmt.million_kroner(23_150_000, 1, "nb") == f"23,2{nbsp}mill.{nbsp}kr"
    assert fmt.number(2.675, 2, "nb") == "2,68" and fmt.number(0.125, 2, "en") == "0.13"
    assert fmt.change(0.05, "percent", 1, "nb") == f"+0,1{nbsp}%-poeng"
    assert fmt.change(-0.05, "percent", 1, "nb") == f"{fmt.MINUS}0,1{nbsp}%-poeng"
    assert fmt.change(0.04, "percent", 1, "nb") == f"0,0{nbsp}%-poeng"  # no sign on a shown zero
    assert fmt.number(-0.04, 1, "nb") == "0,0"
    assert fmt.value(305_100.5, "nok", 0, "nb") == f"305{nbsp}101{nbsp}kr"
