"""The benchmark script runs from the test command: a short smoke by default, the whole of it with
``--bench``. Neither asserts a speed (the figures are for docs/PERFORMANCE.md, not pass or fail); they fail
when the script cannot measure something: a page that does not render, an action that starts no script run,
a table left without its figures."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from tests.benchmarks.__main__ import KEEP_MARK, PAGES, ROOT

pytestmark = pytest.mark.e2e

NUMBER = r"\d+(?:\.\d+)?"


def _run(args: list[str], timeout: int) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tests.benchmarks", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, "PYTHONUNBUFFERED": "1"})


def _assert_every_figure(text: str, *, large: bool) -> None:
    for page in PAGES:
        browser = rf"^\| {page} \| {NUMBER} \| {NUMBER} \| (yes|no) \| {NUMBER} \| {NUMBER} \|$"
        assert re.search(browser, text, re.M), page
        server = rf"^\| {page} \| {NUMBER} \| {NUMBER} \| " + (rf"{NUMBER} \| {NUMBER} \| (yes|no)" if large
                                                               else r"nan \| nan \| –") + r" \|$"
        assert re.search(server, text, re.M), page
    for action in ("page switch", "another indicator", "another year"):
        assert re.search(rf"^\| [^|]*{action}[^|]* \| {NUMBER} \| [^|]+ \| {NUMBER} \| {NUMBER} \| (yes|no) \|$",
                         text, re.M), action
    assert re.search(rf"RSS of the app server: {NUMBER} MB after the measurements above, {NUMBER} MB with", text)
    assert text.count(KEEP_MARK) == 1


def test_benchmark_smoke(tmp_path, pytestconfig):
    if pytestconfig.getoption("--bench"):
        pytest.skip("the whole benchmark runs instead (test_whole_benchmark)")
    out = tmp_path / "PERFORMANCE.md"
    out.write_text("old figures\n\n" + KEEP_MARK + "\n\nNotes written by hand.\n", encoding="utf-8")
    done = _run(["--runs", "1", "--sessions", "2", "--no-large", "--out", str(out)], timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    text = out.read_text(encoding="utf-8")
    _assert_every_figure(text, large=False)
    assert "old figures" not in text and text.endswith("\n\nNotes written by hand.\n")  # notes kept


def test_whole_benchmark(pytestconfig):
    if not pytestconfig.getoption("--bench"):
        pytest.skip("the whole benchmark: opt-in with --bench (./scripts/run-tests --bench tests/benchmarks)")
    done = _run([], timeout=3600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    _assert_every_figure((ROOT / "docs" / "PERFORMANCE.md").read_text(encoding="utf-8"), large=True)
