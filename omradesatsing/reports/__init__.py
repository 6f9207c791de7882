"""Meeting packs: one area's (or the whole programme's) one-pager as HTML (the phone page), as a tagged
A4 PDF, and the presentation as an editable PowerPoint deck; QR codes to the phone page.

- ``content``: what a pack shows, read once from the store (the same readers as the pages);
- ``html``: the one-pager's template (the PDF and the phone page are the same HTML);
- ``pdf``: WeasyPrint, PDF/UA-1 with the document language;
- ``pptx``: python-pptx, native charts;
- ``phone``: the static phone pages, written after every write that changes them;
- ``qr``: the public address and QR codes.
"""

from __future__ import annotations

PDF_MIME = "application/pdf"
PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def area_pdf(store, slug: str | None, language: str = "nb") -> bytes:
    """The A4 one-pager of one area (``slug``), or of the whole programme (``None``, at most two pages)."""
    from omradesatsing.reports import pdf

    return pdf.render(store, slug, language)


def area_pptx(store, slug: str | None, language: str = "nb") -> bytes:
    """The presentation's slides for one area (or all areas in work, ``None``) as an editable deck."""
    from omradesatsing.reports import pptx

    return pptx.render(store, slug, language)


def file_name(slug: str | None, language: str, extension: str) -> str:
    """An ASCII file name for a download: ``motepakke-olsvik-nb.pdf``."""
    return f"motepakke-{slug or 'hele-programmet'}-{language}.{extension}"
