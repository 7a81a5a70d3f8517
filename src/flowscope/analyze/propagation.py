"""Propagation: where each data category travels, masked or not, and one witness path.

One breadth-first traversal over states (place, category, masked), started
from every place a category is known to be (classified fields, data people
hand in); each state is visited once, so the work is linear in the graph.
The first time a state is reached is by a shortest path, kept as the
witness, with the evidence of every hop. Places are fields, datasets,
flows and systems:

- a field passes its categories along lineage edges (a masking transform
  masks them) and into the table that holds it;
- a table passes them to the flows that ship it (``dataset:`` on a flow), and
  a flow landing in a table passes them to its columns that hold them;
- a flow passes them to the system it reaches (``masked:`` on the flow, or a
  system that tokenises, masks them);
- a system passes a category on along its outgoing flows that are known to
  carry it (declared, observed or shipped): never everything to everyone.

Flows that declare a category nobody traced to its origin start a second,
later wave, so every declared exposure has a witness too.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from flowscope.analyze.unmonitored_third_party_flow import flow_categories
from flowscope.model import Estate, Hop
from flowscope.model.exposure import Exposure

Place = tuple[str, Any]  # ("field", id) | ("dataset", id) | ("flow", (u, v, key)) | ("system", id)
State = tuple[Place, str, bool]  # place, category, masked


@dataclass
class Index:
    """The graph cut down to what propagation walks, built once."""

    lineage: dict[str, list[tuple[str, bool, tuple[Any, ...]]]] = field(default_factory=dict)
    dataset_of: dict[str, str] = field(default_factory=dict)
    fields_of: dict[str, list[str]] = field(default_factory=dict)
    ships: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    lands: dict[tuple[str, str, str], list[str]] = field(default_factory=dict)
    out_flows: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    endpoint_system: dict[str, str] = field(default_factory=dict)
    request_fields: set[str] = field(default_factory=set)
    shipping: set[tuple[str, str, str]] = field(default_factory=set)  # flows that ship a table


def build_index(estate: Estate) -> Index:
    index = Index()
    system_of: dict[str, str] = {}
    for u, v, _, _data in estate.edges("contains"):
        kind = estate.node(v)["kind"]
        if kind == "field" and estate.node(u)["kind"] == "dataset":
            index.dataset_of[v] = u
            index.fields_of.setdefault(u, []).append(v)
        elif kind == "dataset":
            system_of[v] = u
        elif kind == "endpoint":
            index.endpoint_system[v] = u
    for endpoint in index.endpoint_system:
        for field_id in estate.node(endpoint).get("request_fields", []):
            index.request_fields.add(field_id)
            index.dataset_of.setdefault(field_id, endpoint)
    for u, v, _, data in estate.edges("lineage"):
        if estate.node(u)["kind"] == "field":
            masked = data.get("transform") == "masked"
            index.lineage.setdefault(u, []).append((v, masked, tuple(data["sources"])))
    for u, v, key, data in estate.flows():
        index.out_flows.setdefault(u, []).append((u, v, key))
        for dataset in data.get("via_datasets", []):
            if system_of.get(dataset) == u:
                index.ships.setdefault(dataset, []).append((u, v, key))
                index.shipping.add((u, v, key))
            elif system_of.get(dataset) == v:
                index.lands.setdefault((u, v, key), []).append(dataset)
    return index


@dataclass
class Propagation:
    exposures: dict[tuple[str, str, bool], Exposure] = field(default_factory=dict)
    carried: dict[tuple[str, str, str], set[str]] = field(default_factory=dict)


def propagate(estate: Estate) -> Propagation:
    """Every (category, system) reached, masked and unmasked, with witness paths."""
    index = build_index(estate)
    walk = _Walk(estate, index)
    walk.run(_field_origins(estate, index), _people_origins(estate))
    walk.run(_field_origins_fed_but_unreached(estate, walk), ())
    walk.run(walk.declared_but_unexplained(), ())
    for (u, v, key), categories in walk.result.carried.items():
        data = estate.graph.edges[u, v, key]
        data["categories"] = [
            *data.get("categories", []),
            *sorted(c for c in categories if c not in data.get("categories", [])),
        ]
    return walk.result


def _field_origins(estate: Estate, index: Index) -> Iterator[tuple[State, Hop | None]]:
    """Classified fields nothing feeds: no lineage into them, no flow landing in their table.

    A fed field is reached from upstream instead, so the witness tells where it came from.
    """
    fed = {target for targets in index.lineage.values() for target, _, _ in targets}
    landed = {d for datasets in index.lands.values() for d in datasets}
    for node, data in estate.nodes("field"):
        if node in fed or index.dataset_of.get(node) in landed:
            continue
        for category in data.get("categories", []):
            yield (
                (("field", node), category, False),
                Hop(node, node, "classified", tuple(data["sources"][:1])),
            )


def _field_origins_fed_but_unreached(
    estate: Estate, walk: _Walk
) -> Iterator[tuple[State, Hop | None]]:
    """Classified fields whose feeders never brought them their category: origins after all."""
    for node, data in estate.nodes("field"):
        for category in data.get("categories", []):
            place: Place = ("field", node)
            if (place, category, False) not in walk.parent and (
                place,
                category,
                True,
            ) not in walk.parent:
                yield (
                    (place, category, False),
                    Hop(node, node, "classified", tuple(data["sources"][:1])),
                )


def _people_origins(estate: Estate) -> Iterator[tuple[State, Hop | None]]:
    """What people hand in: flows out of actors and the public zone."""
    for u, v, key, data in estate.flows():
        origin = estate.node(u)
        if origin.get("zone") == "public" or origin.get("type") == "actor":
            for category in flow_categories(data):
                masked = category in data.get("masked", [])
                yield (("flow", (u, v, key)), category, masked), None


class _Walk:
    def __init__(self, estate: Estate, index: Index) -> None:
        self.estate, self.index = estate, index
        self.parent: dict[State, tuple[State | None, Hop | None]] = {}
        self.result = Propagation()

    def run(self, *origins: Iterable[tuple[State, Hop | None]]) -> None:
        queue: deque[State] = deque()
        for group in origins:
            for state, hop in group:
                if state not in self.parent:
                    self.parent[state] = (None, hop)
                    queue.append(state)
        while queue:
            state = queue.popleft()
            self._arrive(state)
            for following, hop in self._next(state):
                if following not in self.parent:
                    self.parent[following] = (state, hop)
                    queue.append(following)

    def declared_but_unexplained(self) -> Iterator[tuple[State, Hop | None]]:
        for u, v, key, data in self.estate.flows():
            for category in flow_categories(data):
                masked = category in data.get("masked", [])
                place: Place = ("flow", (u, v, key))
                if (place, category, False) not in self.parent and (
                    place,
                    category,
                    True,
                ) not in self.parent:
                    yield (place, category, masked), None  # the flow's own hop follows

    def _arrive(self, state: State) -> None:
        (kind, where), category, masked = state
        if kind == "flow" and not masked:  # a flow carries in the clear only what is unmasked
            self.result.carried.setdefault(where, set()).add(category)
        if kind != "system":
            return
        key = (category, where, masked)
        if key not in self.result.exposures:
            self.result.exposures[key] = Exposure(category, where, masked, self.witness(state))

    def witness(self, state: State) -> tuple[Hop, ...]:
        hops: list[Hop] = []
        current: State | None = state
        while current is not None:
            previous, hop = self.parent[current]
            if hop is not None:
                hops.append(hop)
            current = previous
        return tuple(reversed(hops))

    def _next(self, state: State) -> Iterator[tuple[State, Hop | None]]:
        (kind, where), category, masked = state
        index, estate = self.index, self.estate
        data: dict[str, Any]
        if kind == "field":
            for target, masking, evidence in index.lineage.get(where, []):
                yield (
                    (("field", target), category, masked or masking),
                    Hop(where, target, "lineage", evidence),
                )
            holder = index.dataset_of.get(where)
            if holder is not None and where in index.request_fields:
                system = index.endpoint_system[holder]
                if estate.node(system).get("zone") == "third_party":
                    return  # a vendor's API accepting it says nothing of what is sent: see via
                yield (
                    (("system", system), category, masked),
                    Hop(holder, system, "served_by", tuple(estate.node(holder)["sources"][:1])),
                )
            elif holder is not None:
                yield (
                    (("dataset", holder), category, masked),
                    Hop(where, holder, "stored_in", tuple(estate.node(where)["sources"][:1])),
                )
        elif kind == "dataset":
            for flow in index.ships.get(where, []):
                data = estate.graph.edges[flow]
                said = estate.origin(flow, "dataset") or data["sources"][0]  # the `dataset:` line
                yield (("flow", flow), category, masked), Hop(where, flow[0], "shipped_by", (said,))
        elif kind == "flow":
            u, v, key = where
            data = estate.graph.edges[u, v, key]
            receiver = estate.node(v)
            masking = (
                masked or category in data.get("masked", []) or bool(receiver.get("tokenizes"))
            )
            yield (("system", v), category, masking), Hop(u, v, "flow", tuple(data["sources"]))
            for dataset in index.lands.get(where, []):
                for column in index.fields_of.get(dataset, []):
                    if category in estate.node(column).get("categories", []):
                        yield (
                            (("field", column), category, masking),
                            Hop(u, column, "lands_in", tuple(data["sources"])),
                        )
        else:  # a system passes on what its outgoing flows are known to carry
            for flow in index.out_flows.get(where, []):
                data = estate.graph.edges[flow]
                # a flow that ships a table carries what reaches the table (masked or not),
                # by the table's own path: not whatever the system holds
                if category in flow_categories(data) and flow not in index.shipping:
                    yield (("flow", flow), category, masked), None
