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
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
DEFAULT_SQLITE_PATH = DATA_DIR / "omradesatsing.db"
SECRETS_PATH = PROJECT_ROOT / ".streamlit" / "secrets.toml"

# Values built on fewer observations than this are hidden (prikking). SSB and FHI use
# thresholds between 3 and 5; 5 is the stricter, and the default asked for.
DEFAULT_SUPPRESSION_THRESHOLD = 5


def _secrets(path: Path) -> dict:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError):
        return {}


@dataclass(frozen=True)
class Settings:
    """The store's settings, resolved once (``load_settings``) and handed down with the engine
    (``omradesatsing.read.Store``). Frozen, so it can be a cache key."""

    database_url: str
    # Smallest count that may be shown; values built on fewer observations are suppressed.
    suppression_threshold: int = DEFAULT_SUPPRESSION_THRESHOLD
    # How far (in counts) a hidden count must stay uncertain to anyone who combines everything shown:
    # the interval they can work out must reach this far below and above it. None: the threshold.
    protection_margin: int | None = None

    @property
    def margin(self) -> int:
        return self.suppression_threshold if self.protection_margin is None else self.protection_margin
    # The map's default background: ``none`` (offline-safe), ``kartverket_grey``, ``kartverket`` or ``osm``.
    basemap: str = "none"


def _database_url(environ, secrets: dict) -> str:
    for url in (environ.get("DATABASE_URL", ""), secrets.get("DATABASE_URL", ""),
                secrets.get("connections", {}).get("sql", {}).get("url", "")):
        if str(url).strip():
            return str(url).strip()
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"


def _threshold(raw) -> int:
    try:
        value = int(raw) if raw is not None else DEFAULT_SUPPRESSION_THRESHOLD
    except (TypeError, ValueError):
        value = DEFAULT_SUPPRESSION_THRESHOLD
    return max(value, 1)


def _margin(raw) -> int | None:
    try:
        return max(int(raw), 1) if raw not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _basemap(raw) -> str:
    from omradesatsing.geo import BASEMAP_CHOICES

    value = str(raw or "none").strip().lower()
    return value if value in BASEMAP_CHOICES else "none"  # a typo never makes the app call out


def load_settings(environ: Mapping[str, str] | None = None, secrets_path: Path | None = None) -> Settings:
    """Read the settings from the environment and ``.streamlit/secrets.toml`` (the environment wins).

    - the database URL: see the module's docstring;
    - ``OMRADESATSING_MIN_COUNT``: the suppression threshold (default 5; a value that is no whole
      number counts as the default, and it is never below 1);
    - ``OMRADESATSING_PROTECTION_MARGIN``: how far a hidden count must stay uncertain (default: the
      threshold);
    - ``OMRADESATSING_BASEMAP``: the map's default background (an unknown value is ``none``).
    """
    environ = os.environ if environ is None else environ
    secrets = _secrets(secrets_path or SECRETS_PATH)

    def setting(name: str):
        return environ.get(name) or secrets.get(name)

    return Settings(database_url=_database_url(environ, secrets),
                    suppression_threshold=_threshold(setting("OMRADESATSING_MIN_COUNT")),
                    protection_margin=_margin(setting("OMRADESATSING_PROTECTION_MARGIN")),
                    basemap=_basemap(setting("OMRADESATSING_BASEMAP")))


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
