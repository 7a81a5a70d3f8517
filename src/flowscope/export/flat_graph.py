"""GraphML and GEXF: the estate for Gephi, yEd, Cytoscape and networkx.

Both formats allow only scalar attributes, so every list and dict is
flattened: a list of plain values becomes one string joined by ``"; "``
(categories stay readable and can be split back), a list or dict holding
structures becomes compact JSON, provenance becomes ``source`` (the first
place, ``file:line``) plus ``sources`` (all of them). Each attribute keeps one
type across the whole graph, which Gephi and yEd need.
"""

from __future__ import annotations

import io
import json
import re
from typing import Any

import networkx as nx

from flowscope.model import Estate, Source

SEPARATOR = "; "
# XML 1.0 cannot carry these at all, escaped or not: a hostile name holding
# one would make the whole file unreadable, so they become U+FFFD.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_safe(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _where(source: Source) -> str:
    return f"{source.file}:{source.line}" if source.line else source.file


def _flat(value: Any) -> str | int | float | bool | None:
    if isinstance(value, str):
        return _xml_safe(value)
    if value is None or isinstance(value, int | float | bool):
        return value
    if isinstance(value, list | tuple | set) and all(
        isinstance(item, str | int | float) for item in value
    ):
        return _xml_safe(SEPARATOR.join(str(item) for item in value))
    return _xml_safe(json.dumps(value, default=str, sort_keys=True, separators=(",", ":")))


def _flatten(attrs: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in attrs.items():
        if name == "sources":
            places = [s for s in value if isinstance(s, Source)]
            out["source"] = _xml_safe(_where(places[0])) if places else ""
            out["sources"] = _xml_safe(SEPARATOR.join(_where(s) for s in places))
            continue
        flat = _flat(value)
        if flat is not None:
            out[name] = flat
    return out


def flat_graph(estate: Estate) -> nx.MultiDiGraph:
    """A copy of the estate graph whose attributes are all scalars."""
    flat = nx.MultiDiGraph(name=estate.name)
    for node, data in estate.graph.nodes(data=True):
        attrs = _flatten(data)
        attrs.setdefault("label", _xml_safe(str(data.get("name", node))))
        flat.add_node(_xml_safe(node), **attrs)
    # Gephi merges edges that share an id and many keys repeat ("contains"),
    # so each edge gets a unique id and keeps flowscope's key as an attribute.
    for number, (u, v, key, data) in enumerate(estate.graph.edges(keys=True, data=True)):
        flat.add_edge(
            _xml_safe(u),
            _xml_safe(v),
            key=f"e{number}",
            edge_key=_xml_safe(str(key)),
            **_flatten(data),
        )
    _one_type_per_attribute(flat)
    return flat


def _one_type_per_attribute(graph: nx.MultiDiGraph) -> None:
    """Where an attribute's values differ in type, make them all strings."""
    for items in (
        [d for _, d in graph.nodes(data=True)],
        [d for _, _, d in graph.edges(data=True)],
    ):
        types: dict[str, set[type]] = {}
        for data in items:
            for name, value in data.items():
                types.setdefault(name, set()).add(type(value))
        mixed = {name for name, seen in types.items() if len(seen) > 1}
        for data in items:
            for name in mixed & data.keys():
                data[name] = str(data[name])


def export_graphml(estate: Estate) -> str:
    buffer = io.BytesIO()
    nx.write_graphml(flat_graph(estate), buffer, encoding="utf-8", named_key_ids=True)
    return buffer.getvalue().decode("utf-8")


def export_gexf(estate: Estate) -> str:
    buffer = io.BytesIO()
    nx.write_gexf(flat_graph(estate), buffer, encoding="utf-8")
    return buffer.getvalue().decode("utf-8")
