"""Where the store is and the few settings the core needs.

The database URL is taken, in this order, from:
1. the environment variable ``DATABASE_URL``;
2. ``DATABASE_URL`` at the top level of ``.streamlit/secrets.toml``, or ``url`` under
   ``[connections.sql]`` in the same file;
3. the default: an embedded SQLite file ``data/omradesatsing.db`` in the project.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
DEFAULT_SQLITE_PATH = DATA_DIR / "omradesatsing.db"
SECRETS_PATH = PROJECT_ROOT / ".streamlit" / "secrets.toml"

# Values built on fewer observations than this are hidden (prikking). SSB and FHI use
# thresholds between 3 and 5; 5 is the stricter, and the default asked for.
DEFAULT_SUPPRESSION_THRESHOLD = 5


def _secrets() -> dict:
    try:
        with SECRETS_PATH.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError):
        return {}


def database_url() -> str:
    """The SQLAlchemy URL of the shared store."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        return url
    secrets = _secrets()
    url = str(secrets.get("DATABASE_URL", "")).strip()
    if url:
        return url
    url = str(secrets.get("connections", {}).get("sql", {}).get("url", "")).strip()
    if url:
        return url
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"


def suppression_threshold() -> int:
    """Smallest count that may be shown; ``OMRADESATSING_MIN_COUNT`` overrides the default."""
    raw = os.environ.get("OMRADESATSING_MIN_COUNT") or _secrets().get("OMRADESATSING_MIN_COUNT")
    try:
        value = int(raw) if raw is not None else DEFAULT_SUPPRESSION_THRESHOLD
    except (TypeError, ValueError):
        value = DEFAULT_SUPPRESSION_THRESHOLD
    return max(value, 1)


def basemap() -> str:
    """The map's default background: ``none`` (offline-safe), ``kartverket_grey``, ``kartverket`` or ``osm``.

    ``OMRADESATSING_BASEMAP`` in the environment wins over ``OMRADESATSING_BASEMAP`` in secrets.toml.
    An unknown value falls back to ``none``, so a typo never makes the app call out.
    """
    from omradesatsing.geo import BASEMAP_CHOICES

    raw = os.environ.get("OMRADESATSING_BASEMAP") or _secrets().get("OMRADESATSING_BASEMAP") or "none"
    value = str(raw).strip().lower()
    return value if value in BASEMAP_CHOICES else "none"


MEDIA_DIR = DATA_DIR / "media"


def media_path(ref: str | None) -> Path | None:
    """A photo in the store's media folder (``data/media``), or None when it is missing.

    Only files inside the folder are served: a web address (``https://…``, ``//host``, ``data:…``; an
    old row may still hold one), a path out of the folder or a missing file is no photo. Nothing is
    fetched from another host (the app must work offline, and a visitor's address must not leak).
    """
    if not isinstance(ref, str) or not ref.strip() or ":" in ref:
        return None
    folder = Path(os.environ.get("OMRADESATSING_MEDIA_DIR") or MEDIA_DIR).resolve()
    path = (folder / ref.strip()).resolve()
    if folder not in path.parents or not path.is_file():
        return None
    return path
