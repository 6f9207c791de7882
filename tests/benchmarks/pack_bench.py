"""Server time of the meeting packs (issue 26's speed goals), and what making one costs the others.
Not a test: it prints figures (docs/PERFORMANCE.md keeps the latest).

    .venv/bin/python -m tests.benchmarks.pack_bench [--runs 5]

On a freshly seeded SQLite store, in this process:

1. the first pack of a process (fonts, the chart engine and WeasyPrint warming up), then the median of
   ``--runs`` warm runs of: Olsvik's PDF, Olsvik's PPTX, the whole programme's PDF, and all the phone pages
   (each area and the programme in three languages: what a write triggers in the background);
2. a page while a pack is made: Område's warm rerun in AppTest (median of ``--runs``), alone and while
   another thread makes Olsvik's PDF over and over, as the server does for a click on the download button
   (Streamlit runs the deferred download in a worker thread of the same process).

Goals: an area's PDF ≤ 1 s and PPTX ≤ 1 s, the programme PDF ≤ 5 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path


def _ms(fn) -> float:
    start = time.perf_counter()
    fn()
    return 1000 * (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="pack-bench-"))
    url = f"sqlite:///{folder / 'store.db'}"
    os.environ["DATABASE_URL"] = url
    os.environ["OMRADESATSING_PHONE_DIR"] = str(folder / "telefon")
    os.environ.setdefault("OMRADESATSING_PUBLIC_URL", "https://omradesatsing.example.no")

    from omradesatsing import db, reports
    from omradesatsing.cli import init_db
    from omradesatsing.read import Store
    from omradesatsing.reports import phone

    init_db(url)
    store = Store.of(db.make_engine(url))
    first = _ms(lambda: reports.area_pdf(store, "olsvik", "nb"))
    print(f"Første PDF i prosessen (oppvarming): {first:.0f} ms")
    jobs = {
        "Olsvik, PDF (A4)": lambda: reports.area_pdf(store, "olsvik", "nb"),
        "Olsvik, PowerPoint": lambda: reports.area_pptx(store, "olsvik", "nb"),
        "Hele programmet, PDF": lambda: reports.area_pdf(store, None, "nb"),
        "Alle telefonsidene (21)": lambda: phone.write_all(store),
    }
    for name, job in jobs.items():
        job()
        times = [_ms(job) for _ in range(args.runs)]
        print(f"{name}: median {statistics.median(times):.0f} ms (min {min(times):.0f}, maks {max(times):.0f})")

    from streamlit.testing.v1 import AppTest

    from components import data
    from omradesatsing.permissions import Actor
    from tests.benchmarks.__main__ import ROOT
    from tests.benchmarks.large_store import navigation_mode

    with navigation_mode():
        data.reset()
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
        at.session_state["actor"] = Actor("bench", "admin", "Benchmark")
        at.run()
        at.switch_page("pages/omrade.py")
        at.run()

        def page() -> float:
            return _ms(at.run)

        alone = statistics.median([page() for _ in range(args.runs)])
        stop = threading.Event()
        made = []

        def packs() -> None:
            while not stop.is_set():
                reports.area_pdf(store, "olsvik", "nb")
                made.append(1)

        worker = threading.Thread(target=packs, daemon=True)
        worker.start()
        time.sleep(0.2)
        busy = statistics.median([page() for _ in range(args.runs)])
        stop.set()
        worker.join()
    print(f"Område, varm omkjøring: {alone:.0f} ms alene, {busy:.0f} ms mens en PDF lages "
          f"({len(made)} PDF-er laget i mellomtiden)")


if __name__ == "__main__":
    main()
