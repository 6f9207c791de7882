"""«Importer data» on Admin in AppTest, in bokmål and nynorsk: upload a Norwegian CSV, see the preview
(a dry run that writes nothing), fill in the source, import, see the result where the user is looking,
find the figure on Indikatorer without an example mark, and undo it; an editor gets the section for
their own areas and no undo; a bad file shows the core's message naming file, row and column."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from omradesatsing.models import ImportLog, Indicator, IndicatorValue
from omradesatsing.permissions import Actor
from tests.app.conftest import assert_clean, open_page, text_of, ui

pytestmark = pytest.mark.app

ADMIN = Actor("ola", "admin", "Ola Admin")
EDITOR = Actor("kari", "editor", "Kari Nordmann", frozenset({"loddefjord"}))
CSV = ("indikator;nivå;sted;periode;verdi;teller;nevner\r\n"
       "unemployment;levekårssone;Loddefjord;2023;3,8;42;1105\r\n"
       "unemployment;;4601;2023;2,1;3912;186286\r\n").encode("cp1252")


def _logs(engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(ImportLog))


def _examples(engine, key: str) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(IndicatorValue).join(Indicator).where(
            Indicator.key == key, IndicatorValue.illustrative.is_(True)))


def _uploader(at):
    return next(u for u in at.file_uploader if u.key.startswith("data_upload_"))


def _fill_source(at):
    for suffix, value in (("title", "Levekår 2023"), ("publisher", "Bergen kommune"), ("licence", "NLOD 2.0"),
                          ("url", "intern")):
        next(w for w in at.text_input if (w.key or "").endswith(f"_{suffix}")).set_value(value)
    at.run()


@pytest.mark.parametrize("lang", ["nb", "nn"])
def test_admin_uploads_previews_imports_and_undoes_a_norwegian_csv(own_store, lang):
    at = open_page("admin", lang=lang, session={"actor": ADMIN})
    assert_clean(at)
    assert ui("data_import.heading", lang) in [h.value for h in at.header]
    _uploader(at).set_value(("levekår.csv", CSV, "text/csv")).run()
    assert_clean(at)
    # without a source the preview says what is missing (not that the file is refused); nothing is written
    missing = ui("imp.source_required", lang).split("{field}")[1].split(":")[0]  # « må fylles ut» in the page's language
    assert ui("imp.field_publisher", lang) + missing in text_of(at), text_of(at)
    assert ui("data_import.source_missing", lang) in text_of(at)
    _fill_source(at)
    assert_clean(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[ui("data_import.count_added", lang)] == "1"
    assert metrics[ui("data_import.count_changed", lang)] == "1"
    assert _logs(own_store) == 0 and _examples(own_store, "unemployment") > 0

    at.button(key=next(b.key for b in at.button if b.key and b.key.endswith("_import"))).click().run()
    assert_clean(at)
    assert any("levekår.csv" in s.value.replace("\\", "") for s in at.success), [s.value for s in at.success]
    assert _logs(own_store) == 1 and _examples(own_store, "unemployment") == 0

    if lang == "nb":  # (AppTest formats other pages' widgets in bokmål between runs)
        at.switch_page("pages/indikatorer.py").run()
        assert_clean(at)
        at.switch_page("pages/admin.py").run()
        assert_clean(at)
    at.button(key="undo_button").click().run()
    assert_clean(at)
    assert _examples(own_store, "unemployment") > 0
    with own_store.connect() as conn:
        assert conn.scalar(select(ImportLog.undone_at)) is not None


BAD_PLACE = {"nb": "feil.csv, rad 4, kolonnen «sted»: «Atlantis» er ikke et sted i databasen",
             "nn": "feil.csv, rad 4, kolonnen «sted»: «Atlantis» er ikkje ein stad i databasen",
             "en": "feil.csv, row 4, column «sted»: «Atlantis» is not a place in the database"}


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
def test_a_bad_file_shows_file_row_and_column_in_the_readers_language_and_stores_nothing(own_store, lang):
    at = open_page("admin", lang=lang, session={"actor": ADMIN})
    bad = CSV + "unemployment;levekårssone;Atlantis;2023;3,8;42;1105\r\n".encode("cp1252")
    _uploader(at).set_value(("feil.csv", bad, "text/csv")).run()
    _fill_source(at)
    assert not at.exception
    errors = " ".join(e.value for e in at.error).replace("\\", "")
    assert BAD_PLACE[lang] in errors, errors
    assert not any(b.key and b.key.endswith("_import") for b in at.button)
    assert _logs(own_store) == 0


def test_an_editor_imports_for_own_areas_and_cannot_undo(own_store):
    at = open_page("admin", session={"actor": EDITOR})
    assert_clean(at)
    assert ui("data_import.heading") in [h.value for h in at.header]
    own = ("indikator;nivå;sted;periode;verdi\r\nunemployment;levekårssone;Loddefjord;2023;3,8\r\n").encode()
    _uploader(at).set_value(("min.csv", own, "text/csv")).run()
    _fill_source(at)
    assert_clean(at)
    at.button(key=next(b.key for b in at.button if b.key and b.key.endswith("_import"))).click().run()
    assert_clean(at)
    assert _logs(own_store) == 1
    assert not any(b.key == "undo_button" for b in at.button)


def test_an_admin_downloads_the_export(own_store):
    import io
    import zipfile

    at = open_page("admin", session={"actor": ADMIN})
    at.button(key="export_button").click().run()
    assert_clean(at)
    assert "export_zip" in at.session_state
    names = zipfile.ZipFile(io.BytesIO(at.session_state["export_zip"])).namelist()
    assert {"README.md", "kilder.csv", "indikatorverdier.csv"} <= set(names)
    editor = open_page("admin", session={"actor": EDITOR})
    assert not any(b.key == "export_button" for b in editor.button)


def test_a_wide_table_goes_in_with_a_saved_profile(own_store):
    from omradesatsing.importers import indicators

    mapping = {"place_column": "Sone", "level": "levekaarssone",
               "columns": {"Ledighet 2023": {"indicator": "unemployment", "period": "2023"}}}
    indicators.save_profile(own_store, ADMIN, "Levekårssoner", mapping)
    wide = "Sone;Ledighet 2023\r\nLoddefjord;3,8\r\nOlsvik;3,1\r\n".encode("cp1252")
    at = open_page("admin", session={"actor": ADMIN})
    _uploader(at).set_value(("brei.csv", wide, "text/csv")).run()
    assert_clean(at)
    # no kind has these columns: the page offers the wide table and its mapping
    kind = next(s for s in at.selectbox if (s.key or "").startswith("di_") and s.key.endswith("_kind_nb"))
    assert kind.value == "wide"
    next(s for s in at.selectbox if "_profile_" in (s.key or "")).set_value("Levekårssoner").run()
    _fill_source(at)
    assert_clean(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[ui("data_import.count_added")] == "2"
    at.button(key=next(b.key for b in at.button if b.key and b.key.endswith("_import"))).click().run()
    assert_clean(at)
    assert _logs(own_store) == 1
