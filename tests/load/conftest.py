"""The load test uses the browser tests' server fixtures (a fresh server on a copy of the seeded store)."""

from tests.e2e.conftest import start_server, store_file  # noqa: F401 - fixtures
