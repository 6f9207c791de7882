"""The meeting packs downloaded as a programme leader does: from Område's buttons in Chromium, read back."""

from __future__ import annotations

import io

import pypdf
import pytest
from playwright.sync_api import expect
from pptx import Presentation

from tests.e2e.conftest import open_url, ui

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("lang", ["nb", "nn"])
def test_omrade_gives_the_areas_pdf_and_deck(server, page, lang):
    open_url(page, f"{server.url}/omrade?omrade=olsvik&lang={lang}")
    main = page.locator("[data-testid='stMain']")
    button = main.get_by_role("button", name=ui("reports.download_pdf", lang))
    expect(button).to_be_visible()
    with page.expect_download(timeout=60_000) as got:
        button.click()
    download = got.value
    assert download.suggested_filename == f"motepakke-olsvik-{lang}.pdf"
    reader = pypdf.PdfReader(download.path())
    assert len(reader.pages) == 1
    assert reader.metadata.title == "Olsvik – områdesatsing"
    assert reader.trailer["/Root"]["/Lang"] == lang
    with page.expect_download(timeout=60_000) as got:
        main.get_by_role("button", name=ui("reports.download_pptx", lang)).click()
    deck = Presentation(io.BytesIO(open(got.value.path(), "rb").read()))
    texts = " ".join(sh.text_frame.text for s in deck.slides for sh in s.shapes if sh.has_text_frame)
    assert "Olsvik" in texts and ui("reports.questions", lang) in texts
