"""Oversikt, for the politician: what changed since the last meeting, and where each area stands.

Everything here is composed from the readers every other page uses (the status change rule of
``programme.status_changes_since``, the gap rows of ``indicators.indicator_gaps``, the money of
``money.area_money``), so a figure on Oversikt is the same number as on Delprogrammer, Indikatorer,
Investeringer and the presentation.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import select

from omradesatsing import programme
from omradesatsing.models import AuditEntry
from omradesatsing.read import about, indicators, money, places, programme as measures_read
from omradesatsing.read.store import Store, frame

GRID_COLUMNS = ("value", "value_text", "suppressed", "illustrative", "judgement", "trend", "trend_judgement",
                "year", "period", "city_value", "difference", "source_title")


DIRECTION_ORDER = {"worse": 0, "better": 1, "completed": 2}


def since_default(store: Store, today: dt.date) -> tuple[dt.date, str | None]:
    """The date "since the last meeting" starts from: the day the newest frozen tertial report was
    taken (with its name), or the start of the current tertial when none is frozen."""
    snaps = measures_read.snapshots(store)
    snaps = snaps[snaps["taken_at"].dt.date <= today] if not snaps.empty else snaps
    if not snaps.empty:
        return snaps.iloc[0]["taken_at"].date(), str(snaps.iloc[0]["name"])
    return programme.tertial_start(*programme.tertial_of(today)), None


def _money_changes(store: Store, since: dt.datetime) -> dict[str, Any]:
    """What the audit log says of the projects' amounts since ``since``: projects created or updated
    with a changed amount, and how much the money spent and the budgets moved in sum (whole kroner)."""
    rows = frame(store, select(AuditEntry.entity_id, AuditEntry.action, AuditEntry.detail, AuditEntry.at)
                 .where(AuditEntry.entity == "investment", AuditEntry.at >= since))
    spent = budget = 0
    projects: set[str] = set()
    for r in rows.itertuples():
        detail = r.detail or {}
        moved = False
        for key in ("spent_nok", "budget_nok"):
            if key not in detail:
                continue
            before, after = detail[key]
            delta = int(after or 0) - int(before or 0)
            if key == "spent_nok":
                spent += delta
            else:
                budget += delta
            moved = moved or delta != 0
        if moved:
            projects.add(str(r.entity_id))
    return {"spent_change_nok": spent, "budget_change_nok": budget, "projects": len(projects)}


def changes_since(store: Store, since: dt.date) -> dict[str, Any]:
    """What changed since ``since`` (a date; the whole day counts):

    - ``status``: one row per measure whose status is another than it was then (as
      ``programme.status_changes_since`` decides it, with ``direction`` better/worse/completed/…), worse
      first, then better, completed and the rest, newest first in each; an update that left the status as
      it was is not a change here;
    - ``imports``: the data files imported since then and not undone (new and changed figures);
    - ``money``: the projects whose amounts changed, and by how much spent and budget moved.
    """
    start = dt.datetime.combine(since, dt.time())
    status = measures_read.status_changes_since(store, start)
    if not status.empty:
        status = status[status["before"].fillna("") != status["after"]]
        # What a politician asks first: what got worse, then better, then completed; newest first in each.
        rank = status["direction"].map(DIRECTION_ORDER).fillna(len(DIRECTION_ORDER))
        status = (status.assign(_rank=rank).sort_values(["_rank", "changed_at"], ascending=[True, False], kind="stable")
                  .drop(columns="_rank").reset_index(drop=True))
    imports = about.imports(store)
    if not imports.empty:
        imports = imports[(imports["at"] >= start) & imports["undone_at"].isna()].reset_index(drop=True)
    return {"since": since, "status": status, "imports": imports, "money": _money_changes(store, start)}


def area_grid(store: Store, keys: tuple[str, ...] = programme.HEADLINE_INDICATORS) -> pd.DataFrame:
    """One row per programme area (in the order of ``places.areas``) with, for each indicator in
    ``keys``, its latest gap row's fields as ``<key>.<field>`` (value, judgement against Bergen,
    trend when the test supports one, period, source; a hidden value stays hidden), and the area's
    budget and spent from ``money.area_money`` (the numbers Investeringer shows), plus a last row
    ``_all`` with the money of all areas together."""
    areas = places.areas(store)
    slugs = tuple(areas["slug"])
    per = money.area_money(store).set_index("area_slug")
    out = pd.DataFrame({"area_slug": [*slugs, "_all"],
                        "area_name": [*areas["name"], None],
                        "state": [*areas["state"], None]})
    for col in ("budget_nok", "spent_nok", "any_illustrative"):
        out[col] = out["area_slug"].map(per[col])
    every = indicators.indicators_gaps(store, keys, slugs)
    for key in keys:
        gaps = every[every["indicator"] == key].set_index("area_slug")
        for field in GRID_COLUMNS:
            out[f"{key}.{field}"] = out["area_slug"].map(gaps[field]) if field in gaps else None
    return out


def widest_gaps(grid: pd.DataFrame, keys: tuple[str, ...] = programme.HEADLINE_INDICATORS) -> dict[str, str]:
    """For each indicator, the area (slug) whose latest value is furthest on the wrong side of
    Bergen's, among areas judged worse than Bergen with certainty; indicators without such an area
    are left out. The page marks these cells: "where is it worst, on what"."""
    out = {}
    for key in keys:
        worse = grid[grid[f"{key}.judgement"] == "worse"]
        if worse.empty:
            continue
        out[key] = str(worse.loc[worse[f"{key}.difference"].abs().idxmax(), "area_slug"])
    return out
