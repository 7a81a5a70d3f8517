"""flowscope's own JSON export, read back: ``flowscope scan export.json``."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from flowscope.model import Diagnostic, InputError, Level, Policy, Source
from flowscope.model.suppression import Suppression

MAX_EXPORT_BYTES = 512 * 1024 * 1024


@dataclass
class Exported:
    name: str
    graph: nx.MultiDiGraph
    policy: Policy
    inventories: list[str] = field(default_factory=list)
    origins: list[tuple[Any, str, Source]] = field(default_factory=list)


def is_export(path: Path) -> bool:
    """A JSON file whose header says it is an estate graph flowscope wrote."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4096).decode("utf-8", "replace")
    except OSError:
        return False
    return '"kind": "estate-graph"' in head or '"kind":"estate-graph"' in head


def read(path: Path, file: str) -> Exported:
    try:
        if path.stat().st_size > MAX_EXPORT_BYTES:
            raise InputError(_error(file, "file too large"))
        document = json.loads(path.read_text(encoding="utf-8"))
        graph = nx.node_link_graph(document, directed=True, multigraph=True, edges="edges")
    except (OSError, ValueError, KeyError, TypeError, nx.NetworkXError) as exc:
        raise InputError(_error(file, f"not a flowscope export: {exc}")) from None
    header = document.get("flowscope", {})
    try:
        for _, data in graph.nodes(data=True):
            data["sources"] = [Source.from_dict(s) for s in data.get("sources", [])]
        for _, _, data in graph.edges(data=True):
            data["sources"] = [Source.from_dict(s) for s in data.get("sources", [])]
        return Exported(
            name=str(document.get("graph", {}).get("name", path.stem)),
            graph=graph,
            policy=_policy(header.get("policy", {})),
            inventories=list(header.get("inventories", [])),
            origins=[_origin(o) for o in header.get("origins", [])],
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InputError(_error(file, f"damaged flowscope export: {exc!r}")) from None


def _origin(data: dict[str, Any]) -> tuple[Any, str, Source]:
    element = data["element"]
    if isinstance(element, list):  # an edge: (u, v, key)
        element = tuple(element)
    return element, str(data["attr"]), Source.from_dict(data)


def _policy(data: dict[str, Any]) -> Policy:
    return Policy(
        fail_on=data.get("fail_on", "high"),
        review_max_age_days=int(data.get("review_max_age_days", 365)),
        allowed_regions=tuple(data.get("allowed_regions", ())),
        severities=dict(data.get("severity", {})),
        suppressions=tuple(Suppression.from_dict(s) for s in data.get("suppressions", [])),
    )


def _error(file: str, message: str) -> Diagnostic:
    return Diagnostic(Level.ERROR, message, Source(file))
