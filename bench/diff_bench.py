"""Benchmark: diff two generated estates of 100,000 nodes that differ by 1%.

Builds an estate of systems, endpoints and fields (100,000 nodes), exports
it, then changes 1% of it (fields removed and added, flows given a new
category, systems with monitoring switched off) and times, separately:
the export of each side, saving both as snapshots, reading them back, and
the diff itself.

    python bench/diff_bench.py [NODES]
"""

from __future__ import annotations

import copy
import random
import sys
import tempfile
import time
from pathlib import Path

from flowscope.export.json_graph import to_document
from flowscope.model import Estate, Source
from flowscope.store import SnapshotStore
from flowscope.store.diff import diff_documents

CATEGORIES = ["user.contact.email", "user.name", "system.operations", "user.content.private"]


def generate(nodes: int, seed: int = 7) -> Estate:
    rng = random.Random(seed)
    estate = Estate(f"generated-{nodes}")
    here = Source("generated.yaml", 1)
    systems = nodes // 100
    for s in range(systems):
        estate.add_node(f"system:s{s}", "system", here, name=f"S{s}", zone="internal",
                        type="service", monitored=True)  # fmt: skip
        for e in range(9):
            endpoint = f"endpoint:s{s}/GET /e{e}"
            estate.add_node(endpoint, "endpoint", here, name=f"GET /e{e}")
            estate.add_edge(f"system:s{s}", endpoint, "contains", here, key="contains")
            for f in range(10):
                field = f"field:s{s}/GET /e{e}#f{f}"
                estate.add_node(field, "field", here, name=f"f{f}",
                                categories=[rng.choice(CATEGORIES)])  # fmt: skip
                estate.add_edge(endpoint, field, "contains", here, key="contains")
    for f in range(systems * 2):
        u, v = rng.sample(range(systems), 2)
        estate.add_edge(f"system:s{u}", f"system:s{v}", "flow", here, key=f"flow:{f}",
                        declared_categories=[rng.choice(CATEGORIES)], monitored=True)  # fmt: skip
    return estate


def change(document: dict, share: float, seed: int = 11) -> dict:
    """1% of the nodes: a quarter removed, a quarter added, half changed in place."""
    rng = random.Random(seed)
    changed = copy.deepcopy(document)
    count = int(len(changed["nodes"]) * share)
    fields = [n for n in changed["nodes"] if n["kind"] == "field"]
    gone = {n["id"] for n in rng.sample(fields, count // 4)}
    changed["nodes"] = [n for n in changed["nodes"] if n["id"] not in gone]
    changed["edges"] = [e for e in changed["edges"] if e["target"] not in gone]
    changed["nodes"] += [
        {"id": f"field:new/{i}", "kind": "field", "name": f"n{i}", "sources": []}
        for i in range(count // 4)
    ]
    flows = [e for e in changed["edges"] if e["kind"] == "flow"]
    for edge in rng.sample(flows, min(len(flows), count // 4)):
        edge["declared_categories"] = [*edge["declared_categories"], "user.contact.phone_number"]
    systems = [n for n in changed["nodes"] if n["kind"] == "system"]
    for node in rng.sample(systems, min(len(systems), count // 4)):
        node["monitored"] = False
    return changed


def timed(label: str, work):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = work()
    print(f"  {label:34} {time.perf_counter() - start:7.2f} s", flush=True)
    return result


def main() -> None:
    nodes = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    estate = timed("generate the estate", lambda: generate(nodes))
    print(f"{estate.graph.number_of_nodes():,} nodes, {estate.graph.number_of_edges():,} edges")
    old = timed("export it (to_document)", lambda: to_document(estate))
    new = timed("change 1% of it", lambda: change(old, 0.01))
    with tempfile.TemporaryDirectory() as folder, SnapshotStore(Path(folder) / "s.db") as store:
        ids = timed(
            "save both as snapshots", lambda: [store.save(d, _meta(d), []) for d in (old, new)]
        )
        docs = timed("read both snapshots back", lambda: [store.document(i) for i in ids])
    result = timed("diff", lambda: diff_documents(*docs))
    print(
        f"  found: {len(result['fields']['added']):,} fields added, "
        f"{len(result['fields']['removed']):,} removed, {len(result['categories']):,} flows "
        f"with new categories, {len(result['facts']):,} fact changes"
    )


def _meta(document: dict) -> dict:
    return {"taken_at": "2026-11-26T00:00:00+00:00", "estate": "generated", "root": ".",
            "systems": 0, "flows": 0, "nodes": len(document["nodes"]),
            "edges": len(document["edges"])}  # fmt: skip


if __name__ == "__main__":
    main()
