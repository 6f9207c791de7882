"""Small display pieces: illustrative marks, source lines, status and state labels, KPI cards."""

from __future__ import annotations

import hashlib
import io
import json
import math
import re
from urllib.parse import quote

import pandas as pd
import streamlit as st

from components.i18n import lang, t
from omradesatsing import formatting as fmt

# Status is never shown by colour alone: a shape and a word, and colour only as extra.
STATUS_SYMBOL = {"on_track": "✔", "at_risk": "▲", "off_track": "✖", "completed": "■", "not_started": "○"}
STATUS_COLOUR = {"on_track": "green", "at_risk": "orange", "off_track": "red", "completed": "blue",
                 "not_started": "gray"}
STATE_COLOUR = {"active": "green", "preproject": "violet", "ended": "gray"}


# Every ASCII character markdown, Streamlit's directives (``:red[…]``), LaTeX (``$…$``) or HTML
# (tags, ``&amp;`` entities) give a meaning; CommonMark shows a backslash-escaped one as itself.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=&])")
# Some of Streamlit's markdown works on the text *after* escapes are read: links made from bare
# addresses (``https://…``, ``www.…``, ``ola@example.com``), icons (``:material/home:``, ``:streamlit:``)
# and emoji short codes. An invisible WORD JOINER (U+2060) breaks each of those patterns, and only there:
# ``https:⁠//``, ``www⁠.``, ``ola⁠@``, ``:⁠material/home:``. Screen readers and the eye skip it.
WORD_JOINER = "\u2060"
_AUTO_MARKUP = re.compile(r"(?<=:)(?=//)|(?<=:)(?=(?:\\?[\w+/\-])+\\?:)|(?<=[\w.+\-])(?=@)|(?<=www)(?=\\?\.)",
                          re.IGNORECASE)
_WHITESPACE = re.compile(r"\s+")


_LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}$")


def in_own_language(text, language: str | None) -> str:
    """``plain(text)`` for markdown that allows HTML, marked with its language when that is not the page's
    (WCAG 3.1.2: a screen reader then reads an English title in English, and the page's language checks
    know it is meant)."""
    shown = plain(text)
    if not isinstance(language, str) or not _LANGUAGE_TAG.match(language) or language == lang():
        return shown
    return f'<span lang="{language}">{shown}</span>'


def plain(text) -> str:
    """User-entered or stored free text made safe inside Streamlit markdown (st.markdown, st.caption,
    st.subheader, a metric's label or help, a catalogue text's parameter): it shows as typed.

    Markdown, Streamlit's directives and icons, LaTeX and HTML are escaped; bare web and e-mail
    addresses are not turned into links; line breaks and runs of spaces become one space (no
    headings, lists, tables or code blocks can start). Nothing (None, NaN) is the empty string.
    Use it for markdown only: in st.text, a table cell, an option or a download the text is plain already.
    """
    if text is None or text is pd.NA or (isinstance(text, float) and math.isnan(text)):
        return ""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", _WHITESPACE.sub(" ", str(text)))
    return _AUTO_MARKUP.sub(WORD_JOINER, escaped)


def _link(text, url) -> str:
    """``text`` as a markdown link to ``url`` when that is a web address; otherwise plain text."""
    address = "" if url is None or (isinstance(url, float) and math.isnan(url)) else str(url).strip()
    if not re.fullmatch(r"https?://[^\s<>]+", address):
        return plain(text)
    target = quote(address, safe=":/?#&=%+@,;~!*'")  # percent-encodes brackets, backslashes, spaces: nothing ends the link
    return f"[{plain(text)}]({target})"


def text_frame(df: pd.DataFrame, *, links: dict[str, str] | None = None, details: dict[str, str] | None = None,
               index: bool = False) -> pd.DataFrame:
    """The cells ``text_table`` shows (a component may cache them), for a small reference table where
    sorting and scrolling a large table is not the point: in an HTML table (``st.table``) Ctrl+F and
    screen readers find the text, which they do not in the canvas grid of ``st.dataframe``.
    ``st.table`` renders markdown in cells, so every cell, header and row label is ``plain``. ``links``
    maps a shown column to the column holding its web address: the cell becomes a link there, and the
    address column is not shown (the download keeps it). ``details`` maps a shown column to one whose
    text follows in the same cell, in italics (a note under a title), so a narrow screen needs fewer
    columns."""
    links, details = links or {}, details or {}
    hidden = {*links.values(), *details.values()}
    columns = {}
    for col in df.columns:  # plain lists, not pandas operations: this runs on every rerun
        if col in hidden:
            continue
        values = df[col].tolist()
        if col in links:
            cells = [_link(text, url) for text, url in zip(values, df[links[col]].tolist(), strict=True)]
        else:
            cells = [plain(v) for v in values]
        if col in details:
            cells = [f"{cell} – *{plain(more).strip()}*" if plain(more).strip() else cell
                     for cell, more in zip(cells, df[details[col]].tolist(), strict=True)]
        columns[plain(col)] = cells
    out = pd.DataFrame(columns, index=[plain(i) for i in df.index] if index else None)
    return out


def text_table(df: pd.DataFrame, *, links: dict[str, str] | None = None, details: dict[str, str] | None = None,
               index: bool = False) -> None:
    """``text_frame`` of ``df`` as an HTML table (``st.table``)."""
    st.table(text_frame(df, links=links, details=details, index=index), hide_index=not index)


def status_text(status: str) -> str:
    return f"{STATUS_SYMBOL.get(status, '?')} {t('status.' + status)}"


def status_badge(status: str) -> str:
    """Markdown for a coloured badge with a symbol and a word."""
    return f":{STATUS_COLOUR.get(status, 'gray')}-badge[{status_text(status)}]"


def state_badge(state: str) -> str:
    return f":{STATE_COLOUR.get(state, 'gray')}-badge[{t('state.' + state)}]"


def illustrative_badge() -> str:
    return f":orange-badge[{t('common.illustrative')}]"


def period_text(start_year, end_year) -> str:
    if end_year is None or pd.isna(end_year):
        return t("common.since", year=int(start_year))
    return fmt.years(start_year, end_year)


def source_line(source: str | None, period: str | None = None, illustrative: bool = False) -> str:
    """Markdown: "Kilde: … · Periode: …" (the source and period are stored text: ``plain``)."""
    parts = [t("common.source", source=plain(source) or t("common.unknown"))]
    if period:
        parts.append(t("common.period", period=plain(period)))
    text = " · ".join(parts)
    if illustrative:
        text += f" · **{t('common.illustrative')}**"
    return text


def caption_source(source: str | None, period: str | None = None, illustrative: bool = False) -> None:
    st.caption(source_line(source, period, illustrative))


def illustrative_notice() -> None:
    st.info(t("common.illustrative_notice"), icon=":material/science:")


def yes_no(flag) -> str:
    return t("common.yes") if bool(flag) else t("common.no")


# OWASP's rule against formula ("CSV") injection: a spreadsheet reads a cell that begins with one
# of these as a formula. A plain number stays a number (``-0,5``, ``-0,5 %``, ``+1 200``): no letters,
# brackets or operators after the sign, so nothing but the number can be read from it.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d[\d\s.,]*%?")


def formula_like(value) -> bool:
    """True for text a spreadsheet would take for a formula (``=HYPERLINK(…)``, ``+1+cmd|…``, ``@SUM(…)``)."""
    return isinstance(value, str) and value.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value)


def _text_safe(value):
    return "'" + value if formula_like(value) else value


def spreadsheet_safe(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells and column names that look like a formula begin with an
    apostrophe (the CSV rule); numbers, dates and other text are unchanged."""
    out = df.copy()
    out.columns = [_text_safe(c) for c in out.columns]
    for i in range(out.shape[1]):
        column = out.iloc[:, i]
        if column.dtype == object or isinstance(column.dtype, (pd.StringDtype, pd.CategoricalDtype)):
            out.isetitem(i, column.astype(object).map(_text_safe))
    return out


def csv_bytes(df: pd.DataFrame) -> bytes:
    """CSV for Norwegian Excel (UTF-8 with BOM, semicolon, decimal comma), formulas neutralised.
    Rows end in CRLF (RFC 4180), so a cell holding a line break (also a bare CR) is quoted and stays one
    cell: a spreadsheet never starts a new row, with a formula, inside someone's text."""
    return spreadsheet_safe(df).to_csv(index=False, sep=";", decimal=",", lineterminator="\r\n").encode("utf-8-sig")


def xlsx_bytes(df: pd.DataFrame, sheet: str = "data") -> bytes:
    """An Excel workbook of ``df``. Text is written as text: openpyxl makes a formula of any text
    beginning with "=", so such cells are turned back into text, and every formula-like cell is marked
    "quote prefix" (Excel keeps it text when it is edited). Numbers stay numbers."""
    buffer = io.BytesIO()
    sheet = re.sub(r"[\[\]:*?/\\']", "-", sheet)[:31] or "data"  # characters Excel refuses in a sheet name
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        df.to_excel(writer, index=False, sheet_name=sheet)
        for row in writer.sheets[sheet].iter_rows():
            for cell in row:
                if cell.data_type == "f" or formula_like(cell.value):
                    cell.data_type = "s"
                    cell.quotePrefix = True
    return buffer.getvalue()


def download_buttons(df: pd.DataFrame, basename: str, key: str) -> None:
    """CSV (UTF-8 with BOM, semicolon: opens right in Norwegian Excel) and Excel of exactly ``df``,
    with cells that a spreadsheet would run as formulas neutralised (``csv_bytes``, ``xlsx_bytes``):
    every download in the app goes through here.

    The files are made when the button is clicked (deferred), not on every rerun: an Excel file of a
    thousand rows takes a few hundred milliseconds to write.
    """
    frame = df.copy()

    # One row of two buttons: a horizontal container is one block, where columns are three (fewer
    # elements for the browser to redraw on every rerun).
    row = st.container(horizontal=True)
    row.download_button(t("common.download_csv"), lambda: csv_bytes(frame), f"{basename}.csv", "text/csv",
                        key=f"{key}_csv", on_click="ignore", icon=":material/download:")
    row.download_button(t("common.download_xlsx"), lambda: xlsx_bytes(frame, basename), f"{basename}.xlsx",
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        key=f"{key}_xlsx", on_click="ignore", icon=":material/download:")


def table_key(prefix: str, ids) -> str:
    """A table's widget key that changes with the rows it shows: a new list is a new table, so a row
    picked in the old list is never read against the new one (Streamlit keeps a keyed table's
    selection when its data changes)."""
    digest = hashlib.blake2s(",".join(str(i) for i in ids).encode(), digest_size=6).hexdigest()
    return f"{prefix}_{digest}"


def selection_of(frame: pd.DataFrame, column: str, wanted) -> dict | None:
    """``selection_default`` for a single-row table that re-finds ``wanted`` (e.g. the id in the URL)
    in ``frame[column]``; None when it is not shown."""
    if wanted is None:
        return None
    hits = [i for i, v in enumerate(frame[column]) if v == wanted]
    return {"selection": {"rows": hits[:1]}} if hits else None


def selected_row(frame: pd.DataFrame, event) -> pd.Series | None:
    """The row of ``frame`` picked in a single-row ``st.dataframe(..., on_select="rerun")``, or None:
    also when the picked position is not in ``frame`` (any more)."""
    selection = getattr(event, "selection", None)
    rows = (getattr(selection, "rows", None) if selection is not None else None) or []
    if not rows:
        return None
    try:
        position = int(rows[0])
    except (TypeError, ValueError):
        return None
    if not 0 <= position < len(frame):
        return None
    return frame.iloc[position]


def yes_no_all(flags) -> list[str]:
    """``yes_no`` for a whole column (one catalogue lookup, not one per row)."""
    yes, no = t("common.yes"), t("common.no")
    return [yes if bool(f) else no for f in flags]


def mnok_all(values) -> list[str]:
    """``mnok`` for a whole column, the language read once (the core caches each number's format)."""
    language = lang()
    return [fmt.million_kroner(None if pd.isna(nok) else int(nok), 1, language) for nok in values]


def mnok(nok) -> str:
    """Whole kroner shown as ``12,7 mill. kr`` in the session's language."""
    return fmt.million_kroner(None if pd.isna(nok) else int(nok), 1, lang())


# Moves the page so an element is in view a moment after it is drawn: to the top of the window below
# Streamlit's header bar (``top``), or only as far as needed ("nearest").
_SCROLL_INTO_VIEW = """<script>
setTimeout(() => {
  const el = document.querySelector(%s);
  if (!el) return;
  el.style.scrollMarginTop = "4.5rem";
  el.scrollIntoView({block: %s, behavior: "instant"});
}, 150);
</script>"""


def scroll_into_view(key: str, *, top: bool = False) -> None:
    """Bring the container with widget key ``key`` into the window (an opened card, a confirmation)."""
    st.html(_SCROLL_INTO_VIEW % (json.dumps(f".st-key-{key}"), json.dumps("start" if top else "nearest")),
            unsafe_allow_javascript=True)
