"""One reader for tabular import files: CSV, Excel ``.xlsx`` and JSON-stat 2.0 become one shape, a
``RawTable`` with the file's own header names and, for every row, where it is in the file. This module
knows nothing about indicators, zones or money (the kinds' modules do); it reads faithfully and
refuses, with Norwegian messages naming the file, the row (or cell) and the column, what it cannot read.
No Streamlit here: the Admin page and the CLI call the same code. Text cells are handled with pyarrow's
compute functions (pyarrow comes with Streamlit, and stores pandas' str dtype).

What kind of file it is comes from the extension *and* the content: ``.csv``/``.txt``/``.tsv`` must be
text, ``.xlsx`` a zip holding ``xl/workbook.xml``, ``.json``/``.jsonstat`` JSON-stat 2.0. A PNG, a zip,
an old ``.xls`` or a web page with one of those names is refused saying what it looks like. The size
(``MAX_FILE_BYTES``) is checked before anything is parsed.

CSV
    Encoding: UTF-8, UTF-8 with BOM or Windows-1252, by a deterministic rule: a strict UTF-8 decode
    first (a BOM says «UTF-8 med BOM»), and only if it fails, Windows-1252. For these three encodings
    a failed strict UTF-8 decode is proof of a legacy encoding (Windows-1252 text with æøå is almost
    never valid UTF-8), while statistical detectors guess wrong on short Norwegian text: tried on five
    short cp1252 samples with æøå, ``charset-normalizer`` 3.5 named cp1250 or cp852 for all five
    («Ĺrstad», «Grřnn»). A file that is partly UTF-8 and partly not (UTF-8 letters read as «Ã¸»)
    is refused rather than read as mojibake.
    Delimiter: ``;``, ``,`` or tab, chosen from the header line and checked on the following lines
    with Python's csv quoting rules (``"``-quoted fields, so a quoted decimal comma is no delimiter):
    the one that splits the header into two or more fields, with the most data lines agreeing, then
    the earliest header (an unquoted decimal comma must not make a data line look like a header),
    then the most header fields; ``;``, tab, ``,`` in that order on a tie.
    Title lines above the header (SSB's «med tittel» CSV) are skipped by the same rule as in Excel
    (below). pandas' C reader does the reading (``dtype=str``): 2 million rows × 6 columns in about
    two seconds. Row numbers are physical line numbers: blank lines are read as empty rows and dropped
    with their numbers kept, title lines count, and a quoted field holding line breaks is counted as
    the lines it spans. A line with more fields than the header is refused naming the line.
Excel ``.xlsx``
    Read with ``python-calamine`` (a Rust reader; openpyxl takes many seconds for 200 000 rows). The
    sheet is the one named by ``sheet=``, else the only visible worksheet with data that is not an
    explanation sheet (``EXPLANATION_SHEETS``, e.g. the templates' «Forklaring»). Title rows above the
    header are skipped: the header is the first row whose non-empty cells are at least half of the
    widest of the first 20 rows, and at least two (a one-column sheet: its first non-empty row). Before
    calamine loads a sheet, its XML is scanned (in chunks, from the zip) for three things calamine does
    not say: the used range's size (a stray cell in XFD1048576 would make calamine allocate the whole
    grid, and an allocation failure in Rust aborts the process: refused above ``MAX_SHEET_CELLS``),
    formulas without a cached value (written by a program that does not compute formulas; calamine
    reads them as empty: refused naming the cells), and error values such as ``#DIV/0!`` (calamine
    reads them as empty too: they are put back as their text, so a number column reports them).
    Cells keep calamine's Python value (str, float, bool, date/datetime/time); empty cells are None.
    Hidden sheets and chart sheets are never chosen by themselves.
JSON-stat 2.0
    A dataset, or a collection whose ``link.item`` holds datasets (concatenated, with a column
    ``dataset`` holding each one's label when there are several). Read by the small reader here rather
    than ``pyjstat`` (unmaintained since 2023), vectorised with numpy: ``id`` gives the
    dimension order, ``size`` the sizes, ``dimension[id].category.index`` (an array or an object code →
    position; absent for a single category, then ``label``'s one key) the codes; ``value`` is an array
    or a sparse object {"flat index": value}, ``status`` a string (for all cells), an array or an
    object. The frame has one column per dimension holding the category *code*, then ``value`` (float,
    NaN where the file has null) and ``status`` (str or None), one row per cell in row-major order;
    ``row_numbers`` are the flat index + 1 (in a collection they run on through the datasets).

Missing-value symbols (``MISSING_SYMBOLS``), from SSB's standard symbols in tables («Standardtegn i
tabeller»); FHI's statistikkbank uses «..» and «:» the same way:

    ``..``   oppgave mangler (data not available)                        → "missing"
    ``...``  oppgave mangler foreløpig (not yet available)               → "not_yet_available"
    ``:``    vises ikke av konfidensialitetshensyn (suppressed)          → "suppressed"
    ``.``    lovlig umulig / ikke mulig å oppgi (not applicable)         → "not_applicable"
    ``-``    null (the quantity is nil; SSB prints it for exactly zero)   → "nil"

``to_number`` returns no number for a symbol (not even 0 for «-»: what a nil means is the caller's
rule) and reports which symbol it was.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import logging
import math
import re
import warnings
import xml.etree.ElementTree as ET
import zipfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from omradesatsing.catalogue import Text
from omradesatsing.commands import Problem, ValidationError

# Tables may be larger than zone files (the CLI imports 2 million rows); the Admin page is limited by
# ``server.maxUploadSize`` anyway.
MAX_FILE_MB = 250
MAX_FILE_BYTES = MAX_FILE_MB * 1024 * 1024
MAX_PROBLEMS = 25  # list at most this many problems (and say how many more there are)
# A sheet's used range (rows × columns) and a JSON-stat dataset's cells: above this the frame would
# need gigabytes; Excel's own limit is 1 048 576 rows.
MAX_SHEET_CELLS = 20_000_000
MAX_JSONSTAT_CELLS = 20_000_000
MAX_SHEET_XML_BYTES = 4 * 1024 * 1024 * 1024  # one worksheet's XML, unpacked (zip bomb guard)
MAX_SMALL_PART_BYTES = 50 * 1024 * 1024  # xl/workbook.xml and its relationships
SCAN_CHUNK = 16 * 1024 * 1024
SNIFF_BYTES = 64 * 1024  # the head of a CSV file that the delimiter and header are chosen from
HEADER_WINDOW = 20  # the header is looked for among the first 20 non-empty rows

MISSING_SYMBOLS = {
    "..": "missing",
    "...": "not_yet_available",
    ":": "suppressed",
    ".": "not_applicable",
    "-": "nil",
}
EXPLANATION_SHEETS = ("forklaring", "veiledning", "explanation", "readme", "kolonner")

CSV_SUFFIXES = (".csv", ".txt", ".tsv")
EXCEL_SUFFIXES = (".xlsx",)
JSONSTAT_SUFFIXES = (".json", ".jsonstat")
OTHER_SPREADSHEETS = {
    ".xls": "en gammel Excel-fil (.xls)", ".xlsm": "en Excel-fil med makroer (.xlsm)",
    ".xlsb": "en binær Excel-arbeidsbok (.xlsb)", ".ods": "et OpenDocument-regneark (.ods)",
    ".numbers": "et Numbers-regneark",
}
DELIMITERS = (";", "\t", ",")  # in order of preference when the file does not decide
DELIMITER_NAMES = {";": "semikolon", ",": "komma", "\t": "tabulator"}
JSONSTAT_COLUMNS = ("value", "status", "dataset")
TIME_NAMES = {"tid", "aar", "år", "ar", "year", "time", "periode", "period", "arstall", "årstall"}
GEO_NAMES = {"region", "geo", "grunnkrets", "kommune", "bydel", "fylke", "levekaarssone", "levekårssone", "sone",
             "omrade", "område", "delomrade", "delområde", "area", "regionkode"}
METRIC_NAMES = {"contentscode", "measure_type", "statistikkvariabel", "maal", "mål", "maltall", "måltall",
                "measure", "indikator", "indicator"}

log = logging.getLogger(__name__)


class TableFileError(ValidationError):
    """A table file that cannot be read; ``problems`` hold one Norwegian message each, and ``str()``
    gives them one per line (they already name the file, row and column)."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        ValueError.__init__(self, "\n".join(p.message for p in problems))


@dataclass
class RawTable:
    """A file's table as read: ``frame`` has the file's header names as columns and one row per data
    row; ``row_numbers[i]`` is where frame row ``i`` is in the file, as a user counts (CSV: the line;
    Excel: the sheet's row; JSON-stat: the cell's flat index + 1). Messages about a cell read
    ``f"{file_name}, {row_word} {n}, kolonnen «{col}»: …"``."""

    file_name: str
    format: str  # "CSV", "Excel" or "JSON-stat"
    frame: pd.DataFrame
    row_numbers: np.ndarray
    row_word: str  # "rad" (CSV, Excel) or "celle" (JSON-stat)
    sheet: str | None = None  # Excel: the sheet read
    sheets: list[str] = field(default_factory=list)  # Excel: all sheet names
    encoding: str | None = None  # CSV: "UTF-8", "UTF-8 med BOM" or "Windows-1252"
    delimiter: str | None = None  # CSV: ";", "," or "\t"
    notes: list[str] = field(default_factory=list)  # JSON-stat: label, source, updated, notes, extension
    labels: dict[str, dict[str, str]] = field(default_factory=dict)  # JSON-stat: dimension → code → label
    roles: dict[str, list[str]] = field(default_factory=dict)  # JSON-stat: "time"/"geo"/"metric" → dimensions


# --- helpers ----------------------------------------------------------------------------------------

def _fail(message: str, field_name: str = "fil") -> TableFileError:
    return TableFileError([Problem(field_name, message)])


def _limited(problems: list[Problem], file_name: str) -> list[Problem]:
    more = len(problems) - MAX_PROBLEMS
    if more > 0:
        problems = [*problems[:MAX_PROBLEMS], Problem("fil", f"{file_name}: … og {more} til.")]
    return problems


def _raise_all(problems: list[Problem], file_name: str) -> None:
    if problems:
        raise TableFileError(_limited(problems, file_name))


def _size_text(n: int) -> str:
    return f"{n / 1024 / 1024:.1f}".replace(".", ",") + " MB"


def _count_text(n: int) -> str:
    """10000 → «10 000» (Norwegian digit groups)."""
    return f"{n:,}".replace(",", "\u00a0")


def _names_text(names) -> str:
    return ", ".join(f"«{n}»" for n in names)


def _base_name(file_name: str | None) -> str:
    return PurePosixPath((file_name or "").replace("\\", "/")).name or "fila"


def _shown(text: str, limit: int = 40) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit] + "…"


@contextmanager
def _guard(file_name: str):
    """Turns an exception the checks did not foresee, while reading the file, into a
    ``TableFileError`` naming the file: no traceback for a strange file. A Rust panic in calamine is a
    ``BaseException`` (pyo3's ``PanicException``) and is caught too."""
    try:
        yield
    except TableFileError:
        raise
    except MemoryError:
        raise _fail(f"{file_name}: fila er for stor til å leses i minnet. Del den opp, eller lagre den som CSV.") from None
    except Exception as exc:  # any reader's error: the file is at fault
        log.warning("Table file %s: unexpected %s", file_name, type(exc).__name__, exc_info=True)
        raise _fail(f"{file_name}: fila kan ikke leses ({type(exc).__name__}); den er skadet eller har et format "
                    "importen ikke kjenner.") from None
    except BaseException as exc:
        if type(exc).__name__ != "PanicException":
            raise
        log.warning("Table file %s: reader panicked", file_name, exc_info=True)
        raise _fail(f"{file_name}: fila kan ikke leses (leseren stoppet); den er skadet eller har et format "
                    "importen ikke kjenner.") from None


def _check_name_and_size(data: bytes, file_name: str) -> str:
    """The reader ("csv", "excel" or "jsonstat") from the extension; refuses other types and sizes."""
    suffix = PurePosixPath(file_name).suffix.lower()
    if suffix in OTHER_SPREADSHEETS:
        raise _fail(Text("imp.other_spreadsheet", file=file_name, kind=OTHER_SPREADSHEETS[suffix]))
    if suffix not in CSV_SUFFIXES + EXCEL_SUFFIXES + JSONSTAT_SUFFIXES:
        raise _fail(Text("imp.file_type", file=file_name, suffix=f"«{suffix}»" if suffix else Text("imp.no_suffix")))
    if len(data) > MAX_FILE_BYTES:
        raise _fail(Text("imp.file_too_big", file=file_name, size=_size_text(len(data)), limit=MAX_FILE_MB))
    if not data:
        raise _fail(Text("imp.file_empty", file=file_name))
    if suffix in CSV_SUFFIXES:
        return "csv"
    return "excel" if suffix in EXCEL_SUFFIXES else "jsonstat"


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "et PNG-bilde"), (b"\xff\xd8\xff", "et JPEG-bilde"), (b"GIF8", "et GIF-bilde"),
    (b"%PDF", "et PDF-dokument"), (OLE_MAGIC, "en gammel Office-fil (f.eks. Excel 97–2003, .xls) eller en "
                                             "passordbeskyttet Excel-fil"),
    (b"\x1f\x8b", "en gzip-komprimert fil"), (b"7z\xbc\xaf\x27\x1c", "et 7z-arkiv"), (b"Rar!", "et RAR-arkiv"),
    (b"\xff\xfe", "tekst i UTF-16 («Unicode-tekst» fra Excel)"), (b"\xfe\xff", "tekst i UTF-16"),
)
CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\x0b\x0c\x1a")


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
            mimetype = z.read("mimetype")[:100] if "mimetype" in names else b""
    except Exception:  # noqa: BLE001 - a damaged zip is still a zip
        return "en zip-fil (skadet)"
    if "xl/workbook.xml" in names:
        return "en Excel-fil (.xlsx)"
    if "xl/workbook.bin" in names:
        return "en binær Excel-arbeidsbok (.xlsb)"
    if b"opendocument.spreadsheet" in mimetype:
        return "et OpenDocument-regneark (.ods)"
    if "word/document.xml" in names:
        return "et Word-dokument (.docx)"
    if any(n.startswith("ppt/") for n in names):
        return "en PowerPoint-fil (.pptx)"
    return "en zip-fil"


def _looks_like(data: bytes) -> str | None:
    """What the content looks like when it is not plain text (Norwegian, «et PNG-bilde»), else None."""
    for magic, text in MAGIC:
        if data.startswith(magic):
            return text
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _zip_kind(data)
    if b"\x00" in data:
        return "binære data"
    head = data[:SNIFF_BYTES]
    controls = len(head) - len(head.translate(None, CONTROL_BYTES))
    if controls > max(2, len(head) // 100):
        return "binære data"
    return None


def _text_kind(text: str) -> str | None:
    """What a text that should be CSV looks like when it is clearly something else."""
    start = text[:2000].lstrip().lower()
    if start.startswith(("<!doctype html", "<html")):
        return "en nettside (HTML)"
    if start.startswith("<?xml"):
        if "urn:schemas-microsoft-com:office:spreadsheet" in text[:5000]:
            return "et Excel 2003-XML-regneark"
        return "XML"
    if start.startswith("{"):
        return "JSON-stat" if '"dimension"' in text[:SNIFF_BYTES] or '"class"' in text[:SNIFF_BYTES] else "JSON"
    return None


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _blank_matrix(frame: pd.DataFrame) -> np.ndarray:
    """For every cell, whether it is missing, empty or whitespace (rows × columns)."""
    if all(pd.api.types.is_object_dtype(dtype) for dtype in frame.dtypes):
        return _blank_cells(frame.to_numpy(dtype=object))
    out = np.empty(frame.shape, dtype=bool)
    for col in range(frame.shape[1]):
        s = frame.iloc[:, col]
        if pd.api.types.is_object_dtype(s.dtype):
            out[:, col] = _blank_cells(s.to_numpy(dtype=object))
        else:
            out[:, col] = (s.isna() | s.str.isspace().fillna(False)).to_numpy(dtype=bool)
    return out


_is_blank = np.frompyfunc(lambda v: v is None or (isinstance(v, str) and (not v or v.isspace())), 1, 1)


def _blank_cells(values: np.ndarray) -> np.ndarray:
    return _is_blank(values).astype(bool) if values.size else np.zeros(values.shape, dtype=bool)


def _header_index(counts: list[int]) -> int | None:
    """Which of the first rows is the header, from their counts of non-empty cells: the first whose
    count is at least half the widest of the first ``HEADER_WINDOW`` non-empty rows and at least 2;
    when no row has two cells, the first non-empty one."""
    nonblank = [i for i, c in enumerate(counts) if c > 0][:HEADER_WINDOW]
    if not nonblank:
        return None
    widest = max(counts[i] for i in nonblank)
    if widest < 2:
        return nonblank[0]
    need = max(2.0, widest / 2)
    return next(i for i in nonblank if counts[i] >= need)


def _column_letter(index: int) -> str:
    """0 → A, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _header_text(value) -> str:
    """A header cell as a name: stripped of whitespace and BOM; 2019.0 → «2019»; a date → ISO."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value == dt.datetime.combine(value.date(), dt.time()):
        return value.date().isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).replace("\ufeff", "").strip()


def _named_columns(names: list[str], has_data: np.ndarray, file_name: str, where: str,
                   column_word) -> tuple[list[int], list[Problem]]:
    """The columns to keep (those with a name; nameless ones without data are dropped) and the
    problems: a nameless column with data, a name that occurs twice."""
    keep, problems = [], []
    seen: dict[str, list[int]] = {}
    for i, name in enumerate(names):
        if not name:
            if has_data[i]:
                problems.append(Problem("fil", f"{file_name}, {where}: {column_word(i)} har ikke noe navn i "
                                               "overskriftsraden, men har verdier. Gi kolonnen et navn eller slett den."))
            continue
        keep.append(i)
        seen.setdefault(name, []).append(i)
    for name, where_at in seen.items():
        if len(where_at) > 1:
            shown = " og ".join(column_word(i) for i in where_at)
            problems.append(Problem(name, f"{file_name}, {where}: kolonnenavnet «{name}» står flere ganger i "
                                          f"overskriftsraden ({shown}). Gi kolonnene ulike navn."))
    return keep, problems


# --- the entry point --------------------------------------------------------------------------------

def read_table(data: bytes, file_name: str, *, sheet: str | None = None) -> RawTable:
    """Read a CSV, Excel (.xlsx) or JSON-stat 2.0 file (see the module's docstring). ``sheet`` chooses
    an Excel file's sheet. Raises ``TableFileError`` (Norwegian messages naming the file, row and
    column) for a file that cannot be read; never anything else for a bad file."""
    file_name = _base_name(file_name)
    data = bytes(data)
    kind = _check_name_and_size(data, file_name)
    with _guard(file_name):
        if kind == "csv":
            return _read_csv(data, file_name)
        if kind == "excel":
            return _read_excel(data, file_name, sheet)
        return _read_jsonstat(data, file_name)


# --- CSV --------------------------------------------------------------------------------------------

MOJIBAKE = re.compile("Ã[\u00a6\u00b8\u00a5\u2020\u02dc\u2026\u00a9\u00a4\u00b6\u00bc]")


def _decode(data: bytes, file_name: str) -> tuple[str, str, int]:
    """(the whole text, the encoding's name for users, the number of BOM bytes)."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[3:].decode("utf-8"), "UTF-8 med BOM", 3
        except UnicodeDecodeError as exc:
            raise _fail(f"{file_name}, linje {_line_of(data, exc.start + 3)}: fila begynner som UTF-8 (med BOM), men "
                        "har tegn som ikke er gyldig UTF-8. Lagre den på nytt som «CSV UTF-8».") from None
    try:
        return data.decode("utf-8"), "UTF-8", 0
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise _fail(f"{file_name}, linje {_line_of(data, exc.start)}: tegnkodingen er ukjent (fila er verken UTF-8 "
                    "eller Windows-1252). Lagre den som «CSV UTF-8».") from None
    if MOJIBAKE.search(text):
        raise _fail(f"{file_name}, linje {_line_of(data, first_bad)}: fila har blandet tegnkoding (noe er UTF-8, noe "
                    "ikke), så æ, ø og å kan ikke leses sikkert. Lagre den på nytt som «CSV UTF-8».")
    return text, "Windows-1252", 0


def _records(text: str, delimiter: str, limit: int = 60) -> list[tuple[int, list[str]]]:
    """The first records of ``text`` by Python's csv rules: (the physical line it starts on, fields);
    a blank line is a record with no fields."""
    out = []
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, quotechar='"', doublequote=True, strict=False)
    line = 1
    try:
        for fields in reader:
            out.append((line, fields))
            line = reader.line_num + 1
            if len(out) >= limit:
                break
    except csv.Error:  # e.g. a field larger than the csv module allows: what was read is enough
        pass
    return out


def _sniff(head: str, truncated: bool, file_name: str) -> tuple[str, int, int]:
    """(delimiter, the header's record index, the header's physical line) from the file's head."""
    best = None
    for priority, delimiter in enumerate(DELIMITERS):
        records = _records(head, delimiter)
        if truncated and len(records) > 1:
            records = records[:-1]  # the last one may be cut off
        counts = [sum(1 for f in fields if f.strip()) for _line, fields in records]
        h = _header_index(counts)
        if h is None:
            continue
        n_fields = len(records[h][1])
        following = [len(f) for _line, f in records[h + 1:] if any(x.strip() for x in f)][:HEADER_WINDOW]
        agree = sum(1 for n in following if n == n_fields) / len(following) if following else 1.0
        # a delimiter that splits the header, agreed by the data lines, with the header earliest (a
        # decimal comma must not make a data line look like the header), then the widest header
        key = (n_fields >= 2, round(agree, 2), -h, counts[h], -priority)
        if best is None or key > best[0]:
            best = (key, delimiter, h, records[h][0])
    if best is None:
        raise _fail(Text("imp.file_blank", file=file_name))
    _key, delimiter, h, line = best
    if not _key[0]:
        delimiter = "\t" if file_name.lower().endswith(".tsv") else ";"
    return delimiter, h, line


BAD_LINE = re.compile(r"Skipping line (\d+): expected (\d+) fields, saw (\d+)")
EOF_IN_QUOTES = re.compile(r"EOF inside string starting at row (\d+)")


def _read_csv(data: bytes, file_name: str) -> RawTable:
    kind = _looks_like(data)
    if kind is not None:
        hint = ""
        if "Excel-fil (.xlsx)" in kind:
            hint = Text("imp.hint_xlsx_suffix")
        elif "UTF-16" in kind:
            hint = Text("imp.hint_utf16")
        elif "Office" in kind or "regneark" in kind or "arbeidsbok" in kind:
            hint = Text("imp.hint_office")
        raise _fail(Text("imp.not_csv", file=file_name, kind=kind, hint=hint))
    text, encoding, bom = _decode(data, file_name)
    kind = _text_kind(text)
    if kind is not None:
        hint = Text("imp.hint_json_suffix") if kind.startswith("JSON") else ""
        raise _fail(Text("imp.not_csv", file=file_name, kind=kind, hint=hint))
    if not text.strip():
        raise _fail(Text("imp.file_blank", file=file_name))
    truncated = len(text) > SNIFF_BYTES
    head = text[:SNIFF_BYTES]
    if truncated and "\n" in head:
        head = head[:head.rindex("\n") + 1]
    delimiter, header_record, header_line = _sniff(head, truncated, file_name)
    del text, head

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            frame = pd.read_csv(
                io.BytesIO(data), sep=delimiter, header=None, skiprows=header_record, dtype=str,
                keep_default_na=False, na_values=[""], skip_blank_lines=False, on_bad_lines="warn", engine="c",
                quotechar='"', doublequote=True, encoding="cp1252" if encoding == "Windows-1252" else "utf-8")
        except pd.errors.ParserError as exc:
            m = EOF_IN_QUOTES.search(str(exc))
            if not m:
                raise
            line = _physical_lines(data, encoding, bom, delimiter, [int(m.group(1)) + 1])[0]
            raise _fail(f"{file_name}, linje {line}: et felt begynner med anførselstegn («\"») som aldri avsluttes. "
                        "Fjern anførselstegnet eller sett et til der feltet slutter.") from None
    bad = [tuple(map(int, m.groups())) for w in caught for m in BAD_LINE.finditer(str(w.message))]
    if bad:
        lines = _physical_lines(data, encoding, bom, delimiter, [k for k, _e, _s in bad[:MAX_PROBLEMS]])
        name = DELIMITER_NAMES[delimiter]
        problems = [Problem("fil", f"{file_name}, linje {line}: raden har {saw} felt, men overskriftsraden har "
                                   f"{expected} (skilt med {name}). Har raden et skilletegn for mye, eller et "
                                   "desimalkomma i et tall uten anførselstegn?")
                    for line, (_k, expected, saw) in zip(lines, bad[:MAX_PROBLEMS], strict=True)]
        if len(bad) > MAX_PROBLEMS:
            problems.append(Problem("fil", f"{file_name}: … og {len(bad) - MAX_PROBLEMS} til."))
        raise TableFileError(problems)

    header = frame.iloc[0].tolist()
    names = [_header_text(v) for v in header]
    header_breaks = sum(v.count("\n") for v in header if isinstance(v, str))
    body = frame.iloc[1:].reset_index(drop=True)
    del frame
    numbers = _csv_row_numbers(data, body, header_line + header_breaks)
    return _finish_frame(body, names, numbers, file_name, "CSV", Text("imp.where_line", line=header_line),
                         lambda i: f"kolonne {i + 1}", encoding=encoding, delimiter=delimiter)


def _csv_row_numbers(data: bytes, body: pd.DataFrame, header_end: int) -> np.ndarray:
    """Each body row's physical line: the line the header ends on + the row's position, plus the line
    breaks inside quoted fields of the rows above it (looked for only when the file has more lines
    than rows)."""
    n = len(body)
    numbers = header_end + 1 + np.arange(n, dtype=np.int64)
    lines_in_file = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if lines_in_file == header_end + n or b'"' not in data or not n:
        return numbers
    extra = np.zeros(n, dtype=np.int64)
    for col in range(body.shape[1]):
        extra += body.iloc[:, col].str.count("\n").fillna(0).to_numpy(dtype=np.int64)
    numbers += np.concatenate([[0], np.cumsum(extra)[:-1]])
    return numbers


def _physical_lines(data: bytes, encoding: str, bom: int, delimiter: str, records: list[int]) -> list[int]:
    """The physical lines where the given records (1-based, counted from the file's start as pandas
    counts them) start, by reading the file again with Python's csv module (only on the error path)."""
    if b'"' not in data:
        return records
    wanted = set(records)
    found: dict[int, int] = {}
    text = data[bom:].decode("cp1252" if encoding == "Windows-1252" else "utf-8")
    reader = csv.reader(io.StringIO(text), quotechar='"', doublequote=True, strict=False, delimiter=delimiter)
    line, number = 1, 0
    try:
        for _fields in reader:
            number += 1
            if number in wanted:
                found[number] = line
                if len(found) == len(wanted):
                    break
            line = reader.line_num + 1
    except csv.Error:
        pass
    return [found.get(r, r) for r in records]


def _finish_frame(body: pd.DataFrame, names: list[str], numbers: np.ndarray, file_name: str, fmt: str,
                  header_where: str, column_word, **extra) -> RawTable:
    """The common end of CSV and Excel: name the columns, drop nameless empty columns and blank rows
    (keeping the row numbers), refuse nameless columns with data, duplicate names and no data."""
    blank = _blank_matrix(body)
    blank_rows = blank.all(axis=1)
    has_data = ~blank.all(axis=0)
    del blank
    if len(names) < body.shape[1]:
        names = names + [""] * (body.shape[1] - len(names))
    keep, problems = _named_columns(names, has_data, file_name, header_where, column_word)
    _raise_all(problems, file_name)
    if not keep:
        raise _fail(Text("imp.no_header", file=file_name))
    rows = ~blank_rows
    frame = body.iloc[rows, keep] if not rows.all() else body.iloc[:, keep]
    frame = frame.reset_index(drop=True)
    frame.columns = [names[i] for i in keep]
    if frame.empty:
        raise _fail(Text("imp.no_rows", file=file_name, where=header_where))
    return RawTable(file_name=file_name, format=fmt, frame=frame, row_numbers=np.asarray(numbers)[rows],
                    row_word="rad", **extra)


# --- Excel ------------------------------------------------------------------------------------------

@dataclass
class _SheetScan:
    """What a sheet's XML says that calamine does not (see ``_scan_sheet``)."""

    max_row: int = 0
    row_tags: int = 0
    multi_col: int = 0  # the widest column named by two or three letters (AA…), else 0
    missing: list[str] = field(default_factory=list)  # the first cells with a formula and no cached value
    n_missing: int = 0
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col), 0-based → «#DIV/0!»


class _Patterns:
    def __init__(self, prefix: bytes):
        p = re.escape(prefix)
        self.prefix = prefix
        self.row_end = b"</" + prefix + b"row>"
        self.row_open = b"<" + prefix + b"row"
        self.row_r = re.compile(rb"<" + p + rb'row r="([0-9]{1,10})"')
        self.formula = re.compile(rb"<" + p + rb"f[ >/]")
        self.cell_open = (b"<" + prefix + b"c ", b"<" + prefix + b"c>")
        self.cell_end = b"</" + prefix + b"c>"
        self.value = re.compile(rb"<" + p + rb"v(?:\s[^>]*)?>([^<]*)<")
        self.has_value = b"<" + prefix + b"v"
        self.inline = b"<" + prefix + b"is>"


PREFIX = re.compile(rb"<([A-Za-z_][\w.-]*:)?(?:sheetData|worksheet)\b")
MULTI_COLUMN = re.compile(rb' r="([A-Z]{2,3})[0-9]')
FAR_ROW = re.compile(rb' r="[A-Z]{1,3}([0-9]{7,})"')
CELL_REF = re.compile(rb' r="([A-Z]{1,3}[0-9]{1,9})"')
ERROR_TYPE = re.compile(rb' t="e"')


def _read_excel(data: bytes, file_name: str, sheet: str | None) -> RawTable:
    if not data.startswith(b"PK"):
        kind = _looks_like(data) or _text_kind(data[:SNIFF_BYTES].decode("utf-8", "replace")) or "tekst eller ukjent innhold"
        hint = Text("imp.hint_office_password") if "Office" in kind or "regneark" in kind else ""
        raise _fail(Text("imp.not_xlsx", file=file_name, kind=kind, hint=hint))
    kind = _zip_kind(data)
    if kind != "en Excel-fil (.xlsx)":
        hint = Text("imp.hint_resave") if "regneark" in kind or "arbeidsbok" in kind else ""
        raise _fail(Text("imp.not_xlsx", file=file_name, kind=kind, hint=hint))
    import python_calamine

    try:
        return _read_workbook(data, file_name, sheet, python_calamine)
    except (zipfile.BadZipFile, zlib.error, EOFError, python_calamine.CalamineError) as exc:
        log.info("Excel file %s: damaged (%s)", file_name, exc)
        raise _fail(f"{file_name}: Excel-fila er skadet (innholdet kan ikke pakkes ut eller leses). Åpne den i Excel "
                    "og lagre den på nytt, eller lagre dataene som «CSV UTF-8».") from None


def _read_workbook(data: bytes, file_name: str, sheet: str | None, python_calamine) -> RawTable:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = _sheet_parts(archive, file_name)
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        meta = {m.name: m for m in book.sheets_metadata}
        names = list(book.sheet_names)
        loaded: dict[str, tuple[_SheetScan, object]] = {}

        def load(name: str):
            """The sheet's scan and calamine's sheet; the scan first, so that calamine never loads a
            range too large to allocate."""
            if name not in loaded:
                scan = _scan_sheet(archive, parts, name, file_name)
                loaded[name] = (scan, book.get_sheet_by_name(name))
            return loaded[name]

        chosen = _choose_sheet(names, meta, sheet, load, file_name)
        scan, calamine_sheet = load(chosen)
        _refuse_missing_values(scan, chosen, file_name)
        rows = calamine_sheet.to_python(skip_empty_area=True)
        start = calamine_sheet.start
    if not rows or start is None:
        raise _fail(f"{file_name}: arket «{chosen}» er tomt.")
    row0, col0 = int(start[0]), int(start[1])
    for (r, c), text in scan.errors.items():
        if 0 <= r - row0 < len(rows) and 0 <= c - col0 < len(rows[r - row0]):
            rows[r - row0][c - col0] = text
    return _excel_frame(rows, row0, col0, chosen, names, file_name)


def _refuse_missing_values(scan: _SheetScan, sheet: str, file_name: str) -> None:
    if scan.n_missing:
        cells = ", ".join(scan.missing) + (" …" if scan.n_missing > len(scan.missing) else "")
        raise _fail(Text("imp.formulas", file=file_name, sheet=sheet, n=_count_text(scan.n_missing),
                         cells=Text("imp.cell_one" if scan.n_missing == 1 else "imp.cell_many"), refs=cells))


def _choose_sheet(names: list[str], meta: dict, sheet: str | None, load, file_name: str) -> str:
    """The sheet named by ``sheet``, else the only visible worksheet with data that is not an
    explanation sheet."""
    def is_worksheet(name: str) -> bool:
        return "Work" in str(getattr(meta.get(name), "typ", "WorkSheet"))

    if sheet is not None:
        wanted = str(sheet).strip()
        match = [n for n in names if n == wanted] or [n for n in names if n.strip().casefold() == wanted.casefold()]
        if not match:
            raise _fail(f"{file_name}: arket «{wanted}» finnes ikke. Arkene er: {_names_text(names)}.", "ark")
        if not is_worksheet(match[0]):
            raise _fail(f"{file_name}: arket «{match[0]}» er ikke et regneark (det er et diagram eller lignende).", "ark")
        return match[0]
    candidates = [n for n in names if is_worksheet(n)
                  and "Hidden" not in str(getattr(meta.get(n), "visible", ""))
                  and n.strip().casefold() not in EXPLANATION_SHEETS]
    with_data = [n for n in candidates if _has_data(load(n)[1])]
    if len(with_data) == 1:
        return with_data[0]
    if len(with_data) > 1:
        raise _fail(f"{file_name}: fila har flere ark med data ({_names_text(with_data)}). Velg hvilket ark som skal "
                    "leses.", "ark")
    for name in candidates:  # a sheet of formulas without values looks empty to calamine
        _refuse_missing_values(load(name)[0], name, file_name)
    others = [n for n in names if n not in candidates]
    if others:
        raise _fail(f"{file_name}: fila har ingen ark med data utenom {_names_text(others)} (forklaringsark, skjulte "
                    "ark og diagrammer velges ikke av seg selv). Velg arket som skal leses, eller legg dataene i et "
                    "eget ark.", "ark")
    raise _fail(f"{file_name}: fila er tom (ingen ark har data).")


def _has_data(calamine_sheet) -> bool:
    if calamine_sheet.start is None or not calamine_sheet.height:
        return False
    first = calamine_sheet.to_python(skip_empty_area=True, nrows=1)
    return bool(first) and any(v not in ("", None) for v in first[0])


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _read_part(archive: zipfile.ZipFile, name: str, limit: int, file_name: str) -> bytes:
    info = archive.getinfo(name)
    too_big = f"{file_name}: {name} i Excel-fila er for stor når den pakkes ut (fila er skadet)."
    if info.file_size > limit:
        raise _fail(too_big)
    with archive.open(info) as stream:
        out = stream.read(limit + 1)
    if len(out) > limit:
        raise _fail(too_big)
    return out


def _sheet_parts(archive: zipfile.ZipFile, file_name: str) -> dict[str, str]:
    """Sheet name → its part in the zip (e.g. xl/worksheets/sheet1.xml), from xl/workbook.xml and its
    relationships (namespaces ignored: transitional and strict OOXML alike)."""
    workbook = ET.fromstring(_read_part(archive, "xl/workbook.xml", MAX_SMALL_PART_BYTES, file_name))
    targets: dict[str, str] = {}
    if "xl/_rels/workbook.xml.rels" in set(archive.namelist()):
        rels = ET.fromstring(_read_part(archive, "xl/_rels/workbook.xml.rels", MAX_SMALL_PART_BYTES, file_name))
        for rel in rels.iter():
            if _local(rel.tag) == "Relationship" and rel.get("Id") and rel.get("Target"):
                target = rel.get("Target").replace("\\", "/")
                path = target.lstrip("/") if target.startswith("/") else "xl/" + target
                resolved: list[str] = []
                for piece in path.split("/"):
                    if piece == "..":
                        if resolved:
                            resolved.pop()
                    elif piece and piece != ".":
                        resolved.append(piece)
                targets[rel.get("Id")] = "/".join(resolved)
    out = {}
    for element in workbook.iter():
        if _local(element.tag) == "sheet" and element.get("name") is not None:
            rid = next((v for k, v in element.attrib.items() if _local(k) == "id"), None)
            if rid in targets:
                out[element.get("name")] = targets[rid]
    return out


def _column_number(letters: bytes) -> int:
    """b"A" → 1, b"AA" → 27."""
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def _cell_position(ref: bytes) -> tuple[int, int] | None:
    """b"C5" → (4, 2): 0-based (row, column)."""
    m = re.fullmatch(rb"([A-Z]{1,3})([0-9]{1,9})", ref)
    return (int(m.group(2)) - 1, _column_number(m.group(1)) - 1) if m else None


def _sheet_stream(archive: zipfile.ZipFile, parts: dict[str, str], sheet: str, file_name: str):
    """The sheet's XML in pieces that end after a whole row (``</row>``), and the element prefix."""
    part = parts.get(sheet)
    if part is None or part not in set(archive.namelist()):
        raise _fail(f"{file_name}: arket «{sheet}» mangler i Excel-fila (fila er skadet). Åpne og lagre den i Excel.")
    info = archive.getinfo(part)
    too_big = (f"{file_name}: arket «{sheet}» er for stort når det pakkes ut (over "
               f"{MAX_SHEET_XML_BYTES // 1024 ** 3} GB XML). Lagre dataene som CSV.")
    if info.file_size > MAX_SHEET_XML_BYTES:
        raise _fail(too_big)
    with archive.open(info) as stream:
        buf, total, patterns = b"", 0, None
        while True:
            chunk = stream.read(SCAN_CHUNK)
            total += len(chunk)
            if total > MAX_SHEET_XML_BYTES:
                raise _fail(too_big)
            buf += chunk
            if patterns is None:
                m = PREFIX.search(buf)
                patterns = _Patterns((m.group(1) or b"") if m else b"")
            if chunk:
                cut = buf.rfind(patterns.row_end)
                if cut < 0:
                    if len(buf) < 4 * SCAN_CHUNK:
                        continue
                    cut = buf.rfind(b">")  # no row ends (a strange file): cut between tags
                else:
                    cut += len(patterns.row_end)
            else:
                cut = len(buf)
            piece, buf = buf[:cut], buf[cut:]
            yield piece, patterns
            if not chunk:
                return


def _scan_sheet(archive: zipfile.ZipFile, parts: dict[str, str], sheet: str, file_name: str) -> _SheetScan:
    """What calamine does not say about a sheet, from its XML streamed out of the zip: the used
    range's bound (refused above ``MAX_SHEET_CELLS``, before calamine allocates it), the cells with a
    formula and no cached value, and the error values («#DIV/0!», which calamine reads as empty).
    Cell references are found as `` r="C5"`` (every writer puts one space before an attribute)."""
    scan = _SheetScan()
    for piece, p in _sheet_stream(archive, parts, sheet, file_name):
        rows_here = p.row_r.findall(piece)
        if rows_here:
            scan.max_row = max(scan.max_row, max(map(int, rows_here)))
        else:  # rows without r="…" are numbered in order
            scan.row_tags += piece.count(p.row_open)
        for letters in MULTI_COLUMN.findall(piece):
            scan.multi_col = max(scan.multi_col, _column_number(letters))
        for far in FAR_ROW.findall(piece):
            scan.max_row = max(scan.max_row, int(far))
        for m in p.formula.finditer(piece):
            start = max(piece.rfind(p.cell_open[0], 0, m.start()), piece.rfind(p.cell_open[1], 0, m.start()))
            end = piece.find(p.cell_end, m.start())
            if start < 0 or end < 0:
                continue
            cell = piece[start:end]
            open_tag = cell[:cell.find(b">") + 1]
            value = p.value.search(cell)
            if (value and value.group(1).strip()) or (b' t="str"' in open_tag and p.has_value in cell) \
                    or p.inline in cell:
                continue
            scan.n_missing += 1
            if len(scan.missing) < 10:
                ref = CELL_REF.search(open_tag)
                scan.missing.append(ref.group(1).decode() if ref else "uten adresse")
        for m in ERROR_TYPE.finditer(piece):
            start = max(piece.rfind(p.cell_open[0], 0, m.start()), piece.rfind(p.cell_open[1], 0, m.start()))
            if start < 0 or piece.find(b">", start) < m.start():
                continue  # not in a cell's start tag
            end = piece.find(p.cell_end, m.start())
            ref = CELL_REF.search(piece, start, m.start() + 8)
            value = p.value.search(piece, start, end) if end > 0 else None
            position = _cell_position(ref.group(1)) if ref else None
            if position and value:
                scan.errors[position] = value.group(1).decode("utf-8", "replace").strip() or "#FEIL"
    max_row = max(scan.max_row, scan.row_tags)
    max_col = scan.multi_col or 26
    if max_row * max_col > MAX_SHEET_CELLS and not scan.multi_col:
        max_col = _single_letter_columns(archive, parts, sheet, file_name)
    if max_row * max_col > MAX_SHEET_CELLS:
        raise _fail(f"{file_name}: arket «{sheet}» går over {_count_text(max_row)} rader og {_count_text(max_col)} "
                    f"kolonner (til celle {_column_letter(max_col - 1)}{max_row}); høyst {_count_text(MAX_SHEET_CELLS)} "
                    "celler kan leses. Slett innhold langt ute i arket (tomme rader og kolonner), eller lagre dataene "
                    "som CSV.")
    return scan


def _single_letter_columns(archive: zipfile.ZipFile, parts: dict[str, str], sheet: str, file_name: str) -> int:
    """The widest column (1–26) of a sheet whose columns are all single letters; read again only for
    very long sheets, where the bound with 26 columns would be too large."""
    widest = 1
    for piece, _p in _sheet_stream(archive, parts, sheet, file_name):
        for number in range(26, widest, -1):
            if piece.find(b' r="' + bytes([64 + number])) >= 0:
                widest = number
                break
    return widest


def _excel_frame(rows: list[list], row0: int, col0: int, sheet: str, sheets: list[str], file_name: str) -> RawTable:
    width = max(len(r) for r in rows)
    if any(len(r) != width for r in rows):
        rows = [list(r) + [""] * (width - len(r)) for r in rows]
    grid = np.empty((len(rows), width), dtype=object)
    grid[:] = rows
    del rows
    head = HEADER_WINDOW * 5
    h = _header_index((~_blank_cells(grid[:head])).sum(axis=1).tolist())
    if h is None and len(grid) > head:  # a hundred blank rows first: look at them all
        h = _header_index((~_blank_cells(grid)).sum(axis=1).tolist())
    if h is None:
        raise _fail(f"{file_name}: arket «{sheet}» er tomt.")
    names = [_header_text(v) for v in grid[h].tolist()]
    body = grid[h + 1:]
    body[body == ""] = None
    frame = pd.DataFrame(body, dtype=object)
    numbers = row0 + h + 2 + np.arange(len(body), dtype=np.int64)
    header_where = Text("imp.where_sheet_row", sheet=sheet, row=row0 + h + 1)
    return _finish_frame(frame, names, numbers, file_name, "Excel", header_where,
                         lambda i: f"kolonne {_column_letter(col0 + i)}", sheet=sheet, sheets=list(sheets))


# --- JSON-stat --------------------------------------------------------------------------------------

def _read_jsonstat(data: bytes, file_name: str) -> RawTable:
    kind = _looks_like(data)
    if kind is not None:
        raise _fail(f"{file_name}: fila er ikke en JSON-fil (innholdet ser ut som {kind}).")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _fail(f"{file_name}, linje {_line_of(data, exc.start)}: innholdet er ikke tekst i UTF-8, så det er ikke "
                    "JSON-stat.") from None
    stripped = text.lstrip()
    if not stripped.startswith(("{", "[")):
        kind = _text_kind(text)
        what = f"innholdet ser ut som {kind}" if kind else f"den begynner med «{_shown(stripped, 30)}»"
        raise _fail(f"{file_name}: fila er ikke JSON ({what}). JSON-stat-filer begynner med «{{».")
    try:
        doc = json.loads(text)
    except RecursionError:
        raise _fail(f"{file_name}: innholdet er nestet for dypt (hundrevis av lister eller objekter inni hverandre), "
                    "så det er ikke JSON-stat.") from None
    except json.JSONDecodeError as exc:
        raise _fail(f"{file_name}: innholdet er ikke gyldig JSON (linje {exc.lineno}, tegn {exc.colno}), så det er "
                    "ikke JSON-stat.") from None
    del text
    datasets, notes = _datasets(doc, file_name)
    frames, all_numbers = [], []
    labels: dict[str, dict[str, str]] = {}
    roles: dict[str, list[str]] = {}
    offset = 0
    for number, (where, ds) in enumerate(datasets, start=1):
        frame, ds_labels, ds_roles, ds_notes = _dataset(ds, where, file_name, offset)
        if len(datasets) > 1:
            frame["dataset"] = str(ds.get("label") or f"datasett {number}")
        frames.append(frame)
        all_numbers.append(offset + 1 + np.arange(len(frame), dtype=np.int64))
        offset += len(frame)
        for dim, mapping in ds_labels.items():
            labels.setdefault(dim, {}).update(mapping)
        for role, dims in ds_roles.items():
            roles.setdefault(role, [])
            roles[role] += [d for d in dims if d not in roles[role]]
        notes += ds_notes
    if offset == 0:
        raise _fail(f"{file_name}: fila har ingen datarader (datasettet har ingen celler).")
    frame = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    if len(frames) > 1:
        ordered = [c for c in frame.columns if c not in JSONSTAT_COLUMNS] + ["value", "status", "dataset"]
        frame = frame[ordered]
    return RawTable(file_name=file_name, format="JSON-stat", frame=frame, row_numbers=np.concatenate(all_numbers),
                    row_word="celle", notes=notes, labels=labels, roles=roles)


def _datasets(doc, file_name: str) -> tuple[list[tuple[str, dict]], list[str]]:
    """The datasets to read, each with how messages name it, and the collection's notes."""
    not_jsonstat = (f"{file_name}: fila er JSON, men ikke JSON-stat 2.0 (den må ha \"class\": \"dataset\" eller "
                    "\"class\": \"collection\"). Last ned tabellen som JSON-stat 2.0 (i SSBs og FHIs statistikkbank: "
                    "«JSON-stat2»).")
    if not isinstance(doc, dict):
        raise _fail(not_jsonstat)
    cls = doc.get("class")
    if cls == "dataset":
        return [(file_name, doc)], []
    if cls == "collection":
        link = doc.get("link")
        items = link.get("item") if isinstance(link, dict) else None
        if not isinstance(items, list) or not items:
            raise _fail(f"{file_name}: JSON-stat-samlingen (collection) har ingen datasett i «link.item».")
        out = []
        for number, item in enumerate(items, start=1):
            label = item.get("label") if isinstance(item, dict) else None
            where = f"{file_name}, datasett {number}" + (f" («{_shown(label)}»)" if isinstance(label, str) else "")
            if not isinstance(item, dict) or item.get("class") != "dataset":
                raise _fail(f"{where}: elementet i samlingen er ikke et datasett (\"class\": \"dataset\").")
            if "value" not in item and "href" in item:
                raise _fail(f"{where}: samlingen har bare en lenke til datasettet, ikke dataene. Last ned datasettet "
                            "selv som JSON-stat 2.0.")
            out.append((where, item))
        return out, _notes(doc)
    if cls is None and doc and all(isinstance(v, dict) and "dimension" in v for v in doc.values()):
        raise _fail(f"{file_name}: fila er JSON-stat 1.0, som ikke kan leses. Last ned tabellen som JSON-stat 2.0.")
    raise _fail(not_jsonstat)


def _notes(obj: dict) -> list[str]:
    """The text worth keeping with the source: label, source, updated, note and extension."""
    out = []
    for key, word in (("label", "Tittel"), ("source", "Kilde"), ("updated", "Oppdatert")):
        if isinstance(obj.get(key), str | int | float) and not isinstance(obj.get(key), bool) and str(obj[key]).strip():
            out.append(f"{word}: {str(obj[key]).strip()}")
    note = obj.get("note")
    for text in ([note] if isinstance(note, str) else note if isinstance(note, list) else []):
        if isinstance(text, str) and text.strip():
            out.append(f"Merknad: {text.strip()}")
    if "extension" in obj and obj["extension"] not in (None, {}, []):
        out.append("Utvidelse (extension): " + json.dumps(obj["extension"], ensure_ascii=False, separators=(",", ":"),
                                                          default=str))
    return out


def _is_count(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def _dataset(ds: dict, where: str, file_name: str, offset: int):
    """(frame, labels, roles, notes) of one JSON-stat dataset; ``offset`` is the cells before it (a
    collection's cell numbers run on)."""
    ids, sizes, dims = ds.get("id"), ds.get("size"), ds.get("dimension")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise _fail(f"{where}: JSON-stat-datasettet mangler «id» (lista over dimensjonene, som tekst).")
    if not isinstance(sizes, list) or not all(_is_count(s) for s in sizes):
        raise _fail(f"{where}: JSON-stat-datasettet mangler «size» (antall kategorier i hver dimensjon, som hele tall).")
    if len(sizes) != len(ids):
        raise _fail(f"{where}: «size» har {len(sizes)} tall, men «id» har {len(ids)} dimensjoner.")
    if len(set(ids)) != len(ids):
        raise _fail(f"{where}: «id» nevner samme dimensjon flere ganger.")
    if not isinstance(dims, dict):
        raise _fail(f"{where}: JSON-stat-datasettet mangler «dimension».")
    problems = []
    for dim_id in ids:
        if dim_id in JSONSTAT_COLUMNS:
            problems.append(Problem(dim_id, f"{where}: dimensjonen «{dim_id}» har samme navn som en av kolonnene "
                                            "importen lager (value, status, dataset)."))
        elif dim_id not in dims or not isinstance(dims[dim_id], dict):
            problems.append(Problem(dim_id, f"{where}: dimensjonen «{dim_id}» står i «id», men ikke i «dimension»."))
    _raise_all(problems, file_name)
    n = 1
    for s in sizes:
        n *= s
    if n > MAX_JSONSTAT_CELLS:
        raise _fail(f"{where}: datasettet har {_count_text(n)} celler ({' × '.join(map(str, sizes))}); høyst "
                    f"{_count_text(MAX_JSONSTAT_CELLS)} kan leses. Last ned et mindre utvalg.")
    columns: dict[str, object] = {}
    labels: dict[str, dict[str, str]] = {}
    notes = _notes(ds)
    stride = n
    for dim_id, size in zip(ids, sizes, strict=True):
        codes, dim_labels = _categories(dims[dim_id], dim_id, size, where, file_name)
        labels[dim_id] = dim_labels
        unit = dims[dim_id].get("category", {}).get("unit") if isinstance(dims[dim_id].get("category"), dict) else None
        if isinstance(unit, dict) and unit:
            notes.append(f"Enhet («{dim_id}»): " + json.dumps(unit, ensure_ascii=False, separators=(",", ":"),
                                                              default=str))
        stride //= size or 1
        positions = (np.arange(n, dtype=np.int64) // max(stride, 1)) % max(size, 1)
        columns[dim_id] = pd.Series(np.asarray(codes, dtype=object)[positions] if n else [], dtype="str")
    values, symbols = _values(ds.get("value"), n, where, file_name, offset)
    status = _statuses(ds.get("status"), n, where, file_name)
    if symbols is not None:  # «..» in value itself: kept as the cell's status
        fill = np.array([s is None for s in status], dtype=bool) & np.array([s is not None for s in symbols], dtype=bool)
        status[fill] = symbols[fill]
    columns["value"] = values
    columns["status"] = pd.Series(status, dtype=object)
    frame = pd.DataFrame(columns)
    return frame, labels, _roles(ds, ids), notes


def _categories(dim: dict, dim_id: str, size: int, where: str, file_name: str) -> tuple[list[str], dict[str, str]]:
    """A dimension's codes in order, and its labels (code → label, as the file gives them)."""
    here = f"{where}, dimensjonen «{dim_id}»"
    category = dim.get("category")
    if not isinstance(category, dict):
        raise _fail(f"{here}: mangler «category».", dim_id)
    index, label = category.get("index"), category.get("label")
    if label is not None and not isinstance(label, dict):
        raise _fail(f"{here}: «category.label» må være et objekt (kode → tekst).", dim_id)
    label = label or {}
    if isinstance(index, list):
        if not all(isinstance(c, str) for c in index):
            raise _fail(f"{here}: «category.index» må være en liste med koder (tekst).", dim_id)
        codes = list(index)
    elif isinstance(index, dict):
        if not all(_is_count(p) for p in index.values()) or sorted(index.values()) != list(range(len(index))):
            raise _fail(f"{here}: «category.index» må gi hver kode en plass 0, 1, 2 … uten hull eller gjentakelser.",
                        dim_id)
        codes = [None] * len(index)
        for code, position in index.items():
            codes[position] = code
    elif index is None:
        if len(label) != size:
            raise _fail(f"{here}: mangler «category.index» (den kan bare utelates når dimensjonen har én kategori, "
                        "med én kode i «label»).", dim_id)
        codes = list(label)
    else:
        raise _fail(f"{here}: «category.index» må være en liste eller et objekt.", dim_id)
    if len(codes) != size:
        raise _fail(f"{here}: har {len(codes)} kategorier, men «size» sier {size}.", dim_id)
    if len(set(codes)) != len(codes):
        raise _fail(f"{here}: samme kode står flere ganger i «category.index».", dim_id)
    return codes, {str(k): str(v) for k, v in label.items() if v is not None}


def _sparse_keys(obj: dict, n: int, where: str, what: str) -> np.ndarray:
    keys = []
    for key in obj:
        if not (isinstance(key, str) and key.isascii() and key.isdigit()):
            raise _fail(f"{where}: «{what}» har nøkkelen «{_shown(key)}», som ikke er et cellenummer (0, 1, 2 …).")
        keys.append(int(key))
    positions = np.asarray(keys, dtype=np.int64)
    if len(positions) and positions.max() >= n:
        raise _fail(f"{where}: «{what}» har en verdi for celle {int(positions.max())} (talt fra 0), men datasettet har "
                    f"bare {_count_text(n)} celler.")
    return positions


def _values(value, n: int, where: str, file_name: str, offset: int) -> tuple[np.ndarray, np.ndarray | None]:
    """The cells' values as floats (NaN for null and absent cells), and the missing-value symbols
    some producers put in ``value`` itself («..», «:»; None when there are none)."""
    if isinstance(value, list):
        if len(value) != n:
            raise _fail(f"{where}: «value» har {_count_text(len(value))} verdier, men «size» gir "
                        f"{_count_text(n)} celler.")
        positions, items = None, value
    elif isinstance(value, dict):
        positions, items = _sparse_keys(value, n, where, "value"), list(value.values())
    elif value is None:
        raise _fail(f"{where}: JSON-stat-datasettet mangler «value».")
    else:
        raise _fail(f"{where}: «value» må være en liste eller et objekt.")
    kinds = set(map(type, items))
    numbers, symbols = None, None
    if kinds <= {int, float, type(None)}:
        try:
            numbers = np.array(items, dtype=np.float64)
        except OverflowError:
            numbers = None
    if numbers is None or not np.isfinite(numbers[~np.isnan(numbers)]).all():
        numbers = np.full(len(items), np.nan)
        problems = []
        text = [(i, v) for i, v in enumerate(items) if isinstance(v, str)]
        if text:
            parsed, found, bad = to_number(pd.Series([v for _i, v in text], dtype=object))
            symbols = np.full(len(items), None, dtype=object)
            for (i, v), number, symbol, is_bad in zip(text, parsed, found, bad, strict=True):
                if is_bad:
                    problems.append((i, f"verdien «{_shown(v)}» er ikke et tall"))
                numbers[i], symbols[i] = number, symbol
        for i, v in enumerate(items):
            if isinstance(v, bool) or not isinstance(v, int | float | str | type(None)):
                problems.append((i, "verdien er ikke et tall"))
            elif isinstance(v, int | float):
                try:
                    f = float(v)
                except OverflowError:
                    f = math.inf
                if math.isfinite(f):
                    numbers[i] = f
                else:
                    problems.append((i, "verdien er ikke et endelig tall"))
        problems.sort()
        cell = (lambda i: int(positions[i])) if positions is not None else (lambda i: i)
        _raise_all([Problem("value", f"{file_name}, celle {offset + cell(i) + 1}: {message}")
                    for i, message in problems], file_name)
    if positions is None:
        return numbers, symbols
    out = np.full(n, np.nan)
    out[positions] = numbers
    if symbols is not None:
        spread = np.full(n, None, dtype=object)
        spread[positions] = symbols
        symbols = spread
    return out, symbols


def _statuses(status, n: int, where: str, file_name: str) -> np.ndarray:
    out = np.full(n, None, dtype=object)
    if status is None:
        return out
    if isinstance(status, str):
        out[:] = status
        return out
    if isinstance(status, list):
        if len(status) == 1 and n != 1:
            status = status * n  # one status for all cells
        if len(status) != n:
            raise _fail(f"{where}: «status» har {_count_text(len(status))} verdier, men «size» gir "
                        f"{_count_text(n)} celler.")
        positions, items = np.arange(n), status
    elif isinstance(status, dict):
        positions, items = _sparse_keys(status, n, where, "status"), list(status.values())
    else:
        raise _fail(f"{where}: «status» må være tekst, en liste eller et objekt.")
    if not all(v is None or isinstance(v, str) for v in items):
        raise _fail(f"{where}: «status» må inneholde tekst (f.eks. «..» eller «:») eller null.")
    if len(items):
        values = np.empty(len(items), dtype=object)
        values[:] = items
        out[positions] = values
    return out


def _roles(ds: dict, ids: list[str]) -> dict[str, list[str]]:
    """role → dimensions: as the dataset declares, else guessed from the dimension names."""
    declared = ds.get("role") if isinstance(ds.get("role"), dict) else {}
    roles: dict[str, list[str]] = {}
    for role, dims in declared.items():
        if isinstance(role, str) and isinstance(dims, list):
            kept = [d for d in dims if isinstance(d, str) and d in ids]
            if kept:
                roles[role] = kept
    for role, names in (("time", TIME_NAMES), ("geo", GEO_NAMES), ("metric", METRIC_NAMES)):
        if role not in roles:
            guessed = [d for d in ids if d.strip().casefold() in names]
            if guessed:
                roles[role] = guessed
    return roles


# --- numbers ----------------------------------------------------------------------------------------

_SPACES = "\u0020\u00a0\u202f"
_EXP = r"(?:[eE][-+]?\d+)?"
NUMBER_PATTERN = (
    "[-+\u2212]?(?:"  # U+2212 (minus sign) as the character itself: RE2 has no \\u escape
    rf"\d+(?:[.,]\d+)?{_EXP}"  # 12, 12,5, 12.5, 1e-5
    rf"|[.,]\d+{_EXP}"  # ,5 .5
    rf"|\d{{1,3}}(?:[{_SPACES}]\d{{3}})+(?:[.,]\d+)?"  # 1 234 567,5 (space, no-break or narrow no-break space)
    r"|\d{1,3}(?:\.\d{3})+,\d+"  # 1.234,5 (the last mark is the decimal mark)
    r"|\d{1,3}(?:,\d{3})+\.\d+"  # 1,234.5
    rf")(?:[{_SPACES}]?%)?"
)


def to_number(values: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cells as numbers, vectorised: (floats, NaN where there is no number; the ``MISSING_SYMBOLS`` key
    found, else None; True where the cell has text that is neither a number, a symbol nor empty).

    Numbers (int, float) are taken as they are; bools, dates and other objects are bad. Text may have
    a decimal comma or point, thousands grouped by space, no-break space or narrow no-break space
    (also «1.234,5» and «1,234.5»: with both marks, the last is the decimal mark), a leading minus
    (also U+2212) or plus, surrounding whitespace and a trailing percent sign (the number is not
    divided by 100). Refused: «12abc», «1,2,3», «1.234.567», «inf», «1e999»… Empty and whitespace:
    NaN, not bad. Text is handled with pyarrow's compute functions (pandas' str dtype is stored in
    pyarrow here): 2 million cells in about half a second.
    """
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    n = len(series)
    floats = np.full(n, np.nan)
    symbols = np.full(n, None, dtype=object)
    bad = np.zeros(n, dtype=bool)
    if n == 0:
        return floats, symbols, bad
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        bad[:] = series.notna().to_numpy(dtype=bool)
        return floats, symbols, bad
    if pd.api.types.is_numeric_dtype(dtype):
        floats[:] = series.to_numpy(dtype=np.float64, na_value=np.nan)
        not_finite = np.isinf(floats)
        bad |= not_finite
        floats[not_finite] = np.nan
        return floats, symbols, bad
    if pd.api.types.is_string_dtype(dtype) and not pd.api.types.is_object_dtype(dtype):
        positions = np.arange(n)
        text = pa.array(series.reset_index(drop=True), type=pa.large_string())
    else:
        objects = series.to_numpy(dtype=object)
        with np.errstate(all="ignore"):
            kind = _kind_of(objects).astype(np.int8)
        numeric = kind == 1
        if numeric.any():
            try:
                floats[numeric] = objects[numeric].astype(np.float64)
            except OverflowError:  # an int beyond float's range
                floats[numeric] = [float(v) if abs(v) < 1e308 else math.inf for v in objects[numeric]]
            not_finite = numeric & np.isinf(floats)
            bad |= not_finite
            floats[not_finite] = np.nan
        bad |= kind == 3
        positions = np.flatnonzero(kind == 2)
        if not len(positions):
            return floats, symbols, bad
        text = pa.array(objects[positions].tolist(), type=pa.large_string())
    _text_numbers(text, positions, floats, symbols, bad)
    return floats, symbols, bad


SIMPLE_NUMBER = r"^[-+]?[0-9]+(?:[.,][0-9]+)?$"  # most cells: one regex, one replace, one cast


def _mask(array) -> np.ndarray:
    return pc.fill_null(array, False).to_numpy(zero_copy_only=False).astype(bool)


def _text_numbers(text, positions: np.ndarray, floats: np.ndarray, symbols: np.ndarray, bad: np.ndarray) -> None:
    """``to_number`` for text cells (a pyarrow string array; ``positions`` are their places in the
    output arrays)."""
    t = pc.utf8_trim_whitespace(text)
    empty = _mask(pc.or_kleene(pc.is_null(t), pc.equal(t, "")))
    is_symbol = _mask(pc.is_in(t, value_set=pa.array(list(MISSING_SYMBOLS), type=pa.large_string())))
    if is_symbol.any():
        symbols[positions[is_symbol]] = t.filter(pa.array(is_symbol)).to_numpy(zero_copy_only=False)
    simple = _mask(pc.match_substring_regex(t, SIMPLE_NUMBER))
    rest = ~(simple | empty | is_symbol)
    full = np.zeros(len(t), dtype=bool)
    if rest.any():
        full[rest] = _mask(pc.match_substring_regex(t.filter(pa.array(rest)), f"^(?:{NUMBER_PATTERN})$"))
    bad[positions[rest & ~full]] = True
    for chosen, normalise in ((simple, _normalise_simple), (full, _normalise_full)):
        if not chosen.any():
            continue
        parsed = pc.cast(normalise(t.filter(pa.array(chosen))), pa.float64()).to_numpy(zero_copy_only=False)
        where = positions[chosen]
        finite = np.isfinite(parsed)
        floats[where[finite]] = parsed[finite]
        bad[where[~finite]] = True


def _normalise_simple(t):
    return pc.replace_substring(t, ",", ".")


def _normalise_full(t):
    """«−1 234,5 %» → «-1234.5»: spaces, percent and thousands marks out, the decimal mark a point."""
    t = pc.replace_substring_regex(t, f"[{_SPACES}%]", "")
    t = pc.replace_substring(t, "\u2212", "-")
    comma_last = pc.match_substring_regex(t, r",[0-9]+(?:[eE][-+]?[0-9]+)?$")  # «1.234,5», «12,5»
    without_points = pc.replace_substring(pc.replace_substring(t, ".", ""), ",", ".")
    without_commas = pc.replace_substring(t, ",", "")
    return pc.if_else(comma_last, without_points, without_commas)


def _kind(v) -> int:
    """0 missing, 1 number, 2 text, 3 anything else (bool, date, …)."""
    if v is None:
        return 0
    t = type(v)
    if t is str:
        return 2
    if t is float:
        return 0 if v != v else 1
    if t is bool or isinstance(v, np.bool_):
        return 3
    if t is int or isinstance(v, np.integer):
        return 1
    if isinstance(v, np.floating):
        return 0 if v != v else 1
    if isinstance(v, str):
        return 2
    if v is pd.NA or v is pd.NaT:
        return 0
    return 3


_kind_of = np.frompyfunc(_kind, 1, 1)


__all__ = ["EXPLANATION_SHEETS", "MAX_FILE_BYTES", "MAX_FILE_MB", "MISSING_SYMBOLS", "RawTable", "TableFileError",
           "read_table", "to_number"]
