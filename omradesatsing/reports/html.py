"""The one-pager's HTML: one Jinja template (``one_pager.html``) for the A4 PDF (print media) and for
the phone page (screen media). Everything is embedded (charts and QR as data URIs, no web fonts), so
the file needs nothing from the network and can be served as a plain file."""

from __future__ import annotations

import base64
import dataclasses
import functools
import urllib.parse
from pathlib import Path

import jinja2

from omradesatsing.catalogue import tr
from omradesatsing.reports import charts
from omradesatsing.reports.content import Pack

_DIR = Path(__file__).parent


@functools.cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(_DIR), autoescape=True, trim_blocks=True,
                              lstrip_blocks=True, undefined=jinja2.StrictUndefined)


def svg_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def live_href(p: Pack) -> str:
    """The live page: at the public address when there is one, else relative to the phone page
    (``/telefon/olsvik-nb.html`` → ``/omrade?omrade=olsvik``), which works on the same server."""
    if p.live_url:
        return p.live_url
    if p.slug is None:
        return "../?" + urllib.parse.urlencode({"lang": p.language})
    return "../omrade?" + urllib.parse.urlencode({"omrade": p.slug, "lang": p.language})


def render(p: Pack, *, phone: bool = False, compact: bool = False) -> str:
    """The one-pager as a complete HTML document; ``phone``: the static phone page (a link to the live
    page, no QR code: it is what the QR opens)."""
    language = p.language
    drawn = {f.key: charts.then_now(f, p.place, language) for f in p.figures} if p.slug else {}
    chart_uris = {k: (svg_uri(v[0]), v[1]) if v else None for k, v in drawn.items()}
    money_chart = None
    if p.slug is None and p.areas:
        rows = [{"name": a.name, "budget_nok": a.budget_nok, "spent_nok": a.spent_nok} for a in p.areas]
        made = charts.budget_spent(rows, language) if rows else None
        money_chart = (svg_uri(made[0]), made[1]) if made else None
    template = _environment().get_template("one_pager.html")
    shown = p if not phone else _for_phone(p)
    return template.render(p=shown, t=lambda key, **values: tr(language, key, **values), charts=chart_uris,
                           money_chart=money_chart, qr_src=svg_uri(p.qr_svg) if p.qr_svg else "",
                           phone=phone, compact=compact)


def _for_phone(p: Pack) -> Pack:
    return dataclasses.replace(p, qr_svg=None, qr_note=None, live_url=live_href(p))
