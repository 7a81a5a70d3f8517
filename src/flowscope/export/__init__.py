"""Exports of the estate graph. A new format is one module plus one line in EXPORTERS."""

from __future__ import annotations

from collections.abc import Callable

from flowscope.export import json_graph
from flowscope.model import Estate

EXPORTERS: dict[str, Callable[[Estate], str]] = {
    "json": json_graph.export,
}

__all__ = ["EXPORTERS"]
