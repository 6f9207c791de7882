"""Zone files that crashed the reader, and errors the core did not foresee, on Admin (issue 21): the
page shows a Norwegian message naming the file (and feature), never the app's generic «Noe gikk galt»
or a traceback, and nothing is stored."""

from __future__ import annotations

import json

import pytest

from omradesatsing.importers import zones as importers
from omradesatsing.permissions import Actor
from tests.app.conftest import open_page, ui
from tests.app.test_zone_import import _has_button, audit_count
from tests.zonefiles import levekaarssoner_geojson

pytestmark = pytest.mark.app

ADMIN = Actor("ola", "admin", "Ola Admin")


def _errors(at) -> str:
    return " ".join(e.value for e in at.error).replace("\\", "")  # the file's name is markdown-escaped


def _unclosed_ring() -> bytes:
    doc = json.loads(levekaarssoner_geojson())
    geom = doc["features"][1]["geometry"]
    ring = geom["coordinates"][0] if geom["type"] == "Polygon" else geom["coordinates"][0][0]
    ring.pop()
    return json.dumps(doc).encode()


def test_an_unclosed_ring_is_named_with_file_and_feature(own_store):
    at = open_page("admin", session={"actor": ADMIN})
    at.file_uploader[0].set_value(("soner.geojson", _unclosed_ring(), "application/geo+json")).run()
    assert not at.exception, [e.value for e in at.exception]
    errors = _errors(at)
    assert ui("errors.unexpected") not in errors, errors
    assert "soner.geojson, objekt 2: geometrien har en ring som ikke er lukket" in errors, errors
    assert not _has_button(at)
    assert audit_count(own_store) == 0


@pytest.mark.parametrize("where", ["inspect_file", "import_zones"])
def test_an_error_the_core_did_not_foresee_is_shown_as_a_clear_message(own_store, monkeypatch, where):
    def broken(*args, **kwargs):
        raise KeyError("noe helt uventet")

    monkeypatch.setattr(importers, where, broken)
    at = open_page("admin", session={"actor": ADMIN})
    at.file_uploader[0].set_value(("levekaarssoner.geojson", levekaarssoner_geojson(), "application/geo+json")).run()
    assert not at.exception, [e.value for e in at.exception]
    errors = _errors(at)
    assert ui("errors.unexpected") not in errors and "KeyError" not in errors and "Traceback" not in errors, errors
    assert ui("zone_import.refused") in errors
    assert "levekaarssoner.geojson: fila kan ikke behandles på grunn av en uventet feil. Ingenting er lagret." in errors
    assert not _has_button(at)
    assert audit_count(own_store) == 0


def test_an_unforeseen_error_on_import_is_shown_and_nothing_is_stored(own_store, monkeypatch):
    at = open_page("admin", session={"actor": ADMIN})
    at.file_uploader[0].set_value(("levekaarssoner.geojson", levekaarssoner_geojson(), "application/geo+json")).run()
    assert _has_button(at)
    real = importers.import_zones

    def broken_on_import(*args, **kwargs):
        if kwargs.get("dry_run"):
            return real(*args, **kwargs)
        raise KeyError("noe helt uventet")

    monkeypatch.setattr(importers, "import_zones", broken_on_import)
    at.button(key="zone_import_button").click().run()
    assert not at.exception, [e.value for e in at.exception]
    errors = _errors(at)
    assert ui("errors.unexpected") not in errors and "fila kan ikke behandles på grunn av en uventet feil" in errors, errors
    assert audit_count(own_store) == 0


def test_a_database_error_is_not_blamed_on_the_file(own_store, monkeypatch):
    """The store's errors pass on to app.py, which says the database is unavailable."""
    from sqlalchemy.exc import OperationalError

    def down(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(importers, "import_zones", down)
    at = open_page("admin", session={"actor": ADMIN})
    at.file_uploader[0].set_value(("levekaarssoner.geojson", levekaarssoner_geojson(), "application/geo+json")).run()
    assert not at.exception, [e.value for e in at.exception]
    errors = _errors(at)
    assert "uventet feil" not in errors and ui("errors.db_unavailable") in errors, errors
