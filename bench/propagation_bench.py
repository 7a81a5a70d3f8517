"""Benchmark: classification and propagation on a generated estate.

10,000 systems (a tenth of them third parties), 20,000 tables, 200,000 fields
named from a vocabulary of real column names, about 500,000 edges (contains,
lineage between fields, flows between systems, some shipping tables). Prints
the graph's size, the time to classify every field and to propagate every
category, and the peak memory of the process.

    python bench/propagation_bench.py [--systems N] [--seed S]
"""

from __future__ import annotations

import argparse
import random
import resource
import time

from flowscope.analyze.propagation import propagate
from flowscope.classify import annotate
from flowscope.model import Estate, Source

NAMES = [
    "id", "email", "first_name", "last_name", "phone", "created_at", "status", "amount", "currency",
    "customer_id", "order_id", "sku", "quantity", "price", "address_line1", "city", "postal_code",
    "country", "ip_address", "user_agent", "session_id", "transcript", "audio_url", "note",
    "updated_at", "product_name", "category", "description", "card_last4", "iban", "dob",
    "gender", "score", "message", "subject", "channel", "region", "plan", "seats", "total",
]  # fmt: skip


def generate(systems: int, seed: int) -> Estate:
    rng = random.Random(seed)
    estate = Estate("generated")
    here = Source("generated.yaml", 1)
    ids = [f"system:s{i}" for i in range(systems)]
    for i, system in enumerate(ids):
        zone = "third_party" if i % 10 == 0 else "internal"
        estate.add_node(
            system, "system", here, zone=zone, type="saas" if zone == "third_party" else "service"
        )
    fields: list[str] = []
    tables: list[str] = []
    for t in range(systems * 2):
        owner = ids[rng.randrange(systems)]
        table = f"dataset:{owner.split(':')[1]}/t{t}"
        estate.add_node(table, "dataset", here, name=f"t{t}")
        estate.add_edge(owner, table, "contains", here)
        tables.append(table)
        for c in range(10):
            name = NAMES[rng.randrange(len(NAMES))]
            field = f"field:{table.split(':')[1]}.{name}{c}"
            estate.add_node(field, "field", here, name=f"{name}")
            estate.add_edge(table, field, "contains", here)
            fields.append(field)
    for _ in range(int(len(fields) * 1.2)):  # 240,000 lineage edges, forward in table order
        a, b = sorted(rng.sample(range(len(fields)), 2))
        transform = "masked" if rng.random() < 0.05 else "direct"
        estate.add_edge(
            fields[a], fields[b], "lineage", here, key=f"lineage:{transform}", transform=transform
        )
    for f in range(systems * 4):
        u, v = rng.sample(ids, 2)
        shipped = [rng.choice(tables)] if rng.random() < 0.3 else None
        declared = ["user.contact.email"] if rng.random() < 0.2 else None
        estate.add_edge(
            u, v, "flow", here, key=f"flow:{f}", via_datasets=shipped, declared_categories=declared
        )
    return estate


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--systems", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    started = time.perf_counter()
    estate = generate(args.systems, args.seed)
    built = time.perf_counter() - started
    graph = estate.graph
    fields = sum(1 for _, d in graph.nodes(data=True) if d["kind"] == "field")
    size = (
        f"{graph.number_of_nodes():,} nodes ({fields:,} fields), {graph.number_of_edges():,} edges"
    )
    print(f"{size}; built in {built:.1f} s")
    started = time.perf_counter()
    annotate(estate)
    classified = time.perf_counter() - started
    started = time.perf_counter()
    result = propagate(estate)
    propagated = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    exposures = len(result.exposures)
    print(f"  classification: {classified:6.1f} s")
    print(
        f"  propagation   : {propagated:6.1f} s ({exposures:,} (category, system, masked) reached)"
    )
    print(f"  both          : {classified + propagated:6.1f} s; peak memory {peak:,.0f} MB")


if __name__ == "__main__":
    main()
