"""Delprogrammer pieces: status words with symbols, the measure table, the milestone timeline,
a measure's detail and history, and the editor forms (which hand everything to the core)."""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd
import streamlit as st

from components import forms, ui
from components.charts import FONT_SIZE, configure
from components.data import current_engine, invalidate, q
from components.i18n import lang, t
from omradesatsing import commands, formatting as fmt, programme, read
from omradesatsing.permissions import Actor, PermissionDenied, has_role, may_edit_area
from omradesatsing.vocabulary import MEASURE_STATUSES

# Status colours for the timeline bars (Okabe–Ito); the word and symbol are always beside them.
STATUS_FILL = {"on_track": "#009E73", "at_risk": "#E69F00", "off_track": "#D55E00", "completed": "#0072B2",
               "not_started": "#BBBBBB"}
DIRECTION_SYMBOL = {"better": "↑", "worse": "↓", "completed": "■", "new": "+", "same": "=", "other": "↔"}


def tertial_text(day: dt.date) -> str:
    year, number = programme.tertial_of(day)
    return t("programme.tertial", n=number, year=year)


def direction_text(direction: str) -> str:
    return f"{DIRECTION_SYMBOL.get(direction, '')} {t('programme.direction_' + direction)}"


def stale_mark(stale) -> str:
    """Markdown after a status badge: ⚠ and the word when the measure needs a new status this tertial."""
    return f" **⚠ {t('programme.stale_word')}**" if stale else ""


def measure_table(df: pd.DataFrame, indicator_names: dict[str, str], today: dt.date) -> pd.DataFrame:
    """The rows as shown (and downloaded): status as symbol and word (⚠ after it when stale), stale as a word. The language and
    the fixed words are looked up once, not per row (500 measures were 20 000 lookups a run)."""
    language = lang()
    status = {s: ui.status_text(s) for s in set(df["status"])}
    stale = f" · ⚠ {t('programme.stale_word')}"
    marks = {(True, True): t("programme.example_measure"), (True, False): t("programme.example_measure"),
             (False, True): t("programme.example_status"), (False, False): t("common.no")}
    out = pd.DataFrame({
        t("cols.measure"): df["name"],
        t("cols.areas"): df["area_names"],
        t("cols.status"): [status[s] + (" ⚠" if stale_ else "") for s, stale_ in zip(df["status"], df["stale"],
                                                                                   strict=True)],
        t("cols.progress"): df["progress"].astype(int),
        t("cols.responsible"): df["responsible_unit"].fillna(""),
        t("cols.start"): [fmt.date(d, language) for d in df["start_date"]],
        t("cols.end"): [fmt.date(d, language) for d in df["end_date"]],
        t("programme.col_latest"): df["latest_comment"].fillna(""),
        t("cols.updated"): [fmt.date(u, language) + (stale if s else "")
                            for u, s in zip(df["updated_at"], df["stale"], strict=True)],
        t("programme.col_aims"): df["indicator_keys"].map(lambda ks: ", ".join(indicator_names.get(k, k) for k in ks)),
        t("cols.illustrative"): [marks[(bool(i), bool(si))]
                                 for i, si in zip(df["illustrative"], df["status_illustrative"], strict=True)],
    })
    return out


def progress_config() -> dict:
    return {t("cols.progress"): st.column_config.ProgressColumn(t("cols.progress"), min_value=0, max_value=100,
                                                                format="%d %%")}


def timeline_chart(df: pd.DataFrame, ms: pd.DataFrame, today: dt.date, domain: tuple[dt.date, dt.date]) -> alt.Chart:
    """Gantt-like: a bar per measure from start to end (the status is in the row label, in words,
    not only in the colour), milestones as diamonds (filled when done, hollow when not), and today
    as a dashed line. ``domain`` is shared by every chart on the page so they can be compared."""
    bars = df.assign(
        label=[f"{n[:55]}{'…' if len(n) > 55 else ''} · {ui.status_text(s)}" for n, s in zip(df["name"], df["status"],
                                                                                            strict=True)],
        status_word=df["status"].map(ui.status_text),
        start=pd.to_datetime(df["start_date"]),
        end=pd.to_datetime(df["end_date"]),
        fill=df["status"].map(STATUS_FILL),
    )
    order = list(bars["label"])
    labels = dict(zip(bars["id"], bars["label"], strict=True))
    y = alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=520, labelFontSize=FONT_SIZE))
    x_scale = alt.Scale(domain=[pd.Timestamp(domain[0]).isoformat(), pd.Timestamp(domain[1]).isoformat()])
    gantt = alt.Chart(bars).mark_bar(height=20, cornerRadius=3).encode(
        x=alt.X("start:T", title=None, scale=x_scale, axis=alt.Axis(format="%Y", tickCount="year",
                                                                     labelFontSize=FONT_SIZE)),
        x2="end:T", y=y,
        color=alt.Color("fill:N", scale=None, legend=None),
        tooltip=[alt.Tooltip("name:N", title=t("cols.measure")), alt.Tooltip("status_word:N", title=t("cols.status")),
                 alt.Tooltip("start:T", title=t("cols.start"), format="%d.%m.%Y"),
                 alt.Tooltip("end:T", title=t("cols.end"), format="%d.%m.%Y"),
                 alt.Tooltip("progress:Q", title=t("cols.progress"))],
    )
    layers = [gantt]
    points = ms[ms["measure_id"].isin(labels)]
    if not points.empty:
        points = points.assign(label=points["measure_id"].map(labels), due=pd.to_datetime(points["due_date"]),
                               done_word=points["done_date"].map(
                                   lambda d: t("programme.milestone_done") if pd.notna(d) else t("programme.milestone_open")),
                               filled=points["done_date"].notna())
        layers.append(alt.Chart(points).mark_point(shape="diamond", size=160, strokeWidth=2, color="#000000",
                                                   opacity=1).encode(
            x="due:T", y=y, fill=alt.Fill("filled:N", scale=alt.Scale(domain=[True, False],
                                                                      range=["#000000", "#FFFFFF"]), legend=None),
            tooltip=[alt.Tooltip("name:N", title=t("programme.milestone")),
                     alt.Tooltip("due:T", title=t("programme.due"), format="%d.%m.%Y"),
                     alt.Tooltip("done_word:N", title=t("cols.status"))]))
    now = pd.DataFrame({"today": [pd.Timestamp(today)], "word": [t("programme.today")]})
    layers.append(alt.Chart(now).mark_rule(color="#000000", strokeDash=[6, 4], strokeWidth=2).encode(x="today:T"))
    layers.append(alt.Chart(now).mark_text(align="right", dx=-4, dy=-4, fontSize=FONT_SIZE, fontWeight="bold",
                                           baseline="bottom").encode(x="today:T", y=alt.value(0), text="word:N"))
    return configure(alt.layer(*layers).properties(height={"step": 34}))


def timeline_caption(df: pd.DataFrame, ms: pd.DataFrame, today: dt.date) -> str:
    running = df[(pd.to_datetime(df["start_date"]) <= pd.Timestamp(today))
                 & (pd.to_datetime(df["end_date"]) >= pd.Timestamp(today))]
    mine = ms[ms["measure_id"].isin(df["id"])]
    late = mine[mine["done_date"].isna() & (pd.to_datetime(mine["due_date"]) < pd.Timestamp(today))]
    ending = df[pd.to_datetime(df["end_date"]).dt.year == today.year]
    return t("programme.timeline_caption", n=len(df), running=len(running), ending=len(ending),
             milestones=len(mine), late=len(late))


# --- Editing ---------------------------------------------------------------------------------------


def may_edit(who: Actor, area_slugs: list[str]) -> bool:
    return has_role(who, "admin") or any(may_edit_area(who, s) for s in area_slugs)


def _generation(form: str, mid: int) -> str:
    """The suffix of a form's widget keys: after a save the fields are new widgets, so they show the
    record as saved and an empty comment (a widget's value stays in the browser when only its key is
    dropped, and a second press of the button would store the same update again)."""
    n = int(st.session_state.get(f"{form}_generation_{mid}", 0))
    return f"_v{n}" if n else ""


def _next_generation(form: str, mid: int) -> None:
    st.session_state[f"{form}_generation_{mid}"] = int(st.session_state.get(f"{form}_generation_{mid}", 0)) + 1


def status_form(who: Actor, m: dict, *, place: str = "programme", one_click: bool = False) -> None:
    """Change status, progress and comment of one measure. The version the editor saw when the
    form was first shown is kept in the session: a save over someone else's newer change is
    refused by the core, and the other change is shown.

    ``place``: where the confirmation after a save is shown: "programme" (the page shows it, and so
    does the top of this form), any other name: right under this form's save button (``saved_here``).
    ``one_click``: the statuses as radio buttons (one click) instead of a drop-down (two)."""
    if place == "programme":
        forms.show_saved(place)
    mid = int(m["id"])
    opened = forms.opened_version("measure", mid, m["version"])
    stale_key = f"measure_stale_{mid}"
    if stale_key in st.session_state:
        other = st.session_state[stale_key]
        st.error(t("programme.stale_edit", who=ui.plain(other["changed_by"]), when=fmt.date(other["changed_at"], lang()),
                   status=ui.status_text(other["status"]), comment=ui.plain(other["comment"])),
                 icon=":material/sync_problem:")
        if st.button(t("programme.reload"), key=f"reload_{mid}", icon=":material/refresh:"):
            st.session_state.pop(stale_key, None)
            forms.forget("measure", mid)
            st.rerun()
        return
    g = _generation("sf", mid)
    with st.form(f"status_form_{mid}"):
        st.markdown(f"**{t('programme.form_heading')}**")
        if one_click:
            status = st.radio(t("cols.status"), MEASURE_STATUSES, index=MEASURE_STATUSES.index(m["status"]),
                              format_func=ui.status_text, key=f"sf_status_{mid}{g}", horizontal=True)
            c2 = st.container()
        else:
            c1, c2 = st.columns(2)
            status = c1.selectbox(t("cols.status"), MEASURE_STATUSES, index=MEASURE_STATUSES.index(m["status"]),
                                  format_func=ui.status_text, key=f"sf_status_{mid}{g}")
        progress = c2.slider(t("cols.progress"), 0, 100, int(m["progress"]), step=5, format="%d %%",
                             key=f"sf_progress_{mid}{g}")
        comment = st.text_area(t("programme.comment_label"), key=f"sf_comment_{mid}{g}", max_chars=commands.MAX_COMMENT,
                               placeholder=t("programme.comment_placeholder"))
        saved = st.form_submit_button(t("programme.save_status"), type="primary", icon=":material/save:")
    if place != "programme":
        saved_here(place)
    if saved:
        try:
            commands.update_measure_status(current_engine(), who, mid, status=status, progress=progress,
                                           comment=comment, expected_version=opened)
        except commands.ValidationError as exc:
            forms.show_problems(exc, t("programme.form_invalid"))
        except commands.StaleEdit as exc:
            if exc.other:
                st.session_state[stale_key] = exc.other
            invalidate()
            st.rerun()
        except PermissionDenied as exc:
            st.error(str(exc))
        else:
            invalidate()
            forms.forget("measure", mid)
            for key in (f"sf_status_{mid}{g}", f"sf_progress_{mid}{g}", f"sf_comment_{mid}{g}"):
                st.session_state.pop(key, None)
            _next_generation("sf", mid)
            forms.saved(place, t("programme.saved", name=ui.plain(m["name"])))
            st.rerun()


def saved_here(place: str) -> None:
    """The confirmation of the last save at ``place``, where it is called (next to the form's button),
    scrolled into view should the button have been at the bottom edge of the window."""
    with st.container(key=f"saved_{place}"):
        if forms.show_saved(place):
            ui.scroll_into_view(f"saved_{place}")


def milestone_form(who: Actor, m: dict, ms: pd.DataFrame, *, place: str = "programme") -> None:
    """Add a milestone, or mark an open one as done (``place``: as for ``status_form``)."""
    mid = int(m["id"])
    open_ones = ms[ms["done_date"].isna()]
    # The version of every milestone the form offers, as it was when the form was first shown.
    opened = {int(i): forms.opened_version("milestone", i, v) for i, v in zip(open_ones["id"], open_ones["version"],
                                                                              strict=True)}
    stale_key = f"milestone_stale_{mid}"
    if stale_key in st.session_state:
        st.error(st.session_state[stale_key], icon=":material/sync_problem:")
        if st.button(t("programme.reload"), key=f"ms_reload_{mid}", icon=":material/refresh:"):
            st.session_state.pop(stale_key, None)
            for i in opened:
                forms.forget("milestone", i)
            st.rerun()
    g = _generation("mf", mid)
    with st.form(f"milestone_form_{mid}", clear_on_submit=False):
        st.markdown(f"**{t('programme.milestone_form')}**")
        choices = [0] + [int(i) for i in open_ones["id"]]
        names = dict(zip(open_ones["id"], open_ones["name"], strict=True))
        picked = st.selectbox(t("programme.milestone_pick"), choices,
                              format_func=lambda i: t("programme.milestone_new") if i == 0 else names[i],
                              key=f"mf_pick_{mid}{g}")
        name = st.text_input(t("programme.milestone_name"), key=f"mf_name_{mid}{g}",
                             help=t("programme.milestone_name_help"))
        c1, c2 = st.columns(2)
        due = c1.date_input(t("programme.due"), value=None, format="DD.MM.YYYY", key=f"mf_due_{mid}{g}")
        done = c2.date_input(t("programme.done_date"), value=None, format="DD.MM.YYYY", key=f"mf_done_{mid}{g}")
        saved = st.form_submit_button(t("programme.save_milestone"), icon=":material/flag:")
    if place != "programme":
        saved_here(place)
    if saved:
        existing = ms.set_index("id").loc[picked] if picked else None
        data = {"name": name or (existing["name"] if existing is not None else ""),
                "due_date": due or (existing["due_date"] if existing is not None else None),
                "done_date": done}
        try:
            commands.save_milestone(current_engine(), who, mid, data, milestone_id=picked or None,
                                    expected_version=opened.get(picked))
        except commands.ValidationError as exc:
            forms.show_problems(exc, t("programme.form_invalid"))
        except commands.StaleEdit as exc:
            st.session_state[stale_key] = str(exc)
            invalidate()
            st.rerun()
        except PermissionDenied as exc:
            st.error(str(exc))
        else:
            invalidate()
            if picked:
                forms.forget("milestone", picked)
            for key in (f"mf_pick_{mid}{g}", f"mf_name_{mid}{g}", f"mf_due_{mid}{g}", f"mf_done_{mid}{g}"):
                st.session_state.pop(key, None)
            _next_generation("mf", mid)
            forms.saved(place, t("programme.milestone_saved"))
            st.rerun()


def freeze_form(who: Actor, today: dt.date) -> None:
    year, number = programme.tertial_of(today)
    with st.form("freeze_form"):
        st.markdown(f"**{t('programme.freeze_heading')}**")
        name = st.text_input(t("programme.freeze_name"), value=t("programme.freeze_default", n=number, year=year),
                             key="freeze_name")
        note = st.text_input(t("programme.freeze_note"), key="freeze_note")
        saved = st.form_submit_button(t("programme.freeze_button"), icon=":material/ac_unit:")
    if saved:
        try:
            snap_id = commands.freeze_snapshot(current_engine(), who, name, note=note)
        except commands.ValidationError as exc:
            forms.show_problems(exc, t("programme.form_invalid"))
        except PermissionDenied as exc:
            st.error(str(exc))
        else:
            invalidate()
            forms.saved("programme", t("programme.frozen", name=ui.plain(name)))
            st.session_state["rapport"] = str(snap_id)
            st.rerun()


def history_table(measure_id: int) -> pd.DataFrame:
    h = q(read.programme.status_history, measure_id)
    return pd.DataFrame({
        t("cols.date"): h["changed_at"].map(lambda d: fmt.date(d, lang())),
        t("cols.before"): h["previous_status"].map(lambda s: ui.status_text(s) if isinstance(s, str) else "–"),
        t("cols.after"): h["status"].map(ui.status_text),
        t("cols.progress"): h["progress"].map(lambda p: "" if pd.isna(p) else f"{int(p)} %"),
        t("cols.comment"): h["comment"],
        t("cols.changed_by"): h["changed_by"],
        t("cols.illustrative"): h["illustrative"].map(ui.yes_no),
    })


def measure_detail(m: dict, ms: pd.DataFrame, indicator_names: dict[str, str], today: dt.date) -> None:
    """One measure: status, progress, where, who, when, what it aims to move, milestones and history."""
    st.subheader(ui.plain(m["name"]))
    st.markdown(f"{ui.status_badge(m['status'])}{stale_mark(m['stale'])} · {t('cols.progress')}: "
                f"**{int(m['progress'])} %** · "
                f"{ui.plain(m['subprogramme_name'])}")
    st.progress(int(m["progress"]) / 100, text=t("programme.progress_text", p=int(m["progress"])))
    if m["stale"]:
        st.warning(t("programme.stale_detail", tertial=tertial_text(today)), icon=":material/schedule:")
    facts = [f"**{t('cols.areas')}:** {ui.plain(m['area_names']) or '–'}",
             f"**{t('cols.responsible')}:** {ui.plain(m['responsible_unit']) or '–'}",
             f"**{t('programme.period')}:** {fmt.date(m['start_date'], lang())} – {fmt.date(m['end_date'], lang())}"]
    st.markdown("  \n".join(facts))
    if isinstance(m["description"], str) and m["description"]:
        st.text(m["description"])  # stored text: never rendered as markdown or HTML
    if m["indicator_keys"]:
        links = ", ".join(f"[{ui.plain(indicator_names.get(k, k))}](/indikatorer?indikator={k}"
                          f"&omrader={'&omrader='.join(m['area_slugs'])})" for k in m["indicator_keys"])
        st.markdown(f"**{t('programme.aims')}:** {links}")
        st.caption(t("programme.aims_note"))
    if isinstance(m["latest_comment"], str):
        st.markdown(t("programme.latest", comment=ui.plain(m["latest_comment"]), who=ui.plain(m["latest_by"]),
                      when=fmt.date(m["latest_at"], lang())))
    ui.caption_source(m["source_title"], None, bool(m["illustrative"] or m["status_illustrative"]))
    mine = ms[ms["measure_id"] == m["id"]]
    st.markdown(f"**{t('programme.milestones')}**")
    if mine.empty:
        st.caption(t("programme.no_milestones"))
    else:
        st.dataframe(pd.DataFrame({
            t("programme.milestone"): mine["name"],
            t("programme.due"): mine["due_date"].map(lambda d: fmt.date(d, lang())),
            t("cols.status"): [f"◆ {t('programme.milestone_done')} {fmt.date(d, lang())}" if pd.notna(d) else (
                f"◇ {t('programme.milestone_late')}" if pd.Timestamp(due) < pd.Timestamp(today)
                else f"◇ {t('programme.milestone_open')}") for d, due in zip(mine["done_date"], mine["due_date"],
                                                                             strict=True)],
            t("cols.illustrative"): mine["illustrative"].map(ui.yes_no),
        }), hide_index=True, width="stretch")
    st.markdown(f"**{t('programme.history')}**")
    history = history_table(int(m["id"]))
    st.dataframe(history, hide_index=True, width="stretch")
    ui.download_buttons(history, f"statushistorikk-tiltak-{int(m['id'])}", key=f"history_dl_{int(m['id'])}")


__all__ = ["direction_text", "freeze_form", "measure_detail", "measure_table", "milestone_form",
           "saved_here", "stale_mark", "status_form", "tertial_text", "timeline_caption", "timeline_chart"]
