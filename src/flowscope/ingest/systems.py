"""Systems files (systems.yaml): systems, their facts, and declared flows."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from flowscope.ingest.yamldoc import YamlDoc, pointer_join, validate
from flowscope.model import Diagnostic, Estate, Level, Source
from flowscope.model.categories import meant
from flowscope.model.ids import flow_key, system_id

SCHEMA = "systems.schema.json"
_ITEM = re.compile(r"^/(systems|flows)/(\d+)")

SYSTEM_FACTS = (
    "type", "zone", "owner", "description", "monitored", "monitoring",
    "domains", "region", "dpa", "last_review", "tags", "openapi", "tokenizes",
)  # fmt: skip
FLOW_FACTS = (
    "description", "protocol", "monitored", "encrypted", "authenticated", "masked",
    "via", "dataset",
)  # fmt: skip
ONE_OR_MANY = (
    "openapi",
    "via",
    "dataset",
)  # a string or a list in the file, always a list in the graph


@dataclass(frozen=True)
class SystemRecord:
    id: str
    name: str | None
    facts: dict[str, Any]
    source: Source
    origins: dict[str, Source]


@dataclass(frozen=True)
class FlowRecord:
    source_system: str
    target_system: str
    name: str
    facts: dict[str, Any]
    source: Source
    origins: dict[str, Source]


@dataclass
class SystemsFile:
    """What one systems file says, after validation: records plus problems."""

    systems: list[SystemRecord] = field(default_factory=list)
    flows: list[FlowRecord] = field(default_factory=list)
    broken: set[str] = field(default_factory=set)  # ids of entries skipped for errors
    problems: list[Diagnostic] = field(default_factory=list)


def transform(doc: YamlDoc) -> SystemsFile:
    """Validate a parsed systems file and turn its valid entries into records."""
    out = SystemsFile(problems=list(doc.problems))
    if doc.data is None:
        return out
    out.problems += validate(doc, SCHEMA)
    if not isinstance(doc.data, dict):
        return out
    bad_items = {
        (m.group(1), m.group(2)) for d in out.problems if (m := _ITEM.match(d.source.pointer))
    }
    _systems(doc, out, bad_items)
    _flows(doc, out, bad_items)
    return out


def _systems(doc: YamlDoc, out: SystemsFile, bad_items: set[tuple[str, str]]) -> None:
    first_seen: dict[str, Source] = {}
    for index, entry in enumerate(_list(doc.data.get("systems"))):
        pointer = pointer_join("/systems", index)
        slug = entry.get("id") if isinstance(entry, dict) else None
        if ("systems", str(index)) in bad_items or not isinstance(slug, str):
            if isinstance(slug, str):
                out.broken.add(slug)
            continue
        source = doc.source(pointer)
        if slug in first_seen:
            out.problems.append(
                _error(
                    f"duplicate system id {slug!r} (first at line {first_seen[slug].line})",
                    doc.source(pointer_join(pointer, "id")),
                )
            )
            continue
        first_seen[slug] = source
        facts = _facts(entry, SYSTEM_FACTS)
        origins = {key: doc.source(pointer_join(pointer, key)) for key in entry}
        out.systems.append(SystemRecord(slug, entry.get("name"), facts, source, origins))


def _flows(doc: YamlDoc, out: SystemsFile, bad_items: set[tuple[str, str]]) -> None:
    first_seen: dict[tuple[str, str, str], Source] = {}
    for index, entry in enumerate(_list(doc.data.get("flows"))):
        if ("flows", str(index)) in bad_items:
            continue
        pointer = pointer_join("/flows", index)
        identity = (entry["from"], entry["to"], entry.get("name", ""))
        if identity in first_seen:
            # a silent twin could lend its facts (monitored: true) to an undeclared flow
            out.problems.append(
                _duplicate_flow(identity, first_seen[identity], doc.source(pointer))
            )
            continue
        first_seen[identity] = doc.source(pointer)
        facts = _facts(entry, FLOW_FACTS)
        facts["declared_categories"] = entry.get("categories")
        out.problems += _misspelt_categories(doc, entry, pointer)
        origins = {key: doc.source(pointer_join(pointer, key)) for key in entry}
        name = entry.get("name", "")
        out.flows.append(
            FlowRecord(entry["from"], entry["to"], name, facts, doc.source(pointer), origins)
        )


def load(estate: Estate, files: list[SystemsFile]) -> None:
    """Merge the records of every systems file into the estate.

    Flows are added after all systems, so a flow may point at a system that
    another file declares; a flow to a system nobody declares is an error.
    """
    broken = set().union(*(f.broken for f in files)) if files else set()
    for parsed in files:
        estate.diagnostics.extend(parsed.problems)
        for system in parsed.systems:
            estate.add_node(
                system_id(system.id),
                "system",
                system.source,
                system.origins,
                name=system.name,
                **system.facts,
            )
    for parsed in files:
        for flow in parsed.flows:
            _load_flow(estate, flow, broken)


def _load_flow(estate: Estate, flow: FlowRecord, broken: set[str]) -> None:
    ends = (flow.source_system, flow.target_system)
    for end, word in zip(ends, ("from", "to"), strict=True):
        if end in broken:
            return  # the system's own error is already reported
        if system_id(end) not in estate.graph:
            estate.error(
                f"flow {word} undefined system {end!r}", flow.origins.get(word, flow.source)
            )
            return
    source, target = system_id(ends[0]), system_id(ends[1])
    key = flow_key(source, target, flow.name)
    name = flow.name or None
    estate.add_edge(source, target, "flow", flow.source, key, flow.origins, name=name, **flow.facts)


def _duplicate_flow(identity: tuple[str, str, str], first: Source, here: Source) -> Diagnostic:
    source, target, name = identity
    hint = "" if name else "; give one a name to declare two flows"
    return _error(
        f"duplicate flow {source} -> {target}{f' {name!r}' if name else ''} "
        f"(first at line {first.line}){hint}",
        here,
    )


def _facts(entry: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    facts = {key: entry.get(key) for key in keys}
    for key in ONE_OR_MANY:
        if isinstance(facts.get(key), str):
            facts[key] = [facts[key]]
    return facts


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _misspelt_categories(doc: YamlDoc, entry: dict[str, Any], pointer: str) -> list[Diagnostic]:
    """A key the taxonomy lacks but nearly has is a typo: it would lose its sensitivity.

    Keys of the estate's own (``user.loyalty_id``) are kept quietly: they are
    not close to any the taxonomy has.
    """
    problems = []
    for key in ("categories", "masked"):
        for index, written in enumerate(_list(entry.get(key))):
            fix = meant(written) if isinstance(written, str) else None
            if fix:
                problems.append(
                    Diagnostic(
                        Level.WARNING,
                        f"category {written!r} is not in the taxonomy: did you mean {fix!r}?",
                        doc.source(pointer_join(pointer_join(pointer, key), index)),
                    )
                )
    return problems


def _error(message: str, source: Source) -> Diagnostic:
    return Diagnostic(Level.ERROR, message, source)
