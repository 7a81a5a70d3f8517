"""The estate graph: systems, datasets, fields, endpoints and the edges between them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import networkx as nx

from flowscope.model.categories import under
from flowscope.model.diagnostics import Diagnostic, Level
from flowscope.model.exposure import Exposure
from flowscope.model.finding import Finding
from flowscope.model.provenance import Source
from flowscope.model.suppression import Suppression

NODE_KINDS = ("system", "dataset", "field", "endpoint")
EDGE_KINDS = ("contains", "flow", "lineage")

# Facts whose "yes" is a security claim. When two sources disagree, the
# pessimistic value wins (unknown is not safe) and a warning names both places.
SAFETY_FACTS = frozenset({"monitored", "encrypted", "authenticated", "dpa"})
# Words, not facts: when sources word them differently the first is kept, quietly.
FREE_TEXT = frozenset({"description", "monitoring", "summary", "notes"})
# A system one source calls third party must not be outvoted into the estate.
ZONE_EXPOSURE = {"internal": 0, "third_party": 1, "public": 2}

# Attributes that accumulate across sources instead of conflicting.
LIST_ATTRIBUTES = frozenset(
    {
        "categories",
        "declared_categories",
        "observed_categories",
        "masked",
        "via",
        "dataset",
        "via_endpoints",
        "via_datasets",
        "domains",
        "hosts",
        "servers",
        "specs",
        "openapi",
        "tags",
        "inventory",
        "inventory_categories",
        "unmapped_categories",
    }
)


@dataclass
class Policy:
    """Policy knobs from flowscope.yaml that rules read."""

    fail_on: str = "high"
    review_max_age_days: int = 365
    allowed_regions: tuple[str, ...] = ()
    today: date | None = None  # "as of" for review ages; None: the real today
    severities: dict[str, str] = field(default_factory=dict)  # rule id -> severity override
    suppressions: tuple[Suppression, ...] = ()


def carried_categories(edge: dict[str, Any]) -> list[str]:
    """Every category an edge's attributes say it is said, seen or found to carry, sorted
    (works on the graph's attributes and on an export's edges alike)."""
    return sorted(
        {
            *edge.get("declared_categories", []),
            *edge.get("observed_categories", []),
            *edge.get("categories", []),
        }
    )


@dataclass
class Estate:
    """One directed multigraph of the estate, plus what was learnt reading it.

    Nodes and edges merge by id: several sources can describe one system and
    each adds its facts and its provenance.

    >>> e = Estate("demo")
    >>> e.add_node("system:crm", "system", Source("a.yaml", 3), name="CRM", monitored=True)
    >>> e.add_node("system:crm", "system", Source("b.yaml", 9), monitored=False)
    >>> e.graph.nodes["system:crm"]["monitored"]
    False
    >>> print(e.diagnostics[0].message)
    conflicting 'monitored' for system:crm: true at a.yaml:3, false at b.yaml:9; keeping false
    """

    name: str = "estate"
    root: Path = field(default_factory=Path)
    graph: nx.MultiDiGraph = field(default_factory=nx.MultiDiGraph)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    policy: Policy = field(default_factory=Policy)
    inventories: list[str] = field(default_factory=list)  # vendor inventories read
    exposures: list[Exposure] = field(default_factory=list)  # where each category travels
    suppressed: list[tuple[Finding, Suppression]] = field(default_factory=list)
    baseline: frozenset[str] = frozenset()  # fingerprints accepted before: not new
    _origins: dict[tuple[Any, str], Source] = field(default_factory=dict, repr=False)

    # -- building -----------------------------------------------------------

    def add_node(
        self,
        node_id: str,
        kind: str,
        source: Source,
        origins: dict[str, Source] | None = None,
        **attrs: Any,
    ) -> None:
        """Add a node, or merge ``attrs`` into the node already there.

        ``origins`` names the exact place of single attributes (the line of
        ``monitored:`` rather than of the whole entry), for conflict messages.
        """
        if kind not in NODE_KINDS:
            raise ValueError(f"unknown node kind {kind!r}")
        if node_id not in self.graph:
            self.graph.add_node(node_id, kind=kind, name=default_name(node_id), sources=[])
        data = self.graph.nodes[node_id]
        self._merge(node_id, node_id, data, attrs, source, origins or {})

    def add_edge(
        self,
        u: str,
        v: str,
        kind: str,
        source: Source,
        key: str | None = None,
        origins: dict[str, Source] | None = None,
        **attrs: Any,
    ) -> str:
        """Add an edge, or merge into the edge with the same (u, v, key); returns the key."""
        if kind not in EDGE_KINDS:
            raise ValueError(f"unknown edge kind {kind!r}")
        key = key or kind
        if not self.graph.has_edge(u, v, key):
            self.graph.add_edge(u, v, key=key, kind=kind, sources=[])
        data = self.graph.edges[u, v, key]
        self._merge((u, v, key), key, data, attrs, source, origins or {})
        return key

    def _merge(
        self,
        element: Any,
        label: str,
        data: dict[str, Any],
        attrs: dict[str, Any],
        source: Source,
        origins: dict[str, Source],
    ) -> None:
        if source not in data["sources"]:
            data["sources"].append(source)
        for attr, value in attrs.items():
            if value is None:
                continue  # silence is not a claim
            if isinstance(value, dict) and isinstance(data.get(attr), dict):
                data[attr] = {**value, **data[attr]}  # raw columns: the first source's win
                continue
            if attr in LIST_ATTRIBUTES:
                self._origins.setdefault((element, attr), origins.get(attr, source))
                merged = list(data.get(attr, []))
                merged += [item for item in value if item not in merged]
                data[attr] = merged
                continue
            unnamed = attr == "name" and data.get(attr) == default_name(label)
            if attr not in data or data[attr] is None or unnamed:
                data[attr] = value
                self._origins[element, attr] = origins.get(attr, source)
            elif data[attr] != value and not _same_words(attr, data[attr], value):
                self._conflict(element, label, data, attr, value, origins.get(attr, source))

    def _conflict(
        self, element: Any, label: str, data: dict[str, Any], attr: str, value: Any, source: Source
    ) -> None:
        old = data[attr]
        first = self._origins.get((element, attr), data["sources"][0])
        kept = _pessimistic(attr, old, value)
        data[attr] = kept
        if kept is value:
            self._origins[element, attr] = source
        self.warn(
            f"conflicting {attr!r} for {label}: {_show(old)} at {first}, "
            f"{_show(value)} at {source}; keeping {_show(kept)}",
            source,
        )

    def warn(self, message: str, source: Source) -> None:
        self.diagnostics.append(Diagnostic(Level.WARNING, message, source))

    def error(self, message: str, source: Source) -> None:
        self.diagnostics.append(Diagnostic(Level.ERROR, message, source))

    # -- reading ------------------------------------------------------------

    def nodes(self, kind: str | None = None) -> Iterator[tuple[str, dict[str, Any]]]:
        for node_id, data in self.graph.nodes(data=True):
            if kind is None or data["kind"] == kind:
                yield node_id, data

    def edges(self, kind: str | None = None) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        for u, v, key, data in self.graph.edges(keys=True, data=True):
            if kind is None or data["kind"] == kind:
                yield u, v, key, data

    def flows(self) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        return self.edges("flow")

    def node(self, node_id: str) -> dict[str, Any]:
        data: dict[str, Any] = self.graph.nodes[node_id]
        return data

    def view(self, level: str) -> nx.MultiDiGraph:
        """The estate seen at ``system``, ``dataset`` or ``field`` level (no attributes).

        Flows only between systems; tables and fields bring their ``contains``
        and ``lineage`` edges.
        """
        kinds = {
            "system": {"system"},
            "dataset": {"system", "dataset"},
            "field": {"system", "dataset", "field"},
        }[level]
        edge_kinds = {"flow"} if level == "system" else {"flow", "contains", "lineage"}
        view = nx.MultiDiGraph()
        view.add_nodes_from(n for n, d in self.graph.nodes(data=True) if d["kind"] in kinds)
        view.add_edges_from(
            (u, v, k)
            for u, v, k, d in self.graph.edges(keys=True, data=True)
            if d["kind"] in edge_kinds and u in view and v in view
        )
        return view

    def system_of(self, node: str) -> str | None:
        """The system holding an endpoint, table or field (a system holds itself)."""
        seen = set()
        while node in self.graph and node not in seen:
            if self.node(node)["kind"] == "system":
                return node
            seen.add(node)
            holders = [u for u, _, k in self.graph.in_edges(node, keys=True) if k == "contains"]
            if not holders:
                return None
            node = holders[0]
        return None

    def cut(self, focus: str | None = None, category: str | None = None) -> Estate:
        """The part of the estate around ``focus`` and/or along ``category``.

        ``focus`` (a node id, or a system's name) keeps its system and every
        system data reaches it from or goes to from it; ``category`` keeps
        the flows that carry it (or a key under it) and the systems at their
        ends. Raises ``LookupError`` for a focus the estate does not have.
        """
        flows = [
            (u, v, k)
            for u, v, k, _ in self.flows()
            if category is None or any(under(c, category) for c in self.carried(u, v, k))
        ]
        if category is None:
            systems = {n for n, _ in self.nodes("system")}
        else:
            systems = {end for u, v, _ in flows for end in (u, v)}
        name = self.name + (f", flows carrying {category}" if category else "")
        if focus is not None:
            found = self.system_of(focus if focus in self.graph else self._system_named(focus))
            if found is None:
                raise LookupError(f"{focus!r} is no node or system of the estate")
            reach = nx.DiGraph((u, v) for u, v, _ in flows)
            reach.add_node(found)
            systems = {found} | nx.ancestors(reach, found) | nx.descendants(reach, found)
            flows = [(u, v, k) for u, v, k in flows if u in systems and v in systems]
            name += f", around {self.node(found).get('name', found)}"
        return self.subset(systems, flows, name)

    def subset(
        self, systems: Iterable[str], flows: Iterable[tuple[str, str, str]], name: str
    ) -> Estate:
        """These systems with all they hold, these flows, and what was found about them."""
        keep = set(systems)
        frontier = list(keep)
        while frontier:  # tables, endpoints and fields, through ``contains``
            for _, child, key in self.graph.out_edges(frontier.pop(), keys=True):
                if key == "contains" and child not in keep:
                    keep.add(child)
                    frontier.append(child)
        kept_flows = set(flows)
        # in the estate's own order, so that a part exports the same way every time
        graph = nx.MultiDiGraph()
        graph.add_nodes_from((n, d) for n, d in self.graph.nodes(data=True) if n in keep)
        graph.add_edges_from(
            (u, v, k, d)
            for u, v, k, d in self.graph.edges(keys=True, data=True)
            if u in keep and v in keep and (d["kind"] != "flow" or (u, v, k) in kept_flows)
        )
        part = Estate(
            name=name,
            root=self.root,
            graph=graph,
            diagnostics=list(self.diagnostics),
            policy=self.policy,
            inventories=list(self.inventories),
            exposures=[e for e in self.exposures if e.system in graph],
            baseline=self.baseline,
        )
        part.findings = [f for f in self.findings if _about(f, self.graph, graph)]
        part.suppressed = [(f, s) for f, s in self.suppressed if _about(f, self.graph, graph)]
        part._origins = {
            (element, attr): where
            for (element, attr), where in self._origins.items()
            if (graph.has_edge(*element) if isinstance(element, tuple) else element in graph)
        }
        return part

    def carried(self, u: str, v: str, key: str) -> list[str]:
        """Every category an edge is said, seen or found to carry, sorted."""
        return carried_categories(self.graph.edges[u, v, key])

    def origin(self, element: Any, attr: str) -> Source | None:
        """The exact place that set ``attr`` of a node id or an (u, v, key) edge."""
        return self._origins.get((element, attr))

    def exact_origins(self) -> list[tuple[Any, str, Source]]:
        """Attributes set somewhere other than their element's first source."""
        out = []
        for (element, attr), where in self._origins.items():
            data = (
                self.graph.edges[element]
                if isinstance(element, tuple)
                else self.graph.nodes[element]
            )
            sources = data.get("sources") or [None]
            if where != sources[0]:
                out.append((element, attr, where))
        return out

    def set_origin(self, element: Any, attr: str, where: Source) -> None:
        """Record the exact place of an attribute (reading an export back)."""
        self._origins[element, attr] = where

    def paths(self, category: str, to: str | None = None, masked: bool = False) -> list[Exposure]:
        """Witness paths of ``category`` (and the keys under it) to ``to`` or any system.

        Unmasked paths only, unless ``masked``; ``to`` is a system id or name.
        """
        wanted = to if to is None or to.startswith("system:") else self._system_named(to)
        return [
            e
            for e in self.exposures
            if under(e.category, category)
            and (wanted is None or e.system == wanted)
            and (masked or not e.masked)
        ]

    def _system_named(self, text: str) -> str:
        """A system id for an id without its kind, or for a system's name in any case."""
        if f"system:{text}" in self.graph:
            return f"system:{text}"
        wanted = text.casefold()
        for node, data in self.nodes("system"):
            if str(data.get("name", "")).casefold() == wanted:
                return node
        return f"system:{text}"

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.level is Level.ERROR]


def _about(finding: Finding, whole: nx.MultiDiGraph, part: nx.MultiDiGraph) -> bool:
    """A finding belongs to a part of the estate when everything it names is in it."""
    flow = finding.flow
    if flow is not None and whole.has_edge(*flow):
        return bool(part.has_edge(*flow))
    named = [s for s in finding.subjects if s in whole]
    return bool(named) and all(s in part for s in named)


def _same_words(attr: str, old: Any, new: Any) -> bool:
    """Free text never conflicts; a name written in other capitals is the same name."""
    if attr in FREE_TEXT:
        return True
    return attr == "name" and str(old).casefold() == str(new).casefold()


def default_name(node_id: str) -> str:
    """The name a node has until a source names it: its id without the kind.

    >>> default_name("system:crm")
    'crm'
    """
    return node_id.split(":", 1)[-1]


def _pessimistic(attr: str, old: Any, new: Any) -> Any:
    """Which of two conflicting values to keep: the less safe for safety facts, else the first."""
    if attr in SAFETY_FACTS and isinstance(old, bool) and isinstance(new, bool):
        return old and new
    if attr == "zone" and old in ZONE_EXPOSURE and new in ZONE_EXPOSURE:
        return new if ZONE_EXPOSURE[new] > ZONE_EXPOSURE[old] else old
    return old


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 80 else text[:77] + "..."
