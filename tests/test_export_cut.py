"""export --focus / --category: a part of the estate, in any format, with the findings about it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
import yaml

from conftest import ACME, cli_export, run_cli
from flowscope.model import Estate
from threat_model_checks import (
    assert_every_system_inside_its_boundary,
    threagile_problems,
    threat_dragon_problems,
)


def systems(estate: Estate) -> set[str]:
    return {n for n, _ in estate.nodes("system")}


def flows(estate: Estate) -> set[tuple[str, str, str]]:
    return {(u, v, k) for u, v, k, _ in estate.flows()}


def test_a_category_keeps_the_flows_that_carry_it_and_their_systems(acme: Estate) -> None:
    part = acme.cut(category="user.biometric")
    carrying = {
        (u, v, k)
        for u, v, k, _ in acme.flows()
        if any(c.startswith("user.biometric") for c in acme.carried(u, v, k))
    }
    assert flows(part) == carrying and len(carrying) == 5
    assert systems(part) == {end for u, v, _ in carrying for end in (u, v)}
    # what the kept systems hold comes along: the contact centre's endpoints and fields
    assert "endpoint:contact-centre/POST /calls" in part.graph
    assert part.name == "acme-cx, flows carrying user.biometric"


def test_a_focus_keeps_everything_upstream_and_downstream_of_it(acme: Estate) -> None:
    part = acme.cut(focus="Mailchimp")  # a system's name works as well as its id
    reach = nx.DiGraph((u, v) for u, v, _ in flows(acme))
    expected = {"system:mailchimp"} | nx.ancestors(reach, "system:mailchimp")
    assert systems(part) == expected
    assert "system:warehouse" in expected and "system:openai" not in expected
    assert part.cut(focus="system:mailchimp").name.endswith("around Mailchimp")


def test_only_the_findings_about_what_is_kept_come_along(acme: Estate) -> None:
    part = acme.cut(focus="system:openai")
    kept = {(f.rule_id, f.subjects) for f in part.findings}
    assert kept == {
        ("FS302", ("system:openai",)),
        ("FS203", ("system:openai",)),
        ("FS202", ("system:openai",)),
        ("FS101", ("system:support-chatbot", "system:openai", "flow:support-chatbot->openai")),
        ("FS303", ("system:support-chatbot", "system:openai", "flow:support-chatbot->openai")),
        ("FS304", ("endpoint:support-chatbot/POST /conversations",)),
    }
    for finding in acme.findings:  # every finding whose flow is kept is kept
        subjects = finding.subjects
        if len(subjects) == 3 and part.graph.has_edge(*subjects):
            assert (finding.rule_id, subjects) in kept


def test_an_unknown_focus_is_a_lookup_error(acme: Estate) -> None:
    with pytest.raises(LookupError, match="'system:nope' is no node or system of the estate"):
        acme.cut(focus="system:nope")


def test_a_cut_threat_dragon_model_is_valid_and_keeps_its_boundaries(
    acme: Estate, tmp_path: Path
) -> None:
    text = cli_export(
        "threat-dragon", tmp_path / "voice.json", "--category", "user.biometric.voice"
    )
    document = json.loads(text)
    assert threat_dragon_problems(document) == []
    part = acme.cut(category="user.biometric.voice")
    assert_every_system_inside_its_boundary(part, document)
    threats = [t for c in document["detail"]["diagrams"][0]["cells"]
               for t in c["data"].get("threats", [])]  # fmt: skip
    assert len(threats) == len(part.findings) == document["detail"]["threatTop"]
    assert document["summary"]["title"] == "acme-cx, flows carrying user.biometric.voice"


def test_a_cut_threagile_model_is_valid(tmp_path: Path) -> None:
    text = cli_export("threagile", tmp_path / "m.yaml", "--focus", "system:mailchimp")
    model = yaml.safe_load(text)
    assert threagile_problems(model) == []
    assert "OpenAI" not in model["technical_assets"] and "Mailchimp" in model["technical_assets"]


def test_the_cli_says_what_it_could_not_cut(tmp_path: Path) -> None:
    missing = run_cli("export", str(ACME), "--format", "json", "--focus", "system:nope",
                      "-o", str(tmp_path / "x.json"))  # fmt: skip
    assert missing.returncode == 2
    assert missing.stderr.splitlines()[-1] == (
        "flowscope: error: --focus 'system:nope' is no node or system of the estate"
    )
    assert not (tmp_path / "x.json").exists()
    empty = run_cli("export", str(ACME), "--format", "mermaid", "--category", "user.health")
    assert empty.returncode == 0
    assert "flowscope: warning: no flow carries 'user.health': the export is empty" in empty.stderr


def test_a_part_exports_the_same_whatever_the_hash_seed() -> None:
    # string hashing differs per process: a part built from a set would change order
    outputs = {
        subprocess.run(
            [sys.executable, "-m", "flowscope", "export", str(ACME), "--format", "json",
             "--category", "user.financial"],
            capture_output=True, text=True, check=True, timeout=120,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2", "3")
    }  # fmt: skip
    assert len(outputs) == 1
