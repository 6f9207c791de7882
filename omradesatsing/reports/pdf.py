"""The one-pager as an A4 PDF, rendered on the server by WeasyPrint from the same HTML as the phone
page: tagged (PDF/UA-1: headings, lists, tables and figures with their text alternatives in the
structure tree), with the document's language (``/Lang``) and title, fonts embedded, charts as vectors."""

from __future__ import annotations

import logging

from weasyprint import HTML

from omradesatsing.read import Store
from omradesatsing.reports import content, html

PDF_VARIANT = "pdf/ua-1"


AREA_PAGES, PROGRAMME_PAGES = 1, 2


def _document(document: str):
    # base_url None and only data: URIs in the HTML: nothing is fetched, from the network or from disk.
    return HTML(string=document, base_url=None).render(pdf_variant=PDF_VARIANT)


def render(store: Store, slug: str | None, language: str = "nb") -> bytes:
    """One A4 page for an area, two at most for the whole programme: when the page would run over (long
    lists, English words), it is laid out once more a little tighter."""
    pack = content.pack(store, slug, language)
    document = _document(html.render(pack))
    if len(document.pages) > (AREA_PAGES if slug else PROGRAMME_PAGES):
        document = _document(html.render(pack, compact=True))
    return document.write_pdf(pdf_variant=PDF_VARIANT)


# WeasyPrint logs every CSS property it does not support and every font it substitutes; they are for
# its developers, not for the app's log.
logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)
