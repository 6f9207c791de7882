"""Importing data files (issue 24), on SQLite and PostgreSQL: a programme leader's Norwegian CSV goes in
as real figures, replaces the examples, is logged, audited and protected, changes nothing the second
time and can be undone exactly; bad files are refused whole, naming file, row and column, and leave
the store as it was (a dump of every table before and after)."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from sqlalchemy import func, select

from omradesatsing import db, read
from omradesatsing.importers import run
from omradesatsing.models import (
    AuditEntry,
    ImportLog,
    Indicator,
    IndicatorValue,
    IndicatorValueRevision,
    Investment,
    Source,
    Zone,
)
from omradesatsing.permissions import Actor, PermissionDenied
from tests.conftest import dump_store

ADMIN = Actor("kari", "admin", "Kari Admin")
EDITOR = Actor("per", "editor", "Per Redaktør", area_slugs=frozenset({"loddefjord"}))
SOURCE = run.SourceInfo(title="Levekår i Bergen 2024 (kommunens egne tall)", publisher="Bergen kommune, Etat for "
                        "samfunnsutvikling", licence="NLOD 2.0", url="intern")


def _csv(lines: list[str], encoding: str = "cp1252") -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def _engine(url):
    return db.make_engine(url)


def _values(url, key: str) -> list:
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(
                select(IndicatorValue.scope, Zone.code, IndicatorValue.period, IndicatorValue.value,
                       IndicatorValue.illustrative, IndicatorValue.numerator, IndicatorValue.denominator)
                .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
                .outerjoin(Zone, Zone.id == IndicatorValue.zone_id)
                .where(Indicator.key == key).order_by(IndicatorValue.scope, Zone.code, IndicatorValue.period))]
    finally:
        engine.dispose()


LEVEKAAR = [
    "indikator;nivå;sted;periode;verdi;teller;nevner;merknad",
    "Registrert arbeidsledighet;levekårssone;Loddefjord;2023;3,8;42;1105;",
    "unemployment;levekårssone;Olsvik;2023;3,1;35;1 129;",
    "unemployment;;4601;2023;2,1;3 912;186 286;Bergen",
    "unemployment;delområde;Loddefjord;2019–2023;4,0;;;snitt over fem år",
]


def test_a_norwegian_csv_goes_in_as_real_figures_replacing_the_examples_and_can_be_undone(writable_store):
    engine = _engine(writable_store)
    untouched = dump_store(writable_store)
    data = _csv(LEVEKAAR)
    preview = run.import_file(engine, ADMIN, data, "levekår 2023.csv", source=SOURCE, dry_run=True)
    assert dump_store(writable_store) == untouched, "a dry run writes nothing"
    assert preview.kind == "indicators" and preview.kind_detected
    assert (preview.encoding, preview.delimiter) == ("Windows-1252", ";")
    assert (preview.added, preview.changed, preview.refused) == (3, 1, 0)  # Bergen 2023 was an example
    assert preview.removed > 0  # the other example values of «unemployment»
    assert set(preview.preview["endring"]) >= {"ny", "endret", "fjernes (eksempel)"}

    report = run.import_file(engine, ADMIN, data, "levekår 2023.csv", source=SOURCE)
    assert report.import_id and report.added == 3 and report.changed == 1
    rows = _values(writable_store, "unemployment")
    assert all(not r[4] for r in rows), "no example value of the indicator is left"
    assert ("zone", "loddefjord", "2023", 3.8, False, 42, 1105) in rows
    assert ("city", None, "2023", 2.1, False, 3912, 186286) in rows
    assert any(r[2] == "2019–2023" and r[3] == 4.0 for r in rows)
    with engine.connect() as conn:
        log = conn.execute(select(ImportLog)).one()
        assert log.sha256 == report.sha256 and log.kind == "indicators" and log.username == "kari"
        source = conn.execute(select(Source).where(Source.id == log.source_id)).one()
        assert source.title == SOURCE.title and not source.illustrative and source.url is None
        assert conn.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "import")) == 1
        # the new values were protected in the same transaction: none is left undecided
        assert conn.scalar(select(func.count()).select_from(IndicatorValue)
                           .where(IndicatorValue.protection.is_(None))) == 0
    # every page reads it: no example mark for the indicator any more
    store = read.Store.of(engine)
    vals = read.indicators.indicator_values(store, "unemployment")
    assert not vals["illustrative"].any()

    after = dump_store(writable_store)
    again = run.import_file(engine, ADMIN, data, "levekår 2023.csv", source=SOURCE)
    assert (again.added, again.changed, again.removed, again.unchanged) == (0, 0, 0, 4)
    assert again.import_id is None and dump_store(writable_store) == after, "the same file twice changes nothing"

    counts = run.undo_import(engine, ADMIN, report.import_id)
    assert counts["removed"] == 3 and counts["restored"] == 1 and counts["reinserted"] == report.removed
    restored = dump_store(writable_store)
    changed_tables = {name for (name, rows_a), (_n, rows_b) in zip(untouched, restored, strict=True)
                      if rows_a != rows_b}
    # the import log (marked undone), the audit log and the protection runs record what happened
    assert changed_tables <= {"import_log", "audit_entry", "protection_run", "source"}, changed_tables
    engine.dispose()


def test_a_changed_real_figure_is_kept_as_a_revision(writable_store):
    engine = _engine(writable_store)
    first = run.import_file(engine, ADMIN, _csv(LEVEKAAR), "a.csv", source=SOURCE)
    revised = LEVEKAAR[:1] + [LEVEKAAR[1].replace("3,8;42", "3,9;43")]
    report = run.import_file(engine, ADMIN, _csv(revised), "b.csv", source=SOURCE, replace_examples=False)
    assert first.import_id and report.revised == 1 and report.changed == 1
    with engine.connect() as conn:
        rev = conn.execute(select(IndicatorValueRevision)).one()
        assert rev.value == 3.8 and rev.numerator == 42 and rev.import_id == report.import_id
        now = conn.execute(select(IndicatorValue).where(IndicatorValue.id == rev.value_id)).one()
        assert now.value == 3.9 and now.revised_at is not None
    # every reader gives the revision date and the figure before it (Indikatorer shows both)
    shown = read.indicators.indicator_values(read.Store.of(engine), "unemployment", scopes=("zone",))
    row = shown[(shown["zone_code"] == "loddefjord") & (shown["period"] == "2023")].iloc[0]
    assert row["value"] == 3.9 and row["previous_value"] == 3.8 and row["revised_at"] is not None
    run.undo_import(engine, ADMIN, report.import_id)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(IndicatorValueRevision)) == 0
        back = conn.execute(select(IndicatorValue).where(IndicatorValue.id == rev.value_id)).one()
        assert back.value == 3.8 and back.revised_at is None
    engine.dispose()


BAD_ROWS = [
    ("unemployment;levekårssone;Atlantis;2023;3,8;42;1105;", "sted", "Atlantis"),
    ("arbeidsglede;levekårssone;Olsvik;2023;3,8;42;1105;", "indikator", "arbeidsglede"),
    ("unemployment;levekårssone;Olsvik;2023;tre;42;1105;", "verdi", "tre"),
    ("unemployment;levekårssone;Olsvik;i fjor;3,8;42;1105;", "periode", "i fjor"),
    ("unemployment;levekårssone;Olsvik;2023–2019;3,8;42;1105;", "periode", "2023–2019"),
    ("unemployment;levekårssone;Olsvik;2023;3,8;-4;1105;", "teller", "negativt"),
    ("unemployment;levekårssone;Olsvik;2023;3,8;1200;1105;", "teller", "større enn nevneren"),
    ("unemployment;levekårssone;Olsvik;2023;130;;;", "verdi", "0–100"),
    ("unemployment;;Loddefjord;2023;3,8;42;1105;", "sted", "flere nivåer"),
]


@pytest.mark.parametrize("line,column,words", BAD_ROWS, ids=[b[1] + "-" + b[2][:12] for b in BAD_ROWS])
def test_a_bad_row_refuses_the_whole_file_naming_file_row_and_column(writable_store, line, column, words):
    engine = _engine(writable_store)
    before = dump_store(writable_store)
    data = _csv([*LEVEKAAR[:3], line])
    with pytest.raises(run.ImportRefused) as caught:
        run.import_file(engine, ADMIN, data, "feil.csv", source=SOURCE)
    message = str(caught.value)
    assert f"feil.csv, rad 4, kolonnen «{column}»" in message and words in message, message
    assert "Traceback" not in message
    assert dump_store(writable_store) == before
    # with --skip-invalid the good rows go in and the bad one is reported
    report = run.import_file(engine, ADMIN, data, "feil.csv", source=SOURCE, skip_invalid=True)
    assert report.added + report.changed == 2 and report.refused == 1
    assert any("rad 4" in p.message for p in report.problems)
    engine.dispose()


def test_duplicate_keys_in_a_file_are_refused_with_both_rows(writable_store):
    engine = _engine(writable_store)
    data = _csv([*LEVEKAAR[:2], LEVEKAAR[1].replace("3,8", "3,9")])
    with pytest.raises(run.ImportRefused) as caught:
        run.import_file(engine, ADMIN, data, "dobbel.csv", source=SOURCE)
    assert "dobbel.csv, rad 3" in str(caught.value) and "som rad 2" in str(caught.value)
    engine.dispose()


def test_an_import_needs_its_source_and_a_viewer_may_not_import(writable_store):
    engine = _engine(writable_store)
    before = dump_store(writable_store)
    with pytest.raises(run.ImportRefused) as caught:
        run.import_file(engine, ADMIN, _csv(LEVEKAAR), "a.csv", source=run.SourceInfo(title="Noe"))
    assert "Utgiver må fylles ut" in str(caught.value) and "Lisens må fylles ut" in str(caught.value)
    with pytest.raises(PermissionDenied):
        run.import_file(engine, Actor("vera", "viewer", "Vera"), _csv(LEVEKAAR), "a.csv", source=SOURCE)
    assert dump_store(writable_store) == before
    engine.dispose()


def test_an_editor_imports_for_their_own_areas_only(writable_store):
    engine = _engine(writable_store)
    own = _csv([LEVEKAAR[0], LEVEKAAR[1]])
    report = run.import_file(engine, EDITOR, own, "min.csv", source=SOURCE)
    assert report.added == 1
    with pytest.raises(run.ImportRefused) as caught:
        run.import_file(engine, EDITOR, _csv([LEVEKAAR[0], LEVEKAAR[2], LEVEKAAR[3]]), "andre.csv", source=SOURCE)
    assert "dine områder (loddefjord)" in str(caught.value)
    with pytest.raises(PermissionDenied):
        run.undo_import(engine, EDITOR, report.import_id)
    engine.dispose()


INVESTMENTS = [
    "navn;område;kategori;finansiering;budsjett_kr;brukt_kr;startår;sluttår;status;lengdegrad;breddegrad",
    "Nytt gatetun;Loddefjord;Parker og byrom;Bergen kommune;2 500 000;1 200 000;2024;2026;Pågår;5,2375;60,3661",
]


def test_investments_from_a_spreadsheet_csv_and_their_refusals(writable_store):
    engine = _engine(writable_store)
    report = run.import_file(engine, ADMIN, _csv(INVESTMENTS, "utf-8-sig"), "prosjekter.csv", source=SOURCE)
    assert report.kind == "investments" and report.added == 1 and report.removed >= 1
    with engine.connect() as conn:
        row = conn.execute(select(Investment).where(Investment.name == "Nytt gatetun")).one()
        assert (row.budget_nok, row.spent_nok, row.category, row.illustrative) == (2_500_000, 1_200_000,
                                                                                 "parks_squares", False)
    before = dump_store(writable_store)
    for head, value, words in (
        ("budsjett_kr", "2 500 000,50", "øre"), ("status", "Nesten ferdig", "ikke en kjent verdi"),
        ("sluttår", "2020", "før startåret"), ("område", "Atlantis", "ikke et satsingsområde"),
    ):
        header = INVESTMENTS[0].split(";")
        cells = INVESTMENTS[1].split(";")
        cells[header.index(head)] = value
        data = _csv([INVESTMENTS[0], ";".join(cells)])
        with pytest.raises(run.ImportRefused) as caught:
            run.import_file(engine, ADMIN, data, "prosjekter.csv", source=SOURCE)
        assert f"rad 2, kolonnen «{head}»" in str(caught.value) and words in str(caught.value), str(caught.value)
    assert dump_store(writable_store) == before
    engine.dispose()


def test_jsonstat_in_ssbs_shape_for_grunnkretser(writable_store):
    engine = _engine(writable_store)
    with engine.connect() as conn:
        codes = list(conn.scalars(select(Zone.code).where(Zone.level == "grunnkrets").order_by(Zone.code).limit(3)))
    doc = {"version": "2.0", "class": "dataset", "label": "Personer 15–74 år, registrert ledige",
           "source": "Statistisk sentralbyrå", "updated": "2024-05-02T06:00:00Z",
           "id": ["Region", "ContentsCode", "Tid"], "size": [3, 1, 2],
           "role": {"time": ["Tid"], "metric": ["ContentsCode"], "geo": ["Region"]},
           "dimension": {
               "Region": {"category": {"index": {c: i for i, c in enumerate(codes)},
                                       "label": {c: f"Krets {c}" for c in codes}}},
               "ContentsCode": {"category": {"index": {"Ledige": 0}, "label": {"Ledige": "Registrert arbeidsledighet"}}},
               "Tid": {"category": {"index": {"2022": 0, "2023": 1}, "label": {"2022": "2022", "2023": "2023"}}}},
           "value": [2.5, 2.7, None, 3.1, 4.0, 4.2], "status": {"2": ":"}}
    report = run.import_file(engine, ADMIN, json.dumps(doc).encode(), "ssb.json",
                             source=run.SourceInfo(title=doc["label"], publisher="SSB", licence="CC BY 4.0",
                                                   url="https://www.ssb.no/statbank/table/13563"))
    assert report.added == 6 and report.file_format == "JSON-stat"
    with engine.connect() as conn:
        hidden = conn.execute(select(IndicatorValue.suppressed, IndicatorValue.value)
                              .join(Zone, Zone.id == IndicatorValue.zone_id)
                              .where(Zone.code == codes[1], IndicatorValue.period == "2022")).one()
        assert hidden == (True, None), "a value the source suppressed stays suppressed"
    engine.dispose()


def test_jsonstat_in_fhis_shape_with_three_year_periods(writable_store):
    engine = _engine(writable_store)
    doc = {"version": "2.0", "class": "dataset", "label": "Fullført videregående skole",
           "source": "Folkehelseinstituttet", "id": ["GEO", "AAR", "KJONN", "MEASURE_TYPE"], "size": [2, 2, 1, 2],
           "role": {"time": ["AAR"], "geo": ["GEO"]},
           "dimension": {
               "GEO": {"category": {"index": {"4601": 0, "0": 1}, "label": {"4601": "Bergen", "0": "Hele landet"}}},
               "AAR": {"category": {"index": {"2019_2021": 0, "2020_2022": 1}}},
               "KJONN": {"category": {"index": {"0": 0}, "label": {"0": "kjønn samlet"}}},
               "MEASURE_TYPE": {"category": {"index": {"TELLER": 0, "RATE": 1}}}},
           "value": [1200, 22.0, 1250, 21.5, 90000, 23.0, 91000, 22.5]}
    report = run.import_file(engine, ADMIN, json.dumps(doc).encode(), "fhi.json",
                             indicator="not_completed_upper_secondary",
                             source=run.SourceInfo(title="Kommunehelsa statistikkbank", publisher="FHI",
                                                   licence="CC BY 4.0", url="https://statistikk.fhi.no/kh"))
    assert report.added + report.changed == 4
    rows = _values(writable_store, "not_completed_upper_secondary")
    assert ("city", None, "2020–2022", 21.5, False, 1250, None) in rows
    assert any(r[0] == "country" and r[2] == "2019–2021" and r[3] == 23.0 for r in rows)
    engine.dispose()


def test_a_period_in_words_with_its_year_and_a_value_given_as_text(writable_store):
    engine = _engine(writable_store)
    data = _csv(["indikator;nivå;sted;periode;sorteringsår;verdi;verditekst",
                 "unemployment;levekårssone;Olsvik;rapport 2016, dataår ikke oppgitt;2016;;> 7",
                 "unemployment;levekårssone;Loddefjord;desember 2018;2018;4,2;"])
    report = run.import_file(engine, ADMIN, data, "tekst.csv", source=SOURCE, replace_examples=False)
    assert report.added == 2
    with engine.connect() as conn:
        got = set(conn.execute(select(IndicatorValue.period, IndicatorValue.year, IndicatorValue.value,
                                      IndicatorValue.value_text).where(IndicatorValue.year.in_([2016, 2018]),
                                                                       IndicatorValue.source_id != 1,
                                                                       IndicatorValue.period.like("%r%"))).all())
    assert ("rapport 2016, dataår ikke oppgitt", 2016, None, "> 7") in got and ("desember 2018", 2018, 4.2, None) in got
    # without the year a period in words is refused, naming the row and column
    with pytest.raises(run.ImportRefused) as caught:
        run.import_file(engine, ADMIN, _csv(["indikator;nivå;sted;periode;verdi",
                                             "unemployment;levekårssone;Olsvik;desember 2018;4,2"]), "u.csv",
                        source=SOURCE)
    assert "u.csv, rad 2, kolonnen «periode»" in str(caught.value)
    engine.dispose()


# --- random malformed input through the whole importer -------------------------------------------

from hypothesis import HealthCheck, example, given, settings as hsettings, strategies as st  # noqa: E402

CELL = st.one_of(st.sampled_from(["", "..", ":", ".", "-", "3,8", "1 105", "1.234,5", "-4", "1e3", "abc", "2019_2021",
                                  "2023–2019", "Loddefjord", "4601", "46011900", "levekårssone", "område", "ja",
                                  "nei", "unemployment", "Registrert arbeidsledighet", "\u00a0", ";", '"']),
                 st.text(max_size=12))


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(CELL, min_size=1, max_size=9), min_size=1, max_size=6),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
def test_random_rows_are_imported_or_refused_cleanly_and_a_refusal_writes_nothing(store_for_properties, rows,
                                                                                    encoding):
    url, engine, clean = store_for_properties
    header = "indikator;nivå;sted;periode;verdi;teller;nevner;prikket;eksempeldata"
    text_ = "\r\n".join([header, *(";".join(r) for r in rows)]) + "\r\n"
    try:
        data = text_.encode(encoding)
    except UnicodeEncodeError:
        data = text_.encode("utf-8")
    try:
        report = run.import_file(engine, ADMIN, data, "tilfeldig.csv", source=SOURCE, dry_run=True)
    except run.ImportRefused as exc:
        assert exc.problems and all(p.message and "Traceback" not in p.message for p in exc.problems)
        assert all(p.message.startswith("tilfeldig.csv") or p.field in ("title", "publisher", "licence", "url")
                   for p in exc.problems), [p.message for p in exc.problems]
    else:
        assert report.added + report.changed + report.unchanged + report.refused <= len(rows) + 1
    assert dump_store(url) == clean, "a dry run or a refusal writes nothing"


@pytest.fixture(scope="module")
def store_for_properties(tmp_path_factory, _seeded_templates):
    import shutil

    path = tmp_path_factory.mktemp("props") / "store.db"
    shutil.copyfile(_seeded_templates["sqlite"], path)
    url = f"sqlite:///{path}"
    engine = _engine(url)
    yield url, engine, dump_store(url)
    engine.dispose()


LOG_TABLES = {"import_log", "audit_entry", "protection_run", "source"}


def _data_tables(url: str) -> list:
    return [(name, rows) for name, rows in dump_store(url) if name not in LOG_TABLES]


@hsettings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(CELL, min_size=7, max_size=9), min_size=1, max_size=5))
@example(rows=[["unemployment", "levekårssone", "Loddefjord", "2023", "3,8", "42", "1105", "nei", "nei"],
               ["unemployment", "", "4601", "2019_2021", "2,5", "", "", "", ""]])
def test_random_rows_imported_for_real_either_go_in_whole_and_undo_exactly_or_write_nothing(store_for_properties,
                                                                                            rows):
    url, engine, _clean = store_for_properties
    header = "indikator;nivå;sted;periode;verdi;teller;nevner;prikket;eksempeldata"
    data = ("\r\n".join([header, *(";".join(r) for r in rows)]) + "\r\n").encode("utf-8")
    before = _data_tables(url)
    try:
        report = run.import_file(engine, ADMIN, data, "tilfeldig.csv", source=SOURCE)
    except run.ImportRefused:
        assert _data_tables(url) == before, "a refused import writes nothing"
        return
    if report.import_id is not None:
        run.undo_import(engine, ADMIN, report.import_id)
    assert _data_tables(url) == before, "an import and its undo leave the data as they were"


def test_a_wide_table_goes_in_through_a_mapping_saved_as_a_profile(writable_store, tmp_path, monkeypatch):
    """The municipality's «data fordelt i levekårssoner» shape: one row per zone, one column per indicator
    and year. The mapping is saved as an import profile, and next year's file goes in with --profile."""
    from omradesatsing import auth, cli
    from omradesatsing.importers import indicators

    engine = _engine(writable_store)
    wide = _csv(["Levekårssone;Arbeidsledighet 2022;Arbeidsledighet 2023;Merknad",
                 "Loddefjord;3,9;3,8;",
                 "Olsvik;3,2;3,1;tall fra NAV"])
    mapping = {"place_column": "Levekårssone", "level": "levekaarssone",
               "columns": {"Arbeidsledighet 2022": {"indicator": "unemployment", "period": "2022"},
                           "Arbeidsledighet 2023": {"indicator": "unemployment", "period": "2023"}}}
    preview = run.import_file(engine, ADMIN, wide, "levekår.csv", mapping=mapping, source=SOURCE, dry_run=True)
    assert preview.kind == "indicators" and preview.added == 4 and preview.refused == 0
    indicators.save_profile(engine, ADMIN, "Levekårssoner (NAV)", mapping)
    assert [p["name"] for p in indicators.profiles(engine)] == ["Levekårssoner (NAV)"]
    # a mapped column that the file lacks is refused, naming it
    with pytest.raises(run.ImportRefused) as caught:
        run.import_file(engine, ADMIN, _csv(["Levekårssone;Arbeidsledighet 2022", "Loddefjord;3,9"]), "ny.csv",
                        profile="Levekårssoner (NAV)", source=SOURCE)
    assert "kolonnen «Arbeidsledighet 2023» i koblingen finnes ikke" in str(caught.value)
    # the CLI takes the profile by name
    auth.create_user(engine, "kari", "et-langt-nok-passord", role="admin", actor="test")
    path = tmp_path / "levekår.csv"
    path.write_bytes(wide)
    monkeypatch.setenv("DATABASE_URL", writable_store)
    code = cli.main(["import", str(path), "--profile", "Levekårssoner (NAV)", "--user", "kari", "--source", "Levekår",
                     "--publisher", "Bergen kommune", "--licence", "NLOD 2.0", "--url", "intern"])
    assert code == 0
    rows = _values(writable_store, "unemployment")
    assert ("zone", "olsvik", "2022", 3.2, False, None, None) in rows
    engine.dispose()


def test_the_cli_exit_codes(writable_store, tmp_path, monkeypatch, capsys):
    from omradesatsing import auth, cli

    engine = _engine(writable_store)
    auth.create_user(engine, "kari", "et-langt-nok-passord", role="admin", actor="test")
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", writable_store)
    good, bad = tmp_path / "god.csv", tmp_path / "feil.csv"
    good.write_bytes(_csv(LEVEKAAR))
    bad.write_bytes(_csv([*LEVEKAAR[:2], BAD_ROWS[0][0]]))
    source = ["--source", "Levekår", "--publisher", "Bergen kommune", "--licence", "NLOD 2.0", "--url", "intern"]
    assert cli.main(["import", str(good), "--user", "kari", "--dry-run", *source]) == 0
    assert "Prøvekjøring" in capsys.readouterr().out
    assert cli.main(["import", str(bad), "--user", "kari", *source]) == 1
    err = capsys.readouterr().err
    assert "feil.csv, rad 3, kolonnen «sted»" in err and "Traceback" not in err
    assert cli.main(["import", str(tmp_path / "finnes-ikke.csv"), "--user", "kari"]) == 2
    assert cli.main(["import", str(good), "--user", "ingen-slik", *source]) == 2
    with pytest.raises(SystemExit) as usage:
        cli.main(["import", str(good), "--kind", "noe-annet", "--user", "kari"])
    assert usage.value.code == 2


def test_an_imported_small_count_is_hidden_in_the_same_transaction_and_the_pattern_is_final(writable_store):
    from dataclasses import replace

    from omradesatsing import config, suppression

    engine = _engine(writable_store)
    data = _csv(["indikator;nivå;sted;periode;verdi;teller;nevner",
                 "unemployment;levekårssone;Loddefjord;2023;0,3;3;1105",
                 "unemployment;levekårssone;Olsvik;2023;3,1;35;1129"])
    run.import_file(engine, ADMIN, data, "små.csv", source=SOURCE, replace_examples=False)
    shown = read.indicators.indicator_values(read.Store.of(engine), "unemployment", scopes=("zone",))
    small = shown[(shown["zone_code"] == "loddefjord") & (shown["period"] == "2023")].iloc[0]
    assert small["suppressed"] and pd.isna(small["value"]) and pd.isna(small["numerator"])
    # the stored pattern is what a protection of the whole store decides: nothing left to change
    with engine.connect() as conn:
        before = sorted(conn.execute(select(IndicatorValue.id, IndicatorValue.protection)).all())
    with db.session_scope(engine) as session:
        suppression.protect(session, replace(config.load_settings(), database_url=writable_store))
    with engine.connect() as conn:
        assert sorted(conn.execute(select(IndicatorValue.id, IndicatorValue.protection)).all()) == before
    engine.dispose()
