"""The one reader for tabular import files (``omradesatsing.importers.tables``): CSV as Norwegian
spreadsheets, SSB and FHI save it, Excel .xlsx and JSON-stat 2.0, read into one shape with the file's
own row numbers; and files that are not what they say, refused with Norwegian messages naming the file,
row and column. Every fixture file is made here, by code.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
import textwrap
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from omradesatsing.importers import tables
from omradesatsing.importers.tables import MISSING_SYMBOLS, RawTable, TableFileError, read_table, to_number

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def refused(data: bytes, file_name: str, **kwargs) -> str:
    """The message a file is refused with (it must be refused with a TableFileError)."""
    with pytest.raises(TableFileError) as info:
        read_table(data, file_name, **kwargs)
    error = info.value
    assert error.problems and all(p.message for p in error.problems)
    assert str(error) == "\n".join(p.message for p in error.problems)
    return str(error)


# --- CSV ------------------------------------------------------------------------------------------

ROWS = [("46010101", "Årstad øst", "12,5", "1 234"), ("46010102", "Møhlenpris", "0,7", "1\u00a0234,5"),
        ("46010103", "Sædalen", "..", ":")]


def csv_bytes(delimiter: str, encoding: str) -> bytes:
    def cell(text: str) -> str:  # with comma as delimiter, a decimal comma must be quoted
        return f'"{text}"' if delimiter == "," and "," in text else text

    lines = [delimiter.join(["grunnkrets", "navn", "andel", "antall"])]
    lines += [delimiter.join(cell(c) for c in row) for row in ROWS]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


@pytest.mark.parametrize("encoding,label", [("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8 med BOM"),
                                            ("cp1252", "Windows-1252")])
@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_csv_encodings_and_delimiters(encoding, label, delimiter):
    raw = read_table(csv_bytes(delimiter, encoding), "levekaar.csv")
    assert isinstance(raw, RawTable)
    assert (raw.format, raw.encoding, raw.delimiter, raw.row_word) == ("CSV", label, delimiter, "rad")
    assert list(raw.frame.columns) == ["grunnkrets", "navn", "andel", "antall"]
    assert raw.frame["navn"].tolist() == ["Årstad øst", "Møhlenpris", "Sædalen"]  # æøå survive
    assert raw.frame["grunnkrets"].tolist() == ["46010101", "46010102", "46010103"]  # codes stay text
    assert raw.row_numbers.tolist() == [2, 3, 4]
    values, symbols, bad = to_number(raw.frame["andel"])
    assert values[:2].tolist() == [12.5, 0.7] and np.isnan(values[2])
    assert symbols.tolist() == [None, None, ".."] and not bad.any()
    values, symbols, bad = to_number(raw.frame["antall"])
    assert values[:2].tolist() == [1234.0, 1234.5] and symbols[2] == ":" and not bad.any()


def test_csv_decimal_point_with_comma_delimiter():
    raw = read_table(b"kode,verdi\n4601,12.5\n4602,-0.25\n", "a.csv")
    assert raw.delimiter == ","
    assert to_number(raw.frame["verdi"])[0].tolist() == [12.5, -0.25]


def test_csv_delimiter_not_fooled_by_commas():
    raw = read_table(b"a;b;c\n1,5;2,5;3,5\n4,5;5,5;6,5\n", "a.csv")  # unquoted decimal commas
    assert raw.delimiter == ";" and list(raw.frame.columns) == ["a", "b", "c"]
    raw = read_table('Befolkning, etter region\n\nregion;år;verdi\n4601;2020;12,5\n'.encode(), "a.csv")
    assert raw.delimiter == ";" and list(raw.frame.columns) == ["region", "år", "verdi"]
    raw = read_table(b'kode,navn,verdi\n1,"Bergen, sentrum","12,5"\n2,x,3.5\n', "a.csv")
    assert raw.delimiter == "," and raw.frame["navn"].tolist() == ["Bergen, sentrum", "x"]


def test_csv_ssb_symbols():
    data = "region;år;verdi\n4601;2020;..\n4601;2021;:\n4601;2022;.\n4601;2023;-\n4601;2024;3\n".encode()
    values, symbols, bad = to_number(read_table(data, "ssb.csv").frame["verdi"])
    assert symbols.tolist() == ["..", ":", ".", "-", None]
    assert np.isnan(values[:4]).all() and values[4] == 3 and not bad.any()
    assert {MISSING_SYMBOLS[s] for s in ("..", ":", ".")} == {"missing", "suppressed", "not_applicable"}


def test_csv_row_numbers_are_physical_lines_with_title_and_blank_lines():
    data = ('"07459: Befolkning, etter region og år"\n\nregion;år;verdi\n4601;2020;1\n\n\n4601;2021;2\n;;\n'
            '4601;2022;3\n   \n').encode()
    raw = read_table(data, "ssb-med-tittel.csv")
    assert list(raw.frame.columns) == ["region", "år", "verdi"]
    assert raw.frame["verdi"].tolist() == ["1", "2", "3"]
    assert raw.row_numbers.tolist() == [4, 7, 9]


def test_csv_row_numbers_without_title_and_with_line_breaks_in_quoted_fields():
    raw = read_table(b"kode;navn\r\n1;a\r\n2;b\r\n\r\n3;c\r\n", "a.csv")
    assert raw.row_numbers.tolist() == [2, 3, 5]
    raw = read_table(b'kode;"lang\nkolonne"\n1;"to\nlinjer"\n2;x\n3;"tre\nlange\nlinjer"\n4;y\n', "a.csv")
    assert list(raw.frame.columns) == ["kode", "lang\nkolonne"]
    assert raw.row_numbers.tolist() == [3, 5, 6, 9]


def test_csv_ragged_rows_refused_naming_the_line():
    message = refused(b"kode;verdi\n1;2\n3;4;5\n6;7\n", "a.csv")
    assert message.startswith("a.csv, linje 3: raden har 3 felt, men overskriftsraden har 2 (skilt med semikolon)")
    message = refused(b'kode;verdi\n1;"to\nlinjer"\n3;4;5\n', "b.csv")  # after a field of two lines
    assert message.startswith("b.csv, linje 4:")


def test_csv_many_problems_are_limited():
    data = b"kode;verdi\n" + b"1;2;3\n" * 40
    message = refused(data, "mange.csv")
    assert message.count("raden har 3 felt") == tables.MAX_PROBLEMS
    assert message.endswith("mange.csv: … og 15 til.")


def test_csv_unterminated_quote_refused_naming_the_line():
    assert refused(b'kode;navn\n1;a\n2;"b\n3;c\n', "a.csv").startswith("a.csv, linje 3: et felt begynner med")


def _xlsx(build) -> bytes:
    book = openpyxl.Workbook()
    build(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _simple_sheet(book):
    sheet = book.active
    sheet.title = "Data"
    sheet.append(["kode", "verdi"])
    sheet.append(["4601", 1.5])


@pytest.mark.parametrize("data,looks_like", [
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "et PNG-bilde"),
    (b"%PDF-1.7\n...", "et PDF-dokument"),
    (_xlsx(_simple_sheet), "en Excel-fil (.xlsx)"),
    (b"PK\x05\x06" + b"\0" * 18, "en zip-fil"),
    (b"kode;navn\n1;\x00\x00\x00\n", "binære data"),
    (bytes(range(1, 32)) * 20, "binære data"),
    ("kode;navn\n".encode("utf-16"), "UTF-16"),
    (b'{"class": "dataset", "id": []}', "JSON-stat"),
    (b"<!DOCTYPE html><html><body>Ikke funnet</body></html>", "en nettside (HTML)"),
])
def test_csv_that_is_something_else_refused(data, looks_like):
    message = refused(data, "data.csv")
    assert message.startswith("data.csv: fila er ikke en CSV-fil (innholdet ser ut som ")
    assert looks_like in message


def test_csv_empty_header_only_and_blank_refused():
    assert refused(b"", "a.csv") == "a.csv: fila er tom."
    assert refused(b"kode;verdi\r\n", "a.csv") == "a.csv: fila har ingen datarader (bare overskriftsraden, linje 1)."
    assert refused(b"kode;verdi\n;\n\n", "a.csv").startswith("a.csv: fila har ingen datarader")
    assert refused(b"\n \n\t\n", "a.csv").startswith("a.csv: fila er tom")


def test_size_limit_checked_before_parsing(monkeypatch):
    monkeypatch.setattr(tables, "MAX_FILE_BYTES", 20)
    message = refused(b"kode;verdi\n" + b"1;2\n" * 10, "stor.csv")
    assert message.startswith("stor.csv: fila er 0,0 MB; største tillatte størrelse er")
    monkeypatch.setattr(tables, "_read_csv", lambda *a: pytest.fail("parsed"))
    refused(b"x" * 21, "stor.csv")


def test_duplicate_and_nameless_headers():
    message = refused(b"kode;verdi;verdi\n1;2;3\n", "a.csv")
    assert message == ("a.csv, linje 1: kolonnenavnet «verdi» står flere ganger i overskriftsraden (kolonne 2 og "
                       "kolonne 3). Gi kolonnene ulike navn.")
    assert "kolonne 2 har ikke noe navn" in refused(b"kode;;x\n1;2;3\n", "a.csv")
    raw = read_table(b"\xef\xbb\xbf kode ;verdi;;\n1;2;;\n", "a.csv")  # trailing empty columns dropped
    assert list(raw.frame.columns) == ["kode", "verdi"]


def test_csv_encoding_problems():
    mixed = "navn;verdi\nÅsane;1\n".encode() + "Årstad;2\n".encode("cp1252")
    assert "blandet tegnkoding" in refused(mixed, "a.csv")
    assert refused(b"navn;verdi\nx\x81y;1\n", "a.csv").startswith("a.csv, linje 2: tegnkodingen er ukjent")


def test_file_types_by_extension():
    message = refused(b"x", "tabell.pdf")
    assert message == ("tabell.pdf: filtypen «.pdf» kan ikke importeres. Bruk CSV (.csv, .txt eller .tsv), Excel "
                       "(.xlsx) eller JSON-stat (.json).")
    assert "uten filendelse" in refused(b"x", "tabell")
    for suffix in (".xls", ".ods", ".xlsm"):
        assert "lagre den som Excel-arbeidsbok (.xlsx) eller CSV" in refused(b"x", "tabell" + suffix)
    raw = read_table(b"kode\tverdi\n1\t2\n", "C:\\Users\\ola\\Skrivebord\\tabell.tsv")
    assert raw.file_name == "tabell.tsv" and raw.delimiter == "\t"
    assert read_table(b"kode;verdi\n1;2\n", "tabell.TXT").format == "CSV"


def test_one_column_csv():
    raw = read_table(b"grunnkrets\n46010101\n46010102\n", "koder.csv")
    assert raw.frame["grunnkrets"].tolist() == ["46010101", "46010102"] and raw.row_numbers.tolist() == [2, 3]


# --- Excel ----------------------------------------------------------------------------------------

def _replace_in_part(data: bytes, part: str, old: bytes, new: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == part:
                assert old in content, content[-600:]
                content = content.replace(old, new)
            target.writestr(item, content)
    return out.getvalue()


def _with_explanation(book):
    sheet = book.active
    sheet.title = "Data"
    sheet["A1"] = "Levekår i Bergen 2024"  # a title row, a blank row, then the header on row 3
    sheet.append([])
    sheet.append(["grunnkrets", "år", "verdi", "dato", "aktiv"])
    sheet.append([46010101, 2023, 12.5, dt.date(2024, 1, 31), True])
    sheet.append([])
    sheet.append(["46010102", 2024, "1 234,5", None, False])
    sheet.append(["   ", None, None])  # only whitespace: dropped like a blank row
    explanation = book.create_sheet("Forklaring")
    explanation.append(["Kolonne", "Forklaring"])
    explanation.append(["verdi", "Andel i prosent"])


def test_excel_title_rows_skipped_and_only_data_sheet_chosen():
    raw = read_table(_xlsx(_with_explanation), "mal.xlsx")
    assert (raw.format, raw.sheet, raw.sheets, raw.row_word) == ("Excel", "Data", ["Data", "Forklaring"], "rad")
    assert list(raw.frame.columns) == ["grunnkrets", "år", "verdi", "dato", "aktiv"]
    assert raw.row_numbers.tolist() == [4, 6]
    first, second = raw.frame.to_dict("records")
    assert first == {"grunnkrets": 46010101.0, "år": 2023.0, "verdi": 12.5, "dato": dt.date(2024, 1, 31), "aktiv": True}
    assert second["grunnkrets"] == "46010102" and second["dato"] is None and second["aktiv"] is False
    values, _symbols, bad = to_number(raw.frame["verdi"])
    assert values.tolist() == [12.5, 1234.5] and not bad.any()
    assert to_number(raw.frame["aktiv"])[2].all()  # a bool is not a number


def test_excel_sheet_chosen_by_name():
    raw = read_table(_xlsx(_with_explanation), "mal.xlsx", sheet=" forklaring ")
    assert raw.sheet == "Forklaring" and raw.frame["Kolonne"].tolist() == ["verdi"] and raw.row_numbers.tolist() == [2]
    message = refused(_xlsx(_with_explanation), "mal.xlsx", sheet="Ark9")
    assert message == "mal.xlsx: arket «Ark9» finnes ikke. Arkene er: «Data», «Forklaring»."


def test_excel_several_data_sheets_refused_listing_them():
    def build(book):
        _with_explanation(book)
        other = book.create_sheet("Data 2023")
        other.append(["a", "b"])
        other.append([1, 2])
        hidden = book.create_sheet("Oppslag")
        hidden.append(["x", "y"])
        hidden.append([1, 2])
        hidden.sheet_state = "hidden"  # hidden sheets and chart sheets are not chosen by themselves
        book.create_chartsheet("Diagram")

    message = refused(_xlsx(build), "to.xlsx")
    assert message == "to.xlsx: fila har flere ark med data («Data», «Data 2023»). Velg hvilket ark som skal leses."
    assert read_table(_xlsx(build), "to.xlsx", sheet="Data 2023").frame["b"].tolist() == [2.0]


def test_excel_data_away_from_the_corner():
    def build(book):
        sheet = book.active
        sheet["C5"], sheet["D5"] = "kode", "verdi"
        sheet["C6"], sheet["D6"] = "4601", 1
        sheet["C8"], sheet["D8"] = "4602", 2
        sheet["H20"] = None

    raw = read_table(_xlsx(build), "a.xlsx")
    assert list(raw.frame.columns) == ["kode", "verdi"] and raw.row_numbers.tolist() == [6, 8]


def test_excel_damaged_zip_refused():
    data = bytearray(_xlsx(_simple_sheet))
    start = data.index(b"xl/worksheets/sheet1.xml") + 40  # inside the sheet's compressed data
    data[start:start + 40] = b"\xff" * 40
    assert refused(bytes(data), "skadet.xlsx").startswith("skadet.xlsx: ")


def test_excel_without_data_sheet():
    def build(book):
        book.active.title = "Forklaring"
        book.active.append(["bare", "forklaring"])

    assert "ingen ark med data utenom «Forklaring»" in refused(_xlsx(build), "a.xlsx")

    def header_only(book):
        book.active.append(["kode", "verdi"])

    assert refused(_xlsx(header_only), "a.xlsx").startswith("a.xlsx: fila har ingen datarader")
    assert refused(_xlsx(lambda book: None), "a.xlsx") == "a.xlsx: fila er tom (ingen ark har data)."


def _formulas(book):
    sheet = book.active
    sheet.title = "Beregnet"
    sheet.append(["a", "b", "dobbel"])
    sheet.append([1, 2, "=A2*2"])  # openpyxl writes formulas without cached values
    sheet.append([3, 4, "=A3*2"])


def test_excel_formula_without_cached_value_refused_naming_sheet_and_cell():
    message = refused(_xlsx(_formulas), "beregnet.xlsx")
    assert message.startswith("beregnet.xlsx: arket «Beregnet» har 2 celler med formel uten lagret verdi (C2, C3).")
    assert "Åpne den i Excel og lagre den på nytt" in message


def test_excel_formula_with_cached_value_accepted():
    data = _xlsx(_formulas)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read("xl/worksheets/sheet1.xml")
    empty = b"<v />" if b"<v />" in xml else b"<v></v>"
    data = _replace_in_part(data, "xl/worksheets/sheet1.xml", b"<f>A2*2</f>" + empty, b"<f>A2*2</f><v>2</v>")
    data = _replace_in_part(data, "xl/worksheets/sheet1.xml", b"<f>A3*2</f>" + empty, b"<f>A3*2</f><v>6</v>")
    raw = read_table(data, "beregnet.xlsx")
    assert raw.frame["dobbel"].tolist() == [2.0, 6.0]


def test_excel_error_values_kept_as_text():
    def build(book):
        book.active.append(["kode", "andel"])
        book.active.append(["4601", 5])
        book.active.append(["4602", 7])

    data = _replace_in_part(_xlsx(build), "xl/worksheets/sheet1.xml", b'<c r="B3" t="n"><v>7</v></c>',
                            b'<c r="B3" t="e"><f>1/0</f><v>#DIV/0!</v></c>')
    raw = read_table(data, "feil.xlsx")
    assert raw.frame["andel"].tolist() == [5.0, "#DIV/0!"]
    assert to_number(raw.frame["andel"])[2].tolist() == [False, True]


def test_excel_duplicate_header_refused():
    def build(book):
        book.active.append(["Tittel"])
        book.active.append(["kode", "verdi", "verdi"])
        book.active.append(["4601", 1, 2])

    assert refused(_xlsx(build), "a.xlsx") == ("a.xlsx, arket «Sheet», rad 2: kolonnenavnet «verdi» står flere ganger "
                                               "i overskriftsraden (kolonne B og kolonne C). Gi kolonnene ulike navn.")


@pytest.mark.parametrize("data,looks_like", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500, "gammel Office-fil"),
    (b"dette er bare tekst", "tekst eller ukjent innhold"),
    (b"\x89PNG\r\n\x1a\n\0\0", "et PNG-bilde"),
])
def test_not_xlsx_refused(data, looks_like):
    message = refused(data, "tabell.xlsx")
    assert message.startswith("tabell.xlsx: fila er ikke en Excel-fil (.xlsx) (innholdet ser ut som ")
    assert looks_like in message


def test_ods_and_plain_zip_named_xlsx_refused():
    ods = io.BytesIO()
    with zipfile.ZipFile(ods, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<x/>")
    assert "et OpenDocument-regneark (.ods)). Åpne den i Excel" in refused(ods.getvalue(), "a.xlsx")
    plain = io.BytesIO()
    with zipfile.ZipFile(plain, "w") as z:
        z.writestr("data.csv", "kode;verdi\n1;2\n")
    assert "(innholdet ser ut som en zip-fil)" in refused(plain.getvalue(), "a.xlsx")


def test_excel_with_a_missing_or_damaged_part_refused_cleanly():
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_xlsx(_simple_sheet))) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                target.writestr(item, source.read(item.filename))
    assert refused(out.getvalue(), "skadet.xlsx") == ("skadet.xlsx: arket «Data» mangler i Excel-fila (fila er skadet). "
                                                      "Åpne og lagre den i Excel.")
    data = _replace_in_part(_xlsx(_simple_sheet), "xl/workbook.xml", b"<sheets>", b"<sheets><")
    assert refused(data, "skadet.xlsx").startswith("skadet.xlsx: fila kan ikke leses (ParseError)")


def test_excel_stray_far_cell_refused_before_calamine_allocates():
    """A cell in XFD1048576 makes calamine allocate the whole grid, and an allocation failure in Rust
    aborts the process: the scan refuses it first. Run in a child process, so that a regression kills
    only the child."""
    code = textwrap.dedent("""
        import io, openpyxl
        from omradesatsing.importers.tables import read_table, TableFileError
        book = openpyxl.Workbook(); sheet = book.active
        sheet.append(["kode", "verdi"]); sheet.append(["4601", 1]); sheet["XFD1048576"] = "x"
        out = io.BytesIO(); book.save(out)
        try:
            read_table(out.getvalue(), "langt-ute.xlsx")
        except TableFileError as exc:
            print(exc)
    """)
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "langt-ute.xlsx: arket «Sheet» går over 1\u00a0048\u00a0576 rader og 16\u00a0384 kolonner" in done.stdout


# --- JSON-stat ------------------------------------------------------------------------------------

def ssb_dataset() -> dict:
    """As SSB's statistikkbank (PxWebApi) returns JSON-stat 2.0: 2 grunnkretser × 1 content × 3 years,
    the value as a sparse object, ":" (suppressed) in status."""
    return {
        "version": "2.0", "class": "dataset", "label": "Personer, etter grunnkrets og år",
        "source": "Statistisk sentralbyrå", "updated": "2024-03-01T07:00:00Z",
        "note": ["Tall for grunnkretser med færre enn 5 personer vises ikke."],
        "role": {"time": ["Tid"], "metric": ["ContentsCode"], "geo": ["Region"]},
        "id": ["Region", "ContentsCode", "Tid"], "size": [2, 1, 3],
        "dimension": {
            "Region": {"label": "region", "category": {"index": {"46010101": 0, "46010102": 1},
                                                       "label": {"46010101": "Sentrum 1", "46010102": "Sentrum 2"}}},
            "ContentsCode": {"label": "statistikkvariabel", "category": {
                "index": {"Personer1": 0}, "label": {"Personer1": "Personer"},
                "unit": {"Personer1": {"base": "personer", "decimals": 0}}}},
            "Tid": {"label": "år", "category": {"index": {"2021": 0, "2022": 1, "2023": 2},
                                                "label": {"2021": "2021", "2022": "2022", "2023": "2023"}}},
        },
        "value": {"0": 120, "1": 131, "2": 140, "3": None, "5": 3},
        "status": {"3": ":", "4": ".."},
        "extension": {"px": {"tableid": "04317", "decimals": 0}},
    }


def fhi_dataset() -> dict:
    """As FHI's statistikkbank returns it: GEO, AAR as a period «2019_2021», KJONN, ALDER, MEASURE_TYPE;
    the value as an array with nulls; no roles declared; one category without an index."""
    return {
        "version": "2.0", "class": "dataset", "label": "Trivsel på skolen",
        "id": ["GEO", "AAR", "KJONN", "ALDER", "MEASURE_TYPE"], "size": [2, 2, 1, 1, 2],
        "dimension": {
            "GEO": {"category": {"index": ["4601", "460101"], "label": {"4601": "Bergen", "460101": "Bergenhus"}}},
            "AAR": {"category": {"index": ["2019_2021", "2020_2022"]}},
            "KJONN": {"category": {"label": {"0": "kjønn samlet"}}},
            "ALDER": {"category": {"index": {"10_10": 0}, "label": {"10_10": "10. trinn"}}},
            "MEASURE_TYPE": {"category": {"index": ["MEIS_RATE", "TELLER"]}},
        },
        "value": [84.5, 1200, None, None, 81.0, 300, 79.5, None],
    }


def test_jsonstat_ssb_dataset():
    raw = read_table(json.dumps(ssb_dataset()).encode(), "04317.json")
    assert (raw.format, raw.row_word) == ("JSON-stat", "celle")
    frame = raw.frame
    assert list(frame.columns) == ["Region", "ContentsCode", "Tid", "value", "status"]
    assert frame["Region"].tolist() == ["46010101"] * 3 + ["46010102"] * 3
    assert frame["Tid"].tolist() == ["2021", "2022", "2023"] * 2
    assert frame["ContentsCode"].unique().tolist() == ["Personer1"]
    values = frame["value"].tolist()
    assert values[:3] == [120.0, 131.0, 140.0] and np.isnan(values[3]) and np.isnan(values[4]) and values[5] == 3.0
    assert frame["status"].tolist() == [None, None, None, ":", "..", None]
    assert raw.row_numbers.tolist() == [1, 2, 3, 4, 5, 6]
    assert raw.labels["Region"] == {"46010101": "Sentrum 1", "46010102": "Sentrum 2"}
    assert raw.roles == {"time": ["Tid"], "metric": ["ContentsCode"], "geo": ["Region"]}
    assert raw.notes[:4] == ["Tittel: Personer, etter grunnkrets og år", "Kilde: Statistisk sentralbyrå",
                             "Oppdatert: 2024-03-01T07:00:00Z",
                             "Merknad: Tall for grunnkretser med færre enn 5 personer vises ikke."]
    assert 'Utvidelse (extension): {"px":{"tableid":"04317","decimals":0}}' in raw.notes


def test_jsonstat_fhi_dataset():
    raw = read_table(json.dumps(fhi_dataset(), ensure_ascii=False).encode(), "trivsel.jsonstat")
    frame = raw.frame
    assert list(frame.columns) == ["GEO", "AAR", "KJONN", "ALDER", "MEASURE_TYPE", "value", "status"]
    assert frame["AAR"].tolist()[:4] == ["2019_2021", "2019_2021", "2020_2022", "2020_2022"]
    assert frame["KJONN"].unique().tolist() == ["0"] and frame["MEASURE_TYPE"].tolist()[:2] == ["MEIS_RATE", "TELLER"]
    assert frame["value"].isna().tolist() == [False, False, True, True, False, False, False, True]
    assert frame["status"].isna().all()
    assert raw.roles == {"time": ["AAR"], "geo": ["GEO"], "metric": ["MEASURE_TYPE"]}  # guessed
    assert raw.labels["KJONN"] == {"0": "kjønn samlet"}


def test_jsonstat_collection_of_two_datasets():
    collection = {"version": "2.0", "class": "collection", "label": "Levekår",
                  "link": {"item": [ssb_dataset(), fhi_dataset()]}}
    raw = read_table(json.dumps(collection).encode(), "samling.json")
    assert len(raw.frame) == 6 + 8
    assert raw.frame["dataset"].tolist() == ["Personer, etter grunnkrets og år"] * 6 + ["Trivsel på skolen"] * 8
    assert raw.row_numbers.tolist() == list(range(1, 15))  # the cells are numbered on through the datasets
    assert list(raw.frame.columns)[-3:] == ["value", "status", "dataset"]
    assert raw.frame["GEO"].isna().tolist() == [True] * 6 + [False] * 8
    assert raw.notes[0] == "Tittel: Levekår"
    assert raw.roles["time"] == ["Tid", "AAR"]


def test_jsonstat_one_status_for_all_and_symbols_in_value():
    ds = fhi_dataset()
    ds["status"] = "p"
    assert set(read_table(json.dumps(ds).encode(), "a.json").frame["status"]) == {"p"}
    ds = fhi_dataset()
    ds["value"] = ["84,5", "..", None, ":", 1, 2, 3, 4]
    frame = read_table(json.dumps(ds).encode(), "a.json").frame
    assert frame["value"].tolist()[0] == 84.5 and frame["status"].tolist()[:4] == [None, "..", None, ":"]


@pytest.mark.parametrize("change,expected", [
    (lambda d: d.update(value=[1, 2, 3]), "a.json: «value» har 3 verdier, men «size» gir 8 celler."),
    (lambda d: d.update(size=[2, 2, 1, 1]), "a.json: «size» har 4 tall, men «id» har 5 dimensjoner."),
    (lambda d: d["dimension"].pop("AAR"), "a.json: dimensjonen «AAR» står i «id», men ikke i «dimension»."),
    (lambda d: d.update(size=[3, 2, 1, 1, 2], value=[1] * 12), "a.json, dimensjonen «GEO»: har 2 kategorier, men "
                                                               "«size» sier 3."),
    (lambda d: d["dimension"]["ALDER"]["category"].update(index={"a": 0, "b": 2}), "a.json, dimensjonen «ALDER»: "
                                                                                  "«category.index» må gi hver kode"),
    (lambda d: d.update(value={"0": 1, "99": 2}), "a.json: «value» har en verdi for celle 99"),
    (lambda d: d.update(value={"x": 1}), "a.json: «value» har nøkkelen «x», som ikke er et cellenummer"),
    (lambda d: d.update(value=[1, 2, "tre", 4, 5, True, 7, 8]), "a.json, celle 3: verdien «tre» er ikke et tall"),
    (lambda d: d.update(status=[":"] * 3), "a.json: «status» har 3 verdier, men «size» gir 8 celler."),
    (lambda d: d.pop("id"), "a.json: JSON-stat-datasettet mangler «id»"),
])
def test_inconsistent_jsonstat_refused(change, expected):
    ds = fhi_dataset()
    change(ds)
    assert refused(json.dumps(ds).encode(), "a.json").startswith(expected)


def test_not_jsonstat_refused():
    assert "fila er JSON, men ikke JSON-stat 2.0" in refused(b'{"type": "FeatureCollection", "features": []}', "a.json")
    assert "fila er JSON, men ikke JSON-stat 2.0" in refused(b"[1, 2, 3]", "a.json")
    bundle = {"tabell": {"dimension": {}, "value": []}}
    assert "JSON-stat 1.0" in refused(json.dumps(bundle).encode(), "a.json")
    assert refused(b'{"class": "dataset",', "a.json").startswith("a.json: innholdet er ikke gyldig JSON (linje 1")
    assert refused(b"kode;verdi\n1;2\n", "a.json") == ("a.json: fila er ikke JSON (den begynner med «kode;verdi 1;2»). "
                                                       "JSON-stat-filer begynner med «{».")
    assert "nestet for dypt" in refused(b"[" * 100_000 + b"]" * 100_000, "a.json")
    assert refused(b"\x89PNG\r\n\x1a\n", "a.json") == "a.json: fila er ikke en JSON-fil (innholdet ser ut som et PNG-bilde)."
    collection = {"class": "collection", "link": {"item": [{"class": "dataset", "href": "https://example.org/x"}]}}
    assert "bare en lenke" in refused(json.dumps(collection).encode(), "a.json")


def test_jsonstat_is_vectorised():
    sizes = [500, 4, 10, 10]
    n = int(np.prod(sizes))
    ds = {"class": "dataset", "id": ["Region", "ContentsCode", "Tid", "Kjonn"], "size": sizes,
          "dimension": {"Region": {"category": {"index": [str(46010101 + i) for i in range(500)]}},
                        "ContentsCode": {"category": {"index": ["A", "B", "C", "D"]}},
                        "Tid": {"category": {"index": [str(2014 + i) for i in range(10)]}},
                        "Kjonn": {"category": {"index": [str(i) for i in range(10)]}}},
          "value": list(range(n))}
    frame = read_table(json.dumps(ds).encode(), "stor.json").frame
    assert len(frame) == 200_000
    region, content, year, sex = np.unravel_index(123_456, sizes)  # row-major, as JSON-stat orders cells
    assert frame.iloc[123_456][["Region", "ContentsCode", "Tid", "Kjonn"]].tolist() == [
        str(46010101 + region), "ABCD"[content], str(2014 + year), str(sex)] == ["46010409", "C", "2019", "6"]
    assert frame["value"].iloc[123_456] == 123_456


# --- to_number ------------------------------------------------------------------------------------

ACCEPTED = {
    "12": 12, "12,5": 12.5, "12.5": 12.5, "-3": -3, "\u22123,5": -3.5, "+4": 4, ",5": 0.5, "1e3": 1000,
    "1 234": 1234, "1\u00a0234,5": 1234.5, "1\u202f234\u202f567": 1234567, "1.234,5": 1234.5, "1,234.5": 1234.5,
    "1.234.567,25": 1234567.25, " 7 ": 7, "\t8\n": 8, "12 %": 12, "12%": 12, "0,0": 0,
}
REFUSED = ["12abc", "1,2,3", "1.234.567", "abc", "inf", "NaN", "1e999", "12 34", "1 2345", "--1", "1,", "%",
           "1,234,5", "1 234.567,8"]


def test_to_number_on_text():
    cells = list(ACCEPTED) + REFUSED + ["..", ":", ".", "-", "...", "", "   ", None]
    values, symbols, bad = to_number(pd.Series(cells, dtype="str"))
    n, m = len(ACCEPTED), len(REFUSED)
    assert values[:n].tolist() == list(ACCEPTED.values())
    assert not bad[:n].any() and bad[n:n + m].all() and not bad[n + m:].any()
    assert np.isnan(values[n:]).all()
    assert symbols.tolist() == [None] * (n + m) + ["..", ":", ".", "-", "...", None, None, None]


def test_to_number_on_excel_cells_and_numbers():
    cells = [3.0, 2, None, float("nan"), True, dt.date(2024, 1, 1), "4,5", "x", ":", float("inf")]
    values, symbols, bad = to_number(pd.Series(cells, dtype=object))
    assert values[:2].tolist() == [3.0, 2.0] and values[6] == 4.5
    assert bad.tolist() == [False, False, False, False, True, True, False, True, False, True]
    assert symbols[8] == ":" and symbols[:8].tolist() == [None] * 8
    values, _symbols, bad = to_number(pd.Series([1.5, None, np.inf]))
    assert values[0] == 1.5 and np.isnan(values[1:]).all() and bad.tolist() == [False, False, True]
    assert to_number(pd.Series([1, 2], dtype="int64"))[0].tolist() == [1.0, 2.0]
    assert to_number(pd.Series([], dtype=object))[0].size == 0
    assert to_number(pd.Series(["12,5", None], dtype="string"))[0][0] == 12.5


def test_to_number_on_two_million_cells():
    tenths = pd.Series(np.random.default_rng(24).integers(0, 10_000, 2_000_000))
    text = (tenths // 10).astype("str") + "," + (tenths % 10).astype("str")
    text.iloc[::1000] = ".."
    text.iloc[1::1000] = "1 234,5"
    values, symbols, bad = to_number(text)
    assert not bad.any() and (symbols == "..").sum() == 2000 and values[1] == 1234.5
    assert np.isnan(values).sum() == 2000


# --- never anything but TableFileError ------------------------------------------------------------

def _read_or_refuse(data: bytes, file_name: str, **kwargs) -> None:
    try:
        raw = read_table(data, file_name, **kwargs)
    except TableFileError as exc:
        assert exc.problems and str(exc)
    else:
        assert len(raw.frame) == len(raw.row_numbers) > 0


FUZZ = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".csv", ".xlsx", ".json", ".txt"]))
def test_random_bytes_never_raise_anything_else(data, suffix):
    _read_or_refuse(data, "tilfeldig" + suffix)


@FUZZ
@given(text=st.text(alphabet=st.sampled_from(list(';,\t"\n\r .:-0123456789abcæøåÅ%\u00a0\u2212')), max_size=400),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
def test_random_csv_text_never_raises_anything_else(text, encoding):
    data = text.encode(encoding, errors="replace")
    _read_or_refuse(data, "tilfeldig.csv")


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-10**20, 10**20) | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=6), children, max_size=5),
    max_leaves=30)
DIMENSIONS = st.dictionaries(
    st.sampled_from(["Region", "Tid", "value", "GEO"]),
    st.fixed_dictionaries({"category": st.fixed_dictionaries({}, optional={
        "index": st.lists(st.sampled_from(["a", "b", "c"]), max_size=3) | st.dictionaries(
            st.sampled_from(["a", "b", "c"]), st.integers(-1, 3)) | JSON_VALUES,
        "label": st.dictionaries(st.sampled_from(["a", "b", "c"]), st.text(max_size=4)) | JSON_VALUES})}),
    max_size=3)
JSONSTAT_LIKE = st.fixed_dictionaries(
    {"class": st.sampled_from(["dataset", "dataset", "collection", "bundle"])},
    optional={"id": st.lists(st.sampled_from(["Region", "Tid", "value", "GEO"]), max_size=3) | JSON_VALUES,
              "size": st.lists(st.integers(-1, 4), max_size=3) | JSON_VALUES,
              "dimension": DIMENSIONS | JSON_VALUES,
              "value": st.lists(st.none() | st.floats() | st.integers() | st.text(max_size=4), max_size=12)
              | st.dictionaries(st.sampled_from(["0", "1", "5", "x", "-1"]), st.floats() | st.none()) | JSON_VALUES,
              "status": JSON_VALUES, "role": JSON_VALUES, "note": JSON_VALUES, "extension": JSON_VALUES,
              "link": st.fixed_dictionaries({"item": st.lists(JSON_VALUES, max_size=2)}) | JSON_VALUES})


@FUZZ
@given(doc=JSON_VALUES | JSONSTAT_LIKE)
def test_random_json_never_raises_anything_else(doc):
    _read_or_refuse(json.dumps(doc).encode(), "tilfeldig.json")


VALID_XLSX = _xlsx(_with_explanation)


@FUZZ
@given(flips=st.lists(st.tuples(st.integers(0, len(VALID_XLSX) - 1), st.integers(0, 255)), min_size=1, max_size=8))
def test_damaged_xlsx_never_raises_anything_else(flips):
    data = bytearray(VALID_XLSX)
    for position, byte in flips:
        data[position] = byte
    _read_or_refuse(bytes(data), "skadet.xlsx")


def test_no_streamlit_in_the_reader():
    with open(tables.__file__, encoding="utf-8") as f:
        assert "import streamlit" not in f.read()
