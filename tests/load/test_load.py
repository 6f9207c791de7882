"""Load test (opt-in): concurrent browser sessions browse every page of one app server.

    ./scripts/run-tests --load tests/load [--load-sessions 16] [--load-seconds 120] [--load-workers W]

One `streamlit run asgi_app.py` on a copy of the seeded store. The sessions are spread over W worker
processes (default one per 8 sessions), each with its own Playwright and one headless Chromium that
drives its share of the sessions concurrently (async API); see tests/load/worker.py for what a session
does. Any error element, page error, console error, crash, HTTP 5xx, render timeout or traceback in the
server log fails the test, and so does a page that was never rendered. The figures (render time per
page: p50, p95, max) are printed and written to docs/LOAD.md. Skipped without ``--load``.
"""

from __future__ import annotations

import datetime as dt
import math
import multiprocessing
import os
import queue as queue_module
import shlex
import statistics
import time
from pathlib import Path

import pytest

from tests.load.worker import PATHS, Result, Settings, work
from tests.machine import describe, rss_mb

ROOT = Path(__file__).resolve().parents[2]
SESSIONS_PER_WORKER = 8
STAGGER_SECONDS = 10.0
THINK_SECONDS = (0.5, 1.5)
TIMEOUT_MS = 60_000
SERVER_LOG_ERRORS = ("page failed", "ERROR", "CRITICAL", "Exception")

# What the quality issue asked for (30 sessions for 2 minutes) and why the default is lower; written
# into docs/LOAD.md. From the runs of 23.11.2026 on the 2-CPU machine described there.
CAPACITY = (
    "The quality issue asks for 30 concurrent sessions. This 2-CPU machine cannot drive 30 real browsers "
    "and the server at once: in a 120 s run with `--load-sessions 30` (4 worker processes) the browsers took "
    "78 % of the machine's CPU and the app server 8 %; only 30 pages were rendered (p50 41 s) and 43 renders "
    "timed out at 60 s, 21 of them already in `page.goto` (the browser did not finish loading the page's "
    "static files) and 17 before the page's heading appeared. The browsers were starved of CPU, not the "
    "server. With 20 sessions 4 of 69 renders timed out (p50 34 s; the browsers 69 % of the CPU, the server "
    "8 %, other work on the shared machine 22 %). 16 sessions is the default, and it is the edge of this "
    "machine. Runs with 16 sessions on 23.11.2026: the code before the Indikatorer fragments and the "
    "element merges, three runs, none with a timeout (124, 111 and 78 renders); the code after them, five "
    "runs, four with one to three renders over 60 s (77–113 renders; the browsers starved of CPU, the "
    "server at 5–6 %). A run of the new code with 14 sessions had none, but its slowest render took 59 s. "
    "Whether the new code's tail is worse under this load or this is chance (four of eight runs, all four "
    "of the new code) is not settled: the browser's main-thread time per first render measured the same "
    "within ±10 % in an A/B of the two. After the frontend files were served from memory and the element "
    "bundles loaded when idle (same evening), the app server's share fell to 4 % (13 CPU-seconds in a run, "
    "against 19–41 before) and two runs gave 93 renders with three Kart renders over 60 s (started with the "
    "machine still busy, load average 1.7) and 122 renders without an error (p95 43 s, slowest 59.5 s). "
    "On a machine with more cores run `--load-sessions 30`."
)

pytestmark = pytest.mark.e2e


def _p(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)] if ordered else float("nan")


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


def _server_log_errors(text: str) -> list[str]:
    """Error lines and tracebacks in the server's output, a traceback as its exception line (with the
    error line just before it, e.g. app.py's "page failed")."""
    out: list[str] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("Traceback (most recent call last):"):
            j = i + 1
            while j < len(lines) and (not lines[j].strip() or lines[j][0].isspace()):
                j += 1
            exception = lines[j].strip() if j < len(lines) else "(end of log)"
            before = out.pop() if out and i > 0 and lines[i - 1].strip() == out[-1] else "Traceback"
            out.append(f"{before} → {exception}")
            i = j + 1
            continue
        if any(marker in line for marker in SERVER_LOG_ERRORS):
            out.append(line.strip())
        i += 1
    return [line[:300] for line in out]


def _tree_cpu_seconds(roots: list[int]) -> dict[int, float]:
    """CPU time so far of every process in the trees under ``roots`` (pid -> seconds)."""
    tick = os.sysconf("SC_CLK_TCK")
    parent: dict[int, int] = {}
    cpu: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        pid = int(entry.name)
        parent[pid] = int(fields[1])
        cpu[pid] = (int(fields[11]) + int(fields[12])) / tick
    children: dict[int, list[int]] = {}
    for pid, ppid in parent.items():
        children.setdefault(ppid, []).append(pid)
    out: dict[int, float] = {}
    todo = [pid for pid in roots if pid in cpu]
    while todo:
        pid = todo.pop()
        out[pid] = cpu[pid]
        todo.extend(children.get(pid, []))
    return out


def _machine_cpu_seconds() -> float:
    """CPU time the whole machine has been busy (every process, every CPU), from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def _table(renders: list[tuple[str, str, float]], errors: list[tuple]) -> list[str]:
    rows = ["| page | renders | p50 s | p95 s | max s | errors |", "|---|---:|---:|---:|---:|---:|"]

    def row(label: str, times: list[float], n_errors: int) -> str:
        if not times:
            return f"| {label} | 0 | – | – | – | {n_errors} |"
        return (f"| {label} | {len(times)} | {statistics.median(times):.1f} | {_p(times, 0.95):.1f} | "
                f"{max(times):.1f} | {n_errors} |")

    for name in PATHS:
        rows.append(row(name, [s for p, _, s in renders if p == name], sum(1 for e in errors if e[1] == name)))
    for how, label in (("url", "by direct URL"), ("menu", "by the menu")):
        rows.append(row(f"*all, {label}*", [s for _, h, s in renders if h == how],
                        sum(1 for e in errors if e[2] == how)))
    rows.append(row("**all**", [s for *_, s in renders], len(errors)))
    return rows


def test_load(request):
    config = request.config
    if not config.getoption("--load"):
        pytest.skip("load test: opt-in with --load (./scripts/run-tests --load tests/load)")
    from tests.e2e.conftest import CHROMIUM, ui

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    sessions = config.getoption("--load-sessions")
    seconds = config.getoption("--load-seconds")
    workers = config.getoption("--load-workers") or math.ceil(sessions / SESSIONS_PER_WORKER)
    workers = max(1, min(workers, sessions))
    server = request.getfixturevalue("start_server")()

    titles = {"oversikt": ui("overview.title"), "kart": ui("map.title"), "indikatorer": ui("indicators.title"),
              "investeringer": ui("investments.title"), "delprogrammer": ui("programme.title"),
              "omrade": "Loddefjord", "presentasjon": ui("presentation.intro_title"), "om_dataene": ui("about.title"),
              "admin": ui("login.title")}
    menu = {name: ui(f"nav.{name}") for name in PATHS}
    cpu_start = _cpu_seconds(server.proc.pid)
    machine_start = _machine_cpu_seconds()
    load_before = os.getloadavg()
    wall_start = time.monotonic()
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(workers)
    results_queue = ctx.Queue()
    processes = []
    for w in range(workers):
        settings = Settings(base=server.url, titles=titles, menu=menu, sessions=list(range(w, sessions, workers)),
                            total_sessions=sessions, seconds=seconds, stagger=STAGGER_SECONDS, think=THINK_SECONDS,
                            timeout_ms=TIMEOUT_MS)
        proc = ctx.Process(target=work, args=(w, settings, barrier, results_queue), name=f"load-worker-{w}")
        proc.start()
        processes.append(proc)

    # While they run: the server's memory and CPU, sampled once a second.
    results: list[Result] = []
    failures: list[str] = []
    rss_samples: list[float] = []
    give_up = wall_start + seconds + 300 + 120  # Chromium start (barrier) + the last renders + closing
    tree_cpu: dict[int, float] = {}  # pid -> CPU seconds when last seen (all started during the run)
    worker_pids = [proc.pid for proc in processes]
    while len(results) + len(failures) < workers and time.monotonic() < give_up:
        rss_samples.append(rss_mb(server.proc.pid))
        tree_cpu.update(_tree_cpu_seconds(worker_pids))
        try:
            item = results_queue.get(timeout=1)
        except queue_module.Empty:
            if all(not p.is_alive() for p in processes) and results_queue.empty():
                break
            continue
        if isinstance(item, Result):
            results.append(item)
        else:
            failures.append(f"worker {item[0]} failed:\n{item[1]}")
    rss_end = rss_mb(server.proc.pid)
    cpu_used = _cpu_seconds(server.proc.pid) - cpu_start
    for proc in processes:
        proc.join(30)
        if proc.is_alive():
            proc.terminate()
            proc.join(10)
    wall = time.monotonic() - wall_start
    machine_used = _machine_cpu_seconds() - machine_start
    # The workers' CPU with their Playwright drivers and Chromium processes, sampled each second
    # (what a process used in its last second before it ended is missed).
    generator_used = sum(tree_cpu.values())
    if len(results) + len(failures) < workers:
        failures.append(f"only {len(results)} of {workers} workers reported (exit codes "
                        f"{[p.exitcode for p in processes]})")

    renders = [r for res in results for r in res.renders]
    errors = sorted(e for res in results for e in res.errors)
    errors += [(-1, "(server)", "-", "server log", line) for line in _server_log_errors(server.output())]
    browsed = (max((r.finished for r in results), default=0) - min((r.started for r in results), default=0))

    chromium = next((r.chromium for r in results if r.chromium), "?")
    per_worker = sorted({len(range(w, sessions, workers)) for w in range(workers)})
    lines: list[str] = []

    def say(text: str = "") -> None:
        lines.append(text)

    command = "./scripts/run-tests " + shlex.join(config.invocation_params.args)
    say("# Load test")
    say()
    say(f"Run {dt.datetime.now():%d.%m.%Y %H:%M} with `{command}`.")
    say()
    say(f"- Machine: {describe(chromium)}.")
    say(f"- Settings: {sessions} concurrent browser sessions for {seconds:.0f} s, spread over {workers} worker "
        f"process{'es' if workers > 1 else ''} ({' or '.join(map(str, per_worker))} sessions each); each process runs its own Playwright and "
        f"one headless Chromium and drives its sessions concurrently with the async API. One app server "
        f"(`streamlit run asgi_app.py`, seeded SQLite store) serves them all, on the same machine.")
    say(f"- A session is a fresh browser context at 1280×720 (cold HTTP cache); the sessions start spread over "
        f"{STAGGER_SECONDS:.0f} s. Each opens the app by a direct URL, then goes through all {len(PATHS)} pages in a "
        f"shuffled order, round after round, alternating a direct URL and a click in the sidebar menu (a direct "
        f"URL again after an error), with a pause of {THINK_SECONDS[0]}–{THINK_SECONDS[1]} s after each page.")
    say(f"- Render time: from `goto` or the menu click until the app is CONNECTED, the script is `notRunning` "
        f"and the page's own heading and key element (Kart: the map; Indikatorer, Investeringer: a chart) "
        f"are visible. Errors: an error element on the page, a page error, a console error, a crash, an HTTP "
        f"status ≥ 500, no complete render within {TIMEOUT_MS // 1000} s, or a traceback or ERROR in the server "
        f"log. p95 is nearest-rank over the successful renders.")
    say(f"- Browsed for {browsed:.0f} s (to the end of the last render after the deadline).")
    say()
    say("## Capacity of this machine")
    say()
    say(CAPACITY)
    say()
    say("## Render times")
    say()
    for line in _table(renders, errors):
        say(line)
    say()
    say("## Server and machine")
    say()
    peak = max((x for x in rss_samples if not math.isnan(x)), default=float("nan"))
    say(f"RSS of the app server at the end: {rss_end:.0f} MB (peak {peak:.0f} MB, sampled each second).")
    say()
    cpus = os.cpu_count() or 1
    say(f"Where the CPU went in the {wall:.0f} s of the run ({cpus} CPUs: {cpus * wall:.0f} CPU-seconds; the "
        f"machine was busy for {machine_used:.0f}, {100 * machine_used / (cpus * wall):.0f} %):")
    say()
    say("| process | CPU-seconds | share of the machine |")
    say("|---|---:|---:|")
    others = machine_used - cpu_used - generator_used
    for label, used in (("app server (one Streamlit process)", cpu_used),
                        ("the browsers: worker processes, Playwright drivers, Chromium", generator_used),
                        ("everything else on the machine (shared)", others)):
        say(f"| {label} | {used:.0f} | {100 * used / (cpus * wall):.0f} % |")
    say()
    say(f"Load average (1 min) just before the run: {load_before[0]:.1f}.")
    say()
    say("## Errors")
    say()
    probes = sum(r.probe_404s for r in results)
    say(f"Not counted: {probes} console errors for Streamlit's own 404 probe of `<page>/_stcore/health` and "
        "`<page>/_stcore/host-config` on a direct URL to a page other than `/` (it then finds the server at `/`; "
        "known upstream, streamlit/streamlit#7074).")
    say()
    if not errors and not failures:
        say("None.")
    for failure in failures:
        say(f"- {failure}")
    for number, page, how, kind, message in errors:
        say(f"- {f'session {number}, ' if number >= 0 else ''}{page} ({how}), {kind}: {message}")
    docs = ROOT / "docs"
    docs.mkdir(exist_ok=True)
    (docs / "LOAD.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with request.getfixturevalue("capsys").disabled():  # the figures on the terminal, pass or fail
        print("\n\n" + "\n".join(lines) + f"\n\nwritten to {docs / 'LOAD.md'}", flush=True)

    missing = [name for name in PATHS if not any(p == name for p, *_ in renders)]
    problems = failures + [f"{page} ({how}{f', session {number}' if number >= 0 else ''}) {kind}: {message}"
                           for number, page, how, kind, message in errors[:50]]
    if len(errors) > 50:
        problems.append(f"… and {len(errors) - 50} more (docs/LOAD.md lists them all)")
    if missing:
        problems.append(f"pages never rendered: {', '.join(missing)}")
    if problems:
        pytest.fail(f"load test failed: {len(errors)} errors, {len(failures)} worker failures, {len(missing)} pages "
                    "never rendered\n" + "\n".join(problems), pytrace=False)
