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
