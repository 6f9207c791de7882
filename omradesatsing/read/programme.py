"""The programme: subprogrammes, measures and their status (with who changed what, and when),
frozen tertial reports, milestones and participation activities."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pandas as pd
from sqlalchemy import func, select

from omradesatsing import programme
from omradesatsing.models import (
    MEASURE_STATUSES,
    Area,
    Indicator,
    Measure,
    MeasureArea,
    MeasureIndicator,
    Milestone,
    ParticipationActivity,
    Pillar,
    ReportSnapshot,
    SnapshotItem,
    Source,
    StatusUpdate,
    Subprogramme,
)
from omradesatsing.permissions import Actor, has_role, may_edit_area
from omradesatsing.read.store import Store, frame


def subprogrammes(store: Store) -> pd.DataFrame:
    stmt = (
        select(Subprogramme.id, Subprogramme.number, Subprogramme.name, Subprogramme.goal, Subprogramme.leader,
               Subprogramme.illustrative, Pillar.number.label("pillar_number"), Pillar.name_nb.label("pillar_nb"),
               Pillar.name_nn.label("pillar_nn"), Pillar.name_en.label("pillar_en"),
               Source.title.label("source_title"))
        .outerjoin(Pillar, Pillar.id == Subprogramme.pillar_id)
        .outerjoin(Source, Source.id == Subprogramme.source_id)
        .order_by(Subprogramme.number)
    )
    return frame(store, stmt)


def measures(store: Store, area_slug: str | None = None, today: dt.date | None = None, *,
             area_slugs: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Measures with subprogramme and pillar, areas (slugs list, names joined), status, progress, the
    latest status comment (who, when), the indicators it aims to move and whether it is stale
    (not updated since the current tertial began; ``today`` defaults to the real date). ``area_slug``:
    the measures working in that area; ``area_slugs``: in any of them."""
    stmt = (
        select(Measure.id, Measure.name, Measure.description, Measure.responsible_unit, Measure.start_date,
               Measure.end_date, Measure.status, Measure.progress, Measure.updated_at, Measure.illustrative,
               Measure.status_illustrative, Measure.version, Subprogramme.number.label("subprogramme_number"),
               Subprogramme.name.label("subprogramme_name"), Pillar.number.label("pillar_number"),
               Source.title.label("source_title"), Source.url.label("source_url"))
        .join(Subprogramme, Subprogramme.id == Measure.subprogramme_id)
        .outerjoin(Pillar, Pillar.id == Subprogramme.pillar_id)
        .outerjoin(Source, Source.id == Measure.source_id)
        .order_by(Subprogramme.number, Measure.name)
    )
    df = frame(store, stmt)
    links = frame(store, select(MeasureArea.measure_id, Area.slug, Area.name).join(Area, Area.id == MeasureArea.area_id)
                   .order_by(Area.name))
    grouped_slugs = links.groupby("measure_id")["slug"].apply(list).to_dict()
    grouped_names = links.groupby("measure_id")["name"].apply(", ".join).to_dict()
    df["area_slugs"] = df["id"].map(lambda i: grouped_slugs.get(i, []))
    df["area_names"] = df["id"].map(lambda i: grouped_names.get(i, ""))
    aims = frame(store, select(MeasureIndicator.measure_id, Indicator.key).join(
        Indicator, Indicator.id == MeasureIndicator.indicator_id).order_by(Indicator.key))
    grouped_aims = aims.groupby("measure_id")["key"].apply(list).to_dict()
    df["indicator_keys"] = df["id"].map(lambda i: grouped_aims.get(i, []))
    last = latest_updates(store).set_index("measure_id")
    df["latest_comment"] = df["id"].map(last["comment"]) if not last.empty else None
    df["latest_at"] = df["id"].map(last["changed_at"]) if not last.empty else None
    df["latest_by"] = df["id"].map(last["changed_by"]) if not last.empty else None
    day = today or dt.date.today()
    df["stale"] = [programme.is_stale(None if pd.isna(u) else u, day, s)
                   for u, s in zip(df["updated_at"], df["status"], strict=True)]
    if area_slug:
        df = df[df["area_slugs"].map(lambda s: area_slug in s)]
    if area_slugs is not None:
        df = in_areas(df, area_slugs)
    return df.reset_index(drop=True)


def in_areas(rows: pd.DataFrame, area_slugs) -> pd.DataFrame:
    """The rows of ``measures`` working in any of ``area_slugs`` (a measure can work in several)."""
    wanted = set(area_slugs)
    return rows[rows["area_slugs"].map(lambda s: bool(wanted.intersection(s)))].reset_index(drop=True)


def worklist(store: Store, actor: Actor, today: dt.date | None = None) -> pd.DataFrame:
    """A programme leader's worklist ("Dine tiltak"): the measures in the areas ``actor`` may edit
    (``permissions.may_edit_area``; an admin: every measure; a viewer or anonymous: none), those that
    need a new status this tertial (``stale``) first, then the rest, each group in the order of
    ``measures`` (subprogramme, name)."""
    return worklist_rows(measures(store, today=today), actor)


def worklist_rows(rows: pd.DataFrame, actor: Actor) -> pd.DataFrame:
    """``worklist`` over rows of ``measures`` already read (a page hands it its one cached frame)."""
    if has_role(actor, "admin"):
        mine = rows
    elif has_role(actor, "editor"):
        mine = rows[rows["area_slugs"].map(lambda slugs: any(may_edit_area(actor, s) for s in slugs))]
    else:
        mine = rows.iloc[0:0]
    stale = mine["stale"].astype(bool)
    return pd.concat([mine[stale], mine[~stale]]).reset_index(drop=True)


def status_summary(rows: pd.DataFrame, area_slugs: tuple[str, ...] | None = None) -> dict[str, Any]:
    """The measure counts every page shows, from rows of ``measures`` (filtered or not; ``area_slugs``:
    only those working in any of these areas): how many, how many per status (every status, 0 when
    none) and per area, how many are stale, and whether any status or measure is an example.
    Pages hand it the one cached ``measures`` frame, so every page counts from the same read."""
    if area_slugs is not None:
        rows = in_areas(rows, area_slugs)
    counts = rows["status"].value_counts()
    per_area = Counter(slug for slugs in rows["area_slugs"] for slug in slugs)
    return {"measures": len(rows), "by_status": {s: int(counts.get(s, 0)) for s in MEASURE_STATUSES},
            "by_area": {str(slug): int(n) for slug, n in per_area.items()},  # a measure counts in each of its areas
            "stale": int(rows["stale"].sum()),
            "illustrative": bool(rows["status_illustrative"].any() or rows["illustrative"].any())}


def _updates(store: Store, measure_id: int | None = None) -> pd.DataFrame:
    stmt = (
        select(StatusUpdate.id, StatusUpdate.measure_id, StatusUpdate.changed_at, StatusUpdate.previous_status,
               StatusUpdate.status, StatusUpdate.progress, StatusUpdate.comment, StatusUpdate.changed_by,
               StatusUpdate.illustrative, Measure.name.label("measure_name"))
        .join(Measure, Measure.id == StatusUpdate.measure_id)
        .order_by(StatusUpdate.changed_at.desc(), StatusUpdate.id.desc())
    )
    if measure_id is not None:
        stmt = stmt.where(StatusUpdate.measure_id == measure_id)
    return frame(store, stmt)


def latest_updates(store: Store) -> pd.DataFrame:
    """Each measure's latest status update: the one rule every page uses (latest by the date it took
    effect, ties by the order it was stored in)."""
    return _updates(store).drop_duplicates("measure_id", keep="first").reset_index(drop=True)


def changed_since(store: Store, since: dt.datetime, area_slug: str | None = None) -> pd.DataFrame:
    """Every status change since ``since``, newest first, with before → after."""
    df = _updates(store)
    df = df[df["changed_at"] >= since]
    if area_slug:
        inside = set(measures(store, area_slug)["id"])
        df = df[df["measure_id"].isin(inside)]
    return df.reset_index(drop=True)


def status_history(store: Store, measure_id: int) -> pd.DataFrame:
    """Who changed what on one measure, and when, with the comment; newest first."""
    return _updates(store, measure_id).reset_index(drop=True)


def status_changes_since(store: Store, since: dt.datetime) -> pd.DataFrame:
    """One row per measure whose status was updated since ``since``: the status it had then
    (``before``, None if it had none yet), the status now, whether that is better or worse, how many
    updates there were, and the latest comment (who, when). Newest change first."""
    df = _updates(store)
    if df.empty:
        return df.assign(before=None, after=None, direction=None, updates=0)
    current = frame(store, select(Measure.id, Measure.status, Measure.progress, Measure.status_illustrative))
    current = current.set_index("id")
    rows = []
    for measure_id, group in df.groupby("measure_id", sort=False):
        recent = group[group["changed_at"] >= since]
        if recent.empty:
            continue
        older = group[group["changed_at"] < since]
        before = older.iloc[0]["status"] if not older.empty else recent.iloc[-1]["previous_status"]
        before = None if before is None or pd.isna(before) else before
        after = current.loc[measure_id, "status"]
        latest = recent.iloc[0]
        rows.append({"measure_id": int(measure_id), "measure_name": latest["measure_name"], "before": before,
                     "after": after, "direction": programme.direction(before, after),
                     "progress": int(current.loc[measure_id, "progress"]), "updates": len(recent),
                     "comment": latest["comment"], "changed_by": latest["changed_by"],
                     "changed_at": latest["changed_at"],
                     "illustrative": bool(recent["illustrative"].any())})
    out = pd.DataFrame(rows, columns=["measure_id", "measure_name", "before", "after", "direction", "progress",
                                      "updates", "comment", "changed_by", "changed_at", "illustrative"])
    return out.sort_values("changed_at", ascending=False).reset_index(drop=True)


def snapshots(store: Store) -> pd.DataFrame:
    """Frozen tertial reports, newest first, with how many measures each holds."""
    counts = (select(SnapshotItem.snapshot_id, func.count().label("measures"))
              .group_by(SnapshotItem.snapshot_id).subquery())
    stmt = (select(ReportSnapshot.id, ReportSnapshot.name, ReportSnapshot.taken_at, ReportSnapshot.taken_by,
                   ReportSnapshot.illustrative, ReportSnapshot.note, func.coalesce(counts.c.measures, 0).label("measures"))
            .outerjoin(counts, counts.c.snapshot_id == ReportSnapshot.id)
            .order_by(ReportSnapshot.taken_at.desc(), ReportSnapshot.id.desc()))
    return frame(store, stmt)


def snapshot_compare(store: Store, snapshot_id: int) -> pd.DataFrame:
    """Each measure as frozen in the snapshot next to how it stands now. Measures added after the
    snapshot have no 'then' (status_then None, direction 'new')."""
    then = frame(store, select(SnapshotItem.measure_id, SnapshotItem.status.label("status_then"),
                                 SnapshotItem.progress.label("progress_then"),
                                 SnapshotItem.comment.label("comment_then"),
                                 SnapshotItem.illustrative.label("illustrative_then"))
                  .where(SnapshotItem.snapshot_id == snapshot_id))
    now = measures(store)[["id", "name", "subprogramme_number", "area_slugs", "area_names", "status", "progress",
                            "latest_comment", "status_illustrative", "illustrative"]]
    df = now.merge(then, how="left", left_on="id", right_on="measure_id").drop(columns=["measure_id"])
    df = df.rename(columns={"id": "measure_id", "name": "measure_name", "status": "status_now",
                            "progress": "progress_now", "latest_comment": "comment_now"})
    df["status_then"] = df["status_then"].astype(object).where(df["status_then"].notna(), None)
    df["direction"] = [programme.direction(a, b) for a, b in zip(df["status_then"], df["status_now"], strict=True)]
    df["changed"] = (df["status_then"] != df["status_now"]) | (df["progress_then"] != df["progress_now"])
    df["illustrative"] = (df["illustrative"].astype(bool) | df["status_illustrative"].astype(bool)
                          | df["illustrative_then"].fillna(False).astype(bool))
    return df.drop(columns=["status_illustrative", "illustrative_then"])


def milestones(store: Store) -> pd.DataFrame:
    stmt = (
        select(Milestone.id, Milestone.name, Milestone.due_date, Milestone.done_date, Milestone.illustrative,
               Milestone.version,
               Measure.name.label("measure_name"), Measure.id.label("measure_id"))
        .join(Measure, Measure.id == Milestone.measure_id)
        .order_by(Milestone.due_date, Milestone.id)
    )
    return frame(store, stmt)


def next_milestones(store: Store, slug: str, today: dt.date | None = None, n: int = 3) -> pd.DataFrame:
    """What happens next in an area: the ``n`` milestones not done yet of the measures working in ``slug``,
    soonest due first (ties by id), with the measure's name and subprogramme. A milestone due before ``today``
    (the real date by default) and still not done comes first and is ``overdue``: it is what is left, not
    hidden. ``illustrative``: the milestone, the measure or the measure's dates are examples."""
    day = today or dt.date.today()
    stmt = (
        select(Milestone.id, Milestone.name, Milestone.due_date, Measure.id.label("measure_id"),
               Measure.name.label("measure_name"), Subprogramme.number.label("subprogramme_number"),
               Milestone.illustrative, Measure.status_illustrative, Measure.illustrative.label("measure_illustrative"))
        .join(Measure, Measure.id == Milestone.measure_id)
        .join(Subprogramme, Subprogramme.id == Measure.subprogramme_id)
        .join(MeasureArea, MeasureArea.measure_id == Measure.id)
        .join(Area, Area.id == MeasureArea.area_id)
        .where(Area.slug == slug, Milestone.done_date.is_(None))
        .order_by(Milestone.due_date, Milestone.id)
        .limit(n)
    )
    df = frame(store, stmt)
    df["illustrative"] = (df["illustrative"].astype(bool) | df["status_illustrative"].astype(bool)
                          | df["measure_illustrative"].astype(bool))
    df["overdue"] = df["due_date"].map(lambda d: d < day).astype(bool)
    return df.drop(columns=["status_illustrative", "measure_illustrative"])


def participation(store: Store, area_slug: str | None = None) -> pd.DataFrame:
    stmt = (
        select(ParticipationActivity.id, ParticipationActivity.kind, ParticipationActivity.title,
               ParticipationActivity.date, ParticipationActivity.participants, ParticipationActivity.illustrative,
               Area.slug.label("area_slug"), Area.name.label("area_name"))
        .outerjoin(Area, Area.id == ParticipationActivity.area_id)
        .order_by(ParticipationActivity.date.desc())
    )
    if area_slug:
        stmt = stmt.where(Area.slug == area_slug)
    return frame(store, stmt)

