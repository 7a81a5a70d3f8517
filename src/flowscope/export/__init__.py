"""Exports of the estate graph. A new format is one module plus one line in EXPORTERS."""

from __future__ import annotations

from collections.abc import Callable

from flowscope.export import cyclonedx, dot, flat_graph, json_graph, mermaid
from flowscope.model import Estate

EXPORTERS: dict[str, Callable[[Estate], str]] = {
    "json": json_graph.export,
    "graphml": flat_graph.export_graphml,
    "gexf": flat_graph.export_gexf,
    "dot": dot.export,
    "mermaid": mermaid.export,
    "cyclonedx": cyclonedx.export,
}

__all__ = ["EXPORTERS"]
