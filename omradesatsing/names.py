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


def named_like_an_area(zone_name: str, area_names) -> bool:
    """True when a zone's name is also a programme area's name (``Loddefjord``, or ``Solheim`` beside the
    area ``Solheim (nord og sør)``): the zone's figure is then not the area's, and a page names the zone
    with its level (``Loddefjord (delområde)``) so the two are not read as one."""
    key = slugify(zone_name)
    return any(key in (slugify(a), slugify(re.sub(r"\s*\(.*?\)", "", a))) for a in area_names if isinstance(a, str))
