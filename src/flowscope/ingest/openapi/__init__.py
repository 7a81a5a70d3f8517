"""OpenAPI specs (Swagger 2.0, OpenAPI 3.0, 3.1): systems, endpoints, fields, callbacks.

``read_specs`` finds the spec documents of an estate, starts their
validation in the background, turns each into records (``spec.transform``)
and merges those into the graph (``load``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flowscope.ingest.openapi.documents import Document, DocumentStore, is_url
from flowscope.ingest.openapi.spec import OperationRecord, SpecRecord, spec_version, transform
from flowscope.ingest.openapi.validation import BackgroundValidation, Job
from flowscope.model import Estate, InputError, Source
from flowscope.model.ids import (
    endpoint_field_id,
    endpoint_id,
    flow_key,
    receivers_id,
    slug,
    system_id,
)

SPEC_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass
class SpecSources:
    """Where specs come from: files matched by globs, and explicit links from systems."""

    files: list[Path] = field(default_factory=list)
    # location of the spec -> (system id, where the link is written)
    links: dict[str, tuple[str, Source]] = field(default_factory=dict)
    urls: list[str] = field(default_factory=list)  # specs given by URL, linked to no system


def read_specs(
    estate: Estate, sources: SpecSources, *, allow_remote_refs: bool = False, validate: bool = True
) -> None:
    """Read every spec into the estate; problems become diagnostics, never exceptions."""
    store = DocumentStore(estate.root, allow_remote_refs=allow_remote_refs)
    roots = _spec_documents(estate, store, sources)
    jobs = [Job(doc.location, spec_version(doc.data) or "") for doc in roots] if validate else []
    validation = BackgroundValidation(jobs, store.root, allow_remote_refs)
    by_location = {doc.location: doc for doc in roots}
    for doc in roots:
        record = transform(store, doc)
        estate.diagnostics.extend(record.problems)
        load(estate, record, _linked_system(sources, doc))
    for location, problems in validation.results().items():
        doc = by_location[location]
        for pointer, message in problems:
            estate.warn(f"invalid spec: {message}", doc.source(pointer))


def _spec_documents(estate: Estate, store: DocumentStore, sources: SpecSources) -> list[Document]:
    roots: dict[str, Document] = {}
    for path in sources.files:
        doc = _open(estate, store, str(path))
        if doc is not None and spec_version(doc.data):  # other files are fragments refs reach
            roots.setdefault(doc.location, doc)
    named: list[tuple[str, tuple[str, Source] | None]] = [(url, None) for url in sources.urls]
    named += list(sources.links.items())
    for location, link in named:
        doc = _open(estate, store, location, link)
        if doc is not None and not spec_version(doc.data):
            _fail(estate, f"{doc.file} is not an OpenAPI document", doc.source(""), link)
        elif doc is not None:
            roots.setdefault(doc.location, doc)
    return list(roots.values())


def _open(
    estate: Estate, store: DocumentStore, location: str, link: tuple[str, Source] | None = None
) -> Document | None:
    try:
        return store.load_url(location) if is_url(location) else store.load_file(Path(location))
    except InputError as exc:
        problem = exc.diagnostics[0]
        _fail(estate, problem.message, problem.source, link)
        return None


def _fail(estate: Estate, message: str, where: Source, link: tuple[str, Source] | None) -> None:
    """An unreadable spec: at its own place, or at the link that names it."""
    if link is None:
        estate.error(message, where)
    else:
        estate.error(f"openapi link of {link[0]}: {message}", link[1])


def _linked_system(sources: SpecSources, doc: Document) -> str | None:
    link = sources.links.get(doc.location)
    return link[0] if link else None


def load(estate: Estate, record: SpecRecord, linked: str | None = None) -> str:
    """Merge one spec's records into the estate; returns the id of its system."""
    system = linked or match_system(estate, record)
    attrs: dict[str, Any] = {
        "hosts": record.hosts,
        "servers": record.servers,
        "specs": [record.file],
    }
    if system not in estate.graph:
        attrs |= {"name": record.title, "type": "service"}
    estate.add_node(system, "system", record.source, **attrs)
    for operation in record.operations:
        _load_operation(estate, system, operation)
    return system


def match_system(estate: Estate, record: SpecRecord) -> str:
    """The system a spec describes: x-flowscope-system, else a server host, else the title."""
    if record.system_hint:
        return system_id(record.system_hint)
    systems = list(estate.nodes("system"))
    for host in record.hosts:
        for node_id, data in systems:
            if host in data.get("domains", []):
                return node_id
    title = record.title.casefold()
    for node_id, data in systems:
        if str(data.get("name", "")).casefold() == title:
            return node_id
    return system_id(record.title)


def _load_operation(estate: Estate, system: str, operation: OperationRecord) -> None:
    endpoint = endpoint_id(system, operation.method, operation.path)
    estate.add_node(
        endpoint,
        "endpoint",
        operation.source,
        name=f"{operation.method} {operation.path}",
        method=operation.method,
        path=operation.path,
        origin=operation.origin,
        auth=list(operation.auth),
        operation_id=operation.operation_id,
        summary=operation.summary,
        callback_of=operation.callback_of,
    )
    estate.add_edge(system, endpoint, "contains", operation.source)
    ids: dict[str, list[str]] = {"request": [], "response": []}
    for record in operation.fields:
        node = endpoint_field_id(endpoint, record.direction, record.location, record.name)
        estate.add_node(
            node, "field", record.source, name=record.name, direction=record.direction,
            location=record.location, type=record.type, format=record.format,
            declared_categories=list(record.tags) or None, description=record.description,
            media_type=record.media_type,
        )  # fmt: skip
        estate.add_edge(endpoint, node, "contains", record.source)
        ids[record.direction].append(node)
    data = estate.node(endpoint)
    for direction, found in ids.items():  # two specs may describe one endpoint
        known = data.setdefault(f"{direction}_fields", [])
        known += [f for f in found if f not in known]
    if operation.truncated:
        estate.warn(
            f"{operation.method} {operation.path}: more fields than can be read; the rest were cut",
            operation.source,
        )
    if operation.origin != "path":
        _outbound_flow(estate, system, endpoint, operation)


def _outbound_flow(estate: Estate, system: str, endpoint: str, operation: OperationRecord) -> None:
    """A webhook or callback: the API's system sends data to whoever listens."""
    receiver = receivers_id(system)
    owner = estate.node(system)["name"]
    estate.add_node(
        receiver, "system", operation.source, name=f"{owner} webhook and callback receivers",
        type="service", zone="public",
        description="Whoever subscribes to this API's webhooks or callbacks: outside the estate.",
    )  # fmt: skip
    key = flow_key(
        system, receiver, slug(f"{operation.origin} {operation.method} {operation.path}")
    )
    estate.add_edge(
        system, receiver, "flow", operation.source, key=key, via=[endpoint], origin=operation.origin
    )


__all__ = ["SpecSources", "load", "match_system", "read_specs"]
