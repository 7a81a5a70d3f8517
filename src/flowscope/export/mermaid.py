"""Mermaid flowchart: renders where Markdown does (GitHub, GitLab, wikis).

Mermaid refuses a diagram of more than 500 edges or 50,000 characters and a
page that shows it cannot raise those limits, so the export tries ever
smaller drawings (tables and systems, systems, systems without edge labels,
the flows carrying most categories) until one fits, and says in the title and
in comments what it left out.
"""

from __future__ import annotations

import sys

import networkx as nx

from flowscope.export.views import (
    ZONE_TITLES,
    ZONES,
    Drawing,
    drawing,
    drop_unconnected,
    ranked_edges,
    short_categories,
    strongest,
    zone_members,
)
from flowscope.model import Estate

MAX_EDGES = 500
MAX_CHARACTERS = 50_000
MAX_NODES = 400
SHAPES = {
    "actor": ('(["', '"])'), "datastore": ('[("', '")]'), "warehouse": ('[("', '")]'),
    "ai_provider": ('{{"', '"}}'), "dataset": ('[/"', '"/]'),
}  # fmt: skip
# Mermaid reads "#name;" and "#123;" as character references: every character
# that could end a label, start markup or a Markdown string is written so.
_ESCAPES = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "&": "#amp;", "`": "#96;",
            "|": "#124;", "\n": " ", "\r": " ", "\t": " "}  # fmt: skip


def label(text: str) -> str:
    """Text safe inside a double-quoted Mermaid label.

    >>> label('<b>"a" & b</b>')
    '#lt;b#gt;#quot;a#quot; #amp; b#lt;/b#gt;'
    """
    return "".join(_ESCAPES.get(c, c) if c >= " " or c in _ESCAPES else " " for c in text)


def export(estate: Estate) -> str:
    attempts = [("dataset", True), ("system", True), ("system", False)]
    views: dict[str, nx.MultiDiGraph] = {}
    for level, labelled in attempts:
        shown = drawing(estate, MAX_NODES, MAX_EDGES, level, views)
        text = _diagram(estate, shown, labelled)
        if len(text) <= MAX_CHARACTERS:
            return text
    # Still too long: fewer flows (those carrying most categories stay), and
    # only the systems they connect. The systems and their ranked flows are
    # worked out once; each round only keeps fewer of them.
    every_flow = drawing(estate, MAX_NODES, sys.maxsize, "system", views)
    ranked = ranked_edges(estate, every_flow.graph)
    edges = shown.graph.number_of_edges()
    while len(text) > MAX_CHARACTERS and edges > 0:
        edges = edges * 3 // 4
        cut = strongest(every_flow, ranked, edges)
        drop_unconnected(cut)
        text = _diagram(estate, cut, False)
    return text


def _diagram(estate: Estate, shown: Drawing, labelled: bool) -> str:
    left_out = list(shown.left_out)
    if not labelled:
        left_out.append("edge labels (the categories of each flow)")
    ids = {node: f"n{number}" for number, node in enumerate(sorted(shown.graph))}
    title = f"{estate.name}: {shown.level} level"
    if left_out:
        title += "; left out: " + "; ".join(left_out)
    quoted = label(title).replace("'", "''")  # YAML single quotes: no escapes but ''
    lines = ["---", f"title: '{quoted}'", "---", "flowchart LR"]
    lines += [f"  %% left out: {label(item)}" for item in left_out]
    for number, zone in enumerate(ZONES):
        lines += _zone(estate, shown, zone, f"z{number}", ids)
    lines += _edges(estate, shown, ids, labelled)
    lines += [
        "  classDef third fill:#fff5f5,stroke:#c53030",
        "  classDef table fill:#faf5ff,stroke:#6b46c1",
    ]
    return "\n".join(lines) + "\n"


def _zone(estate: Estate, shown: Drawing, zone: str, zid: str, ids: dict[str, str]) -> list[str]:
    members = zone_members(estate, shown, zone)
    if not members:
        return []
    lines = [f'  subgraph {zid}["{label(ZONE_TITLES[zone])}"]']
    for system, tables in members:
        if not tables:
            lines.append(f"    {_node(estate, system, ids)}")
            continue
        name = str(estate.node(system).get("name", system))
        lines.append(f'    subgraph {ids[system]}_box["{label(name)}"]')
        lines += [f"      {_node(estate, n, ids)}" for n in (system, *tables)]
        lines.append("    end")
    lines.append("  end")
    return lines


def _node(estate: Estate, node: str, ids: dict[str, str]) -> str:
    data = estate.node(node)
    kind = str(data.get("type") if data["kind"] == "system" else data["kind"])
    opening, closing = SHAPES.get(kind, ('["', '"]'))
    style = ":::third" if data.get("zone") == "third_party" else ""
    style = ":::table" if kind == "dataset" else style
    return f"{ids[node]}{opening}{label(str(data.get('name', node)))}{closing}{style}"


def _edges(estate: Estate, shown: Drawing, ids: dict[str, str], labelled: bool) -> list[str]:
    lines = []
    for u, v, key in sorted(shown.graph.edges(keys=True)):
        if key == "contains":
            continue  # drawn as the system's box around its tables
        kind = estate.graph.edges[u, v, key]["kind"]
        arrow = "-.->" if kind == "lineage" else "-->"
        carried = estate.carried(u, v, key)
        if labelled and carried and kind == "flow":
            arrow += f'|"{label(short_categories(carried, most=2))}"|'
        lines.append(f"  {ids[u]} {arrow} {ids[v]}")
    return lines
