"""OWASP Threat Dragon v2: the estate as a data-flow diagram, its findings as threats.

Internal services become processes, datastores and warehouses stores, people
and everything outside the estate (third parties, webhook receivers) actors;
flows are flows with their protocol and encryption. Each trust zone is a
trust-boundary box, and Threat Dragon decides what lies inside a boundary by
position alone, so the layout puts every system's shape wholly inside its
zone's box and keeps the boxes apart. Each finding is a STRIDE threat on the
flow or system it concerns (an endpoint's finding on the endpoint's system).

Ids are UUIDs derived from flowscope's ids, so exporting an unchanged estate
gives the same file and a diagram re-imported next week keeps its cell ids.
"""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx

from flowscope.export.rules import RuleWords, rule_stride
from flowscope.export.views import (
    ZONE_TITLES,
    ZONES,
    dfd_kind,
    flow_description,
    received_and_sent,
    system_description,
    trust_zone,
)
from flowscope.model import Estate, Finding, Severity

VERSION = "2.3.0"  # the model version Threat Dragon 2.3 and later write and read
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://flowscope.dev/threat-dragon")
SEVERITY = {
    Severity.CRITICAL: "Critical",
    Severity.HIGH: "High",
    Severity.MEDIUM: "Medium",
    Severity.LOW: "Low",
    Severity.INFO: "Low",
}
# Shapes and their sizes, as Threat Dragon draws them by default.
SIZES = {"process": (100, 100), "store": (160, 80), "actor": (160, 80)}
DATA_TYPES = {"process": "tm.Process", "store": "tm.Store", "actor": "tm.Actor"}
SLOT = (220, 160)  # the room each system gets in its box: its shape, centred, and a margin
PADDING, HEADER, GAP = 40, 60, 160  # inside a box; the box's label; between boxes
SOLID = "none"  # SVG's word for an undashed line; the schema wants a string, never null
STROKE, STROKE_THREAT = ("#333333", 1.5), ("red", 2.5)  # what Threat Dragon itself uses


@dataclass(frozen=True)
class Box:
    """A rectangle on the diagram, in Threat Dragon's coordinates (y grows downwards)."""

    x: int
    y: int
    width: int
    height: int

    def contains(self, other: Box) -> bool:
        return (
            self.x <= other.x
            and self.y <= other.y
            and other.x + other.width <= self.x + self.width
            and other.y + other.height <= self.y + self.height
        )


def cell_id(element: str) -> str:
    """A stable UUID for a flowscope id (Threat Dragon's own cell ids are UUIDs).

    >>> cell_id("system:crm") == cell_id("system:crm") != cell_id("system:web-app")
    True
    """
    return str(uuid.uuid5(NAMESPACE, element))


def layout(estate: Estate) -> tuple[dict[str, Box], dict[str, Box]]:
    """Each zone's box, left to right, and each system's shape centred in a slot of its box."""
    members: dict[str, list[str]] = {zone: [] for zone in ZONES}
    steps = _steps_from_senders(estate)
    for system, data in sorted(estate.nodes("system"), key=lambda n: (steps.get(n[0], 0), n[0])):
        members[trust_zone(data)].append(system)
    boxes: dict[str, Box] = {}
    shapes: dict[str, Box] = {}
    left = 0
    for zone in ZONES:
        if not members[zone]:
            continue
        columns = math.ceil(math.sqrt(len(members[zone])))
        rows = math.ceil(len(members[zone]) / columns)
        box = Box(left, 0, 2 * PADDING + columns * SLOT[0], HEADER + PADDING + rows * SLOT[1])
        boxes[zone] = box
        for index, system in enumerate(members[zone]):
            width, height = SIZES[dfd_kind(estate.node(system))]
            column, row = divmod(index, rows)  # down each column: data moves left to right
            shapes[system] = Box(
                box.x + PADDING + column * SLOT[0] + (SLOT[0] - width) // 2,
                box.y + HEADER + row * SLOT[1] + (SLOT[1] - height) // 2,
                width,
                height,
            )
        left += box.width + GAP
    return boxes, shapes


def _steps_from_senders(estate: Estate) -> dict[str, int]:
    """How many flows away from a system that receives none each system is."""
    flows = nx.DiGraph((u, v) for u, v, _k, _d in estate.flows())
    senders = [n for n in flows if flows.in_degree(n) == 0]
    steps: dict[str, int] = nx.multi_source_dijkstra_path_length(flows, senders) if senders else {}
    return steps


def to_document(estate: Estate, rules: Mapping[str, RuleWords]) -> dict[str, Any]:
    boxes, shapes = layout(estate)
    threats = _threats(estate, rules)
    cells = [_boundary(estate, zone, box) for zone, box in boxes.items()]
    cells += [_node(estate, system, box, threats.get(system, [])) for system, box in shapes.items()]
    cells += [
        _flow(estate, (u, v, k), threats.get(_flow_key(u, v, k), []))
        for u, v, k, _ in sorted(estate.flows(), key=lambda edge: edge[:3])
    ]
    counts = f"{len(shapes)} systems, {sum(1 for _ in estate.flows())} flows"
    return {
        "version": VERSION,
        "summary": {
            "title": estate.name,
            "owner": "",
            "description": (
                f"Exported by flowscope from the estate {estate.name}: {counts}, "
                f"{len(estate.findings)} findings as threats. Trust boundaries are its zones."
            ),
            "id": 0,
        },
        "detail": {
            "contributors": [],
            "diagrams": [
                {
                    "id": 0,
                    "title": f"{estate.name}: data flows",
                    "diagramType": "STRIDE",
                    "placeholder": "Data flows found by flowscope",
                    "thumbnail": "./public/content/images/thumbnail.stride.jpg",
                    "version": VERSION,
                    "cells": cells,
                }
            ],
            "diagramTop": 1,
            "reviewer": "",
            "threatTop": len(estate.findings),
        },
    }


def _flow_key(u: str, v: str, k: str) -> str:
    return f"{u}|{v}|{k}"


def _threats(estate: Estate, rules: Mapping[str, RuleWords]) -> dict[str, list[dict[str, Any]]]:
    """Every finding as a threat, keyed by the flow or system it sits on."""
    threats: dict[str, list[dict[str, Any]]] = {}
    for number, finding in enumerate(estate.findings, start=1):
        threats.setdefault(_subject(estate, finding), []).append(
            _threat(finding, number, rules.get(finding.rule_id))
        )
    return threats


def _subject(estate: Estate, finding: Finding) -> str:
    """The flow a finding names (sender, receiver, key), else the system holding its subject."""
    if finding.flow is not None and estate.graph.has_edge(*finding.flow):
        return _flow_key(*finding.flow)
    for subject in finding.subjects:
        system = estate.system_of(subject)
        if system is not None:
            return system
    return "estate"  # no cell to hang it on: it still counts in threatTop


def _threat(finding: Finding, number: int, rule: RuleWords | None) -> dict[str, Any]:
    lines = [finding.message]
    if finding.categories:
        lines.append("Data: " + ", ".join(finding.categories))
    lines += [f"Where: {where}" for where in finding.locations]
    lines.append(f"flowscope {finding.rule_id}, fingerprint {finding.fingerprint}")
    return {
        "id": str(uuid.uuid5(NAMESPACE, f"threat:{finding.fingerprint}:{number}")),
        "title": finding.title,
        "status": "Open",
        "severity": SEVERITY[finding.severity],
        "type": rule_stride(rule).words,
        "description": "\n".join(lines),
        "mitigation": rule.remediation if rule else "",
        "modelType": "STRIDE",
        "ruleId": finding.rule_id,  # where newer Threat Dragons keep the rule behind a threat
        "number": number,
        "score": "",
        "new": False,
    }


def _stroke(threats: list[dict[str, Any]]) -> dict[str, Any]:
    colour, width = STROKE_THREAT if threats else STROKE
    return {"stroke": colour, "strokeWidth": width, "strokeDasharray": SOLID}


def _boundary(estate: Estate, zone: str, box: Box) -> dict[str, Any]:
    title = ZONE_TITLES[zone]
    return {
        "id": cell_id(f"zone:{zone}"),
        "shape": "trust-boundary-box",
        "zIndex": -1,  # behind everything, as Threat Dragon puts boundaries
        "visible": True,
        "position": {"x": box.x, "y": box.y},
        "size": {"width": box.width, "height": box.height},
        "attrs": {
            "label": {"text": title},
            "body": {"stroke": "#333333", "strokeWidth": 3, "strokeDasharray": "7 5"},
        },
        "data": {
            "type": "tm.BoundaryBox",
            "name": title,
            "description": f"flowscope trust zone {zone!r} of {estate.name}",
            "isTrustBoundary": True,
            "hasOpenThreats": False,
        },
    }


def _node(estate: Estate, system: str, box: Box, threats: list[dict[str, Any]]) -> dict[str, Any]:
    data = estate.node(system)
    shape = dfd_kind(data)
    name = str(data.get("name", system))
    received, sent = received_and_sent(estate, system)
    attrs: dict[str, Any] = {"text": {"text": name}}
    if shape == "store":  # a store is drawn as two lines, not a body
        attrs["topLine"] = attrs["bottomLine"] = _stroke(threats)
    else:
        attrs["body"] = _stroke(threats)
    return {
        "id": cell_id(system),
        "shape": shape,
        "zIndex": 1,
        "visible": True,
        "position": {"x": box.x, "y": box.y},
        "size": {"width": box.width, "height": box.height},
        "attrs": attrs,
        "data": {
            "type": DATA_TYPES[shape],
            "name": name,
            "description": system_description(system, data, received, sent),
            "outOfScope": False,
            "reasonOutOfScope": "",
            "hasOpenThreats": bool(threats),
            "threats": threats,
            "isTrustBoundary": False,
            **_facts(shape, data, received | sent),
        },
    }


def _facts(shape: str, data: dict[str, Any], categories: set[str]) -> dict[str, Any]:
    """The properties Threat Dragon shows for each kind of element."""
    if shape == "store":
        return {
            "isALog": False,
            "isEncrypted": bool(data.get("encrypted_at_rest", False)),
            "isSigned": False,
            "storesCredentials": any(c.startswith("user.authorization") for c in categories),
            "storesInventory": False,
        }
    if shape == "actor":
        return {"providesAuthentication": False}
    return {
        "handlesCardPayment": any(c.startswith("user.financial") for c in categories),
        "handlesGoodsOrServices": False,
        "isWebApplication": bool(data.get("specs")),
        "privilegeLevel": "",
    }


def _flow(
    estate: Estate, edge: tuple[str, str, str], threats: list[dict[str, Any]]
) -> dict[str, Any]:
    u, v, key = edge
    data = estate.graph.edges[edge]
    carried = estate.carried(u, v, key)
    name = str(data["name"]) if data.get("name") else str(data.get("protocol") or "data").upper()
    outside = {trust_zone(estate.node(u)), trust_zone(estate.node(v))} & {"public", "third_party"}
    line = _stroke(threats) | {"targetMarker": {"name": "block"}, "sourceMarker": {"name": ""}}
    return {
        "id": cell_id(f"flow:{_flow_key(u, v, key)}"),
        "shape": "flow",
        "zIndex": 10,
        "width": 200,
        "height": 100,
        "connector": "smooth",
        "attrs": {"line": line},
        "labels": [_label(name)],
        "source": {"cell": cell_id(u)},
        "target": {"cell": cell_id(v)},
        "vertices": [],
        "data": {
            "type": "tm.Flow",
            "name": name,
            "description": flow_description(key, data, carried),
            "outOfScope": False,
            "reasonOutOfScope": "",
            "hasOpenThreats": bool(threats),
            "threats": threats,
            "isBidirectional": False,
            "isEncrypted": data.get("encrypted") is True,
            "isPublicNetwork": bool(outside),
            "protocol": str(data.get("protocol") or ""),
            "isTrustBoundary": False,
        },
    }


def _label(text: str) -> dict[str, Any]:
    return {
        "markup": [
            {"tagName": "ellipse", "selector": "labelBody"},
            {"tagName": "text", "selector": "labelText"},
        ],
        "attrs": {
            "labelText": {"text": text, "textAnchor": "middle", "textVerticalAnchor": "middle"},
            "labelBody": {"ref": "labelText", "refRx": "50%", "refRy": "60%", "fill": "#fff",
                          "strokeWidth": 0},
        },
        "position": 0.5,
    }  # fmt: skip


def export(estate: Estate, rules: Mapping[str, RuleWords]) -> str:
    return json.dumps(to_document(estate, rules), indent=2, ensure_ascii=False) + "\n"
