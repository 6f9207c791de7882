"""The served entry point (asgi_app.py) loads the libraries the pages need when the server starts and
takes their objects out of the garbage collector's reach, so Streamlit's collection after every script
run does not go through them (it took ~190 ms per rerun here; docs/PERFORMANCE.md)."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.e2e.conftest import ROOT

PROBE = """
import gc, json, sys
import asgi_app
print(json.dumps({"frozen": gc.get_freeze_count(),
                  "loaded": [m for m in asgi_app._STARTUP_MODULES if m in sys.modules]}))
"""


def test_startup_objects_are_frozen():
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         check=True)
    found = json.loads(out.stdout.strip().splitlines()[-1])
    assert {"pandas", "altair", "pydeck", "geopandas", "sqlalchemy"} <= set(found["loaded"])
    assert found["frozen"] > 100_000  # the libraries' objects (~250,000 here)
