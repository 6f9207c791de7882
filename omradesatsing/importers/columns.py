"""The columns of the import files: one ``Column`` per field of a kind, with the header the templates
use, the variants people type (Norwegian and English), the type, and the explanation the templates
print. ``typed(raw, columns)`` turns a ``tables.RawTable`` into typed values, vectorised, and collects
one Norwegian problem per bad cell naming the file, the row and the column.

The values a choice column accepts are the store's codes and their bokmål words (the file format is
documented in data/templates/README.md); case, spaces and æøå/ae-o-a spellings do not matter.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from omradesatsing.catalogue import Text
from omradesatsing.importers.tables import MISSING_SYMBOLS, RawTable, to_number

YEAR_RANGE = (1990, 2100)
MAX_AMOUNT_NOK = 100_000_000_000  # 100 mrd. kr, as the forms: anything above is a typing error
PERIOD = re.compile(r"^\s*(\d{4})\s*(?:[–—\-_/]\s*(\d{4}))?\s*$")
NUMERIC = ("int", "count", "number", "kroner", "year")
YES = {"ja", "j", "yes", "y", "true", "sann", "1", "x"}
NO = {"nei", "n", "no", "false", "usann", "0", ""}


def norm(text) -> str:
    """A header or a choice as compared: lower case, æøå spelt out, only letters and digits."""
    s = str(text or "").strip().lower()
    for a, b in (("æ", "ae"), ("ø", "o"), ("å", "a"), ("é", "e"), ("ü", "u")):
        s = s.replace(a, b)
    return re.sub(r"[^a-z0-9]", "", s)


@dataclass(frozen=True)
class Column:
    key: str  # the name the kind's code uses
    header: str  # the template's header
    kind: str  # text, int, count, number, kroner, year, period, date, choice, bool
    explanation: str  # bokmål, for the template and its README
    example: str  # the template's example value, as a Norwegian spreadsheet writes it
    required: bool = False
    aliases: tuple[str, ...] = ()
    choices: dict[str, str] = field(default_factory=dict)  # code → bokmål word
    limit: int = 300  # longest text
    default: bool = False  # a bool column's value when the cell is empty

    def names(self) -> set[str]:
        return {norm(self.header), norm(self.key), *(norm(a) for a in self.aliases)}

    def type_text(self) -> str:
        return {"text": f"tekst (høyst {self.limit} tegn)", "int": "helt tall", "count": "helt tall, 0 eller mer",
                "number": "tall (desimalkomma eller -punktum)", "kroner": "hele kroner, 0 eller mer",
                "year": "årstall", "period": "år (2023) eller årsspenn (2019–2021)",
                "date": "dato (dd.mm.åååå eller åååå-mm-dd)", "choice": "ett av de tillatte ordene",
                "bool": "ja eller nei"}[self.kind]

    def allowed_text(self) -> str:
        if self.choices:
            return ", ".join(f"{word} ({code})" for code, word in self.choices.items())
        return ""


def choice_lookup(choices: dict[str, str]) -> dict[str, str]:
    out = {}
    for code, word in choices.items():
        out[norm(code)] = code
        out[norm(word)] = code
    return out


@dataclass
class Typed:
    """A file's rows with typed values per column key, and the problems found (row position →
    messages). ``positions`` index the raw frame; ``numbers`` are the file's row numbers."""

    raw: RawTable
    values: dict[str, pd.Series]
    present: set[str]
    problems: dict[int, list[tuple[str, str]]]  # position → [(header, message)]
    headers: dict[str, str]  # column key → the header as in the file
    ignored: list[str]

    def __len__(self) -> int:
        return len(self.raw.row_numbers)  # (the raw frame may be freed once the columns are typed)

    def bad(self, mask, key: str, message) -> None:
        """Record a problem for every row where ``mask`` is true; ``message`` is a text or a function of
        the row position."""
        header = self.headers.get(key, key)
        for pos in np.flatnonzero(np.asarray(mask, dtype=bool)):
            text = message(int(pos)) if callable(message) else message
            self.problems.setdefault(int(pos), []).append((header, text))

    def where(self, pos: int) -> Text:
        raw = self.raw
        return Text(f"imp.where_{raw.row_word}", file=raw.file_name, row=int(raw.row_numbers[pos]))

    def row_word(self) -> Text:
        return Text(f"imp.row_word_{self.raw.row_word}")


def match_headers(raw: RawTable, columns: tuple[Column, ...]) -> tuple[dict[str, str], list[str]]:
    """column key → the file's header, and the headers no column takes."""
    by_name: dict[str, Column] = {}
    for col in columns:
        for n in col.names():
            by_name.setdefault(n, col)
    found: dict[str, str] = {}
    ignored = []
    for header in raw.frame.columns:
        col = by_name.get(norm(header))
        if col is not None and col.key not in found:
            found[col.key] = str(header)
        else:
            ignored.append(str(header))
    return found, ignored


def unique_map(s: pd.Series, fn) -> pd.Series:
    """``s.map(fn)`` computed once per distinct value (a column of 2 million cells has a few hundred
    distinct zones, indicators and periods); missing cells get ``fn(None)``."""
    # pandas' text columns (stored in pyarrow) are factorised as they are: as objects they would be
    # 2 million Python strings at once, and the memory they take is not given back
    native = pd.api.types.is_string_dtype(s.dtype) and not pd.api.types.is_object_dtype(s.dtype)
    codes, uniques = pd.factorize(s if native else s.astype(object), use_na_sentinel=True)
    results = np.empty(len(uniques) + 1, dtype=object)
    for i, u in enumerate(uniques):  # element by element: numpy would unpack tuple results
        results[i] = fn(u)
    results[-1] = fn(None)
    return pd.Series(results[codes], index=s.index, dtype=object)


def _cell_text(v) -> str | None:
    if v is None:
        return None
    if isinstance(v, float):
        if np.isnan(v):
            return None
        return str(int(v)) if v.is_integer() else str(v)
    return str(v).strip() or None


def _text_series(s: pd.Series) -> pd.Series:
    """Cells as stripped text; empty and missing → None."""
    return unique_map(s, _cell_text)


def typed(raw: RawTable, columns: tuple[Column, ...], *, keep_raw: tuple[str, ...] | None = None) -> Typed:
    """``keep_raw``: the column keys whose raw cells the caller reads again; every other raw column is
    let go as soon as it is typed (2 million rows: the file is not held twice). None: keep all."""
    headers, ignored = match_headers(raw, columns)
    t = Typed(raw=raw, values={}, present=set(headers), problems={}, headers=headers, ignored=ignored)
    n = len(raw.frame)
    # A column the file lacks is one shared array per type (copy-on-write: a change copies it), made when
    # first needed, not a list of 2 million Nones per column.
    fills = {"no": (False, bool), "yes": (True, bool), "number": (np.nan, float), "text": (None, object)}
    absent: dict[str, np.ndarray] = {}

    def empty(what: str) -> pd.Series:
        if what not in absent:
            absent[what] = np.full(n, fills[what][0], dtype=fills[what][1])
        return pd.Series(absent[what], copy=False)

    for col in columns:
        if col.key not in headers:
            t.values[col.key] = empty(("yes" if col.default else "no") if col.kind == "bool" else
                                      "number" if col.kind in NUMERIC else "text")
            continue
        cells = raw.frame[headers[col.key]].reset_index(drop=True)
        t.values[col.key] = _convert(t, col, cells)
        if keep_raw is not None and col.key not in keep_raw:
            del cells
            raw.frame = raw.frame.drop(columns=[headers[col.key]])
    for col in columns:
        if col.required and col.key in headers and col.kind != "bool":
            empty = t.values[col.key].isna().to_numpy()
            t.bad(empty & ~_already_bad(t, col, n), col.key, Text("imp.required_empty"))
    return t


def _already_bad(t: Typed, col: Column, n: int) -> np.ndarray:
    header = t.headers.get(col.key)
    mask = np.zeros(n, dtype=bool)
    for pos, items in t.problems.items():
        if any(h == header for h, _ in items):
            mask[pos] = True
    return mask


def _shown(cells: pd.Series, pos: int) -> str:
    v = cells.iloc[pos]
    return str(v).strip()[:60]


def _convert(t: Typed, col: Column, cells: pd.Series) -> pd.Series:
    k = col.kind
    if k == "text":
        out = _text_series(cells)
        long = unique_map(out, lambda v: v is not None and len(v) > col.limit).to_numpy(dtype=bool)
        t.bad(long, col.key, Text("imp.text_too_long", limit=col.limit))
        nul = unique_map(out, lambda v: v is not None and "\x00" in v).to_numpy(dtype=bool)
        t.bad(nul, col.key, Text("imp.text_nul"))
        return out.where(~(long | nul), None)
    if k in ("int", "count", "number", "kroner", "year"):
        values, symbols, bad = to_number(cells)
        what = Text(f"imp.what_{k}")
        t.bad(bad, col.key, lambda p: Text("imp.not_a", cell=_shown(cells, p), what=what))
        ok = ~np.isnan(values)
        if k != "number":
            frac = ok & (values != np.round(values))
            if k == "kroner":
                t.bad(frac, col.key, lambda p: Text("imp.has_ore", cell=_shown(cells, p)))
            else:
                t.bad(frac, col.key, lambda p: Text("imp.not_a", cell=_shown(cells, p), what=what))
            values = np.where(frac, np.nan, values)
        if k in ("count", "kroner"):
            neg = values < 0
            negative = "imp.negative_count" if k == "count" else "imp.negative_amount"
            t.bad(neg, col.key, lambda p: Text(negative, cell=_shown(cells, p)))
            values = np.where(neg, np.nan, values)
        if k == "kroner":
            big = values > MAX_AMOUNT_NOK
            t.bad(big, col.key, Text("imp.amount_too_big"))
            values = np.where(big, np.nan, values)
        if k == "year":
            out_of = (values < YEAR_RANGE[0]) | (values > YEAR_RANGE[1])
            t.bad(out_of, col.key, lambda p: Text("imp.year_range", cell=_shown(cells, p), low=YEAR_RANGE[0],
                                                  high=YEAR_RANGE[1]))
            values = np.where(out_of, np.nan, values)
        series = pd.Series(values, dtype="float64")
        if col.key == "value":  # keep the source's symbols (.., :) for the indicator rules
            t.values["value_symbol"] = pd.Series(symbols, dtype=object).map(MISSING_SYMBOLS.get)
        return series
    if k == "period":
        texts = _text_series(cells)
        parsed = unique_map(texts, _period)
        bad = (texts.notna() & parsed.isna()).to_numpy(dtype=bool)
        t.bad(bad, col.key, lambda p: Text("imp.bad_period", cell=_shown(cells, p)))
        return parsed
    if k == "date":
        parsed = unique_map(cells, _date)
        present = _text_series(cells).notna()
        bad = (present & parsed.isna()).to_numpy(dtype=bool)
        t.bad(bad, col.key, lambda p: Text("imp.bad_date", cell=_shown(cells, p)))
        return parsed
    if k == "choice":
        lookup = choice_lookup(col.choices)
        texts = _text_series(cells)
        codes = unique_map(texts, lambda v: None if v is None else lookup.get(norm(v)))
        bad = (texts.notna() & codes.isna()).to_numpy(dtype=bool)
        words = ", ".join(col.choices.values())
        t.bad(bad, col.key, lambda p: Text("imp.bad_choice", cell=_shown(cells, p), words=words))
        return codes
    if k == "bool":
        texts = unique_map(_text_series(cells), lambda v: norm(v) if v is not None else "")
        yes = texts.isin(YES - {""}) | ((texts == "") & col.default)
        bad = (~texts.isin(YES) & ~texts.isin(NO)).to_numpy(dtype=bool)
        t.bad(bad, col.key, lambda p: Text("imp.bad_bool", cell=_shown(cells, p)))
        return yes.astype(bool)
    raise AssertionError(k)


def _period(text: str | None) -> tuple[str, int] | None:
    """«2019_2021», «2019-2021», «2019–2021» → ("2019–2021", 2021); «2023» → ("2023", 2023)."""
    if text is None:
        return None
    m = PERIOD.match(text)
    if not m:
        return None
    start, end = int(m.group(1)), int(m.group(2) or m.group(1))
    if end < start or not (YEAR_RANGE[0] <= start and end <= YEAR_RANGE[1]):
        return None
    return (str(start), start) if start == end else (f"{start}–{end}", end)


def _date(value) -> dt.date | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for fmt in ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


# Every kind's last column: a figure's own source, by the key in the export's kilder.csv (an export
# imported again keeps each row's source); empty: the source given for the whole import.
SOURCE_KEY = Column("source_key", "kildenøkkel", "text", "Bare i en eksport: nøkkelen til radens kilde i "
                    "kilder.csv. La stå tom; kilden du oppgir ved importen gjelder da.", "",
                    aliases=("source_key", "kilde_nøkkel"), limit=80)

# Every kind's «eksempeldata» column. The templates' example row says «ja», so a template imported as it
# is stores an example, never an invented figure as real; a user's own rows say «nei» or nothing.
ILLUSTRATIVE = Column("illustrative", "eksempeldata", "bool", "ja for oppdiktede eksempeltall, som malens "
                      "eksempelrad (de merkes Eksempeldata overalt); skriv nei eller la stå tom for ekte tall.",
                      "ja", aliases=("illustrative", "eksempel"))

