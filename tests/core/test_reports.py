"""Meeting packs read back: the A4 PDF (pypdf), the PowerPoint deck (python-pptx, LibreOffice), the QR
code (zxing-cpp on the rendered page), the phone pages and their rewrite after a write, the CLI."""

from __future__ import annotations

import dataclasses
import io
import logging
import os
import shutil
import subprocess
from pathlib import Path

import pypdf
import pytest
import zxingcpp
from PIL import Image
from pptx import Presentation

from omradesatsing import config, db, formatting as fmt, read, reports, suppression
from omradesatsing.cli import main
from omradesatsing.read import Store
from omradesatsing.reports import content, html, phone, qr

PUBLIC = "https://omradesatsing.example.no"


@pytest.fixture
def public(monkeypatch):
    monkeypatch.setenv(qr.PUBLIC_URL_VARIABLE, PUBLIC)


@pytest.fixture
def no_public(monkeypatch):
    monkeypatch.delenv(qr.PUBLIC_URL_VARIABLE, raising=False)


def _store(url: str, **settings) -> Store:
    return Store(db.make_engine(url), dataclasses.replace(config.load_settings({"DATABASE_URL": url}), **settings))


def _pdf_text(data: bytes) -> tuple[pypdf.PdfReader, str]:
    r = pypdf.PdfReader(io.BytesIO(data))
    return r, " ".join(" ".join(p.extract_text() for p in r.pages).replace("\u00a0", " ").split())


def _headline(store: Store, slug: str, language: str = "nb") -> list[tuple[str, str]]:
    """(name, value as the page shows it) of the headline indicators, read as Område reads them."""
    gaps = read.indicators.area_gaps(store, slug, language)
    out = []
    for key in content.HEADLINE_INDICATORS:
        r = gaps[gaps["indicator"] == key].iloc[0]
        out.append((r["name"], fmt.value(r["value"], r["unit"], int(r["decimals"]), language).replace("\u00a0", " ")))
    return out


def _decode_qr(pdf: bytes, tmp_path: Path) -> list[str]:
    src = tmp_path / "page.pdf"
    src.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(src), str(tmp_path / "page")], check=True)
    return [b.text for png in sorted(tmp_path.glob("page-*.png")) for b in zxingcpp.read_barcodes(Image.open(png))]


def test_an_areas_pdf_is_one_tagged_a4_page_with_its_figures_sources_marks_and_language(seeded_store, public,
                                                                                         tmp_path):
    store = Store.of(db.make_engine(seeded_store))
    data = reports.area_pdf(store, "olsvik", "nb")
    r, text = _pdf_text(data)
    assert len(r.pages) == 1
    box = r.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    assert "Olsvik – områdesatsing" in text and r.metadata.title == "Olsvik – områdesatsing"
    for name, value in _headline(store, "olsvik"):
        assert name.split()[0] in text and value in text, (name, value)
    summary = read.money.investment_summary(store, area_slugs=("olsvik",))
    assert fmt.million_kroner(summary["budget_nok"], 1, "nb").replace("\u00a0", " ") in text
    assert "Kilde: Eksempeldata – generert, ikke fakta" in text and "Eksempeldata" in text
    assert "Dårligere enn Bergen" in text  # the comparison in the profile's words, as on Område
    root = r.trailer["/Root"]
    assert root["/Lang"] == "nb"
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert _decode_qr(data, tmp_path) == [f"{PUBLIC}/telefon/olsvik-nb.html"]


def test_the_pdf_speaks_nynorsk_and_english_when_asked(seeded_store, no_public):
    store = Store.of(db.make_engine(seeded_store))
    r, text = _pdf_text(reports.area_pdf(store, "loddefjord", "nn"))
    assert r.trailer["/Root"]["/Lang"] == "nn"
    assert "Nøkkeltal mot Bergen" in text and "Kva skjer no" in text
    r, text = _pdf_text(reports.area_pdf(store, "loddefjord", "en"))
    assert r.trailer["/Root"]["/Lang"] == "en" and "What happens next" in text
    # No public address: no QR code, and the note says how to get one (never a localhost code).
    assert qr.PUBLIC_URL_VARIABLE in text and "localhost" not in text


def test_the_programme_pdf_is_at_most_two_pages_with_the_totals_of_the_other_pages(seeded_store, public, tmp_path):
    store = Store.of(db.make_engine(seeded_store))
    data = reports.area_pdf(store, None, "nb")
    r, text = _pdf_text(data)
    assert 1 <= len(r.pages) <= 2
    every = read.money.investment_summary(store)
    assert fmt.million_kroner(every["budget_nok"], 1, "nb").replace("\u00a0", " ") in text  # as on Oversikt
    for name in read.places.areas(store)["name"]:
        assert name.split()[0] in text
    assert _decode_qr(data, tmp_path) == [f"{PUBLIC}/telefon/alle-nb.html"]


@pytest.fixture(scope="module")
def hidden_store(tmp_path_factory):
    """A copy of the seed where the threshold hides Olsvik's headline values."""
    from omradesatsing.cli import init_db

    url = f"sqlite:///{tmp_path_factory.mktemp('hidden') / 'store.db'}"
    init_db(url)
    shown = _headline(Store.of(db.make_engine(url)), "olsvik")
    store = _store(url, suppression_threshold=2000)
    logging.getLogger("omradesatsing.suppression").setLevel(logging.ERROR)
    with db.session_scope(store.engine) as session:
        suppression.ensure_current(session, store.settings)
    return store, shown


def test_no_file_reveals_a_suppressed_value(hidden_store, public):
    store, before = hidden_store
    gaps = read.indicators.area_gaps(store, "olsvik")
    assert gaps[gaps["indicator"].isin(content.HEADLINE_INDICATORS)]["suppressed"].all()
    _, text = _pdf_text(reports.area_pdf(store, "olsvik", "nb"))
    page = html.render(content.pack(store, "olsvik", "nb"), phone=True)
    deck = Presentation(io.BytesIO(reports.area_pptx(store, "olsvik", "nb")))
    words = " ".join(shape.text_frame.text for s in deck.slides for shape in s.shapes if shape.has_text_frame)
    chart_values = [v for s in deck.slides for shape in s.shapes if shape.has_chart
                    for plot in shape.chart.plots for ser in plot.series for v in ser.values]
    assert "Prikket" in text and "Prikket" in page
    for _, value in before:
        assert value not in text, value
        assert value not in page.replace("\u00a0", " "), value
        assert value not in words.replace("\u00a0", " "), value
    olsvik = float(before[0][1].split()[0].replace(",", "."))
    assert olsvik not in chart_values  # no bar carries the hidden number


def test_the_deck_has_the_slides_text_native_charts_sources_and_notes(seeded_store, public, tmp_path):
    store = Store.of(db.make_engine(seeded_store))
    deck = Presentation(io.BytesIO(reports.area_pptx(store, "olsvik", "nb")))
    assert deck.slide_width / deck.slide_height == pytest.approx(16 / 9, rel=0.01)
    slides = list(deck.slides)
    titles = [next(sh.text_frame.text for sh in s.shapes if sh.name == "Tittel") for s in slides]
    assert titles[0] == "Områdesatsing: Olsvik" and titles[-1] == "Spørsmål?"
    charts = [sh.chart for s in slides for sh in s.shapes if sh.has_chart]
    assert len(charts) >= 4  # three headline indicators and the money
    low_income = read.indicators.indicator_gaps(store, "low_income_children", ("olsvik",))
    latest = low_income[low_income["year"] == low_income["year"].max()].iloc[0]
    assert float(latest["value"]) in list(charts[0].plots[0].series[1].values)  # editable numbers, not a picture
    for s in slides[1:-1]:
        sources = [sh.text_frame.text for sh in s.shapes if sh.name == "Kilde"]
        assert sources and "Kilde:" in sources[0], s
        assert "Kilde:" in s.notes_slide.notes_text_frame.text
    sizes = {r.font.size.pt for s in slides for sh in s.shapes if sh.has_text_frame
             for p in sh.text_frame.paragraphs for r in p.runs if r.font.size}
    assert min(sizes) >= 18  # 18 pt = 24 px: the slides' smallest text
    pictures = [sh for s in slides for sh in s.shapes if sh.shape_type == 13]
    assert pictures and all(p._element.nvPicPr.cNvPr.get("descr", "").startswith("QR-kode") for p in pictures)
    assert "Eksempeldata" in " ".join(sh.text_frame.text for s in slides for sh in s.shapes if sh.has_text_frame)


@pytest.mark.skipif(shutil.which("soffice") is None and not os.environ.get("CI"),
                    reason="LibreOffice (soffice) is not installed; the test command installs it")
def test_libreoffice_opens_the_deck_and_converts_every_slide(seeded_store, public, tmp_path):
    store = Store.of(db.make_engine(seeded_store))
    deck = tmp_path / "olsvik.pptx"
    deck.write_bytes(reports.area_pptx(store, "olsvik", "nb"))
    slides = len(Presentation(str(deck)).slides)
    done = subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless",
                           "--norestore", "--convert-to", "pdf", "--outdir", str(tmp_path), str(deck)],
                          capture_output=True, text=True, timeout=180, env={**os.environ, "HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    r, text = _pdf_text((tmp_path / "olsvik.pdf").read_bytes())
    assert len(r.pages) == slides
    assert "Spørsmål?" in text and "Olsvik" in text


def test_phone_pages_are_written_for_every_area_and_language_and_follow_a_write(db_url, tmp_path, public):
    from omradesatsing import commands
    from omradesatsing.cli import init_db
    from omradesatsing.permissions import Actor

    init_db(db_url)
    store = Store.of(db.make_engine(db_url))
    written = phone.write_all(store, tmp_path)
    slugs = list(read.places.areas(store)["slug"])
    assert {p.name for p in written} == {f"{s}-{lang}.html" for s in ["alle", *slugs] for lang in ("nb", "nn", "en")}
    page = (tmp_path / "olsvik-nb.html").read_text()
    assert '<html lang="nb">' in page and "Olsvik – områdesatsing" in page
    assert 'href="https://omradesatsing.example.no/omrade?omrade=olsvik&amp;lang=nb"' in page  # the live page
    assert "http://" not in page and "<script" not in page  # self-contained, nothing fetched

    refresher = phone.keep_current(store, tmp_path)
    runs = refresher.runs
    measures = read.programme.measures(store, "olsvik")
    admin = Actor("ola", "admin", "Ola")
    m = measures.iloc[0]
    commands.update_measure_status(store.engine, admin, int(m["id"]), status="completed", progress=100,
                                   comment="Ferdig", expected_version=int(m["version"]))
    refresher.wait()
    assert refresher.runs > runs
    assert "Fullført" in (tmp_path / "olsvik-nb.html").read_text()


def test_the_report_command_writes_the_files_and_refuses_an_unknown_area(seeded_store, tmp_path, monkeypatch,
                                                                        capsys, no_public):
    monkeypatch.setenv("DATABASE_URL", seeded_store)
    out = tmp_path / "olsvik.pdf"
    assert main(["report", "--omrade", "olsvik", "--format", "pdf", "--out", str(out)]) == 0
    assert "Olsvik – områdesatsing" in _pdf_text(out.read_bytes())[1]
    out = tmp_path / "olsvik.pptx"
    assert main(["report", "--omrade", "olsvik", "--format", "pptx", "--lang", "nn", "--out", str(out)]) == 0
    assert len(Presentation(str(out)).slides) >= 5
    assert main(["report", "--omrade", "atlantis"]) == 2
    assert "Finner ikke området «atlantis»" in capsys.readouterr().err
    assert main(["report", "--format", "pdf"]) == 2


def test_the_qr_address_is_left_out_without_a_public_address_or_for_this_machine():
    assert qr.phone_url("olsvik", "nb", {}) is None
    assert qr.phone_url("olsvik", "nb", {qr.PUBLIC_URL_VARIABLE: "http://localhost:8501"}) is None
    assert qr.phone_url("olsvik", "nb", {qr.PUBLIC_URL_VARIABLE: "ftp://x.no"}) is None
    assert qr.phone_url(None, "nn", {qr.PUBLIC_URL_VARIABLE: "https://x.no/app/"}) == "https://x.no/app/telefon/alle-nn.html"


def test_every_areas_one_pager_fits_on_one_a4_page_in_every_language(seeded_store, public):
    store = Store.of(db.make_engine(seeded_store))
    for slug in read.places.areas(store)["slug"]:
        for language in ("nb", "nn", "en"):
            r = pypdf.PdfReader(io.BytesIO(reports.area_pdf(store, slug, language)))
            assert len(r.pages) == 1, (slug, language)
