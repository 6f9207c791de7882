"""Investeringer in AppTest: totals, per inhabitant, grants, projects, zero and 2,000 projects,
and the editor's form (viewers get none)."""

from __future__ import annotations

import os
import shutil

import pytest

from omradesatsing import db, read
from omradesatsing.models import AuditEntry, Investment
from omradesatsing.permissions import Actor
from omradesatsing.read import Store
from tests.app.conftest import assert_clean, open_page, text_of, ui

pytestmark = pytest.mark.app

EDITOR = Actor("kari", "editor", "Kari Nordmann", frozenset({"olsvik"}))


def test_totals_per_inhabitant_grants_and_projects():
    at = open_page("investeringer")
    assert_clean(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[ui("investments.kpi_budget")].endswith("mill.\u00a0kr")
    body = text_of(at)
    assert ui("investments.per_area_heading") in [s.value for s in at.subheader]
    assert "har det største budsjettet" in body  # the chart's caption, from the data
    per = at.dataframe[0].value
    assert ui("investments.all_areas") in set(per[ui("cols.area")])
    assert per[ui("investments.col_budget_per")].str.endswith("kr").all()
    assert ui("cols.illustrative") in per.columns
    assert "i publiserte tilskudd" in body  # the grants caption
    projects = at.dataframe[-1].value
    engine = db.make_engine(_url())
    assert len(projects) == len(read.money.investments(Store.of(engine)))


def test_filters_can_leave_an_area_with_no_projects():
    at = open_page("investeringer")
    at.multiselect(key="inv_omrader").set_value(["slettebakken"]).run()
    at.multiselect(key="inv_status").set_value(["planned"]).run()
    assert_clean(at)
    assert ui("investments.no_projects") in text_of(at)
    assert {m.label: m.value for m in at.metric}[ui("investments.kpi_projects")] == "0"


def test_search_narrows_the_project_list():
    at = open_page("investeringer")
    at.text_input(key="sok").set_value("bibliotek").run()
    assert_clean(at)
    names = at.dataframe[-1].value[ui("cols.project")].tolist()
    assert names and all("ibliotek" in n for n in names)
    assert at.query_params["sok"] == "bibliotek"


def test_viewers_get_no_form():
    at = open_page("investeringer")
    assert not [f for f in at.get("form")]
    assert ui("investments.edit_login") in text_of(at)


def test_editor_adds_a_project_in_own_area_and_it_is_logged(tmp_path, monkeypatch):
    store = tmp_path / "store.db"
    shutil.copy(_url().removeprefix("sqlite:///"), store)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{store}")
    at = open_page("investeringer", session={"actor": EDITOR})
    assert_clean(at)
    assert at.selectbox(key="pf_area_new_0").options == ["Olsvik"]  # only the editor's own area
    at.text_input(key="pf_name_new_0").set_value("Ny ballbinge i Olsvik")
    at.number_input(key="pf_budget_new_0").set_value(1_250_000)
    at.number_input(key="pf_spent_new_0").set_value(-10)
    at.button(key="pf_save_new_0").click().run()
    assert "Brukt" in " ".join(e.value for e in at.error) and "negativt" in " ".join(e.value for e in at.error)
    engine = db.make_engine(f"sqlite:///{store}")
    with db.session_scope(engine) as s:
        assert s.query(Investment).filter_by(name="Ny ballbinge i Olsvik").count() == 0
    at.number_input(key="pf_spent_new_0").set_value(0)
    at.button(key="pf_save_new_0").click().run()
    assert not at.exception
    with db.session_scope(engine) as s:
        inv = s.query(Investment).filter_by(name="Ny ballbinge i Olsvik").one()
        assert inv.budget_nok == 1_250_000
        assert s.query(AuditEntry).filter_by(entity="investment", username="kari").count() == 1
    assert "Ny ballbinge i Olsvik" in at.dataframe[-1].value[ui("cols.project")].tolist()


def test_two_thousand_projects(tmp_path, monkeypatch):
    from tests.benchmarks.large_store import add_generated_investments

    store = tmp_path / "store.db"
    shutil.copy(_url().removeprefix("sqlite:///"), store)
    add_generated_investments(f"sqlite:///{store}", 2000)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{store}")
    at = open_page("investeringer")
    assert_clean(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[ui("investments.kpi_projects")] == "2\u00a0014"
    assert len(at.dataframe[-1].value) == 2014


def _url() -> str:
    import os

    return os.environ["DATABASE_URL"]


def test_only_the_open_breakdown_tab_is_built():
    """Per area, one breakdown tab (the open one) and the grants: three charts, not six."""
    at = open_page("investeringer")
    assert_clean(at)
    assert len(at.get("vega_lite_chart")) == 3


def test_the_caption_counts_the_project_names_that_have_a_source():
    """Half of the seed's projects are examples: the page may not say that every name is real."""
    at = open_page("investeringer")
    assert_clean(at)
    engine = db.make_engine(os.environ["DATABASE_URL"])
    invest = read.money.investments(Store.of(engine))
    named = int((~invest["source_illustrative"].astype(bool)).sum())
    assert 0 < named < len(invest)
    assert ui("investments.kpi_caption").format(named=named, total=len(invest)) in [c.value for c in at.caption]
