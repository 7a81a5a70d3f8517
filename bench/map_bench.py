"""Benchmark: the HTML map for big estates, built in Python and drawn in headless Chromium.

For generated estates of 500 and 10,000 systems (two flows each), prints the
time to build the page in Python, the file size, the time from navigation to
the first drawing in Chromium, and the time to redraw after a pan and a zoom.

    python bench/map_bench.py [SIZE ...]     (needs Debian's chromium at /usr/bin/chromium)
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from flowscope.model import Estate, Source
from flowscope.render.map import render

FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CATEGORIES = ["user.contact.email", "user.name", "system.operations", "user.content.private"]


def generate(size: int, seed: int = 3) -> Estate:
    rng = random.Random(seed)
    estate = Estate(f"generated-{size}")
    here = Source("generated.yaml", 1)
    zones = ["internal"] * 7 + ["third_party"] * 2 + ["public"]
    for i in range(size):
        estate.add_node(
            f"system:s{i}",
            "system",
            here,
            name=f"System {i}",
            zone=rng.choice(zones),
            type="service",
        )
    for f in range(size * 2):
        u, v = rng.sample(range(size), 2)
        if u > v:
            u, v = v, u  # mostly forward: layers, as real estates have
        estate.add_edge(
            f"system:s{u}",
            f"system:s{v}",
            "flow",
            here,
            key=f"flow:{f}",
            declared_categories=[rng.choice(CATEGORIES)],
        )
    return estate


def measure(size: int, browser: object) -> None:
    estate = generate(size)
    started = time.perf_counter()
    page_html = render(estate)
    built = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "map.html"
        path.write_text(page_html, encoding="utf-8")
        page = browser.new_page(viewport={"width": 1400, "height": 850})  # type: ignore[attr-defined]
        page.goto(path.as_uri())
        page.wait_for_function("document.body.dataset.drawn === 'yes'", timeout=120_000)
        first_draw = page.evaluate("window.flowscopeMap.drawnAt") / 1000
        redraw = page.evaluate(
            """() => new Promise(done => {
                const net = window.flowscopeMap.network, t0 = performance.now();
                net.once("afterDrawing", () => done((performance.now() - t0) / 1000));
                net.moveTo({ position: { x: 200, y: 100 }, scale: 1.5, animation: false });
            })"""
        )
        page.close()
    size_mb = len(page_html.encode()) / 1e6
    figures = f"build {built:5.2f} s, {size_mb:5.1f} MB, first draw {first_draw:5.2f} s"
    print(f"{size:>6} systems, {size * 2:>6} flows: {figures}, pan+zoom redraw {redraw:5.3f} s")


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [500, 10_000]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        for size in sizes:
            measure(size, browser)
        browser.close()


if __name__ == "__main__":
    main()
