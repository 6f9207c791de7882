"""The one-pager as an A4 PDF, rendered on the server by WeasyPrint from the same HTML as the phone
page: tagged (PDF/UA-1: headings, lists, tables and figures with their text alternatives in the
structure tree), with the document's language (``/Lang``) and title, fonts embedded, charts as vectors."""

from __future__ import annotations

import logging

from weasyprint import HTML

from omradesatsing.read import Store
from omradesatsing.reports import content, html

PDF_VARIANT = "pdf/ua-1"


def from_html(document: str) -> bytes:
    # base_url None and only data: URIs in the HTML: nothing is fetched, from the network or from disk.
    return HTML(string=document, base_url=None).write_pdf(pdf_variant=PDF_VARIANT)


def render(store: Store, slug: str | None, language: str = "nb") -> bytes:
    return from_html(html.render(content.pack(store, slug, language)))


# WeasyPrint logs every CSS property it does not support and every font it substitutes; they are for
# its developers, not for the app's log.
logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)
