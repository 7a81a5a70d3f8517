"""Exports of the estate graph. A new format is one module plus one line in a registry."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flowscope.export import (
    cyclonedx,
    dot,
    flat_graph,
    json_graph,
    mermaid,
    threagile,
    threat_dragon,
)
from flowscope.export.rules import RuleWords
from flowscope.model import Estate

EXPORTERS: dict[str, Callable[[Estate], str]] = {
    "json": json_graph.export,
    "graphml": flat_graph.export_graphml,
    "gexf": flat_graph.export_gexf,
    "dot": dot.export,
    "mermaid": mermaid.export,
    "cyclonedx": cyclonedx.export,
}
# Formats that carry findings as threats, with their rule's STRIDE type and remedy.
THREAT_EXPORTERS: dict[str, Callable[[Estate, Mapping[str, RuleWords]], str]] = {
    "threat-dragon": threat_dragon.export,
    "threagile": threagile.export,
}
FORMATS = (*EXPORTERS, *THREAT_EXPORTERS)

__all__ = ["EXPORTERS", "FORMATS", "THREAT_EXPORTERS", "RuleWords"]
