"""Names as keys: ``slugify`` turns a place or source name into a stable ASCII key (``Årstad`` → ``arstad``),
for the seed's keys and for matching zone names in imported files."""

from __future__ import annotations

import re
import unicodedata


def slugify(text: str) -> str:
    text = text.replace("ø", "o").replace("Ø", "o").replace("æ", "ae").replace("Æ", "ae")
    text = text.replace("å", "a").replace("Å", "a")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
