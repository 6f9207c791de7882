"""The import templates in data/templates (issue 24): the committed files are what
``omradesatsing.importers.templates`` generates from the kinds' ``COLUMNS`` (so a template can never
disagree with the importer), every template's example row previews on the seeded store without a
refused row and is recognised as its kind, and the explanation lists every column."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import pytest
from openpyxl import load_workbook

from omradesatsing import config, db
from omradesatsing.importers import run, tables, templates
from omradesatsing.permissions import Actor

FOLDER = config.DATA_DIR / "templates"
ADMIN = Actor("kari", "admin", "Kari")
SOURCE = run.SourceInfo(title="Malens eksempelrad", publisher="Bergen kommune", licence="NLOD 2.0", url="intern")
KINDS = list(templates.STEMS)


def _rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM, as Norwegian Excel saves it"
    text = data[3:].decode("utf-8")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", ""), "CRLF line ends only"
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_the_admin_page_offers_the_same_stems():
    from components.data_import import TEMPLATE_FILES

    assert templates.STEMS == TEMPLATE_FILES
    assert set(templates.STEMS) == set(run.KINDS)


def test_the_committed_files_are_what_the_code_generates():
    generated = templates.files()
    assert len(generated) == 19  # 6 kinds × (csv, forklaring.csv, xlsx) + README
    on_disk = {p.name for p in FOLDER.iterdir() if p.is_file()}
    assert on_disk == set(generated), "data/templates has exactly the generated files"
    for name, data in generated.items():
        assert (FOLDER / name).read_bytes() == data, f"{name} is stale: python -m omradesatsing.importers.templates " \
                                                     "data/templates"


def test_the_workbook_bytes_are_deterministic():
    first = templates.template_xlsx("investments")
    assert templates.template_xlsx("investments") == first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {i.date_time for i in archive.infolist()} == {templates.FIXED_TIME.timetuple()[:6]}
        core = archive.read("docProps/core.xml").decode()
    assert "2026-12-01T00:00:00Z" in core


@pytest.mark.parametrize("kind", KINDS)
def test_the_csv_template_is_header_and_example_in_excels_norwegian_csv(kind):
    columns = templates.columns_of(kind)
    rows = _rows(templates.template_csv(kind))
    assert rows == [[c.header for c in columns], [c.example for c in columns]]
    raw = tables.read_table(templates.template_csv(kind), "mal.csv")
    assert (raw.encoding, raw.delimiter) == ("UTF-8 med BOM", ";")


@pytest.mark.parametrize("kind", KINDS)
def test_the_explanation_lists_every_column(kind):
    columns = templates.columns_of(kind)
    rows = _rows(templates.explanation_csv(kind))
    assert rows[0] == ["kolonne", "påkrevd", "type", "tillatte verdier", "eksempel", "forklaring"]
    assert rows[1:] == [[c.header, "ja" if c.required else "nei", c.type_text(), c.allowed_text(), c.example,
                         c.explanation] for c in columns]
    wb = load_workbook(io.BytesIO(templates.template_xlsx(kind)))
    assert wb.sheetnames == ["Data", "Forklaring"]
    sheet = [[v if v is not None else "" for v in row] for row in wb["Forklaring"].iter_rows(min_row=4,
                                                                                              values_only=True)]
    assert sheet == rows
    readme = templates.readme_text()
    for c in columns:
        assert f"| `{c.header}` | {'ja' if c.required else 'nei'} |" in readme


@pytest.mark.parametrize("kind", KINDS)
def test_the_workbook_has_the_header_in_row_1_and_typed_example_cells(kind):
    columns = templates.columns_of(kind)
    wb = load_workbook(io.BytesIO(templates.template_xlsx(kind)))
    data = wb["Data"]
    assert data.freeze_panes == "A2"
    assert [c.value for c in data[1]] == [c.header for c in columns]
    assert all(c.font.bold for c in data[1])
    assert data.max_row == 2
    for col, cell in zip(columns, data[2], strict=True):
        value = cell.value
        if not col.example:
            assert value is None
        elif col.kind in ("int", "count", "kroner", "year"):
            assert type(value) is int and value == int(col.example.replace(" ", ""))
        elif col.kind == "number":
            assert isinstance(value, (int, float)) and value == float(col.example.replace(",", "."))
        elif col.kind == "date":
            assert isinstance(value, dt.datetime) and value.strftime("%d.%m.%Y") == col.example
            assert cell.number_format == "dd.mm.yyyy"
        elif col.kind == "period" and col.example.isdigit():
            assert value == int(col.example)
        else:
            assert value == col.example and cell.data_type == "s"
    raw = tables.read_table(templates.template_xlsx(kind), "mal.xlsx")
    assert raw.sheet == "Data", "the importer skips the explanation sheet by its name"


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_template_previews_on_the_seeded_store_without_a_refused_row(writable_store, kind, suffix):
    engine = db.make_engine(writable_store)
    try:
        data = (FOLDER / f"{templates.STEMS[kind]}.{suffix}").read_bytes()
        report = run.import_file(engine, ADMIN, data, f"{templates.STEMS[kind]}.{suffix}", source=SOURCE,
                                 dry_run=True)
    finally:
        engine.dispose()
    assert report.kind == kind and report.kind_detected
    assert report.rows == 1 and report.refused == 0 and not report.problems
    assert report.added + report.changed + report.unchanged == 1
    assert not report.ignored_columns
