"""Node-link JSON: every node and edge with every attribute and its provenance."""

from __future__ import annotations

import json
from typing import Any

import networkx as nx

from flowscope.model import Estate, Source

FORMAT_VERSION = 1


def _plain(attrs: dict[str, Any]) -> dict[str, Any]:
    out = dict(attrs)
    out["sources"] = [s.to_dict() if isinstance(s, Source) else s for s in attrs.get("sources", [])]
    return out


def to_document(estate: Estate) -> dict[str, Any]:
    """The estate as a JSON-ready dict (networkx node-link, edges under ``edges``)."""
    plain = nx.MultiDiGraph(name=estate.name)
    plain.add_nodes_from((n, _plain(d)) for n, d in estate.graph.nodes(data=True))
    plain.add_edges_from(
        (u, v, k, _plain(d)) for u, v, k, d in estate.graph.edges(keys=True, data=True)
    )
    document: dict[str, Any] = nx.node_link_data(plain, edges="edges")
    policy = estate.policy
    return {
        "flowscope": {
            "format": FORMAT_VERSION,
            "kind": "estate-graph",
            "inventories": list(estate.inventories),
            "policy": {
                "fail_on": policy.fail_on,
                "review_max_age_days": policy.review_max_age_days,
                "allowed_regions": list(policy.allowed_regions),
                "severity": dict(policy.severities),
                "suppressions": [s.to_dict() for s in policy.suppressions],
            },
            "origins": [
                {
                    "element": list(element) if isinstance(element, tuple) else element,
                    "attr": attr,
                    **where.to_dict(),
                }
                for element, attr, where in estate.exact_origins()
            ],
        },
        **document,
        "findings": [finding.to_dict() for finding in estate.findings],
        "diagnostics": [diagnostic.to_dict() for diagnostic in estate.diagnostics],
    }


def export(estate: Estate) -> str:
    return json.dumps(to_document(estate), indent=2, ensure_ascii=False, default=str) + "\n"
