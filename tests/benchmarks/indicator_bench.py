"""Indikatorer with 100 indicators × 20 years × 1,000 zones: prints query and page times. Not a test.

    .venv/bin/python -m tests.benchmarks.indicator_bench [--zones 1000] [--indicators 100] [--runs 5]

Builds a SQLite store (seed + generated zones, indicators and values, all marked illustrative),
then measures, median of ``--runs``:
- each query the page makes, uncached (the core on its own);
- the Indikatorer script's server time in AppTest: the first run with empty caches, a rerun
  with warm caches, and changing the indicator, the areas and the profile area.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from pathlib import Path

from tests.benchmarks.large_store import LEVEL, add_generated_indicators, add_generated_zones, new_seeded_sqlite

ROOT = Path(__file__).resolve().parents[2]


def _median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def query_times(url: str, runs: int) -> dict[str, float]:
    from omradesatsing import db, read

    store = read.Store.of(db.make_engine(url))
    areas = ("loddefjord", "olsvik")
    return {
        "indicators": _median_ms(lambda: read.indicators.indicators(store), runs),
        "area_trend": _median_ms(lambda: read.indicators.area_trend(store, "bench_050", areas), runs),
        "indicator_gaps": _median_ms(lambda: read.indicators.indicator_gaps(store, "bench_050", areas), runs),
        "indicator_measures": _median_ms(lambda: read.indicators.indicator_measures(store, "bench_050", areas), runs),
        "indicator_info": _median_ms(lambda: read.indicators.indicator_info(store, "bench_050"), runs),
        "value_levels": _median_ms(lambda: read.indicators.value_levels(store), runs),
        "area_gaps (100+ indicators)": _median_ms(lambda: read.indicators.area_gaps(store, "loddefjord"), runs),
        "zone_ranges (delområder, summed)": _median_ms(lambda: read.indicators.zone_ranges(store, "delomraade", 2024), runs),
        f"zone_ranges ({LEVEL}, 1000 zones)": _median_ms(lambda: read.indicators.zone_ranges(store, LEVEL, 2024), runs),
    }


def page_times(url: str, runs: int) -> dict[str, float]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ["DATABASE_URL"] = url
    from tests.benchmarks.large_store import navigation_mode

    mode = navigation_mode()
    mode.__enter__()
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.run()
    at.switch_page("pages/indikatorer.py")
    at.session_state["spenn"] = LEVEL

    def run() -> float:
        start = time.perf_counter()
        at.run()
        assert not at.exception and not at.error, [e.value for e in at.exception] + [e.value for e in at.error]
        return 1000 * (time.perf_counter() - start)

    first = run()
    warm = statistics.median(run() for _ in range(runs))
    indicator, areas, profile = [], [], []
    for i in range(runs):
        at.session_state["indikator"] = f"bench_{(i * 7) % 100:03d}"
        indicator.append(run())
        at.session_state["ind_omrader"] = [["loddefjord", "solheim"], ["olsvik"], ["slettebakken", "olsvik"]][i % 3]
        areas.append(run())
        at.session_state["profil"] = ["solheim", "olsvik", "loddefjord", "ytre-arna", "slettebakken"][i % 5]
        profile.append(run())
    mode.__exit__(None, None, None)
    at.session_state["spenn"] = "delomraade"
    other_level = run()
    return {"first run, empty caches": first, "rerun, warm caches": warm,
            "indicator change": statistics.median(indicator), "areas change": statistics.median(areas),
            "profile area change": statistics.median(profile),
            "range level change (first time)": other_level}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zones", type=int, default=1000)
    parser.add_argument("--indicators", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    print(f"Machine: {platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPUs")
    start = time.perf_counter()
    url = new_seeded_sqlite()
    add_generated_zones(url, args.zones, years=(), indicators=())
    values = add_generated_indicators(url, args.indicators)
    size = Path(url.removeprefix("sqlite:///")).stat().st_size / 1e6
    print(f"Store: {args.zones} zones, {args.indicators} generated indicators × 20 years; "
          f"{values:,} values added ({size:.0f} MB SQLite), built in {time.perf_counter() - start:.0f} s")
    print(f"\nQueries, uncached (median of {args.runs}):")
    for name, ms in query_times(url, args.runs).items():
        print(f"  {name:<40} {ms:8.0f} ms")
    print(f"\nIndikatorer page script, AppTest (median of {args.runs}):")
    for name, ms in page_times(url, args.runs).items():
        print(f"  {name:<40} {ms:8.0f} ms")


if __name__ == "__main__":
    main()
