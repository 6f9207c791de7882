"""Delprogrammer: the programme as a tree (pillar → subprogramme with its goal → measures per area)
with status as symbol and word, stale marks, a milestone timeline, each measure's history,
"Endret siden" (what changed since a date) and frozen tertial reports compared with now.
Editors change status (with a comment), milestones and freeze reports; the core checks it all.

URL: ``?visning=tre|tidslinje|endret|rapporter&omrader=&delprogram=&status=&ansvarlig=&trenger=1&tiltak=<id>
&siden=YYYY-MM-DD&rapport=<id>&per=delprogram|omrade`` (``trenger=1``: only the measures needing a new status).
"""

import datetime as dt

import pandas as pd
import streamlit as st

from components import charts, filters, forms, programme as prog, shell, ui
from components.data import q
from components.i18n import lang, t
from omradesatsing import formatting as fmt, programme as rules, read
from omradesatsing.permissions import has_role
from omradesatsing.vocabulary import MEASURE_STATUSES, STATUS_CARD_ORDER

TODAY = dt.date.today()
VIEWS = ("tre", "tidslinje", "endret", "rapporter")

shell.header("programme.title", "programme.intro")
who = shell.actor()

subs = q(read.programme.subprogrammes)
every = q(read.programme.measures)
areas = q(read.places.areas)
names = dict(zip(areas["slug"], areas["name"], strict=True))
sub_names = {str(n): f"{n}: {name}" for n, name in zip(subs["number"], subs["name"], strict=True)}
units = sorted({u for u in every["responsible_unit"].dropna()})
indicator_names = dict(zip(q(read.indicators.indicators)["key"], q(read.indicators.indicators)[f"name_{lang()}"], strict=True))

# The filters share one horizontal container: one block, where columns are five (fewer elements for the
# browser to redraw on every rerun; they still wrap on a narrow screen and look the same here).
f1 = f2 = f3 = f4 = st.container(horizontal=True)
chosen_areas = filters.multiselect(t("programme.filter_area"), list(names), key="prog_omrader", param="omrader",
                                   format_func=names.get, where=f1, placeholder=t("investments.filter_all"))
chosen_subs = filters.multiselect(t("programme.subprogramme"), list(sub_names), key="delprogram",
                                  format_func=sub_names.get, where=f2, placeholder=t("investments.filter_all"))
chosen_status = filters.multiselect(t("cols.status"), MEASURE_STATUSES, key="prog_status", param="status",
                                    format_func=ui.status_text, where=f3, placeholder=t("investments.filter_all"))
chosen_units = filters.multiselect(t("cols.responsible"), units, key="ansvarlig", where=f4,
                                   placeholder=t("investments.filter_all"))
measures = every
if chosen_areas:
    measures = measures[measures["area_slugs"].map(lambda s: bool(set(s) & set(chosen_areas)))]
if chosen_subs:
    measures = measures[measures["subprogramme_number"].astype(str).isin(chosen_subs)]
if chosen_status:
    measures = measures[measures["status"].isin(chosen_status)]
if chosen_units:
    measures = measures[measures["responsible_unit"].isin(chosen_units)]
# «⚠ N tiltak …» is a filter (?trenger=1): only the measures needing a new status, whatever their subprogramme.
stale_n = int(measures["stale"].sum())
if "trenger" not in st.session_state:
    st.session_state["trenger"] = filters.int_param("trenger") == 1
needs = bool(st.session_state["trenger"])
if needs:
    measures = measures[measures["stale"]]
measures = measures.reset_index(drop=True)

summary = read.programme.status_summary(measures)  # counted as Oversikt and the presentation count
cols = st.columns(5)
for col, status in zip(cols, STATUS_CARD_ORDER, strict=True):
    col.metric(ui.status_text(status), summary["by_status"][status], border=True)
st.toggle(t("programme.stale_line", n=stale_n, tertial=prog.tertial_text(TODAY)), key="trenger",
          help=t("programme.stale_filter_help"))
filters.to_url("trenger", "1" if needs else None)
st.caption(t("programme.status_caption", n=summary["measures"], total=len(every)))
if summary["illustrative"]:
    ui.illustrative_notice()

view = filters.radio(t("programme.view"), VIEWS, key="visning", horizontal=True,
                     format_func=lambda v: t("programme.view_" + v))
ms = q(read.programme.milestones)
forms.show_saved("programme")

# --- The tree: pillar → subprogramme → measures ---------------------------------------------------
if view == "tre":
    selected = None
    wanted = filters.int_param("tiltak", lo=1)  # a measure in the URL, picked again in its table
    shown_subs = subs[subs["number"].astype(str).isin(chosen_subs)] if chosen_subs else subs
    if needs:
        shown_subs = shown_subs[shown_subs["number"].isin(set(measures["subprogramme_number"]))]
        if shown_subs.empty:
            st.info(t("programme.no_measures"))
    for pillar_number, pillar_subs in shown_subs.groupby("pillar_number", sort=True):
        pillar = ui.plain(pillar_subs.iloc[0]["pillar_" + lang()])
        st.header(f"{t('programme.pillar')} {int(pillar_number)}: {pillar}")
        for sub in pillar_subs.itertuples():
            mine = measures[measures["subprogramme_number"] == sub.number].reset_index(drop=True)
            if needs and mine.empty:
                continue
            label = (f"{t('programme.subprogramme')} {sub.number}: {ui.plain(sub.name)} · "
                     + t("programme.measures_count", n=len(mine)))
            # Lazy: a closed subprogramme's table is not built (each is a canvas grid in the browser).
            wide = bool(chosen_subs) or needs  # chosen, or the stale ones: every subprogramme open
            box = st.expander(label, expanded=sub.number == 2 or wide, on_change="rerun",
                              key=f"sub_open_{sub.number}_{wide}")
            if not box.open:
                continue
            with box:
                st.markdown(f"**{t('programme.goal')}:** {ui.plain(sub.goal)}")
                if pd.notna(sub.leader) and sub.leader:  # no leader in the store: no line (not "nan")
                    st.markdown(f"**{t('programme.leader')}:** {ui.plain(sub.leader)}")
                ui.caption_source(sub.source_title, None, bool(sub.illustrative))
                if mine.empty:
                    st.markdown(t("programme.no_measures"))
                    continue
                table = prog.measure_table(mine, indicator_names, TODAY)
                # Keyed by the measures listed (see pages/investeringer.py): a filter that changes the
                # list makes a new table, so an old row number is never read against the new list.
                picked = st.dataframe(table, hide_index=True, width="stretch", on_select="rerun",
                                      selection_mode="single-row",
                                      key=ui.table_key(f"measures_{sub.number}", mine["id"]),
                                      selection_default=ui.selection_of(mine, "id", wanted),
                                      column_config=prog.progress_config())
                row = ui.selected_row(mine, picked)
                if row is not None:
                    selected = int(row["id"])
    st.caption(t("programme.pick_hint"))
    every_table = prog.measure_table(measures, indicator_names, TODAY)
    ui.download_buttons(every_table, "tiltak", key="measures_dl")

    if selected is None:
        selected = wanted
    if selected is not None and selected not in set(every["id"]):
        selected = None
    filters.to_url("tiltak", str(selected) if selected is not None else None)
    if selected is not None:
        m = every.set_index("id").loc[selected].to_dict() | {"id": selected}
        with st.container(border=True):
            prog.measure_detail(m, ms, indicator_names, TODAY)
            if prog.may_edit(who, m["area_slugs"]):
                prog.status_form(who, m)
                prog.milestone_form(who, m, ms[ms["measure_id"] == selected])
            elif has_role(who, "editor"):
                st.caption(t("programme.not_your_area"))
            else:
                st.caption(t("programme.edit_login"))

# --- Timeline: bars from start to end, milestones, today -------------------------------------------
elif view == "tidslinje":
    per = filters.radio(t("programme.timeline_per"), ("delprogram", "omrade"), key="per", horizontal=True,
                        format_func=lambda v: t("programme.per_" + v))
    if measures.empty:
        st.info(t("programme.no_measures"))
    groups = ([(f"{t('programme.subprogramme')} {n}: {g.iloc[0]['subprogramme_name']}", g)
               for n, g in measures.groupby("subprogramme_number", sort=True)] if per == "delprogram" else
              [(names[s], measures[measures["area_slugs"].map(lambda x, s=s: s in x)])
               for s in names if (not chosen_areas or s in chosen_areas)])
    domain = (dt.date(min(d.year for d in every["start_date"].dropna()), 1, 1),
              dt.date(max(d.year for d in every["end_date"].dropna()) + 1, 1, 1))
    shown_titles: list[str] = []
    for title, group in groups:
        if group.empty:
            continue
        group = group.sort_values(["start_date", "name"])
        st.header(ui.plain(title))
        caption = prog.timeline_caption(group, ms, TODAY)
        charts.altair(prog.timeline_chart(group, ms, TODAY, domain), f"timeline_{per}_{len(shown_titles)}",
                      alt_text=f"{title}: {caption}")
        shown_titles.append(title)
        st.markdown(caption)
    st.caption(t("programme.timeline_legend"))

# --- Endret siden: what changed since a date (the last meeting) ---------------------------------------
elif view == "endret":
    snaps = q(read.programme.snapshots)
    default = snaps.iloc[0]["taken_at"].date() if not snaps.empty else rules.tertial_start(*rules.tertial_of(TODAY))
    earliest = dt.date(1900, 1, 1)
    default = min(max(default, earliest), TODAY)
    if "endret_siden" not in st.session_state:  # from the URL on a new session; a date after today is the default
        st.session_state["endret_siden"] = filters.date_param("siden", default, lo=earliest, hi=TODAY)
    since = st.columns([1, 2])[0].date_input(t("programme.changed_since"), format="DD.MM.YYYY", key="endret_siden",
                                             min_value=earliest, max_value=TODAY,
                                             help=t("programme.changed_since_help"))
    filters.to_url("siden", since.isoformat() if since != default else None)
    if not snaps.empty:
        st.caption(t("programme.since_default", name=ui.plain(snaps.iloc[0]["name"]),
                     date=fmt.date(snaps.iloc[0]["taken_at"], lang())))
    changes = q(read.programme.status_changes_since, dt.datetime.combine(since, dt.time()))
    changes = changes[changes["measure_id"].isin(measures["id"])] if not changes.empty else changes
    if changes.empty:
        st.info(t("programme.no_changes", date=fmt.date(since, lang())))
    else:
        d = changes["direction"].value_counts()
        st.markdown(t("programme.changes_summary", n=len(changes), date=fmt.date(since, lang()),
                      better=int(d.get("better", 0)), worse=int(d.get("worse", 0)),
                      completed=int(d.get("completed", 0)),
                      other=int(len(changes) - d.get("better", 0) - d.get("worse", 0) - d.get("completed", 0))))
        ct = pd.DataFrame({
            t("cols.measure"): changes["measure_name"],
            t("programme.col_then", date=fmt.date(since, lang())): changes["before"].map(
                lambda s: ui.status_text(s) if isinstance(s, str) else t("programme.no_status")),
            t("programme.col_now"): changes["after"].map(ui.status_text),
            t("programme.col_direction"): changes["direction"].map(prog.direction_text),
            t("cols.progress"): changes["progress"].astype(int),
            t("programme.col_updates"): changes["updates"].astype(int),
            t("programme.col_latest"): changes["comment"],
            t("cols.changed_by"): changes["changed_by"],
            t("cols.date"): changes["changed_at"].map(lambda x: fmt.date(x, lang())),
            t("cols.illustrative"): changes["illustrative"].map(ui.yes_no),
        })
        st.dataframe(ct, hide_index=True, width="stretch", column_config=prog.progress_config())
        ui.download_buttons(ct, f"endret-siden-{since.isoformat()}", key="changes_dl")
        with st.expander(t("programme.all_changes")):
            single = q(read.programme.changed_since, dt.datetime.combine(since, dt.time()))
            single = single[single["measure_id"].isin(measures["id"])]
            st.dataframe(pd.DataFrame({
                t("cols.date"): single["changed_at"].map(lambda x: fmt.date(x, lang())),
                t("cols.measure"): single["measure_name"],
                t("cols.before"): single["previous_status"].map(lambda s: ui.status_text(s) if isinstance(s, str)
                                                                else "–"),
                t("cols.after"): single["status"].map(ui.status_text),
                t("cols.comment"): single["comment"],
                t("cols.changed_by"): single["changed_by"],
                t("cols.illustrative"): single["illustrative"].map(ui.yes_no),
            }), hide_index=True, width="stretch")

# --- Frozen tertial reports compared with now -------------------------------------------------------
else:
    snaps = q(read.programme.snapshots)
    if has_role(who, "editor"):
        with st.expander(t("programme.freeze_heading"), expanded=False):
            st.markdown(t("programme.freeze_intro"))
            prog.freeze_form(who, TODAY)
    if snaps.empty:
        st.info(t("programme.no_snapshots"))
    else:
        labels = {str(r.id): f"{r.name} ({fmt.date(r.taken_at, lang())})" + (
            f" · {t('common.illustrative')}" if r.illustrative else "") for r in snaps.itertuples()}
        pick = filters.selectbox(t("programme.snapshot_pick"), list(labels), key="rapport", format_func=labels.get,
                                 where=st.columns([2, 1])[0])
        snap = snaps[snaps["id"].astype(str) == pick].iloc[0]
        st.caption(t("programme.snapshot_meta", who=ui.plain(snap["taken_by"]), date=fmt.date(snap["taken_at"], lang()),
                     n=int(snap["measures"])) + (f" · {ui.plain(snap['note'])}" if isinstance(snap["note"], str) else ""))
        cmp = q(read.programme.snapshot_compare, int(snap["id"]))
        cmp = cmp[cmp["measure_id"].isin(measures["id"])]
        changed = cmp[cmp["changed"]]
        d = changed["direction"].value_counts()
        st.markdown(t("programme.compare_summary", n=len(changed), total=len(cmp), better=int(d.get("better", 0)),
                      worse=int(d.get("worse", 0)), completed=int(d.get("completed", 0)), new=int(d.get("new", 0))))
        only = st.toggle(t("programme.only_changed"), value=True, key="bare_endret")
        rows = changed if only else cmp
        table = pd.DataFrame({
            t("cols.measure"): rows["measure_name"],
            t("programme.subprogramme"): rows["subprogramme_number"].astype(int),
            t("programme.col_snapshot"): rows["status_then"].map(
                lambda s: ui.status_text(s) if isinstance(s, str) else t("programme.no_status")),
            t("programme.col_now"): rows["status_now"].map(ui.status_text),
            t("programme.col_direction"): rows["direction"].map(prog.direction_text),
            t("programme.col_progress_change"): [
                ("–" if pd.isna(a) else f"{int(a)} %") + f" → {int(b)} %"
                for a, b in zip(rows["progress_then"], rows["progress_now"], strict=True)],
            t("programme.col_comment_then"): rows["comment_then"].fillna(""),
            t("programme.col_latest"): rows["comment_now"].fillna(""),
            t("cols.illustrative"): rows["illustrative"].map(ui.yes_no),
        })
        st.dataframe(table, hide_index=True, width="stretch")
        ui.download_buttons(table, f"tertialrapport-mot-naa-{int(snap['id'])}", key="snapshot_dl")
