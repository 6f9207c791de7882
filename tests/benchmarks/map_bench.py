"""Kart with 1,000 zones: prints how long the page takes and how much it sends. Not a test.

    .venv/bin/python -m tests.benchmarks.map_bench [--zones 1000] [--runs 5] [--no-browser]

Measures, on the seed store (20 delområder) and on a store with ``--zones`` generated zones:
- the Kart script's server time (AppTest): first run with empty caches, then reruns (median);
- the size of the deck JSON sent to the browser;
- in Chromium (fresh context each run): load until the map has painted, and a click on a zone
  until the side panel shows it (median of ``--runs``).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import statistics
import time
from pathlib import Path

from tests.benchmarks.large_store import LEVEL, add_generated_zones, new_seeded_sqlite

ROOT = Path(__file__).resolve().parents[2]


def _apptest_times(url: str, level: str, runs: int) -> dict:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ["DATABASE_URL"] = url
    from tests.benchmarks.large_store import navigation_mode

    mode = navigation_mode()
    mode.__enter__()
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.run()
    at.switch_page("pages/kart.py")
    at.session_state["nivaa"] = level
    start = time.perf_counter()
    at.run()
    first = time.perf_counter() - start
    assert not at.exception and not at.error, [e.value for e in at.exception] + [e.value for e in at.error]
    spec = at.get("deck_gl_json_chart")[0].proto.json
    zones = next(lay for lay in json.loads(spec)["layers"] if lay["id"] == "zones")
    reruns = []
    codes = [f["properties"]["code"] for f in zones["data"]["features"]]
    for i in range(runs):
        at.session_state["sone"] = codes[i % len(codes)]  # a click: select a zone
        start = time.perf_counter()
        at.run()
        reruns.append(time.perf_counter() - start)
    year_change = []
    for year in ("2023", "2024") * ((runs + 1) // 2):
        at.selectbox(key="aar").set_value(year)
        start = time.perf_counter()
        at.run()
        year_change.append(time.perf_counter() - start)
    mode.__exit__(None, None, None)
    return {"zones": len(codes), "deck_bytes": len(spec), "first_run_s": first,
            "select_rerun_s": statistics.median(reruns), "year_change_s": statistics.median(year_change[1:])}


def _browser_times(store: Path, level: str, runs: int) -> dict:
    from PIL import Image
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, AppServer, wait_for_app_run

    server = AppServer(store)
    loads, clicks = [], []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for _ in range(runs):
                context = browser.new_context(viewport={"width": 1280, "height": 720})
                page = context.new_page()
                page.set_default_timeout(120_000)
                start = time.perf_counter()
                page.goto(f"{server.url}/kart?nivaa={level}")
                wait_for_app_run(page)
                deck = page.locator("[data-testid='stDeckGlJsonChart']")
                while True:
                    img = Image.open(io.BytesIO(deck.screenshot())).convert("RGB").resize((120, 100))
                    if len(set(img.get_flattened_data())) > 40:
                        break
                    page.wait_for_timeout(100)
                loads.append(time.perf_counter() - start)
                box = deck.bounding_box()
                x, y = box["x"] + box["width"] * 0.55, box["y"] + box["height"] * 0.75
                page.mouse.move(x, y)
                page.wait_for_timeout(300)
                start = time.perf_counter()
                page.mouse.click(x, y)
                page.get_by_role("button", name="Fjern valget").wait_for(state="visible")
                wait_for_app_run(page)
                clicks.append(time.perf_counter() - start)
                context.close()
            browser.close()
    finally:
        server.stop()
    return {"load_to_painted_map_s": statistics.median(loads), "click_to_panel_s": statistics.median(clicks)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zones", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()

    seed_url = new_seeded_sqlite()
    big_url = new_seeded_sqlite()
    start = time.perf_counter()
    added = add_generated_zones(big_url, args.zones)
    print(f"# Kart benchmark — {platform.node()}, {os.cpu_count()} CPU, Python {platform.python_version()}")
    print(f"generated store: {added} zones at level {LEVEL} in {time.perf_counter() - start:.1f} s")
    rows = []
    for label, url, level in (("seed, delområder", seed_url, "delomraade"), (f"{added} zones", big_url, LEVEL)):
        row = {"store": label, **_apptest_times(url, level, args.runs)}
        if not args.no_browser:
            row.update(_browser_times(Path(url.removeprefix("sqlite:///")), level, args.runs))
        rows.append(row)
    print()
    print("| store | zones | deck JSON | script, first run (cold caches) | rerun after a click | year change |"
          + ("" if args.no_browser else " load → map painted | click → side panel |"))
    print("|---|---|---|---|---|---|" + ("" if args.no_browser else "---|---|"))
    for r in rows:
        line = (f"| {r['store']} | {r['zones']} | {r['deck_bytes'] / 1e6:.2f} MB | {r['first_run_s'] * 1000:.0f} ms | "
                f"{r['select_rerun_s'] * 1000:.0f} ms | {r['year_change_s'] * 1000:.0f} ms |")
        if not args.no_browser:
            line += f" {r['load_to_painted_map_s']:.1f} s | {r['click_to_panel_s']:.1f} s |"
        print(line)


if __name__ == "__main__":
    main()
