"""The presentation's rules (no Streamlit): which slides there are, in which order, and the
auto-advance interval a URL may ask for (``?auto=20``)."""

from __future__ import annotations

import re
from collections.abc import Iterable

QUESTIONS = "questions"  # the last slide: «Spørsmål?», the QR code to the phone page and where to meet us

# Auto-advance (``?auto=<seconds>``): slower than 10 minutes is no auto-advance, faster than 5 s leaves
# nobody time to read a slide. Anything else (a word, a fraction, 2, 9999) means no auto-advance.
AUTO_MIN_SECONDS = 5
AUTO_MAX_SECONDS = 600
_SECONDS = re.compile(r"[0-9]{1,4}")


def slide_keys(indicator_keys: Iterable[str]) -> list[str]:
    """The slides in order: the introduction, one per headline indicator, money, measures, the changes
    since the last report and the questions at the end."""
    return ["intro", *[f"indicator:{k}" for k in indicator_keys], "money", "measures", "changes", QUESTIONS]


def auto_seconds(raw) -> int | None:
    """``?auto=`` as whole seconds within ``AUTO_MIN_SECONDS``..``AUTO_MAX_SECONDS``, else None (off)."""
    if not isinstance(raw, str) or not _SECONDS.fullmatch(raw.strip()):
        return None
    value = int(raw.strip())
    return value if AUTO_MIN_SECONDS <= value <= AUTO_MAX_SECONDS else None
