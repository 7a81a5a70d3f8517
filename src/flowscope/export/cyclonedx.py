"""CycloneDX 1.6 JSON: the estate's systems as services, for GRC and supply-chain tools.

Each system is a service with its trust zone; each flow is written twice,
as ``outbound`` data on the sender and ``inbound`` data on the receiver, one
entry per data category (the category key is the classification), with the
sender and receiver as BOM-links. The serial number is derived from the
estate's name, so exporting an unchanged estate gives the same document and
BOM-links from another document keep pointing at the same services.
"""

from __future__ import annotations

import json
import uuid
from importlib.metadata import PackageNotFoundError, version
from typing import Any
from urllib.parse import quote, urlsplit

from flowscope.model import Estate, Source

FACTS = ("type", "zone", "owner", "region", "dpa", "monitored", "last_review", "contract_end")
UNCLASSIFIED = "unclassified"  # a flow that names no category: the gap stays visible


def _serial(estate: Estate) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"flowscope:estate:{estate.name}")


def _link(serial: uuid.UUID, ref: str) -> str:
    return f"urn:cdx:{serial}/1#{quote(ref, safe='')}"


def _flowscope_version() -> str:
    try:
        return version("flowscope")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "0"


def to_document(estate: Estate) -> dict[str, Any]:
    serial = _serial(estate)
    systems = dict(estate.nodes("system"))
    data = _data_by_system(estate, serial)
    services = [
        _service(system, attrs, data.get(system, [])) for system, attrs in sorted(systems.items())
    ]
    return {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": serial.urn,
        "version": 1,
        "metadata": {
            "tools": {
                "components": [
                    {"type": "application", "name": "flowscope", "version": _flowscope_version()}
                ]
            },
            "component": {"type": "platform", "name": estate.name, "bom-ref": "estate"},
        },
        "services": services,
        "dependencies": _dependencies(estate, systems),
    }


def _service(system: str, data: dict[str, Any], entries: list[dict[str, Any]]) -> dict[str, Any]:
    zone = str(data.get("zone") or "unknown")
    service: dict[str, Any] = {
        "bom-ref": system,
        "name": str(data.get("name", system)),
        "trustZone": zone,
        # invoking a vendor, or being invoked from outside, crosses a trust boundary
        "x-trust-boundary": zone in ("third_party", "public"),
    }
    if zone == "third_party":
        service["provider"] = {"name": str(data.get("name", system))}
    if data.get("description"):
        service["description"] = str(data["description"])
    endpoints = [e for e in map(_endpoint, data.get("servers", [])) if e is not None]
    if endpoints:
        service["endpoints"] = endpoints
    if entries:
        service["data"] = entries
    service["properties"] = _properties(data)
    return service


def _endpoint(server: Any) -> str | None:
    """A server URL as a valid IRI; a template (``https://{region}.api…``) is no address."""
    text = str(server)
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or "{" in text:
        return None
    return quote(text, safe=":/?#[]@!$&'()*+,;=%~")


def _data_by_system(estate: Estate, serial: uuid.UUID) -> dict[str, list[dict[str, Any]]]:
    """Every flow, once as outbound data of its sender and once as inbound of its receiver."""
    entries: dict[str, list[dict[str, Any]]] = {}
    for source, target, key, flow in estate.flows():
        for category in estate.carried(source, target, key) or [UNCLASSIFIED]:
            entry = {
                "classification": category,
                "name": key,
                "source": [_link(serial, source)],
                "destination": [_link(serial, target)],
            }
            if flow.get("description"):
                entry["description"] = str(flow["description"])
            entries.setdefault(source, []).append({"flow": "outbound", **entry})
            entries.setdefault(target, []).append({"flow": "inbound", **entry})
    return entries


def _properties(data: dict[str, Any]) -> list[dict[str, str]]:
    props = [
        {"name": f"flowscope:{fact}", "value": _text(data[fact])}
        for fact in FACTS
        if data.get(fact) is not None
    ]
    props += [
        {"name": "flowscope:source", "value": f"{s.file}:{s.line}" if s.line else s.file}
        for s in data.get("sources", [])
        if isinstance(s, Source)
    ]
    return props


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _dependencies(estate: Estate, systems: dict[str, Any]) -> list[dict[str, Any]]:
    """Who sends data to whom: each system depends on the systems it sends to."""
    targets: dict[str, set[str]] = {system: set() for system in systems}
    for source, target, _key, _data in estate.flows():
        targets.setdefault(source, set()).add(target)
    return [{"ref": s, "dependsOn": sorted(t)} for s, t in sorted(targets.items())]


def export(estate: Estate) -> str:
    return json.dumps(to_document(estate), indent=2, ensure_ascii=False) + "\n"
