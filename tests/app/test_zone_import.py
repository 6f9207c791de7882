"""Zone import on Admin in AppTest (Streamlit 1.67's AppTest drives ``st.file_uploader``:
``at.file_uploader[0].set_value((name, bytes, mime))``): the preview, the import, Kart offering
the level afterwards, the core's message for a bad file, and no uploader for editors.

AppTest does not run the browser's own checks (the ``type=`` filter and the size limit are
enforced by the frontend and the server): those are covered in Chromium (tests/e2e/test_zone_import.py).
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from omradesatsing import read
from omradesatsing.models import AuditEntry, Zone
from omradesatsing.permissions import Actor
from omradesatsing.read import Store
from tests.app.conftest import assert_clean, open_page, text_of, ui
from tests.zonefiles import levekaarssoner_geojson

pytestmark = pytest.mark.app

ADMIN = Actor("ola", "admin", "Ola Admin")
EDITOR = Actor("kari", "editor", "Kari Nordmann", frozenset({"olsvik"}))


def audit_count(engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "import"))


def test_admin_previews_imports_and_then_kart_offers_levekaarssoner(own_store):
    at = open_page("admin", session={"actor": ADMIN})
    assert_clean(at)
    assert ui("zone_import.heading") in [h.value for h in at.header]
    uploader = at.file_uploader[0]
    assert set(uploader.allowed_type) == {".geojson", ".json", ".zip"}
    assert uploader.proto.max_upload_size_mb == 50  # the core's limit, equal to server.maxUploadSize
    uploader.set_value(("levekaarssoner.geojson", levekaarssoner_geojson(), "application/geo+json")).run()
    assert_clean(at)
    # the fields are offered from the file, and the name field is guessed
    assert at.selectbox(key=next(k for k in _keys(at) if k.startswith("zone_name_field_"))).value == "sonenavn"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[ui("zone_import.features")] == "6"
    assert metrics[ui("zone_import.matched").format(level=ui("map.level_levekaarssone"))] == "5 av 28"
    # the official file is the authority for the zone list: the zone the store lacks is to be added
    assert metrics[ui("zone_import.unmatched")] == "0" and metrics[ui("zone_import.added")] == "1"
    assert f"- {ui('zone_import.crs')}: **EPSG:25832** (GeoJSON)" in [m.value.replace("\\", "") for m in at.markdown]
    added = at.dataframe[1].value  # [0] is the user table
    assert list(added[ui("zone_import.col_name")]) == ["Atlantis"] and list(added[ui("zone_import.col_parent")]) == ["Fana"]
    assert read.places.levels_with_geometry(Store.of(own_store)) == ["bydel", "delomraade"]  # the preview wrote nothing
    assert audit_count(own_store) == 0

    at.button(key="zone_import_button").click().run()
    assert_clean(at)
    done = [s.value.replace("\\", "") for s in at.success]
    assert any("5 av 28 levekårssoner" in s and "Nye soner lagt til i Levekårssoner 2023 (57 soner): 1" in s
               for s in done), done
    assert not at.metric or ui("zone_import.features") not in [m.label for m in at.metric]  # a fresh uploader
    assert read.places.levels_with_geometry(Store.of(own_store)) == ["bydel", "delomraade", "levekaarssone"]
    assert audit_count(own_store) == 1

    at.switch_page("pages/kart.py").run()
    assert_clean(at)
    assert "levekaarssone" in at.selectbox(key="nivaa").options or \
        ui("map.level_levekaarssone") in at.selectbox(key="nivaa").options
    at.selectbox(key="nivaa").set_value("levekaarssone").run()
    assert_clean(at)
    spec = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    zones = next(lay for lay in spec["layers"] if lay["id"] == "zones")["data"]["features"]
    # a zone called like a programme area is named with its level (its figure is not the area's)
    assert sorted(f["properties"]["name"] for f in zones) == ["Atlantis", "Loddefjord (levekårssone)",
                                                              "Olsvik (levekårssone)", "Solheim nord", "Solheim sør",
                                                              "Ytre Arna (levekårssone)"]
    # the programme areas are now outlined by their own levekårssoner, not the delområde stand-in
    areas = next(lay for lay in spec["layers"] if lay["id"] == "areas")["data"]["features"]
    solheim = [f["properties"]["zone_name"] for f in areas if f["properties"]["slug"] == "solheim"]
    assert solheim == ["Solheim nord, Solheim sør"]


def test_a_bad_file_shows_the_core_message_and_changes_nothing(own_store):
    at = open_page("admin", session={"actor": ADMIN})
    at.file_uploader[0].set_value(("soner.geojson", b"PK\x03\x04 dette er ikke JSON", "application/geo+json")).run()
    assert not at.exception
    errors = " ".join(e.value for e in at.error).replace("\\", "")  # the file's name is markdown-escaped
    assert ui("zone_import.refused") in errors and "soner.geojson: innholdet er ikke gyldig JSON" in errors
    assert not _has_button(at)
    with own_store.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Zone).where(Zone.level == "levekaarssone",
                                                                         Zone.geometry.is_not(None))) == 0
    assert audit_count(own_store) == 0


def test_another_type_forced_past_the_browser_is_refused_without_details(own_store):
    """The browser refuses a .csv (``type=``; see the Chromium test). One sent anyway is refused
    by Streamlit's server before the page runs (not catchable in the page): the user gets
    Streamlit's generic message, no traceback and no details, and nothing is stored."""
    at = open_page("admin", session={"actor": ADMIN})
    at.file_uploader[0].set_value(("soner.csv", b"navn\nLoddefjord\n", "text/csv")).run()
    shown = " ".join(e.value for e in at.exception)
    assert at.exception and "Traceback" not in shown and ".csv" not in shown and "Loddefjord" not in shown
    assert all(not e.stack_trace for e in at.exception)
    assert audit_count(own_store) == 0


def test_a_missing_name_is_named_with_file_feature_and_field(own_store):
    doc = json.loads(levekaarssoner_geojson())
    doc["features"][2]["properties"]["sonenavn"] = None
    at = open_page("admin", session={"actor": ADMIN})
    at.file_uploader[0].set_value(("soner.geojson", json.dumps(doc).encode(), "application/geo+json")).run()
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert "soner.geojson, objekt 3, feltet «sonenavn»: mangler verdi" in errors.replace("\\", "")
    assert not _has_button(at)
    assert audit_count(own_store) == 0


def test_editors_get_no_uploader():
    at = open_page("admin", session={"actor": EDITOR})
    assert_clean(at)
    assert not any(u.key.startswith("zone_upload") for u in at.file_uploader)  # (they get the data import)
    assert ui("zone_import.heading") not in text_of(at) + " ".join(h.value for h in at.header)


def _keys(at) -> list[str]:
    return [w.key for w in at.selectbox if w.key]


def _has_button(at) -> bool:
    return any(b.key == "zone_import_button" for b in at.button)


def test_a_new_edition_is_made_on_the_page_and_kart_draws_one_edition_at_a_time(own_store):
    """The zone file imported as a new edition («Ny utgave …», a name and its first year) adds its zones
    to an edition of their own; Kart then offers the editions and draws one (the one holding in the
    chosen year), never both on top of each other."""
    from omradesatsing.importers import zones as importers

    importers.import_zones(own_store, ADMIN, levekaarssoner_geojson(), "levekaarssoner.geojson",
                           level="levekaarssone", name_field="sonenavn", add_missing=True)
    at = open_page("admin", session={"actor": ADMIN})
    at.file_uploader[0].set_value(("levekaarssoner-2030.geojson", levekaarssoner_geojson(),
                                   "application/geo+json")).run()
    at.selectbox(key=next(k for k in _keys(at) if k.startswith("zone_level_"))).set_value("levekaarssone").run()
    edition = at.selectbox(key=next(k for k in _keys(at) if k.startswith("zone_edition_")))
    edition.set_value("__ny__").run()
    assert ui("zone_import.edition_name_missing") in text_of(at)
    assert not any(b.key == "zone_import_button" for b in at.button)  # no import before the edition is named
    next(w for w in at.text_input if (w.key or "").startswith("zone_edition_name_")).set_value("Levekårssoner 2030")
    next(w for w in at.number_input if (w.key or "").startswith("zone_edition_from_")).set_value(2030).run()
    assert_clean(at)
    at.button(key="zone_import_button").click().run()
    assert_clean(at)
    choices = read.places.edition_choices(Store.of(own_store), "levekaarssone", True)
    assert [name for _k, name, _f in choices] == ["Levekårssoner 2030", "Levekårssoner 2023 (57 soner)"]

    at.switch_page("pages/kart.py").run()
    at.selectbox(key="nivaa").set_value("levekaarssone").run()
    assert_clean(at)
    pick = at.selectbox(key="utgave")
    assert pick.value == choices[1][0]  # the figures (2016) are older than both: the earliest edition
    spec = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    zones = next(lay for lay in spec["layers"] if lay["id"] == "zones")["data"]["features"]
    assert len(zones) == 6, "one edition's six zones, not both editions' twelve"
    pick.set_value(choices[0][0]).run()
    assert_clean(at)
    spec = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    assert len(next(lay for lay in spec["layers"] if lay["id"] == "zones")["data"]["features"]) == 6
    assert "Levekårssoner 2030" in text_of(at)
