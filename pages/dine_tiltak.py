"""Dine tiltak: a programme leader's worklist. The measures in the areas the signed-in editor may edit
(admins: all; the rule is the core's ``read.programme.worklist_rows``), those needing a new status this
tertial first, each as a compact card with *Oppdater*: the status form (one click for the status) and
the milestone form open in the card, and the confirmation (or another editor's newer change) is shown
there. Viewers and visitors not signed in get the login form (app.py's gate).

URL: ``/dine_tiltak`` (the menu's «Logg inn» for someone not signed in).
"""

import datetime as dt

import pandas as pd
import streamlit as st

from components import programme as prog, shell, ui
from components.data import q
from components.i18n import lang, t
from omradesatsing import formatting as fmt, read

TODAY = dt.date.today()
OPEN_KEY = "worklist_open"  # the measure whose forms are open
ORDER_KEY = "worklist_order"  # the order the cards were shown in while a card is open
JUST_OPENED_KEY = "worklist_just_opened"  # opened by the click that started this run: brought into view

shell.header("worklist.title", "worklist.intro")
who = shell.actor()
tertial = prog.tertial_text(TODAY)

rows = read.programme.worklist_rows(q(read.programme.measures), who)
ms = q(read.programme.milestones)
ids = [int(i) for i in rows["id"]]
stale_now = {int(i) for i, s in zip(rows["id"], rows["stale"], strict=True) if s}

# While a card is open the cards keep their places: a measure just updated stays where the editor
# is looking (with its confirmation) instead of moving down to the updated ones.
opened = st.session_state.get(OPEN_KEY)
if opened not in ids:
    opened = None
    st.session_state.pop(OPEN_KEY, None)
previous = st.session_state.get(ORDER_KEY)
if opened is not None and previous and set(previous["ids"]) == set(ids):
    order, stale_group = previous["ids"], set(previous["stale"])
else:
    order, stale_group = ids, stale_now
st.session_state[ORDER_KEY] = {"ids": order, "stale": sorted(stale_group)}

if not ids:
    st.info(t("worklist.none"), icon=":material/info:")
    st.stop()
if stale_now:
    st.markdown(t("worklist.count", n=len(stale_now), tertial=tertial))
else:
    st.markdown(t("worklist.all_fresh", tertial=tertial))


def _open(mid: int) -> None:
    st.session_state[OPEN_KEY] = mid
    st.session_state[JUST_OPENED_KEY] = mid


def _close() -> None:
    st.session_state.pop(OPEN_KEY, None)


def card(m: dict) -> None:
    mid = int(m["id"])
    is_open = opened == mid
    with st.container(border=True, key=f"worklist_card_{mid}"):
        info, action = st.columns([5, 1], vertical_alignment="center")
        status = ui.status_badge(m["status"])
        if m["stale"]:
            status += f" **⚠ {t('worklist.needs')}**"
        updated = (t("worklist.updated", date=fmt.date(m["updated_at"], lang())) if pd.notna(m["updated_at"])
                   else t("worklist.never_updated"))
        mark = f" {ui.illustrative_badge()}" if m["illustrative"] or m["status_illustrative"] else ""
        info.markdown(f"**{ui.plain(m['name'])}**{mark}  \n{ui.plain(m['area_names']) or '–'} · {status}  \n"
                      f"{updated} · {t('worklist.progress', p=int(m['progress']))}")
        if is_open:
            action.button(t("worklist.close"), key=f"worklist_close_{mid}", icon=":material/close:",
                          on_click=_close, width="stretch")
        else:
            action.button(t("worklist.update"), key=f"worklist_update_{mid}", icon=":material/edit:",
                          type="primary" if m["stale"] else "secondary", on_click=_open, args=(mid,),
                          help=t("worklist.update_help"), width="stretch")
        if is_open:
            if st.session_state.pop(JUST_OPENED_KEY, None) == mid:
                # to the top of the window: its form and save button in view without scrolling
                ui.scroll_into_view(f"worklist_card_{mid}", top=True)
            left, right = st.columns(2)
            with left:
                prog.status_form(who, m, place=f"worklist_{mid}", one_click=True)
            with right:
                prog.milestone_form(who, m, ms[ms["measure_id"] == mid], place=f"worklist_ms_{mid}")


by_id = {int(r["id"]): r for r in rows.to_dict("records")}
groups = [(t("worklist.group_stale", tertial=tertial), [i for i in order if i in stale_group]),
          (t("worklist.group_rest"), [i for i in order if i not in stale_group])]
for heading, members in groups:
    if not members:
        continue
    st.header(f"{heading} ({len(members)})", anchor=False)
    for mid in members:
        card(by_id[mid])
if bool(rows["illustrative"].any() or rows["status_illustrative"].any()):
    ui.illustrative_notice()  # what the cards' «Eksempeldata» means (below them: the worklist comes first)
