"""The import templates in data/templates, generated from each kind's ``COLUMNS`` so that a template,
its explanation and the README can never disagree with what the importer reads.

For every kind there are three files: ``<stem>.csv`` (header and one example row), ``<stem>-forklaring.csv``
(one row per column: what it is, whether it is required, its type and allowed values) and ``<stem>.xlsx``
(sheet «Data» with the same header and example, sheet «Forklaring» with the explanation; the importer
skips an explanation sheet by its name). The CSV files are what Norwegian Excel opens directly and
saves back: UTF-8 with BOM, semicolon, CRLF, decimal comma. The example rows import as they are into
the seeded store (a test checks it).

The workbook bytes are deterministic: the document's created and modified times are fixed, and the
zip entries get a fixed date, so the committed files equal what this module generates (a test checks
that too). Regenerate with ``python -m omradesatsing.importers.templates data/templates``.
No Streamlit here: the Admin page offers the committed files for download.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import sys
import zipfile
from pathlib import Path

import pandas as pd

from omradesatsing.importers.columns import NUMERIC, Column
from omradesatsing.importers.tables import to_number

# The file names the Admin page offers (components/data_import.py TEMPLATE_FILES).
STEMS = {"indicators": "indikatorverdier", "investments": "investeringer", "grants": "tilskudd",
         "measures": "tiltak", "participation": "medvirkning", "targets": "maal"}
TITLES = {"indicators": "Indikatorverdier", "investments": "Investeringer", "grants": "Statlige tilskudd",
          "measures": "Tiltak", "participation": "Medvirkning", "targets": "Mål"}
ROWS = {  # what one row is, and what a row is matched on in the store (the kind's plan)
    "indicators": ("én rad per indikator, sted og periode", "indikator, sted og periode"),
    "investments": ("én rad per investeringsprosjekt", "område og navn"),
    "grants": ("én rad per statlig tilskudd og budsjettår", "år, ordning, mottaker og område"),
    "measures": ("én rad per tiltak i et delprogram", "delprogram og navn"),
    "participation": ("én rad per medvirkningsaktivitet (folkemøte, Barnetråkk, undersøkelse …)",
                      "område, type, tittel og dato"),
    "targets": ("én rad per mål: verdien en indikator skal nå i et område innen et år",
                "indikator, område og målår"),
}
EXPLANATION_HEADER = ("kolonne", "påkrevd", "type", "tillatte verdier", "eksempel", "forklaring")
FIXED_TIME = dt.datetime(2026, 12, 1, 0, 0, 0)
DATA_SHEET = "Data"
EXPLANATION_SHEET = "Forklaring"
BOM = "\ufeff"


def columns_of(kind: str) -> tuple[Column, ...]:
    from omradesatsing.importers import grants, indicators, investments, measures, participation, targets

    modules = {"indicators": indicators, "investments": investments, "grants": grants, "measures": measures,
               "participation": participation, "targets": targets}
    if kind not in modules:
        raise ValueError(f"unknown kind {kind!r}; one of {', '.join(modules)}")
    return modules[kind].COLUMNS


# --- CSV ------------------------------------------------------------------------------------------

def _csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", quotechar='"', quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerows(rows)
    return (BOM + out.getvalue()).encode("utf-8")


def explanation_rows(kind: str) -> list[list[str]]:
    """The explanation table, header first: one row per column of the kind."""
    return [list(EXPLANATION_HEADER)] + [
        [c.header, "ja" if c.required else "nei", c.type_text(), c.allowed_text(), c.example, c.explanation]
        for c in columns_of(kind)]


def template_csv(kind: str) -> bytes:
    """Header and one example row, as Norwegian Excel saves a CSV (UTF-8 with BOM, «;», CRLF)."""
    cols_ = columns_of(kind)
    return _csv_bytes([[c.header for c in cols_], [c.example for c in cols_]])


def explanation_csv(kind: str) -> bytes:
    """The explanation of every column, in the same encoding as the template."""
    return _csv_bytes(explanation_rows(kind))


# --- Excel ----------------------------------------------------------------------------------------

def example_value(col: Column):
    """The example as a spreadsheet cell: numbers as numbers («3,8» → 3.8, «2 500 000» → 2500000),
    years as integers, dates as dates, everything else as text; an empty example is None."""
    text = col.example.strip()
    if not text:
        return None
    if col.kind in NUMERIC or (col.kind == "period" and text.isdigit()):
        values, _symbols, bad = to_number(pd.Series([text], dtype=object))
        if bad[0] or pd.isna(values[0]):
            raise ValueError(f"the example {text!r} of column {col.header!r} is not a number")
        number = float(values[0])
        return int(number) if number.is_integer() else number
    if col.kind == "date":
        return dt.datetime.strptime(text, "%d.%m.%Y").date()
    return text


def _number_format(col: Column) -> str | None:
    if col.kind == "date":
        return "dd.mm.yyyy"
    if col.kind == "kroner":
        return "#,##0"
    if col.kind in ("text", "choice", "bool"):
        return "@"  # what is typed stays text (codes such as 0 or 4601, «nei»)
    return None


def _width(texts, lo: int = 10, hi: int = 48) -> float:
    return float(min(hi, max(lo, *(len(str(t)) + 3 for t in texts))))


def _explanation_intro(kind: str) -> str:
    what, key = ROWS[kind]
    return (f"Fyll inn arket «{DATA_SHEET}»: {what}, med overskriftene i rad 1 slik de står. Eksempelraden kan "
            "importeres som den er; bytt den ut med egne rader. Påkrevde kolonner må fylles ut, de andre kan stå "
            f"tomme. En rad med samme {key} som en rad i databasen oppdaterer den. Tall kan skrives med "
            "desimalkomma og mellomrom som tusenskille. Dette arket leses ikke ved importen. Mer om formatet: "
            "data/templates/README.md.")


def template_xlsx(kind: str) -> bytes:
    """The workbook: «Data» (bold, frozen header in row 1 and the example row) and «Forklaring»."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    cols_ = columns_of(kind)
    wb = Workbook()
    ws = wb.active
    ws.title = DATA_SHEET
    bold = Font(bold=True)
    for i, col in enumerate(cols_, start=1):
        letter = get_column_letter(i)
        head = ws.cell(row=1, column=i, value=col.header)
        head.font = bold
        head.number_format = "@"
        value = example_value(col)
        cell = ws.cell(row=2, column=i, value=value)
        fmt = _number_format(col)
        dim = ws.column_dimensions[letter]
        if fmt:
            cell.number_format = fmt
            dim.number_format = fmt
        dim.width = _width([col.header, col.example])
    ws.freeze_panes = "A2"

    ex = wb.create_sheet(EXPLANATION_SHEET)
    ex.cell(row=1, column=1, value=f"Mal for {TITLES[kind].lower()}").font = Font(bold=True, size=13)
    intro = ex.cell(row=2, column=1, value=_explanation_intro(kind))
    intro.alignment = Alignment(wrap_text=True, vertical="top")
    ex.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(EXPLANATION_HEADER))
    widths = (18, 10, 28, 34, 22, 64)
    for i, w in enumerate(widths, start=1):
        ex.column_dimensions[get_column_letter(i)].width = w
    ex.row_dimensions[2].height = 15 * (len(intro.value) // int(sum(widths) * 1.1) + 2)
    top = 4
    for r, row in enumerate(explanation_rows(kind)):
        lines = 1
        for i, text in enumerate(row, start=1):
            cell = ex.cell(row=top + r, column=i, value=text or None)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.number_format = "@"
            if r == 0:
                cell.font = bold
            lines = max(lines, -(-len(text) // max(1, widths[i - 1] - 2)))
        ex.row_dimensions[top + r].height = 15 * lines
    ex.freeze_panes = f"A{top + 1}"

    wb.properties.creator = "Bergen kommune – områdesatsing"
    wb.properties.title = f"Importmal: {TITLES[kind].lower()}"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    return _deterministic_zip(_save(wb))


def _save(wb) -> bytes:
    """The workbook's bytes; ``ExcelWriter`` directly, since ``save_workbook`` sets «modified» to now."""
    from openpyxl.writer.excel import ExcelWriter

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).save()
    return buffer.getvalue()


def _deterministic_zip(data: bytes) -> bytes:
    """The same zip with every entry dated ``FIXED_TIME`` (zipfile stamps entries with the clock)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, src.read(info.filename), compresslevel=6)
    return out.getvalue()


# --- README ---------------------------------------------------------------------------------------

def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    return f"`{text}`" if text else ""


def _table(kind: str) -> list[str]:
    rows = explanation_rows(kind)
    out = ["| Kolonne | Påkrevd | Type | Tillatte verdier | Eksempel | Forklaring |",
           "|---|---|---|---|---|---|"]
    for head, required, type_, allowed, example, explanation in rows[1:]:
        out.append(f"| {_code(head)} | {required} | {_cell(type_)} | {_cell(allowed)} | {_code(example)} | "
                   f"{_cell(explanation)} |")
    return out


def _empty_yes() -> str:
    """The bool columns where an empty cell means yes, for the README."""
    found = [f"`{c.header}` i {TITLES[kind].lower()}" for kind in STEMS for c in columns_of(kind)
             if c.kind == "bool" and c.default]
    return "for " + ", ".join(found) + " betyr tomt ja" if found else "se tabellene"


def _example_warning() -> str:
    """What importing an example row as it is does, from the example of each «eksempeldata» column."""
    real = [kind for kind in STEMS for c in columns_of(kind) if c.key == "illustrative" and c.example.strip().lower()
            in ("", "nei", "n", "no", "0")]
    if not real:
        return "Eksempelraden er merket `eksempeldata = ja` og lagres som eksempeldata."
    return ("Eksempelraden er merket `eksempeldata = nei`: importerer du den som den er, lagres de oppdiktede tallene "
            "som ekte tall med kilden du oppgir, og de erstatter eksempeldata. Bytt den ut med egne rader, eller sett "
            "`eksempeldata` til `ja` hvis du bare vil prøve.")


def readme_text() -> str:
    """data/templates/README.md: the templates, every column of every kind, and how an import goes."""
    lines = [
        "# Maler for import av data",
        "",
        "Denne mappen har en mal for hver type data dashbordet kan importere. Filene er laget av koden "
        "(`omradesatsing/importers/templates.py`) ut fra de samme kolonnebeskrivelsene som importen bruker, så "
        "malene, forklaringene og denne teksten stemmer alltid med det importen leser. Ikke rediger filene for "
        "hånd; lag dem på nytt med",
        "",
        "```",
        "python -m omradesatsing.importers.templates data/templates",
        "```",
        "",
        "En test (`tests/core/test_import_templates.py`) feiler hvis filene her ikke er det koden lager, eller "
        "hvis en eksempelrad ikke kan importeres.",
        "",
        "## Filene",
        "",
        "For hver type er det tre filer:",
        "",
        "- `<navn>.csv`: overskriftsraden og én eksempelrad. Fila er lagret slik norsk Excel åpner og lagrer "
        "CSV: UTF-8 med BOM, semikolon som skilletegn, linjeskift CRLF og desimalkomma.",
        "- `<navn>-forklaring.csv`: én rad per kolonne med kolonnenavn, om den er påkrevd, type, tillatte "
        "verdier, eksempel og forklaring. En CSV-fil kan ikke ha en forklaringsdel i tillegg til dataene uten at "
        "importen leser den som data, så forklaringen ligger i en egen fil ved siden av malen. Forklaringsfila "
        "skal ikke importeres.",
        "- `<navn>.xlsx`: arket «Data» med overskriftene i rad 1 (fete og frosset) og eksempelraden, med tall "
        "som tall og datoer som datoer, og arket «Forklaring» med den samme forklaringen. Importen leser ikke "
        "arket «Forklaring» (heller ikke ark som heter «Veiledning», «Explanation», «Readme» eller «Kolonner»). "
        "Ikke skriv noe over overskriftsraden i «Data».",
        "",
        "| Type | Mal | Hva en rad er | En rad oppdaterer raden i databasen med samme |",
        "|---|---|---|---|",
    ]
    for kind, stem in STEMS.items():
        what, key = ROWS[kind]
        lines.append(f"| {TITLES[kind]} | `{stem}.csv`, `{stem}.xlsx`, `{stem}-forklaring.csv` | {what} | {key} |")
    lines += [
        "",
        f"Eksempelraden i hver mal kan importeres som den er i eksempeldatabasen. {_example_warning()} "
        "Typen data kjennes igjen fra kolonnene; velg den selv hvis fila har andre "
        "kolonnenavn. Kolonnene kan stå i hvilken som helst rekkefølge, og valgfrie kolonner kan stå tomme (en "
        "rad som oppdaterer en rad i databasen, erstatter verdiene i den, også med tomme felt). I "
        "kolonnenavn og valgverdier spiller store og små bokstaver, mellomrom og tegn som `_` og `-` ingen "
        "rolle, og æ, ø og å kan skrives ae, o og a. Under hver tabell står andre kolonnenavn importen godtar. "
        "Kolonner importen ikke kjenner, blir ikke brukt (det står i forhåndsvisningen).",
        "",
        "## Hvordan en fil kan være lagret",
        "",
        "- **Excel** (`.xlsx`): arket med data leses (det eneste synlige arket med data som ikke er et "
        "forklaringsark; ellers velger du arket). Tittelrader over overskriftsraden hoppes over. Formler må "
        "være regnet ut (lagret av Excel eller LibreOffice).",
        "- **CSV** (`.csv`, `.txt`, `.tsv`): tegnkoding UTF-8, UTF-8 med BOM eller Windows-1252; skilletegn "
        "semikolon, komma eller tabulator (tegn i anførselstegn er ikke skilletegn). Tittelrader over "
        "overskriftsraden, slik SSB lagrer CSV «med tittel», hoppes over.",
        "- **Tall**: desimalkomma eller desimalpunktum (`3,8` og `3.8`), tusenskille med mellomrom "
        "(`2 500 000`), minus foran og et prosenttegn bak (`12,5 %` er 12,5). Beløp er hele kroner.",
        "- **Datoer**: `dd.mm.åååå` (`14.03.2024`) eller `åååå-mm-dd` (`2024-03-14`), eller en ekte dato i "
        "Excel. **Perioder**: et år (`2023`) eller et årsspenn (`2019–2021`, også `2019-2021` og `2019_2021`).",
        "- **Ja/nei**: `ja` eller `nei` (også `j`, `n`, `x`, `1`, `0`, `yes`, `no`). Tomt betyr nei, med mindre "
        f"forklaringen av kolonnen sier noe annet ({_empty_yes()}).",
        "- **SSBs standardtegn** i kolonnen `verdi` for indikatorverdier (FHI bruker de samme): `..` (oppgave "
        "mangler), `...` (oppgave mangler foreløpig) og `.` (lovlig umulig): raden hoppes over; `:` (vises ikke "
        "av konfidensialitetshensyn): tallet lagres som prikket; `-` (null): tallet er 0.",
        "",
        "## Kilde, eksempeldata og feil",
        "",
        "- **Kilde**: en import lagrer ekte tall, og hvert tall i dashbordet viser hvor det kommer fra. Derfor "
        "må importen ha kilden: publikasjon eller datasett, utgiver, lisens (f.eks. NLOD 2.0 eller CC BY 4.0) og "
        "nettadresse (som begynner med https://), eller «intern» for kommunens egne, upubliserte tall. "
        "Perioden er valgfri. Uten kilde avvises fila (bortsett fra en fil som bare har eksempelrader).",
        "- **Eksempeldata**: rader med `eksempeldata = ja` er oppdiktede tall og forblir eksempeldata; de "
        "merkes «Eksempeldata» overalt i dashbordet. Tomt eller `nei` betyr ekte tall.",
        "- **Ekte tall erstatter eksempler**: en ekte rad med samme nøkkel som en eksempelrad erstatter den, og "
        "de andre eksempelradene for det fila dekker (indikatorverdier: de samme indikatorene; investeringer, "
        "tilskudd, medvirkning og mål: de samme områdene) fjernes, så ekte og oppdiktede tall ikke står side "
        "om side. Eksempeltiltak fjernes ikke av en import (de har historikk); de beholder merket til en rad i "
        "fila gjelder dem. Vil du beholde eksemplene, slå av «Ekte tall erstatter eksempeldata» (på "
        "kommandolinjen: `--keep-examples`).",
        "- **Feil**: én rad med en feil gjør at hele fila avvises, og ingenting lagres. Hver feil nevner fila, "
        "raden og kolonnen. Vil du importere de gode radene og hoppe over resten, kryss av for «Importer de "
        "gode radene og hopp over resten» (på kommandolinjen: `--skip-invalid`).",
        "- Samme fil importert to ganger endrer ingenting den andre gangen. Redaktører importerer bare for "
        "sine egne områder; administratorer for alle.",
        "",
        "## Import i dashbordet",
        "",
        "Gå til **Admin → Importer data** (redaktører og administratorer). Last opp fila, sjekk typen, fyll ut "
        "kilden og se forhåndsvisningen: hvor mange rader som blir nye, endret, uendret og avvist, og hvilke "
        "eksempelrader som fjernes. Ingenting lagres før du trykker «Importer». Store filer importeres på "
        "kommandolinjen.",
        "",
        "## Import på kommandolinjen",
        "",
        "```",
        'python -m omradesatsing import FIL --user BRUKERNAVN --source "Levekår i Bergen 2024" \\',
        '    --publisher "Bergen kommune" --licence "NLOD 2.0" --url "intern" --dry-run',
        "```",
        "",
        "`--user` er en aktiv bruker i databasen (opprettet med `create-user`). `--dry-run` sjekker fila og "
        "viser hva som ville skjedd, uten å lagre; kjør samme kommando uten `--dry-run` for å importere. Andre "
        "valg: `--kind` (`indicators`, `investments`, `grants`, `measures`, `participation` eller `targets`, når "
        "typen ikke kjennes igjen fra kolonnene), `--sheet ARK` (Excel), `--level NIVÅ` (indikatorverdier: "
        "nivået stedene er på, når et navn finnes på flere nivåer), `--period PERIODE` (kildens periode), "
        "`--skip-invalid`, `--keep-examples`. `python -m omradesatsing imports` viser importloggen.",
        "",
        "## JSON-stat fra SSB og FHI",
        "",
        "Indikatorverdier kan importeres direkte som JSON-stat 2.0 fra SSBs og FHIs statistikkbanker (`.json` "
        "eller `.jsonstat`). Fila må ha en tidsdimensjon og en geografisk dimensjon. Andre dimensjoner med "
        "flere kategorier (kjønn, alder) må ha en totalkategori (f.eks. begge kjønn, alle aldre), som brukes. "
        "Har fila målene teller, nevner og andel, lagres alle tre. Indikatoren kjennes igjen når målets kode "
        "eller navn er en indikator i databasen; ellers velger du den (på kommandolinjen `--indicator NØKKEL`, "
        "for en fil med ett mål). På Admin-siden foreslås kilden fra fila, og perioden leses fra årene i fila "
        "når du ikke oppgir den.",
        "",
        "## Brede tabeller og importprofiler",
        "",
        "En bred tabell (én rad per sone, én kolonne per indikator og år) importeres gjennom en kobling av "
        "kolonnene: på Admin-siden velger du «Bred tabell», hvilken kolonne som er stedet, og hvilken indikator "
        "og hvilket år hver kolonne er, og lagrer koblingen som en importprofil. Neste års fil med samme oppsett "
        "importeres med profilen, også på kommandolinjen: `--profile NAVN`. Profiler lages bare på Admin-siden.",
        "",
        "## Angre en import",
        "",
        "En administrator kan angre den siste importen av hver type, i importloggen på Admin-siden eller med "
        "`python -m omradesatsing undo-import NR --user BRUKERNAVN` (nummeret står i loggen og etter "
        "importen). Det som var der før importen, settes tilbake nøyaktig, også eksempelrader som ble fjernet. "
        "En import kan ikke angres hvis radene den endret er endret igjen etterpå i et skjema.",
        "",
        "## Kolonnene",
        "",
    ]
    for kind, stem in STEMS.items():
        what, _key = ROWS[kind]
        lines += [f"### {TITLES[kind]} (`{stem}`)", "", f"{what[0].upper()}{what[1:]}.", "", *_table(kind), ""]
        aliases = [f"`{c.header}`: " + ", ".join(f"`{a}`" for a in c.aliases) for c in columns_of(kind) if c.aliases]
        if aliases:
            lines += ["Andre kolonnenavn som godtas: " + "; ".join(aliases) + ".", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


# --- files ----------------------------------------------------------------------------------------

def files() -> dict[str, bytes]:
    """Every file of data/templates by name."""
    out: dict[str, bytes] = {}
    for kind, stem in STEMS.items():
        out[f"{stem}.csv"] = template_csv(kind)
        out[f"{stem}-forklaring.csv"] = explanation_csv(kind)
        out[f"{stem}.xlsx"] = template_xlsx(kind)
    out["README.md"] = readme_text().encode("utf-8")
    return out


def write_all(folder: Path) -> list[Path]:
    """Write the templates, their explanations and the README into ``folder``; returns the paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in files().items():
        path = folder / name
        path.write_bytes(data)
        written.append(path)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "data" / "templates"
    for path in write_all(target):
        print(path)
