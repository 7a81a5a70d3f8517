"""What flows are seen to carry: the categories of the operations they call (``via``).

A declared flow says what its owners think it carries; the spec of the
operation it calls says what it can carry. Both are kept: ``declared_categories``
and ``observed_categories``.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from flowscope.model import Estate, Source

_PARAMETER = re.compile(r"\{[^}]*\}")


def normal_path(path: str) -> str:
    """A path template with its parameter names blanked and no trailing slash.

    >>> normal_path("/pets/{petId}/")
    '/pets/{}'
    """
    return _PARAMETER.sub("{}", path).rstrip("/") or "/"


def observe_via(estate: Estate) -> None:
    """Set ``observed_categories`` on every flow that names the operations it calls
    or the warehouse tables it ships."""
    tables = _datasets_by_name(estate)
    for source, target, key, data in list(estate.flows()):
        observed: list[str] = []
        for name in data.get("dataset", []):
            dataset = tables.get(name.lower())
            where = estate.origin((source, target, key), "dataset") or data["sources"][0]
            if dataset is None and any(True for _ in estate.nodes("dataset")):
                known = "is not a table the estate's SQL or catalog knows"
                estate.error(f"dataset {name!r} {known}", where)
                continue
            if dataset is None:  # no SQL was read at all: nothing to check against
                estate.warn(f"dataset {name!r}: no SQL was read, so it cannot be checked", where)
                continue
            if dataset not in data.setdefault("via_datasets", []):
                data["via_datasets"].append(dataset)
            observed += [c for c in dataset_categories(estate, dataset) if c not in observed]
        for via in data.get("via", []):
            endpoint, direction = _endpoint(estate, source, target, via)
            if endpoint is None:
                where = estate.origin((source, target, key), "via") or data["sources"][0]
                _unknown_via(estate, target, via, where)
                continue
            observed += [c for c in _categories(estate, endpoint, direction) if c not in observed]
            if endpoint not in data.setdefault("via_endpoints", []):
                data["via_endpoints"].append(endpoint)
        if observed:
            data["observed_categories"] = observed


def _endpoint(estate: Estate, source: str, target: str, via: str) -> tuple[str | None, str]:
    """The endpoint a ``via`` names: an operation the target serves (its request
    is what the flow carries), else one the source serves (its response is)."""
    if via.startswith("endpoint:"):
        return (via if via in estate.graph else None), "request"
    method, _, path = via.strip().partition(" ")
    for system, direction in ((target, "request"), (source, "response")):
        found = _find(estate, system, method.upper(), path.strip())
        if found:
            return found, direction
    return None, "request"


def _find(estate: Estate, system: str, method: str, path: str) -> str | None:
    wanted = normal_path(path)
    prefixes = [""] + [
        urlsplit(url).path.rstrip("/") for url in estate.node(system).get("servers", [])
    ]
    for _, endpoint in estate.graph.out_edges(system):
        data = estate.node(endpoint)
        if data["kind"] != "endpoint" or data.get("method") != method:
            continue
        served = normal_path(str(data.get("path", "")))
        if any(wanted == normal_path(prefix + served) for prefix in prefixes):
            return str(endpoint)
    return None


def _datasets_by_name(estate: Estate) -> dict[str, str]:
    return {
        str(data.get("name", "")).lower(): node
        for node, data in estate.nodes("dataset")
        if not data.get("temporary")
    }


def dataset_categories(estate: Estate, dataset: str) -> list[str]:
    """What a table's columns hold, except columns that reach it only masked."""
    found: list[str] = []
    for _, field_id in estate.graph.out_edges(dataset):
        data = estate.node(field_id)
        if data["kind"] != "field" or _only_masked(estate, field_id):
            continue
        found += [c for c in data.get("categories", []) if c not in found]
    return found


def _only_masked(estate: Estate, field_id: str) -> bool:
    transforms = [
        d.get("transform")
        for _, _, d in estate.graph.in_edges(field_id, data=True)
        if d["kind"] == "lineage"
    ]
    return bool(transforms) and all(t == "masked" for t in transforms)


def _categories(estate: Estate, endpoint: str, direction: str) -> list[str]:
    found: list[str] = []
    for field_id in estate.node(endpoint).get(f"{direction}_fields", []):
        found += [c for c in estate.node(field_id).get("categories", []) if c not in found]
    return found


def _unknown_via(estate: Estate, target: str, via: str, where: Source) -> None:
    """An operation missing from a spec that was read is an error; with no spec
    to check against (none read for the target), only a warning."""
    name = estate.node(target)["name"]
    has_spec = any(estate.node(n)["kind"] == "endpoint" for _, n in estate.graph.out_edges(target))
    if has_spec:
        estate.error(f"via {via!r} names no operation of {name}", where)
    else:
        estate.warn(f"via {via!r}: no spec of {name} was read, so it cannot be checked", where)


def via_evidence(estate: Estate, data: dict[str, Any]) -> list[Source]:
    """Where the operations a flow calls, and the tables it ships, are defined."""
    shipped = [*data.get("via_endpoints", []), *data.get("via_datasets", [])]
    return [estate.node(n)["sources"][0] for n in shipped if n in estate.graph]
