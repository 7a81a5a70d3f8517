"""DOT: Graphviz renders the sample estate, big estates and hostile names."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from xml.etree import ElementTree

from conftest import ACME, run_cli

SVG = "{http://www.w3.org/2000/svg}"


def _render(estate: Path, tmp_path: Path) -> tuple[str, ElementTree.Element]:
    out = tmp_path / "estate.dot"
    result = run_cli("export", str(estate), "--format", "dot", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert shutil.which("dot"), "needs Graphviz's dot: apt-get install graphviz (.ci/run does)"
    svg = subprocess.run(
        ["dot", "-Tsvg", str(out)], capture_output=True, text=True, timeout=120, check=False
    )
    assert svg.returncode == 0, svg.stderr
    assert "Error" not in svg.stderr and "Warning" not in svg.stderr, svg.stderr
    return out.read_text(encoding="utf-8"), ElementTree.fromstring(svg.stdout)


def _titles(svg: ElementTree.Element, group: str) -> list[str]:
    return [g.findtext(f"{SVG}title") or "" for g in svg.iter(f"{SVG}g") if g.get("class") == group]


def test_sample_estate_renders_with_a_cluster_per_zone(tmp_path: Path) -> None:
    text, svg = _render(ACME, tmp_path)

    clusters = _titles(svg, "cluster")
    assert {"cluster_zone_public", "cluster_zone_internal", "cluster_zone_third_party"} <= set(
        clusters
    )
    assert "cluster_system:warehouse" in clusters  # the warehouse box holds its tables
    nodes = _titles(svg, "node")
    assert "system:openai" in nodes and "dataset:warehouse/marts.customer_360" in nodes
    assert len(nodes) == 35  # 24 systems and 11 tables
    edge_labels = [t.text for t in svg.iter(f"{SVG}text") if t.text and "user." in t.text]
    assert any("user.content.private" in label for label in edge_labels)
    assert "left out" not in text


def test_a_big_estate_falls_back_to_systems_without_labels(make_estate, tmp_path: Path) -> None:
    systems = "\n".join(
        f"  - {{id: s{i}, name: Service {i}, type: service, zone: internal}}" for i in range(400)
    )
    flows = "\n".join(
        f"  - {{from: s{i}, to: s{(i * 7 + 1) % 400}, categories: [user.contact.email]}}"
        for i in range(400)
    )
    estate = make_estate(f"systems:\n{systems}\nflows:\n{flows}\n")

    text, svg = _render(estate, tmp_path)

    assert "// left out: edge labels" in text
    assert len(_titles(svg, "node")) == 400
    assert len(_titles(svg, "edge")) == 400
    assert not [t for t in svg.iter(f"{SVG}text") if t.text == "user.contact.email"]


def test_hostile_names_are_quoted(make_estate, tmp_path: Path) -> None:
    estate = make_estate(
        """\
        systems:
          - {id: app, name: 'App" ]; evil -> x [label="pwn', type: service, zone: internal}
          - {id: llm, name: "back\\\\slash } { \\\\N", type: ai_provider, zone: third_party}
        flows:
          - {from: app, to: llm, categories: [user.content.private]}
        """
    )

    _, svg = _render(estate, tmp_path)

    labels = [t.text for t in svg.iter(f"{SVG}text")]
    assert 'App" ]; evil -> x [label="pwn' in labels
    assert "back\\slash } { \\N" in labels
    assert len(_titles(svg, "node")) == 2 and "evil" not in " ".join(_titles(svg, "node"))
