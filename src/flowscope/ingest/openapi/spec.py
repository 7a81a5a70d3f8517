"""One OpenAPI document (Swagger 2.0, OpenAPI 3.0 or 3.1) to records: pure, no graph."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from flowscope.ingest.openapi.documents import Document, DocumentStore, RefError
from flowscope.ingest.yamldoc import pointer_join
from flowscope.model import Diagnostic, Level, Source

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
MAX_DEPTH = 12  # nesting of a field path; deeper schemas are cut
MAX_FIELDS_PER_OPERATION = 2_000
AUTH_TYPES = {"basic": "http", "apiKey": "apiKey", "oauth2": "oauth2", "http": "http"}


@dataclass(frozen=True)
class FieldRecord:
    name: str  # dotted path: customer.address.street, messages[].content
    direction: str  # request or response
    location: str  # body, query, path, header, cookie, form
    source: Source
    type: str | None = None
    format: str | None = None
    tags: tuple[str, ...] = ()  # explicit x-data-categories
    description: str | None = None
    media_type: str | None = None  # for a whole body that is not an object (audio, a file)


@dataclass
class OperationRecord:
    method: str
    path: str  # the path template, a webhook name, or a callback expression
    origin: str  # path, webhook or callback
    source: Source
    auth: tuple[str, ...] = ("none",)
    operation_id: str | None = None
    summary: str | None = None
    callback_of: str | None = None  # "POST /v1/listen" for a callback
    fields: list[FieldRecord] = field(default_factory=list)
    truncated: bool = False


@dataclass
class SpecRecord:
    """What one spec says: its identity, servers and operations, plus problems."""

    file: str
    version: str
    title: str
    source: Source
    system_hint: str | None = None
    servers: list[str] = field(default_factory=list)
    operations: list[OperationRecord] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)

    @property
    def hosts(self) -> list[str]:
        found = [urlsplit(url).hostname for url in self.servers]
        return list(dict.fromkeys(h for h in found if h))


def spec_version(data: Any) -> str | None:
    """'2.0', '3.0' or '3.1' for a spec document, None for anything else.

    >>> spec_version({"openapi": "3.1.0"}), spec_version({"swagger": "2.0"}), spec_version({})
    ('3.1', '2.0', None)
    """
    if not isinstance(data, dict):
        return None
    if "openapi" in data:
        text = str(data["openapi"])
        return "3.0" if text.startswith("3.0") else "3.1" if text.startswith("3.") else text
    if "swagger" in data:
        return "2.0"
    return None


def transform(store: DocumentStore, doc: Document) -> SpecRecord:
    """Read every operation, webhook and callback of the spec in ``doc``."""
    data = doc.data
    version = spec_version(data) or "unknown"
    info = data.get("info") if isinstance(data.get("info"), dict) else {}
    reader = _Reader(store, doc, version)
    record = SpecRecord(
        file=doc.file,
        version=version,
        title=str(info.get("title") or doc.file),
        source=doc.source(""),
        system_hint=_text(data.get("x-flowscope-system")),
        servers=reader.servers(),
    )
    record.operations = list(reader.operations())
    record.problems = doc.problems + reader.problems
    return record


class _Reader:
    """Walks one spec; collects problems instead of raising."""

    def __init__(self, store: DocumentStore, doc: Document, version: str) -> None:
        self.store, self.doc, self.version = store, doc, version
        self.problems: list[Diagnostic] = []
        self._warned: set[tuple[str, str]] = set()
        data = doc.data
        self.global_security = data.get("security")
        schemes = data.get("securityDefinitions") if version == "2.0" else None
        if schemes is None:
            components = data.get("components")
            schemes = components.get("securitySchemes") if isinstance(components, dict) else None
        self.schemes: dict[str, Any] = schemes if isinstance(schemes, dict) else {}

    # -- servers ------------------------------------------------------------

    def servers(self) -> list[str]:
        data = self.doc.data
        if self.version == "2.0":
            host = _text(data.get("host"))
            if not host:
                return []
            base = _text(data.get("basePath")) or ""
            schemes = [s for s in _list(data.get("schemes")) if isinstance(s, str)] or ["https"]
            return [f"{scheme}://{host}{base}" for scheme in schemes]
        urls = [_server_url(s) for s in _list(data.get("servers"))]
        for item in _dict(data.get("paths")).values():
            if isinstance(item, dict):
                urls += [_server_url(s) for s in _list(item.get("servers"))]
        return list(dict.fromkeys(u for u in urls if u))

    # -- operations ---------------------------------------------------------

    def operations(self) -> Iterator[OperationRecord]:
        data = self.doc.data
        for path, item in _dict(data.get("paths")).items():
            if str(path).startswith("x-"):
                continue
            where = pointer_join("/paths", path)
            yield from self._path_item(item, self.doc, where, str(path), "path", None)
        webhooks = data.get("webhooks")
        if webhooks is not None and self.version != "3.1":
            self._warn(
                self.doc,
                "/webhooks",
                f"webhooks are an OpenAPI 3.1 feature; this is {self.version}",
            )
        for name, item in _dict(webhooks).items():
            yield from self._path_item(
                item, self.doc, pointer_join("/webhooks", name), str(name), "webhook", None
            )

    def _path_item(
        self, item: Any, doc: Document, where: str, path: str, origin: str, parent: str | None
    ) -> Iterator[OperationRecord]:
        item_doc, item_where, item = self._deref(item, doc, where)
        if not isinstance(item, dict):
            return
        shared = _list(item.get("parameters"))
        for method in HTTP_METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            op_where = pointer_join(item_where, method)
            record = OperationRecord(
                method=method.upper(),
                path=path,
                origin=origin,
                source=item_doc.source(op_where),
                auth=self._auth(operation, item_doc, op_where),
                operation_id=_text(operation.get("operationId")),
                summary=_text(operation.get("summary")),
                callback_of=parent,
            )
            fields = _Fields(self, record)
            fields.parameters(
                shared, item_doc, pointer_join(item_where, "parameters"), operation, op_where
            )
            fields.request_body(operation, item_doc, op_where)
            fields.responses(operation, item_doc, op_where)
            yield record
            if origin == "path":
                yield from self._callbacks(
                    operation, item_doc, op_where, f"{method.upper()} {path}"
                )

    def _callbacks(
        self, operation: dict[str, Any], doc: Document, where: str, parent: str
    ) -> Iterator[OperationRecord]:
        for name, callback in _dict(operation.get("callbacks")).items():
            cb_where = pointer_join(pointer_join(where, "callbacks"), name)
            cb_doc, cb_where, callback = self._deref(callback, doc, cb_where)
            for expression, item in _dict(callback).items():
                yield from self._path_item(
                    item,
                    cb_doc,
                    pointer_join(cb_where, expression),
                    str(expression),
                    "callback",
                    parent,
                )

    def _auth(self, operation: dict[str, Any], doc: Document, where: str) -> tuple[str, ...]:
        requirements = operation.get("security", self.global_security)
        if not isinstance(requirements, list) or not requirements:
            return ("none",)
        kinds: set[str] = set()
        for requirement in requirements:
            if not isinstance(requirement, dict) or not requirement:
                kinds.add("none")  # {} means anonymous access is allowed
                continue
            for name in requirement:
                kinds.add(self._scheme_type(str(name), doc, where))
        return tuple(sorted(kinds))

    def _scheme_type(self, name: str, doc: Document, where: str) -> str:
        scheme = self.schemes.get(name)
        if isinstance(scheme, dict) and "$ref" in scheme:
            _, _, scheme = self._deref(scheme, self.doc, "/components/securitySchemes")
        if not isinstance(scheme, dict):
            self._warn(doc, where, f"security scheme {name!r} is not defined")
            return "unknown"
        kind = str(scheme.get("type", "unknown"))
        return AUTH_TYPES.get(kind, kind)

    # -- helpers ------------------------------------------------------------

    def _deref(
        self, value: Any, doc: Document, where: str, seen: frozenset[str] = frozenset()
    ) -> tuple[Document, str, Any]:
        """Follow a chain of ``$ref``s; on a problem, warn once and return None."""
        while isinstance(value, dict) and isinstance(value.get("$ref"), str):
            ref = value["$ref"]
            try:
                doc, where, value = self.store.resolve(ref, doc)
            except RefError as exc:
                ref_where = pointer_join(where, "$ref") if where else "/$ref"
                self._warn(doc, ref_where, str(exc), exc.level)
                return doc, where, None
            key = f"{doc.location}#{where}"
            if key in seen:
                return doc, where, None
            seen = seen | {key}
        return doc, where, value

    def _warn(self, doc: Document, where: str, message: str, level: Level = Level.WARNING) -> None:
        if (doc.location + where, message) in self._warned:
            return
        self._warned.add((doc.location + where, message))
        self.problems.append(Diagnostic(level, message, doc.source(where)))


class _Fields:
    """Field records of one operation: parameters, request body, responses."""

    def __init__(self, reader: _Reader, record: OperationRecord) -> None:
        self.reader, self.record = reader, record
        self.names: set[tuple[str, str, str]] = set()

    def parameters(
        self,
        shared: list[Any],
        doc: Document,
        shared_where: str,
        operation: dict[str, Any],
        where: str,
    ) -> None:
        merged: dict[tuple[str, str], tuple[Document, str, dict[str, Any]]] = {}
        own = [(p, doc, pointer_join(shared_where, i)) for i, p in enumerate(shared)]
        own += [
            (p, doc, pointer_join(pointer_join(where, "parameters"), i))
            for i, p in enumerate(_list(operation.get("parameters")))
        ]
        for raw, raw_doc, raw_where in own:
            p_doc, p_where, parameter = self.reader._deref(raw, raw_doc, raw_where)
            if isinstance(parameter, dict) and isinstance(parameter.get("name"), str):
                merged[parameter["name"], str(parameter.get("in", "query"))] = (
                    p_doc,
                    p_where,
                    parameter,
                )
        for (name, location), (p_doc, p_where, parameter) in merged.items():
            if location == "body":  # Swagger 2.0: the request body is a parameter
                self.schema(
                    parameter.get("schema"),
                    p_doc,
                    pointer_join(p_where, "schema"),
                    "",
                    "request",
                    "body",
                )
                continue
            location = "form" if location == "formData" else location
            self.add(name, "request", location, p_doc, p_where, parameter)
            schema = parameter.get("schema")
            if isinstance(schema, dict):
                self.schema(
                    schema, p_doc, pointer_join(p_where, "schema"), name, "request", location
                )

    def request_body(self, operation: dict[str, Any], doc: Document, where: str) -> None:
        body_doc, body_where, body = self.reader._deref(
            operation.get("requestBody"), doc, pointer_join(where, "requestBody")
        )
        self._content(body, body_doc, body_where, "request")

    def responses(self, operation: dict[str, Any], doc: Document, where: str) -> None:
        responses_where = pointer_join(where, "responses")
        for status, response in _dict(operation.get("responses")).items():
            r_doc, r_where, response = self.reader._deref(
                response, doc, pointer_join(responses_where, status)
            )
            if not isinstance(response, dict):
                continue
            if "schema" in response:  # Swagger 2.0
                self.schema(
                    response["schema"],
                    r_doc,
                    pointer_join(r_where, "schema"),
                    "",
                    "response",
                    "body",
                )
            self._content(response, r_doc, r_where, "response")

    def _content(self, holder: Any, doc: Document, where: str, direction: str) -> None:
        if not isinstance(holder, dict):
            return
        content_where = pointer_join(where, "content")
        opaque: list[tuple[str, str]] = []  # bodies with no named parts: audio, a file
        for media, body in _dict(holder.get("content")).items():
            if isinstance(body, dict) and "schema" in body:
                media_where = pointer_join(pointer_join(content_where, media), "schema")
                before = len(self.record.fields)
                self.schema(body["schema"], doc, media_where, "", direction, "body")
                if len(self.record.fields) == before:
                    opaque.append((str(media), media_where))
        if opaque:
            media_types = ", ".join(media for media, _ in opaque)
            ref = {"$ref": "#" + opaque[0][1]}
            b_doc, b_where, schema = self.reader._deref(ref, doc, opaque[0][1])
            if isinstance(schema, dict):  # a whole body, not a schema that failed to load
                self.add("body", direction, "body", b_doc, b_where, schema, media_types)

    def schema(
        self, schema: Any, doc: Document, where: str, prefix: str, direction: str, location: str,
        stack: frozenset[str] = frozenset(), depth: int = 0,
    ) -> None:  # fmt: skip
        """Fields of ``schema`` under ``prefix``; refs followed, cycles and depth cut."""
        if depth > MAX_DEPTH or self.record.truncated:
            return
        if isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
            target_doc, target_where, target = self.reader._deref(
                {"$ref": schema["$ref"]}, doc, where
            )
            key = f"{target_doc.location}#{target_where}"
            if target is not None and key not in stack:
                self.schema(
                    target,
                    target_doc,
                    target_where,
                    prefix,
                    direction,
                    location,
                    stack | {key},
                    depth,
                )
        if not isinstance(schema, dict):
            return
        for keyword in ("allOf", "oneOf", "anyOf"):
            for index, part in enumerate(_list(schema.get(keyword))):
                part_where = pointer_join(pointer_join(where, keyword), index)
                self.schema(part, doc, part_where, prefix, direction, location, stack, depth)
        properties_where = pointer_join(where, "properties")
        for name, sub in _dict(schema.get("properties")).items():
            path = f"{prefix}.{name}" if prefix else str(name)
            sub_where = pointer_join(properties_where, name)
            self.add(path, direction, location, doc, sub_where, self._peek(sub, doc, sub_where))
            self.schema(sub, doc, sub_where, path, direction, location, stack, depth + 1)
        for keyword in ("items", "additionalProperties"):
            sub = schema.get(keyword)
            if isinstance(sub, dict):
                suffix = "[]" if keyword == "items" else ".*"
                self.schema(
                    sub,
                    doc,
                    pointer_join(where, keyword),
                    f"{prefix}{suffix}",
                    direction,
                    location,
                    stack,
                    depth + 1,
                )
        for index, sub in enumerate(_list(schema.get("prefixItems"))):
            self.schema(
                sub,
                doc,
                pointer_join(pointer_join(where, "prefixItems"), index),
                f"{prefix}[]",
                direction,
                location,
                stack,
                depth + 1,
            )

    def _peek(self, schema: Any, doc: Document, where: str) -> Any:
        """The schema a property names, through its ``$ref``, for type and format."""
        if isinstance(schema, dict) and "$ref" in schema and len(schema) == 1:
            return self.reader._deref(schema, doc, where)[2]
        return schema

    def add(
        self, name: str, direction: str, location: str, doc: Document, where: str, schema: Any,
        media_type: str | None = None,
    ) -> None:  # fmt: skip
        if (name, direction, location) in self.names:
            return
        if len(self.names) >= MAX_FIELDS_PER_OPERATION:
            self.record.truncated = True
            return
        self.names.add((name, direction, location))
        schema = schema if isinstance(schema, dict) else {}
        inner = schema.get("schema") if isinstance(schema.get("schema"), dict) else schema
        self.record.fields.append(
            FieldRecord(
                name=name,
                direction=direction,
                location=location,
                source=doc.source(where),
                type=_type(inner.get("type")),
                format=_text(inner.get("format")),
                tags=_tags(schema.get("x-data-categories") or inner.get("x-data-categories")),
                description=_text(schema.get("description")),
                media_type=media_type,
            )
        )


def _server_url(server: Any) -> str | None:
    if not isinstance(server, dict) or not isinstance(server.get("url"), str):
        return None
    url = str(server["url"])
    for name, variable in _dict(server.get("variables")).items():
        if isinstance(variable, dict) and "default" in variable:
            url = url.replace("{" + str(name) + "}", str(variable["default"]))
    return url


def _type(value: Any) -> str | None:
    if isinstance(value, list):
        return "|".join(str(v) for v in value)
    return _text(value)


def _tags(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def _text(value: Any) -> str | None:
    return str(value) if isinstance(value, str) and value else None


def _dict(value: Any) -> dict[Any, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
