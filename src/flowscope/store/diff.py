"""What changed between two estates, each given as flowscope's JSON export.

Works on the exported documents (node-link JSON), so the same code compares
two folders, two snapshots, a snapshot and an export, or any mix.
"""

from __future__ import annotations

from typing import Any

from flowscope.model.estate import carried_categories

# What a node or edge says about safety; a change to any is reported.
SYSTEM_FACTS = ("zone", "monitored", "dpa", "last_review", "region", "owner", "type")
FLOW_FACTS = ("monitored", "encrypted", "authenticated", "masked", "protocol")
KINDS = {"system": "systems", "endpoint": "endpoints", "dataset": "datasets", "field": "fields"}


def carried(edge: dict[str, Any]) -> set[str]:
    return set(carried_categories(edge))


def _nodes(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {str(n["id"]): n for n in document.get("nodes", [])}


def _flows(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {str(e["key"]): e for e in document.get("edges", []) if e.get("kind") == "flow"}


def _describe_flow(edge: dict[str, Any]) -> dict[str, Any]:
    return {
        "key": edge["key"],
        "source": edge["source"],
        "target": edge["target"],
        "categories": sorted(carried(edge)),
    }


def _fact_changes(
    element: str, old: dict[str, Any], new: dict[str, Any], facts: tuple[str, ...]
) -> list[dict[str, Any]]:
    return [
        {"element": element, "fact": fact, "old": old.get(fact), "new": new.get(fact)}
        for fact in facts
        if old.get(fact) != new.get(fact)
    ]


def diff_documents(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Added and removed systems, endpoints, datasets, fields and flows; categories and
    safety facts that changed; findings new, resolved and unchanged."""
    old_nodes, new_nodes = _nodes(old), _nodes(new)
    result: dict[str, Any] = {}
    for kind, label in KINDS.items():
        before = {n for n, d in old_nodes.items() if d.get("kind") == kind}
        after = {n for n, d in new_nodes.items() if d.get("kind") == kind}
        result[label] = {"added": sorted(after - before), "removed": sorted(before - after)}
    old_flows, new_flows = _flows(old), _flows(new)
    result["flows"] = {
        "added": [_describe_flow(new_flows[k]) for k in sorted(new_flows.keys() - old_flows)],
        "removed": [_describe_flow(old_flows[k]) for k in sorted(old_flows.keys() - new_flows)],
    }
    result["categories"] = []
    facts: list[dict[str, Any]] = []
    for key in sorted(old_flows.keys() & new_flows.keys()):
        before, after = carried(old_flows[key]), carried(new_flows[key])
        if before != after:
            result["categories"].append(
                {"flow": key, "added": sorted(after - before), "removed": sorted(before - after)}
            )
        facts += _fact_changes(key, old_flows[key], new_flows[key], FLOW_FACTS)
    for node in sorted(old_nodes.keys() & new_nodes.keys()):
        if new_nodes[node].get("kind") == "system":
            facts += _fact_changes(node, old_nodes[node], new_nodes[node], SYSTEM_FACTS)
    result["facts"] = facts
    result["findings"] = _findings(old.get("findings", []), new.get("findings", []))
    return result


def _findings(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> dict[str, Any]:
    before = {f["fingerprint"]: f for f in old}
    after = {f["fingerprint"]: f for f in new}
    return {
        "new": [after[k] for k in after if k not in before],
        "resolved": [before[k] for k in before if k not in after],
        "unchanged": sum(1 for k in after if k in before),
    }


def is_empty(result: dict[str, Any]) -> bool:
    """Nothing changed at all (unchanged findings aside)."""
    lists = [result[label][side] for label in (*KINDS.values(), "flows")
             for side in ("added", "removed")]  # fmt: skip
    findings = result["findings"]
    return (
        not any(lists)
        and not result["categories"]
        and not result["facts"]
        and not (findings["new"] or findings["resolved"])
    )
