"""What the diagram exports (dot, mermaid) draw: a level of the estate that the tool can lay out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from flowscope.model import Estate, Source

ZONES = ("public", "internal", "third_party", "unknown")
ZONE_TITLES = {
    "public": "Public (people and clients)",
    "internal": "Internal",
    "third_party": "Third parties",
    "unknown": "Zone not declared",
}


@dataclass
class Drawing:
    """The nodes and edges to draw, and what had to be left out to draw them."""

    level: str
    graph: nx.MultiDiGraph
    owner: dict[str, str]  # table -> the system holding it
    left_out: list[str] = field(default_factory=list)


def drawing(
    estate: Estate,
    max_nodes: int,
    max_edges: int,
    level: str = "dataset",
    views: dict[str, nx.MultiDiGraph] | None = None,
) -> Drawing:
    """Tables and systems when they fit the tool's limits, systems alone when not.

    ``views`` keeps the estate's views between calls of one export that tries
    several drawings: building a view walks the whole graph. Nothing may
    change a drawing's graph that came from it.
    """
    views = {} if views is None else views
    for wanted in ("dataset", "system"):
        if wanted not in views:
            views[wanted] = estate.view(wanted)
    view = views["dataset"]
    left_out: list[str] = []
    too_big = view.number_of_nodes() > max_nodes or view.number_of_edges() > max_edges
    if level == "system" or too_big:
        tables = sum(1 for n in view if estate.node(n)["kind"] == "dataset")
        if tables:
            left_out.append(f"{tables} tables and their lineage (the estate is too big for them)")
        view, level = views["system"], "system"
    shown = Drawing(level, view, {}, left_out)
    if view.number_of_edges() > max_edges:
        shown = strongest(shown, ranked_edges(estate, view), max_edges)
    shown.owner = {
        table: system
        for system, table, key in shown.graph.edges(keys=True)
        if key == "contains" and estate.node(table)["kind"] == "dataset"
    }
    return shown


def ranked_edges(estate: Estate, view: nx.MultiDiGraph) -> list[tuple[str, str, str]]:
    """The edges of a view, those carrying the most categories first."""
    return sorted(view.edges(keys=True), key=lambda e: (-len(estate.carried(*e)), e))


def strongest(shown: Drawing, ranked: list[tuple[str, str, str]], max_edges: int) -> Drawing:
    """The drawing with its ``max_edges`` strongest edges only; names how many were dropped."""
    kept = nx.MultiDiGraph()
    kept.add_nodes_from(shown.graph)
    kept.add_edges_from(ranked[:max_edges])
    dropped = f"{len(ranked) - max_edges} of {len(ranked)} flows (fewest categories first)"
    return Drawing(shown.level, kept, dict(shown.owner), [*shown.left_out, dropped])


def drop_unconnected(drawing: Drawing) -> None:
    """Leave out the systems no drawn flow touches, and say how many."""
    alone = [n for n in drawing.graph if drawing.graph.degree(n) == 0]
    if alone:
        drawing.graph.remove_nodes_from(alone)
        drawing.left_out.append(f"{len(alone)} systems that no drawn flow touches")


def zone_members(estate: Estate, shown: Drawing, zone: str) -> list[tuple[str, list[str]]]:
    """The systems drawn in a zone, each with the tables drawn inside it."""
    tables: dict[str, list[str]] = {}
    for table, system in sorted(shown.owner.items()):
        tables.setdefault(system, []).append(table)
    return [
        (n, tables.get(n, []))
        for n in sorted(shown.graph)
        if estate.node(n)["kind"] == "system" and zone_of(estate, n, shown.owner) == zone
    ]


def zone_of(estate: Estate, node: str, owner: dict[str, str]) -> str:
    return trust_zone(estate.node(owner.get(node, node)))


def trust_zone(data: dict[str, Any]) -> str:
    """A system's trust zone, ``unknown`` when it declares none the diagrams know."""
    declared = str(data.get("zone") or "unknown")
    return declared if declared in ZONES else "unknown"


def dfd_kind(data: dict[str, Any]) -> str:
    """A system as a data-flow diagram element: ``actor``, ``store`` or ``process``.

    People and everything outside the estate are actors; stores hold data at rest.
    """
    if data.get("type") == "actor" or data.get("zone") in ("public", "third_party"):
        return "actor"
    if data.get("type") in ("datastore", "warehouse"):
        return "store"
    return "process"


def short_categories(categories: list[str], most: int = 3) -> str:
    """A few categories for an edge label, and how many more there are."""
    shown = ", ".join(categories[:most])
    extra = len(categories) - most
    return f"{shown} +{extra} more" if extra > 0 else shown


def received_and_sent(estate: Estate, system: str) -> tuple[set[str], set[str]]:
    """The categories a system receives and sends over flows (not its ``contains`` edges)."""
    graph = estate.graph
    inbound = graph.in_edges(system, keys=True)
    outbound = graph.out_edges(system, keys=True)
    received = {c for u, v, k in inbound if graph.edges[u, v, k]["kind"] == "flow"
                for c in estate.carried(u, v, k)}  # fmt: skip
    sent = {c for u, v, k in outbound if graph.edges[u, v, k]["kind"] == "flow"
            for c in estate.carried(u, v, k)}  # fmt: skip
    return received, sent


def declared_at(data: dict[str, Any]) -> list[str]:
    """Where an element was declared, one line per source, for a description."""
    return [f"Declared at {s}" for s in data.get("sources", []) if isinstance(s, Source)]


def system_description(
    system: str, data: dict[str, Any], received: set[str], sent: set[str]
) -> str:
    """What a threat-modelling tool shows of a system: its facts, its data, where it comes from."""
    lines = [str(data["description"])] if data.get("description") else []
    facts = [f"{f}: {data[f]}" for f in ("type", "zone", "owner", "region") if data.get(f)]
    lines.append("; ".join(facts))
    lines.append("Receives: " + (", ".join(sorted(received)) or "no classified data"))
    lines.append("Sends: " + (", ".join(sorted(sent)) or "no classified data"))
    lines += declared_at(data)
    lines.append(f"flowscope id: {system}")
    return "\n".join(lines)


def flow_description(key: str, data: dict[str, Any], carried: list[str]) -> str:
    """What a threat-modelling tool shows of a flow; its last line names the flow's key."""
    lines = [str(data["description"])] if data.get("description") else []
    lines.append("Carries: " + (", ".join(carried) or "no classified data"))
    if data.get("encrypted") is None:
        lines.append("Encryption in transit: not declared")
    if data.get("monitored") is not None:
        lines.append(f"Monitored: {'yes' if data['monitored'] else 'no'}")
    lines += declared_at(data)
    lines.append(f"flowscope id: {key}")
    return "\n".join(lines)
