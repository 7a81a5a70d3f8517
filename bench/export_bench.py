"""Benchmark: every export format on the sample estate and on generated big estates.

Prints, per estate and format, the time to write the export and its size; for
``dot`` also the time Graphviz's ``dot -Tsvg`` takes to lay it out, and for
``mermaid`` what the diagram kept.

    python bench/export_bench.py [SIZE ...]     (default 500 2000 10000; needs graphviz)
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import flowscope
from flowscope.export import FORMATS
from flowscope.model import Estate
from map_bench import generate

ACME = Path(__file__).resolve().parent.parent / "inventories" / "acme"
DOT_TIMEOUT = 600


def measure(label: str, estate: Estate) -> None:
    print(f"{label}: {estate.graph.number_of_nodes():,} nodes, "
          f"{estate.graph.number_of_edges():,} edges")  # fmt: skip
    for fmt in FORMATS:
        start = time.perf_counter()
        text = flowscope.export_estate(estate, fmt)
        took = time.perf_counter() - start
        line = f"  {fmt:13} {took:7.2f} s  {len(text.encode()) / 1e6:7.2f} MB"
        if fmt == "dot":
            line += f"  dot -Tsvg {render_dot(text)}"
        if fmt == "mermaid":
            title = text.splitlines()[1]
            line += f"  {len(text):,} characters, {title[:90]}"
        print(line, flush=True)


def render_dot(text: str) -> str:
    with tempfile.NamedTemporaryFile("w", suffix=".dot", delete=False) as handle:
        handle.write(text)
    start = time.perf_counter()
    try:
        result = subprocess.run(
            ["dot", "-Tsvg", "-o", "/dev/null", handle.name],
            capture_output=True, timeout=DOT_TIMEOUT, check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return f"timed out after {DOT_TIMEOUT} s"
    finally:
        Path(handle.name).unlink()
    status = "ok" if result.returncode == 0 else f"failed ({result.returncode})"
    return f"{time.perf_counter() - start:.2f} s {status}"


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [500, 2000, 10000]
    measure("sample estate (inventories/acme)", flowscope.load(ACME))
    for size in sizes:
        measure(f"generated, {size:,} systems", generate(size))


if __name__ == "__main__":
    main()
