"""The served entry point: Streamlit's app (``app.py``) wrapped so the HTML page says which language
it is in (``<html lang="nb">``), from the first byte a screen reader sees.

Streamlit 1.67 always serves ``<html lang="en">`` and has no setting for it (WCAG 3.1.1). This small
ASGI middleware rewrites the attribute in every HTML response, taking the language from the
``?lang=`` in the address (nb by default); ``app.py`` then keeps it right when the language is
switched on the page. Verified recipe: ../shared/recipes/oidc-login-and-html-lang.md, part B.

Run with ``streamlit run asgi_app.py`` (``./scripts/run-app`` does). AppTest still runs ``app.py``.
"""

from __future__ import annotations

import gzip
import re
from urllib.parse import parse_qs

import streamlit as st
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware

LANGS = ("nb", "nn", "en")
_HTML_LANG = re.compile(rb'<html lang="[^"]*"')


def language_of(query_string: bytes) -> str:
    values = parse_qs(query_string.decode("latin-1")).get("lang", [])
    return values[0] if values and values[0] in LANGS else LANGS[0]


class HtmlLangMiddleware:
    """Set ``<html lang>`` in every text/html GET response. Streamlit serves the same index.html
    for "/" and, as the single-page fallback, for page addresses such as "/kart"; those may come
    gzip-compressed from Streamlit's own middleware, which runs inside this one."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "GET":  # websocket, lifespan, HEAD: untouched
            await self.app(scope, receive, send)
            return
        replacement = f'<html lang="{language_of(scope.get("query_string", b""))}"'.encode()
        start = None
        passthrough = False
        chunks: list[bytes] = []

        async def send_wrapper(message):
            nonlocal start, passthrough
            if message["type"] == "http.response.start":
                content_type = MutableHeaders(raw=message["headers"]).get("content-type", "")
                if content_type.startswith("text/html"):
                    start = message  # hold the headers back until the body is complete
                else:
                    passthrough = True
                    await send(message)
                return
            if passthrough or start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            body = b"".join(chunks)
            headers = MutableHeaders(raw=start["headers"])
            if headers.get("content-encoding") == "gzip":
                body = gzip.decompress(body)
                del headers["content-encoding"]
            body = _HTML_LANG.sub(replacement, body, count=1)
            headers["content-length"] = str(len(body))
            await send(start)
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, send_wrapper)


app = st.App("app.py", middleware=[Middleware(HtmlLangMiddleware)])
