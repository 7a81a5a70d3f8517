"""The interactive HTML map: one self-contained, offline file, safe with hostile names.

vis-network (the build pyvis ships) draws the graph; flowscope computes the
positions in Python (layered by flow direction, zones in columns), so the
browser runs no physics. Every string from the estate travels as JSON data in
a ``<script type="application/json">`` block and is put on the page with
``textContent`` only: never as HTML, never as a vis-network title.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import networkx as nx
from markupsafe import Markup

from flowscope.model import Estate, Finding
from flowscope.model.categories import Sensitivity, highest_sensitivity, under

ZONE_COLOURS = {
    "internal": "#2b6cb0",
    "third_party": "#dd6b20",
    "public": "#38a169",
    None: "#718096",
}
SHAPES = {
    "service": "dot", "datastore": "database", "warehouse": "database", "saas": "box",
    "ai_provider": "star", "actor": "triangle",
}  # fmt: skip
KIND_SHAPES = {"dataset": "square", "field": "dot", "endpoint": "diamond"}
ZONE_COLUMNS = {"public": 0, "internal": 1, "third_party": 3}
SEVERITY_COLOURS = {
    "critical": "#9b2c2c",
    "high": "#c53030",
    "medium": "#dd6b20",
    "low": "#d69e2e",
    "info": "#718096",
}


@dataclass
class MapData:
    nodes: list[dict[str, Any]] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    details: dict[str, dict[str, Any]] = field(default_factory=dict)
    categories: list[str] = field(default_factory=list)
    # what a system holds (tables, endpoints), shown when it is expanded on the map
    children: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def vis_network_js() -> str:
    """vis-network's standalone build, as pyvis ships it (no CDN, ever)."""
    import pyvis

    path = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2" / "vis-network.min.js"
    return path.read_text(encoding="utf-8")


CHANGED = "#d53f8c"  # new or changed since the last review
REMOVED = "#e2e8f0"  # gone since the last review: drawn faded, where it was not


def mark_changes(data: MapData, changes: dict[str, Any]) -> None:
    """Colour what a diff says is new or changed, and draw what was removed, faded."""
    touched_flows = {f["key"] for f in changes["flows"]["added"]}
    touched_flows |= {c["flow"] for c in changes["categories"]}
    touched_flows |= {f["element"] for f in changes["facts"]}
    new_systems = set(changes["systems"]["added"])
    changed_systems = {f["element"] for f in changes["facts"]} - touched_flows
    for node in data.nodes:
        if node["id"] in new_systems | changed_systems:
            node["color"] = CHANGED
            node["change"] = "added" if node["id"] in new_systems else "changed"
    for edge in data.edges:
        if edge["id"].split("|")[-1] in touched_flows:
            edge["color"], edge["width"], edge["change"] = CHANGED, edge["width"] + 2, "changed"
    right = max((n["x"] for n in data.nodes), default=0) + 260
    for row, system in enumerate(changes["systems"]["removed"]):
        data.nodes.append({
            "id": system, "label": f"{system.removeprefix('system:')} (removed)",
            "kind": "system", "zone": "unknown", "type": None, "shape": "dot",
            "color": REMOVED, "x": right, "y": row * 90, "change": "removed",
        })  # fmt: skip
    drawn = {n["id"] for n in data.nodes}
    for flow in changes["flows"]["removed"]:
        if flow["source"] in drawn and flow["target"] in drawn:
            data.edges.append({
                "id": f"{flow['source']}|{flow['target']}|{flow['key']}",
                "from": flow["source"], "to": flow["target"], "kind": "flow",
                "categories": flow["categories"], "width": 1, "dashes": False,
                "color": REMOVED, "unmonitored": False, "change": "removed",
            })  # fmt: skip


def build(
    estate: Estate, level: str = "system", focus: str | None = None, category: str | None = None
) -> MapData:
    graph = estate.view(level)
    if focus and focus in graph:
        keep = {focus} | nx.ancestors(graph, focus) | nx.descendants(graph, focus)
        graph = graph.subgraph(keep).copy()
    positions = layout(estate, graph)
    data = MapData()
    for node in graph.nodes:
        data.nodes.append(_node(estate, node, positions[node]))
        data.details[node] = _details(estate.node(node))
    for u, v, key in graph.edges(keys=True):
        edge = _edge(estate, u, v, key, category)
        if edge is not None:
            data.edges.append(edge)
            data.details[edge["id"]] = _details(estate.graph.edges[u, v, key])
    if level == "system":
        data.children = _children(estate, graph)
    shown = set(graph.nodes)
    data.findings = []
    for index, finding in enumerate(estate.findings):
        entry = _finding(estate, finding, index)
        if set(entry["nodes"]) & shown:  # listed when something it concerns is drawn
            data.findings.append(entry)
    data.categories = sorted({c for e in data.edges for c in e["categories"]})
    return data


MAX_CHILDREN = 60


def _children(estate: Estate, graph: nx.MultiDiGraph) -> dict[str, list[dict[str, Any]]]:
    """Each system's tables and endpoints, so the system-level map can expand a system."""
    children: dict[str, list[dict[str, Any]]] = {}
    for system in graph.nodes:
        held = [
            (node, estate.node(node))
            for _, node in estate.graph.out_edges(system)
            if estate.node(node)["kind"] in ("dataset", "endpoint")
        ]
        if held:
            children[system] = [
                {"id": node, "label": str(data.get("name", node)), "kind": data["kind"]}
                for node, data in sorted(held, key=lambda item: str(item[1].get("name", "")))[
                    :MAX_CHILDREN
                ]
            ]
    return children


def layout(estate: Estate, graph: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """Columns by zone and flow direction: people, then the estate in layers, then vendors."""
    simple = nx.DiGraph(graph)
    condensed = nx.condensation(simple)
    layer: dict[str, int] = {}
    for depth, members in enumerate(nx.topological_generations(condensed)):
        for component in members:
            for node in condensed.nodes[component]["members"]:
                layer[node] = depth
    internal_depth = max(
        [layer[n] for n in graph if estate.node(n).get("zone") == "internal"] or [0]
    )
    columns: dict[float, list[str]] = {}
    for node in sorted(
        graph.nodes, key=lambda n: (layer[n], str(estate.node(n).get("name", n)).lower())
    ):
        zone = estate.node(node).get("zone")
        if zone == "public":
            column = 0.0
        elif zone == "third_party":
            column = internal_depth + 2.0
        else:
            column = 1.0 + layer[node]
        columns.setdefault(column, []).append(node)
    positions: dict[str, tuple[float, float]] = {}
    for column, members in columns.items():
        top = -(len(members) - 1) * 55
        for index, node in enumerate(members):
            positions[node] = (column * 260.0, top + index * 110.0)
    return positions


def _node(estate: Estate, node: str, position: tuple[float, float]) -> dict[str, Any]:
    data = estate.node(node)
    zone = data.get("zone")
    shape = (
        SHAPES.get(str(data.get("type")), "dot")
        if data["kind"] == "system"
        else KIND_SHAPES[data["kind"]]
    )
    return {
        "id": node,
        "label": str(data.get("name", node)),
        "kind": data["kind"],
        "zone": zone or "unknown",
        "type": data.get("type"),
        "shape": shape,
        "color": ZONE_COLOURS.get(zone, ZONE_COLOURS[None]),
        "x": position[0],
        "y": position[1],
    }


def _edge(estate: Estate, u: str, v: str, key: str, category: str | None) -> dict[str, Any] | None:
    data = estate.graph.edges[u, v, key]
    carried = estate.carried(u, v, key)
    if category and data["kind"] == "flow" and not any(under(c, category) for c in carried):
        return None
    level = highest_sensitivity(carried)
    third = estate.node(v).get("zone") == "third_party"
    # As FS101 decides: the flow's own word wins, else the receiver's.
    own = data.get("monitored")
    monitored = own if own is not None else estate.node(v).get("monitored")
    unmonitored = data["kind"] == "flow" and third and monitored is not True
    return {
        "id": f"{u}|{v}|{key}",
        "from": u,
        "to": v,
        "kind": data["kind"],
        "categories": carried,
        "width": {Sensitivity.SPECIAL: 5, Sensitivity.PERSONAL: 3}.get(level, 1),
        "dashes": unmonitored,
        "color": "#e53e3e" if unmonitored else ("#4a5568" if data["kind"] == "flow" else "#a0aec0"),
        "unmonitored": unmonitored,
    }


def _finding(estate: Estate, finding: Finding, index: int) -> dict[str, Any]:
    # The systems holding what a finding names, so that an endpoint's finding
    # (FS304) lights up its system on a map that draws no endpoints.
    nodes = {n for hop in finding.path for n in (hop.source, hop.target)} | set(
        finding.subjects[:2]
    )
    nodes |= {s for n in list(nodes) if (s := estate.system_of(n)) is not None}
    edges = [f"{hop.source}|{hop.target}" for hop in finding.path]
    return {
        "index": index,
        "rule": finding.rule_id,
        "severity": finding.severity.label,
        "colour": SEVERITY_COLOURS[finding.severity.label],
        "message": finding.message,
        "where": str(finding.location) if finding.location else "",
        "nodes": sorted(nodes),
        "edges": edges,
    }


def _details(data: dict[str, Any]) -> dict[str, Any]:
    shown: dict[str, Any] = {}
    for key, value in data.items():
        if key in ("sources", "request_fields", "response_fields", "classification_reasons"):
            continue
        shown[key] = (
            value
            if isinstance(value, (str, int, float, bool, list)) or value is None
            else str(value)
        )
    shown["sources"] = [str(s) for s in data.get("sources", [])]
    return shown


def to_json(data: MapData) -> str:
    """JSON safe inside a <script> element: no '</script>', no HTML comment openers."""
    text = json.dumps(
        {
            "nodes": data.nodes,
            "edges": data.edges,
            "findings": data.findings,
            "details": data.details,
            "categories": data.categories,
            "children": data.children,
        },
        ensure_ascii=False,
        default=str,
    )
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render(
    estate: Estate,
    level: str = "system",
    focus: str | None = None,
    category: str | None = None,
    changes: dict[str, Any] | None = None,
) -> str:
    data = build(estate, level, focus, category)
    if changes is not None:
        mark_changes(data, changes)
    environment = jinja2.Environment(
        loader=jinja2.FunctionLoader(_template), autoescape=True, undefined=jinja2.StrictUndefined
    )
    page = environment.get_template("map.html.j2")
    return page.render(
        title=f"{estate.name}: data-flow map",
        changes=changes is not None,
        estate=estate.name,
        data_json=Markup(to_json(data)),  # JSON with every < > & escaped: inert in <script>
        vis_js=Markup(vis_network_js()),  # the library itself, from pyvis's package
        counts={
            "systems": sum(1 for n in data.nodes if n["kind"] == "system"),
            "flows": sum(1 for e in data.edges if e["kind"] == "flow"),
            "findings": len(data.findings),
        },
    )


def _template(name: str) -> str:
    return resources.files("flowscope.render").joinpath("templates", name).read_text("utf-8")
