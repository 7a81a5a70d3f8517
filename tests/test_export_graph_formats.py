"""GraphML and GEXF load back in networkx with every node, edge and category."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree

import networkx as nx
import pytest

from conftest import ACME, run_cli
from flowscope.export.flat_graph import SEPARATOR

READERS = {
    "graphml": lambda path: nx.read_graphml(path, force_multigraph=True),
    "gexf": nx.read_gexf,
}


def _export(fmt: str, estate_path: Path, out: Path) -> nx.MultiDiGraph:
    result = run_cli("export", str(estate_path), "--format", fmt, "-o", str(out))
    assert result.returncode == 0, result.stderr
    graph = READERS[fmt](out)
    assert graph.is_directed()
    return nx.MultiDiGraph(graph)  # GEXF reads as a DiGraph when no edges are parallel


def _categories(value: str | None) -> set[str]:
    return set(value.split(SEPARATOR)) if value else set()


@pytest.mark.parametrize("fmt", sorted(READERS))
def test_every_node_edge_and_category_survives(fmt: str, acme, tmp_path: Path) -> None:
    loaded = _export(fmt, ACME, tmp_path / f"acme.{fmt}")

    assert set(loaded.nodes) == set(acme.graph.nodes)
    exported_edges = Counter((u, v, d["edge_key"]) for u, v, d in loaded.edges(data=True))
    assert exported_edges == Counter(list(acme.graph.edges(keys=True)))
    for node, data in acme.graph.nodes(data=True):
        assert _categories(loaded.nodes[node].get("categories")) == set(data.get("categories", []))
        assert loaded.nodes[node]["kind"] == data["kind"]
    flows = {(u, v, d["edge_key"]): d for u, v, d in loaded.edges(data=True)}
    for u, v, key, data in acme.graph.edges(keys=True, data=True):
        assert _categories(flows[u, v, key].get("categories")) == set(data.get("categories", []))


@pytest.mark.parametrize("fmt", sorted(READERS))
def test_attributes_are_typed_scalars(fmt: str, acme, tmp_path: Path) -> None:
    loaded = _export(fmt, ACME, tmp_path / f"acme.{fmt}")

    stripe = loaded.nodes["system:stripe"]
    assert stripe["label"] == acme.graph.nodes["system:stripe"]["name"]
    assert stripe["source"].startswith("systems.yaml:")
    assert stripe["dpa"] is True  # a boolean, not the string "True"
    encrypted = [d["encrypted"] for _, _, d in loaded.edges(data=True) if "encrypted" in d]
    assert encrypted and all(isinstance(value, bool) for value in encrypted)
    statements = [d["statement"] for _, _, d in loaded.edges(data=True) if "statement" in d]
    assert statements and all(isinstance(value, int) for value in statements)


def test_graphml_declares_each_attribute_once(tmp_path: Path) -> None:
    """yEd and Cytoscape expect one key per attribute name and scope."""
    out = tmp_path / "acme.graphml"
    _export("graphml", ACME, out)
    keys = ElementTree.parse(out).getroot().findall("{http://graphml.graphdrawing.org/xmlns}key")
    declared = Counter((k.get("for"), k.get("attr.name")) for k in keys)
    assert declared and max(declared.values()) == 1


@pytest.mark.parametrize("fmt", sorted(READERS))
def test_hostile_names_give_well_formed_files(fmt: str, tmp_path: Path) -> None:
    estate = tmp_path / "estate"
    (estate / "specs").mkdir(parents=True)
    (estate / "systems.yaml").write_text(
        "systems:\n"
        '  - {id: app, name: "</key><node id=\\"x\\"/> & \\u0001bell", type: service,'
        " zone: internal, openapi: specs/api.json}\n",
        encoding="utf-8",
    )
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/users": {
                "get": {
                    "parameters": [
                        {"name": "e\u0002mail]]>", "in": "query", "schema": {"type": "string"}}
                    ],
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
    }
    (estate / "specs" / "api.json").write_text(json.dumps(spec), encoding="utf-8")

    loaded = _export(fmt, estate, tmp_path / f"hostile.{fmt}")

    assert loaded.nodes["system:app"]["label"] == '</key><node id="x"/> & \ufffdbell'
    assert any(d.get("name") == "e\ufffdmail]]>" for _, d in loaded.nodes(data=True))
