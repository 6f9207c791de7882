"""Hardening of the display layer (issue 21): stored text shows as typed in markdown (``ui.plain``),
downloads carry no live spreadsheet formulas (``ui.csv_bytes``, ``ui.xlsx_bytes``), a picked table row
is never read against another list (``ui.selected_row``, ``ui.table_key``) and URL parameters that are
no number or date fall back to the default (``filters.int_param``, ``filters.date_param``)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from types import SimpleNamespace

import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from components import filters, ui
from tests.app.conftest import APP, assert_clean

MARKUP = ["# Overskrift", "![x](http://example.com/x.png)", "[lenke](http://example.com)", "**fet** _kursiv_",
          "https://example.com", "www.example.com", "ola@example.com", "- punkt", "1. nummer", "a | b",
          ":material/home:", ":red[rød]", ":smile:", "$x^2$", "<b>html</b> &amp;", "`kode`", "> sitat", "~~strek~~",
          "linje\n# to\r\n- tre", "<http://example.com>", "=== under", ":streamlit:"]
SPECIAL = set("\\`*_{}[]()#+-.!|<>~$:=&")


@pytest.mark.parametrize("text", MARKUP)
def test_plain_escapes_every_markup_character_and_breaks_auto_links(text):
    out = ui.plain(text)
    assert "\n" not in out and "\r" not in out  # no heading, list or table can start on a new line
    # every special character is backslash-escaped (CommonMark then shows it as itself)
    i = 0
    while i < len(out):
        if out[i] == "\\":
            assert i + 1 < len(out) and out[i + 1] in SPECIAL, (text, out)
            i += 2
            continue
        assert out[i] not in SPECIAL, (text, out, i)
        i += 1
    # the text is kept: without the escapes and the invisible joiners it is what was typed
    assert re.sub(r"\\(.)", r"\1", out).replace(ui.WORD_JOINER, "") == " ".join(text.split())
    # patterns Streamlit reads after the escapes (bare links, icons, short codes) are broken
    unescaped = re.sub(r"\\(.)", r"\1", out)
    assert not re.search(r"(https?|ftp)://|www\.|\w@\w|:(material|streamlit|smile)\b", unescaped, re.I), out


def test_plain_of_nothing_is_empty():
    assert ui.plain(None) == "" and ui.plain(float("nan")) == "" and ui.plain(pd.NA) == ""
    assert ui.plain("Delprogram 2: Oppvekst") == "Delprogram 2\\: Oppvekst"  # an ordinary colon: no joiner


FORMULAS = ["=HYPERLINK(\"http://example.com\",\"klikk\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)",
            "\t=1+1", "\r=1+1"]


def _frame() -> pd.DataFrame:
    return pd.DataFrame({
        "Prosjekt": FORMULAS + ["Ballbinge", "-0,5\xa0%", "+1\xa0200", None],
        "Beløp": [1.5, -2.25, 3, 4, 5, 6, 7, -8, 9, 10],
        "=Kolonne": ["x"] * 10,
    })


def test_csv_download_neutralises_formulas_and_keeps_numbers():
    text = ui.csv_bytes(_frame()).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert rows[0] == ["Prosjekt", "Beløp", "'=Kolonne"]
    assert [r[0] for r in rows[1:7]] == ["'" + v for v in FORMULAS]  # readable, with the apostrophe
    for cell in (c for r in rows for c in r):  # no cell begins with a formula character, bar a number
        number = re.fullmatch(r"[+-]?\d[\d\s.,]*%?", cell)
        assert not (cell[:1] in ("=", "+", "-", "@", "\t", "\r") and not number), cell
    assert [r[0] for r in rows[7:10]] == ["Ballbinge", "-0,5\xa0%", "+1\xa0200"]  # numbers as text stay readable
    assert [r[1] for r in rows[1:3]] == ["1,5", "-2,25"]  # numbers stay numbers (decimal comma)


def test_xlsx_download_writes_text_not_formulas():
    book = openpyxl.load_workbook(io.BytesIO(ui.xlsx_bytes(_frame(), "investeringer")))
    cells = [c for row in book.active.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    values = [c.value for c in cells]
    assert FORMULAS[0] in values and "=Kolonne" in values  # the text as typed, as text
    assert next(c for c in cells if c.value == FORMULAS[0]).quotePrefix
    assert -2.25 in values and -8 in values  # numbers stay numbers


def test_selected_row_is_none_when_the_row_is_not_in_the_list():
    frame = pd.DataFrame({"id": [7, 8]})

    def event(rows):
        return SimpleNamespace(selection=SimpleNamespace(rows=rows))

    assert ui.selected_row(frame, event([1]))["id"] == 8
    assert ui.selected_row(frame, event([2])) is None  # picked in a longer list
    assert ui.selected_row(frame.iloc[0:0], event([0])) is None
    assert ui.selected_row(frame, event([])) is None and ui.selected_row(frame, None) is None
    assert ui.table_key("t", [7, 8]) != ui.table_key("t", [7]) == ui.table_key("t", [7])
    assert ui.selection_of(frame, "id", 8) == {"selection": {"rows": [1]}} and ui.selection_of(frame, "id", 9) is None


@pytest.mark.parametrize("raw", ["²", "٣", "9" * 10_000, "-1", "0", "1e3", "", " ", "3.0", None])
def test_int_parameter_falls_back_to_the_default(raw):
    assert filters.parse_int(raw, "default", lo=1, hi=10**12) == "default"


def test_int_and_date_parameters():
    assert filters.parse_int("12", lo=1) == 12 and filters.parse_int("12", lo=1, hi=11) is None
    today = dt.date(2026, 12, 1)
    assert filters.parse_date("2026-09-01", today, hi=today) == dt.date(2026, 9, 1)
    for raw in ("2999-12-31", "2026-02-30", "01.09.2026", "２０２６-09-01", "9" * 10_000, None):
        assert filters.parse_date(raw, today, hi=today) == today, raw


def _run_page(page: str, **params) -> AppTest:
    """``pages/<page>.py`` opened through app.py with a query string: AppTest drops the query on a page
    switch, so the parameters are set after the switch, before the page's first run."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page(f"pages/{page}.py")
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    return at


@pytest.mark.parametrize(("page", "params"), [
    ("investeringer", {"prosjekt": "²"}),
    ("investeringer", {"prosjekt": "9" * 10_000}),
    ("delprogrammer", {"tiltak": "²"}),
    ("delprogrammer", {"tiltak": "9" * 10_000}),
    ("presentasjon", {"lysbilde": "²"}),
    ("presentasjon", {"lysbilde": "9" * 10_000}),
    ("delprogrammer", {"visning": "endret", "siden": "2999-12-31"}),
    ("delprogrammer", {"visning": "endret", "siden": "2026-02-30"}),
])
def test_a_url_parameter_that_is_no_number_or_date_does_not_crash_the_page(page, params):
    at = _run_page(page, **params)
    assert_clean(at)
    assert at.title or at.header  # the page itself, not only the frame
