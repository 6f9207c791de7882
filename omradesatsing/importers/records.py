"""What the kinds with one row per thing share (investments, grants, measures, participation,
targets): areas by slug or name, the editor's own areas, the key a row is matched on, and the
comparison with the store that makes a row new, changed or unchanged."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from sqlalchemy import Table, select

from omradesatsing.catalogue import Text
from omradesatsing.importers import columns as cols, run
from omradesatsing.importers.run import PREVIEW_ROWS, Context, Plan, example_source_id
from omradesatsing.models import Area, Source


def areas(session) -> dict[str, tuple[int, str, str]]:
    """norm(slug or name) → (id, slug, name)."""
    out = {}
    for a in session.execute(select(Area.id, Area.slug, Area.name)).all():
        out.setdefault(cols.norm(a.slug), tuple(a))
        out.setdefault(cols.norm(a.name), tuple(a))
    return out


def area_ids(ctx: Context, t: cols.Typed, key: str = "area", *, required: bool = False) -> pd.Series:
    """The area column as ids; unknown names and (for editors) other areas are problems."""
    known = areas(ctx.session)
    names = t.values[key]
    ids = cols.unique_map(names, lambda v: None if v is None else (known.get(cols.norm(v)) or (None,))[0])
    unknown = (names.notna() & ids.isna()).to_numpy(dtype=bool)
    listed = ", ".join(sorted({a[1] for a in known.values()}))
    t.bad(unknown, key, lambda p: Text("imp.unknown_area_known", name=names.iloc[p], known=listed))
    if not ctx.is_admin:
        mine = {a[0] for a in known.values() if a[1] in ctx.actor.area_slugs}
        mine_text = ", ".join(sorted(ctx.actor.area_slugs)) or Text("imp.none")
        outside = (ids.notna() & ~ids.isin(mine)).to_numpy(dtype=bool) | (names.isna().to_numpy() & True)
        t.bad(outside & ~unknown, key, Text("imp.own_areas_only", areas=mine_text))
    return ids.astype("Int64")


def unknown_areas(t: cols.Typed, ids: pd.Series, key: str = "area") -> list[str]:
    names = t.values[key]
    return sorted({str(v) for v in names[(names.notna() & ids.isna()).to_numpy()]})


def key_text(frame_: pd.DataFrame, fields: tuple[str, ...]) -> pd.Series:
    """The matching key as text (names compared as ``cols.norm`` does)."""
    parts = []
    for f in fields:
        s = frame_[f]
        if s.dtype == object or str(s.dtype) in ("str", "string"):
            parts.append(cols.unique_map(s, lambda v: "" if v is None or v is pd.NA else cols.norm(v)))
        else:
            parts.append(s.astype(object).where(s.notna(), "").astype(str))
    out = parts[0].astype(str)
    for p in parts[1:]:
        out = out + "\x1f" + p.astype(str)
    return out


def _same(a: pd.Series, b: pd.Series) -> np.ndarray:
    a_na, b_na = a.isna().to_numpy(), b.isna().to_numpy()
    out = a_na & b_na
    both = ~a_na & ~b_na
    av, bv = a.astype(object).to_numpy(), b.astype(object).to_numpy()
    eq = np.array([_eq(x, y) for x, y in zip(av, bv, strict=True)], dtype=bool) if len(av) else np.zeros(0, bool)
    return out | (both & eq)


def _eq(x, y) -> bool:
    if isinstance(x, (int, float, np.integer, np.floating)) and isinstance(y, (int, float, np.integer, np.floating)):
        return abs(float(x) - float(y)) <= 1e-9 * max(1.0, abs(float(y)))
    return str(x) == str(y)


def plan_records(ctx: Context, t: cols.Typed, table: Table, rows: pd.DataFrame, key_fields: tuple[str, ...],
                 value_fields: tuple[str, ...], describe: Callable[[dict], str], *,
                 version_column: str | None = None, remove_examples: bool = True,
                 area_field: str | None = "area_id", key_column: str = "name", key_words: str = "") -> Plan:
    """``rows``: one per file row (``pos`` = its position) with the table's columns. Rows with a
    problem are left out; a key twice in the file is a problem; the rest are compared with the store."""
    session = ctx.session
    k = key_text(rows, key_fields)
    complete = rows[list(key_fields)].notna().all(axis=1).to_numpy() if key_fields else np.ones(len(rows), bool)
    dupe = k.duplicated(keep="first").to_numpy() & complete
    if dupe.any():
        first = dict(zip(k[~k.duplicated(keep="first")], rows.loc[~k.duplicated(keep="first"), "pos"], strict=True))
        key_at = dict(zip(rows["pos"], k, strict=True))
        t.bad(np.isin(np.arange(len(t)), rows.loc[dupe, "pos"]), key_column,
              lambda p: f"samme {key_words} som {t.raw.row_word} {int(t.raw.row_numbers[first[key_at[p]]])}")
    own_source = run.row_sources(ctx, t)
    good = ~rows["pos"].isin(list(t.problems)).to_numpy()
    rows = rows[good].reset_index(drop=True)
    example_id = example_source_id(session) if rows.get("illustrative", pd.Series(dtype=bool)).any() else None
    if "source_id" in table.c:
        default = np.where(rows["illustrative"].astype(bool), example_id or run.NO_SOURCE,
                           ctx.source_id or run.NO_SOURCE)
        own = own_source[rows["pos"].to_numpy()]
        rows["source_id"] = pd.array(np.where(np.isnan(own), default, own).astype(np.int64), dtype="Int64")
    fields = [c.name for c in table.c]
    existing = pd.DataFrame(session.execute(select(table)).all(), columns=fields)
    for c in fields:
        if c.endswith("_id") or c in ("id", "version"):
            existing[c] = existing[c].astype("Int64")
    rows["_key"] = key_text(rows, key_fields).to_numpy()
    existing["_key"] = key_text(existing, key_fields).to_numpy() if len(existing) else pd.Series([], dtype=str)
    existing_unique = existing.drop_duplicates("_key", keep="first")
    merged = rows.merge(existing_unique, on="_key", how="left", suffixes=("", "_old"), indicator="_m")
    found = (merged["_m"] == "both").to_numpy()
    same = np.ones(len(merged), dtype=bool)
    compare = [*value_fields] + (["source_id"] if "source_id" in table.c else [])
    for c in compare:
        same &= _same(merged[c], merged[f"{c}_old"])
    unchanged, changed, new = found & same, found & ~same, ~found
    insert_cols = [c for c in rows.columns if c in table.c and c != "id"]
    inserts = merged.loc[new, insert_cols].reset_index(drop=True)
    if version_column:
        inserts[version_column] = 1
    update_cols = [c for c in (*value_fields, "source_id") if c in table.c]
    updates = merged.loc[changed, ["id", *update_cols]].reset_index(drop=True)
    updates["id"] = updates["id"].astype("Int64")
    old_illus = merged["illustrative_old"].fillna(False).astype(bool).to_numpy() if "illustrative_old" in merged \
        else np.zeros(len(merged), bool)
    replaced = int((changed & old_illus & ~merged["illustrative"].astype(bool).to_numpy()).sum())

    deletes = pd.Series([], dtype="Int64")
    if remove_examples and ctx.replace_examples and "illustrative" in rows and (~rows["illustrative"]).any():
        example_src = session.scalar(select(Source.id).where(Source.key == "eksempeldata"))
        touched = set(merged.loc[found, "id"].dropna().astype(int))
        cand = existing[existing["illustrative"].astype(bool) & ~existing["id"].isin(touched)]
        if "source_id" in cand:  # a real-named project with example figures stays until its figures come
            cand = cand[cand["source_id"].isna() | (cand["source_id"] == example_src)]
        if area_field:
            covered = set(rows.loc[~rows["illustrative"], area_field].dropna().astype(int))
            if not ctx.is_admin:
                covered &= {a[0] for a in areas(session).values() if a[1] in ctx.actor.area_slugs}
            cand = cand[cand[area_field].isin(covered)]
        deletes = cand["id"]
    before = existing[existing["id"].isin(set(updates["id"].dropna().astype(int)) | set(deletes.astype(int)))]
    before = before.drop(columns="_key")
    parts = []
    for mask, word in ((new, "ny"), (changed, "endret"), (unchanged, "uendret")):
        for r in merged[mask].head(PREVIEW_ROWS).to_dict("records"):
            old = {c: r.get(f"{c}_old") for c in fields}
            parts.append({"endring": word, "hva": describe(r), "før": "" if word == "ny" else describe(old),
                          "nå": describe(r)})
    for r in existing[existing["id"].isin(deletes)].head(PREVIEW_ROWS).to_dict("records"):
        parts.append({"endring": "fjernes (eksempel)", "hva": describe(r), "før": describe(r), "nå": ""})
    preview = pd.DataFrame(parts, columns=["endring", "hva", "før", "nå"])
    return Plan(table=table, inserts=inserts, updates=updates, before=before, deletes=deletes.reset_index(drop=True),
                unchanged=int(unchanged.sum()), preview=preview, replaced_examples=replaced,
                version_column=version_column)


def money(v) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
        return "–"
    return f"{int(v):,}".replace(",", "\u00a0") + " kr"
