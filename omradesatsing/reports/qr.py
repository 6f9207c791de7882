"""The phone page's public address and its QR code.

The address comes from the setting ``OMRADESATSING_PUBLIC_URL`` (the address people reach the app at,
e.g. ``https://omradesatsing.bergen.kommune.no``). Without it there is no QR code: a code that points
to ``localhost`` or to an address the audience cannot reach would be worse than none, so callers
leave it out and say why (``reports.qr.missing_note``).
"""

from __future__ import annotations

import io
import os
import urllib.parse

import segno

from omradesatsing import config
from omradesatsing.catalogue import tr

PUBLIC_URL_VARIABLE = "OMRADESATSING_PUBLIC_URL"
PHONE_PATH = "telefon"  # the phone pages' folder in the address: /telefon/olsvik-nb.html
_LOCAL_HOSTS = ("localhost", "127.0.0.1", "0.0.0.0", "::1", "[::1]")


def public_url(environ=None) -> str | None:
    """The public base address (no trailing slash), or None when it is unset or points to this machine.
    From the environment, else from ``.streamlit/secrets.toml`` (top level)."""
    if environ is None:
        environ = os.environ if os.environ.get(PUBLIC_URL_VARIABLE) else config._secrets(config.SECRETS_PATH)
    raw = str(environ.get(PUBLIC_URL_VARIABLE, "") or "").strip().rstrip("/")
    if not raw:
        return None
    parts = urllib.parse.urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.hostname in _LOCAL_HOSTS:
        return None
    return raw


ALL_AREAS = "alle"  # the phone page of the whole programme: /telefon/alle-nb.html


def phone_file_name(slug: str | None, language: str) -> str:
    """``olsvik-nb.html``; the whole programme (``None``) is ``alle-nb.html``."""
    return f"{slug or ALL_AREAS}-{language}.html"


def phone_url(slug: str | None, language: str, environ=None) -> str | None:
    """The phone page of one area (or of the whole programme, ``None``) in one language at the public
    address, or None without one."""
    base = public_url(environ)
    if base is None:
        return None
    return f"{base}/{PHONE_PATH}/{urllib.parse.quote(phone_file_name(slug, language))}"


def live_url(slug: str | None, language: str, environ=None) -> str | None:
    """The live Område page (Oversikt for the whole programme) at the public address (None without one)."""
    base = public_url(environ)
    if base is None:
        return None
    if slug is None:
        return f"{base}/?{urllib.parse.urlencode({'lang': language})}"
    return f"{base}/omrade?{urllib.parse.urlencode({'omrade': slug, 'lang': language})}"


def qr_svg(url: str) -> str:
    """The QR code as inline SVG (vector: sharp in a PDF and on a projector). Percent-encoded URLs only
    (``phone_url`` does it): a raw "ø" would be stored in byte mode and read back wrongly."""
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=4, border=2, xmldecl=False, svgns=True,
                                    title=None, desc=None, svgclass=None, lineclass=None)
    return out.getvalue().decode()


def qr_png(url: str, scale: int = 10) -> bytes:
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=scale, border=2)
    return out.getvalue()


def missing_note(language: str) -> str:
    """Said where the QR would be when there is no public address."""
    return tr(language, "reports.qr_missing", variable=PUBLIC_URL_VARIABLE)
