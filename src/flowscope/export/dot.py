"""Graphviz DOT: one cluster per trust zone, each system a box holding its tables.

``dot`` gets slow, and can fail outright, on big graphs that mix clusters and
edge labels, so past :data:`MAX_NODES` nodes the drawing drops to systems
only and past :data:`MAX_LABELLED_EDGES` edges the categories move from
labels into tooltips. A comment at the top says what was left out.
"""

from __future__ import annotations

import re

from flowscope.export.views import (
    ZONE_TITLES,
    ZONES,
    Drawing,
    drawing,
    short_categories,
    zone_members,
)
from flowscope.model import Estate

MAX_NODES = 300
MAX_EDGES = 5_000
MAX_LABELLED_EDGES = 150
ZONE_COLOURS = {"public": "#ebf8ff", "internal": "#f0fff4", "third_party": "#fff5f5"}
SHAPES = {
    "actor": "ellipse", "datastore": "cylinder", "warehouse": "cylinder", "dataset": "note",
    "ai_provider": "hexagon", "saas": "component",
}  # fmt: skip
_NOT_PRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def quote(text: str) -> str:
    r"""A DOT double-quoted string: backslash and quote escaped, newlines as ``\n``.

    >>> quote('a "b" \\ c')
    '"a \\"b\\" \\\\ c"'
    """
    text = _NOT_PRINTABLE.sub("\ufffd", text)
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{text}"'


def export(estate: Estate) -> str:
    shown = drawing(estate, MAX_NODES, MAX_EDGES)
    labelled = shown.graph.number_of_edges() <= MAX_LABELLED_EDGES
    left_out = list(shown.left_out)
    if not labelled:
        left_out.append("edge labels (categories are in each edge's tooltip)")
    lines = [f"digraph {quote(estate.name)} {{"]
    lines += [f"  // left out: {_comment(item)}" for item in left_out]
    title = f"{estate.name}: {shown.level} level"
    lines += [
        f"  graph [rankdir=LR, compound=true, fontname=Helvetica, label={quote(title)}, "
        "labelloc=t, nodesep=0.3, ranksep=0.8];",
        '  node [fontname=Helvetica, fontsize=10, shape=box, style="rounded,filled", '
        "fillcolor=white];",
        "  edge [fontname=Helvetica, fontsize=8];",
    ]
    for zone in ZONES:
        lines += _zone(estate, shown, zone)
    lines += _edges(estate, shown, labelled)
    lines.append("}")
    return "\n".join(lines) + "\n"


def _comment(text: str) -> str:
    return _NOT_PRINTABLE.sub(" ", text).replace("\n", " ")


def _zone(estate: Estate, shown: Drawing, zone: str) -> list[str]:
    members = zone_members(estate, shown, zone)
    if not members:
        return []
    colour = ZONE_COLOURS.get(zone, "#f7fafc")
    lines = [
        f"  subgraph {quote('cluster_zone_' + zone)} {{",
        f"    label={quote(ZONE_TITLES[zone])}; style=filled; fillcolor={quote(colour)}; "
        'color="#a0aec0";',
    ]
    for system, tables in members:
        if not tables:
            lines.append(f"    {_node(estate, system)}")
            continue
        name = estate.node(system).get("name", system)
        lines.append(f"    subgraph {quote('cluster_' + system)} {{")
        lines.append(f'      label={quote(name)}; style="rounded,filled"; fillcolor=white;')
        lines += [f"      {_node(estate, n)}" for n in (system, *tables)]
        lines.append("    }")
    lines.append("  }")
    return lines


def _node(estate: Estate, node: str) -> str:
    data = estate.node(node)
    kind = data.get("type") if data["kind"] == "system" else data["kind"]
    label = f"{data.get('name', node)}\n{kind}"
    shape = SHAPES.get(str(kind), "box")
    return f"{quote(node)} [label={quote(label)}, shape={shape}, tooltip={quote(node)}];"


def _edges(estate: Estate, shown: Drawing, labelled: bool) -> list[str]:
    lines = []
    for u, v, key in sorted(shown.graph.edges(keys=True)):
        if key == "contains":
            continue  # drawn as the system's box around its tables
        kind = estate.graph.edges[u, v, key]["kind"]
        carried = estate.carried(u, v, key)
        attrs = [f"tooltip={quote(', '.join(carried) or key)}"]
        if labelled and carried and kind == "flow":
            attrs.append(f"label={quote(short_categories(carried))}")
        if kind == "lineage":
            attrs.append('style=dashed, color="#718096"')
        elif estate.node(v).get("zone") == "third_party":
            attrs.append('color="#c53030", penwidth=1.5')
        lines.append(f"  {quote(u)} -> {quote(v)} [{', '.join(attrs)}];")
    return lines
