"""Suppression (prikking) decided when data changes, over the whole store, and its audit.

Two kinds of test:
- the rule on small tables built in memory (``suppression.Table``), including random hierarchies
  with ``hypothesis``;
- stores whose counts add up (``tests/core/additive_store.py``), on SQLite and PostgreSQL, attacked
  through the readers the pages use by an adversary written here independently of the core: it
  knows every relation the store's structure implies, fixes everything the readers return, and
  solves the tightest interval of every hidden count by linear programming.
"""

from __future__ import annotations

import shutil
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st
from scipy.optimize import linprog
from sqlalchemy import select, update

from omradesatsing import cli, config, db, read, suppression
from omradesatsing.models import IndicatorValue, ProtectionRun
from omradesatsing.read import Store
from tests.core import additive_store

T = M = 5  # threshold and margin


def _table(n, d, relations, keys=None, source=None) -> suppression.Table:
    t = suppression.Table(1)
    t.keys = keys or [("zone", f"z{i:02}", "2020", i) for i in range(len(n))]
    t.n, t.d = np.array(n, dtype=float), np.array(d, dtype=float)
    t.source = np.array(source or [False] * len(n))
    t.relations = [np.array(r, dtype=np.int64) for r in relations]
    return t


def test_primary_reasons_small_counts_complements_and_the_source():
    t = _table([3, 40, 48, 12, np.nan, 30], [100, 4, 50, 12, np.nan, 60], [], source=[False] * 4 + [True, False])
    assert list(suppression.primary_reasons(t, T)) == ["primary", "primary", "complement", "complement", "source",
                                                       "open"]


def test_the_second_cell_is_one_that_protects_not_just_the_next_smallest():
    """Parent 100 = 3 + 6 + 12 + 79: hiding 6 with the 3 gives the pair 9 in all, so the 3 lies in [0, 9];
    with a margin of 8 it needs a partner of at least 8: the 12."""
    t = _table([100, 3, 6, 12, 79], [1000, 100, 100, 100, 700], [[0, 1, 2, 3, 4]])
    reasons = suppression.protect_table(t, 5, 8)
    assert list(reasons) == ["open", "primary", "open", "secondary", "open"]
    assert suppression.audit_table(t, reasons == "open", 5, 8) == []


def test_ties_are_broken_on_the_stable_key_not_on_row_order():
    rows = [(100, 1000, ("zone", "P", "2020")), (3, 90, ("zone", "a", "2020")), (20, 200, ("zone", "b", "2020")),
            (20, 200, ("zone", "c", "2020")), (57, 510, ("zone", "d", "2020"))]
    hidden = []
    for order in ([0, 1, 2, 3, 4], [0, 4, 3, 2, 1], [0, 3, 1, 4, 2]):
        picked = [rows[i] for i in order]
        t = _table([r[0] for r in picked], [r[1] for r in picked], [list(range(5))],
                   keys=[(*r[2], 100 + k) for k, r in enumerate(picked)])
        reasons = suppression.protect_table(t, T, M)
        hidden.append(sorted(t.keys[i][1] for i in range(5) if reasons[i] != "open"))
    assert hidden == [["a", "b"]] * 3


def test_a_two_way_table_needs_more_than_one_secondary_per_relation():
    """Zones × years with totals both ways: hiding the small cell and one in its row leaves it exact
    through the column; the audit finds that, and the protection hides a rectangle."""
    # 0 total, 1-2 zone totals, 3-4 year totals, 5 z1y1, 6 z1y2, 7 z2y1, 8 z2y2
    n = [60, 23, 37, 30, 30, 2, 21, 28, 9]
    t = _table(n, [600] * 9, [[0, 1, 2], [0, 3, 4], [1, 5, 6], [2, 7, 8], [3, 5, 7], [4, 6, 8]])
    primary_only = suppression.primary_reasons(t, T) == "open"
    assert [(i, lo, hi) for i, lo, hi, _ in suppression.audit_table(t, primary_only, T, M)] == [(5, 2.0, 2.0)]
    reasons = suppression.protect_table(t, T, M)
    assert sorted(np.flatnonzero(reasons != "open")) == [5, 6, 7, 8]
    assert suppression.audit_table(t, reasons == "open", T, M) == []


def test_periods_parse_as_the_sources_write_them():
    assert suppression.period_years("2019–2021") == (2019, 2021)
    assert suppression.period_years("2019_2021") == (2019, 2021)
    assert suppression.period_years("2019-2021") == (2019, 2021)
    assert suppression.period_years("2020") == (2020, 2020)
    assert suppression.period_years("rapport 2019, dataår ikke oppgitt") is None


@st.composite
def hierarchies(draw):
    """A random tree of depth 2–3 (optionally × years with a multi-year total), counts adding up."""
    fanout = draw(st.lists(st.integers(2, 4), min_size=1, max_size=3))
    years = draw(st.integers(1, 3))
    leaf = st.tuples(st.integers(0, 30), st.integers(0, 8))  # (numerator, denominator − numerator)
    n, d, rel, keys = [], [], [], []

    def node(depth, name, year):
        i = len(n)
        n.append(0.0)
        d.append(0.0)
        keys.append(("zone", name, str(year), i))
        if depth == len(fanout):
            a, b = draw(leaf)
            n[i], d[i] = float(a), float(a + b)
            return i
        kids = [node(depth + 1, f"{name}.{k}", year) for k in range(fanout[depth])]
        n[i], d[i] = sum(n[k] for k in kids), sum(d[k] for k in kids)
        rel.append([i, *kids])
        return i

    per_year = [[] for _ in range(years)]
    for y in range(years):
        start = len(n)
        node(0, "B", 2019 + y)
        per_year[y] = list(range(start, len(n)))
    if years > 1:  # the multi-year total of every place
        size = len(per_year[0])
        for k in range(size):
            i = len(n)
            n.append(sum(n[per_year[y][k]] for y in range(years)))
            d.append(sum(d[per_year[y][k]] for y in range(years)))
            keys.append(("zone", keys[per_year[0][k]][1], "span", i))
            rel.append([i, *(per_year[y][k] for y in range(years))])
    return _table(n, d, rel, keys=keys)


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hierarchies())
def test_random_hierarchies_are_protected_to_the_margin(table):
    reasons = suppression.protect_table(table, T, M)
    assert suppression.audit_table(table, reasons == "open", T, M) == []
    again = suppression.protect_table(table, T, M)
    assert list(again) == list(reasons)  # the same data, the same pattern


# --------------------------------------------------------------------------------------------
# Stores whose counts add up, attacked through the readers


def _protected(url: str, **build) -> additive_store.Truth:
    truth = additive_store.build(url, **build)
    engine = db.make_engine(url)
    with db.session_scope(engine) as s:
        suppression.protect(s, replace(config.load_settings(), suppression_threshold=T, protection_margin=M))
    engine.dispose()
    return truth


def _published(store: Store) -> dict[tuple, float | None]:
    """Every count the pages' readers return: (place, period) → numerator, or None where hidden."""
    key = additive_store.KEY
    out: dict[tuple, float | None] = {}

    def take(place, period, row):
        shown = None if row["suppressed"] or pd.isna(row["numerator"]) else float(row["numerator"])
        if out.get((place, period)) is None:
            out[(place, period)] = shown

    for _, r in read.indicators.indicator_values(store, key).iterrows():
        place = {"zone": ("zone", r["zone_code"]), "area": ("area", r["area_slug"]), "city": ("city", "Bergen")}[r["scope"]]
        take(place, r["period"], r)
    for level in ("bydel", "delomraade", "grunnkrets", "levekaarssone"):
        for year in additive_store.YEARS:
            for _, r in read.indicators.zone_map_values(store, key, level, year).iterrows():
                if not pd.isna(r.get("period")):
                    take(("zone", r["zone_code"]), r["period"], r)
    for slug in ("tvers", "sone"):
        for _, r in read.indicators.area_trend(store, key, (slug,)).iterrows():
            if r.get("scope") == "area":
                take(("area", r["area_slug"]), r["period"], r)
    return out


def _adversary(truth: additive_store.Truth, published: dict[tuple, float | None]) -> list[tuple]:
    """For every true count below the rule that the readers do not show: the tightest interval anyone
    gets from what they show and every relation the structure implies. Returns the failures."""
    cells = sorted((place, period) for place in truth.n for period in truth.n[place])
    col = {c: k for k, c in enumerate(cells)}
    rows = []
    for top, parts in truth.sums:
        for period in additive_store.PERIODS:
            row = np.zeros(len(cells))
            row[col[(top, period)]] = 1
            for p in parts:
                row[col[(p, period)]] -= 1
            rows.append(row)
    for place in truth.n:
        row = np.zeros(len(cells))
        row[col[(place, additive_store.SPAN)]] = 1
        for y in additive_store.YEARS:
            row[col[(place, str(y))]] -= 1
        rows.append(row)
    a = np.array(rows)
    truth_n = np.array([truth.n[p][q] for p, q in cells], dtype=float)
    truth_d = np.array([truth.d[p][q] for p, q in cells], dtype=float)
    assert np.allclose(a @ truth_n, 0)  # the store's counts add up
    bounds = []
    for c in cells:
        shown = published.get(c)
        bounds.append((shown, shown) if shown is not None else (0, truth_d[col[c]]))
    failures = []
    for c in cells:
        i = col[c]
        n, d = truth_n[i], truth_d[i]
        if not (n < T or d < T or d - n < T):
            continue
        assert published.get(c) is None, f"{c} is below the rule and shown"
        cost = np.zeros(len(cells))
        cost[i] = 1
        lo = linprog(cost, A_eq=a, b_eq=np.zeros(len(a)), bounds=bounds, method="highs")
        hi = linprog(-cost, A_eq=a, b_eq=np.zeros(len(a)), bounds=bounds, method="highs")
        assert lo.status == 0 and hi.status == 0
        if lo.fun > max(0, n - M) + 1e-6 or -hi.fun < min(d, n + M) - 1e-6:
            failures.append((c, n, lo.fun, -hi.fun))
    return failures


@pytest.mark.parametrize("build", [{}, {"store_delomraader": False}, {"ties": True}, {"seed": 2}, {"seed": 3}],
                         ids=["stored", "delomraader-summed", "ties", "seed2", "seed3"])
def test_no_reader_lets_anyone_bound_a_hidden_count_tighter_than_the_margin(db_url, build):
    truth = _protected(db_url, **build)
    engine = db.make_engine(db_url)
    store = Store.of(engine, suppression_threshold=T, protection_margin=M)
    published = _published(store)
    hidden = [c for c, v in published.items() if v is None]
    assert hidden, "the generated store should have small counts"
    assert _adversary(truth, published) == []
    with db.session_scope(engine) as s:
        assert suppression.audit(s, replace(store.settings)) == []
    engine.dispose()


def test_primary_suppression_alone_is_broken_by_the_adversary(db_url):
    """The adversary is not toothless: with only the small counts hidden, it recovers them."""
    truth = additive_store.build(db_url)
    engine = db.make_engine(db_url)
    with db.session_scope(engine) as s:
        table = next(suppression._tables(s, None))
        reasons = suppression.primary_reasons(table, T)
        for ids, r in zip(table.cell_ids(), reasons, strict=True):
            s.execute(update(IndicatorValue).where(IndicatorValue.id.in_(ids)).values(protection=str(r)))
        assert suppression.audit(s, Store.of(engine, suppression_threshold=T, protection_margin=M).settings)
    failures = _adversary(truth, _published(Store.of(engine, suppression_threshold=T)))
    assert any(lo == hi for _, _, lo, hi in failures)  # recovered exactly
    engine.dispose()


def _pattern(url: str) -> dict:
    engine = db.make_engine(url)
    store = Store.of(engine, suppression_threshold=T)
    df = read.indicators.indicator_values(store, additive_store.KEY)
    engine.dispose()
    return {(r["scope"], r["zone_code"], r["area_slug"], r["period"]): bool(r["suppressed"]) for _, r in df.iterrows()}


@pytest.mark.postgres
def test_the_same_pattern_on_sqlite_and_postgresql(tmp_path, pg_server):
    lite, pg = f"sqlite:///{tmp_path / 'a.db'}", pg_server.create_database()
    for url in (lite, pg):
        _protected(url, ties=True)
    assert _pattern(lite) == _pattern(pg)


def test_a_reimport_with_updates_in_another_order_keeps_the_pattern(db_url):
    """Ties follow the stable key: rewriting every value (as an import's UPDATEs do, newest row first)
    and protecting again gives the same pattern; two reads (the map and the side panel) agree."""
    _protected(db_url, ties=True)
    before = _pattern(db_url)
    engine = db.make_engine(db_url)
    with db.session_scope(engine) as s:
        for vid in s.scalars(select(IndicatorValue.id).order_by(IndicatorValue.id.desc())).all():
            s.execute(update(IndicatorValue).where(IndicatorValue.id == vid).values(note="reimportert",
                                                                                    protection=None))
        suppression.protect(s, replace(config.load_settings(), suppression_threshold=T, protection_margin=M))
    engine.dispose()
    assert _pattern(db_url) == before == _pattern(db_url)


def test_undecided_values_are_hidden_until_protected(db_url):
    additive_store.build(db_url)
    engine = db.make_engine(db_url)
    df = read.indicators.indicator_values(Store.of(engine), additive_store.KEY)
    assert df["suppressed"].all() and df["value"].isna().all()  # fail closed
    settings = replace(config.load_settings(), suppression_threshold=T, protection_margin=M)
    with db.session_scope(engine) as s:
        assert suppression.ensure_current(s, settings) is not None
        assert suppression.ensure_current(s, settings) is None  # current: nothing to do
        assert suppression.ensure_current(s, replace(settings, suppression_threshold=10)) is not None
        assert s.scalar(select(ProtectionRun.threshold).order_by(ProtectionRun.id.desc()).limit(1)) == 10
    engine.dispose()


def test_the_seed_passes_the_audit_command(seeded_store, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", seeded_store)
    assert cli.main(["check-suppression"]) == 0
    out = capsys.readouterr().out
    assert "Prikkingen holder" in out


def test_the_audit_command_fails_and_names_the_cell_when_a_small_count_is_shown(tmp_path, monkeypatch, capsys,
                                                                                seeded_store):
    if not seeded_store.startswith("sqlite"):
        pytest.skip("one backend is enough for the command's exit code")
    copy = tmp_path / "copy.db"
    shutil.copy(seeded_store.removeprefix("sqlite:///"), copy)
    engine = db.make_engine(f"sqlite:///{copy}")
    with db.session_scope(engine) as s:
        s.execute(update(IndicatorValue).where(IndicatorValue.protection == "secondary").values(protection="open"))
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{copy}")
    assert cli.main(["check-suppression"]) == 1
    captured = capsys.readouterr()
    assert "kan regnes ut til mellom" in captured.out and "ikke godt nok beskyttet" in captured.err
