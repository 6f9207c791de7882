"""Delprogrammer in AppTest: the tree, the views, a measure's detail for viewers and editors,
a status change with a comment (refused without one), two editors at once, and freezing a report."""

from __future__ import annotations

import re
import shutil

import pytest

from omradesatsing import db, read
from omradesatsing.models import AuditEntry, ReportSnapshot, StatusUpdate
from omradesatsing.permissions import Actor
from omradesatsing.read import Store
from tests.app.conftest import assert_clean, open_page, text_of, ui

pytestmark = pytest.mark.app

EDITOR = Actor("kari", "editor", "Kari Nordmann", frozenset({"olsvik"}))
SOLHEIM_EDITOR = Actor("siv", "editor", "Siv Berg", frozenset({"solheim"}))


def _url() -> str:
    import os

    return os.environ["DATABASE_URL"]


@pytest.fixture
def own_store(tmp_path, monkeypatch):
    store = tmp_path / "store.db"
    shutil.copy(_url().removeprefix("sqlite:///"), store)
    url = f"sqlite:///{store}"
    monkeypatch.setenv("DATABASE_URL", url)
    return db.make_engine(url)


def _measure(engine, name: str) -> dict:
    return read.programme.measures(Store.of(engine)).set_index("name").loc[name].to_dict()


def _open_measure(measure_id: int, session: dict | None = None):
    at = open_page("delprogrammer", session=session)
    at.query_params["tiltak"] = str(measure_id)
    at.run()
    return at


def _subprogramme_numbers() -> list[int]:
    return [int(n) for n in read.programme.subprogrammes(Store.of(db.make_engine(_url())))["number"]]


def _open_every_subprogramme(at) -> None:
    """Open every subprogramme in the tree, as a user clicking each one (the expanders keep state)."""
    for n in _subprogramme_numbers():
        at.session_state[f"sub_open_{n}_False"] = True
    at.run()


def test_tree_with_status_words_and_every_subprogramme():
    at = open_page("delprogrammer")
    assert_clean(at)
    labels = [m.label for m in at.metric]
    assert labels == ["✔ I rute", "▲ Risiko", "✖ Ikke i rute", "■ Fullført", "○ Ikke startet"]
    expanders = [e.label for e in at.expander]
    assert any(label.startswith("Delprogram 2: Oppvekst og utdanning") for label in expanders)
    assert len([label for label in expanders if label.startswith("Delprogram ")]) == 4
    # Lazy: only the open subprogramme's table is built (Delprogram 2 is open at first) ...
    # (each table's key also names the measures it lists: components.ui.table_key)
    assert [df.key.rsplit("_", 1)[0] for df in at.dataframe] == ["measures_2"]
    _open_every_subprogramme(at)  # ... and the others once opened
    assert_clean(at)
    assert sorted(df.key.rsplit("_", 1)[0] for df in at.dataframe) == sorted(f"measures_{n}"
                                                                             for n in _subprogramme_numbers())
    assert not re.search(r"\bnan\b", text_of(at), re.IGNORECASE)  # a subprogramme without a leader said "Leder: nan"
    table = next(df for df in at.dataframe if df.key.startswith("measures_2_")).value
    every = [df.value for df in at.dataframe]
    statuses = {s for df in every for s in df[ui("cols.status")]}
    assert statuses and all(s.split(" ", 1)[1].removesuffix(" ⚠") in {ui(f"status.{k}") for k in
                                                   ("on_track", "at_risk", "off_track", "completed", "not_started")}
                            for s in statuses)  # a symbol and a word, never colour alone
    assert ui("programme.col_latest") in table.columns
    assert "Følgeforskning ved NORCE og NOVA" in {n for df in every for n in df[ui("cols.measure")]}
    assert "tertial" in at.toggle(key="trenger").label  # the stale line (a filter) names the current tertial


def test_the_stale_line_is_a_filter_showing_exactly_the_stale_measures_in_every_subprogramme():
    every = read.programme.measures(Store.of(db.make_engine(_url())))
    stale = every[every["stale"]]
    assert 0 < len(stale) < len(every) and stale["subprogramme_number"].nunique() > 1  # the seed has both, spread out
    at = open_page("delprogrammer")
    toggle = at.toggle(key="trenger")
    assert not toggle.value and toggle.label.startswith(f"⚠ **{len(stale)} tiltak**")
    # ⚠ beside the status in the table (the updated column keeps its mark too)
    table = at.dataframe[0].value
    shown = every[every["subprogramme_number"] == 2].reset_index(drop=True)
    assert [s.endswith(" ⚠") for s in table[ui("cols.status")]] == list(shown["stale"])
    toggle.set_value(True).run()
    assert_clean(at)
    assert at.query_params["trenger"] in ("1", ["1"])
    names = sorted(n for df in at.dataframe if df.key and df.key.startswith("measures_")
                   for n in df.value[ui("cols.measure")])
    assert names == sorted(stale["name"])  # exactly the stale ones, every subprogramme with one opened
    assert all(s.endswith(" ⚠") for df in at.dataframe if df.key and df.key.startswith("measures_")
               for s in df.value[ui("cols.status")])
    assert len([e for e in at.expander if e.label.startswith("Delprogram ")]) == stale["subprogramme_number"].nunique()
    at.toggle(key="trenger").set_value(False).run()
    assert_clean(at)
    assert "trenger" not in at.query_params
    assert len([df for df in at.dataframe if df.key and df.key.startswith("measures_")]) == 1  # only number 2 open


def test_the_measure_detail_shows_the_stale_mark_beside_the_status():
    every = read.programme.measures(Store.of(db.make_engine(_url())))
    for _, m in (every[every["stale"]].head(1).iterrows()):
        at = _open_measure(int(m["id"]))
        assert_clean(at)
        line = next(md.value for md in at.markdown if md.value.startswith(":") and "-badge[" in md.value
                    and ui("cols.progress") in md.value)
        assert f"**⚠ {ui('programme.stale_word')}**" in line
    fresh = every[~every["stale"]].iloc[0]
    at = _open_measure(int(fresh["id"]))
    line = next(md.value for md in at.markdown if md.value.startswith(":") and "-badge[" in md.value
                and ui("cols.progress") in md.value)
    assert "⚠" not in line


def test_the_area_page_marks_the_stale_measures_beside_their_status():
    every = read.programme.measures(Store.of(db.make_engine(_url())), "loddefjord")
    at = open_page("omrade")
    assert_clean(at)
    listing = next(md.value for md in at.markdown if md.value.startswith("- :"))
    lines = listing.split("\n\n")
    assert len(lines) == len(every)
    mark = f"**⚠ {ui('programme.stale_word')}** ·"
    for line, (_, m) in zip(lines, every.iterrows(), strict=True):
        assert (mark in line) is bool(m["stale"]), line
        if m["stale"]:
            assert line.index("-badge[") < line.index(mark) < line.index(m["name"].split()[0])
    assert every["stale"].any()


def test_filters_narrow_the_measures():
    at = open_page("delprogrammer")
    at.multiselect(key="prog_omrader").set_value(["solheim"]).run()
    _open_every_subprogramme(at)
    assert_clean(at)
    names = {n for df in at.dataframe for n in df.value.get(ui("cols.measure"), [])}
    expected = set(read.programme.measures(Store.of(db.make_engine(_url())), "solheim")["name"])
    assert names == expected and len(expected) < len(read.programme.measures(Store.of(db.make_engine(_url()))))
    assert at.query_params["omrader"] in ("solheim", ["solheim"])


def test_viewer_sees_detail_and_history_but_no_form():
    engine = db.make_engine(_url())
    m = _measure(engine, "Følgeforskning ved NORCE og NOVA")
    at = _open_measure(m["id"])
    assert_clean(at)
    assert "Følgeforskning ved NORCE og NOVA" in [s.value for s in at.subheader]
    assert ui("programme.history") in text_of(at)
    history = at.dataframe[-1].value
    assert len(history) == len(read.programme.status_history(Store.of(engine), m["id"]))
    assert not at.get("form")
    assert ui("programme.edit_login") in text_of(at)


def test_editor_of_another_area_gets_no_form():
    engine = db.make_engine(_url())
    m = _measure(engine, "Følgeforskning ved NORCE og NOVA")  # Loddefjord and Olsvik
    at = _open_measure(m["id"], session={"actor": SOLHEIM_EDITOR})
    assert not at.get("form")
    assert ui("programme.not_your_area") in text_of(at)


def test_editor_changes_a_status_only_with_a_comment_and_sees_it_in_the_history(own_store):
    m = _measure(own_store, "Følgeforskning ved NORCE og NOVA")
    before = len(read.programme.status_history(Store.of(own_store), m["id"]))
    at = _open_measure(m["id"], session={"actor": EDITOR})
    assert_clean(at)
    mid = m["id"]
    at.selectbox(key=f"sf_status_{mid}").set_value("off_track")
    at.button(key=f"FormSubmitter:status_form_{mid}-{ui('programme.save_status')}").click().run()
    assert "Kommentar må fylles ut" in " ".join(e.value for e in at.error)
    assert len(read.programme.status_history(Store.of(own_store), mid)) == before  # nothing stored
    at.selectbox(key=f"sf_status_{mid}").set_value("off_track")
    at.text_area(key=f"sf_comment_{mid}").set_value("NOVA-rapporten er forsinket til februar.")
    at.button(key=f"FormSubmitter:status_form_{mid}-{ui('programme.save_status')}").click().run()
    assert_clean(at)
    assert ui("programme.saved").split("«")[0] in " ".join(s.value for s in at.success)
    history = at.dataframe[-1].value
    assert history.iloc[0][ui("cols.comment")] == "NOVA-rapporten er forsinket til februar."
    assert history.iloc[0][ui("cols.after")].endswith(ui("status.off_track"))
    assert history.iloc[0][ui("cols.changed_by")] == "Kari Nordmann"
    with db.session_scope(own_store) as s:
        assert s.query(StatusUpdate).filter_by(measure_id=mid).count() == before + 1
        assert s.query(AuditEntry).filter_by(entity="measure", username="kari").count() == 1


def test_the_second_of_two_editors_is_refused_and_shown_the_first_change(own_store):
    from omradesatsing import commands

    m = _measure(own_store, "Følgeforskning ved NORCE og NOVA")
    mid = m["id"]
    at = _open_measure(mid, session={"actor": EDITOR})  # the form is open at this version
    other = Actor("per", "editor", "Per Hansen", frozenset({"loddefjord"}))
    commands.update_measure_status(own_store, other, mid, status="completed", progress=100,
                                   comment="Sluttrapport levert.", expected_version=int(m["version"]))
    at.selectbox(key=f"sf_status_{mid}").set_value("at_risk")
    at.text_area(key=f"sf_comment_{mid}").set_value("Mangler data.")
    at.button(key=f"FormSubmitter:status_form_{mid}-{ui('programme.save_status')}").click().run()
    assert not at.exception
    shown = " ".join(e.value for e in at.error)
    assert "Per Hansen" in shown and "Sluttrapport levert" in shown and "Ikke lagret" in shown
    assert _measure(own_store, "Følgeforskning ved NORCE og NOVA")["status"] == "completed"


def test_changed_since_and_reports_views():
    at = open_page("delprogrammer")
    at.radio(key="visning").set_value("endret").run()
    assert_clean(at)
    body = text_of(at)
    assert "har fått ny status siden" in body
    table = at.dataframe[0].value
    assert ui("programme.col_now") in table.columns and ui("programme.col_direction") in table.columns
    at.radio(key="visning").set_value("rapporter").run()
    assert_clean(at)
    assert "er endret siden rapporten" in text_of(at)
    assert not at.get("form")  # viewers cannot freeze a report
    at.radio(key="visning").set_value("tidslinje").run()
    assert_clean(at)
    assert len(at.get("vega_lite_chart")) == 4  # one timeline per subprogramme


def test_editor_freezes_a_report(own_store):
    at = open_page("delprogrammer", session={"actor": EDITOR})
    at.radio(key="visning").set_value("rapporter").run()
    at.text_input(key="freeze_name").set_value("Tertialrapport 3 2026")
    at.button(key=f"FormSubmitter:freeze_form-{ui('programme.freeze_button')}").click().run()
    assert_clean(at)
    with db.session_scope(own_store) as s:
        snap = s.query(ReportSnapshot).filter_by(name="Tertialrapport 3 2026", taken_by="Kari Nordmann").one()
        snap_id = snap.id
    assert at.selectbox(key="rapport").value == str(snap_id)  # the new report is shown at once
    assert "0 av" in text_of(at)  # nothing has changed since a report frozen just now


def test_admin_page_manages_users_and_shows_the_audit_log(own_store):
    from omradesatsing import auth

    auth.create_user(own_store, "ola", "et langt passord", role="admin", display_name="Ola Admin")
    admin = Actor("ola", "admin", "Ola Admin")
    at = open_page("admin", session={"actor": admin})
    assert_clean(at)
    assert ui("admin.users_heading") in [h.value for h in at.header]
    at.text_input(key="nu_username").set_value("siv")
    at.text_input(key="nu_password").set_value("kort")
    at.button(key=f"FormSubmitter:new_user-{ui('admin.create')}").click().run()
    assert "minst 10 tegn" in " ".join(e.value for e in at.error)
    at.text_input(key="nu_password").set_value("et langt passord")
    at.multiselect(key="nu_areas").set_value(["solheim"])
    at.button(key=f"FormSubmitter:new_user-{ui('admin.create')}").click().run()
    assert_clean(at)
    listed = at.dataframe[0].value
    assert "siv" in set(listed[ui("admin.col_username")])
    assert auth.authenticate(own_store, "siv", "et langt passord").area_slugs == frozenset({"solheim"})
    audit = at.dataframe[1].value
    assert "ola" in set(audit[ui("admin.col_username")])  # the admin who created the user


def test_user_text_is_shown_as_typed_not_as_markdown_or_html(own_store):
    from omradesatsing import commands

    m = _measure(own_store, "Følgeforskning ved NORCE og NOVA")
    nasty = "<script>alert(1)</script> ![x](http://example.com/x.png) :red[rød] **fet**"
    commands.update_measure_status(own_store, EDITOR, m["id"], status="at_risk", progress=50, comment=nasty,
                                   expected_version=int(m["version"]))
    at = _open_measure(m["id"])
    assert_clean(at)
    latest = next(md.value for md in at.markdown if ui("programme.col_latest") in md.value)
    assert "<script>" not in latest and "![x](" not in latest and ":red[" not in latest and "**fet**" not in latest
    assert r"\<script\>" in latest and r"\!\[x\]" in latest  # escaped, so the reader sees the characters
