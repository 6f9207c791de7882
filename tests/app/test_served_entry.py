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


# Streamlit's own listening socket (starlette_server._bind_socket), served by asyncio as uvicorn does;
# prints whether the accepted connection has Nagle's algorithm off.
NODELAY_PROBE = """
import asyncio, socket, sys
if sys.argv[1] == "entry":
    import asgi_app  # noqa: F401
from streamlit.web.server.starlette.starlette_server import _bind_socket

async def main():
    listener = _bind_socket("127.0.0.1", 0, 8)
    accepted = asyncio.get_running_loop().create_future()

    class Probe(asyncio.Protocol):
        def connection_made(self, transport):
            sock = transport.get_extra_info("socket")
            accepted.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))

    server = await asyncio.get_running_loop().create_server(Probe, sock=listener)
    _, writer = await asyncio.open_connection(*listener.getsockname())
    print(await asyncio.wait_for(accepted, 10))
    writer.close()
    server.close()

asyncio.run(main())
"""


def _nodelay(mode: str) -> int:
    out = subprocess.run([sys.executable, "-c", NODELAY_PROBE, mode], cwd=ROOT, capture_output=True, text=True,
                         timeout=120, check=True)
    return int(out.stdout.strip().splitlines()[-1])


def test_served_connections_do_not_wait_for_delayed_acks():
    """With Nagle's algorithm on, a response written while an earlier segment is unacknowledged waits for
    the browser's delayed ACK (~40 ms on Linux): every request after the first on a keep-alive connection
    took 44 ms here, and a page's deltas trickled in. The served entry turns it off for the connections on
    Streamlit's socket."""
    assert _nodelay("plain") == 0, "Streamlit now turns Nagle off itself: asgi_app.set_nodelay can go"
    assert _nodelay("entry") != 0
